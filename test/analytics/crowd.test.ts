/**
 * Every operators' analysis (collector/analytics/) against the crowd script's own tally: the example
 * shop in the simulator, a seeded crowd over 14 virtual days with channels, an experiment with a
 * known effect, repeat purchases and co-purchases, delivered by the SDK over HTTP to the collector.
 * The tallies below are the script's (pages it saw shown, orders it saw on the checkout page, the
 * channel it launched each install through, the events the SDK queued) counted in TypeScript, apart
 * from the SQL they check. One crowd, its every request sent to two collectors (test/collector/tee.ts):
 * one on DuckDB, one on ClickHouse; the same checks run on each.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAnalytics, formatAnalytics, funnel, type Analytics } from '../../collector/analytics';
import { SHOP_FUNNEL_DEF } from '../../collector/analytics/funnel';
import { TIERS } from '../../collector/analytics/tiers';
import { startCollector, type Collector } from '../../collector/server';
import { freshStore, stores, type StoreDb, type StoreKind } from '../collector/stores';
import { startTee, type Tee } from '../collector/tee';
import { buildMiniprogramBundle } from '../qa/build';
import { EXPERIMENT, PAY_CHANCE, runCrowd, type Truth } from '../qa/crowd';
import { ExampleApp } from '../qa/miniapp';
import { installClock } from '../qa/time';

const APP = path.resolve(__dirname, '../../example-miniprogram/miniprogram');
const DAY = 86_400_000;
/** Calendar day in UTC+8, as the analyses count days. */
const dayOf = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
const dayNo = (t: number) => Math.floor((t + 8 * 3_600_000) / DAY);
const bump = <K>(m: Map<K, number>, k: K, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const kinds = stores('the operators’ analyses on ClickHouse (test/analytics/crowd.test.ts)');
const dbs: StoreDb[] = [];
const collectors = new Map<StoreKind, Collector>();
const analyses = new Map<StoreKind, Analytics>();
let tee: Tee;
let collector: Collector;
let truth: Truth;
let a: Analytics;

beforeAll(async () => {
  const sdk = await buildMiniprogramBundle();
  for (const { kind, skip } of kinds) {
    if (skip) continue;
    const store = await freshStore(kind, 'analytics');
    dbs.push(store);
    collectors.set(kind, await startCollector({ port: 0, db: store.db, log: { info: () => {}, warn: (m) => console.error(m) } }));
  }
  tee = await startTee([...collectors.values()].map((c) => [c.url]));
  const clock = installClock();
  const warn = console.warn;
  console.warn = () => {};
  try {
    truth = await runCrowd({ app: new ExampleApp(APP, sdk, { serverUrl: tee.url }), clock, sessions: 90, seed: 1515, days: 14 });
  } finally {
    clock.uninstall();
    console.warn = warn;
  }
  for (const [kind, c] of collectors) analyses.set(kind, await buildAnalytics(c.store));
  console.log(formatAnalytics(analyses.get('duckdb')!));
}, 150_000);

afterAll(async () => {
  await tee?.close();
  for (const c of collectors.values()) await c.close();
  for (const d of dbs) await d.dispose();
}, 60_000);

it('each store got every request the same way', () => {
  expect(tee.requests.length).toBeGreaterThan(50);
  expect(tee.mismatches).toEqual([]);
});

/** Per install: its events' times, from what the SDK queued. */
function installs() {
  const times = new Map<string, number[]>();
  for (const e of truth.tracked.values()) times.set(e.anonymousId, [...(times.get(e.anonymousId) ?? []), e.time]);
  return times;
}
function revenueOf(o: Truth['orders'][number]) {
  return o.lines.reduce((t, l) => t + l.price * l.quantity, 0);
}

for (const { kind, skip } of kinds)
  describe.skipIf(skip)(`operators’ analyses equal the crowd script’s tally, ${kind} store`, () => {
    beforeAll(() => {
      a = analyses.get(kind)!;
      collector = collectors.get(kind)!;
    });

    it('daily PV, UV, new users and sessions', () => {
      const want = new Map<string, { day: string; pv: number; uv: Set<string>; newUsers: number; sessions: number }>();
      const at = (d: string) => want.get(d) ?? want.set(d, { day: d, pv: 0, uv: new Set(), newUsers: 0, sessions: 0 }).get(d)!;
      for (const [anon, t] of truth.views) at(dayOf(t)).pv++, at(dayOf(t)).uv.add(anon);
      for (const times of installs().values()) at(dayOf(Math.min(...times))).newUsers++;
      const sessions = new Map<string, number>();
      for (const e of truth.tracked.values()) sessions.set(e.sessionId, Math.min(sessions.get(e.sessionId) ?? Infinity, e.time));
      for (const t of sessions.values()) at(dayOf(t)).sessions++;
      expect(a.daily).toEqual(sorted(want).map(([, r]) => ({ ...r, uv: r.uv.size })));
      expect(a.daily.length).toBeGreaterThanOrEqual(14);
    });

    it('retention by first-day cohort', () => {
      const all = installs();
      const last = Math.max(...[...truth.tracked.values()].map((e) => dayNo(e.time)));
      const cohorts = new Map<string, { users: number; retained: (number | null)[] }>();
      for (const times of all.values()) {
        const days = new Set(times.map(dayNo));
        const first = Math.min(...days);
        const key = dayOf(first * DAY);
        const c = cohorts.get(key) ?? cohorts.set(key, { users: 0, retained: Array.from({ length: 8 }, (_, k) => (first + k <= last ? 0 : null)) }).get(key)!;
        c.users++;
        for (let k = 0; k <= 7; k++) if (days.has(first + k)) c.retained[k]!++;
      }
      expect(a.retention).toEqual(sorted(cohorts).map(([cohort, c]) => ({ cohort, ...c })));
      // Users come back on later days.
      expect(a.retention.some((r) => r.retained.slice(1).some((n) => (n ?? 0) > 0))).toBe(true);
    });

    it('a funnel per session (the shop’s, with a property filter on the page) and one per install within N days', async () => {
      expect(a.funnel.steps.map((s) => s.count)).toEqual(truth.funnel);
      expect(a.funnel.steps.map((s) => s.dropOff)).toEqual(truth.funnel.map((n, i) => (i ? truth.funnel[i - 1]! - n : 0)));
      for (const v of ['card', 'wechat'] as const) {
        const f = await collector.store.query((s) => funnel(s, { within: 30, steps: [{ name: 'checkout', where: { [EXPERIMENT]: v } }, { name: 'pay_success' }] }));
        expect(f.steps.map((s) => s.count)).toEqual([truth.abCheckout[v].size, truth.abPaid[v].size]);
      }
      // A filter no event matches ends the funnel at that step.
      const none = await collector.store.query((s) => funnel(s, { ...SHOP_FUNNEL_DEF, steps: [SHOP_FUNNEL_DEF.steps[0]!, { name: 'view_product', where: { product_code: 'VG-999' } }] }));
      expect(none.steps.map((s) => s.count)).toEqual([truth.funnel[0], 0]);
    });

    it('channels: installs, buyers, revenue and 7/30-day revenue per install, and the share chain', () => {
      const first = new Map([...installs()].map(([anon, t]) => [anon, Math.min(...t)]));
      const want = new Map<string, { users: number; buyers: Set<string>; revenue: number; r7: number; r30: number }>();
      for (const anon of first.keys()) {
        const ch = truth.channelOf.get(anon) ?? '(none)';
        const w = want.get(ch) ?? want.set(ch, { users: 0, buyers: new Set(), revenue: 0, r7: 0, r30: 0 }).get(ch)!;
        w.users++;
        for (const o of truth.orders.filter((o) => o.anonymousId === anon)) {
          w.buyers.add(anon);
          w.revenue += revenueOf(o);
          if (o.time < first.get(anon)! + 7 * DAY) w.r7 += revenueOf(o);
          if (o.time < first.get(anon)! + 30 * DAY) w.r30 += revenueOf(o);
        }
      }
      const got = new Map(a.channels.channels.map((c) => [c.channel, c]));
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [ch, w] of want) {
        const c = got.get(ch)!;
        expect({ users: c.users, buyers: c.buyers }).toEqual({ users: w.users, buyers: w.buyers.size });
        expect(c.conversion).toBeCloseTo(w.buyers.size / w.users, 10);
        expect(c.revenue).toBeCloseTo(w.revenue, 6);
        expect(c.ltv7).toBeCloseTo(w.r7 / w.users, 6);
        expect(c.ltv30).toBeCloseTo(w.r30 / w.users, 6);
      }
      for (const ch of ['poster', 'moments_ad', 'share']) expect(got.get(ch)?.users).toBeGreaterThan(0);
      const depths = new Map<number, number>();
      for (const d of truth.shareDepthOf.values()) bump(depths, d);
      expect(a.channels.shareDepth).toEqual([...depths].sort(([x], [y]) => x - y).map(([depth, users]) => ({ depth, users })));
    });

    it('product affinity: pairs bought together with support, confidence and lift', () => {
      const n = truth.orders.length;
      const one = new Map<string, number>();
      const two = new Map<string, number>();
      for (const o of truth.orders) {
        const codes = [...new Set(o.lines.map((l) => l.code))].sort();
        for (const c of codes) bump(one, c);
        for (let i = 0; i < codes.length; i++) for (let j = i + 1; j < codes.length; j++) bump(two, codes[i] + ' ' + codes[j]);
      }
      expect(a.affinity.orders).toBe(n);
      const want = [...two].map(([k, ab]) => {
        const [x, y] = k.split(' ') as [string, string];
        return { a: x, b: y, orders: ab, support: ab / n, confidenceAB: ab / one.get(x)!, confidenceBA: ab / one.get(y)!, lift: (ab * n) / (one.get(x)! * one.get(y)!) };
      });
      want.sort((p, q) => q.orders - p.orders || q.lift - p.lift || (p.a + p.b < q.a + q.b ? -1 : 1));
      expect(want.length).toBeGreaterThan(0);
      expect(a.affinity.pairs.length).toBe(Math.min(20, want.length));
      for (const [i, p] of a.affinity.pairs.entries()) {
        const w = want.find((x) => x.a === p.a && x.b === p.b)!;
        expect(p.orders).toBe(w.orders);
        expect(p.orders).toBe(want[i]!.orders); // ordered by orders
        for (const k of ['support', 'confidenceAB', 'confidenceBA', 'lift'] as const) expect(p[k]).toBeCloseTo(w[k], 10);
      }
    });

    it('A/B: conversion per variant of the experiment, and the known effect shows', () => {
      expect(a.ab.variants.map((v) => ({ variant: v.variant, users: v.users, converted: v.converted }))).toEqual(
        (['card', 'wechat'] as const).map((v) => ({ variant: v, users: truth.abCheckout[v].size, converted: truth.abPaid[v].size })),
      );
      const [card, wechat] = a.ab.variants;
      expect(a.ab.control).toBe('card');
      expect(card!.diff).toBeNull();
      expect(wechat!.rate).toBeGreaterThan(card!.rate); // PAY_CHANCE: wechat pays more often
      expect(PAY_CHANCE.wechat).toBeGreaterThan(PAY_CHANCE.card);
      for (const v of a.ab.variants) expect(v.low <= v.rate && v.rate <= v.high).toBe(true);
      expect(wechat!.diff!.value).toBeCloseTo(wechat!.rate - card!.rate, 12);
    });

    it('tiers by recency, frequency, spend and shares', () => {
      const per = new Map<string, { days: Set<number>; spend: number; shares: number }>();
      for (const e of truth.tracked.values()) {
        const u = per.get(e.anonymousId) ?? per.set(e.anonymousId, { days: new Set(), spend: 0, shares: 0 }).get(e.anonymousId)!;
        u.days.add(dayNo(e.time));
        if (e.name === '$share') u.shares++;
      }
      for (const o of truth.orders) per.get(o.anonymousId)!.spend += revenueOf(o);
      const last = Math.max(...[...per.values()].flatMap((u) => [...u.days]));
      const count = new Map<string, number>();
      for (const u of per.values()) {
        const recency = last - Math.max(...u.days);
        bump(count, u.spend >= TIERS.whaleSpend ? 'whale' : u.shares >= 1 ? 'sharer' : u.spend > 0 ? 'buyer' : recency >= TIERS.dormantDays ? 'dormant' : 'observer');
      }
      expect(Object.fromEntries(a.tiers.map((t) => [t.tier, t.users]))).toEqual(Object.fromEntries(count));
      expect(a.tiers.map((t) => t.tier).filter((t) => count.has(t))).toEqual(['whale', 'sharer', 'buyer', 'dormant', 'observer'].filter((t) => count.has(t)));
      expect(count.size).toBeGreaterThanOrEqual(4);
    });

    it('repurchase rate', () => {
      const orders = new Map<string, number>();
      for (const o of truth.orders) bump(orders, o.anonymousId);
      const repeat = [...orders.values()].filter((n) => n >= 2).length;
      expect(a.repurchase).toEqual({ buyers: orders.size, repeatBuyers: repeat, orders: truth.orders.length, rate: repeat / orders.size });
      expect(repeat).toBeGreaterThan(0);
    });

    it('has no tap positions from the SDK yet: the heat map counts its taps as unplaced', () => {
      const taps = [...truth.tracked.values()].filter((e) => e.name === '$tap');
      expect(taps.length).toBeGreaterThan(0);
      expect(a.heatmap.reduce((t, p) => t + p.taps, 0)).toBe(taps.length);
      expect(a.heatmap.every((p) => p.unplaced === p.taps && p.cells.length === 0)).toBe(true);
    });
  });

