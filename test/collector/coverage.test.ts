/**
 * The tracking plan's QA coverage (collector/coverage.ts) on its own: compareVersions exactly (the
 * sign of each comparison, both ways round), and buildCoverage + formatCoverage against answers
 * worked out by hand from a small fixture, on each store (DuckDB, ClickHouse). The events go in
 * through the store's ingest with their violations given by hand ([] = checked and valid,
 * undefined = stored unchecked, as by a collector without --plan), so that the figures depend on
 * coverage.ts alone, not on plan/validate.ts. test/plan/collector.test.ts runs it through the server.
 *
 * The plan: events add_to_cart (implemented, owner growth), view_product (no status: proposed),
 * checkout (approved, never sent); slots home.banner.* (a pattern), cart.checkout (two pages, no
 * status), mine.ad (deprecated, never seen).
 *
 * The fixture, four batches (✓ checked and valid, ✗ checked with a violation, · unchecked):
 *
 *   A  v1.9.2, unchecked   add_to_cart·  view_product·  $exposure home.banner.10·  share_poster·  $page_view·
 *   B  v1.10.0             add_to_cart✗ (quantity and coupon null)  add_to_cart✓  view_product✓ (category)
 *                          $exposure home.banner.2✓  $exposure home.banner.2✗ (code)  $tap home.banner.2✓ (position)
 *                          $exposure promo.top✗  share_poster✗  debug_ping✗  $tap cart.checkout✓
 *   C  v1.9.2 again        add_to_cart✗ (quantity "2", two messages)  $exposure home.banner.2✓  $exposure promo.top✗
 *                          add_to_card✗  $exposure home.rec.1✗
 *   D  no version          view_product✓ (category)  $exposure cart.checkout✓ (variant)  $exposure side.x✗  $set✓
 *
 * 24 events, 19 checked (B, C, D), 10 of them with violations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../collector/clickhouse';
import { buildCoverage, compareVersions, formatCoverage, type PlanCoverage } from '../../collector/coverage';
import { openStore } from '../../collector/open';
import type { EventStore, IngestMeta } from '../../collector/store';
import type { WireBatch, WireEvent } from '../../collector/validate';
import type { TrackingPlanFile, Violation } from '../../src/plan/shape';
import { freshStore, stores, type StoreDb } from './stores';

describe('compareVersions', () => {
  /** [a, b, the sign of compareVersions(a, b)]: each is also checked the other way round. */
  const cases: [string, string, -1 | 0 | 1][] = [
    // Equal.
    ['1.2.3', '1.2.3', 0],
    ['', '', 0],
    ['1.0.0-rc.1', '1.0.0-rc.1', 0],
    // Numbers as numbers, not as text.
    ['1.10.0', '1.9.2', 1],
    ['1.9', '1.10', -1],
    ['2.0', '10.0', -1],
    ['1.2', '1.3', -1],
    ['1.2.9', '1.3.0', -1], // the first part that differs decides
    ['01.2', '1.2', 0], // the same number
    // Different lengths: a missing part is '' (text), before any other.
    ['1.2', '1.2.1', -1],
    ['1', '1.0', -1],
    // A pre-release before its release (semver), after the releases before it.
    ['1.0-beta', '1.0', -1],
    ['1.0.0-rc.1', '1.0.0', -1],
    ['1.0.0-rc.1', '0.9.9', 1],
    ['1.0.0-rc.1', '1.0.1-alpha', -1], // the release part decides first
    ['1.0-beta', '1.0-rc', -1],
    ['1.0-beta', '1.0.beta', -1], // '.beta' is a part of the release, not a pre-release
    // Pre-release identifiers: numbers as numbers, before text; fewer before more.
    ['1.0.0-beta.2', '1.0.0-beta.11', -1],
    ['1.0.0-beta.11', '1.0.0-beta.x', -1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-x-y', '1.0.0-x', 1], // only the first '-' starts the pre-release: 'x-y' after 'x'
    // The empty string.
    ['', '1.0', -1],
    ['', 'a', -1],
    // Text when either side is not all digits: by character code, digits before letters, capitals
    // before small letters, whatever the locale.
    ['a', 'b', -1],
    ['2', 'beta', -1],
    ['1.10', '1.a', -1],
    ['1a', '12', 1], // '1a' is not a number (nor is it 1): text, where '12' comes first
    ['a1', '2', 1], // nor is 'a1'
    ['1.0.0-RC', '1.0.0-beta', -1],
  ];
  const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

  it.each(cases)('compareVersions(%j, %j) has the sign %i, and the opposite sign the other way round', (a, b, s) => {
    expect(sign(compareVersions(a, b))).toBe(s);
    expect(sign(compareVersions(b, a))).toBe(-s || 0);
  });

  it('sorts app versions oldest first, numbers as numbers, pre-releases before their release', () => {
    expect(['1.10.0', '1.9.2', '', '1.9', '1.0', '1.0-beta', '10.0', '2.0', '2.0-rc.1'].sort(compareVersions)).toEqual(['', '1.0-beta', '1.0', '1.9', '1.9.2', '1.10.0', '2.0-rc.1', '2.0', '10.0']);
  });
});

