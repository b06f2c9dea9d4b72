/**
 * The collector's live side and its smaller answers, in process: the event stream GET /api/stream
 * (its opening, the `events`, `slots`, `coverage` and `notice` frames: duplicates, seq gaps and late
 * arrivals, drops, other warnings, refused requests; a reader that leaves is forgotten), the API
 * routes /api/slots, /api/facets, /api/rejected, /api/coverage, /api/events/<id> and an unknown one,
 * the 413 and 408 bodies and their headers, allowedHosts with IPv6 addresses and names with a colon,
 * and which hosts count as loopback (listening there needs no token).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanCoverage } from '../../collector/coverage';
import { startCollector, type Collector } from '../../collector/server';
import type { EventRow, SlotRow } from '../../collector/store';
import { loadPlan } from '../../plan/load';
import { base, batch, event, post, raw, start, type Running } from './helpers';

const PLAN = loadPlan(path.resolve(__dirname, '../../example-miniprogram/tracking-plan.json')).plan!;
const WAIT_MS = 5000;
/** The bound on every wait for the server: a timer that fails the wait, never one the test sleeps on. */
const bounded = (f: () => void) => setTimeout(f, WAIT_MS);

interface Frame {
  event: string;
  data: string;
}

/** A reader of GET /api/stream: every byte received, and the named frames parsed as they arrive. */
interface Stream {
  status: number;
  headers: http.IncomingHttpHeaders;
  text(): string;
  /** The first frame of this event (matching `pred`) not taken yet; rejects after WAIT_MS. */
  next<T = unknown>(event: string, pred?: (data: T) => boolean): Promise<T>;
  close(): void;
}

