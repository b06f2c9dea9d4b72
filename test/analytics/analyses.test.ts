/**
 * Every operators' analysis (collector/analytics/) against answers worked out by hand from a small
 * fixture: eight installs over ten days, posted over HTTP to a collector on each store (DuckDB,
 * ClickHouse), as test/analytics/api.test.ts does. Fast (a few seconds), so that a mutation run can
 * afford it per mutant, unlike crowd.test.ts. Each expectation is the whole result, and the comment
 * beside it says how the number follows from the fixture.
 *
 * Days are written D0 … D9 in UTC+8 (the analyses' default zone): D0 = 2025-03-03, D9 = 2025-03-12.
 * `at(d, h, m)` is h:m on day Dd on a clock in UTC+8; an event before 08:00 there is on the day
 * before in UTC, which the tz=0 expectations use.
 *
 * The fixture (every event of an install carries the super property exp_pay_default = its variant):
 *
 *   u1  wechat_ad (utm_source of its first launch; a later launch says kol: ignored), variant A
 *       s1a D0 10:00  launch, page home, view_product, add_to_cart, checkout, pay o1 (A 30×2, B 20×1) = 80, $share
 *       s1b D1 20:00  launch (utm kol), page home, pay o2 (A 30×1) = 30            one-line order
 *       s1c D7 09:59  page order, at 10:00 = t0 + 7 days exactly: pay o7 (E 40×1) = 40
 *       spend 150 exactly (the whale threshold), shares 1, days D0 D1 D7
 *   u2  share (share_from u1, depth 1, scene 1007), variant B
 *       s2a D1 00:30  (D0 16:30 UTC) launch, page home, view_product, add_to_cart, checkout,
 *                     pay o3 (A 30, B 20, C 40) = 90, $share
 *       s2b D2 21:00  page home
 *   u3  share (share_from u2, depth 2), variant B
 *       s3a D2 12:00  launch, page home, view_product, checkout (no add_to_cart), pay o4 (B 20×2, C 40×1) = 80
 *   u4  kol (utm_source and share_from u2, depth 2: the utm wins), variant A, then B
 *       s4a D3 09:00  launch, page home, checkout (A)
 *       s4b D4 09:00  pay o5 (C 40×1) = 40 carrying variant B: not a conversion of A, not exposed to B
 *   u5  scene:1001, variant A
 *       s5a D3 07:30  (D2 23:30 UTC) launch, page home, view_product, add_to_cart, checkout; never pays
 *   u6  scene:? (a launch without a scene), variant C
 *       s6a D2 08:00  (D2 00:00 UTC exactly) launch, page home, checkout
 *   u7  (none) (no launch: an install made by logout's reset), variant C
 *       s7  D5 10:00  page product, checkout, 7 taps (window 375 px wide)
 *   u8  wechat_ad, variant A
 *       s8a D0 23:30  launch, page home, and at D1 00:10 page product (the session crosses midnight)
 *       s8b D1 09:00  page home, view_product, add_to_cart, checkout, pay o8 (C 40×1, D 12.5×2) = 65
 *       s8c D7 22:00  page home
 *       s8d D9 10:00  page home, checkout again, pay o6 (A 25×1, A 25×1 again: two lines of one product) = 50
 *   u1's first batch is posted twice (the SDK's retry): each event counts once.
 *
 * Orders: o1 {A,B} o2 {A} o3 {A,B,C} o4 {B,C} o5 {C} o6 {A} o7 {E} o8 {C,D}: 8 orders, 5 buyers.
 *
 * An order line without a product_code is checked apart, on a store of its own (it would pair with
 * every product of its order where it is taken for a product).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ab, affinity, buildAnalytics, channels, daily, formatAnalytics, funnel, heatmap, repurchase, retention, tiers, type Analytics } from '../../collector/analytics';
import type { AbResult } from '../../collector/analytics/ab';
import type { TierRow } from '../../collector/analytics/tiers';
import { startCollector, type Collector } from '../../collector/server';
import type { EventStore } from '../../collector/store';
import { freshStore, stores, type StoreDb } from '../collector/stores';

const DAY = 86_400_000;
/** h:m on day Dd on a clock in UTC+8. */
const at = (d: number, h: number, m = 0) => Date.UTC(2025, 2, 3 + d, h - 8, m);
const home = 'pages/home/index';
const productPage = 'pages/product/index';

interface Ev {
  id: string;
  seq: number;
  name: string;
  time: number;
  anonymousId: string;
  sessionId: string;
  page?: string;
  properties: Record<string, unknown>;
}

let n = 0;
const seqs = new Map<string, number>();
/** An event of `anon` with its super property exp_pay_default = `variant`, seq in call order. */
function ev(anon: string, variant: string, session: string, name: string, time: number, properties: Record<string, unknown> = {}, page?: string): Ev {
  seqs.set(anon, (seqs.get(anon) ?? 0) + 1);
  const props: Record<string, unknown> = { exp_pay_default: variant, ...properties };
  return { id: 'an' + String(++n).padStart(6, '0'), seq: seqs.get(anon)!, name, time, anonymousId: anon, sessionId: session, page: page ?? (props.path as string | undefined), properties: props };
}
const line = (order: string, product: string | undefined, price: number, quantity: number) => ({ order_id: order, ...(product !== undefined && { product_code: product }), price, quantity });

