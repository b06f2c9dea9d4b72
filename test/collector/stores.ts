/**
 * The two stores the collector runs on, for tests that run the same checks on both: a DuckDB file in
 * a temporary folder, or a database on a throwaway ClickHouse server (clickhouse.ts; skipped loudly
 * where ClickHouse is not installed, failed under WETRACK_REQUIRE_CLICKHOUSE=1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { clickhouseAvailable, startClickHouse, type ClickHouseServer } from './clickhouse';

export type StoreKind = 'duckdb' | 'clickhouse';

/** Each store with whether its tests run here: `for (const s of stores('…')) describe.skipIf(s.skip)(…)`. */
export function stores(what: string): { kind: StoreKind; skip: boolean }[] {
  return [
    { kind: 'duckdb', skip: false },
    { kind: 'clickhouse', skip: !clickhouseAvailable(what) },
  ];
}

export interface StoreDb {
  /** What `--db` / CollectorOptions.db takes. */
  db: string;
  /** The ClickHouse server, for a store of that kind. */
  server?: ClickHouseServer;
  dispose(): Promise<void>;
}

/** A fresh, empty store of this kind. */
export async function freshStore(kind: StoreKind, name = 'wetrack'): Promise<StoreDb> {
  if (kind === 'clickhouse') {
    const server = await startClickHouse();
    return { db: server.url(name), server, dispose: () => server.stop() };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'wetrack-collector-'));
  return { db: path.join(dir, `${name}.duckdb`), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}
