/**
 * The collector's events in ClickHouse, over its HTTP interface (no client library: node:http, SQL
 * text, JSON back), for any number of collectors behind a load balancer (docs/deploy.md).
 *
 *   --db clickhouse://[user[:password]@]host[:port]/database      (port 8123 by default)
 *
 * Tables (created when missing, with the database):
 *   events       ReplacingMergeTree ORDER BY (anonymous_id, id), PARTITION BY the event's day (UTC,
 *                of the phone's clock): an event stored twice (two collectors took the same batch at
 *                once, or a retry raced its first try) is merged away in the background; queries
 *                that must be exact read `events FINAL`. An event's id and day never change, so both
 *                copies are always in the same partition, next to each other, where merges happen.
 *                The id comes after the install it belongs to (an id has one install, so this is
 *                the same key): a batch is one install's events, so the lookup of a group's ids reads
 *                a granule (1,024 rows) or two per batch and day, however large the table; ordered by
 *                id alone, random ids would hit a granule each and the lookup would read the whole
 *                id column (5 million rows for a group of 3,000 ids in a 5-million-row table, against
 *                172,000 this way: measured on 18.16). Besides the DuckDB columns: the properties'
 *                top-level keys and their values as text (`prop_keys`, `prop_values`: what DuckDB's
 *                `->>` gives; keys whose value is null in `prop_nulls`), the violations as three arrays,
 *                the batch context's window and screen width (for the heat map, without a join).
 *   batches      MergeTree: one row per request, as in DuckDB, and the collector that answered it.
 *   install_seq  a materialized view: the highest seq stored per anonymous id (ReplacingMergeTree on
 *                seq), kept by the server on every insert into events.
 *
 * Stateless: a collector keeps nothing that correctness needs. Before a group of batches is stored it
 * asks the store which of their ids are there already (a primary-key lookup: duplicates) and the
 * highest seq per anonymous id (install_seq: gap and late notices). Batch ids are milliseconds since
 * 2025 × 4096 plus a counter that starts at random, so two collectors practically never pick the same
 * (and nothing joins on them: a clash would only reorder two batches in the live view). The counts
 * that two collectors racing on one batch could each get wrong (duplicates) are counted at read.
 *
 * The SQL is what ClickHouse 18.16 (Debian's package, the oldest we test) runs, which current
 * releases run too: no WITH of subqueries, one JOIN per SELECT (nested instead), no JSON functions
 * (hence the key and value arrays), join_use_nulls for SQL's outer joins.
 */
import * as http from 'node:http';
import type { Violation } from '../src/plan/shape';
import {
  eventFilter,
  GroupCommit,
  PREVIEW_BYTES,
  prepareGroup,
  seqNotices,
  type EventFilter,
  type EventRow,
  type EventStore,
  type IngestMeta,
  type IngestResult,
  type RejectedRow,
  type RejectMeta,
  type SlotRow,
  type SqlValue,
  type Waiting,
} from './store';
import type { WireBatch } from './validate';

export const CLICKHOUSE_SCHEME = 'clickhouse://';

/** A value as a ClickHouse literal: strings quoted with backslash escapes, numbers as written. */
export function sqlLiteral(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  return "'" + v.replace(/[\\']/g, (c) => '\\' + c) + "'";
}

/** Replaces each `?` outside quotes and backticks with the next value as a literal. */
export function bind(sql: string, values: SqlValue[] = []): string {
  let out = '';
  let quote = '';
  let next = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      out += c;
      if (c === '\\') out += sql[++i] ?? '';
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '`' || c === '"') {
      quote = c;
      out += c;
    } else if (c === '?') {
      if (next >= values.length) throw new Error('more ? than values in: ' + sql);
      out += sqlLiteral(values[next++]);
    } else out += c;
  }
  if (next !== values.length) throw new Error(`${values.length} values for ${next} ? in: ${sql}`);
  return out;
}

/** The quoted list for `IN (…)`. */
const list = (values: string[]) => values.map(sqlLiteral).join(', ');

export interface ClickHouseTarget {
  host: string;
  port: number;
  database: string;
  user?: string;
  password?: string;
}