/** Opens the stream and resolves once its first bytes are in (the server counts the reader by then). */
function openStream(c: Collector): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: c.port, path: '/api/stream', agent: false }, (res) => {
      let all = '';
      let rest = '';
      const frames: Frame[] = [];
      const taken = new Set<number>();
      const waiters = new Set<() => void>();
      const opened = bounded(() => reject(new Error('the stream sent nothing')));
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        all += d;
        rest += d;
        let end: number;
        while ((end = rest.indexOf('\n\n')) >= 0) {
          const block = rest.slice(0, end);
          rest = rest.slice(end + 2);
          const lines = block.split('\n');
          const ev = lines.find((l) => l.startsWith('event: '));
          const data = lines.find((l) => l.startsWith('data: '));
          if (ev && data !== undefined) frames.push({ event: ev.slice('event: '.length), data: data.slice('data: '.length) });
        }
        for (const w of [...waiters]) w();
        clearTimeout(opened);
        resolve(stream);
      });
      res.on('error', () => {});
      const stream: Stream = {
        status: res.statusCode!,
        headers: res.headers,
        text: () => all,
        next<T>(event: string, pred: (data: T) => boolean = () => true) {
          return new Promise<T>((ok, fail) => {
            const look = () => {
              for (let i = 0; i < frames.length; i++) {
                if (taken.has(i) || frames[i]!.event !== event) continue;
                const data = JSON.parse(frames[i]!.data) as T;
                if (!pred(data)) continue;
                taken.add(i);
                waiters.delete(look);
                clearTimeout(timer);
                ok(data);
                return;
              }
            };
            const timer = bounded(() => {
              waiters.delete(look);
              fail(new Error(`no ${event} frame within ${WAIT_MS} ms; frames: ${JSON.stringify(frames)}`));
            });
            waiters.add(look);
            look();
          });
        },
        close: () => req.destroy(),
      };
    });
    req.on('error', reject);
  });
}
/** A request with the headers given (fetch does not let a test set Host, nor shows Connection). */
function request(port: number, method: string, target: string, headers: Record<string, string> = {}, body = '', host = '127.0.0.1'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path: target, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const get = (port: number, target: string, headers: Record<string, string> = {}, host = '127.0.0.1') => request(port, 'GET', target, headers, '', host);

/** A raw HTTP/1.1 answer split into status, lower-case headers and body. */
function parseRaw(response: string) {
  const at = response.indexOf('\r\n\r\n');
  expect(at).toBeGreaterThan(0);
  const [statusLine, ...lines] = response.slice(0, at).split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
  let body = response.slice(at + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    let text = '';
    for (let size: number; (size = parseInt(body, 16)) > 0; ) {
      const from = body.indexOf('\r\n') + 2;
      text += body.slice(from, from + size);
      body = body.slice(from + size + 2);
    }
    body = text;
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: JSON.parse(body) as unknown };
}

const lastBatchId = async (c: Collector) => (await c.store.query((s) => s.rows<{ b: number }>('SELECT max(batch_id)::DOUBLE AS b FROM batches')))[0]!.b;
const health = async (c: Collector) => (await (await fetch(base(c) + '/health')).json()) as { stream: { readers: number; buffered: number; dropped: number } };
/** Polls a condition every 5 ms until it holds (true) or WAIT_MS pass (false). */
async function until(cond: () => boolean | Promise<boolean>) {
  const end = Date.now() + WAIT_MS;
  while (!(await cond())) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}
/** The count of stream readers once it is `n` (the server sees a reader leave a moment after it closed), or after WAIT_MS. */
async function readersBecome(c: Collector, n: number) {
  await until(async () => (await health(c)).stream.readers === n);
  return (await health(c)).stream.readers;
}
const anyTime = expect.any(Number);

describe('the live stream, GET /api/stream', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start({ maxBodyBytes: 4096 });
  });
  afterAll(async () => {
    await r?.close();
  });

  it('answers text/event-stream, not cached, opening with retry: 1000 and a connected comment', async () => {
    const s = await openStream(r.c);
    try {
      expect(s.status).toBe(200);
      expect(s.headers['content-type']).toBe('text/event-stream');
      expect(s.headers['cache-control']).toBe('no-store');
      expect(s.headers.connection).toBe('keep-alive');
      expect(s.text().startsWith('retry: 1000\n: connected\n\n')).toBe(true);
      expect((await health(r.c)).stream).toEqual({ readers: 1, buffered: 0, dropped: 0 });
    } finally {
      s.close();
    }
  });

  it('sends each stored batch as an events frame: the rows, as GET /api/events/<id> has them', async () => {
    const s = await openStream(r.c);
    try {
      const a = event({ anonymousId: 'anon-ev', seq: 1, name: 'view_product' });
      const b = event({ anonymousId: 'anon-ev', seq: 2, name: 'add_to_cart', properties: { product_code: 'VG-102', price: 3.5, quantity: 2 } });
      expect((await post(r.c, batch([a, b]))).body).toEqual({ ok: true, stored: 2, duplicates: 0, warnings: [] });
      const rows = await s.next<EventRow[]>('events', (d) => d.some((e) => e.anonymous_id === 'anon-ev'));
      expect(rows.map((e) => [e.id, e.seq, e.name, e.anonymous_id])).toEqual([
        [a.id, 1, 'view_product', 'anon-ev'],
        [b.id, 2, 'add_to_cart', 'anon-ev'],
      ]);
      expect(rows[1]!.properties).toEqual({ product_code: 'VG-102', price: 3.5, quantity: 2 });
      for (const row of rows) expect(row).toEqual(await (await fetch(base(r.c) + '/api/events/' + row.id)).json());
    } finally {
      s.close();
    }
  });

  it('sends the slot table (exposures, taps, ctr) after slot events, one table for the batches of one 250 ms', async () => {
    const s = await openStream(r.c);
    try {
      const slot = (name: string, id: string) => event({ name, anonymousId: 'anon-slot', properties: { slot: id } });
      // Two batches stored in one write (the store held until both wait), so both ask for the table at once.
      let open!: () => void;
      const gate = r.c.store.query(() => new Promise<void>((resolve) => (open = resolve)));
      const posts = Promise.all([post(r.c, batch([slot('$exposure', 'live.banner.1')])), post(r.c, batch([slot('$exposure', 'live.banner.1'), slot('$tap', 'live.banner.1'), slot('$exposure', 'live.banner.2')]))]);
      expect(await until(() => r.c.store.backlog === 4)).toBe(true);
      open();
      await gate;
      expect((await posts).map((p) => p.status)).toEqual([200, 200]);
      expect(await s.next<SlotRow[]>('slots')).toEqual([
        { slot: 'live.banner.1', exposures: 2, taps: 1, ctr: 0.5 },
        { slot: 'live.banner.2', exposures: 1, taps: 0, ctr: 0 },
      ]);
      // The next table is the one after the next slot batch: none was queued twice for the two above.
      expect((await post(r.c, batch([slot('$tap', 'live.banner.2')]))).status).toBe(200);
      expect(await s.next<SlotRow[]>('slots')).toEqual([
        { slot: 'live.banner.1', exposures: 2, taps: 1, ctr: 0.5 },
        { slot: 'live.banner.2', exposures: 1, taps: 1, ctr: 1 },
      ]);
      expect(await (await fetch(base(r.c) + '/api/slots')).json()).toEqual([
        { slot: 'live.banner.1', exposures: 2, taps: 1, ctr: 0.5 },
        { slot: 'live.banner.2', exposures: 1, taps: 1, ctr: 1 },
      ]);
    } finally {
      s.close();
    }
  });

  it('sends a duplicates notice, naming the batch, for a batch sent twice', async () => {
    const s = await openStream(r.c);
    try {
      const twice = batch([event({ anonymousId: 'anon-dup', seq: 1 }), event({ anonymousId: 'anon-dup', seq: 2 })]);
      expect((await post(r.c, twice)).body).toMatchObject({ stored: 2, duplicates: 0 });
      expect((await post(r.c, twice)).body).toEqual({ ok: true, stored: 0, duplicates: 2, warnings: [] });
      const id = await lastBatchId(r.c);
      expect(await s.next('notice', (n: { kind: string }) => n.kind === 'duplicates')).toEqual({ kind: 'duplicates', message: `batch ${id}: 2 duplicate event(s) dropped (already stored)`, at: anyTime });
    } finally {
      s.close();
    }
  });

  it('sends gap notices (seq N, seq N–M) and late notices per anonymous id', async () => {
    const s = await openStream(r.c);
    try {
      const at = (seq: number) => event({ anonymousId: 'anon-gap', seq });
      for (const seqs of [[1, 2], [5], [7], [4]]) expect((await post(r.c, batch(seqs.map(at)))).status).toBe(200);
      const mine = (n: { anonymousId?: string }) => n.anonymousId === 'anon-gap';
      const before = Date.now();
      const got = [await s.next('notice', mine), await s.next('notice', mine), await s.next('notice', mine)];
      expect(got).toEqual([
        { kind: 'gap', anonymousId: 'anon-gap', message: 'gap: seq 3–4 missing for anon-gap', at: anyTime },
        { kind: 'gap', anonymousId: 'anon-gap', message: 'gap: seq 6 missing for anon-gap', at: anyTime },
        { kind: 'late', anonymousId: 'anon-gap', message: 'late: seq 4 arrived for anon-gap', at: anyTime },
      ]);
      // `at` is the wall clock when the notice went out.
      for (const n of got as { at: number }[]) expect(Math.abs(n.at - before)).toBeLessThan(60_000);
    } finally {
      s.close();
    }
  });

  it("sends a batch's dropped count as a dropped notice and its other warnings as warning notices", async () => {
    const s = await openStream(r.c);
    try {
      const res = await post(r.c, batch([event({ anonymousId: 'anon-drop', seq: 1 })], { dropped: 3, extra: true }));
      expect(res.body).toEqual({ ok: true, stored: 1, duplicates: 0, warnings: ['extra: unknown field extra (not stored)', 'dropped: 3 event(s) dropped on the phone (queue over maxQueueEvents)'] });
      const [row] = await s.next<EventRow[]>('events', (d) => d[0]?.anonymous_id === 'anon-drop');
      const id = row!.batch_id;
      expect(id).toBe(await lastBatchId(r.c));
      expect(await s.next('notice', (n: { kind: string }) => n.kind === 'warning')).toEqual({ kind: 'warning', message: `batch ${id}: extra: unknown field extra (not stored)`, at: anyTime });
      expect(await s.next('notice', (n: { kind: string }) => n.kind === 'dropped')).toEqual({ kind: 'dropped', message: `batch ${id}: dropped: 3 event(s) dropped on the phone (queue over maxQueueEvents)`, at: anyTime });
    } finally {
      s.close();
    }
  });

  it('sends a rejected notice with the status and the message of each refused request', async () => {
    const s = await openStream(r.c);
    try {
      expect((await post(r.c, batch([event()]), { 'content-type': 'text/plain' })).status).toBe(415);
      expect((await fetch(r.c.url)).status).toBe(405);
      const rejected = (n: { kind: string }) => n.kind === 'rejected';
      expect(await s.next('notice', rejected)).toEqual({ kind: 'rejected', status: 415, message: '415 from 127.0.0.1: content-type must be application/json, got "text/plain"', at: anyTime });
      expect(await s.next('notice', rejected)).toEqual({ kind: 'rejected', status: 405, message: '405 from 127.0.0.1: POST a batch here', at: anyTime });
    } finally {
      s.close();
    }
  });

  it('forgets a reader that closed: /health counts it out, and later frames go to the others only', async () => {
    const gone = await openStream(r.c);
    const stays = await openStream(r.c);
    try {
      expect((await health(r.c)).stream.readers).toBe(2);
      gone.close();
      expect(await readersBecome(r.c, 1)).toBe(1);
      const e = event({ anonymousId: 'anon-after-close', seq: 1 });
      expect((await post(r.c, batch([e]))).status).toBe(200);
      expect((await stays.next<EventRow[]>('events', (d) => d[0]?.anonymous_id === 'anon-after-close')).map((x) => x.id)).toEqual([e.id]);
      expect((await health(r.c)).stream).toEqual({ readers: 1, buffered: 0, dropped: 0 });
      expect(r.warnings).toEqual([]);
    } finally {
      stays.close();
    }
    expect(await readersBecome(r.c, 0)).toBe(0);
  });
});