async function post(c: Collector, events: Ev[], context: Record<string, unknown> = { lib: 'wetrack' }) {
  const res = await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sentAt: Date.now(), context, events }) });
  expect(res.status).toBe(200);
}

/** The fixture's batches, one per install (u7's with the window width its taps need). */
function fixture(): { events: Ev[]; context?: Record<string, unknown> }[] {
  n = 0;
  seqs.clear();
  const u1 = (s: string, name: string, t: number, p?: Record<string, unknown>) => ev('u1', 'A', s, name, t, p);
  const u2 = (s: string, name: string, t: number, p?: Record<string, unknown>) => ev('u2', 'B', s, name, t, p);
  const u3 = (s: string, name: string, t: number, p?: Record<string, unknown>) => ev('u3', 'B', s, name, t, p);
  const u5 = (s: string, name: string, t: number, p?: Record<string, unknown>) => ev('u5', 'A', s, name, t, p);
  const u6 = (s: string, name: string, t: number, p?: Record<string, unknown>) => ev('u6', 'C', s, name, t, p);
  const u7 = (s: string, name: string, t: number, p?: Record<string, unknown>, page?: string) => ev('u7', 'C', s, name, t, p, page);
  const u8 = (s: string, name: string, t: number, p?: Record<string, unknown>) => ev('u8', 'A', s, name, t, p);
  const u1first = [
    u1('s1a', '$app_launch', at(0, 10), { utm_source: 'wechat_ad', scene: 1045 }),
    u1('s1a', '$page_view', at(0, 10, 1), { path: home }),
    u1('s1a', 'view_product', at(0, 10, 2), { product_code: 'A' }),
    u1('s1a', 'add_to_cart', at(0, 10, 3), { product_code: 'A' }),
    u1('s1a', 'checkout', at(0, 10, 4)),
    u1('s1a', 'pay_success', at(0, 10, 5), line('o1', 'A', 30, 2)),
    u1('s1a', 'pay_success', at(0, 10, 5), line('o1', 'B', 20, 1)),
    u1('s1a', '$share', at(0, 10, 6)),
  ];
  const u1later = [
    u1('s1b', '$app_launch', at(1, 20), { utm_source: 'kol', scene: 1001 }),
    u1('s1b', '$page_view', at(1, 20, 1), { path: home }),
    u1('s1b', 'pay_success', at(1, 20, 5), line('o2', 'A', 30, 1)),
    u1('s1c', '$page_view', at(7, 9, 59), { path: 'pages/order/index' }),
    // Exactly 7 days after u1's first event: outside LTV 7d (time < t0 + 7 days), inside LTV 30d.
    u1('s1c', 'pay_success', at(0, 10) + 7 * DAY, line('o7', 'E', 40, 1)),
  ];
  const u2all = [
    u2('s2a', '$app_launch', at(1, 0, 30), { share_from: 'u1', share_depth: 1, scene: 1007 }),
    u2('s2a', '$page_view', at(1, 0, 31), { path: home }),
    u2('s2a', 'view_product', at(1, 0, 32), { product_code: 'A' }),
    u2('s2a', 'add_to_cart', at(1, 0, 33), { product_code: 'A' }),
    u2('s2a', 'checkout', at(1, 0, 34)),
    u2('s2a', 'pay_success', at(1, 0, 40), line('o3', 'A', 30, 1)),
    u2('s2a', 'pay_success', at(1, 0, 40), line('o3', 'B', 20, 1)),
    u2('s2a', 'pay_success', at(1, 0, 40), line('o3', 'C', 40, 1)),
    u2('s2a', '$share', at(1, 0, 41)),
    u2('s2b', '$page_view', at(2, 21), { path: home }),
  ];
  const u3all = [
    u3('s3a', '$app_launch', at(2, 12), { share_from: 'u2', share_depth: 2, scene: 1007 }),
    u3('s3a', '$page_view', at(2, 12, 1), { path: home }),
    u3('s3a', 'view_product', at(2, 12, 2), { product_code: 'B' }),
    u3('s3a', 'checkout', at(2, 12, 3)),
    u3('s3a', 'pay_success', at(2, 12, 10), line('o4', 'B', 20, 2)),
    u3('s3a', 'pay_success', at(2, 12, 10), line('o4', 'C', 40, 1)),
  ];
  const u4all = [
    ev('u4', 'A', 's4a', '$app_launch', at(3, 9), { utm_source: 'kol', share_from: 'u2', share_depth: 2 }),
    ev('u4', 'A', 's4a', '$page_view', at(3, 9, 1), { path: home }),
    ev('u4', 'A', 's4a', 'checkout', at(3, 9, 2)),
    ev('u4', 'B', 's4b', 'pay_success', at(4, 9), line('o5', 'C', 40, 1)),
  ];
  const u5all = [
    u5('s5a', '$app_launch', at(3, 7, 30), { scene: 1001 }),
    u5('s5a', '$page_view', at(3, 7, 31), { path: home }),
    u5('s5a', 'view_product', at(3, 7, 32), { product_code: 'C' }),
    u5('s5a', 'add_to_cart', at(3, 7, 33), { product_code: 'C' }),
    u5('s5a', 'checkout', at(3, 7, 34)),
  ];
  const u6all = [u6('s6a', '$app_launch', at(2, 8)), u6('s6a', '$page_view', at(2, 8, 1), { path: home }), u6('s6a', 'checkout', at(2, 8, 2))];
  const tap = (m: number, p: Record<string, unknown>, page?: string) => u7('s7', '$tap', at(5, 10, m), p, page);
  const u7all = [
    u7('s7', '$page_view', at(5, 10), { path: productPage }),
    u7('s7', 'checkout', at(5, 10, 1)),
    tap(2, { path: productPage, x: 10, y: 10 }), // cell [0, 0]
    tap(3, { path: productPage, x: 374, y: 20 }), // 374 / 375 · 10 = 9.97 → [0, 9]
    tap(4, { path: productPage, x: 400, y: 20 }), // 10.7, past the last column: kept in column 9
    tap(5, { path: productPage, x: 200, y: 500 }), // 5.33, 13.3 → [13, 5]
    tap(6, { path: productPage }), // no position: unplaced
    tap(7, { path: productPage, x: 0, y: 30_000 }), // row 800, kept in the last row (59)
    tap(8, { x: 37.5, y: 37.5 }, 'pages/cart/index'), // no path property: the event's page; 1.0 exactly → [1, 1]
  ];
  const u8all = [
    u8('s8a', '$app_launch', at(0, 23, 30), { utm_source: 'wechat_ad', scene: 1089 }),
    u8('s8a', '$page_view', at(0, 23, 40), { path: home }),
    u8('s8a', '$page_view', at(1, 0, 10), { path: productPage }),
    u8('s8b', '$page_view', at(1, 9), { path: home }),
    u8('s8b', 'view_product', at(1, 9, 1), { product_code: 'C' }),
    u8('s8b', 'add_to_cart', at(1, 9, 2), { product_code: 'C' }),
    u8('s8b', 'checkout', at(1, 9, 3)),
    u8('s8b', 'pay_success', at(1, 9, 4), line('o8', 'C', 40, 1)),
    u8('s8b', 'pay_success', at(1, 9, 4), line('o8', 'D', 12.5, 2)),
    u8('s8c', '$page_view', at(7, 22), { path: home }),
    u8('s8d', '$page_view', at(9, 10), { path: home }),
    u8('s8d', 'checkout', at(9, 10, 1)),
    u8('s8d', 'pay_success', at(9, 10, 2), line('o6', 'A', 25, 1)),
    u8('s8d', 'pay_success', at(9, 10, 2), line('o6', 'A', 25, 1)),
  ];
  return [
    { events: u1first },
    { events: u1first }, // the retry: the same ids again
    { events: u1later },
    { events: u2all },
    { events: u3all },
    { events: u4all },
    { events: u5all },
    { events: u6all },
    { events: u7all, context: { lib: 'wetrack', windowWidth: 375 } },
    { events: u8all },
  ];
}

