/**
 * Where the collector keeps events. `EventStore` is what the server, the report and the analyses
 * use; two implementations:
 * - DuckStore (this file, the default): one DuckDB file (an embedded analytical database: columnar,
 *   SQL with window functions and JSON, one file to copy or open elsewhere), one collector process;
 * - ClickHouseStore (clickhouse.ts): a ClickHouse server that any number of collectors share.
 * openStore (open.ts) picks one from `--db`: a file path, or clickhouse://host:port/database.
 *
 * DuckStore:
 *
 * Tables
 *   events   one row per event id (PRIMARY KEY: a duplicate can never be stored), the wire fields,
 *            `path` and `slot` taken out of the properties for the page, slot and funnel queries,
 *            `server_time_ms` = time + (received − sentAt), the phone's clock corrected.
 *   batches  one row per request: arrival, status answered, events / stored / duplicates, `dropped`
 *            on the phone, the batch context, the error of a rejected one, warnings.
 *
 * Ingestion is serialised: the batches waiting are written together, in arrival order, in one
 * transaction (group commit: their events through DuckDB's appender into a temporary staging table,
 * then INSERT OR IGNORE into events, and their rows in batches); a batch the store refuses is
 * retried alone so that it fails alone. Besides storing, it keeps per anonymous id the highest seq
 * seen, so a jump (a gap) or a late arrival filling one is reported as it happens; the report counts
 * the gaps still open from the table itself.
 */
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Violation } from '../src/plan/shape';
import type { Problem, WireBatch } from './validate';

/** A value bound to a `?` of a query. */
export type SqlValue = string | number | boolean | null;

/** A refused request, as recorded in the batches table. */
export interface RejectMeta {
  receivedAt: number;
  remote: string;
  bytes: number;
  status: number;
  error: string;
  sentAt?: number;
  events?: number;
}

export interface RejectedRow {
  batch_id: number;
  received_at_ms: number;
  status: number;
  error: string;
  remote: string;
}

/**
 * What the collector stores into and reads from. The report and the analyses write SQL for
 * `dialect`; everything else goes through the methods.
 */
