/**
 * The collector's HTTP server.
 *
 *   POST /v1/batch     the wire format (README). 200 { stored, duplicates, warnings };
 *                      400 { error, index, field, message } for a bad batch (nothing of it is stored);
 *                      413 over the body limit; 415 not JSON; 405 another method.
 *   GET  /             the live view (live.html)
 *   GET  /api/stream   server-sent events: `events` (rows just stored), `notice` (refused requests,
 *                      seq gaps, late arrivals, duplicates, drops, warnings), `slots` (the slot table)
 *   GET  /api/events?name=&user=&page=&limit=   newest first; user = anonymous id or user id
 *   GET  /api/slots, /api/facets, /api/rejected, /api/report, /health
 *
 * It listens on 127.0.0.1 unless told otherwise, and says loudly when it is told otherwise: it has
 * no authentication, and the live view shows user ids and event properties.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as timers from 'node:timers';
import { buildReport } from './report';
import { Store, type EventRow, type SeqNotice } from './store';
import { validateBatch, type Problem } from './validate';

// Real time, taken at load: the demo runs the collector beside fake timers (they patch node:timers too).
const realSetTimeout = timers.setTimeout;
const realSetInterval = timers.setInterval;
const realClearInterval = timers.clearInterval;
const wallClock = () => Math.round(performance.timeOrigin + performance.now());

export interface CollectorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** DuckDB file. */
  db: string;
  /** Largest request body accepted. Default 1 MiB (the SDK sends at most maxBatchBytes, 500 KB by default). */
  maxBodyBytes?: number;
  /** Where the collector's own messages go. Default console. */
  log?: { info(msg: string): void; warn(msg: string): void };
}

