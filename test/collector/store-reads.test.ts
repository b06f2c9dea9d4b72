/**
 * The stores' reads that the live view and its API use, on each store with the same answers: the
 * events list filtered by page, name and user, the facets (names and pages, sorted, no null page),
 * the recent feed (since a time, oldest first, limited), events with violations, the batch rows of
 * refused requests, the list's JSON with properties past the preview size left out, the store's
 * address, close waiting for a write under way; and on DuckDB, a file whose batch counters are
 * 32-bit (written before they were 64-bit) widened on open.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../collector/open';
import { DuckStore, listJson, PREVIEW_BYTES, type EventRow, type EventStore, type IngestMeta } from '../../collector/store';
import type { WireBatch, WireEvent } from '../../collector/validate';
import { freshStore, stores, type StoreDb } from './stores';

const T0 = 1_750_000_000_000;
const ev = (seq: number, name: string, page: string | undefined, over: Partial<WireEvent> = {}): WireEvent =>
  ({ id: `ev-${seq}`, seq, name, time: T0 + seq, anonymousId: 'anon-1', sessionId: 's1', ...(page !== undefined && { page }), properties: { n: seq }, ...over }) as WireEvent;
const meta = (receivedAt: number): IngestMeta => ({ receivedAt, remote: '127.0.0.1', bytes: 100, warnings: [], eventWarnings: new Map() });

for (const { kind, skip } of stores('the store reads tests on ClickHouse (test/collector/store-reads.test.ts)')) {
  describe.skipIf(skip)(`store reads, ${kind}`, () => {
    let db: StoreDb;
    let store: EventStore;
    beforeAll(async () => {
      db = await freshStore(kind, 'reads');
      store = await openStore(db.db);
      const first: WireBatch = {
        sentAt: T0,
        context: { lib: 'wetrack' },
        events: [ev(1, 'view_product', 'pages/product/index'), ev(2, '$page_view', 'pages/home/index'), ev(3, 'add_to_cart', 'pages/product/index', { userId: 'u-9' } as Partial<WireEvent>)],
      };
      const second: WireBatch = { sentAt: T0, context: { lib: 'wetrack' }, events: [ev(4, 'app_launch', undefined), ev(5, 'checkout', 'pages/cart/index', { properties: {} } as Partial<WireEvent>)] };
      expect((await store.ingest(first, meta(T0 + 1000))).stored).toHaveLength(3);
      expect((await store.ingest(second, meta(T0 + 2000))).stored).toHaveLength(2);
    });
    afterAll(async () => {
      await store?.close();
      await db?.dispose();
    });

    it('events by page, by name, by user (anonymous or logged-in id), newest first', async () => {
      expect((await store.events({ page: 'pages/product/index' })).map((r) => r.id)).toEqual(['ev-3', 'ev-1']);
      expect((await store.events({ name: '$page_view' })).map((r) => r.id)).toEqual(['ev-2']);
      expect((await store.events({ user: 'u-9' })).map((r) => r.id)).toEqual(['ev-3']);
      expect((await store.events({ page: 'pages/product/index', name: 'add_to_cart' })).map((r) => r.id)).toEqual(['ev-3']);
      expect((await store.events({})).map((r) => r.id).slice(-5)).toEqual(['ev-5', 'ev-4', 'ev-3', 'ev-2', 'ev-1']);
    });

    it('facets: every name and every page, sorted, without the null page', async () => {
      expect(await store.facets()).toEqual({
        names: ['$page_view', 'add_to_cart', 'app_launch', 'checkout', 'view_product'],
        pages: ['pages/cart/index', 'pages/home/index', 'pages/product/index'],
      });
    });

    it('recent: what arrived since a time, oldest first, up to the limit, with the properties as JSON text', async () => {
      const since = await store.recent(T0 + 2000, 10);
      expect(since.map((r) => r.row.id)).toEqual(['ev-4', 'ev-5']);
      expect(since[0].row.properties).toEqual({ n: 4 });
      expect(JSON.parse(since[0].json)).toEqual({ n: 4 });
      expect((await store.recent(0, 2)).map((r) => r.row.id)).toEqual(['ev-1', 'ev-2']);
    });

    it('events with violations of the plan only, when asked', async () => {
      const withViolation: WireBatch = { sentAt: T0, context: { lib: 'wetrack' }, events: [ev(6, 'pay_success', 'pages/pay/index'), ev(7, 'pay_success', 'pages/pay/index')] };
      const m: IngestMeta = { ...meta(T0 + 3000), violations: [[{ field: 'properties.amount', rule: 'required', message: 'amount is required' }], []] };
      expect((await store.ingest(withViolation, m)).stored).toHaveLength(2);
      expect((await store.events({ violations: true })).map((r) => r.id)).toEqual(['ev-6']);
      expect((await store.events({ name: 'pay_success' })).map((r) => r.id)).toEqual(['ev-7', 'ev-6']);
    });

    it('a refused request: its batch row with the sentAt and event count given, else null and 0', async () => {
      await store.reject({ receivedAt: T0 + 4000, remote: '10.0.0.9', bytes: 12, status: 400, error: 'bad seq', sentAt: T0 - 5, events: 3 });
      await store.reject({ receivedAt: T0 + 5000, remote: '10.0.0.9', bytes: 7, status: 415, error: 'not json' });
      const rows = await store.query((s) =>
        s.rows<{ status: number; sent: number | null; events: number; error: string }>('SELECT status, sent_at_ms AS sent, events, error FROM batches WHERE status >= 400 ORDER BY status'),
      );
      expect(rows.map((r) => ({ ...r, status: Number(r.status), events: Number(r.events), sent: r.sent === null ? null : Number(r.sent) }))).toEqual([
        { status: 400, sent: T0 - 5, events: 3, error: 'bad seq' },
        { status: 415, sent: null, events: 0, error: 'not json' },
      ]);
      expect((await store.rejected()).map((r) => [r.status, r.error, r.remote])).toEqual([
        [415, 'not json', '10.0.0.9'],
        [400, 'bad seq', '10.0.0.9'],
      ]);
    });

    it("the store's address: the DuckDB file, or clickhouse://host:port/database without credentials", () => {
      if (kind === 'duckdb') expect(store.file).toBe(db.db);
      else expect(store.file).toMatch(/^clickhouse:\/\/127\.0\.0\.1:\d+\/reads$/);
    });
  });
}

for (const { kind, skip } of stores('the store reads tests on ClickHouse (test/collector/store-reads.test.ts)')) {
  describe.skipIf(skip)(`closing a store, ${kind}`, () => {
    it('close waits for the batches still being written: each one stored when the store opens again', async () => {
      const db = await freshStore(kind, 'closing');
      try {
        const store = await openStore(db.db);
        const pending = [1, 2, 3].map((i) => store.ingest({ sentAt: T0, context: {}, events: [ev(i, 'a', undefined)] }, meta(T0 + i)));
        await store.close();
        expect((await Promise.all(pending)).map((r) => r.stored.length)).toEqual([1, 1, 1]);
        const again = await openStore(db.db);
        try {
          expect((await again.events({})).map((r) => r.id).sort()).toEqual(['ev-1', 'ev-2', 'ev-3']);
          // The batch rows too: ClickHouse's write releases the next group once the events are in, and goes on with these.
          const [b] = await again.query((s) => s.rows<{ n: number }>('SELECT count(*) AS n FROM batches'));
          expect(Number(b.n)).toBe(3);
        } finally {
          await again.close();
        }
      } finally {
        await db.dispose();
      }
    });
  });
}

describe('listJson', () => {
  const row = (bytes: number): EventRow => ({ id: 'e1', seq: 1, name: 'n', properties: { a: 1 }, properties_bytes: bytes }) as unknown as EventRow;
  it('the properties as given up to PREVIEW_BYTES, null past it; the other fields as JSON', () => {
    expect(PREVIEW_BYTES).toBe(4096);
    expect(JSON.parse(listJson(row(PREVIEW_BYTES), '{"a":1}'))).toEqual({ id: 'e1', seq: 1, name: 'n', properties_bytes: 4096, properties: { a: 1 } });
    expect(JSON.parse(listJson(row(PREVIEW_BYTES + 1), '{"a":1}'))).toEqual({ id: 'e1', seq: 1, name: 'n', properties_bytes: 4097, properties: null });
  });
});

describe('a DuckDB file whose batch counters are 32-bit', () => {
  it('is widened to 64-bit on open: a dropped count past 2^31 is stored', async () => {
    const db = await freshStore('duckdb', 'old');
    try {
      await (await DuckStore.open(db.db)).close();
      const raw = await DuckDBInstance.create(db.db);
      const c = await raw.connect();
      await c.run('ALTER TABLE batches ALTER dropped TYPE INTEGER');
      await c.run('ALTER TABLE batches ALTER bytes TYPE INTEGER');
      c.closeSync();
      raw.closeSync();

      const store = await DuckStore.open(db.db);
      try {
        const types = await store.query((s) => s.rows<{ c: string; t: string }>("SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_name = 'batches' AND column_name IN ('dropped', 'bytes') ORDER BY 1"));
        expect(types).toEqual([
          { c: 'bytes', t: 'BIGINT' },
          { c: 'dropped', t: 'BIGINT' },
        ]);
        const big = 2 ** 40;
        await store.ingest({ sentAt: T0, context: {}, dropped: big, events: [ev(1, 'a', undefined)] }, { ...meta(T0), bytes: 2 ** 33 });
        const [b] = await store.query((s) => s.rows<{ dropped: number; bytes: number }>('SELECT dropped::DOUBLE AS dropped, bytes::DOUBLE AS bytes FROM batches'));
        expect(b).toEqual({ dropped: big, bytes: 2 ** 33 });
      } finally {
        await store.close();
      }
    } finally {
      await db.dispose();
    }
  });
});