const v = (field: string, rule: string, message: string): Violation => ({ field, rule, message });
const QUANTITY_NULL = v('properties.quantity', 'type', 'must be integer, got null');
const QUANTITY_TEXT = v('properties.quantity', 'type', 'must be integer, got "2"');
/** A second message for the same field and rule (as a union of types gives): the event counts once. */
const QUANTITY_TEXT_AGAIN = v('properties.quantity', 'type', 'must be number, got "2"');
const CODE = v('properties.code', 'pattern', 'must match ^P[0-9]$, got "XX"');
const slotNotPlanned = (slot: string) => v('properties.slot', 'slot', `slot "${slot}" is not in the plan`);
const notPlanned = (name: string) => v('name', 'event', `"${name}" is not in the plan`);

const plan: TrackingPlanFile = {
  version: 1,
  events: {
    add_to_cart: {
      description: 'a product added to the cart',
      owner: 'growth',
      status: 'implemented',
      properties: { product_code: { type: 'string' }, quantity: { type: 'integer' }, coupon: { type: 'string' }, category: { type: 'string' } },
    },
    view_product: { description: 'a product page seen', properties: { product_code: { type: 'string' }, category: { type: 'string' }, rating: { type: 'number' } } },
    checkout: { description: 'the order confirmed', owner: 'payments', status: 'approved', properties: { order_id: { type: 'string' }, amount: { type: 'number' } } },
  },
  slots: {
    'home.banner.*': { page: 'pages/home/index', status: 'implemented', properties: { code: { type: 'string' }, position: { type: 'integer' } } },
    'cart.checkout': { page: ['pages/cart/index', 'pages/order/index'], properties: { variant: { type: 'string' } } },
    'mine.ad': { status: 'deprecated', properties: { campaign: { type: 'string' } } },
  },
};

type Stored = [id: string, name: string, properties: Record<string, unknown>, violations?: Violation[]];
const T0 = Date.UTC(2025, 2, 3, 2);
let seq = 0;
const batches: { appVersion?: string; checked: boolean; events: Stored[] }[] = [
  {
    appVersion: '1.9.2',
    checked: false,
    events: [
      ['ev-a1', 'add_to_cart', { product_code: 'P1', quantity: 1 }],
      ['ev-a2', 'view_product', { product_code: 'P1' }],
      ['ev-a3', '$exposure', { slot: 'home.banner.10', code: 'P1' }],
      ['ev-a4', 'share_poster', {}],
      ['ev-a5', '$page_view', { path: 'pages/home/index' }],
    ],
  },
  {
    appVersion: '1.10.0',
    checked: true,
    events: [
      ['ev-b01', 'add_to_cart', { product_code: 'P1', quantity: null, coupon: null }, [QUANTITY_NULL]],
      ['ev-b02', 'add_to_cart', { product_code: 'P2', quantity: 2 }],
      ['ev-b03', 'view_product', { product_code: 'P2', category: 'tea' }],
      ['ev-b04', '$exposure', { slot: 'home.banner.2', code: 'P2' }],
      ['ev-b05', '$exposure', { slot: 'home.banner.2', code: 'XX' }, [CODE]],
      ['ev-b06', '$tap', { slot: 'home.banner.2', position: 1 }],
      ['ev-b07', '$exposure', { slot: 'promo.top' }, [slotNotPlanned('promo.top')]],
      ['ev-b08', 'share_poster', {}, [notPlanned('share_poster')]],
      ['ev-b09', 'debug_ping', {}, [notPlanned('debug_ping')]],
      ['ev-b10', '$tap', { slot: 'cart.checkout' }],
    ],
  },
  {
    appVersion: '1.9.2',
    checked: true,
    events: [
      ['ev-c01', 'add_to_cart', { product_code: 'P3', quantity: '2' }, [QUANTITY_TEXT, QUANTITY_TEXT_AGAIN]],
      ['ev-c02', '$exposure', { slot: 'home.banner.2', code: 'P3' }],
      ['ev-c03', '$exposure', { slot: 'promo.top' }, [slotNotPlanned('promo.top')]],
      ['ev-c04', 'add_to_card', {}, [notPlanned('add_to_card')]],
      ['ev-c05', '$exposure', { slot: 'home.rec.1' }, [slotNotPlanned('home.rec.1')]],
    ],
  },
  {
    checked: true,
    events: [
      ['ev-d01', 'view_product', { product_code: 'P4', category: 'fruit' }],
      ['ev-d02', '$exposure', { slot: 'cart.checkout', variant: 'red' }],
      ['ev-d03', '$exposure', { slot: 'side.x' }, [slotNotPlanned('side.x')]],
      ['ev-d04', '$set', { level: 'gold' }],
    ],
  },
];