export interface EventStore {
  readonly dialect: 'duckdb' | 'clickhouse';
  /**
   * True when other collectors may write to the same store: nothing this process keeps in memory is
   * then the whole story, and the live view reads what is new from the store (server.ts).
   */
  readonly shared: boolean;
  /** Where the events are: a file, or the store's URL. */
  readonly file: string;
  /** Events waiting to be written (the server answers 503 past a bound, rather than queueing without end). */
  readonly backlog: number;
  /** Runs a query of this store's dialect; `?` takes the next of `values`. Numbers come back as numbers. */
  rows<T = Record<string, unknown>>(sql: string, values?: SqlValue[]): Promise<T[]>;
  ingest(batch: WireBatch, meta: IngestMeta): Promise<IngestResult>;
  reject(meta: RejectMeta): Promise<number>;
  events(f?: EventFilter): Promise<EventRow[]>;
  event(id: string): Promise<EventRow | undefined>;
  /**
   * Events received at or after `sinceMs` (the collector's clock), oldest first, at most `limit`:
   * the live view's feed when the store is shared. Properties as JSON text beside each row.
   */
  recent(sinceMs: number, limit: number): Promise<{ row: EventRow; json: string }[]>;
  slots(): Promise<SlotRow[]>;
  facets(): Promise<{ names: string[]; pages: string[] }>;
  rejected(limit?: number): Promise<RejectedRow[]>;
  /** Reads that must see a consistent store (the report): serialised with the writes where the store needs it. */
  query<T>(f: (s: EventStore) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

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
  platform VARCHAR,
  violations JSON
);
CREATE TABLE IF NOT EXISTS batches (
  batch_id BIGINT PRIMARY KEY,
  received_at_ms BIGINT NOT NULL,
  sent_at_ms BIGINT,
  remote VARCHAR,
  status SMALLINT NOT NULL,
  bytes BIGINT,
  events INTEGER NOT NULL,
  stored INTEGER NOT NULL,
  duplicates INTEGER NOT NULL,
  dropped BIGINT NOT NULL,
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
  /** null in lists when the properties are over PREVIEW_BYTES as JSON: fetch the event alone for them. */
  properties: Record<string, unknown> | null;
  /** Size of the properties as JSON, in UTF-8 bytes. */
  properties_bytes: number;
  warnings: string[] | null;
  batch_id: number;
  /** How the event differs from the tracking plan ([] when it matches); null when stored without a plan (--plan). */
  violations: Violation[] | null;
}

/**
 * Lists (the API, the event stream) carry properties up to this size: one event may hold a 1 MB
 * value and a list 2,000 events, and the live view renders what it gets.
 */
export const PREVIEW_BYTES = 4096;

/** A stored row as a list shows it: properties as JSON text, or null past PREVIEW_BYTES. */
export function listJson(r: EventRow, propertiesJson: string): string {
  const { properties, ...rest } = r;
  return JSON.stringify(rest).slice(0, -1) + ',"properties":' + (r.properties_bytes <= PREVIEW_BYTES ? propertiesJson : 'null') + '}';
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
  /** The properties of each stored row as JSON, in the same order. */
  storedJson: string[];
  duplicates: number;
  notices: SeqNotice[];
}

export interface EventFilter {
  name?: string;
  /** anonymous id or user id */
  user?: string;
  page?: string;
  /** Only events with plan violations. */
  violations?: boolean;
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
         count(*) FILTER (WHERE name = '$exposure')::DOUBLE AS exposures,
         count(*) FILTER (WHERE name = '$tap')::DOUBLE AS taps,
         CASE WHEN count(*) FILTER (WHERE name = '$exposure') = 0 THEN NULL
              ELSE count(*) FILTER (WHERE name = '$tap') / count(*) FILTER (WHERE name = '$exposure') END AS ctr
  FROM events WHERE slot IS NOT NULL AND name IN ('$exposure', '$tap')
  GROUP BY slot ORDER BY slot`;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

const EVENT_COLUMNS = `id, seq::DOUBLE AS seq, name, time_ms::DOUBLE AS time_ms, server_time_ms::DOUBLE AS server_time_ms, received_at_ms::DOUBLE AS received_at_ms,
  anonymous_id, user_id, session_id, page, path, slot, strlen(properties::VARCHAR)::DOUBLE AS properties_bytes, warnings::VARCHAR AS warnings, batch_id::DOUBLE AS batch_id, violations::VARCHAR AS violations`;
const toRow = (r: Record<string, unknown>) =>
  ({ ...r, properties: r.properties == null ? null : JSON.parse(r.properties as string), warnings: r.warnings ? JSON.parse(r.warnings as string) : null, violations: r.violations ? JSON.parse(r.violations as string) : null }) as EventRow;

export interface IngestMeta {
  receivedAt: number;
  remote: string;
  bytes: number;
  warnings: Problem[];
  eventWarnings: Map<number, string[]>;
  /** Per event of the batch, its violations of the tracking plan, when the collector has one. */
  violations?: (Violation[] | undefined)[];
}

export interface Waiting {
  batch: WireBatch;
  meta: IngestMeta;
  resolve(r: IngestResult): void;
  reject(e: unknown): void;
}

/** At most this many events in one group commit. */
const MAX_GROUP_EVENTS = 10_000;

/**
 * Group commit, for both stores: batches that arrive while a write runs wait and are written
 * together, in arrival order (a commit or an INSERT costs about the same for 20 events as for
 * 2,000). A group the store refuses is written again batch by batch, so that one bad batch fails alone.
 * `schedule` runs each flush, one after the other (DuckStore: on its one connection, in turn with
 * the reads). A flush ends when its write ends, or earlier when the write calls `release`
 * (ClickHouse: once the group's events are in, so that the next group's lookup sees them, while
 * this group's batch rows are still being written).
 */
export class GroupCommit {
  private waiting: Waiting[] = [];
  private waitingEvents = 0;
  private flushQueued = false;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly write: (group: Waiting[], release: () => void) => Promise<IngestResult[]>,
    private readonly schedule: (flush: () => Promise<void>) => void,
  ) {}

  /** Resolves once every group taken so far is written (or refused). */
  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.all(this.inflight);
  }

  ingest(batch: WireBatch, meta: IngestMeta): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ batch, meta, resolve, reject });
      this.waitingEvents += batch.events.length;
      if (!this.flushQueued) this.queueFlush();
    });
  }

  get backlog(): number {
    return this.waitingEvents;
  }

  private queueFlush() {
    this.flushQueued = true;
    this.schedule(() => this.flush());
  }

  private flush(): Promise<void> {
    this.flushQueued = false;
    let take = 0;
    for (let n = 0; take < this.waiting.length && (take === 0 || n + this.waiting[take].batch.events.length <= MAX_GROUP_EVENTS); take++) n += this.waiting[take].batch.events.length;
    const group = this.waiting.splice(0, take);
    for (const g of group) this.waitingEvents -= g.batch.events.length;
    if (this.waiting.length) this.queueFlush();
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const written: Promise<void> = this.writeGroup(group, release).finally(() => {
      release();
      this.inflight.delete(written);
    });
    this.inflight.add(written);
    return released;
  }

  private async writeGroup(group: Waiting[], release: () => void): Promise<void> {
    try {
      const results = await this.write(group, release);
      group.forEach((g, i) => g.resolve(results[i]));
    } catch (e) {
      if (group.length === 1) return group[0].reject(e);
      // One batch the store refused must not fail the others: each again, alone.
      for (const g of group) await this.write([g], () => {}).then(([r]) => g.resolve(r), g.reject);
    }
  }
}

/** The column `slot`: a string, or a number written in digits; an object would be "[object Object]". */
export const slotOf = (p: Record<string, unknown>): string | null => (typeof p.slot === 'string' ? p.slot : typeof p.slot === 'number' ? String(p.slot) : null);

/**
 * The rows a group stores: each event once (by id, also within the group), minus those `known`
 * (already stored), in arrival order, with the batch id `nextBatchId` gives each batch.
 */
export function prepareGroup(group: Waiting[], nextBatchId: () => number, known: Set<string> = new Set()) {
  const seen = new Set<string>(known);
  return group.map(({ batch, meta }) => {
    const batchId = nextBatchId();
    const skew = meta.receivedAt - batch.sentAt;
    const rows: EventRow[] = [];
    const json: string[] = [];
    batch.events.forEach((e, i) => {
      if (seen.has(e.id)) return;
      seen.add(e.id);
      const p = e.properties;
      const text = JSON.stringify(p);
      json.push(text);
      rows.push({
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
        slot: slotOf(p),
        properties: p,
        properties_bytes: Buffer.byteLength(text),
        warnings: meta.eventWarnings.get(i) ?? null,
        batch_id: batchId,
        violations: meta.violations?.[i] ?? null,
      });
    });
    return { batch, meta, batchId, rows, json };
  });
}

/**
 * Gaps opened and late arrivals among newly stored events, per anonymous id, against `maxSeq` (the
 * highest seq stored before, per anonymous id), which it updates.
 */
export function seqNotices(stored: EventRow[], maxSeq: Map<string, number>): SeqNotice[] {
  const out: SeqNotice[] = [];
  const byInstall = new Map<string, number[]>();
  for (const r of stored) {
    const list = byInstall.get(r.anonymous_id);
    if (list) list.push(r.seq);
    else byInstall.set(r.anonymous_id, [r.seq]);
  }
  for (const [a, seqs] of byInstall) {
    seqs.sort((x, y) => x - y);
    for (const s of seqs) {
      const max = maxSeq.get(a);
      if (max !== undefined && s > max + 1) out.push({ kind: 'gap', anonymousId: a, from: max + 1, to: s - 1 });
      if (max !== undefined && s < max) out.push({ kind: 'late', anonymousId: a, from: s, to: s });
      if (max === undefined || s > max) maxSeq.set(a, s);
    }
  }
  return out;
}

/** The WHERE terms (joined with AND, `?` for values) and the LIMIT of an events list; `violated` is the dialect's test for violations. */
export function eventFilter(f: EventFilter, violated: string): { where: string[]; values: SqlValue[]; limit: number } {
  const where: string[] = [];
  const values: SqlValue[] = [];
  if (f.name) {
    where.push('name = ?');
    values.push(f.name);
  }
  if (f.page) {
    where.push('page = ?');
    values.push(f.page);
  }
  if (f.user) {
    where.push('(anonymous_id = ? OR user_id = ?)');
    values.push(f.user, f.user);
  }
  if (f.violations) where.push(violated);
  return { where, values, limit: Math.max(1, Math.min(2000, Math.floor(f.limit ?? 200))) };
}

export class DuckStore implements EventStore {
  readonly dialect = 'duckdb';
  /** One process holds the file: the collector that opened it. */
  readonly shared = false;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly commits = new GroupCommit(
    (group) => this.write(group),
    (flush) => void this.serial(flush),
  );
  private nextBatch = 1;
  private readonly maxSeq = new Map<string, number>();

  private constructor(
    readonly file: string,
    private readonly instance: DuckDBInstance,
    readonly db: DuckDBConnection,
    readonly readOnly: boolean,
  ) {}

  /** Opens (or creates) the database file; read-only opens share the file with other readers only. */
  static async open(file: string, opts: { readOnly?: boolean } = {}): Promise<DuckStore> {
    // The write-ahead log is folded into the file (a checkpoint) when it reaches checkpoint_threshold,
    // inside the commit that crossed it. At the default 16 MB that is a 0.2 s stall every second or
    // so under full load (p99 latency 330 ms); at 256 MB one stall of about 1.5 s every 40 s or so
    // (BENCHMARKS.md, "Collector ingest"), and a restart after a crash replays at most that much log.
    const instance = await DuckDBInstance.create(file, { threads: '1', checkpoint_threshold: '256MB', ...(opts.readOnly ? { access_mode: 'READ_ONLY' } : {}) });
    const db = await instance.connect();
    const store = new DuckStore(file, instance, db, !!opts.readOnly);
    if (!opts.readOnly) {
      await db.run(SCHEMA);
      // Files made before the tracking plan: the column comes last, where the staging table and the appender expect it.
      await db.run('ALTER TABLE events ADD COLUMN IF NOT EXISTS violations JSON');
      await db.run('CREATE TEMP TABLE staging AS SELECT * FROM events LIMIT 0');
      // Files made before these columns were 64-bit: `dropped` is a count from the phone, any safe integer.
      for (const col of ['dropped', 'bytes']) {
        const [t] = await store.rows<{ t: string }>(`SELECT data_type AS t FROM information_schema.columns WHERE table_name = 'batches' AND column_name = '${col}'`);
        if (t?.t === 'INTEGER') await db.run(`ALTER TABLE batches ALTER ${col} TYPE BIGINT`);
      }
    }
    const [b] = await store.rows<{ n: number }>('SELECT coalesce(max(batch_id), 0)::DOUBLE AS n FROM batches');
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

  /**
   * Stores a valid batch: new events once, duplicates counted and left out. Batches that arrive
   * while the database is busy wait and are written together, in arrival order, in one transaction
   * (group commit: GroupCommit above).
   */
  ingest(batch: WireBatch, meta: IngestMeta): Promise<IngestResult> {
    return this.commits.ingest(batch, meta);
  }

  /** Events waiting to be written (the server answers 503 past a bound, rather than queueing without end). */
  get backlog(): number {
    return this.commits.backlog;
  }

  /** Writes batches in one transaction; events already stored (by id, also earlier in the group) are duplicates. */
  private async write(group: Waiting[]): Promise<IngestResult[]> {
    const prepared = prepareGroup(group, () => this.nextBatch++);
    await this.db.run('BEGIN TRANSACTION');
    try {
      // Staged first, then moved with INSERT OR IGNORE: the primary key decides what is new, in one
      // statement, and RETURNING tells which ids were stored (an appender that hits the key fails whole).
      await this.appendRows(
        'staging',
        prepared.flatMap(({ batch, rows, json }) => rows.map((r, i) => [r.id, r.seq, r.name, r.time_ms, r.server_time_ms, r.received_at_ms, r.anonymous_id, r.user_id, r.session_id, r.page, r.path, r.slot, json[i], r.warnings && JSON.stringify(r.warnings), r.batch_id, str(batch.context.appVersion), str(batch.context.platform), r.violations && JSON.stringify(r.violations)])),
      );
      const stored = new Set((await this.rows<{ id: string }>('INSERT OR IGNORE INTO events SELECT * FROM staging RETURNING id')).map((r) => r.id));
      await this.db.run('DELETE FROM staging');
      const results = prepared.map(({ batch, batchId, rows, json }) => {
        const kept = rows.flatMap((r, i) => (stored.has(r.id) ? [i] : []));
        return { batchId, stored: kept.map((i) => rows[i]), storedJson: kept.map((i) => json[i]), duplicates: batch.events.length - kept.length, notices: [] as SeqNotice[] };
      });
      await this.appendRows(
        'batches',
        prepared.map(({ batch, meta, batchId }, i) => [batchId, meta.receivedAt, batch.sentAt, meta.remote, 200, meta.bytes, batch.events.length, results[i].stored.length, results[i].duplicates, batch.dropped ?? 0, JSON.stringify(batch.context), null, meta.warnings.length ? JSON.stringify(meta.warnings) : null]),
      );
      await this.db.run('COMMIT');
      for (const r of results) r.notices = seqNotices(r.stored, this.maxSeq);
      return results;
    } catch (e) {
      await this.db.run('ROLLBACK');
      throw e;
    }
  }

  /**
   * Appends rows (values in column order: strings, numbers, null) to a table. An appender that fails
   * is cleared and closed here: left open, it would flush again later, inside another transaction.
   */
  private async appendRows(table: string, rows: (string | number | null)[][]): Promise<void> {
    if (!rows.length) return;
    // The staging table is a temporary one: catalog temp, schema main.
    const a = table === 'staging' ? await this.db.createAppender(table, 'main', 'temp') : await this.db.createAppender(table);
    try {
      const types = Array.from({ length: a.columnCount }, (_, i) => a.columnType(i).typeId);
      for (const row of rows) {
        row.forEach((v, i) => {
          if (v === null) return a.appendNull();
          if (typeof v === 'string') return a.appendVarchar(v);
          const type = types[i];
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
  reject(meta: RejectMeta): Promise<number> {
    return this.serial(async () => {
      const batchId = this.nextBatch++;
      await this.db.run('INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, NULL, ?, NULL)', [batchId, meta.receivedAt, meta.sentAt ?? null, meta.remote, meta.status, meta.bytes, meta.events ?? 0, meta.error]);
      return batchId;
    });
  }

  /** The newest events first, filtered; properties over PREVIEW_BYTES are left out (null). */
  events(f: EventFilter = {}): Promise<EventRow[]> {
    const { where, values, limit } = eventFilter(f, 'json_array_length(violations) > 0');
    return this.serial(async () => {
      const rows = await this.rows<Record<string, unknown>>(
        `SELECT ${EVENT_COLUMNS}, CASE WHEN strlen(properties::VARCHAR) <= ${PREVIEW_BYTES} THEN properties::VARCHAR END AS properties
         FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
         ORDER BY batch_id DESC, seq DESC LIMIT ${limit}`,
        values,
      );
      return rows.map(toRow);
    });
  }

  recent(sinceMs: number, limit: number): Promise<{ row: EventRow; json: string }[]> {
    return this.serial(async () =>
      (await this.rows<Record<string, unknown>>(`SELECT ${EVENT_COLUMNS}, properties::VARCHAR AS properties FROM events WHERE received_at_ms >= ? ORDER BY received_at_ms, batch_id, seq LIMIT ${Math.floor(limit)}`, [sinceMs])).map((r) => ({
        json: r.properties as string,
        row: toRow(r),
      })),
    );
  }

  /** One event with all its properties, or undefined. */
  event(id: string): Promise<EventRow | undefined> {
    return this.serial(async () => (await this.rows<Record<string, unknown>>(`SELECT ${EVENT_COLUMNS}, properties::VARCHAR AS properties FROM events WHERE id = ?`, [id])).map(toRow)[0]);
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
  rejected(limit = 50): Promise<RejectedRow[]> {
    return this.serial(() =>
      this.rows(`SELECT batch_id::DOUBLE AS batch_id, received_at_ms::DOUBLE AS received_at_ms, status::INTEGER AS status, error, remote FROM batches WHERE status >= 400 ORDER BY batch_id DESC LIMIT ${Math.floor(limit)}`),
    );
  }

  /** Any read-only query, serialised with the writes (the report uses it). */
  query<T>(f: (s: EventStore) => Promise<T>): Promise<T> {
    return this.serial(() => f(this));
  }

  async close(): Promise<void> {
    await this.chain;
    this.db.closeSync();
    this.instance.closeSync();
  }
}

/**
 * `Store` the type is any store; `Store.open(file)` opens a DuckDB file, as before there were two
 * (tests and scripts open files with it).
 */
export type Store = EventStore;
export const Store = DuckStore;
