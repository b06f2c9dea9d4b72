/**
 * A refusal shows in the collector's own list of refused requests (GET /api/rejected, the live view's
 * "refused" panel) as soon as its answer has gone. The collector answers first and stores the row
 * after (collector/server.ts), so the store's read has to wait for its own writes of those rows: the
 * DuckDB store runs reads and writes in one queue; the ClickHouse store waits for the rows it is
 * still writing (collector/clickhouse.ts `rejecting`). Found as a flaky check in
 * test/qa/collector.test.ts on ClickHouse, where a 413 was sometimes missing from the list.
 * The writes are started and not awaited, as the server does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../collector/open';
import type { EventStore } from '../../collector/store';
import { freshStore, stores, type StoreDb } from '../collector/stores';

for (const { kind, skip } of stores('the refused-list read-your-writes test on ClickHouse (test/qa/rejected-read.test.ts)')) {
  describe.skipIf(skip)(`refused requests, ${kind} store`, () => {
    let db: StoreDb;
    let store: EventStore;
    beforeAll(async () => {
      db = await freshStore(kind, 'refused');
      store = await openStore(db.db);
    });
    afterAll(async () => {
      await store?.close();
      await db?.dispose();
    });

    it('lists each refusal whose write has started, however many are still being written', async () => {
      for (let round = 1; round <= 5; round++) {
        const statuses = [400, 413, 415, 405, 408].slice(0, round);
        const writes = statuses.map((status, i) => store.reject({ receivedAt: 1_000 * round + i, remote: '127.0.0.1', bytes: 10, status, error: `round ${round}, ${status}` }));
        const listed = await store.rejected(100);
        expect(listed.filter((r) => r.error.startsWith(`round ${round},`)).map((r) => r.status).sort()).toEqual([...statuses].sort());
        await Promise.all(writes);
      }
    });
  });
}