/** clickhouse://[user[:password]@]host[:port]/database */
export function parseClickHouseUrl(spec: string): ClickHouseTarget {
  if (!spec.startsWith(CLICKHOUSE_SCHEME)) throw new Error(`not a ClickHouse address: ${spec}`);
  const u = new URL('http://' + spec.slice(CLICKHOUSE_SCHEME.length));
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'wetrack';
  if (!/^[A-Za-z_][\w]*$/.test(database)) throw new Error(`the database name must be letters, digits and _: ${JSON.stringify(database)}`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 8123,
    database,
    ...(u.username && { user: decodeURIComponent(u.username) }),
    ...(u.password && { password: decodeURIComponent(u.password) }),
  };
}

/**
 * Settings on every query. 64-bit integers as JSON numbers (every count and id here is below 2^53);
 * outer joins fill missing columns with NULL, as SQL does (ClickHouse's default is the type's zero).
 */
const READ_SETTINGS = { output_format_json_quote_64bit_integers: '0', join_use_nulls: '1' };
/** Queries that carry a group's ids: up to 10,000 of up to 128 characters. */
const LARGE_QUERY = { max_query_size: String(8 * 1024 * 1024) };

/** A ClickHouse server's HTTP interface: POST a query, read text back. */
export class ClickHouseHttp {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 32, timeout: 2000 });
  constructor(readonly target: ClickHouseTarget) {}

  /**
   * Runs `sql` (with `data` as the body of an INSERT … FORMAT). A connection kept alive that the
   * server closed meanwhile (ECONNRESET on a reused socket, before any answer) is retried once on a
   * new one, as Node's documentation advises: the server never saw that request.
   */
  async exec(sql: string, opts: { data?: string; settings?: Record<string, string>; database?: boolean } = {}): Promise<string> {
    try {
      return await this.once(sql, opts);
    } catch (e) {
      if ((e as { retry?: boolean }).retry) return this.once(sql, opts);
      throw e;
    }
  }

  private once(sql: string, opts: { data?: string; settings?: Record<string, string>; database?: boolean }): Promise<string> {
    const t = this.target;
    const params = new URLSearchParams(opts.settings);
    if (opts.database !== false) params.set('database', t.database);
    const body = opts.data === undefined ? sql : opts.data;
    if (opts.data !== undefined) params.set('query', sql);
    const headers: Record<string, string | number> = { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) };
    if (t.user !== undefined) headers.authorization = 'Basic ' + Buffer.from(`${t.user}:${t.password ?? ''}`).toString('base64');
    return new Promise((resolve, reject) => {
      const req = http.request({ host: t.host, port: t.port, method: 'POST', path: '/?' + params.toString(), headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) resolve(text);
          else reject(new Error(`ClickHouse at ${t.host}:${t.port} answered ${res.statusCode}: ${text.trim().split('\n')[0].slice(0, 2000)}`));
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (req.reusedSocket && e.code === 'ECONNRESET') Object.assign(e, { retry: true });
        reject(e);
      });
      req.end(body);
    });
  }

  /** A SELECT's rows. */
  async rows<T>(sql: string, values: SqlValue[] = [], settings: Record<string, string> = {}): Promise<T[]> {
    const text = await this.exec(bind(sql, values) + '\nFORMAT JSON', { settings: { ...READ_SETTINGS, ...settings } });
    return (JSON.parse(text) as { data: T[] }).data;
  }

  /** Inserts rows (objects with the table's columns) as JSONEachRow. */
  async insert(table: string, rows: Record<string, unknown>[]): Promise<void> {
    if (!rows.length) return;
    // On a Distributed table, the INSERT returns once the shards have the rows (not when they are queued
    // for them): the next group's lookup must see them. Nothing changes for a plain table. 18.16 has
    // the setting; current releases call it distributed_foreground_insert and keep this name as an
    // alias (clickhouse.com/docs/reference/settings/session-settings/distributed).
    await this.exec(`INSERT INTO ${table} FORMAT JSONEachRow`, { data: rows.map((r) => JSON.stringify(r)).join('\n'), settings: { insert_distributed_sync: '1' } });
  }

  close(): void {
    this.agent.destroy();
  }
}

const DAY_MS = 86_400_000;
/** Partition key of both tables: the day (UTC) of a time in ms, as YYYYMMDD. */
const dayKey = (ms: string) => `toYYYYMMDD(toDate('1970-01-01') + intDiv(${ms}, ${DAY_MS}))`;