// ---- Expected answers, worked out from the fixture above ----

const D = (d: number) => `2025-03-${String(3 + d).padStart(2, '0')}`;

/**
 * Daily in UTC+8. PV: $page_view events; UV: installs with one; new: installs whose first event is
 * that day; sessions: sessions whose first event is that day. D6 and D8 have no events: no row.
 */
const DAILY_UTC8 = [
  // u1, u8 view home; new u1, u8; sessions s1a, s8a
  { day: D(0), pv: 2, uv: 2, newUsers: 2, sessions: 2 },
  // u1 home, u2 home, u8 product (00:10, s8a: counted on D0) and home: 4 PV, 3 UV; new u2; s1b s2a s8b
  { day: D(1), pv: 4, uv: 3, newUsers: 1, sessions: 3 },
  // u2 s2b, u3, u6; new u3 u6
  { day: D(2), pv: 3, uv: 3, newUsers: 2, sessions: 3 },
  // u4, u5
  { day: D(3), pv: 2, uv: 2, newUsers: 2, sessions: 2 },
  // u4's s4b: a pay only
  { day: D(4), pv: 0, uv: 0, newUsers: 0, sessions: 1 },
  // u7
  { day: D(5), pv: 1, uv: 1, newUsers: 1, sessions: 1 },
  // u1 s1c, u8 s8c
  { day: D(7), pv: 2, uv: 2, newUsers: 0, sessions: 2 },
  { day: D(9), pv: 1, uv: 1, newUsers: 0, sessions: 1 },
];

/** Daily in UTC: u2's s2a and u8's 00:10 move to D0, u5 to D2; u6 at 00:00 UTC exactly stays on D2. */
const DAILY_UTC = [
  // u1 home, u8 home and product, u2 home; new u1 u8 u2; sessions s1a s8a s2a
  { day: D(0), pv: 4, uv: 3, newUsers: 3, sessions: 3 },
  // u8 s8b, u1 s1b
  { day: D(1), pv: 2, uv: 2, newUsers: 0, sessions: 2 },
  // u6, u3, u2 s2b, u5 (23:30 UTC); new u6 u3 u5
  { day: D(2), pv: 4, uv: 4, newUsers: 3, sessions: 4 },
  { day: D(3), pv: 1, uv: 1, newUsers: 1, sessions: 1 },
  { day: D(4), pv: 0, uv: 0, newUsers: 0, sessions: 1 },
  { day: D(5), pv: 1, uv: 1, newUsers: 1, sessions: 1 },
  { day: D(7), pv: 2, uv: 2, newUsers: 0, sessions: 2 },
  { day: D(9), pv: 1, uv: 1, newUsers: 0, sessions: 1 },
];

