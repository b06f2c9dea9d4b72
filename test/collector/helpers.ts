/**
 * Shared by the collector tests: a collector on a fresh file under the OS temp folder, events in
 * the wire format, posts through fetch, and raw requests through a socket for what fetch refuses to
 * send (absolute-form targets, broken headers, bytes that are not UTF-8).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startCollector, type Collector, type CollectorOptions } from '../../collector/server';

export interface Running {
  c: Collector;
  warnings: string[];
  close(): Promise<void>;
}

export async function start(over: Partial<CollectorOptions> = {}): Promise<Running> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wetrack-collector-'));
  const warnings: string[] = [];
  const c = await startCollector({ port: 0, db: path.join(dir, 'c.duckdb'), log: { info: () => {}, warn: (m) => warnings.push(m) }, ...over });
  return {
    c,
    warnings,
    async close() {
      await c.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let n = 0;
export const event = (over: Record<string, unknown> = {}) => ({
  id: 'evt' + String(++n).padStart(9, '0'),
  seq: n,
  name: 'add_to_cart',
  time: 1_750_000_000_000 + n,
  anonymousId: 'anon-a',
  sessionId: 'sess-1',
  page: 'pages/product/index',
  properties: { product_code: 'VG-101', price: 12.9, quantity: 1 },
  ...over,
});
export const batch = (events: unknown[], over: Record<string, unknown> = {}) => ({ sentAt: 1_750_000_001_000, context: { lib: 'wetrack', platform: 'ios' }, events, ...over });

export async function post(c: Collector, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body) });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Writes bytes to the collector's port and resolves with what came back when the server closed or answered. */
export function raw(c: Collector, bytes: string | Buffer, opts: { end?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(c.port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      // One answer is enough: the head and a body of the length it declares.
      const m = /\r\n\r\n/.exec(got);
      const len = /content-length: (\d+)/i.exec(got);
      if (m && len && got.length >= m.index + 4 + Number(len[1])) s.destroy(), resolve(got);
    });
    s.on('close', () => resolve(got));
    s.on('error', reject);
    s.write(bytes);
    if (opts.end) s.end();
  });
}

export const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);

export async function count(c: Collector, where = 'true') {
  return (await c.store.query((s) => s.rows<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM events WHERE ${where}`)))[0]!.n;
}

export const base = (c: Collector) => c.liveUrl.replace(/\/$/, '');
