/**
 * Opens the store a `--db` names: clickhouse://host:port/database (clickhouse.ts, shared by any
 * number of collectors), or else a DuckDB file (store.ts, the default).
 */
import { CLICKHOUSE_SCHEME, ClickHouseStore } from './clickhouse';
import { DuckStore, type EventStore } from './store';

export const isClickHouse = (db: string) => db.startsWith(CLICKHOUSE_SCHEME);

export function openStore(db: string, opts: { readOnly?: boolean; collectorName?: string } = {}): Promise<EventStore> {
  return isClickHouse(db) ? ClickHouseStore.open(db, opts) : DuckStore.open(db, opts);
}
