/**
 * The collector's HTTP server.
 *
 *   POST /v1/batch     the wire format (README). 200 { stored, duplicates, warnings };
 *                      400 { error, index, field, message } for a bad batch (nothing of it is stored);
 *                      408 a body that does not arrive in time; 413 over the body limit; 415 not JSON
 *                      or compressed; 405 another method; 503 while the store is too far behind.
 *   GET  /             the live view (live.html)
 *   GET  /api/stream   server-sent events: `events` (rows just stored), `notice` (refused requests,
 *                      seq gaps, late arrivals, duplicates, drops, warnings), `slots` (the slot table)
 *   GET  /api/events?name=&user=&page=&limit=   newest first; user = anonymous id or user id;
 *                      properties over PREVIEW_BYTES are null there: GET /api/events/<id> has them all
 *                      &violations=1: only events that differ from the tracking plan (with --plan)
 *   GET  /api/slots, /api/facets, /api/rejected, /api/report, /health
 *   GET  /api/coverage the tracking plan's coverage (coverage.ts); null without a plan
 *   GET  /dashboard    the operators' dashboard (dashboard.html): the analyses as charts
 *   GET  /api/analytics every analysis (analytics/index.ts); ?tz=<minutes east of UTC>
 *   GET  /api/funnel?def=<JSON { steps: [{ name, where? }], within: 'session' | days }>  a funnel
 *
 * Every request: a Host the collector answers to (loopback names, the address it was told to bind,
 * the machine's own addresses when bound to all of them, and `allowedHosts`: a page under another
 * name that resolves here, DNS rebinding, gets 403), an Origin of such a host if the browser sent
 * one (the live view's API), the bearer token when one is set (`Authorization: Bearer …`, or the
 * cookie that opening the live view with ?token=… sets), and the per-client rate limit (429 with
 * Retry-After). It listens on 127.0.0.1 unless told otherwise, and refuses to listen anywhere else
 * without a token unless `insecure` says so.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import * as path from 'node:path';
import * as timers from 'node:timers';
import type { TrackingPlanFile, Violation } from '../src/plan/shape';
import { compilePlan } from '../plan/validate';
import { buildAnalytics } from './analytics';
import { funnel, funnelProblem, type FunnelDef } from './analytics/funnel';
import { buildCoverage } from './coverage';
import { buildReport } from './report';
import { openStore } from './open';
import { listJson, type EventStore, type SeqNotice } from './store';
import { parseBatch, type Problem } from './validate';

// Real time, taken at load: the demo runs the collector beside fake timers (they patch node:timers too).
const realSetTimeout = timers.setTimeout;
const realClearTimeout = timers.clearTimeout;
const realSetInterval = timers.setInterval;
const realClearInterval = timers.clearInterval;
const wallClock = () => Math.round(performance.timeOrigin + performance.now());

export interface RateLimit {
  /** Requests per second each client address may make, on average. */
  perSecond: number;
  /** Requests it may make at once after a quiet spell. Default 2 × perSecond. */
  burst?: number;
  /**
   * Limit loopback clients too. Default false: on loopback every simulated phone, DevTools and the
   * demo share one address, and a local process has the machine anyway.
   */
  loopback?: boolean;
}

export interface CollectorOptions {
  /** Default 127.0.0.1. Anything else needs `token`, or `insecure: true`. */
  host?: string;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** A DuckDB file, or a ClickHouse server shared with other collectors: clickhouse://host:port/database (clickhouse.ts). */
  db: string;
  /** Largest request body accepted. Default 1 MiB (the SDK sends at most maxBatchBytes, 500 KB by default). */
  maxBodyBytes?: number;
  /** Where the collector's own messages go. Default console. */
  log?: { info(msg: string): void; warn(msg: string): void };
  /** More names (or addresses) the collector answers to in the Host header; '*' for any. */
  allowedHosts?: string[];
  /** Required on every request when set: `Authorization: Bearer <token>` (the SDK's `headers` option). */
  token?: string;
  /** Listen beyond loopback without a token (anyone who reaches the port reads user ids). */
  insecure?: boolean;
  /** Per client address. Default { perSecond: 100 } (burst 200), loopback not limited; false: none. */
  rateLimit?: RateLimit | false;
  /** The request head must arrive within this. Default 10 000 ms. */
  headersTimeoutMs?: number;
  /** The body must arrive within this, from the end of the head. Default 30 000 ms. */
  bodyTimeoutMs?: number;
  /** A live-view reader with more than this waiting to be sent is dropped (it reconnects). Default 1 MiB. */
  streamBufferBytes?: number;
  /**
   * A tracking plan, already checked (plan/load.ts): every event is checked against it and stored
   * with its violations, never refused for them (a mistake in the plan must not lose data).
   */
  plan?: TrackingPlanFile;
}