/**
 * Retention in UTC+8, 7 days. Active days: u1 D0 D1 D7, u8 D0 D1 D7 D9, u2 D1 D2, u3 D2, u6 D2,
 * u4 D3 D4, u5 D3, u7 D5. The last day with data is D9: day k of cohort Dc is null when c + k > 9.
 */
const RETENTION_UTC8 = [
  // u1 and u8: both back on D1 and on D7 (k = 7, the last day counted); u8's D9 is k = 9, past 7
  { cohort: D(0), users: 2, retained: [2, 2, 0, 0, 0, 0, 0, 2] },
  // u2: D2
  { cohort: D(1), users: 1, retained: [1, 1, 0, 0, 0, 0, 0, 0] },
  // u3, u6: never back; k = 7 is D9, the last day: 0, not null
  { cohort: D(2), users: 2, retained: [2, 0, 0, 0, 0, 0, 0, 0] },
  // u4 back on D4; k = 7 would be D10: null
  { cohort: D(3), users: 2, retained: [2, 1, 0, 0, 0, 0, 0, null] },
  // u7: D5 + 4 = D9 is the last day with data
  { cohort: D(5), users: 1, retained: [1, 0, 0, 0, 0, null, null, null] },
];

/** Retention in UTC: u2 joins the D0 cohort (its D2 is k = 2), u5 the D2 one; D3 is u4 alone. */
const RETENTION_UTC = [
  { cohort: D(0), users: 3, retained: [3, 2, 1, 0, 0, 0, 0, 2] },
  { cohort: D(2), users: 3, retained: [3, 0, 0, 0, 0, 0, 0, 0] },
  { cohort: D(3), users: 1, retained: [1, 1, 0, 0, 0, 0, 0, null] },
  { cohort: D(5), users: 1, retained: [1, 0, 0, 0, 0, null, null, null] },
];

/**
 * The shop funnel per session, in seq order. Home: s1a s1b s2a s2b s3a s4a s5a s6a s8a s8b s8c s8d
 * = 12 (s7 and s1c view other pages); product: s1a s2a s3a s5a s8b = 5; cart: s3a has none → 4;
 * checkout 4; pay: s5a never pays → 3.
 */
const FUNNEL = {
  within: 'session',
  steps: [
    { step: 'home', count: 12, conversion: null, ofFirst: 1, dropOff: 0 },
    { step: 'product', count: 5, conversion: 5 / 12, ofFirst: 5 / 12, dropOff: 7 },
    { step: 'cart', count: 4, conversion: 4 / 5, ofFirst: 4 / 12, dropOff: 1 },
    { step: 'checkout', count: 4, conversion: 1, ofFirst: 4 / 12, dropOff: 0 },
    { step: 'pay', count: 3, conversion: 3 / 4, ofFirst: 3 / 12, dropOff: 1 },
  ],
};

/**
 * Channels, by revenue then name. wechat_ad: u1 (150; within 7 days of its first event o1 80 + o2 30,
 * o7 at exactly 7 days is not) and u8 (115; o8 65 on D1, o6 50 on D9 is past 7 days): LTV 7d
 * (110 + 65) / 2 = 87.5, 30d 265 / 2 = 132.5. share: u2 90, u3 80. kol: u4 40 (its share_from does
 * not make it `share`). Then the installs that never paid, by name: (none) u7, scene:1001 u5, scene:? u6.
 */
const CHANNELS = {
  channels: [
    { channel: 'wechat_ad', users: 2, buyers: 2, conversion: 1, revenue: 265, ltv7: 87.5, ltv30: 132.5 },
    { channel: 'share', users: 2, buyers: 2, conversion: 1, revenue: 170, ltv7: 85, ltv30: 85 },
    { channel: 'kol', users: 1, buyers: 1, conversion: 1, revenue: 40, ltv7: 40, ltv30: 40 },
    { channel: '(none)', users: 1, buyers: 0, conversion: 0, revenue: 0, ltv7: 0, ltv30: 0 },
    { channel: 'scene:1001', users: 1, buyers: 0, conversion: 0, revenue: 0, ltv7: 0, ltv30: 0 },
    { channel: 'scene:?', users: 1, buyers: 0, conversion: 0, revenue: 0, ltv7: 0, ltv30: 0 },
  ],
  // u2 at depth 1, u3 and u4 at depth 2
  shareDepth: [
    { depth: 1, users: 1 },
    { depth: 2, users: 2 },
  ],
  // u2 brought u3 and u4, u1 brought u2: most installs first, though u1 sorts first by name
  sharers: [
    { sharer: 'u2', users: 2 },
    { sharer: 'u1', users: 1 },
  ],
};

/**
 * Affinity over N = 8 orders. Orders holding A: o1 o2 o3 o6 (o6's two A lines count once) = 4;
 * B: o1 o3 o4 = 3; C: o3 o4 o5 o8 = 4; D: o8 = 1 (E alone in o7: no pair). Pairs: AB in o1 o3, BC in o3 o4, AC in o3, CD in o8; no A+A.
 * Order: orders, then lift, then names: AB and BC tie on 2 orders and lift 16/12; CD's lift
 * 1·8/(4·1) = 2 puts it before AC's 1·8/(4·4) = 0.5, and after the 2-order pairs despite the higher lift.
 */
