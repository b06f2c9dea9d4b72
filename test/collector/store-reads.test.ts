/**
 * The stores' reads that the live view and its API use, on each store with the same answers: the
 * events list filtered by page, name and user, the facets (names and pages, sorted, no null page),
 * the recent feed (since a time, oldest first, limited), the list's JSON with properties past the
 * preview size left out, the store's address; and on DuckDB, a file whose batch counters are 32-bit
 * (written before they were 64-bit) widened on open.
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
      expect((await store.events({})).map((r) => r.id)).toEqual(['ev-5', 'ev-4', 'ev-3', 'ev-2', 'ev-1']);
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

    it("the store's address: the DuckDB file, or clickhouse://host:port/database without credentials", () => {
      if (kind === 'duckdb') expect(store.file).toBe(db.db);
      else expect(store.file).toMatch(/^clickhouse:\/\/127\.0\.0\.1:\d+\/reads$/);
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
