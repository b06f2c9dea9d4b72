/**
 * The analyses over the collector's HTTP API with fixture events posted directly: the tap heat map
 * (taps carrying x/y in page coordinates, as the issue describes them; the SDK does not send them
 * yet), user-defined funnels by GET /api/funnel (per session, per install within N days, property
 * filters, and the 400s that name the field), and the calendar-day time zone of /api/analytics.
 * Each on both stores (DuckDB, ClickHouse).
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analytics } from '../../collector/analytics';
import type { FunnelResult } from '../../collector/analytics/funnel';
import { startCollector, type Collector } from '../../collector/server';
import { freshStore, stores, type StoreDb } from '../collector/stores';

const T0 = Date.UTC(2025, 5, 18, 15, 30); // 23:30 in UTC+8: an hour later is the next day there
const H = 3_600_000;
let c: Collector;
let n = 0;
const seqs = new Map<string, number>();

const ev = (anon: string, session: string, name: string, time: number, properties: Record<string, unknown> = {}) => {
  seqs.set(anon, (seqs.get(anon) ?? 0) + 1);
  return { id: 'fx' + String(++n).padStart(6, '0'), seq: seqs.get(anon)!, name, time, anonymousId: anon, sessionId: session, page: properties.path as string | undefined, properties };
};
async function post(events: unknown[], context: Record<string, unknown> = { lib: 'wetrack' }) {
  const res = await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sentAt: Date.now(), context, events }) });
  expect(res.status).toBe(200);
}
const get = async <T>(p: string) => {
  const res = await fetch(new URL(p, c.liveUrl));
  return { status: res.status, body: (await res.json()) as T };
};
const home = 'pages/home/index';

for (const { kind, skip } of stores('the analytics API tests on ClickHouse (test/analytics/api.test.ts)')) describe.skipIf(skip)(`analytics API, ${kind} store`, () => {
  let store: StoreDb;
  beforeAll(async () => {
    n = 0;
    seqs.clear();
    store = await freshStore(kind);
    c = await startCollector({ port: 0, db: store.db, log: { info: () => {}, warn: (m) => console.error(m) } });
    const tap = (x: number | undefined, y: number | undefined, p = home) => ev('h1', 'hs1', '$tap', T0, { path: p, ...(x !== undefined && { x, y }) });
    // A 375 px wide phone: cells of 37.5 px.
    await post([tap(10, 10), tap(370, 10), tap(187, 400), tap(187, 401), tap(undefined, undefined), tap(30, 80, 'pages/product/index')], { lib: 'wetrack', screenWidth: 375 });
    // The window's width wins over the screen's: cells of 75 px.
    await post([tap(740, 70), tap(-5, 10)], { lib: 'wetrack', windowWidth: 750, screenWidth: 999 });
    // Funnels: u1 does a → b → c in one session; u2 does a, then b and c in another session 2 days later; u3 a → c only.
    await post([
      ev('u1', 's1', 'a', T0, { kind: 'x' }), ev('u1', 's1', 'b', T0 + 1000), ev('u1', 's1', 'c', T0 + 2000),
      ev('u2', 's2', 'a', T0, { kind: 'y' }), ev('u2', 's3', 'b', T0 + 48 * H), ev('u2', 's3', 'c', T0 + 48 * H + 1000),
      ev('u3', 's4', 'a', T0 + H, { kind: 'x' }), ev('u3', 's4', 'c', T0 + H + 1000),
    ]);
  }, 60_000);

  afterAll(async () => {
    await c?.close();
    await store?.dispose();
  });

  describe('tap heat map from taps with a position', () => {
    it('counts taps per cell of width / 10, per page, with the window width from the batch context', async () => {
      const { body } = await get<Analytics>('/api/analytics');
      const byPage = Object.fromEntries(body.heatmap.map((p) => [p.page, p]));
      expect(byPage[home]).toEqual({
        page: home,
        taps: 7,
        // no position; a negative x
        unplaced: 2,
        columns: 10,
        rows: 11,
        cells: [
          [0, 0, 1],
          [0, 9, 2], // 370/375 on the small phone, 740/750 on the wide one
          [10, 4, 2], // y 400 → row 400 / 37.5 = 10.7
        ],
      });
      expect(byPage['pages/product/index']).toMatchObject({ taps: 1, unplaced: 0, rows: 3, cells: [[2, 0, 1]] });
    });
  });

  describe('GET /api/funnel', () => {
    const funnel = (def: unknown) => get<FunnelResult & { field?: string; message?: string }>('/api/funnel?def=' + encodeURIComponent(JSON.stringify(def)));

    it('per session, per install within N days, with property filters and drop-off', async () => {
      const steps = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
      expect((await funnel({ steps, within: 'session' })).body.steps.map((s) => [s.count, s.dropOff])).toEqual([[3, 0], [1, 2], [1, 0]]);
      expect((await funnel({ steps, within: 1 })).body.steps.map((s) => s.count)).toEqual([3, 1, 1]);
      expect((await funnel({ steps, within: 3 })).body.steps.map((s) => s.count)).toEqual([3, 2, 2]);
      const x = (await funnel({ steps: [{ name: 'a', where: { kind: 'x' } }, { name: 'c' }], within: 'session' })).body;
      expect(x.steps.map((s) => [s.step, s.count, s.conversion])).toEqual([['a kind=x', 2, null], ['c', 2, 1]]);
    });

    it('answers 400 naming what is wrong', async () => {
      for (const [def, message] of [
        [{ steps: [], within: 'session' }, 'steps: 1 to 12'],
        [{ steps: [{ name: 'a' }], within: 0 }, "within must be 'session' or a number of days from 1 to 366"],
        [{ steps: [{ name: 'a', where: { "x') OR 1=1 --": 1 } }], within: 'session' }, 'is not a property name'],
        [{ steps: [{ name: 'a', where: { k: { nested: 1 } } }], within: 'session' }, 'steps[0].where.k must be a string, number or boolean'],
      ] as const) {
        const r = await funnel(def);
        expect(r.status).toBe(400);
        expect(r.body.field).toBe('def');
        expect(r.body.message).toContain(message);
      }
      const bad = await get<{ field: string }>('/api/funnel?def=%7B');
      expect(bad).toMatchObject({ status: 400, body: { field: 'def' } });
    });
  });

  describe('GET /api/analytics', () => {
    it('counts calendar days in UTC+8 by default, in another zone with ?tz=', async () => {
      const days = async (q: string) => (await get<Analytics>('/api/analytics' + q)).body.daily.map((d) => [d.day, d.newUsers]);
      // u1, h1, u2 at 23:30 on the 18th in UTC+8, u3 an hour later (the 19th); in UTC all on the 18th.
      expect(await days('')).toEqual([['2025-06-18', 3], ['2025-06-19', 1], ['2025-06-20', 0]]);
      expect(await days('?tz=0')).toEqual([['2025-06-18', 4], ['2025-06-20', 0]]);
      expect((await get<{ field: string }>('/api/analytics?tz=abc')).status).toBe(400);
    });
  });

  describe('npm run report', () => {
    it("ends with the operators' view, and has it under `analytics` in --json", async () => {
      // Asynchronously: the collector answering the child runs in this process.
      const { execFile } = await import('node:child_process');
      const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
      const run = (...args: string[]) =>
        new Promise<string>((resolve, reject) => execFile(tsx, ['collector/main.ts', 'report', ...(args.includes('--db') ? [] : ['--url', c.liveUrl]), ...args], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', timeout: 25_000 }, (e, out) => (e ? reject(e) : resolve(out))));
      const json = JSON.parse(await run('--json')) as { analytics: Analytics; totals: { events: number } };
      expect(json.analytics).toEqual((await get<Analytics>('/api/analytics')).body);
      expect(json.totals.events).toBe(16);
      const text = await run();
      expect(text).toContain("\nOperators' view\nDaily (3 days, 2025-06-18 to 2025-06-20)");
      expect(text).toContain('Tap heat map: 6 placed taps on 2 pages');
      // From the store itself, as an operator of several collectors reads it.
      if (kind === 'clickhouse') expect((JSON.parse(await run('--db', store.db, '--json')) as { analytics: Analytics }).analytics).toEqual(json.analytics);
    }, 30_000);
  });
});