const EVENTS_COLUMNS = `(
    id String,
    seq Int64,
    name String,
    time_ms Int64,
    server_time_ms Int64,
    received_at_ms Int64,
    anonymous_id String,
    user_id Nullable(String),
    session_id String,
    page Nullable(String),
    path Nullable(String),
    slot Nullable(String),
    properties String,
    prop_keys Array(String),
    prop_values Array(String),
    prop_nulls Array(String),
    warnings Nullable(String),
    batch_id Int64,
    app_version Nullable(String),
    platform Nullable(String),
    window_width Nullable(String),
    screen_width Nullable(String),
    violations Nullable(String),
    violation_fields Array(String),
    violation_rules Array(String),
    violation_messages Array(String)
  )`;
const BATCHES_COLUMNS = `(
    batch_id Int64,
    received_at_ms Int64,
    sent_at_ms Nullable(Int64),
    remote String,
    status UInt16,
    bytes Int64,
    events UInt32,
    stored UInt32,
    duplicates UInt32,
    dropped Int64,
    context Nullable(String),
    error Nullable(String),
    warnings Nullable(String),
    collector String
  )`;
const EVENTS_LAYOUT = `PARTITION BY ${dayKey('time_ms')} ORDER BY (anonymous_id, id) SETTINGS index_granularity = 1024`;
const BATCHES_LAYOUT = `PARTITION BY ${dayKey('received_at_ms')} ORDER BY (received_at_ms, batch_id)`;
const installSeq = (name: string, engine: string, from: string) =>
  `CREATE MATERIALIZED VIEW IF NOT EXISTS ${name} ENGINE = ${engine} ORDER BY anonymous_id AS SELECT anonymous_id, max(seq) AS seq FROM ${from} GROUP BY anonymous_id`;

