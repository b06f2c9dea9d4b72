/**
 * Issue 11, points 1–4 and 6–8: each attack on the collector as its fixture, answered with the right
 * status, never a crash, never a silent change; whatever is accepted can be reported and shown.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../collector/report';
import { base, batch, count, event, post, raw, start, statusOf, type Running } from './helpers';

let r: Running;
beforeAll(async () => {
  r = await start({ bodyTimeoutMs: 400, headersTimeoutMs: 400, streamBufferBytes: 64 * 1024 });
});
afterAll(async () => {
  await r?.close();
});
const alive = async () => (await fetch(base(r.c) + '/health')).status;

describe('point 1: request targets that are not URLs', () => {
  it('answers GET // and GET http://[ with 400 and keeps running', async () => {
    for (const target of ['//', 'http://[', '//x/..%', '/%zz/..']) {
      const res = await raw(r.c, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect([400, 404], target).toContain(statusOf(res));
      expect(await alive()).toBe(200);
    }
    expect(statusOf(await raw(r.c, 'GET // HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'))).toBe(400);
  });
});

describe('point 2: the largest integers the validator takes', () => {
  it('reports a seq of 2^53 − 1 and drops near 2e9 without overflowing', async () => {
    const before = (await buildReport(r.c.store)).quality;
    const top = Number.MAX_SAFE_INTEGER;
    expect((await post(r.c, batch([event({ anonymousId: 'anon-big', seq: 1, id: 'big-1' }), event({ anonymousId: 'anon-big', seq: top, id: 'big-2' })], { dropped: 2_000_000_000 }))).status).toBe(200);
    expect((await post(r.c, batch([event({ anonymousId: 'anon-big2', seq: 5 })], { dropped: 2_100_000_000 }))).status).toBe(200);
    const res = await fetch(base(r.c) + '/api/report');
    expect(res.status).toBe(200);
    const q = (await buildReport(r.c.store)).quality;
    expect(q.missing - before.missing).toBe(top - 2);
    expect(q.droppedOnPhone - before.droppedOnPhone).toBe(4_100_000_000);
    const rows = await (await fetch(base(r.c) + '/api/events?user=anon-big')).json();
    expect(rows.map((e: { seq: number }) => e.seq)).toEqual([top, 1]);
  });
});

describe('point 3: what the store cannot take is refused with 400, naming the event and the field', () => {
  const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
  const body = (props: string, over = '') => `{"sentAt":1750000001000,"context":{}${over},"events":[${JSON.stringify(event()).replace(/"properties":\{[^}]*\}/, '"properties":' + props)},${JSON.stringify(event())}]}`;

  it('refuses properties nested 5,000 levels (or 257) as events[i].properties; takes 256', async () => {
    const before = await count(r.c);
    for (const levels of [5000, 257]) {
      const res = await post(r.c, body(deep(levels)));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ index: 0, field: 'events[0].properties' });
      expect(String(res.body.message)).toMatch(/deeper than 256 levels/);
    }
    expect(await count(r.c)).toBe(before);
    expect((await post(r.c, body(deep(256)))).status).toBe(200); // properties itself is level 1
    expect(await count(r.c)).toBe(before + 2);
  });

  it('stores dropped: 3000000000 (the column is 64-bit) and refuses what is no safe integer', async () => {
    expect((await post(r.c, batch([event()], { dropped: 3_000_000_000 }))).status).toBe(200);
    const [b] = await r.c.store.query((s) => s.rows<{ d: number }>('SELECT dropped::DOUBLE AS d FROM batches WHERE status = 200 ORDER BY batch_id DESC LIMIT 1'));
    expect(b!.d).toBe(3_000_000_000);
    expect((await post(r.c, batch([event()], { dropped: 2 ** 53 }))).body).toMatchObject({ field: 'dropped' });
    expect((await post(r.c, batch([event({ seq: 2 ** 53 })]))).body).toMatchObject({ index: 0, field: 'events[0].seq' });
    expect((await post(r.c, batch([event({ time: 1e15 })]))).body).toMatchObject({ index: 0, field: 'events[0].time' });
  });

  it('refuses more than 1000 events with 400 naming events', async () => {
    const res = await post(r.c, batch(Array.from({ length: 1001 }, () => ({}))));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'events' });
  });
});

describe('point 4: large values are stored and read back in bounded pieces', () => {
  it('/api/events stays small with 1 MB values; the whole event is at /api/events/<id>', async () => {
    const big = 'x'.repeat(1_000_000);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const e = event({ anonymousId: 'anon-huge', properties: { blob: big, i } });
      ids.push(e.id);
      expect((await post(r.c, batch([e]))).status).toBe(200);
    }
    const res = await fetch(base(r.c) + '/api/events?user=anon-huge&limit=2000');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeLessThan(20_000);
    const rows = JSON.parse(text) as { id: string; properties: unknown; properties_bytes: number }[];
    expect(rows.map((x) => x.id)).toEqual([...ids].reverse());
    expect(rows[0]).toMatchObject({ properties: null, properties_bytes: JSON.stringify({ blob: big, i: 4 }).length });
    const one = await (await fetch(base(r.c) + '/api/events/' + ids[2])).json();
    expect(one.properties).toEqual({ blob: big, i: 2 });
    expect((await fetch(base(r.c) + '/api/events/nope')).status).toBe(404);
  });
});

describe('point 6: a reader that does not read is dropped and counted', () => {
  it('keeps at most streamBufferBytes for a stalled event-stream reader, then drops it', async () => {
    const stalled = net.connect(r.c.port, '127.0.0.1');
    await new Promise((ok) => stalled.once('connect', ok));
    stalled.write('GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await new Promise((ok) => stalled.once('data', ok));
    stalled.pause(); // never reads again
    const closed = new Promise<void>((ok) => stalled.once('close', () => ok()));
    stalled.on('error', () => {});
    let posts = 0;
    let health = await (await fetch(base(r.c) + '/health')).json();
    expect(health).toMatchObject({ ok: true, stream: { readers: 1, dropped: 0 } });
    while (health.stream.dropped === 0 && posts < 60) {
      const events = Array.from({ length: 100 }, () => event({ properties: { note: 'y'.repeat(4000) } }));
      expect((await post(r.c, batch(events))).status).toBe(200);
      posts++;
      health = await (await fetch(base(r.c) + '/health')).json();
      expect(health.stream.buffered).toBeLessThanOrEqual(64 * 1024 + 1024 * 1024); // the limit, plus one frame at most
    }
    expect(health.stream).toMatchObject({ readers: 0, dropped: 1 });
    stalled.resume();
    await closed;
  });
});

describe('point 7: slow clients are cut off', () => {
  it('answers 408 to a chunked body that never ends, within the body timeout', async () => {
    const t0 = performance.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(r.c.url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write('{"sentAt":');
      const drip = setInterval(() => req.write(' '), 50);
      req.on('close', () => clearInterval(drip));
    });
    expect(status).toBe(408);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(await alive()).toBe(200);
  });

  it('closes a connection whose headers never end', async () => {
    const t0 = performance.now();
    const s = net.connect(r.c.port, '127.0.0.1');
    s.on('error', () => {});
    s.write('POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => s.write('X-a: b\r\n'), 50);
    let got = '';
    s.on('data', (d) => (got += d));
    await new Promise((ok) => s.once('close', ok));
    clearInterval(drip);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect([0, 408]).toContain(statusOf(got));
  });
});

describe('point 8: no silent change', () => {
  const one = (props: string) => `{"sentAt":1750000001000,"context":{},"events":[${JSON.stringify(event()).replace(/"properties":\{[^}]*\}/, '"properties":' + props)}]}`;

  it('refuses lone surrogates, numbers out of range and duplicate keys, naming the field', async () => {
    const cases: [string, number | undefined, string][] = [
      [one('{"note":"a\\ud800b"}'), 0, 'events[0].properties.note'],
      [one('{"note":"\\udc00"}'), 0, 'events[0].properties.note'],
      [one('{"\\ud800":1}'), 0, 'events[0].properties'],
      [one('{"x":1e400}'), 0, 'events[0].properties.x'],
      [one('{"x":[1,-1e999]}'), 0, 'events[0].properties.x[1]'],
      [one('{"a":1,"a":2}'), 0, 'events[0].properties.a'],
      [`{"sentAt":1750000001000,"context":{},"events":[${JSON.stringify(event())}],"events":[${JSON.stringify(event())}]}`, undefined, 'events'],
      [`{"sentAt":1750000001000,"context":{"k":1,"k":2},"events":[${JSON.stringify(event())}]}`, undefined, 'context.k'],
    ];
    const before = await count(r.c);
    for (const [body, index, field] of cases) {
      const res = await post(r.c, body);
      expect(res.status, body.slice(0, 120)).toBe(400);
      expect(res.body.field, body.slice(0, 120)).toBe(field);
      expect(res.body.index).toBe(index);
    }
    expect(await count(r.c)).toBe(before);
    // A surrogate pair is a character like any other.
    expect((await post(r.c, one('{"note":"\\ud83d\\ude00 😀"}'))).status).toBe(200);
  });

  it('refuses bytes that are not UTF-8', async () => {
    const text = one('{"note":"caf\u00e9"}');
    const bytes = Buffer.from(text, 'utf8');
    const bad = Buffer.from(text.replace('caf\u00e9', 'cafX'), 'latin1');
    bad[bad.indexOf('cafX') + 3] = 0xe9; // latin-1 é: not UTF-8
    expect((await post(r.c, bytes)).status).toBe(200);
    const res = await post(r.c, bad);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'malformed JSON', field: '(body)' });
    expect(String(res.body.message)).toMatch(/UTF-8/);
  });

  it('stores an object slot in the properties, not as "[object Object]", with a warning', async () => {
    const e = event({ name: '$tap', properties: { slot: { id: 3 } } });
    const res = await post(r.c, batch([e]));
    expect(res.status).toBe(200);
    expect(String(res.body.warnings)).toContain('properties.slot should be a string');
    const [row] = await r.c.store.query((s) => s.rows<{ slot: string | null; p: string }>(`SELECT slot, properties::VARCHAR AS p FROM events WHERE id = '${e.id}'`));
    expect(row).toEqual({ slot: null, p: '{"slot":{"id":3}}' });
    const num = event({ name: '$tap', properties: { slot: 7 } });
    await post(r.c, batch([num]));
    const [row2] = await r.c.store.query((s) => s.rows<{ slot: string | null }>(`SELECT slot FROM events WHERE id = '${num.id}'`));
    expect(row2!.slot).toBe('7');
  });

  it('answers 415 (kept and retried by the SDK) to a compressed body, with or without the header', async () => {
    const gz = gzipSync(JSON.stringify(batch([event()])));
    const declared = await post(r.c, gz, { 'content-encoding': 'gzip' });
    expect(declared.status).toBe(415);
    expect(String(declared.body.message)).toMatch(/content-encoding/);
    const undeclared = await post(r.c, gz);
    expect(undeclared.status).toBe(415);
    expect(String(undeclared.body.message)).toMatch(/gzip/);
    expect((await post(r.c, batch([event()]), { 'content-encoding': 'identity' })).status).toBe(200);
  });
});

describe('a failure inside the collector', () => {
  it('fails only the batch the store refuses when batches are written together', async () => {
    const meta = () => ({ receivedAt: Date.now(), remote: '127.0.0.1', bytes: 1, warnings: [], eventWarnings: new Map<number, string[]>() });
    const wire = (over: Record<string, unknown> = {}) => batch([event({ anonymousId: 'anon-group', ...over })]) as unknown as Parameters<typeof r.c.store.ingest>[0];
    // Straight to the store, past the validator: a BigInt cannot be written as JSON.
    const bad = wire({ properties: { n: 1n } });
    const results = await Promise.allSettled([r.c.store.ingest(wire(), meta()), r.c.store.ingest(wire(), meta()), r.c.store.ingest(bad, meta()), r.c.store.ingest(wire(), meta())]);
    expect(results.map((x) => x.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await count(r.c, "anonymous_id = 'anon-group'")).toBe(3);
  });

  it('is answered 500 (the SDK keeps the events) and logged, and the server keeps answering', async () => {
    const other = await start();
    try {
      await other.c.store.close(); // the database gone from under it
      const res = await post(other.c, batch([event()]));
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ error: 'internal error' });
      expect(other.warnings.join('\n')).toMatch(/^collector: /);
      expect((await fetch(base(other.c) + '/health')).status).toBe(200);
    } finally {
      await other.close().catch(() => {});
    }
  });
});