describe('the live stream with a tracking plan', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start({ plan: PLAN });
  });
  afterAll(async () => {
    await r?.close();
  });

  it('sends the coverage after stored events, as GET /api/coverage has it', async () => {
    const s = await openStream(r.c);
    try {
      const good = event({ anonymousId: 'anon-plan', seq: 1, page: 'pages/product/index', properties: { product_code: 'VG-101', price: 12.9, quantity: 1 } });
      const bad = event({ anonymousId: 'anon-plan', seq: 2, page: 'pages/product/index', properties: { product_code: 'VG-101', price: 12.9, quantity: '2' } });
      expect((await post(r.c, batch([good, bad]))).body).toEqual({ ok: true, stored: 2, duplicates: 0, warnings: [], violations: 1 });
      const cov = await s.next<PlanCoverage>('coverage');
      expect([cov.total, cov.checked, cov.invalid]).toEqual([2, 2, 1]);
      expect(cov.events.find((e) => e.name === 'add_to_cart')).toMatchObject({ seen: true, events: 2, checked: 2, valid: 1, validShare: 0.5 });
      expect(cov.violations.map((v) => [v.name, v.field, v.events, v.exampleId])).toEqual([['add_to_cart', 'properties.quantity', 1, bad.id]]);
      expect(await (await fetch(base(r.c) + '/api/coverage')).json()).toEqual(cov);
    } finally {
      s.close();
    }
  });
});

