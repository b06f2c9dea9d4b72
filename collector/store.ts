/**
 * Where the collector keeps events: one DuckDB file (an embedded analytical database: columnar, SQL
 * with window functions and JSON, one file to copy or open elsewhere).
 *
 * Tables
 *   events   one row per event id (PRIMARY KEY: a duplicate can never be stored), the wire fields,
 *            `path` and `slot` taken out of the properties for the page, slot and funnel queries,
 *            `server_time_ms` = time + (received − sentAt), the phone's clock corrected.
 *   batches  one row per request: arrival, status answered, events / stored / duplicates, `dropped`
 *            on the phone, the batch context, the error of a rejected one, warnings.
 *
 * Ingestion is serialised: one batch at a time, in one transaction (its new events and its row in
 * batches, through DuckDB's appender, much faster than INSERT for small batches). Besides storing, it keeps per
 * anonymous id the highest seq seen, so a jump (a gap) or a late arrival filling one is reported as
 * it happens; the report counts the gaps still open from the table itself.
 */
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Problem, WireBatch } from './validate';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  id VARCHAR PRIMARY KEY,
  seq BIGINT NOT NULL,
  name VARCHAR NOT NULL,
  time_ms BIGINT NOT NULL,
  server_time_ms BIGINT NOT NULL,
  received_at_ms BIGINT NOT NULL,
  anonymous_id VARCHAR NOT NULL,
  user_id VARCHAR,
  session_id VARCHAR NOT NULL,
  page VARCHAR,
  path VARCHAR,
  slot VARCHAR,
  properties JSON,
  warnings JSON,
  batch_id BIGINT NOT NULL,
  app_version VARCHAR,
  platform VARCHAR
);
CREATE TABLE IF NOT EXISTS batches (
  batch_id BIGINT PRIMARY KEY,
  received_at_ms BIGINT NOT NULL,
  sent_at_ms BIGINT,
  remote VARCHAR,
  status SMALLINT NOT NULL,
  bytes INTEGER,
  events INTEGER NOT NULL,
  stored INTEGER NOT NULL,
  duplicates INTEGER NOT NULL,
  dropped INTEGER NOT NULL,
  context JSON,
  error VARCHAR,
  warnings JSON
);
`;

/** An event as the live view and the API show it. */
export interface EventRow {
  id: string;
  seq: number;
  name: string;
  time_ms: number;
  server_time_ms: number;
  received_at_ms: number;
  anonymous_id: string;
  user_id: string | null;
  session_id: string;
  page: string | null;
  path: string | null;
  slot: string | null;
  properties: Record<string, unknown>;
  warnings: string[] | null;
  batch_id: number;
}

export interface SeqNotice {
  kind: 'gap' | 'late';
  anonymousId: string;
  from: number;
  to: number;
}

export interface IngestResult {
  batchId: number;
  stored: EventRow[];
  duplicates: number;
  notices: SeqNotice[];
}

export interface EventFilter {
  name?: string;
  /** anonymous id or user id */
  user?: string;
  page?: string;
  limit?: number;
}

export interface SlotRow {
  slot: string;
  exposures: number;
  taps: number;
  ctr: number | null;
}

/** Exposures, taps and CTR (taps / exposures) per slot, for the live view and the report. */
export const SLOTS_SQL = `
  SELECT slot,
         count(*) FILTER (WHERE name = '$exposure')::INTEGER AS exposures,
         count(*) FILTER (WHERE name = '$tap')::INTEGER AS taps,
         CASE WHEN count(*) FILTER (WHERE name = '$exposure') = 0 THEN NULL
              ELSE count(*) FILTER (WHERE name = '$tap') / count(*) FILTER (WHERE name = '$exposure') END AS ctr
  FROM events WHERE slot IS NOT NULL AND name IN ('$exposure', '$tap')
  GROUP BY slot ORDER BY slot`;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export class Store {
  private chain: Promise<unknown> = Promise.resolve();
  private nextBatch = 1;
  private readonly maxSeq = new Map<string, number>();

  private constructor(
    readonly file: string,
    private readonly instance: DuckDBInstance,
    readonly db: DuckDBConnection,
    readonly readOnly: boolean,
  ) {}

  /** Opens (or creates) the database file; read-only opens share the file with other readers only. */
  static async open(file: string, opts: { readOnly?: boolean } = {}): Promise<Store> {
    const instance = await DuckDBInstance.create(file, { threads: '1', ...(opts.readOnly ? { access_mode: 'READ_ONLY' } : {}) });
    const db = await instance.connect();
    const store = new Store(file, instance, db, !!opts.readOnly);
    if (!opts.readOnly) await db.run(SCHEMA);
    const [b] = await store.rows<{ n: number }>('SELECT coalesce(max(batch_id), 0)::INTEGER AS n FROM batches');
    store.nextBatch = (b?.n ?? 0) + 1;
    for (const r of await store.rows<{ a: string; s: number }>('SELECT anonymous_id AS a, max(seq)::DOUBLE AS s FROM events GROUP BY 1')) store.maxSeq.set(r.a, r.s);
    return store;
  }

  /** Runs a query; BIGINT results come back as strings, so queries cast what they return to numbers. */
  async rows<T = Record<string, unknown>>(sql: string, values: DuckDBValue[] = []): Promise<T[]> {
    const reader = await this.db.runAndReadAll(sql, values);
    return reader.getRowObjectsJson() as unknown as T[];
  }

  /** One thing at a time on the connection: batches are stored whole, in arrival order. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.chain.then(f, f);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Stores a valid batch: new events once, duplicates counted and left out. */
  ingest(batch: WireBatch, meta: { receivedAt: number; remote: string; bytes: number; warnings: Problem[]; eventWarnings: Map<number, string[]> }): Promise<IngestResult> {
    return this.serial(async () => {
      const batchId = this.nextBatch++;
      const skew = meta.receivedAt - batch.sentAt;
      const seen = new Set<string>();
      const rows: EventRow[] = [];
      batch.events.forEach((e, i) => {
        if (seen.has(e.id)) return;
        seen.add(e.id);
        const p = e.properties;
        const w = meta.eventWarnings.get(i) ?? null;
        const row: EventRow = {
          id: e.id,
          seq: e.seq,
          name: e.name,
          time_ms: e.time,
          server_time_ms: e.time + skew,
          received_at_ms: meta.receivedAt,
          anonymous_id: e.anonymousId,
          user_id: e.userId ?? null,
          session_id: e.sessionId,
          page: e.page ?? null,
          path: str(p.path),
          slot: p.slot == null ? null : String(p.slot),
          properties: p,
          warnings: w,
          batch_id: batchId,
        };
        rows.push(row);
      });
      await this.db.run('BEGIN TRANSACTION');
      try {
        // The primary key keeps duplicates out in any case; asking first lets the appender write only
        // new rows (an appender that hits the key fails whole) and tells how many were duplicates.
        const ids = rows.map((r) => r.id);
        const known = new Set((await this.rows<{ id: string }>(`SELECT id FROM events WHERE id IN (${ids.map(() => '?').join(', ')})`, ids)).map((r) => r.id));
        const stored = rows.filter((r) => !known.has(r.id));
        const duplicates = batch.events.length - stored.length;
        await this.appendRows('events', stored.map((r) => [r.id, r.seq, r.name, r.time_ms, r.server_time_ms, r.received_at_ms, r.anonymous_id, r.user_id, r.session_id, r.page, r.path, r.slot, JSON.stringify(r.properties), r.warnings && JSON.stringify(r.warnings), batchId, str(batch.context.appVersion), str(batch.context.platform)]));
        await this.appendRows('batches', [
          [batchId, meta.receivedAt, batch.sentAt, meta.remote, 200, meta.bytes, batch.events.length, stored.length, duplicates, batch.dropped ?? 0, JSON.stringify(batch.context), null, meta.warnings.length ? JSON.stringify(meta.warnings) : null],
        ]);
        await this.db.run('COMMIT');
        return { batchId, stored, duplicates, notices: this.seqNotices(stored) };
      } catch (e) {
        await this.db.run('ROLLBACK');
        throw e;
      }
    });
  }

  /**
   * Appends rows (values in column order: strings, numbers, null) to a table. An appender that fails
   * is cleared and closed here: left open, it would flush again later, inside another transaction.
   */
  private async appendRows(table: string, rows: (string | number | null)[][]): Promise<void> {
    const a = await this.db.createAppender(table);
    try {
      for (const row of rows) {
        row.forEach((v, i) => {
          if (v === null) return a.appendNull();
          if (typeof v === 'string') return a.appendVarchar(v);
          const type = a.columnType(i).typeId;
          if (type === DuckDBTypeId.BIGINT) a.appendBigInt(BigInt(v));
          else if (type === DuckDBTypeId.INTEGER) a.appendInteger(v);
          else if (type === DuckDBTypeId.SMALLINT) a.appendSmallInt(v);
          else a.appendDouble(v);
        });
        a.endRow();
      }
      a.closeSync();
    } catch (e) {
      a.clear();
      try {
        a.closeSync();
      } catch {
        // already failed: the transaction is rolled back
      }
      throw e;
    }
  }

  /** Records a request that was refused (status 4xx), for the live view and the report. */
  reject(meta: { receivedAt: number; remote: string; bytes: number; status: number; error: string; sentAt?: number; events?: number }): Promise<number> {
    return this.serial(async () => {
      const batchId = this.nextBatch++;
      await this.db.run('INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, NULL, ?, NULL)', [batchId, meta.receivedAt, meta.sentAt ?? null, meta.remote, meta.status, meta.bytes, meta.events ?? 0, meta.error]);
      return batchId;
    });
  }

  /** Gaps opened and filled by these newly stored events, per anonymous id. */
  private seqNotices(stored: EventRow[]): SeqNotice[] {
    const out: SeqNotice[] = [];
    const byInstall = new Map<string, number[]>();
    for (const r of stored) (byInstall.get(r.anonymous_id) ?? byInstall.set(r.anonymous_id, []).get(r.anonymous_id)!).push(r.seq);
    for (const [a, seqs] of byInstall) {
      seqs.sort((x, y) => x - y);
      for (const s of seqs) {
        const max = this.maxSeq.get(a);
        if (max !== undefined && s > max + 1) out.push({ kind: 'gap', anonymousId: a, from: max + 1, to: s - 1 });
        if (max !== undefined && s < max) out.push({ kind: 'late', anonymousId: a, from: s, to: s });
        if (max === undefined || s > max) this.maxSeq.set(a, s);
      }
    }
    return out;
  }

  /** The newest events first, filtered. */
  events(f: EventFilter = {}): Promise<EventRow[]> {
    const where: string[] = [];
    const values: DuckDBValue[] = [];
    if (f.name) where.push('name = ?'), values.push(f.name);
    if (f.page) where.push('page = ?'), values.push(f.page);
    if (f.user) where.push('(anonymous_id = ? OR user_id = ?)'), values.push(f.user, f.user);
    const limit = Math.max(1, Math.min(2000, Math.floor(f.limit ?? 200)));
    return this.serial(async () => {
      const rows = await this.rows<Record<string, unknown>>(
        `SELECT id, seq::DOUBLE AS seq, name, time_ms::DOUBLE AS time_ms, server_time_ms::DOUBLE AS server_time_ms, received_at_ms::DOUBLE AS received_at_ms,
                anonymous_id, user_id, session_id, page, path, slot, properties::VARCHAR AS properties, warnings::VARCHAR AS warnings, batch_id::DOUBLE AS batch_id
         FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
         ORDER BY batch_id DESC, seq DESC LIMIT ${limit}`,
        values,
      );
      return rows.map((r) => ({ ...r, properties: JSON.parse((r.properties as string) || '{}'), warnings: r.warnings ? JSON.parse(r.warnings as string) : null }) as EventRow);
    });
  }

  /** Exposures, taps and CTR (taps / exposures) per slot. */
  slots(): Promise<SlotRow[]> {
    return this.serial(() => this.rows<SlotRow>(SLOTS_SQL));
  }

  /** Names and pages seen, for the live view's filters. */
  facets(): Promise<{ names: string[]; pages: string[] }> {
    return this.serial(async () => ({
      names: (await this.rows<{ v: string }>('SELECT DISTINCT name AS v FROM events ORDER BY 1')).map((r) => r.v),
      pages: (await this.rows<{ v: string }>('SELECT DISTINCT page AS v FROM events WHERE page IS NOT NULL ORDER BY 1')).map((r) => r.v),
    }));
  }

  /** Recent refused requests. */
  rejected(limit = 50): Promise<{ batch_id: number; received_at_ms: number; status: number; error: string; remote: string }[]> {
    return this.serial(() =>
      this.rows(`SELECT batch_id::DOUBLE AS batch_id, received_at_ms::DOUBLE AS received_at_ms, status::INTEGER AS status, error, remote FROM batches WHERE status >= 400 ORDER BY batch_id DESC LIMIT ${Math.floor(limit)}`),
    );
  }

  /** Any read-only query, serialised with the writes (the report uses it). */
  query<T>(f: (s: Store) => Promise<T>): Promise<T> {
    return this.serial(() => f(this));
  }

  async close(): Promise<void> {
    await this.chain;
    this.db.closeSync();
    this.instance.closeSync();
  }
}
