/**
 * Issue 16, past one machine: the demo crowd (scripts/demo.ts: the example shop, its tracking plan)
 * delivered through a balancer (tee.ts) to three setups at once, each request to each:
 *   duckdb  one collector on a DuckDB file (the default);
 *   single  one collector on ClickHouse;
 *   split   two collector processes (`npm run collector -- --db clickhouse://…`, two ports) on one
 *           ClickHouse database, the batches split between them by round robin.
 * Every 7th answer is lost by the balancer (503 after every setup stored the batch): the SDK sends
 * those events again, and in the split setup the other collector takes them, so a duplicate is
 * known only from the store. Checked: every event the SDK queued stored once and no seq gap in each
 * setup (compared with the script, as the demo does), the split setup's report (totals, pages,
 * slots, funnel, names, delivery quality, the plan's coverage) equal to the single collector's and
 * to DuckDB's, and the operators' analyses equal across the three.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlan } from '../../plan/load';
import { buildAnalytics, type Analytics } from '../../collector/analytics';
import { openStore } from '../../collector/open';
import { buildReport, type Report } from '../../collector/report';
import { startCollector, type Collector } from '../../collector/server';
import type { EventStore } from '../../collector/store';
import type { TrackingPlanFile } from '../../src/plan/shape';
import { comparePlanCoverage } from '../plan/compare';
import { buildMiniprogramBundle } from '../qa/build';
import { compareWithScript } from '../qa/compare';
import { runCrowd, type Truth } from '../qa/crowd';
import { ExampleApp } from '../qa/miniapp';
import { installClock } from '../qa/time';
import { clickhouseAvailable, startClickHouse, type ClickHouseServer } from './clickhouse';
import { freshStore, type StoreDb } from './stores';
import { startTee, type Tee } from './tee';

const ROOT = path.resolve(__dirname, '../..');
const APP = path.join(ROOT, 'example-miniprogram/miniprogram');
const PLAN = path.join(ROOT, 'example-miniprogram/tracking-plan.json');
const LOSE_EVERY = 7;

/** `npm run collector` in a process of its own; resolves with its batch URL once it listens. */
function spawnCollector(db: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'collector/main.ts'), 'serve', '--port', '0', '--db', db, '--plan', PLAN], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  child.stderr!.on('data', (d) => (said += d));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /SDK serverUrl\s+(http:\/\/\S+)/.exec(out);
      if (m)
        resolve({
          url: m[1]!,
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
    });
    child.once('exit', (code) => reject(new Error(`collector exited (${code}): ${out}${said}`)));
  });
}

/** Numbers rounded to 10 significant digits: sums of prices in another order differ in the last bits. */
const rounded = (v: unknown): unknown =>
  typeof v === 'number' ? Number(v.toPrecision(10)) : Array.isArray(v) ? v.map(rounded) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)])) : v;

const available = clickhouseAvailable('the two-collector test on ClickHouse (test/collector/scale.test.ts)');