export interface Collector {
  /** Where the SDK posts: http://host:port/v1/batch */
  url: string;
  /** The live view. */
  liveUrl: string;
  port: number;
  store: EventStore;
  close(): Promise<void>;
}

export interface Notice {
  kind: 'rejected' | 'gap' | 'late' | 'duplicates' | 'dropped' | 'warning';
  at: number;
  message: string;
  status?: number;
  anonymousId?: string;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const isLoopback = (host: string) => LOOPBACK_NAMES.includes(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
const LIVE_HTML = path.join(__dirname, 'live.html');
const DASHBOARD_HTML = path.join(__dirname, 'dashboard.html');
/** Past this many events waiting for the store, batches are answered 503 (the SDK retries them). */
const MAX_BACKLOG = 50_000;
/** A shared store's live feed: read every second, the last 10 s again (inserts that committed late, other collectors' clocks). */
const FEED_MS = 1000;
const FEED_LAG_MS = 10_000;
const FEED_ROWS = 2000;
const COOKIE = 'wetrack_token';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    // Stryker disable next-line LogicalOperator: the Error's own message is never shown (answers and notices read body)
    super(String(body.message ?? body.error));
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** Reads the body up to `limit` bytes (past it, 413: the rest is not read) within `timeoutMs` (408). */
function readBody(req: http.IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new HttpError(413, { error: 'body too large', message: `${declared} bytes; the limit is ${limit}`, limit }));
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (e: HttpError) => {
      realClearTimeout(timer);
      req.removeAllListeners('data');
      req.pause();
      reject(e);
    };
    // A body that never ends (chunked, or shorter than its Content-Length) would hold the connection.
    const timer = realSetTimeout(() => stop(new HttpError(408, { error: 'request timeout', message: `the body did not arrive within ${timeoutMs} ms` })), timeoutMs);
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) stop(new HttpError(413, { error: 'body too large', message: `over ${limit} bytes`, limit }));
      else chunks.push(c);
    });
    req.on('end', () => {
      realClearTimeout(timer);
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      realClearTimeout(timer);
      reject(e);
    });
  });
}

/** The host name of a Host header or an Origin, lower case, without port or brackets. */
function hostName(h: string): string {
  const v = h.trim().toLowerCase();
  if (v.startsWith('[')) return v.slice(1, v.indexOf(']') >>> 0);
  const colon = v.lastIndexOf(':');
  return colon >= 0 && v.indexOf(':') === colon ? v.slice(0, colon) : v;
}