export interface Collector {
  /** Where the SDK posts: http://host:port/v1/batch */
  url: string;
  /** The live view. */
  liveUrl: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

export interface Notice {
  kind: 'rejected' | 'gap' | 'late' | 'duplicates' | 'dropped' | 'warning';
  at: number;
  message: string;
  status?: number;
  anonymousId?: string;
}

const LOCAL = new Set(['127.0.0.1', 'localhost', '::1']);
const LIVE_HTML = path.join(__dirname, 'live.html');

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? body.error));
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** Reads the body up to `limit` bytes; past it, 413 (the rest is not read). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new HttpError(413, { error: 'body too large', message: `${declared} bytes; the limit is ${limit}`, limit }));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new HttpError(413, { error: 'body too large', message: `over ${limit} bytes`, limit }));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startCollector(opts: CollectorOptions): Promise<Collector> {
  const host = opts.host ?? '127.0.0.1';
  const limit = opts.maxBodyBytes ?? 1024 * 1024;
  const log = opts.log ?? { info: (m: string) => console.log(m), warn: (m: string) => console.warn(m) };
  const store = await Store.open(opts.db);
  const clients = new Set<http.ServerResponse>();
  let slotsTimer: ReturnType<typeof setTimeout> | undefined;

  const broadcast = (event: string, data: unknown) => {
    if (!clients.size) return;
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of clients) c.write(frame);
  };
  const notice = (n: Omit<Notice, 'at'>) => broadcast('notice', { ...n, at: wallClock() });
  // The slot table follows the events, at most every 250 ms.
  const slotsSoon = () => {
    if (slotsTimer || !clients.size) return;
    slotsTimer = realSetTimeout(async () => {
      slotsTimer = undefined;
      try {
        broadcast('slots', await store.slots());
      } catch (e) {
        log.warn('collector: slot table failed: ' + e);
      }
    }, 250);
  };

  const ingest = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const receivedAt = wallClock();
    const remote = req.socket.remoteAddress ?? '';
    let bytes = 0;
    try {
      if (req.method !== 'POST') throw new HttpError(405, { error: 'method not allowed', message: 'POST a batch here' });
      const type = String(req.headers['content-type'] ?? '');
      if (!/^application\/json\b/i.test(type)) throw new HttpError(415, { error: 'unsupported media type', message: `content-type must be application/json, got ${JSON.stringify(type)}` });
      const raw = await readBody(req, limit);
      bytes = raw.length;
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (e) {
        throw new HttpError(400, { error: 'malformed JSON', field: '(body)', message: (e as Error).message });
      }
      const checked = validateBatch(body);
      if (!checked.ok) {
        const { index, field, message } = checked.error;
        throw new HttpError(400, { error: 'invalid batch', ...(index !== undefined && { index }), field, message: `${field} ${message}` });
      }
      const { batch, warnings, eventWarnings } = checked;
      const result = await store.ingest(batch, { receivedAt, remote, bytes, warnings, eventWarnings });
      send(res, 200, { ok: true, stored: result.stored.length, duplicates: result.duplicates, warnings: warnings.map((w: Problem) => `${w.field}: ${w.message}`) });
      if (result.stored.length) broadcast('events', result.stored);
      if (result.duplicates) notice({ kind: 'duplicates', message: `batch ${result.batchId}: ${result.duplicates} duplicate event(s) dropped (already stored)` });
      for (const n of result.notices) notice(seqNotice(n));
      for (const w of warnings) notice({ kind: w.field === 'dropped' ? 'dropped' : 'warning', message: `batch ${result.batchId}: ${w.field}: ${w.message}` });
      if (result.stored.some((r: EventRow) => r.slot)) slotsSoon();
    } catch (e) {
      if (!(e instanceof HttpError)) {
        log.warn('collector: ' + ((e as Error).stack ?? e));
        send(res, 500, { error: 'internal error', message: String(e) });
        return;
      }
      const headers: Record<string, string> = e.status === 413 ? { connection: 'close' } : e.status === 405 ? { allow: 'POST' } : {};
      send(res, e.status, e.body, headers);
      if (e.status === 413) req.socket.end();
      const error = String(e.body.message ?? e.body.error);
      notice({ kind: 'rejected', status: e.status, message: `${e.status} from ${remote}: ${error}` });
      try {
        await store.reject({ receivedAt, remote, bytes, status: e.status, error });
      } catch (err) {
        log.warn('collector: could not record a refused request: ' + err);
      }
    }
  };

  const api = async (url: URL, res: http.ServerResponse) => {
    const q = url.searchParams;
    switch (url.pathname) {
      case '/api/events':
        return send(res, 200, await store.events({ name: q.get('name') || undefined, user: q.get('user') || undefined, page: q.get('page') || undefined, limit: Number(q.get('limit')) || 200 }));
      case '/api/slots':
        return send(res, 200, await store.slots());
      case '/api/facets':
        return send(res, 200, await store.facets());
      case '/api/rejected':
        return send(res, 200, await store.rejected());
      case '/api/report':
        return send(res, 200, await buildReport(store));
      default:
        return send(res, 404, { error: 'not found' });
    }
  };

  const stream = (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 1000\n: connected\n\n');
    clients.add(res);
    req.on('close', () => clients.delete(res));
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://collector');
    const route = url.pathname;
    const run = async () => {
      if (route === '/v1/batch') return ingest(req, res);
      if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
      if (route === '/' || route === '/index.html') return send(res, 200, readFileSync(LIVE_HTML, 'utf8'), { 'content-type': 'text/html; charset=utf-8' });
      if (route === '/api/stream') return stream(req, res);
      if (route === '/health') return send(res, 200, { ok: true });
      if (route.startsWith('/api/')) return api(url, res);
      return send(res, 404, { error: 'not found', message: 'the SDK posts to /v1/batch; the live view is at /' });
    };
    run().catch((e) => {
      log.warn('collector: ' + ((e as Error).stack ?? e));
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });
  server.keepAliveTimeout = 5000;
  const heartbeat = realSetInterval(() => {
    for (const c of clients) c.write(': ping\n\n');
  }, 15_000);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8787, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  if (!LOCAL.has(host)) {
    const bar = '!'.repeat(78);
    log.warn(
      [
        bar,
        `!! WARNING: the collector listens on ${host}:${port}, not on 127.0.0.1.`,
        '!! Anyone who can reach this address can post events and open the live view, which',
        '!! shows user ids and event properties. There is no authentication: use this only on a',
        '!! network you trust (e.g. to reach a phone on your Wi-Fi), never on a public one.',
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
      realClearInterval(heartbeat);
      for (const c of clients) c.end();
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