describe('the API routes', () => {
  let r: Running;
  const stored = [
    event({ name: 'add_to_cart', page: 'pages/product/index', properties: { product_code: 'VG-101', note: 'a b' } }),
    event({ name: '$exposure', page: 'pages/home/index', properties: { slot: 'home.banner.1' } }),
    event({ name: '$tap', page: 'pages/home/index', properties: { slot: 'home.banner.1' } }),
    event({ name: '$exposure', page: 'pages/home/index', properties: { slot: 'home.banner.2' } }),
  ];
  beforeAll(async () => {
    r = await start();
    expect((await post(r.c, batch(stored))).body).toMatchObject({ stored: 4 });
  });
  afterAll(async () => {
    await r?.close();
  });

  const json = async (route: string) => {
    const res = await get(r.c.port, route);
    expect(res.headers['content-type'], route).toBe('application/json');
    expect(res.headers['cache-control'], route).toBe('no-store');
    return { status: res.status, body: JSON.parse(res.body) as unknown, text: res.body };
  };

  it('GET /api/slots: exposures, taps and ctr per slot, ordered by slot', async () => {
    expect(await json('/api/slots')).toMatchObject({
      status: 200,
      body: [
        { slot: 'home.banner.1', exposures: 1, taps: 1, ctr: 1 },
        { slot: 'home.banner.2', exposures: 1, taps: 0, ctr: 0 },
      ],
    });
  });

  it('GET /api/facets: the event names and pages seen, sorted', async () => {
    expect(await json('/api/facets')).toMatchObject({ status: 200, body: { names: ['$exposure', '$tap', 'add_to_cart'], pages: ['pages/home/index', 'pages/product/index'] } });
  });

  it('GET /api/rejected: the refused requests, newest first, with status, error and remote', async () => {
    expect(await json('/api/rejected')).toMatchObject({ status: 200, body: [] });
    expect((await post(r.c, batch([]))).status).toBe(400);
    expect((await post(r.c, batch([event()]), { 'content-encoding': 'gzip' })).status).toBe(415);
    const { body } = await json('/api/rejected');
    expect(body).toEqual([
      { batch_id: expect.any(Number), received_at_ms: anyTime, status: 415, error: 'content-encoding "gzip": send the JSON uncompressed', remote: '127.0.0.1' },
      { batch_id: expect.any(Number), received_at_ms: anyTime, status: 400, error: 'events must be a non-empty array, got an array', remote: '127.0.0.1' },
    ]);
    const [newer, older] = body as { batch_id: number }[];
    expect(newer!.batch_id).toBeGreaterThan(older!.batch_id);
  });

  it('GET /api/coverage: null without a plan', async () => {
    expect(await json('/api/coverage')).toEqual({ status: 200, body: null, text: 'null' });
  });

  it('GET /api/events/<id>: the event with all its properties; 404 naming the decoded id; 400 on bad percent-encoding', async () => {
    const want = stored[0]!;
    const one = await json('/api/events/' + want.id);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: want.id, name: 'add_to_cart', page: 'pages/product/index', properties: { product_code: 'VG-101', note: 'a b' } });
    expect(await json('/api/events/' + encodeURIComponent(want.id))).toMatchObject({ status: 200, body: { id: want.id } });
    expect((await json('/api/events/no-such-id')).body).toEqual({ error: 'not found', message: 'no event no-such-id' });
    expect(await json('/api/events/a%20b%2Fc')).toMatchObject({ status: 404, body: { error: 'not found', message: 'no event a b/c' } });
    expect(await json('/api/events/%E0%A4%A')).toMatchObject({ status: 400, body: { error: 'bad request', message: 'the event id is not valid percent-encoding' } });
    expect(await json('/api/events/%zz')).toMatchObject({ status: 400, body: { error: 'bad request', message: 'the event id is not valid percent-encoding' } });
  });

  it('answers an unknown /api/ route 404 { error: not found }, and another unknown path 404 pointing at the SDK route', async () => {
    expect(await json('/api/x')).toEqual({ status: 404, body: { error: 'not found' }, text: '{"error":"not found"}' });
    expect(await json('/nope')).toMatchObject({ status: 404, body: { error: 'not found', message: 'the SDK posts to /v1/batch; the live view is at /' } });
  });
});