function wire(b: (typeof batches)[number]): { batch: WireBatch; meta: IngestMeta } {
  const events: WireEvent[] = b.events.map(([id, name, properties]) => ({ id, seq: ++seq, name, time: T0 + seq * 1000, anonymousId: 'anon-cov', sessionId: 's-cov', page: 'pages/home/index', properties }));
  return {
    batch: { sentAt: T0 + 60_000, context: { lib: 'wetrack', ...(b.appVersion !== undefined && { appVersion: b.appVersion }) }, events },
    meta: { receivedAt: T0 + 61_000, remote: '127.0.0.1', bytes: 100, warnings: [], eventWarnings: new Map(), ...(b.checked && { violations: b.events.map((e) => e[3] ?? []) }) },
  };
}

/** What buildCoverage gives for the fixture, worked out by hand. */
const expected: PlanCoverage = {
  // '' (batch D) before any number; 1.9.2 (batches A and C) once; 1.10.0 after 1.9.2.
  versions: ['', '1.9.2', '1.10.0'],
  total: 24,
  checked: 19,
  // B: b01 b05 b07 b08 b09; C: c01 c03 c04 c05; D: d03.
  invalid: 10,
  events: [
    {
      name: 'add_to_cart',
      status: 'implemented',
      owner: 'growth',
      seen: true,
      // a1 (unchecked), b01 ✗, b02 ✓, c01 ✗.
      events: 4,
      checked: 3,
      valid: 1,
      validShare: 1 / 3,
      // coupon was seen, if only as null (b01): its key was sent; category only on view_product.
      propertiesNeverSeen: ['category'],
      byVersion: [
        { appVersion: '1.9.2', events: 2, checked: 1, valid: 0 },
        { appVersion: '1.10.0', events: 2, checked: 2, valid: 1 },
      ],
    },
    {
      name: 'view_product',
      status: 'proposed',
      seen: true,
      // a2 (unchecked), b03 ✓, d01 ✓.
      events: 3,
      checked: 2,
      valid: 2,
      validShare: 1,
      propertiesNeverSeen: ['rating'],
      byVersion: [
        { appVersion: '', events: 1, checked: 1, valid: 1 },
        { appVersion: '1.9.2', events: 1, checked: 0, valid: 0 },
        { appVersion: '1.10.0', events: 1, checked: 1, valid: 1 },
      ],
    },
    { name: 'checkout', status: 'approved', owner: 'payments', seen: false, events: 0, checked: 0, valid: 0, validShare: null, propertiesNeverSeen: ['order_id', 'amount'], byVersion: [] },
  ],
  slots: [
    {
      slot: 'home.banner.*',
      pages: ['pages/home/index'],
      status: 'implemented',
      seen: true,
      // Numbers as numbers: 2 before 10.
      ids: ['home.banner.2', 'home.banner.10'],
      // a3 (unchecked), b04 ✓, b05 ✗, c02 ✓; the tap b06 ✓. (10 came first, in batch A.)
      exposures: 4,
      taps: 1,
      checked: 4,
      valid: 3,
      validShare: 0.75,
      // position came on a tap only: an attribute is one an exposure carries.
      attributesNeverSeen: ['position'],
      byVersion: [
        { appVersion: '1.9.2', events: 2, checked: 1, valid: 1 },
        { appVersion: '1.10.0', events: 3, checked: 3, valid: 2 },
      ],
    },
    {
      slot: 'cart.checkout',
      pages: ['pages/cart/index', 'pages/order/index'],
      status: 'proposed',
      seen: true,
      ids: ['cart.checkout'],
      exposures: 1,
      taps: 1,
      checked: 2,
      valid: 2,
      validShare: 1,
      attributesNeverSeen: [],
      byVersion: [
        { appVersion: '', events: 1, checked: 1, valid: 1 },
        { appVersion: '1.10.0', events: 1, checked: 1, valid: 1 },
      ],
    },
    { slot: 'mine.ad', pages: [], status: 'deprecated', seen: false, ids: [], exposures: 0, taps: 0, checked: 0, valid: 0, validShare: null, attributesNeverSeen: ['campaign'], byVersion: [] },
  ],
  // share_poster in 1.9.2 and 1.10.0; then by name (debug_ping was stored first); $page_view, $set,
  // $exposure and $tap are the SDK's own.
  unplanned: [
    { name: 'share_poster', events: 2 },
    { name: 'add_to_card', events: 1 },
    { name: 'debug_ping', events: 1 },
  ],
  unplannedSlots: [
    { slot: 'promo.top', events: 2 },
    { slot: 'home.rec.1', events: 1 },
    { slot: 'side.x', events: 1 },
  ],
  // Most events first, then by name ('$' before letters), field, rule; the first id as the example,
  // with that event's own message (ev-b07's promo.top, not the first by text, home.rec.1 of ev-c05;
  // ev-b01's null, not the "2" of ev-c01).
  violations: [
    { name: '$exposure', field: 'properties.slot', rule: 'slot', events: 4, message: 'slot "promo.top" is not in the plan', exampleId: 'ev-b07' },
    { name: 'add_to_cart', field: 'properties.quantity', rule: 'type', events: 2, message: 'must be integer, got null', exampleId: 'ev-b01' },
    { name: '$exposure', field: 'properties.code', rule: 'pattern', events: 1, message: 'must match ^P[0-9]$, got "XX"', exampleId: 'ev-b05' },
    { name: 'add_to_card', field: 'name', rule: 'event', events: 1, message: '"add_to_card" is not in the plan', exampleId: 'ev-c04' },
    { name: 'debug_ping', field: 'name', rule: 'event', events: 1, message: '"debug_ping" is not in the plan', exampleId: 'ev-b09' },
    { name: 'share_poster', field: 'name', rule: 'event', events: 1, message: '"share_poster" is not in the plan', exampleId: 'ev-b08' },
  ],
};

