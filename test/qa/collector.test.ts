/**
 * The collector at its door: malformed, oversized and wrongly typed requests get clear 4xx answers
 * and the collector keeps running; nothing is stored twice, even when the same batch arrives twice
 * at once; seq gaps are found; the report reads the file. Each on both stores (DuckDB, ClickHouse).
 */
import * as http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../collector/report';
import { openStore } from '../../collector/open';
import { startCollector, type Collector } from '../../collector/server';
import { Store } from '../../collector/store';
import { validateBatch } from '../../collector/validate';
import { event } from '../collector/helpers';
import { freshStore, stores, type StoreDb } from '../collector/stores';

let dir: string;
let c: Collector;
const warnings: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wetrack-collector-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const batch = (events: unknown[], over: Record<string, unknown> = {}) => ({ sentAt: 1_750_000_001_000, context: { lib: 'wetrack', libVersion: '0.1.0', platform: 'ios' }, events, ...over });

async function post(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(c.url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const count = async (where = '1 = 1') => (await c.store.query((s) => s.rows<{ n: number }>(`SELECT CAST(count(*) AS DOUBLE) AS n FROM events WHERE ${where}`)))[0]!.n;

for (const { kind, skip } of stores('the collector tests on ClickHouse (test/qa/collector.test.ts)')) describe.skipIf(skip)(`collector, ${kind} store`, () => {
  let store: StoreDb;
  beforeAll(async () => {
    warnings.length = 0;
    store = await freshStore(kind);
    c = await startCollector({ port: 0, db: store.db, maxBodyBytes: 64 * 1024, log: { info: () => {}, warn: (m) => warnings.push(m) } });
  }, 60_000);
  afterAll(async () => {
    await c?.close();
    await store?.dispose();
  });

  it('stores a valid batch and answers what it did', async () => {
    const r = await post(batch([event(), event({ name: '$tap', properties: { slot: 'home.rec.1', path: 'pages/home/index' } })]));
    expect(r).toEqual({ status: 200, body: { ok: true, stored: 2, duplicates: 0, warnings: [] } });
    expect(await count()).toBe(2);
  });

  it('answers 400 naming the event index and the field, stores nothing of that batch, and keeps running', async () => {
    const before = await count();
    const cases: [unknown, number | undefined, string][] = [
      [batch([event(), event({ seq: '7' })]), 1, 'events[1].seq'],
      [batch([event({ time: 'yesterday' })]), 0, 'events[0].time'],
      [batch([event(), event(), event({ anonymousId: '' })]), 2, 'events[2].anonymousId'],
      [batch([event({ properties: [1, 2] })]), 0, 'events[0].properties'],
      [batch([event({ id: undefined })]), 0, 'events[0].id'],
      [batch([event({ name: 'a\nb' })]), 0, 'events[0].name'],
      [batch([42]), 0, 'events[0]'],
      [batch([]), undefined, 'events'],
      [batch([event()], { sentAt: '1750000001000' }), undefined, 'sentAt'],
      [batch([event()], { context: { model: { deep: 1 } } }), undefined, 'context.model'],
      [batch([event()], { dropped: -1 }), undefined, 'dropped'],
      [[event()], undefined, '(body)'],
    ];
    for (const [body, index, field] of cases) {
      const r = await post(body);
      expect(r.status, field).toBe(400);
      expect(r.body.field).toBe(field);
      expect(r.body.index).toBe(index);
      expect(String(r.body.message)).toContain(field);
    }
    expect(await count()).toBe(before);
    expect((await post(batch([event()]))).status).toBe(200);
  });

  it('refuses malformed JSON (400), other content types (415), other methods (405) and bodies over the limit (413)', async () => {
    const bad = await post('{"sentAt": 1, "events": [');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'malformed JSON', field: '(body)' });
    expect((await post(batch([event()]), { 'content-type': 'text/plain' })).status).toBe(415);
    const get = await fetch(c.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');

    const big = batch([event({ properties: { blob: 'x'.repeat(70 * 1024) } })]);
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ error: 'body too large', limit: 64 * 1024 });

    // No Content-Length (chunked): cut off while streaming.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = http.request(c.url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      const chunk = JSON.stringify(big);
      for (let i = 0; i < chunk.length; i += 8192) req.write(chunk.slice(i, i + 8192));
      req.end();
    });
    expect(streamed).toBe(413);

    const refused = await c.store.rejected();
    expect(refused.map((r) => r.status)).toEqual(expect.arrayContaining([400, 405, 413, 415]));
    expect((await post(batch([event()]))).status).toBe(200);
    expect(warnings).toEqual([]);
  });

  it('never stores a duplicate: a batch sent again, the same batch twice at once, an id twice in one batch', async () => {
    const b = batch([event(), event(), event()]);
    expect((await post(b)).body).toMatchObject({ stored: 3, duplicates: 0 });
    expect((await post(b)).body).toMatchObject({ stored: 0, duplicates: 3 });
    const fresh = batch([event(), event()]);
    const both = await Promise.all([post(fresh), post(fresh)]);
    expect(both.map((r) => r.body.stored).sort()).toEqual([0, 2]);
    const e = event();
    expect((await post(batch([e, e, event()]))).body).toMatchObject({ stored: 2, duplicates: 1 });
    // Counted as stored, not as read (no FINAL on ClickHouse): one collector never stores a duplicate.
    const [{ dup }] = await c.store.query((s) => s.rows<{ dup: number }>('SELECT CAST(count(*) - count(DISTINCT id) AS DOUBLE) AS dup FROM events'));
    expect(dup).toBe(0);
    expect((await buildReport(c.store)).quality.duplicates).toBe(3 + 2 + 1);
  });

  it('keeps soft problems as warnings: unknown fields, events after sentAt, drops on the phone', async () => {
    const r = await post(batch([event({ extra: 1 }), event({ time: 1_750_000_001_000 + 3_600_000 })], { dropped: 4 }));
    expect(r.status).toBe(200);
    const said = (r.body.warnings as string[]).join('\n');
    expect(said).toContain('events[0]: unknown field extra');
    expect(said).toContain('events[1]: time is 3600 s after sentAt');
    expect(said).toContain('dropped: 4 event(s) dropped on the phone');
    const rows = await c.store.events({ limit: 2 });
    expect(rows.map((x) => x.warnings?.[0])).toEqual([expect.stringContaining('after sentAt'), expect.stringContaining('unknown field extra')]);
  });

  it('finds seq gaps per anonymous id, and closes them when the missing events arrive late', async () => {
    const mk = (seq: number) => event({ anonymousId: 'anon-gappy', seq, id: `gappy-${seq}-xxxx` });
    const base = (await buildReport(c.store)).quality; // earlier tests left gaps of their own under anon-a
    expect((await post(batch([mk(1), mk(2)]))).body).toMatchObject({ stored: 2 });
    expect((await post(batch([mk(5), mk(6)]))).body).toMatchObject({ stored: 2 });
    let q = (await buildReport(c.store)).quality;
    expect([q.gaps - base.gaps, q.missing - base.missing, q.installsWithGaps - base.installsWithGaps]).toEqual([1, 2, 1]);
    await post(batch([mk(3), mk(4)]));
    q = (await buildReport(c.store)).quality;
    expect([q.gaps, q.missing]).toEqual([base.gaps, base.missing]);
  });

  it.runIf(kind === 'clickhouse')('opens a database another collector wrote to, with everything in it', async () => {
    const other = await startCollector({ port: 0, db: store.server!.url('reopen'), log: { info: () => {}, warn: () => {} } });
    await fetch(other.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch([event(), event()])) });
    await other.close();
    const again = await openStore(store.server!.url('reopen'));
    expect((await buildReport(again)).totals.events).toBe(2);
    await again.close();
  });

  it.runIf(kind === 'duckdb')('reopens its file with everything in it, read-only beside nothing else', async () => {
    const file = path.join(dir, 'reopen.duckdb');
    const other = await startCollector({ port: 0, db: file, log: { info: () => {}, warn: () => {} } });
    await fetch(other.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch([event(), event()])) });
    await other.close();
    const ro = await Store.open(file, { readOnly: true });
    expect((await buildReport(ro)).totals.events).toBe(2);
    await ro.close();
  });
});

describe('collector binding', () => {
  it('warns loudly when it listens anywhere but 127.0.0.1 (here forced without a token: test/collector/access.test.ts has the rest)', async () => {
    const said: string[] = [];
    const open = await startCollector({ host: '0.0.0.0', port: 0, insecure: true, db: path.join(dir, 'open.duckdb'), log: { info: () => {}, warn: (m) => said.push(m) } });
    await open.close();
    expect(said.join('\n')).toMatch(/WARNING: the collector listens on 0\.0\.0\.0:\d+, not on 127\.0\.0\.1[\s\S]*no authentication/);
    expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/batch$/);
  });
});

describe('validateBatch', () => {
  it('accepts what the SDK sends', () => {
    const r = validateBatch(batch([event({ userId: 'u-1' })], { dropped: 0 }));
    expect(r.ok).toBe(true);
  });
});