describe('413 and 408 bodies', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start({ maxBodyBytes: 1024, bodyTimeoutMs: 300 });
  });
  afterAll(async () => {
    await r?.close();
  });
  const head = (extra: string) => `POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}\r\n`;

  it('answers a declared Content-Length over the limit 413 naming both, and closes the connection', async () => {
    const res = parseRaw(await raw(r.c, head('Content-Length: 5000\r\n')));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'body too large', message: '5000 bytes; the limit is 1024', limit: 1024 });
    expect(res.headers).toMatchObject({ connection: 'close', 'content-type': 'application/json', 'cache-control': 'no-store' });
  });

  it('answers a chunked body that grows over the limit 413 "over <limit> bytes", and closes the connection', async () => {
    const chunk = 'x'.repeat(1100);
    const res = parseRaw(await raw(r.c, head('Transfer-Encoding: chunked\r\n') + chunk.length.toString(16) + '\r\n' + chunk + '\r\n'));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'body too large', message: 'over 1024 bytes', limit: 1024 });
    expect(res.headers).toMatchObject({ connection: 'close', 'content-type': 'application/json', 'cache-control': 'no-store' });
  });

  it('answers a body that does not arrive within bodyTimeoutMs 408, and closes the connection', async () => {
    const res = parseRaw(await raw(r.c, head('Content-Length: 50\r\n') + '{"sentAt":'));
    expect(res.status).toBe(408);
    expect(res.body).toEqual({ error: 'request timeout', message: 'the body did not arrive within 300 ms' });
    expect(res.headers).toMatchObject({ connection: 'close', 'content-type': 'application/json', 'cache-control': 'no-store' });
  });

  it('keeps the connection of other refusals open (a 415 has no connection: close)', async () => {
    const res = await request(r.c.port, 'POST', '/v1/batch', { 'content-type': 'text/plain', connection: 'keep-alive' }, '{}');
    expect(res.status).toBe(415);
    expect(res.headers.connection).toBe('keep-alive');
    expect(JSON.parse(res.body)).toEqual({ error: 'unsupported media type', message: 'content-type must be application/json, got "text/plain"' });
  });

  it('answers text as text/plain; charset=utf-8, not cached (the 303 that takes ?token=)', async () => {
    const t = await start({ token: 'live-test-token' });
    try {
      const res = await get(t.c.port, '/?token=live-test-token');
      expect(res.status).toBe(303);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toBe('');
    } finally {
      await t.close();
    }
  });
});