const AFFINITY = {
  orders: 8,
  pairs: [
    // AB: 2 of 8 orders; of A's 4, 2; of B's 3, 2
    { a: 'A', b: 'B', orders: 2, support: 0.25, confidenceAB: 0.5, confidenceBA: 2 / 3, lift: 16 / 12 },
    { a: 'B', b: 'C', orders: 2, support: 0.25, confidenceAB: 2 / 3, confidenceBA: 0.5, lift: 16 / 12 },
    { a: 'C', b: 'D', orders: 1, support: 0.125, confidenceAB: 0.25, confidenceBA: 1, lift: 2 },
    { a: 'A', b: 'C', orders: 1, support: 0.125, confidenceAB: 0.25, confidenceBA: 0.25, lift: 0.5 },
  ],
};

/**
 * A/B on exp_pay_default, checkout → pay_success in the same variant. A exposed: u1 u4 u5 u8 (u8
 * twice: once); converted u1 u8 (u4 paid carrying B). B: u2 u3, both converted (u4's B payment has
 * no B checkout). C: u6 u7, none. Wilson and Newcombe from the formulas, computed apart (Python):
 * Wilson 2/4 = [0.150039, 0.849961], 2/2 = [0.342380, 1], 0/2 = [0, 0.657620].
 */
const close = (x: number) => expect.closeTo(x, 12);
const W24 = [0.15003898915214947, 0.8499610108478506];
const W22 = [0.34238022750665303, 1];
const W02 = [0, 0.6576197724933469];
const AB_VS_A: AbResult = {
  property: 'exp_pay_default',
  exposure: 'checkout',
  goal: 'pay_success',
  control: 'A',
  variants: [
    { variant: 'A', users: 4, converted: 2, rate: 0.5, low: close(W24[0]), high: close(W24[1]), diff: null },
    // 1 − 0.5; low 0.5 − √(0.5−0.342380)² + (0.849961−0.5)²); high 0.5 + √((1−1)² + (0.5−0.150039)²)
    { variant: 'B', users: 2, converted: 2, rate: 1, low: close(W22[0]), high: close(W22[1]), diff: { value: 0.5, low: close(-0.244940584401099), high: close(0.8499610108478506) } },
    // the variant with no conversion: rate 0, Wilson low 0
    { variant: 'C', users: 2, converted: 0, rate: 0, low: 0, high: close(W02[1]), diff: { value: -0.5, low: close(-0.8499610108478506), high: close(0.2449405844010989) } },
  ],
};
/** Against B as the control: C − B = −1, [−1, −0.069985]: excludes 0 (significant). */
const AB_VS_B: AbResult = {
  ...AB_VS_A,
  control: 'B',
  variants: [
    { ...AB_VS_A.variants[0], diff: { value: -0.5, low: close(-0.8499610108478506), high: close(0.244940584401099) } },
    { ...AB_VS_A.variants[1], diff: null },
    { ...AB_VS_A.variants[2], diff: { value: -1, low: close(-1), high: close(-0.06998519885519949) } },
  ],
};

/**
 * Tiers in UTC+8; the last day with data is D9. u1: spend 150 = the threshold → whale (also a
 * sharer: whale comes first); u2: 90, a share → sharer; u3 80 (recency 7: a buyer before dormant),
 * u4 40 (recency 5), u8 115 (recency 0, 4 days) → buyer; u6: last D2, recency 7 exactly → dormant;
 * u5: last D3, recency 6 → observer; u7: recency 4 → observer.
 */
const TIERS_UTC8: TierRow[] = [
  { tier: 'whale', users: 1, recency: 2, frequency: 3, spend: 150, shares: 1 },
  { tier: 'sharer', users: 1, recency: 7, frequency: 2, spend: 90, shares: 1 },
  // recency (7 + 5 + 0) / 3, frequency (1 + 2 + 4) / 3, spend (80 + 40 + 115) / 3
  { tier: 'buyer', users: 3, recency: 4, frequency: 7 / 3, spend: 235 / 3, shares: 0 },
  { tier: 'dormant', users: 1, recency: 7, frequency: 1, spend: 0, shares: 0 },
  // u5 and u7: recency (6 + 4) / 2
  { tier: 'observer', users: 2, recency: 5, frequency: 1, spend: 0, shares: 0 },
];
/** In UTC u5's only day is D2 (23:30 UTC): recency 7, dormant with u6. */
const TIERS_UTC: TierRow[] = [
  ...TIERS_UTC8.slice(0, 3),
  { tier: 'dormant', users: 2, recency: 7, frequency: 1, spend: 0, shares: 0 },
  { tier: 'observer', users: 1, recency: 4, frequency: 1, spend: 0, shares: 0 },
];

/** Buyers u1 (o1 o2 o7), u2, u3, u4, u8 (o8 o6; o6's two lines are one order): 2 of 5 ordered again. */
const REPURCHASE = { buyers: 5, repeatBuyers: 2, rate: 0.4, orders: 8 };

/** u7's taps (window 375 px, cells of 37.5 px), pages in name order. */
const HEATMAP = [
  { page: 'pages/cart/index', taps: 1, unplaced: 0, columns: 10, rows: 2, cells: [[1, 1, 1]] },
  { page: productPage, taps: 6, unplaced: 1, columns: 10, rows: 60, cells: [[0, 0, 1], [0, 9, 2], [13, 5, 1], [59, 0, 1]] },
];

/**
 * The text. Retention: day 1 over all 5 cohorts (8 installs): 2 + 1 + 0 + 1 + 0 = 4 → 50.0%; day 3:
 * 0; day 7 over D0 D1 D2 only (D3, D5 null): 2 of 5 → 40.0%. Busiest day: D1 (4 PV).
 */
