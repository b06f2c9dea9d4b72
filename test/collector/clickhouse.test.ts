/**
 * The ClickHouse store (collector/clickhouse.ts) on a real server: its tables as the issue asks for
 * them, values stored as sent, and the state of a stateless collector coming from the store: two
 * collectors (in this process, each with its own store) on one database racing on one batch, seq
 * gaps seen across them, and the live view of one showing what the other stored; and the cluster
 * schema (`npm run collector -- clickhouse-schema`): Distributed tables over two shards.
 * test/collector/scale.test.ts runs the crowd through two collector processes.
 */
import * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAnalytics } from '../../collector/analytics';
import { bind, ClickHouseHttp, ClickHouseStore, clusterSchema, parseClickHouseUrl, sqlLiteral } from '../../collector/clickhouse';
import { buildReport } from '../../collector/report';
import { startCollector, type Collector } from '../../collector/server';
import type { IngestMeta } from '../../collector/store';
import type { WireBatch } from '../../collector/validate';
import { clickhouseAvailable, startClickHouse, type ClickHouseServer } from './clickhouse';
import { batch, event, post } from './helpers';

describe('ClickHouse SQL text', () => {
  it('quotes strings with backslash escapes and binds ? outside quotes only', () => {
    expect(sqlLiteral("it's \\ ok")).toBe("'it\\'s \\\\ ok'");
    expect(sqlLiteral(12.5)).toBe('12.5');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(true)).toBe('1');
    expect(() => sqlLiteral(Infinity)).toThrow(/finite/);
    expect(bind("SELECT '?' AS q, 'a\\'?' AS r WHERE x = ? AND y = ?", ["o'k", 2])).toBe("SELECT '?' AS q, 'a\\'?' AS r WHERE x = 'o\\'k' AND y = 2");
    expect(() => bind('SELECT ?', [])).toThrow(/more \? than values/);
    expect(() => bind('SELECT 1', [1])).toThrow(/1 values for 0/);
  });

  it('reads clickhouse://[user[:password]@]host[:port]/database', () => {
    expect(parseClickHouseUrl('clickhouse://10.0.0.5/events')).toEqual({ host: '10.0.0.5', port: 8123, database: 'events' });
    expect(parseClickHouseUrl('clickhouse://ops:s%40cret@ch.internal:18123/wt')).toEqual({ host: 'ch.internal', port: 18123, database: 'wt', user: 'ops', password: 's@cret' });
    expect(parseClickHouseUrl('clickhouse://[::1]:9/')).toMatchObject({ host: '::1', port: 9, database: 'wetrack' });
    expect(() => parseClickHouseUrl('clickhouse://h/a;DROP')).toThrow(/letters, digits and _/);
  });
});

const meta = (over: Partial<IngestMeta> = {}): IngestMeta => ({ receivedAt: Date.now(), remote: '127.0.0.1', bytes: 100, warnings: [], eventWarnings: new Map(), ...over });
const wire = (events: ReturnType<typeof event>[]) => batch(events) as unknown as WireBatch;

const available = clickhouseAvailable('the ClickHouse store tests (test/collector/clickhouse.test.ts)');