describe('Host names', () => {
  it('takes an IPv6 address in allowedHosts without brackets, and a name with a colon as that name without its port', async () => {
    const r = await start({ allowedHosts: ['FE80::1', 'collector.test:8080'] });
    try {
      const port = r.c.port;
      const status = async (host: string) => (await get(port, '/health', { host })).status;
      expect(await status(`[fe80::1]:${port}`)).toBe(200);
      expect(await status('[FE80::1]')).toBe(200);
      expect(await status(`[fe80::2]:${port}`)).toBe(403);
      expect(await status(`collector.test:${port}`)).toBe(200);
      expect(await status('collector.test')).toBe(200);
      // Not turned into the bracketed form of an address.
      expect(await status('[collector.test:8080]')).toBe(403);
    } finally {
      await r.close();
    }
  });

  describe('loopback: 127.x.y.z listens without a token, anything else that looks like it does not', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'wetrack-live-loopback-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const open = (host: string, warnings: string[] = []) => startCollector({ host, port: 0, db: path.join(dir, host.replace(/\W/g, '_') + '.duckdb'), log: { info: () => {}, warn: (m) => warnings.push(m) } });

    it('starts on 127.1.2.3 and 127.12.34.56 without a token or a warning, and answers there', async () => {
      for (const host of ['127.1.2.3', '127.12.34.56']) {
        const warnings: string[] = [];
        const c = await open(host, warnings);
        try {
          expect(c.url).toBe(`http://${host}:${c.port}/v1/batch`);
          expect((await get(c.port, '/health', {}, host)).status).toBe(200);
          expect(warnings).toEqual([]);
        } finally {
          await c.close();
        }
      }
    });

    it('refuses to start without a token on names that only contain a 127 address', async () => {
      const hosts = ['127.0.0.1.evil.test', '127.0.0.1x', 'x127.0.0.1', '127x1x2x3', '127.1.2', '127.1.2.3.4'];
      expect(hosts.length).toBe(6);
      for (const host of hosts) await expect(open(host), host).rejects.toThrow(`refusing to listen on ${host} without a token`);
    });
  });
});