/** One server: what ClickHouseStore.open creates when missing. */
export const CLICKHOUSE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS events ${EVENTS_COLUMNS} ENGINE = ReplacingMergeTree ${EVENTS_LAYOUT}`,
  `CREATE TABLE IF NOT EXISTS batches ${BATCHES_COLUMNS} ENGINE = MergeTree ${BATCHES_LAYOUT}`,
  installSeq('install_seq', 'ReplacingMergeTree(seq)', 'events'),
];

/**
 * A cluster (docs/deploy.md): on every shard, in `localDatabase` (default: the database the replica
 * names in the cluster's config), the tables with a _local suffix (Replicated… engines with
 * `replicated`: ZooKeeper paths with the {shard} and {replica} macros); where the collectors
 * connect, in the database their --db names, Distributed tables of the single-server names over
 * them. Events are sharded by install: an event's copies meet on one shard, where FINAL and the
 * merges find them, and each install's seq and sessions stay on one shard.
 */
export function clusterSchema(o: { cluster: string; localDatabase?: string; replicated?: boolean }): { shards: string[]; collectors: string[] } {
  const zk = (table: string, extra = '') => `('/clickhouse/tables/{shard}/wetrack/${table}', '{replica}'${extra})`;
  const engine = (plain: string, table: string, version = '') => (o.replicated ? `Replicated${plain}${zk(table, version && ', ' + version)}` : plain + (version && `(${version})`));
  const local = o.localDatabase ?? '';
  const at = (table: string) => (local ? `${local}.${table}` : table);
  const distributed = (shardKey: string, table: string) => `Distributed(${o.cluster}, '${local}', ${table}${shardKey && ', ' + shardKey})`;
  return {
    shards: [
      `CREATE TABLE IF NOT EXISTS ${at('events_local')} ${EVENTS_COLUMNS} ENGINE = ${engine('ReplacingMergeTree', 'events')} ${EVENTS_LAYOUT}`,
      `CREATE TABLE IF NOT EXISTS ${at('batches_local')} ${BATCHES_COLUMNS} ENGINE = ${engine('MergeTree', 'batches')} ${BATCHES_LAYOUT}`,
      installSeq(at('install_seq_local'), engine('ReplacingMergeTree', 'install_seq', 'seq'), at('events_local')),
    ],
    collectors: [
      `CREATE TABLE IF NOT EXISTS events ${EVENTS_COLUMNS} ENGINE = ${distributed('cityHash64(anonymous_id)', 'events_local')}`,
      `CREATE TABLE IF NOT EXISTS batches ${BATCHES_COLUMNS} ENGINE = ${distributed('rand()', 'batches_local')}`,
      `CREATE TABLE IF NOT EXISTS install_seq (anonymous_id String, seq Int64) ENGINE = ${distributed('', 'install_seq_local')}`,
    ],
  };
}

/** The columns of an EventRow, from `events`; `props` is the properties' JSON (null past PREVIEW_BYTES in lists). */
const EVENT_COLUMNS = `id, seq, name, time_ms, server_time_ms, received_at_ms, anonymous_id, user_id, session_id, page, path, slot,
  length(properties) AS properties_bytes, warnings, batch_id, violations`;
const toRow = (r: Record<string, unknown>): EventRow => {
  const { props, ...rest } = r;
  return {
    ...(rest as unknown as EventRow),
    // Stryker disable next-line ConditionalExpression: JSON.parse(null) is null too; the test says what is meant
    properties: props == null ? null : (JSON.parse(props as string) as Record<string, unknown>),
    warnings: r.warnings ? (JSON.parse(r.warnings as string) as string[]) : null,
    violations: r.violations ? (JSON.parse(r.violations as string) as Violation[]) : null,
  };
};

/** Exposures, taps and CTR per slot (SLOTS_SQL in ClickHouse's words). */
export const CH_SLOTS_SQL = `
  SELECT assumeNotNull(slot) AS s, countIf(name = '$exposure') AS exposures, countIf(name = '$tap') AS taps,
         if(countIf(name = '$exposure') = 0, NULL, countIf(name = '$tap') / countIf(name = '$exposure')) AS ctr
  FROM events FINAL WHERE slot IS NOT NULL AND name IN ('$exposure', '$tap')
  GROUP BY s ORDER BY s`;

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** A context value as `->>` gives it: strings as they are, anything else as JSON text. */
const jsonText = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));
/** Milliseconds of 2025-01-01T00:00Z: batch ids count from there (× 4096 stays below 2^53 until 2093). */
const BATCH_EPOCH = Date.UTC(2025, 0, 1);

/** At most this many partitions (days) in one INSERT: newer servers refuse more than 100 by default. */
const MAX_DAYS_PER_INSERT = 100;

export class ClickHouseStore implements EventStore {
  readonly dialect = 'clickhouse';
  readonly shared = true;
  private readonly commits = new GroupCommit(
    (group, release) => this.write(group, release),
    (flush) => {
      this.flushing = this.flushing.then(flush, flush);
    },
  );
  private flushing: Promise<void> = Promise.resolve();
  /**
   * Refused requests' rows still being written. The collector answers a refusal before its row is
   * stored; rejected() waits for these, so that this collector's /api/rejected shows a refusal once
   * its answer has gone, as the DuckDB store (one queue for reads and writes) does.
   */
  private readonly rejecting = new Set<Promise<unknown>>();
  private lastBatchId = 0;
  private counter = Math.floor(Math.random() * 4096);

  private constructor(
    readonly file: string,
    readonly http: ClickHouseHttp,
    /** Written into batches.collector: which process answered (the operators' check of the balance). */
    private readonly collectorName: string,
  ) {}

  /** Connects, and creates the database and the tables when missing. */
  static async open(spec: string, opts: { collectorName?: string } = {}): Promise<ClickHouseStore> {
    const target = parseClickHouseUrl(spec);
    const ch = new ClickHouseHttp(target);
    try {
      await ch.exec(`CREATE DATABASE IF NOT EXISTS ${target.database}`, { database: false });
      for (const ddl of CLICKHOUSE_SCHEMA) await ch.exec(ddl);
    } catch (e) {
      ch.close();
      throw e;
    }
    return new ClickHouseStore(`${CLICKHOUSE_SCHEME}${target.host}:${target.port}/${target.database}`, ch, opts.collectorName ?? `pid ${process.pid}`);
  }

  rows<T = Record<string, unknown>>(sql: string, values: SqlValue[] = []): Promise<T[]> {
    return this.http.rows<T>(sql, values);
  }

  ingest(batch: WireBatch, meta: IngestMeta): Promise<IngestResult> {
    return this.commits.ingest(batch, meta);
  }

  get backlog(): number {
    return this.commits.backlog;
  }

  /** Increasing within this process; across processes, distinct but for a 1 in 4096 chance in the same millisecond. */
  private nextBatchId(): number {
    this.counter = (this.counter + 1) % 4096;
    const id = Math.max(this.lastBatchId + 1, (Date.now() - BATCH_EPOCH) * 4096 + this.counter);
    this.lastBatchId = id;
    return id;
  }

  /**
   * Stores a group: the ids already in the store are duplicates, the rest is inserted (events, then
   * the batches' rows: a failure between the two answers 500, the SDK sends the batch again, and its
   * events are then duplicates of themselves, which the report's count at read handles). Each INSERT
   * writes a part (a folder of files), 2 ms in memory and 100–200 ms on the busy test machine's disk:
   * so the next group starts as soon as the events are in (`release`), while the batch rows are written.
   */
  private async write(group: Waiting[], release: () => void): Promise<IngestResult[]> {
    const all = group.flatMap((g) => g.batch.events);
    const ids = [...new Set(all.map((e) => e.id))];
    const installs = [...new Set(all.map((e) => e.anonymousId))];
    // Only the partitions of the events' days: an event is stored in its day's, whoever stored it.
    const ranges = [...new Set(all.map((e) => Math.floor(e.time / DAY_MS)))].map((d) => `(time_ms >= ${d * DAY_MS} AND time_ms < ${(d + 1) * DAY_MS})`);
    const [known, highest] = await Promise.all([
      this.http.rows<{ id: string }>(`SELECT id FROM events WHERE anonymous_id IN (${list(installs)}) AND id IN (${list(ids)}) AND (${ranges.join(' OR ')})`, [], LARGE_QUERY),
      this.http.rows<{ a: string; s: number }>(`SELECT anonymous_id AS a, max(seq) AS s FROM install_seq WHERE anonymous_id IN (${list(installs)}) GROUP BY anonymous_id`, [], LARGE_QUERY),
    ]);
    const prepared = prepareGroup(
      group,
      () => this.nextBatchId(),
      new Set(known.map((r) => r.id)),
    );
    const rows = prepared.flatMap(({ batch, rows: events, json }) => {
      const appVersion = text(batch.context.appVersion);
      const platform = text(batch.context.platform);
      const windowWidth = jsonText(batch.context.windowWidth);
      const screenWidth = jsonText(batch.context.screenWidth);
      return events.map((r, i) => {
        const p = r.properties!;
        const keys = Object.keys(p);
        const present = keys.filter((k) => p[k] !== null);
        return {
          id: r.id,
          seq: r.seq,
          name: r.name,
          time_ms: r.time_ms,
          server_time_ms: r.server_time_ms,
          received_at_ms: r.received_at_ms,
          anonymous_id: r.anonymous_id,
          user_id: r.user_id,
          session_id: r.session_id,
          page: r.page,
          path: r.path,
          slot: r.slot,
          properties: json[i],
          prop_keys: present,
          prop_values: present.map((k) => jsonText(p[k])),
          prop_nulls: keys.filter((k) => p[k] === null),
          warnings: r.warnings && JSON.stringify(r.warnings),
          batch_id: r.batch_id,
          app_version: appVersion,
          platform,
          window_width: windowWidth,
          screen_width: screenWidth,
          violations: r.violations && JSON.stringify(r.violations),
          violation_fields: (r.violations ?? []).map((v) => v.field),
          violation_rules: (r.violations ?? []).map((v) => v.rule),
          violation_messages: (r.violations ?? []).map((v) => v.message),
        };
      });
    });
    // Each INSERT writes a part per day it touches; a newer server refuses more than 100 at once.
    const byDay = new Map<number, typeof rows>();
    for (const r of rows) {
      const day = Math.floor(r.time_ms / DAY_MS);
      const same = byDay.get(day);
      if (same) same.push(r);
      else byDay.set(day, [r]);
    }
    const days = [...byDay.values()];
    for (let i = 0; i < days.length; i += MAX_DAYS_PER_INSERT) await this.http.insert('events', days.slice(i, i + MAX_DAYS_PER_INSERT).flat());
    // The next group may look its ids up now: these are in.
    release();

    const results = prepared.map(({ batch, batchId, rows: stored, json }) => ({ batchId, stored, storedJson: json, duplicates: batch.events.length - stored.length, notices: [] as IngestResult['notices'] }));
    await this.http.insert(
      'batches',
      prepared.map(({ batch, meta, batchId }, i) => ({
        batch_id: batchId,
        received_at_ms: meta.receivedAt,
        sent_at_ms: batch.sentAt,
        remote: meta.remote,
        status: 200,
        bytes: meta.bytes,
        events: batch.events.length,
        stored: results[i].stored.length,
        duplicates: results[i].duplicates,
        dropped: batch.dropped ?? 0,
        context: JSON.stringify(batch.context),
        error: null,
        warnings: meta.warnings.length ? JSON.stringify(meta.warnings) : null,
        collector: this.collectorName,
      })),
    );
    const maxSeq = new Map(highest.map((r) => [r.a, r.s]));
    for (const r of results) r.notices = seqNotices(r.stored, maxSeq);
    return results;
  }

  async reject(meta: RejectMeta): Promise<number> {
    const batchId = this.nextBatchId();
    const write = this.http.insert('batches', [
      {
        batch_id: batchId,
        received_at_ms: meta.receivedAt,
        sent_at_ms: meta.sentAt ?? null,
        remote: meta.remote,
        status: meta.status,
        bytes: meta.bytes,
        events: meta.events ?? 0,
        stored: 0,
        duplicates: 0,
        dropped: 0,
        context: null,
        error: meta.error,
        warnings: null,
        collector: this.collectorName,
      },
    ]);
    this.rejecting.add(write);
    try {
      await write;
    } finally {
      this.rejecting.delete(write);
    }
    return batchId;
  }

  async events(f: EventFilter = {}): Promise<EventRow[]> {
    const { where, values, limit } = eventFilter(f, 'length(violation_fields) > 0');
    const rows = await this.rows<Record<string, unknown>>(
      `SELECT ${EVENT_COLUMNS}, if(length(properties) <= ${PREVIEW_BYTES}, properties, NULL) AS props
       FROM events FINAL ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY batch_id DESC, seq DESC LIMIT ${limit}`,
      values,
    );
    return rows.map(toRow);
  }

  async event(id: string): Promise<EventRow | undefined> {
    return (await this.rows<Record<string, unknown>>(`SELECT ${EVENT_COLUMNS}, properties AS props FROM events WHERE id = ? LIMIT 1`, [id])).map(toRow)[0];
  }

  async recent(sinceMs: number, limit: number): Promise<{ row: EventRow; json: string }[]> {
    const rows = await this.rows<Record<string, unknown>>(
      `SELECT ${EVENT_COLUMNS}, properties AS props FROM events WHERE received_at_ms >= ? ORDER BY received_at_ms, batch_id, seq LIMIT ${Math.floor(limit)}`,
      [sinceMs],
    );
    return rows.map((r) => ({ json: r.props as string, row: toRow(r) }));
  }

  async slots(): Promise<SlotRow[]> {
    return (await this.rows<Omit<SlotRow, 'slot'> & { s: string }>(CH_SLOTS_SQL)).map((r) => ({ slot: r.s, exposures: r.exposures, taps: r.taps, ctr: r.ctr }));
  }

  async facets(): Promise<{ names: string[]; pages: string[] }> {
    const [names, pages] = await Promise.all([
      this.rows<{ v: string }>('SELECT DISTINCT name AS v FROM events ORDER BY v'),
      this.rows<{ v: string }>('SELECT DISTINCT assumeNotNull(page) AS v FROM events WHERE page IS NOT NULL ORDER BY v'),
    ]);
    return { names: names.map((r) => r.v), pages: pages.map((r) => r.v) };
  }

  async rejected(limit = 50): Promise<RejectedRow[]> {
    await Promise.allSettled(this.rejecting);
    return this.rows<RejectedRow>(`SELECT batch_id, received_at_ms, status, error, remote FROM batches WHERE status >= 400 ORDER BY batch_id DESC LIMIT ${Math.floor(limit)}`);
  }

  /** Reads need no lock: each query sees the parts committed when it starts. */
  query<T>(f: (s: EventStore) => Promise<T>): Promise<T> {
    return f(this);
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.commits.drain();
    this.http.close();
  }
}