describe.skipIf(!available)('the ClickHouse store', () => {
  let server: ClickHouseServer;
  const open: { close(): Promise<void> }[] = [];
  const store = async (db: string) => {
    const s = await ClickHouseStore.open(server.url(db));
    open.push(s);
    return s;
  };
  beforeAll(async () => {
    server = await startClickHouse();
  }, 60_000);
  afterAll(async () => {
    for (const s of open) await s.close();
    await server?.stop();
  });

  it('keeps events in a ReplacingMergeTree ordered by id (within its install) and partitioned by day, batches apart', async () => {
    const s = await store('schema');
    const tables = await s.rows<{ name: string; engine: string; sorting_key: string; partition_key: string }>(
      "SELECT name, engine, sorting_key, partition_key FROM system.tables WHERE database = 'schema' ORDER BY name",
    );
    expect(tables.find((t) => t.name === 'events')).toMatchObject({ engine: 'ReplacingMergeTree', sorting_key: 'anonymous_id, id', partition_key: expect.stringContaining('intDiv(time_ms, 86400000)') });
    expect(tables.find((t) => t.name === 'batches')).toMatchObject({ engine: 'MergeTree' });
    expect(tables.map((t) => t.name)).toContain('install_seq');
    // 150 days in one batch: one partition a day, however many an INSERT may touch.
    const day = 86_400_000;
    const events = Array.from({ length: 150 }, (_, i) => event({ anonymousId: 'anon-days', seq: i + 1, time: Date.UTC(2025, 0, 1) + i * day }));
    expect((await s.ingest(wire(events), meta())).stored).toHaveLength(150);
    const [parts] = await s.rows<{ n: number }>("SELECT uniqExact(partition) AS n FROM system.parts WHERE database = 'schema' AND table = 'events' AND active");
    expect(parts!.n).toBe(150);
  });

  it('gives back what was sent: quotes, backslashes, non-Latin text, nulls, nesting, and the properties as ->> reads them', async () => {
    const s = await store('values');
    const properties = { q: "it's \"quoted\" \\ here", zh: '首页 🎉', n: null, deep: { a: [1, { b: 'x' }] }, num: 12.9, ok: true };
    const e = event({ id: 'odd-1', name: "o'dd \\ name", properties, userId: "u'1" });
    await s.ingest(wire([e]), meta());
    const got = await s.event('odd-1');
    expect(got).toMatchObject({ id: 'odd-1', name: "o'dd \\ name", user_id: "u'1", properties });
    const [row] = await s.rows<{ keys: string[]; values: string[]; nulls: string[] }>("SELECT prop_keys AS keys, prop_values AS values, prop_nulls AS nulls FROM events WHERE id = 'odd-1'");
    expect(row).toEqual({ keys: ['q', 'zh', 'deep', 'num', 'ok'], values: [properties.q, properties.zh, '{"a":[1,{"b":"x"}]}', '12.9', 'true'], nulls: ['n'] });
    expect((await s.events({ user: "u'1" })).map((r) => r.id)).toEqual(['odd-1']);
  });

  it('two collectors taking the same batch at once store it twice, and every read counts it once', async () => {
    const a = await store('race');
    const b = await store('race');
    const events = Array.from({ length: 10 }, (_, i) => event({ anonymousId: 'anon-race', seq: i + 1 }));
    // Both look the ids up before either inserts: neither sees the other's copy.
    const [ra, rb] = await Promise.all([a.ingest(wire(events), meta()), b.ingest(wire(events), meta())]);
    expect([ra.stored.length, rb.stored.length]).toEqual([10, 10]);
    const [raw] = await a.rows<{ n: number }>('SELECT count() AS n FROM events');
    expect(raw!.n).toBe(20);
    const report = await buildReport(a);
    expect(report.totals).toMatchObject({ events: 10, installs: 1, batches: 2 });
    expect(report.quality).toMatchObject({ duplicates: 10, gaps: 0 });
    expect(report.names).toEqual([{ name: 'add_to_cart', events: 10 }]);
    expect(await a.events({ user: 'anon-race' })).toHaveLength(10);
    // A third try, after both: the store knows the ids.
    expect((await a.ingest(wire(events), meta())).duplicates).toBe(10);
    expect((await buildReport(b)).quality.duplicates).toBe(20);
  });

  it('finds a seq gap across collectors: one stored 1–2, the other gets 5, then 3–4 arrive late', async () => {
    const a = await store('gaps');
    const b = await store('gaps');
    const mk = (seq: number) => event({ anonymousId: 'anon-gap', seq });
    expect((await a.ingest(wire([mk(1), mk(2)]), meta())).notices).toEqual([]);
    expect((await b.ingest(wire([mk(5)]), meta())).notices).toEqual([{ kind: 'gap', anonymousId: 'anon-gap', from: 3, to: 4 }]);
    expect((await a.ingest(wire([mk(3), mk(4)]), meta())).notices).toEqual([
      { kind: 'late', anonymousId: 'anon-gap', from: 3, to: 3 },
      { kind: 'late', anonymousId: 'anon-gap', from: 4, to: 4 },
    ]);
    expect((await buildReport(b)).quality).toMatchObject({ gaps: 0, missing: 0 });
  });

  describe('two collectors on one database', () => {
    let one: Collector;
    let two: Collector;
    beforeAll(async () => {
      const log = { info: () => {}, warn: (m: string) => console.error(m) };
      one = await startCollector({ port: 0, db: server.url('live'), log });
      two = await startCollector({ port: 0, db: server.url('live'), log });
    });
    afterAll(async () => {
      await one?.close();
      await two?.close();
    });

    it('the live view of one shows the events the other stored, each once', async () => {
      const frames: string[] = [];
      const req = http.get(one.liveUrl + 'api/stream', (res) => res.on('data', (d: Buffer) => frames.push(d.toString())));
      try {
        await new Promise((r) => setTimeout(r, 200));
        const e = event({ anonymousId: 'anon-live', name: 'seen_elsewhere' });
        expect((await post(two, batch([e]))).body).toMatchObject({ stored: 1 });
        const t0 = Date.now();
        while (!frames.join('').includes(e.id) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 100));
        // Another second of the feed: it is not sent again.
        await new Promise((r) => setTimeout(r, 1500));
        const sent = frames.join('').split('\n').filter((l) => l.startsWith('data: [') && l.includes(e.id));
        expect(sent).toHaveLength(1);
        expect(JSON.parse(sent[0]!.slice(6))).toEqual([expect.objectContaining({ id: e.id, name: 'seen_elsewhere', properties: e.properties })]);
      } finally {
        req.destroy();
      }
    });

    it('answers a batch sent again through the other collector as duplicates', async () => {
      const b = batch([event({ anonymousId: 'anon-again' }), event({ anonymousId: 'anon-again' })]);
      expect((await post(one, b)).body).toMatchObject({ stored: 2, duplicates: 0 });
      expect((await post(two, b)).body).toMatchObject({ stored: 0, duplicates: 2 });
    });
  });
});

