/**
 * The tracking plan end to end: the example shop's real pages in the simulator, a seeded crowd with
 * its one deliberate mistake (test/qa/crowd.ts), the SDK's mini-program build delivering over real
 * HTTP to a collector started with the example's tracking-plan.json. The violation is stored with
 * its event (never refused), found through the live view's API, and the report's coverage equals
 * the script's own tally.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanCoverage } from '../../collector/coverage';
import { buildReport, formatReport, type Report } from '../../collector/report';
import { startCollector, type Collector } from '../../collector/server';
import type { EventRow } from '../../collector/store';
import { loadPlan } from '../../plan/load';
import type { TrackingPlanFile } from '../../src/plan/shape';
import { buildMiniprogramBundle } from '../qa/build';
import { runCrowd, type Truth } from '../qa/crowd';
import { ExampleApp } from '../qa/miniapp';
import { installClock } from '../qa/time';
import { comparePlanCoverage } from './compare';

const ROOT = path.resolve(__dirname, '../..');
const APP = path.join(ROOT, 'example-miniprogram/miniprogram');

let dir: string;
let collector: Collector;
let truth: Truth;
let report: Report;
let plan: TrackingPlanFile;
const collectorSaid: string[] = [];
const get = async <T>(route: string): Promise<T> => {
  const res = await fetch(collector.liveUrl.replace(/\/$/, '') + route);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wetrack-plan-'));
  const loaded = loadPlan(path.join(ROOT, 'example-miniprogram/tracking-plan.json'));
  expect(loaded.errors).toEqual([]);
  plan = loaded.plan!;
  const sdk = await buildMiniprogramBundle();
  collector = await startCollector({ port: 0, db: path.join(dir, 'events.duckdb'), plan, log: { info: () => {}, warn: (m) => collectorSaid.push(m) } });
  const clock = installClock();
  const warn = console.warn;
  console.warn = () => {}; // the SDK's warnings (a request interrupted in the background) are expected
  try {
    truth = await runCrowd({ app: new ExampleApp(APP, sdk, { serverUrl: collector.url }), clock, sessions: 30, seed: 1212 });
  } finally {
    clock.uninstall();
    console.warn = warn;
  }
  report = await buildReport(collector.store, undefined, plan);
}, 90_000);

afterAll(async () => {
  await collector?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('collector --plan, end to end over HTTP', () => {
  it('the crowd made its one deliberate mistake, and the collector stored every event (none refused)', async () => {
    expect(truth.planMistakes).toHaveLength(1);
    expect(truth.planMistakes[0]).toMatchObject({ name: 'add_to_cart', field: 'properties.quantity', rule: 'type' });
    expect(truth.tracked.get(truth.planMistakes[0]!.id)!.properties.quantity).toBe('1');
    expect(report.totals.events).toBe(truth.tracked.size);
    expect(report.quality.rejected).toBe(0);
    expect(collectorSaid).toEqual([]);
  });

  it('stores the violation with the event, in the words of the plan, and the live view filters on it', async () => {
    const bad = await get<EventRow[]>('/api/events?violations=1&limit=2000');
    expect(bad.map((e) => e.id)).toEqual([truth.planMistakes[0]!.id]);
    expect(bad[0]!.violations).toEqual([{ field: 'properties.quantity', rule: 'type', message: 'must be integer, got "1"' }]);
    expect(bad[0]!.properties).toMatchObject({ quantity: '1' }); // stored as it came
    // Every other event was checked and found as planned: [] (not null, which means "not checked").
    const some = await get<EventRow[]>('/api/events?name=add_to_cart&limit=2000');
    expect(some.length).toBe([...truth.tracked.values()].filter((e) => e.name === 'add_to_cart').length);
    expect(some.filter((e) => e.id !== bad[0]!.id).every((e) => Array.isArray(e.violations) && e.violations.length === 0)).toBe(true);
    const one = await get<EventRow>(`/api/events/${encodeURIComponent(bad[0]!.id)}`);
    expect(one.violations).toEqual(bad[0]!.violations);
  });

  it("has the coverage the script's own tally gives: per event, per slot, not in the plan, the violation", async () => {
    expect(comparePlanCoverage(report.plan!, truth, plan)).toEqual([]);
    // And the same from the running collector, as the live view and `npm run report -- --url` get it.
    const live = await get<PlanCoverage>('/api/coverage');
    expect(live).toEqual(report.plan);
    expect((await get<Report>('/api/report')).plan).toEqual(report.plan);
  });

  it('shows what was never seen: the approved favourite_product the app does not track yet', () => {
    const fav = report.plan!.events.find((e) => e.name === 'favourite_product')!;
    expect(fav).toMatchObject({ seen: false, events: 0, validShare: null, status: 'approved' });
    const add = report.plan!.events.find((e) => e.name === 'add_to_cart')!;
    expect(add.validShare).toBeCloseTo((add.events - 1) / add.events, 10);
    expect(add.byVersion.map((v) => v.appVersion)).toEqual(['1.0.0']);
  });

  it('prints the coverage and the mistake in the text report', () => {
    const text = formatReport(report);
    const section = text.slice(text.indexOf('Tracking plan:'));
    expect(section).toMatch(new RegExp(`^Tracking plan: ${truth.tracked.size} of ${truth.tracked.size} events checked against it, 1 with violations`));
    expect(section).toMatch(/favourite_product\s+approved\s+0\s+—\s+0\s+NEVER SEEN/);
    expect(section).toMatch(/add_to_cart\s+properties\.quantity\s+type\s+1\s+must be integer, got "1" \(id /);
  });
});