describe.skipIf(!available)('past one machine: two stateless collectors on one ClickHouse', () => {
  let server: ClickHouseServer;
  let duck: StoreDb;
  let plan: TrackingPlanFile;
  const inProcess: Collector[] = [];
  const processes: Awaited<ReturnType<typeof spawnCollector>>[] = [];
  let split: EventStore;
  let tee: Tee;
  let truth: Truth;
  const reports = new Map<string, Report>();
  const analyses = new Map<string, Analytics>();
  const stores = new Map<string, EventStore>();

  beforeAll(async () => {
    plan = loadPlan(PLAN).plan!;
    const sdk = await buildMiniprogramBundle();
    server = await startClickHouse();
    duck = await freshStore('duckdb', 'scale');
    const log = { info: () => {}, warn: (m: string) => console.error(m) };
    inProcess.push(await startCollector({ port: 0, db: duck.db, plan, log }));
    inProcess.push(await startCollector({ port: 0, db: server.url('single'), plan, log }));
    for (let i = 0; i < 2; i++) processes.push(await spawnCollector(server.url('split')));
    tee = await startTee([[inProcess[0]!.url], [inProcess[1]!.url], processes.map((p) => p.url)], { loseEvery: LOSE_EVERY });

    const clock = installClock();
    const warn = console.warn;
    console.warn = () => {};
    try {
      // The demo's seed; fewer sessions than its 300, over the same 14 days.
      truth = await runCrowd({ app: new ExampleApp(APP, sdk, { serverUrl: tee.url }), clock, sessions: 80, seed: 20250618 });
    } finally {
      clock.uninstall();
      console.warn = warn;
    }
    split = await openStore(server.url('split'));
    stores.set('duckdb', inProcess[0]!.store);
    stores.set('single', inProcess[1]!.store);
    stores.set('split', split);
    for (const [name, s] of stores) {
      reports.set(name, await buildReport(s, undefined, plan));
      analyses.set(name, await buildAnalytics(s));
    }
  }, 240_000);

  afterAll(async () => {
    await tee?.close();
    for (const p of processes) await p.stop();
    for (const c of inProcess) await c.close();
    await split?.close();
    await server?.stop();
    await duck?.dispose();
  }, 60_000);

  it('split the traffic between the two processes, and lost answers made the SDK send events again', async () => {
    expect(tee.mismatches).toEqual([]);
    expect(tee.lost).toBeGreaterThan(5);
    const perCollector = await split.rows<{ collector: string; batches: number; duplicates: number }>(
      'SELECT collector, count() AS batches, sum(duplicates) AS duplicates FROM batches GROUP BY collector ORDER BY collector',
    );
    expect(perCollector).toHaveLength(2);
    const total = perCollector.reduce((t, r) => t + r.batches, 0);
    for (const r of perCollector) expect(r.batches).toBeGreaterThan(total / 3);
    // Each lost answer's events came back through the other collector, which found them in the store.
    expect(perCollector.every((r) => r.duplicates > 0)).toBe(true);
    expect(reports.get('split')!.quality.duplicates).toBeGreaterThan(0);
  });

  for (const name of ['duckdb', 'single', 'split']) {
    it(`${name}: every event the SDK queued is stored once, no seq gap, and the report equals the script`, async () => {
      const s = stores.get(name)!;
      const report = reports.get(name)!;
      expect(await compareWithScript(s, report, truth)).toEqual([]);
      expect(comparePlanCoverage(report.plan!, truth, plan)).toEqual([]);
      expect(report.totals.events).toBe(truth.tracked.size);
      expect(report.quality).toMatchObject({ gaps: 0, missing: 0, installsWithGaps: 0 });
    });
  }

  it('the two collectors’ report is the single collector’s, and DuckDB’s', () => {
    expect(reports.get('split')).toEqual(reports.get('single'));
    expect(reports.get('split')).toEqual(reports.get('duckdb'));
    // Not trivially equal: the crowd did things, and duplicates were dropped on the way.
    expect(reports.get('split')!.funnel[0]!.sessions).toBeGreaterThan(10);
    expect(reports.get('split')!.quality.duplicates).toBe(reports.get('duckdb')!.quality.duplicates);
  });

  it('the operators’ analyses are the same on both stores and with two collectors', () => {
    const d = rounded(analyses.get('duckdb'));
    expect(rounded(analyses.get('single'))).toEqual(d);
    expect(rounded(analyses.get('split'))).toEqual(d);
    expect(analyses.get('duckdb')!.daily.length).toBeGreaterThanOrEqual(14);
  });

  it('the live view lists an install’s events in the same order from either store', async () => {
    const installs = [...new Set([...truth.tracked.values()].map((e) => e.anonymousId))].slice(0, 5);
    expect(installs).toHaveLength(5);
    for (const user of installs) {
      const ids = async (s: EventStore) => (await s.events({ user, limit: 2000 })).map((e) => e.id);
      const want = await ids(stores.get('duckdb')!);
      expect(want.length).toBeGreaterThan(0);
      expect(await ids(split)).toEqual(want);
      expect(await ids(stores.get('single')!)).toEqual(want);
    }
  });
});
