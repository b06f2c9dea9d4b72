/**
 * A tracking-collector stand-in for tests: an HTTP server on 127.0.0.1 (port 0) that records
 * every request and answers 200 by default.
 *
 * - `setResponder(fn)` decides each reply: `{ status, headers?, body? }`, or
 *   `{ action: 'reset' }` (destroy the socket without answering), or `{ action: 'stall' }`
 *   (never answer; the socket stays open until the client gives up or close()).
 * - `events()` flattens `body.events` (or a top-level array body) of the requests that got a
 *   2xx answer: only those count as delivered.
 * - Stalled requests are reported to the simulator (registerStallSource) so that
 *   `runUntil` may advance the fake clock while they wait for their timeout.
 * Connections are not kept alive (`Connection: close`); close() destroys any open socket.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerStallSource } from '../sim/request';

export interface CollectorRequestInfo {
  /** JSON-parsed body, or the raw text when it is not JSON */
  body: unknown;
  raw: string;
  headers: http.IncomingHttpHeaders;
  method: string;
  path: string;
  /** 0-based arrival index */
  index: number;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: unknown } | { action: 'reset' } | { action: 'stall' };

export type Responder = (req: CollectorRequestInfo) => Reply;

export interface RecordedRequest extends CollectorRequestInfo {
  /** status answered; null when the socket was reset or the request stalled */
  status: number | null;
  outcome: 'answered' | 'reset' | 'stall';
}

export interface Collector {
  /** endpoint URL ('http://127.0.0.1:<port>/collect'; any path is accepted) */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** parsed bodies of all requests, in arrival order */
  batches: unknown[];
  /** events of 2xx-answered requests, flattened in arrival order */
  events(): Record<string, unknown>[];
  /** distinct ids of delivered events (field `key`, default: first of id/eventId/event_id/uuid present) */
  uniqueIds(key?: string): Set<unknown>;
  /** ids delivered more than once */
  duplicateIds(key?: string): unknown[];
  setResponder(fn: Responder | null): void;
  /** requests currently held open by a 'stall' reply */
  stalled(): number;
  close(): Promise<void>;
}

export interface CollectorOptions {
  responder?: Responder;
}

const DEFAULT_REPLY: Reply = { status: 200, body: { ok: true } };
const ID_KEYS = ['id', 'eventId', 'event_id', 'uuid'];

function eventsOf(body: unknown): Record<string, unknown>[] {
  const list = Array.isArray(body)
    ? body
    : typeof body === 'object' && body !== null && Array.isArray((body as { events?: unknown }).events)
      ? (body as { events: unknown[] }).events
      : [];
  return list.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
}

function idOf(e: Record<string, unknown>, key?: string): unknown {
  if (key !== undefined) return e[key];
  for (const k of ID_KEYS) if (e[k] !== undefined) return e[k];
  return undefined;
}

export async function startCollector(opts: CollectorOptions = {}): Promise<Collector> {
  let responder: Responder | null = opts.responder ?? null;
  const requests: RecordedRequest[] = [];
  const batches: unknown[] = [];
  const stalledSet = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw === '' ? raw : JSON.parse(raw);
      } catch {
        body = raw;
      }
      const info: CollectorRequestInfo = {
        body,
        raw,
        headers: req.headers,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        index: requests.length,
      };
      let reply: Reply;
      try {
        reply = responder ? responder(info) : DEFAULT_REPLY;
      } catch (err) {
        reply = { status: 500, body: { error: String(err) } };
      }
      const rec: RecordedRequest = { ...info, status: null, outcome: 'answered' };
      requests.push(rec);
      batches.push(body);
      if ('action' in reply) {
        rec.outcome = reply.action;
        if (reply.action === 'reset') {
          req.socket.destroy();
        } else {
          stalledSet.add(res);
          res.on('close', () => stalledSet.delete(res));
          req.socket.on('close', () => stalledSet.delete(res));
        }
        return;
      }
      rec.status = reply.status;
      const headers: Record<string, string> = { Connection: 'close', ...(reply.headers ?? {}) };
      let out = '';
      if (reply.body !== undefined) {
        if (typeof reply.body === 'string') out = reply.body;
        else {
          out = JSON.stringify(reply.body);
          if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
        }
      }
      res.writeHead(reply.status, headers);
      res.end(out);
    });
  });
  server.keepAliveTimeout = 1;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const unregister = registerStallSource(() => stalledSet.size);

  const delivered = (): Record<string, unknown>[] =>
    requests.filter((r) => r.status !== null && r.status >= 200 && r.status < 300).flatMap((r) => eventsOf(r.body));

  let closed = false;
  return {
    url: `http://127.0.0.1:${port}/collect`,
    port,
    requests,
    batches,
    events: delivered,
    uniqueIds(key) {
      const s = new Set<unknown>();
      for (const e of delivered()) {
        const id = idOf(e, key);
        if (id !== undefined) s.add(id);
      }
      return s;
    },
    duplicateIds(key) {
      const seen = new Set<unknown>();
      const dup: unknown[] = [];
      for (const e of delivered()) {
        const id = idOf(e, key);
        if (id === undefined) continue;
        if (seen.has(id) && !dup.includes(id)) dup.push(id);
        seen.add(id);
      }
      return dup;
    },
    setResponder(fn) {
      responder = fn;
    },
    stalled: () => stalledSet.size,
    async close() {
      if (closed) return;
      closed = true;
      unregister();
      stalledSet.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