/** Constant-time comparison: the token must not leak through how long a wrong one takes. */
function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startCollector(opts: CollectorOptions): Promise<Collector> {
  const host = opts.host ?? '127.0.0.1';
  const limit = opts.maxBodyBytes ?? 1024 * 1024;
  const log = opts.log ?? { info: (m: string) => console.log(m), warn: (m: string) => console.warn(m) };
  const token = opts.token || undefined;
  const headersTimeout = opts.headersTimeoutMs ?? 10_000;
  const bodyTimeout = opts.bodyTimeoutMs ?? 30_000;
  const streamLimit = opts.streamBufferBytes ?? 1024 * 1024;
  const rate = opts.rateLimit === false ? undefined : { perSecond: 100, loopback: false, ...opts.rateLimit };
  const burst = rate ? (rate.burst ?? rate.perSecond * 2) : 0;

  if (!isLoopback(host) && !token && !opts.insecure) {
    throw new Error(
      `refusing to listen on ${host} without a token: anyone who reaches it could read user ids in the live view. ` +
        'Set one (--token, or WETRACK_COLLECTOR_TOKEN) and send it from the SDK as headers: { Authorization: "Bearer <token>" }, ' +
        'or pass --insecure on a network you trust.',
    );
  }

  // The names this collector answers to. An IP address given in Host cannot be a rebinding attack,
  // but only the machine's own are listed: anything else is not meant for this server.
  const allowed = new Set<string>(LOOPBACK_NAMES);
  const anyHost = (opts.allowedHosts ?? []).includes('*');
  // hostName takes an IPv6 address with or without brackets (more than one colon: no port to strip).
  for (const h of opts.allowedHosts ?? []) allowed.add(hostName(h));
  if (host === '0.0.0.0' || host === '::') {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) allowed.add(a.address.toLowerCase());
  } else allowed.add(host.toLowerCase());
  const hostAllowed = (h: string | undefined) => anyHost || h === undefined || allowed.has(hostName(h));

  const store = await openStore(opts.db, { collectorName: `${hostname()} pid ${process.pid}` });
  const clients = new Map<http.ServerResponse, true>();
  const stats = { streamDropped: 0, limited: 0, unauthorized: 0, misdirected: 0 };
  let slotsTimer: ReturnType<typeof setTimeout> | undefined;
  let coverageTimer: ReturnType<typeof setTimeout> | undefined;
  const plan = opts.plan;
  const checkPlan = plan && compilePlan(plan);
  /** The violations of each event; undefined for one the check itself failed on (it is stored unchecked). */
  const violationsOf = (events: { name: string; page?: string; properties: Record<string, unknown> }[]) =>
    events.map((e): Violation[] | undefined => {
      try {
        return checkPlan!(e);
      } catch (err) {
        log.warn(`collector: the plan check failed on an event named ${JSON.stringify(e.name)}; stored unchecked: ${err}`);
        return undefined;
      }
    });

  /**
   * Sends a frame to every reader. One that has more than streamLimit waiting (it stopped reading)
   * is dropped and counted, so memory stays bounded; EventSource reconnects by itself.
   */
  const broadcast = (event: string, data: string) => {
    // Stryker disable next-line ConditionalExpression: a shortcut; with no reader the loop below does nothing either
    if (!clients.size) return;
    const frame = `event: ${event}\ndata: ${data}\n\n`;
    for (const c of clients.keys()) {
      if (c.writableLength > streamLimit) {
        clients.delete(c);
        stats.streamDropped++;
        log.warn(`collector: a live-view reader had ${c.writableLength} bytes waiting; dropped (${stats.streamDropped} so far)`);
        c.destroy();
      } else c.write(frame);
    }
  };
  const notice = (n: Omit<Notice, 'at'>) => broadcast('notice', JSON.stringify({ ...n, at: wallClock() }));
  // The slot table follows the events, at most every 250 ms.
  const slotsSoon = () => {
    if (slotsTimer || !clients.size) return;
    slotsTimer = realSetTimeout(async () => {
      slotsTimer = undefined;
      try {
        broadcast('slots', JSON.stringify(await store.slots()));
      } catch (e) {
        log.warn('collector: slot table failed: ' + e);
      }
    }, 250);
  };
  // The plan's coverage follows the events, at most every second (a few queries over the whole table).
  const coverageSoon = () => {
    if (coverageTimer || !clients.size || !plan) return;
    coverageTimer = realSetTimeout(async () => {
      coverageTimer = undefined;
      try {
        broadcast('coverage', JSON.stringify(await store.query((s) => buildCoverage(s, plan))));
      } catch (e) {
        log.warn('collector: coverage failed: ' + e);
      }
    }, 1000);
  };

  /**
   * The live feed of a shared store (ClickHouse): other collectors store events too, so the events
   * the live view shows are read from the store, every FEED_MS while a reader is connected, not
   * taken from this process's own ingest. Each is sent once: the ids sent in the last FEED_LAG_MS
   * are remembered (the view's only memory, and nothing else depends on it). Past FEED_ROWS new
   * events a second the view shows the newest.
   */
  let feedTimer: ReturnType<typeof setTimeout> | undefined;
  let closing = false;
  let feedSince = 0;
  const fed = new Map<string, number>();
  const feedSoon = () => {
    if (feedTimer || !clients.size || !store.shared) return;
    if (!feedSince) feedSince = wallClock();
    feedTimer = realSetTimeout(async () => {
      const now = wallClock();
      try {
        const rows = (await store.recent(feedSince - FEED_LAG_MS, FEED_ROWS)).filter((r) => !fed.has(r.row.id));
        for (const r of rows) fed.set(r.row.id, r.row.received_at_ms);
        for (const [id, at] of fed) if (at < now - 2 * FEED_LAG_MS) fed.delete(id);
        feedSince = now;
        if (rows.length && clients.size) {
          broadcast('events', '[' + rows.map((r) => listJson(r.row, r.json)).join(',') + ']');
          if (rows.some((r) => r.row.slot)) slotsSoon();
          coverageSoon();
        }
      } catch (e) {
        if (!closing) log.warn('collector: live feed failed: ' + e);
      }
      feedTimer = undefined;
      if (clients.size) feedSoon();
      else feedSince = 0;
    }, FEED_MS);
  };

  // Per client address: a token bucket, refilled at perSecond up to burst.
  const buckets = new Map<string, { tokens: number; at: number }>();
  const limited = (remote: string): number | undefined => {
    if (!rate || (!rate.loopback && isLoopback(remote.replace(/^::ffff:/, '')))) return undefined;
    const now = performance.now();
    let b = buckets.get(remote);
    if (!b) {
      // Full buckets are forgotten now and then, so a crowd of addresses cannot grow the map for ever.
      if (buckets.size >= 10_000) for (const [k, v] of buckets) if (v.tokens + ((now - v.at) / 1000) * rate.perSecond >= burst) buckets.delete(k);
      buckets.set(remote, (b = { tokens: burst, at: now }));
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate.perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate.perSecond));
  };

  const ingest = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const receivedAt = wallClock();
    const remote = req.socket.remoteAddress ?? '';
    let bytes = 0;
    try {
      if (req.method !== 'POST') throw new HttpError(405, { error: 'method not allowed', message: 'POST a batch here' }, { allow: 'POST' });
      const type = String(req.headers['content-type'] ?? '');
      if (!/^application\/json\b/i.test(type)) throw new HttpError(415, { error: 'unsupported media type', message: `content-type must be application/json, got ${JSON.stringify(type)}` });
      // 415, not 400: the SDK keeps and retries the events (a proxy that compresses can be fixed).
      const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      if (encoding !== 'identity') throw new HttpError(415, { error: 'unsupported media type', message: `content-encoding ${JSON.stringify(encoding)}: send the JSON uncompressed` });
      if (store.backlog > MAX_BACKLOG) throw new HttpError(503, { error: 'busy', message: `${store.backlog} events waiting for the database` }, { 'retry-after': '2' });
      const raw = await readBody(req, limit, bodyTimeout);
      bytes = raw.length;
      if (raw[0] === 0x1f && raw[1] === 0x8b) throw new HttpError(415, { error: 'unsupported media type', message: 'the body is gzip data without content-encoding: send the JSON uncompressed' });
      const checked = parseBatch(raw);
      if (!checked.ok) {
        const { index, field, message } = checked.error;
        throw new HttpError(400, { error: 'malformed' in checked ? 'malformed JSON' : 'invalid batch', ...(index !== undefined && { index }), field, message: `${field} ${message}` });
      }
      const { batch, warnings, eventWarnings } = checked;
      const violations = checkPlan && violationsOf(batch.events);
      const result = await store.ingest(batch, { receivedAt, remote, bytes, warnings, eventWarnings, violations });
      send(res, 200, {
        ok: true,
        stored: result.stored.length,
        duplicates: result.duplicates,
        warnings: warnings.map((w: Problem) => `${w.field}: ${w.message}`),
        // Events of this batch that differ from the tracking plan (stored all the same).
        ...(violations && { violations: violations.filter((v) => v?.length).length }),
      });
      if (!clients.size) return;
      if (result.stored.length && !store.shared) broadcast('events', '[' + result.stored.map((r, i) => listJson(r, result.storedJson[i])).join(',') + ']');
      if (result.duplicates) notice({ kind: 'duplicates', message: `batch ${result.batchId}: ${result.duplicates} duplicate event(s) dropped (already stored)` });
      for (const n of result.notices) notice(seqNotice(n));
      for (const w of warnings) notice({ kind: w.field === 'dropped' ? 'dropped' : 'warning', message: `batch ${result.batchId}: ${w.field}: ${w.message}` });
      if (result.stored.some((r) => r.slot) && !store.shared) slotsSoon();
      if (result.stored.length && !store.shared) coverageSoon();
    } catch (e) {
      if (!(e instanceof HttpError)) {
        // The client went away mid-body (req itself is destroyed after any complete body: not a sign).
        if (req.socket.destroyed) return;
        log.warn('collector: ' + ((e as Error).stack ?? e));
        send(res, 500, { error: 'internal error', message: String(e) });
        return;
      }
      // After 408 and 413 the rest of the body is not read: the connection cannot carry another request.
      const close = e.status === 413 || e.status === 408;
      send(res, e.status, e.body, close ? { connection: 'close', ...e.headers } : e.headers);
      if (close) req.socket.end();
      if (e.status === 503) return;
      const error = String(e.body.message ?? e.body.error);
      notice({ kind: 'rejected', status: e.status, message: `${e.status} from ${remote}: ${error}` });
      try {
        await store.reject({ receivedAt, remote, bytes, status: e.status, error });
      } catch (err) {
        log.warn('collector: could not record a refused request: ' + err);
      }
    }
  };

  const api = async (route: string, q: URLSearchParams, res: http.ServerResponse) => {
    switch (route) {
      case '/api/events':
        return send(
          res,
          200,
          await store.events({ name: q.get('name') || undefined, user: q.get('user') || undefined, page: q.get('page') || undefined, violations: q.get('violations') === '1', limit: Number(q.get('limit')) || 200 }),
        );
      case '/api/coverage':
        return send(res, 200, plan ? await store.query((s) => buildCoverage(s, plan)) : null);
      case '/api/slots':
        return send(res, 200, await store.slots());
      case '/api/facets':
        return send(res, 200, await store.facets());
      case '/api/rejected':
        return send(res, 200, await store.rejected());
      case '/api/report':
        return send(res, 200, await buildReport(store, undefined, plan));
      case '/api/analytics': {
        const tz = q.get('tz') === null ? 480 : Number(q.get('tz'));
        if (!Number.isInteger(tz) || Math.abs(tz) > 14 * 60) return send(res, 400, { error: 'bad request', field: 'tz', message: 'tz must be minutes east of UTC, -840 to 840' });
        return send(res, 200, await buildAnalytics(store, { tzMinutes: tz }));
      }
      case '/api/funnel': {
        let def: unknown;
        try {
          def = JSON.parse(q.get('def') ?? '');
        } catch {
          return send(res, 400, { error: 'bad request', field: 'def', message: 'def must be JSON: { "steps": [{ "name": "…", "where": { … } }], "within": "session" | days }' });
        }
        const problem = funnelProblem(def);
        if (problem) return send(res, 400, { error: 'bad request', field: 'def', message: problem });
        return send(res, 200, await store.query((s) => funnel(s, def as FunnelDef)));
      }
    }
    if (route.startsWith('/api/events/')) {
      let id: string;
      try {
        id = decodeURIComponent(route.slice('/api/events/'.length));
      } catch {
        return send(res, 400, { error: 'bad request', message: 'the event id is not valid percent-encoding' });
      }
      const row = await store.event(id);
      return row ? send(res, 200, row) : send(res, 404, { error: 'not found', message: `no event ${id}` });
    }
    return send(res, 404, { error: 'not found' });
  };

  const stream = (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 1000\n: connected\n\n');
    clients.set(res, true);
    req.on('close', () => clients.delete(res));
    feedSoon();
  };

  const cookieToken = (req: http.IncomingMessage) => {
    const m = new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]*)`).exec(String(req.headers.cookie ?? ''));
    return m ? m[1] : undefined;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    // The target as sent: origin-form only. new URL() throws on some (GET //, GET http://[), and
    // this parser does not; URLSearchParams takes any query.
    const target = req.url ?? '/';
    if (!target.startsWith('/') || target.startsWith('//')) return send(res, 400, { error: 'bad request', message: 'the request target must be a path' });
    const qAt = target.indexOf('?');
    const route = qAt < 0 ? target : target.slice(0, qAt);
    const q = new URLSearchParams(qAt < 0 ? '' : target.slice(qAt + 1));

    if (!hostAllowed(req.headers.host)) {
      stats.misdirected++;
      return send(res, 403, { error: 'host not allowed', message: `this collector does not answer to ${JSON.stringify(req.headers.host)}; add it with --allow-host` });
    }
    // Browsers send Origin on cross-origin reads and writes; the SDK's batches are checked by Host and token.
    const origin = req.headers.origin;
    if (route !== '/v1/batch' && origin !== undefined && origin !== 'null' && !hostAllowed(/^[a-z][\w+.-]*:\/\/([^/]*)/i.exec(origin)?.[1] ?? '\0')) {
      stats.misdirected++;
      return send(res, 403, { error: 'origin not allowed', message: `requests from ${origin} are not served` });
    }
    const retry = limited(req.socket.remoteAddress ?? '');
    if (retry !== undefined) {
      stats.limited++;
      return send(res, 429, { error: 'too many requests', message: `over ${rate!.perSecond} requests per second from this address` }, { 'retry-after': String(retry), connection: 'close' });
    }
    if (token) {
      // Stryker disable next-line MethodExpression,StringLiteral: Node trims a header value and `\s+` takes every space before the token, so trim() changes nothing; a missing header matches no `Bearer` whatever it defaults to
      const given = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1]?.trim() ?? cookieToken(req);
      if (!sameSecret(given, token)) {
        // The live view opened as /?token=…: the token goes into a cookie, and out of the address bar.
        if (req.method === 'GET' && route === '/' && sameSecret(q.get('token') ?? undefined, token)) {
          return send(res, 303, '', { location: '/', 'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/` });
        }
        stats.unauthorized++;
        return send(res, 401, { error: 'unauthorized', message: 'this collector needs its token: Authorization: Bearer <token> (the live view: open /?token=<token>)' }, { 'www-authenticate': 'Bearer' });
      }
    }

    if (route === '/v1/batch') return ingest(req, res);
    if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
    if (route === '/' || route === '/index.html') return send(res, 200, readFileSync(LIVE_HTML, 'utf8'), { 'content-type': 'text/html; charset=utf-8' });
    if (route === '/dashboard') return send(res, 200, readFileSync(DASHBOARD_HTML, 'utf8'), { 'content-type': 'text/html; charset=utf-8' });
    if (route === '/api/stream') return stream(req, res);
    if (route === '/health') {
      let buffered = 0;
      for (const c of clients.keys()) buffered += c.writableLength;
      return send(res, 200, { ok: true, backlog: store.backlog, stream: { readers: clients.size, buffered, dropped: stats.streamDropped }, refused: { rateLimited: stats.limited, unauthorized: stats.unauthorized, hostOrOrigin: stats.misdirected } });
    }
    if (route.startsWith('/api/')) return api(route, q, res);
    return send(res, 404, { error: 'not found', message: 'the SDK posts to /v1/batch; the live view is at /' });
  };

  const server = http.createServer(
    {
      headersTimeout: headersTimeout,
      // Node's own bound on the whole request, behind the body timer of readBody.
      requestTimeout: headersTimeout + bodyTimeout + 1000,
      // How often Node checks those two; its default (30 s) would let a slow head live that long.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
    (req, res) => {
      handle(req, res).catch((e) => {
        log.warn('collector: ' + ((e as Error).stack ?? e));
        send(res, 500, { error: 'internal error' });
      });
    },
  );
  server.keepAliveTimeout = 5000;
  // A malformed request line or head: Node answers 400 itself and this keeps it from being an error.
  server.on('clientError', (e: NodeJS.ErrnoException, socket) => {
    const status = e.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : e.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable && e.code !== 'ECONNRESET') socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  const heartbeat = realSetInterval(() => {
    for (const c of clients.keys()) if (c.writableLength <= streamLimit) c.write(': ping\n\n');
  }, 15_000);
  heartbeat.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 8787, host, () => resolve());
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  if (!isLoopback(host)) {
    const bar = '!'.repeat(78);
    log.warn(
      [
        bar,
        `!! WARNING: the collector listens on ${host}:${port}, not on 127.0.0.1.`,
        '!! Anyone who can reach this address can try to post events and open the live view, which',
        token
          ? '!! shows user ids and event properties: they need the token, which travels unencrypted (plain HTTP).'
          : '!! shows user ids and event properties. There is no authentication (--insecure): use this only on a',
        token ? '!! Use this only on a network you trust (e.g. to reach a phone on your Wi-Fi).' : '!! network you trust (e.g. to reach a phone on your Wi-Fi), never on a public one.',
        bar,
      ].join('\n'),
    );
  }
  const base = `http://${shown === '0.0.0.0' || shown === '[::]' ? '127.0.0.1' : shown}:${port}`;
  return {
    url: base + '/v1/batch',
    liveUrl: base + '/',
    port,
    store,
    async close() {
      closing = true;
      realClearInterval(heartbeat);
      if (slotsTimer) realClearTimeout(slotsTimer);
      if (coverageTimer) realClearTimeout(coverageTimer);
      if (feedTimer) realClearTimeout(feedTimer);
      for (const c of clients.keys()) c.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
    },
  };
}

function seqNotice(n: SeqNotice): Omit<Notice, 'at'> {
  const range = n.from === n.to ? `seq ${n.from}` : `seq ${n.from}–${n.to}`;
  return n.kind === 'gap'
    ? { kind: 'gap', anonymousId: n.anonymousId, message: `gap: ${range} missing for ${n.anonymousId}` }
    : { kind: 'late', anonymousId: n.anonymousId, message: `late: ${range} arrived for ${n.anonymousId}` };
}