/** formatCoverage(expected), line by line: figures right-aligned, text left, columns 3 spaces apart. */
const expectedText = [
  'Tracking plan: 19 of 24 events checked against it, 10 with violations',
  '  event          status        events    valid   (no version)   v1.9.2   v1.10.0   properties never seen',
  '  add_to_cart    implemented        4    33.3%              0        2         2   category',
  '  view_product   proposed           3   100.0%              1        1         1   rating',
  '  checkout       approved           0        —              0        0         0   NEVER SEEN',
  '',
  '  slot            page                                  ids seen   exposures   taps    valid   attributes never seen',
  '  home.banner.*   pages/home/index                             2           4      1    75.0%   position',
  '  cart.checkout   pages/cart/index, pages/order/index          1           1      1   100.0%   —',
  '  mine.ad                                                      0           0      0        —   NEVER SEEN',
  '',
  '  Events not in the plan: share_poster (2), add_to_card (1), debug_ping (1)',
  '  Slots not in the plan: promo.top (2), home.rec.1 (1), side.x (1)',
  '  Violations',
  '    event          field                 rule      events   example',
  '    $exposure      properties.slot       slot           4   slot "promo.top" is not in the plan (id ev-b07)',
  '    add_to_cart    properties.quantity   type           2   must be integer, got null (id ev-b01)',
  '    $exposure      properties.code       pattern        1   must match ^P[0-9]$, got "XX" (id ev-b05)',
  '    add_to_card    name                  event          1   "add_to_card" is not in the plan (id ev-c04)',
  '    debug_ping     name                  event          1   "debug_ping" is not in the plan (id ev-b09)',
  '    share_poster   name                  event          1   "share_poster" is not in the plan (id ev-b08)',
];

