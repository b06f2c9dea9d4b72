/**
 * The collector with a tracking plan (`--plan`), over HTTP: every event is stored, with its
 * violations (never refused for them); `?violations=1` lists only those; the coverage (per event,
 * per slot, per app version, not in the plan, the violations) has the figures of the batches posted;
 * the report carries it under `plan`, in text and `--json`. Without a plan nothing changes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanCoverage } from '../../collector/coverage';
import type { Report } from '../../collector/report';
import { startCollector, type Collector } from '../../collector/server';
import { Store, type EventRow } from '../../collector/store';
import { loadPlan } from '../../plan/load';
import type { TrackingPlanFile } from '../../src/plan/shape';

const ROOT = path.resolve(__dirname, '../..');
const PLAN_FILE = path.join(ROOT, 'example-miniprogram/tracking-plan.json');
const plan = loadPlan(PLAN_FILE).plan!;
let dir: string;
let n = 0;

const ev = (name: string, properties: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  id: 'ev' + String(++n).padStart(6, '0'),
  seq: n,
  name,
  time: Date.now(),
  anonymousId: 'anon-plan-1',
  sessionId: 's-1',
  page: 'pages/home/index',
  properties,
  ...over,
});
const good = { product_code: 'VG-101', price: 12.9, quantity: 1 };

async function post(c: Collector, events: unknown[], appVersion?: string) {
  const res = await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sentAt: Date.now(), context: { lib: 'wetrack', ...(appVersion && { appVersion }) }, events }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const get = async <T>(c: Collector, route: string) => (await (await fetch(c.liveUrl.replace(/\/$/, '') + route)).json()) as T;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wetrack-plan-collector-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('collector --plan over HTTP', () => {
  let c: Collector;
  const said: string[] = [];
  beforeAll(async () => {
    c = await startCollector({ port: 0, db: path.join(dir, 'plan.duckdb'), plan, log: { info: () => {}, warn: (m) => said.push(m) } });
    const v1 = [
      ev('add_to_cart', good),
      ev('add_to_cart', { ...good, quantity: '2' }),
      ev('add_to_card', good),
      ev('$exposure', { slot: 'home.banner.1', path: 'pages/home/index', code: 'VG-101' }),
      ev('$exposure', { slot: 'home.banner.2', path: 'pages/category/index', code: 'XX' }, { page: 'pages/category/index' }),
      ev('$tap', { slot: 'home.rec.1', path: 'pages/home/index' }),
      ev('$exposure', { slot: 'promo.top', path: 'pages/home/index' }),
      ev('$set', { level: 'gold', age: 30 }),
      ev('$page_view', { path: 'pages/home/index' }),
    ];
    expect(await post(c, v1, '1.0.0')).toEqual({ status: 200, body: { ok: true, stored: 9, duplicates: 0, warnings: [], violations: 5 } });
    expect(await post(c, [ev('add_to_cart', { ...good, from: 'home.rec.1' }), ev('view_product', { product_code: 'VG-1', price: 1, category: 'assets' })], '1.1.0')).toMatchObject({
      status: 200,
      body: { stored: 2, violations: 1 },
    });
  });
  afterAll(() => c?.close());

  it('stores every event with its violations in the plan words, and ?violations=1 lists only those', async () => {
    const bad = await get<EventRow[]>(c, '/api/events?violations=1');
    expect(Object.fromEntries(bad.map((e) => [e.id, e.violations]))).toEqual({
      ev000002: [{ field: 'properties.quantity', rule: 'type', message: 'must be integer, got "2"' }],
      ev000003: [{ field: 'name', rule: 'event', message: '"add_to_card" is not in the plan' }],
      ev000005: [
        { field: 'page', rule: 'page', message: 'slot home.banner.2 is planned on pages/home/index, seen on pages/category/index' },
        { field: 'properties.code', rule: 'pattern', message: 'must match ^VG-[0-9]{3}$, got "XX"' },
      ],
      ev000007: [{ field: 'properties.slot', rule: 'slot', message: 'slot "promo.top" is not in the plan' }],
      ev000008: [{ field: 'properties.age', rule: 'additional', message: "is not one of the plan's userProperties" }],
      ev000011: [{ field: 'properties.product_code', rule: 'pattern', message: 'must match ^VG-[0-9]{3}$, got "VG-1"' }],
    });
    const all = await get<EventRow[]>(c, '/api/events');
    expect(all).toHaveLength(11);
    expect(all.filter((e) => !bad.some((b) => b.id === e.id)).every((e) => Array.isArray(e.violations) && e.violations.length === 0)).toBe(true);
    expect((await get<EventRow[]>(c, '/api/events?violations=1&name=add_to_cart')).map((e) => e.id)).toEqual(['ev000002']);
    expect(said).toEqual([]);
  });

  it('has the coverage of what was posted: per event and app version, slots, not in the plan, violations', async () => {
    const cov = await get<PlanCoverage>(c, '/api/coverage');
    expect(cov).toMatchObject({ versions: ['1.0.0', '1.1.0'], total: 11, checked: 11, invalid: 6 });
    expect(cov.events.find((e) => e.name === 'add_to_cart')).toEqual({
      name: 'add_to_cart',
      status: 'implemented',
      owner: 'product team',
      seen: true,
      events: 3,
      checked: 3,
      valid: 2,
      validShare: 2 / 3,
      propertiesNeverSeen: ['cart_quantity'],
      byVersion: [
        { appVersion: '1.0.0', events: 2, checked: 2, valid: 1 },
        { appVersion: '1.1.0', events: 1, checked: 1, valid: 1 },
      ],
    });
    expect(cov.events.find((e) => e.name === 'checkout')).toMatchObject({ seen: false, events: 0, validShare: null, propertiesNeverSeen: ['order_id', 'product_code', 'price', 'quantity', 'amount'], byVersion: [] });
    expect(cov.slots.find((s) => s.slot === 'home.banner.*')).toMatchObject({ pages: ['pages/home/index'], seen: true, ids: ['home.banner.1', 'home.banner.2'], exposures: 2, taps: 0, valid: 1, validShare: 0.5, attributesNeverSeen: [] });
    expect(cov.slots.find((s) => s.slot === 'home.rec.*')).toMatchObject({ ids: ['home.rec.1'], exposures: 0, taps: 1, valid: 1, attributesNeverSeen: ['code'] });
    expect(cov.slots.find((s) => s.slot === 'category.item.*')).toMatchObject({ seen: false, ids: [], validShare: null });
    expect(cov.unplanned).toEqual([{ name: 'add_to_card', events: 1 }]);
    expect(cov.unplannedSlots).toEqual([{ slot: 'promo.top', events: 1 }]);
    expect(cov.violations.map((v) => [v.name, v.field, v.rule, v.events, v.exampleId])).toEqual([
      ['$exposure', 'page', 'page', 1, 'ev000005'],
      ['$exposure', 'properties.code', 'pattern', 1, 'ev000005'],
      ['$exposure', 'properties.slot', 'slot', 1, 'ev000007'],
      ['$set', 'properties.age', 'additional', 1, 'ev000008'],
      ['add_to_card', 'name', 'event', 1, 'ev000003'],
      ['add_to_cart', 'properties.quantity', 'type', 1, 'ev000002'],
      ['view_product', 'properties.product_code', 'pattern', 1, 'ev000011'],
    ]);
    expect((await get<Report>(c, '/api/report')).plan).toEqual(cov);
  });

  it('stores an event the check itself fails on, unchecked, and says so', async () => {
    // A plan that never went through `plan check` (an enum given twice): ajv refuses to compile it.
    const broken: TrackingPlanFile = { version: 1, events: { e: { description: 'd', properties: { s: { type: 'string', enum: ['a', 'a'] } } } } };
    const said2: string[] = [];
    const c2 = await startCollector({ port: 0, db: path.join(dir, 'broken.duckdb'), plan: broken, log: { info: () => {}, warn: (m) => said2.push(m) } });
    try {
      expect(await post(c2, [ev('e', { s: 'a' }), ev('other', {})])).toMatchObject({ status: 200, body: { stored: 2, violations: 1 } });
      const rows = await get<EventRow[]>(c2, '/api/events');
      expect(rows.map((r) => [r.name, r.violations])).toEqual([
        ['other', [{ field: 'name', rule: 'event', message: '"other" is not in the plan' }]],
        ['e', null],
      ]);
      expect(said2).toEqual([expect.stringMatching(/^collector: the plan check failed on an event named "e"; stored unchecked: Error: schema is invalid/)]);
    } finally {
      await c2.close();
    }
  });
});

describe('collector without a plan, and files from before plans', () => {
  it('stores violations as null (not checked), has no coverage, and no plan in the report', async () => {
    const c = await startCollector({ port: 0, db: path.join(dir, 'none.duckdb'), log: { info: () => {}, warn: () => {} } });
    try {
      expect(await post(c, [ev('add_to_card', {})])).toEqual({ status: 200, body: { ok: true, stored: 1, duplicates: 0, warnings: [] } });
      expect((await get<EventRow[]>(c, '/api/events'))[0]!.violations).toBeNull();
      expect(await get<unknown>(c, '/api/coverage')).toBeNull();
      expect(await get<Report>(c, '/api/report')).not.toHaveProperty('plan');
    } finally {
      await c.close();
    }
  });

  it('adds the violations column to a database written before it, and keeps its events', async () => {
    const file = path.join(dir, 'old.duckdb');
    const s = await Store.open(file);
    await s.db.run("INSERT INTO events (id, seq, name, time_ms, server_time_ms, received_at_ms, anonymous_id, session_id, batch_id) VALUES ('old1', 1, 'x', 1, 1, 1, 'a', 's', 1)");
    await s.db.run('ALTER TABLE events DROP COLUMN violations');
    await s.close();
    const c = await startCollector({ port: 0, db: file, plan, log: { info: () => {}, warn: () => {} } });
    try {
      expect((await post(c, [ev('add_to_cart', good)])).status).toBe(200);
      const rows = await get<EventRow[]>(c, '/api/events');
      expect(rows.map((r) => [r.id, r.violations])).toEqual([
        [`ev${String(n).padStart(6, '0')}`, []],
        ['old1', null],
      ]);
    } finally {
      await c.close();
    }
  });

  it('npm run report -- --db FILE --plan FILE: the coverage in text and under `plan` in --json; a broken plan is refused', () => {
    const db = path.join(dir, 'plan.duckdb');
    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
    const json = JSON.parse(execFileSync(tsx, ['collector/main.ts', 'report', '--db', db, '--plan', PLAN_FILE, '--json'], { cwd: ROOT, encoding: 'utf8' })) as Report;
    expect(json.plan).toMatchObject({ total: 11, checked: 11, invalid: 6, versions: ['1.0.0', '1.1.0'] });
    const text = execFileSync(tsx, ['collector/main.ts', 'report', '--db', db, '--plan', PLAN_FILE], { cwd: ROOT, encoding: 'utf8' });
    expect(text).toContain('Tracking plan: 11 of 11 events checked against it, 6 with violations');
    expect(text).toMatch(/add_to_cart\s+implemented\s+3\s+66\.7%\s+2\s+1\s+cart_quantity/);
    expect(text).toContain('  Events not in the plan: add_to_card (1)');
    const bad = path.join(dir, 'bad-plan.json');
    writeFileSync(bad, JSON.stringify({ version: 1, events: { Buy: { description: 'd' } } }));
    const r = spawnSync(tsx, ['collector/main.ts', 'report', '--db', db, '--plan', bad], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`collector: the tracking plan has errors:\n${bad}:1  events.Buy is not an event name in lower snake case`);
  }, 30_000);
});
