/**
 * The QA loop end to end: the example shop's real page files in the simulator, a seeded crowd,
 * the SDK's mini-program build delivering over real HTTP to the collector, then SQL on its DuckDB
 * file. Every event the SDK queued is stored exactly once, no seq gaps, and page views, exposures,
 * taps, CTR and the funnel equal what the script did.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, type Report } from '../../collector/report';
import { startCollector, type Collector } from '../../collector/server';
import { buildMiniprogramBundle } from './build';
import { compareWithScript } from './compare';
import { runCrowd, type Truth } from './crowd';
import { ExampleApp } from './miniapp';
import { installClock } from './time';

const APP = path.resolve(__dirname, '../../example-miniprogram/miniprogram');

let dir: string;
let collector: Collector;
let truth: Truth;
let report: Report;
const collectorSaid: string[] = [];
const rows = <T>(sql: string) => collector.store.query((s) => s.rows<T>(sql));

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wetrack-qa-'));
  const sdk = await buildMiniprogramBundle();
  collector = await startCollector({ port: 0, db: path.join(dir, 'events.duckdb'), log: { info: () => {}, warn: (m) => collectorSaid.push(m) } });
  const clock = installClock();
  const warn = console.warn;
  console.warn = () => {}; // the SDK's warnings (a request interrupted in the background) are expected
  try {
    truth = await runCrowd({ app: new ExampleApp(APP, sdk, { serverUrl: collector.url }), clock, sessions: 40, seed: 4242, offlineShare: 0.2 });
  } finally {
    clock.uninstall();
    console.warn = warn;
  }
  report = await buildReport(collector.store);
}, 60_000);

afterAll(async () => {
  await collector?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('example app → SDK → collector', () => {
  it('the crowd did what it is meant to: several sessions per user, offline phones, kills with events left, buyers', () => {
    expect(truth.sessions).toBeGreaterThanOrEqual(40);
    expect(truth.offlineSessions).toBeGreaterThan(0);
    expect(truth.leftQueued).toBeGreaterThan(0);
    expect(truth.taps).toBeGreaterThan(0);
    expect(truth.funnel[4]).toBeGreaterThan(0);
    expect(truth.tracked.size).toBeGreaterThan(1000);
  });

  it('stores every event the SDK queued exactly once', async () => {
    const [c] = await rows<{ n: number; ids: number }>('SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids FROM events');
    expect(c).toEqual({ n: truth.tracked.size, ids: truth.tracked.size });
    const stored = new Set((await rows<{ id: string }>('SELECT id FROM events')).map((r) => r.id));
    expect([...truth.tracked.keys()].filter((id) => !stored.has(id))).toEqual([]);
  });

  it('never failed inside the collector (no 500 made the SDK send anything twice)', () => {
    expect(collectorSaid).toEqual([]);
  });

  it('finds no seq gaps per install, and nothing refused', async () => {
    const gaps = await rows('SELECT anonymous_id, seq FROM (SELECT anonymous_id, seq, lag(seq) OVER (PARTITION BY anonymous_id ORDER BY seq) AS prev FROM events) WHERE seq <> prev + 1');
    expect(gaps).toEqual([]);
    expect(report.quality).toMatchObject({ gaps: 0, missing: 0, rejected: 0, droppedOnPhone: 0 });
  });

  it('has the exposures, taps and CTR per slot that the script made', async () => {
    const slots = await rows<{ slot: string; exposures: number; taps: number }>(
      `SELECT slot, count(*) FILTER (WHERE name = '$exposure')::INTEGER AS exposures, count(*) FILTER (WHERE name = '$tap')::INTEGER AS taps
       FROM events WHERE slot IS NOT NULL GROUP BY slot ORDER BY slot`,
    );
    const want = [...new Set([...truth.exposuresBySlot.keys(), ...truth.tapsBySlot.keys()])].sort().map((slot) => ({ slot, exposures: truth.exposuresBySlot.get(slot) ?? 0, taps: truth.tapsBySlot.get(slot) ?? 0 }));
    expect(slots).toEqual(want);
    for (const s of report.slots) expect(s.ctr).toBeCloseTo((truth.tapsBySlot.get(s.slot) ?? 0) / truth.exposuresBySlot.get(s.slot)!, 10);
    expect(slots.some((s) => s.slot.startsWith('home.banner'))).toBe(true);
    expect(slots.some((s) => s.slot.startsWith('category.item'))).toBe(true);
  });

  it('has the funnel home → product → cart → checkout → pay that the script went through', () => {
    expect(report.funnel.map((f) => f.sessions)).toEqual(truth.funnel);
    expect(report.funnel.map((f) => f.step)).toEqual(['home', 'product', 'cart', 'checkout', 'pay']);
  });

  it('agrees with the script on everything the demo checks (page views, visitors, events per name)', async () => {
    expect(await compareWithScript(collector.store, report, truth)).toEqual([]);
  });

  it('keeps the business properties of the manual events', async () => {
    const [pay] = await rows<{ n: number; bad: number }>(
      `SELECT count(*)::INTEGER AS n,
              count(*) FILTER (WHERE (properties->>'product_code') NOT LIKE 'VG-%' OR (properties->>'price')::DOUBLE <= 0
                                   OR (properties->>'quantity')::INTEGER < 1 OR (properties->>'order_id') IS NULL)::INTEGER AS bad
       FROM events WHERE name = 'pay_success'`,
    );
    expect(pay!.n).toBeGreaterThan(0);
    expect(pay!.bad).toBe(0);
  });
});
