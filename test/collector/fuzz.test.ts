/**
 * Issue 11: a bounded fuzz of the collector on loopback. For a fixed time (FUZZ_MS, default 3 s)
 * it posts random bytes, random JSON, and valid batches with random damage (a character flipped,
 * cut short, a value replaced by a random one, deep nesting, odd numbers and strings, odd headers),
 * from a seeded generator (FUZZ_SEED replays a run). Every answer must be one the wire format
 * defines (200, 400, 413, 415), never 500 nor a dropped connection; afterwards the server still
 * answers, and every event it stored is one the validator accepts, as many as the 200s said.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateBatch } from '../../collector/validate';
import { base, batch, event, start, type Running } from './helpers';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const FUZZ_MS = Number(process.env.FUZZ_MS ?? 3000);

/** mulberry32: small, seeded, good enough to pick cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let r: Running;
beforeAll(async () => {
  r = await start({ maxBodyBytes: 256 * 1024, bodyTimeoutMs: 2000 });
});
afterAll(async () => {
  await r?.close();
});

describe('fuzz', () => {
  it(`answers every random request with a defined status and stores only valid events (seed ${SEED})`, async () => {
    const rnd = prng(SEED);
    const int = (n: number) => Math.floor(rnd() * n);
    const pick = <T>(xs: T[]): T => xs[int(xs.length)]!;
    const strings = ['', 'a', '\u0000', '\ud800', '\udc00x', '😀', '\u202e', 'x'.repeat(300), '138 1234 5678', '"', '\\', '</script>', '__proto__', 'constructor'];
    const numbers = [0, -1, 1.5, 2 ** 53, 2 ** 53 - 1, -(2 ** 63), 1e300, 3_000_000_000, 1e15, Number.MIN_VALUE];
    const value = (depth: number): unknown => {
      const k = int(depth > 3 ? 4 : 7);
      if (k === 0) return pick(strings);
      if (k === 1) return pick(numbers);
      if (k === 2) return pick([true, false, null]);
      if (k === 3) return int(1000);
      if (k === 4) return Array.from({ length: int(4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = int(4); i--; ) o[pick(strings.concat(['slot', 'path', 'seq', 'id']))] = value(depth + 1);
      return o;
    };
    const validText = () => {
      const events = Array.from({ length: 1 + int(5) }, () => event({ anonymousId: 'fuzz-' + int(3), seq: 1 + int(1000), id: 'fz' + int(1e9).toString(36) + '-' + int(1e9).toString(36) }));
      return JSON.stringify(batch(events, rnd() < 0.2 ? { dropped: int(10) } : {}));
    };
    const damaged = (): string | Buffer => {
      const text = validText();
      switch (int(9)) {
        case 0: {
          const i = int(text.length);
          return text.slice(0, i) + String.fromCharCode(int(128)) + text.slice(i + 1);
        }
        case 1:
          return text.slice(0, int(text.length));
        case 2: {
          // A field of the first event, or the batch, replaced by a random value.
          const b = JSON.parse(text);
          const target = rnd() < 0.5 ? b : b.events[0];
          target[pick(Object.keys(target).concat(['extra']))] = value(0);
          return JSON.stringify(b);
        }
        case 3: {
          const d = 1 + int(400);
          return text.replace('"properties":{', '"properties":{"deep":' + '['.repeat(d) + ']'.repeat(d) + ',');
        }
        case 4:
          return text.replace(/"seq":\d+/, '"seq":' + pick(['1e400', '-0', '1.0', '9007199254740993', '"7"', 'null', '18446744073709551616']));
        case 5:
          return text.replace('"properties":{', '"properties":{"dup":1,"dup":2,');
        case 6:
          return text.replace('VG-101', pick(['\\ud800', '\\udfff\\ud800', '\\u0000', 'caf\\u00e9', '\\uD83D\\uDE00']));
        case 7: {
          const buf = Buffer.from(text);
          buf[int(buf.length)] = 0x80 + int(128); // a stray byte: not UTF-8 there
          return buf;
        }
        default:
          return JSON.stringify(value(0));
      }
    };
    const bytes = () => Buffer.from(Array.from({ length: int(2000) }, () => int(256)));

    const seen = new Map<number, number>();
    let storedSaid = 0;
    let requests = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < FUZZ_MS) {
      const k = int(10);
      const body = k === 0 ? bytes() : k < 3 ? validText() : damaged();
      const headers: Record<string, string> = { 'content-type': pick(['application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/jsonx']) };
      if (rnd() < 0.05) headers['content-encoding'] = pick(['gzip', 'br', 'identity']);
      let res: Response;
      try {
        res = await fetch(r.c.url, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body), signal: AbortSignal.timeout(5000) });
      } catch (e) {
        throw new Error(`request ${requests} (seed ${SEED}) got no answer: ${(e as Error).message}: ${JSON.stringify(headers)} ${String(body).slice(0, 300)}`);
      }
      const answer = await res.text();
      expect([200, 400, 413, 415], `seed ${SEED}, request ${requests}: ${answer.slice(0, 200)}`).toContain(res.status);
      if (res.status === 200) storedSaid += (JSON.parse(answer) as { stored: number }).stored;
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      requests++;
    }
    console.log(`fuzz: seed ${SEED}, ${requests} requests in ${FUZZ_MS} ms: ${[...seen].map(([s, n]) => `${s}×${n}`).join(', ')}`);
    expect(requests).toBeGreaterThan(50);
    expect(seen.get(200) ?? 0).toBeGreaterThan(0);
    expect(seen.get(400) ?? 0).toBeGreaterThan(0);
    expect(r.warnings).toEqual([]);

    expect((await fetch(base(r.c) + '/health')).status).toBe(200);
    expect((await fetch(base(r.c) + '/api/report')).status).toBe(200);
    const rows = await r.c.store.query((s) =>
      s.rows<Record<string, unknown>>(`SELECT id, seq::DOUBLE AS seq, name, time_ms::DOUBLE AS time, anonymous_id AS "anonymousId", user_id AS "userId", session_id AS "sessionId", page, properties::VARCHAR AS properties FROM events`),
    );
    expect(rows.length).toBe(storedSaid);
    for (const row of rows) {
      const e = { ...row, properties: JSON.parse(row.properties as string) } as Record<string, unknown>;
      for (const k of ['userId', 'page']) if (e[k] === null) delete e[k];
      const checked = validateBatch({ sentAt: e.time, context: {}, events: [e] });
      expect(checked.ok, JSON.stringify(e).slice(0, 300)).toBe(true);
    }
  });
});