const TEXT = [
  'Daily (8 days, 2025-03-03 to 2025-03-12): PV 15, new users 8, sessions 15; busiest 2025-03-04',
  'Retention (installs by first day, all cohorts): day 1 50.0% · day 3 0.0% · day 7 40.0%',
  'Funnel (per session): home 12 → product 5 → cart 4 → checkout 4 → pay 3 (drop-off 7, 1, 0, 1)',
  'Channels (first launch)',
  '  channel      users      buy   revenue   LTV 7d   LTV 30d',
  '  wechat_ad        2   100.0%   ¥265.00   ¥87.50   ¥132.50',
  '  share            2   100.0%   ¥170.00   ¥85.00    ¥85.00',
  '  kol              1   100.0%    ¥40.00   ¥40.00    ¥40.00',
  '  (none)           1     0.0%     ¥0.00    ¥0.00     ¥0.00',
  '  scene:1001       1     0.0%     ¥0.00    ¥0.00     ¥0.00',
  '  scene:?          1     0.0%     ¥0.00    ¥0.00     ¥0.00',
  '  share chain: installs by depth 1: 1, 2: 2; top sharer u2 (2)',
  'Bought together (8 orders): A+B 2 orders, support 25.0%, confidence 50.0%/66.7%, lift 1.33; B+C 2 orders, support 25.0%, confidence 66.7%/50.0%, lift 1.33',
  'A/B exp_pay_default (checkout → pay_success, 95% Wilson; difference vs A, Newcombe): A 2/4 = 50.0% [15.0%, 85.0%]; B 2/2 = 100.0% [34.2%, 100.0%], +50.0 pts [-24.5, 85.0]; C 0/2 = 0.0% [0.0%, 65.8%], -50.0 pts [-85.0, 24.5]',
  'Tiers (whale ≥ ¥150.00, dormant 7+ days): whale 1, sharer 1, buyer 3, dormant 1, observer 2',
  'Repurchase: 2 of 5 buyers ordered again (40.0%), 8 orders',
  'Tap heat map: 6 placed taps on 2 pages',
].join('\n');

/** An empty store: every ratio has nothing to divide by. */
const EMPTY_TEXT = [
  'Daily (0 days, — to —): PV 0, new users 0, sessions 0; busiest —',
  'Retention (installs by first day, all cohorts): day 1 — · day 3 — · day 7 —',
  'Funnel (per session): home 0 → product 0 → cart 0 → checkout 0 → pay 0 (drop-off 0, 0, 0, 0)',
  'Channels (first launch)',
  '  channel   users   buy   revenue   LTV 7d   LTV 30d',
  '  share chain: installs by depth —; top sharer —',
  'Bought together (0 orders): no pairs',
  'A/B exp_pay_default (checkout → pay_success, 95% Wilson; difference vs —, Newcombe): ',
  'Tiers (whale ≥ ¥150.00, dormant 7+ days): ',
  'Repurchase: 0 of 0 buyers ordered again (—), 0 orders',
  'Tap heat map: 0 placed taps on 0 pages (the SDK does not send tap positions yet)',
].join('\n');