for (const { kind, skip } of stores('the coverage tests on ClickHouse (test/collector/coverage.test.ts)')) {
  describe.skipIf(skip)(`buildCoverage on a hand-built fixture, ${kind} store`, () => {
    let db: StoreDb;
    let store: EventStore;
    let empty: EventStore;
    let emptyDir: string | undefined;
    beforeAll(async () => {
      db = await freshStore(kind, 'coverage');
      store = await openStore(db.db);
      seq = 0;
      for (const b of batches) {
        const { batch, meta } = wire(b);
        expect((await store.ingest(batch, meta)).stored).toHaveLength(b.events.length);
      }
      // The same first batch again (the SDK's retry): stored once.
      const { batch, meta } = wire(batches[0]);
      expect((await store.ingest(batch, meta)).duplicates).toBe(batches[0].events.length);
      if (kind === 'clickhouse') empty = await openStore(db.server!.url('empty'));
      else {
        emptyDir = mkdtempSync(path.join(tmpdir(), 'wetrack-coverage-'));
        empty = await openStore(path.join(emptyDir, 'empty.duckdb'));
      }
    }, 60_000);
    afterAll(async () => {
      await empty?.close();
      await store?.close();
      await db?.dispose();
      if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
    });

    it('stored the 24 events of the fixture once each', async () => {
      expect(batches.flatMap((b) => b.events)).toHaveLength(24);
      expect((await store.events({ limit: 100 })).map((e) => e.id).sort()).toEqual(batches.flatMap((b) => b.events.map((e) => e[0])).sort());
    });

    it('has the coverage worked out by hand: per event, slot and app version, not in the plan, the violations', async () => {
      expect(await store.query((s) => buildCoverage(s, plan))).toStrictEqual(expected);
    });

    if (kind === 'clickhouse') {
      it('counts each event once where two collectors took the same batches at once and stored them twice', async () => {
        const a = await ClickHouseStore.open(db.server!.url('race'));
        const b = await ClickHouseStore.open(db.server!.url('race'));
        try {
          // No background merge may fold the copies before the coverage reads them: only FINAL does.
          await a.http.exec('SYSTEM STOP MERGES events');
          for (const batch of batches) {
            const [one, two] = [wire(batch), wire(batch)];
            // Both look the ids up before either inserts (test/collector/clickhouse.test.ts): each stores them all.
            const [ra, rb] = await Promise.all([a.ingest(one.batch, one.meta), b.ingest(two.batch, two.meta)]);
            expect([ra.stored.length, rb.stored.length]).toEqual([batch.events.length, batch.events.length]);
          }
          expect(await a.rows<{ n: number }>('SELECT count() AS n FROM events')).toEqual([{ n: 48 }]);
          expect(await a.query((s) => buildCoverage(s, plan))).toStrictEqual(expected);
        } finally {
          await a.close();
          await b.close();
        }
      });
    }

    it('formats it as the text report section, exactly', async () => {
      const text = formatCoverage(await store.query((s) => buildCoverage(s, plan)));
      expect(text.split('\n')).toEqual(expectedText);
    });

    it('with a plan of no events and no slots: every event but the SDK own is not in the plan, every slot too', async () => {
      const cov = await store.query((s) => buildCoverage(s, { version: 1, events: {} }));
      expect(cov).toStrictEqual({
        ...expected,
        events: [],
        slots: [],
        unplanned: [
          { name: 'add_to_cart', events: 4 },
          { name: 'view_product', events: 3 },
          { name: 'share_poster', events: 2 },
          { name: 'add_to_card', events: 1 },
          { name: 'debug_ping', events: 1 },
        ],
        // home.banner.2: b04 b05 c02 and the tap b06; cart.checkout: b10 d02 (before promo.top by name).
        unplannedSlots: [
          { slot: 'home.banner.2', events: 4 },
          { slot: 'cart.checkout', events: 2 },
          { slot: 'promo.top', events: 2 },
          { slot: 'home.banner.10', events: 1 },
          { slot: 'home.rec.1', events: 1 },
          { slot: 'side.x', events: 1 },
        ],
      });
    });

    it('on an empty store: no versions, nothing seen, nothing unplanned, no violations', async () => {
      const cov = await empty.query((s) => buildCoverage(s, plan));
      expect(cov).toStrictEqual({
        versions: [],
        total: 0,
        checked: 0,
        invalid: 0,
        events: expected.events.map((e) => ({ ...e, seen: false, events: 0, checked: 0, valid: 0, validShare: null, propertiesNeverSeen: Object.keys(plan.events[e.name].properties ?? {}), byVersion: [] })),
        slots: expected.slots.map((s) => ({ ...s, seen: false, ids: [], exposures: 0, taps: 0, checked: 0, valid: 0, validShare: null, attributesNeverSeen: Object.keys(plan.slots![s.slot].properties ?? {}), byVersion: [] })),
        unplanned: [],
        unplannedSlots: [],
        violations: [],
      });
      // A column of dashes only has no figure to align: it stays to the left (table() in coverage.ts).
      expect(formatCoverage(cov).split('\n')).toEqual([
        'Tracking plan: 0 of 0 events checked against it, 0 with violations',
        '  event          status        events   valid   properties never seen',
        '  add_to_cart    implemented        0   —       NEVER SEEN',
        '  view_product   proposed           0   —       NEVER SEEN',
        '  checkout       approved           0   —       NEVER SEEN',
        '',
        '  slot            page                                  ids seen   exposures   taps   valid   attributes never seen',
        '  home.banner.*   pages/home/index                             0           0      0   —       NEVER SEEN',
        '  cart.checkout   pages/cart/index, pages/order/index          0           0      0   —       NEVER SEEN',
        '  mine.ad                                                      0           0      0   —       NEVER SEEN',
        '',
        '  Events not in the plan: none',
        '  Slots not in the plan: none',
        '  Violations: none',
      ]);
    });
  });
}