describe.skipIf(!available)('a cluster: Distributed tables over two shards (clickhouse-schema)', () => {
  let server: ClickHouseServer;
  const collectors: Collector[] = [];
  beforeAll(async () => {
    server = await startClickHouse({ cluster: 'wetrack_test' });
    const ddl = clusterSchema({ cluster: 'wetrack_test' });
    for (const db of ['shard1', 'shard2', 'wetrack']) {
      const ch = new ClickHouseHttp(parseClickHouseUrl(server.url(db)));
      await ch.exec(`CREATE DATABASE ${db}`, { database: false });
      for (const q of db === 'wetrack' ? ddl.collectors : ddl.shards) await ch.exec(q);
      ch.close();
    }
    const log = { info: () => {}, warn: (m: string) => console.error(m) };
    // Two collectors on the cluster; one on a plain database of one server, for comparison.
    for (const db of ['wetrack', 'wetrack', 'plain']) collectors.push(await startCollector({ port: 0, db: server.url(db), log }));
  }, 60_000);
  afterAll(async () => {
    for (const c of collectors) await c.close();
    await server?.stop();
  });

  it('stores through either collector, each event once, spread over both shards; report and analyses equal one server’s', async () => {
    const [one, two, plain] = collectors as [Collector, Collector, Collector];
    let k = 0;
    for (let install = 0; install < 12; install++) {
      const mk = (seq: number, name: string, properties: Record<string, unknown> = {}) =>
        event({ anonymousId: `anon-c${install}`, sessionId: `sess-c${install}`, seq, name, time: Date.UTC(2025, 5, 18 + (install % 3), 10) + seq * 1000, properties });
      const batches = [
        [mk(1, '$page_view', { path: 'pages/home/index' }), mk(2, 'view_product', { product_code: 'VG-101' })],
        [mk(5, 'pay_success', { order_id: `o${install}`, product_code: 'VG-101', price: 12.5, quantity: 2 })],
        [mk(3, 'add_to_cart', { product_code: 'VG-101', price: 12.5, quantity: 2 }), mk(4, 'checkout')],
      ];
      for (const events of batches) {
        const b = batch(events);
        const first = k++ % 2 ? two : one;
        expect((await post(first, b)).body).toMatchObject({ stored: events.length, duplicates: 0 });
        // Sent again through the other collector (a lost answer): known from the store.
        expect((await post(first === one ? two : one, b)).body).toMatchObject({ stored: 0, duplicates: events.length });
        expect((await post(plain, b)).status).toBe(200);
        expect((await post(plain, b)).status).toBe(200);
      }
    }
    const rows = async (sql: string) => (await one.store.rows<{ n: number }>(sql))[0]!.n;
    const shard1 = await rows('SELECT count() AS n FROM shard1.events_local');
    const shard2 = await rows('SELECT count() AS n FROM shard2.events_local');
    expect([shard1 > 0, shard2 > 0, shard1 + shard2]).toEqual([true, true, 60]);
    const report = await buildReport(one.store);
    expect(report.totals).toMatchObject({ events: 60, installs: 12, batches: 72 });
    expect(report.quality).toMatchObject({ duplicates: 60, gaps: 0, missing: 0 });
    expect(report.funnel.map((f) => f.sessions)).toEqual([12, 12, 12, 12, 12]);
    expect(report).toEqual(await buildReport(plain.store));
    expect(await buildAnalytics(one.store)).toEqual(await buildAnalytics(plain.store));
  });
});