for (const { kind, skip } of stores('the analyses fixture tests on ClickHouse (test/analytics/analyses.test.ts)')) describe.skipIf(skip)(`analyses on a hand-built fixture, ${kind} store`, () => {
  let store: StoreDb;
  let c: Collector;
  let all: Analytics;
  const q = <T>(f: (s: EventStore) => Promise<T>) => c.store.query(f);

  beforeAll(async () => {
    store = await freshStore(kind);
    c = await startCollector({ port: 0, db: store.db, log: { info: () => {}, warn: (m) => console.error(m) } });
    for (const b of fixture()) await post(c, b.events, b.context);
    all = await buildAnalytics(c.store);
  }, 60_000);

  afterAll(async () => {
    await c?.close();
    await store?.dispose();
  });

  it('stored each fixture event once (the retried batch adds none): 64 events', async () => {
    // 8 + 5 (u1) + 10 + 6 + 4 + 5 + 3 + 9 + 14
    expect(await q((s) => s.rows<{ n: number }>(kind === 'clickhouse' ? 'SELECT count() AS n FROM events FINAL' : 'SELECT count(*)::DOUBLE AS n FROM events'))).toEqual([{ n: 64 }]);
  });

  it('daily: PV, UV, new users and sessions per calendar day in UTC+8, days without events absent', async () => {
    expect(await q((s) => daily(s))).toEqual(DAILY_UTC8);
    expect(all.daily).toEqual(DAILY_UTC8);
  });

  it('daily in UTC (tzMinutes 0): the events before 08:00 in UTC+8 move to the day before', async () => {
    expect(await q((s) => daily(s, { tzMinutes: 0 }))).toEqual(DAILY_UTC);
  });

  it('retention: cohorts by first day, day 0…7, null past the last day with data', async () => {
    expect(await q((s) => retention(s))).toEqual(RETENTION_UTC8);
    expect(all.retention).toEqual(RETENTION_UTC8);
  });

  it('retention in UTC, and over 1 day (the arrays end at day 1)', async () => {
    expect(await q((s) => retention(s, { tzMinutes: 0 }))).toEqual(RETENTION_UTC);
    expect(await q((s) => retention(s, { days: 1 }))).toEqual(RETENTION_UTC8.map((r) => ({ ...r, retained: r.retained.slice(0, 2) })));
  });

  it('funnel: the shop funnel per session with conversion, share of the first step and drop-off', async () => {
    expect(all.funnel).toEqual(FUNNEL);
  });

  it('funnel: a step repeated needs a later event (page view → page view: 14 sessions with one, s8a alone with two)', async () => {
    // Sessions with a $page_view: all but s4b (a payment only) = 14; a second one after the first: s8a (home, then product at 00:10).
    expect((await q((s) => funnel(s, { within: 'session', steps: [{ name: '$page_view' }, { name: '$page_view' }] }))).steps.map((x) => x.count)).toEqual([14, 1]);
  });

  it('funnel per install within 1 day: a payment exactly 24 h after the launch is in (u4), u7 never launched', async () => {
    // Launches: u1 u2 u3 u4 u5 u6 u8 = 7; then a pay_success no later than 1 day after: u1 u2 u3 u8 within
    // minutes or hours, u4 at exactly 24 h; u5 and u6 never pay.
    expect(await q((s) => funnel(s, { within: 1, steps: [{ name: '$app_launch' }, { name: 'pay_success' }] }))).toEqual({
      within: 1,
      steps: [
        { step: '$app_launch', count: 7, conversion: null, ofFirst: 1, dropOff: 0 },
        { step: 'pay_success', count: 5, conversion: 5 / 7, ofFirst: 5 / 7, dropOff: 2 },
      ],
    });
  });

  it('funnel: a first step nobody reached gives null conversions (0 / 0), not NaN', async () => {
    expect(await q((s) => funnel(s, { within: 'session', steps: [{ name: 'refund' }, { name: 'pay_success' }] }))).toEqual({
      within: 'session',
      steps: [
        { step: 'refund', count: 0, conversion: null, ofFirst: null, dropOff: 0 },
        { step: 'pay_success', count: 0, conversion: null, ofFirst: null, dropOff: 0 },
      ],
    });
  });

  it('channels: first launch utm_source > share > scene > (none); revenue, LTV 7d/30d; share depth and sharers', async () => {
    expect(await q((s) => channels(s))).toEqual(CHANNELS);
    expect(all.channels).toEqual(CHANNELS);
  });

  it('affinity: pairs by orders, lift, names with support, both confidences and lift; the limit', async () => {
    expect(await q((s) => affinity(s))).toEqual(AFFINITY);
    expect(all.affinity).toEqual(AFFINITY);
    expect(await q((s) => affinity(s, 2))).toEqual({ orders: 8, pairs: AFFINITY.pairs.slice(0, 2) });
  });

  it('A/B: exposed and converted installs per variant, Wilson intervals, Newcombe differences against A', async () => {
    expect(await q((s) => ab(s))).toEqual(AB_VS_A);
    expect(all.ab).toEqual(AB_VS_A);
  });

  it('A/B: a named control (B); a control not seen falls back to the first variant; a property nobody has gives none', async () => {
    expect(await q((s) => ab(s, { control: 'B' }))).toEqual(AB_VS_B);
    expect(await q((s) => ab(s, { control: 'Z' }))).toEqual(AB_VS_A);
    expect(await q((s) => ab(s, { property: 'exp_nobody' }))).toEqual({ property: 'exp_nobody', exposure: 'checkout', goal: 'pay_success', control: null, variants: [] });
  });

  it('A/B on another exposure and goal: view_product → add_to_cart (A: u1 u5 u8 all 3; B: u2 u3, 1)', async () => {
    // view_product: A u1 u5 u8, B u2 u3; add_to_cart: A u1 u5 u8, B u2 (u3 skipped the cart)
    const r = await q((s) => ab(s, { exposure: 'view_product', goal: 'add_to_cart' }));
    expect(r.variants.map((v) => [v.variant, v.converted, v.users, v.rate])).toEqual([
      ['A', 3, 3, 1],
      ['B', 1, 2, 0.5],
    ]);
    expect(r.control).toBe('A');
  });

  it('tiers: whale at spend = 150, sharer, buyer, dormant at recency = 7, observer at 6; averages per tier', async () => {
    expect(await q((s) => tiers(s))).toEqual(TIERS_UTC8);
    expect(all.tiers).toEqual(TIERS_UTC8);
  });

  it('tiers in UTC: u5 is last seen a day earlier, dormant', async () => {
    expect(await q((s) => tiers(s, { tzMinutes: 0 }))).toEqual(TIERS_UTC);
  });

  it('repurchase: 2 of 5 buyers with two or more orders, 8 orders', async () => {
    expect(await q((s) => repurchase(s))).toEqual(REPURCHASE);
    expect(all.repurchase).toEqual(REPURCHASE);
  });

  it('heat map: cells per page, edges clamped, the event page where the tap has no path', async () => {
    expect(await q((s) => heatmap(s))).toEqual(HEATMAP);
    expect(all.heatmap).toEqual(HEATMAP);
  });

  it('formatAnalytics: every line', () => {
    expect(formatAnalytics(all)).toBe(TEXT);
  });

  it('formatAnalytics: the A/B line against B marks the significant difference', async () => {
    const text = formatAnalytics({ ...all, ab: await q((s) => ab(s, { control: 'B' })) });
    expect(text.split('\n').filter((l) => l.startsWith('A/B '))).toEqual([
      'A/B exp_pay_default (checkout → pay_success, 95% Wilson; difference vs B, Newcombe): A 2/4 = 50.0% [15.0%, 85.0%], -50.0 pts [-85.0, 24.5]; B 2/2 = 100.0% [34.2%, 100.0%]; C 0/2 = 0.0% [0.0%, 65.8%], -100.0 pts [-100.0, -7.0] significant',
    ]);
  });

  /** A collector on a store of its own beside the fixture's: another DuckDB file, or another database on the same ClickHouse server. */
  async function aside(name: string): Promise<{ c: Collector; close(): Promise<void> }> {
    const dir = kind === 'duckdb' ? mkdtempSync(path.join(tmpdir(), 'wetrack-analyses-')) : undefined;
    const side = await startCollector({ port: 0, db: dir ? path.join(dir, `${name}.duckdb`) : store.server!.url(name), log: { info: () => {}, warn: (m) => console.error(m) } });
    return {
      c: side,
      close: async () => {
        await side.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  it('an empty store: empty lists, zero counts, null rates (nothing to divide by), and the text with dashes', async () => {
    const side = await aside('empty');
    try {
      const a = await buildAnalytics(side.c.store);
      expect(a).toEqual({
        daily: [],
        retention: [],
        funnel: { within: 'session', steps: FUNNEL.steps.map((s) => ({ step: s.step, count: 0, conversion: null, ofFirst: null, dropOff: 0 })) },
        channels: { channels: [], shareDepth: [], sharers: [] },
        affinity: { orders: 0, pairs: [] },
        ab: { property: 'exp_pay_default', exposure: 'checkout', goal: 'pay_success', control: null, variants: [] },
        tiers: [],
        repurchase: { buyers: 0, repeatBuyers: 0, rate: null, orders: 0 },
        heatmap: [],
      });
      expect(formatAnalytics(a)).toBe(EMPTY_TEXT);
    } finally {
      await side.close();
    }
  });

  /**
   * One order q1 of p1 (channel x): A 10×1, a line without product_code 5×2, B 20×1. The line is
   * revenue (40 in all) but no product: the only pair is A+B, in 1 of 1 orders (support, both
   * confidences and lift 1). One buyer with one order: repurchase rate 0, not null.
   * And p2 (scene:1001, a $share): a pay_success without an order_id (7×1), which is no paid order line.
   */
  describe('an order line without a product_code, a payment without an order_id', () => {
    let side: Awaited<ReturnType<typeof aside>>;
    beforeAll(async () => {
      side = await aside('lines');
      n = 0;
      seqs.clear();
      await post(side.c, [
        ev('p1', 'A', 'sp1', '$app_launch', at(0, 12), { utm_source: 'x' }),
        ev('p1', 'A', 'sp1', 'pay_success', at(0, 12, 5), line('q1', 'A', 10, 1)),
        ev('p1', 'A', 'sp1', 'pay_success', at(0, 12, 5), line('q1', undefined, 5, 2)),
        ev('p1', 'A', 'sp1', 'pay_success', at(0, 12, 5), line('q1', 'B', 20, 1)),
        ev('p2', 'A', 'sp2', '$app_launch', at(0, 13), { scene: 1001 }),
        ev('p2', 'A', 'sp2', 'pay_success', at(0, 13, 5), { product_code: 'A', price: 7, quantity: 1 }),
        ev('p2', 'A', 'sp2', '$share', at(0, 13, 6)),
      ]);
    }, 30_000);
    afterAll(async () => {
      await side?.close();
    });

    it('the line counts in revenue, LTV, spend and the order count (40 in 1 order; repurchase rate 0, not null); the payment without order_id in none but spend', async () => {
      const [rep, ch, ti] = await side.c.store.query(async (s) => [await repurchase(s), await channels(s), await tiers(s)] as const);
      // p2 is no buyer: its payment has no order_id
      expect(rep).toEqual({ buyers: 1, repeatBuyers: 0, rate: 0, orders: 1 });
      expect(ch.channels).toEqual([
        { channel: 'x', users: 1, buyers: 1, conversion: 1, revenue: 40, ltv7: 40, ltv30: 40 },
        { channel: 'scene:1001', users: 1, buyers: 0, conversion: 0, revenue: 0, ltv7: 0, ltv30: 0 },
      ]);
      expect(ti.find((t) => t.tier === 'buyer')).toEqual({ tier: 'buyer', users: 1, recency: 0, frequency: 1, spend: 40, shares: 0 });
      // Tiers' spend sums every pay_success, with or without order_id (today 7 for p2), unlike the
      // paid lines above: which is meant is not settled, so p2's spend is not asserted.
      expect(ti.map((t) => t.tier)).toEqual(['sharer', 'buyer']);
      expect(ti[0]).toMatchObject({ tier: 'sharer', users: 1, recency: 0, frequency: 1, shares: 1 });
    });

    // Fails on ClickHouse at 5a15794 (reported, not fixed): in affinity.ts's clickhouseSql,
    // `assumeNotNull(product) AS product … WHERE product IS NOT NULL` — the alias shadows the column
    // in WHERE, so the missing product_code becomes product '' and pairs ''+A and ''+B appear.
    it('is no product in the pairs: A+B only, 1 of 1 orders', async () => {
      expect(await side.c.store.query((s) => affinity(s))).toEqual({ orders: 1, pairs: [{ a: 'A', b: 'B', orders: 1, support: 1, confidenceAB: 1, confidenceBA: 1, lift: 1 }] });
    });
  });
});