describe('formatCoverage', () => {
  const version = (appVersion: string, events: number) => ({ appVersion, events, checked: events, valid: events });
  const cov: PlanCoverage = {
    versions: ['', '1.0.0', '1.1.0', '1.2.0', '1.10.0'],
    total: 12,
    checked: 12,
    invalid: 0,
    events: [
      {
        name: 'pay',
        status: 'verified',
        seen: true,
        events: 12,
        checked: 12,
        valid: 12,
        validShare: 1,
        propertiesNeverSeen: [],
        byVersion: [version('', 1), version('1.0.0', 2), version('1.1.0', 3), version('1.10.0', 6)],
      },
      { name: 'refund', status: 'proposed', seen: false, events: 0, checked: 0, valid: 0, validShare: null, propertiesNeverSeen: ['reason', 'amount'], byVersion: [] },
    ],
    slots: [],
    unplanned: [],
    unplannedSlots: [],
    violations: [],
  };

  it('gives the newest four app versions a column (0 where an event has none), and leaves out the slots table when the plan has none', () => {
    expect(cov.versions).toHaveLength(5);
    expect(formatCoverage(cov).split('\n')).toEqual([
      'Tracking plan: 12 of 12 events checked against it, 0 with violations',
      '  event    status     events    valid   v1.0.0   v1.1.0   v1.2.0   v1.10.0   properties never seen',
      '  pay      verified       12   100.0%        2        3        0         6   —',
      '  refund   proposed        0        —        0        0        0         0   NEVER SEEN',
      '',
      '  Events not in the plan: none',
      '  Slots not in the plan: none',
      '  Violations: none',
    ]);
  });

  it('shows a share to one decimal', () => {
    const third = { ...cov, versions: [], events: [{ ...cov.events[0], events: 3, checked: 3, valid: 2, validShare: 2 / 3, byVersion: [] }] };
    expect(formatCoverage(third).split('\n').slice(1, 3)).toEqual(['  event   status     events   valid   properties never seen', '  pay     verified        3   66.7%   —']);
  });
});
