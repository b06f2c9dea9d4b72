/**
 * The ClickHouse store's HTTP client and literals without a ClickHouse server (clickhouse.test.ts
 * runs the store against a real one): what goes over the wire to a stand-in HTTP server (the
 * credentials of the URL as Basic auth, the database and settings as parameters), the error an
 * answer other than 200 becomes, the single retry of a kept-alive connection the server closed,
 * the literals of booleans and escapes, the parse of a non-ClickHouse address, and the replicated
 * cluster DDL (ZooKeeper paths with the {shard} and {replica} macros).
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bind, ClickHouseHttp, clusterSchema, parseClickHouseUrl, sqlLiteral } from '../../collector/clickhouse';

interface Seen {
  url: string;
  authorization: string | undefined;
  body: string;
}

/** An HTTP server standing in for ClickHouse: answers each request with `answer(seen, n)`. */
async function fake(answer: (seen: Seen, n: number, req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const s = { url: req.url ?? '', authorization: req.headers.authorization, body };
      seen.push(s);
      answer(s, seen.length, req, res);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  closers.push(close);
  return { port, seen, sockets, close };
}
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

describe('ClickHouseHttp', () => {
  it("the URL's user and password as Basic auth, a user without password as user:, none without a user", async () => {
    const f = await fake((_s, _n, _req, res) => res.end('ok'));
    const withPassword = new ClickHouseHttp(parseClickHouseUrl(`clickhouse://ops:p%40ss@127.0.0.1:${f.port}/wt`));
    expect(await withPassword.exec('SELECT 1')).toBe('ok');
    const userOnly = new ClickHouseHttp(parseClickHouseUrl(`clickhouse://ops@127.0.0.1:${f.port}/wt`));
    await userOnly.exec('SELECT 1');
    const anonymous = new ClickHouseHttp(parseClickHouseUrl(`clickhouse://127.0.0.1:${f.port}/wt`));
    await anonymous.exec('SELECT 1');
    expect(f.seen.map((s) => s.authorization)).toEqual(['Basic ' + Buffer.from('ops:p@ss').toString('base64'), 'Basic ' + Buffer.from('ops:').toString('base64'), undefined]);
    expect(f.seen.map((s) => [s.url, s.body])).toEqual([
      ['/?database=wt', 'SELECT 1'],
      ['/?database=wt', 'SELECT 1'],
      ['/?database=wt', 'SELECT 1'],
    ]);
  });

  it('rows(): the values bound, FORMAT JSON, the read settings, and the data of the answer', async () => {
    const f = await fake((_s, _n, _req, res) => res.end(JSON.stringify({ data: [{ n: 2 }] })));
    const c = new ClickHouseHttp(parseClickHouseUrl(`clickhouse://127.0.0.1:${f.port}/wt`));
    expect(await c.rows('SELECT ? AS a, ? AS b', ["it's", true])).toEqual([{ n: 2 }]);
    expect(await c.rows('SELECT 1')).toEqual([{ n: 2 }]);
    expect(f.seen[0].body).toBe("SELECT 'it\\'s' AS a, 1 AS b\nFORMAT JSON");
    expect(f.seen[1].body).toBe('SELECT 1\nFORMAT JSON');
    expect(new URLSearchParams(f.seen[0].url.slice(2)).get('join_use_nulls')).toBe('1');
  });

  it('an answer other than 200: an error with the server, the status and the first line of the text', async () => {
    const f = await fake((_s, _n, _req, res) => {
      res.statusCode = 500;
      res.end('  Code: 60. DB::Exception: Table wt.nope does not exist.\nStack trace: ...\n');
    });
    const c = new ClickHouseHttp(parseClickHouseUrl(`clickhouse://127.0.0.1:${f.port}/wt`));
    await expect(c.exec('SELECT * FROM nope')).rejects.toThrow(
      new Error(`ClickHouse at 127.0.0.1:${f.port} answered 500: Code: 60. DB::Exception: Table wt.nope does not exist.`),
    );
    expect(f.seen).toHaveLength(1);
  });

  it('a kept-alive connection the server closed before answering: retried once on a new one; a second reset is an error', async () => {
    let resets = 1;
    const f = await fake((_s, n, req, res) => {
      if (n === 1) return res.end('first');
      if (resets > 0) {
        resets--;
        // The server drops the kept-alive connection with this request unanswered.
        req.socket.destroy();
        return;
      }
      res.end('again');
    });
    const c = new ClickHouseHttp(parseClickHouseUrl(`clickhouse://127.0.0.1:${f.port}/wt`));
    expect(await c.exec('SELECT 1')).toBe('first');
    expect(await c.exec('SELECT 2')).toBe('again');
    expect(f.seen.map((s) => s.body)).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 2']);

    resets = 2;
    await expect(c.exec('SELECT 3')).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('a reset on a new connection is not retried', async () => {
    const f = await fake((_s, _n, req) => req.socket.destroy());
    const c = new ClickHouseHttp(parseClickHouseUrl(`clickhouse://127.0.0.1:${f.port}/wt`));
    await expect(c.exec('SELECT 1')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(f.seen).toHaveLength(1);
  });
});

describe('literals and addresses', () => {
  it('booleans as 1 and 0, NULL, numbers as written, strings with backslash escapes', () => {
    expect([sqlLiteral(true), sqlLiteral(false), sqlLiteral(null), sqlLiteral(-1.5), sqlLiteral("a'b\\c")]).toEqual(['1', '0', 'NULL', '-1.5', "'a\\'b\\\\c'"]);
  });

  it('bind: no values for no ?, a backslash escape inside quotes keeps the next character, even a quote', () => {
    expect(bind('SELECT 1')).toBe('SELECT 1');
    expect(bind("SELECT 'a\\'?', ?", [2])).toBe("SELECT 'a\\'?', 2");
    // A string ending in a backslash: nothing after it to keep.
    expect(bind("SELECT 'a\\")).toBe("SELECT 'a\\");
  });

  it('an address that is not clickhouse:// is refused, naming it', () => {
    expect(() => parseClickHouseUrl('http://127.0.0.1:8123/wt')).toThrow(new Error('not a ClickHouse address: http://127.0.0.1:8123/wt'));
  });
});

describe('clusterSchema, replicated', () => {
  it("Replicated engines with each table's ZooKeeper path and the {shard} and {replica} macros, the version column after them", () => {
    const ddl = clusterSchema({ cluster: 'c1', replicated: true, localDatabase: 'wt_local' });
    expect(ddl.shards).toHaveLength(3);
    expect(ddl.shards[0]).toContain("CREATE TABLE IF NOT EXISTS wt_local.events_local ");
    expect(ddl.shards[0]).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/wetrack/events', '{replica}') ");
    expect(ddl.shards[1]).toContain("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/wetrack/batches', '{replica}') ");
    expect(ddl.shards[2]).toContain("ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/wetrack/install_seq', '{replica}', seq)");
    const plain = clusterSchema({ cluster: 'c1' });
    expect(plain.shards[0]).toContain('CREATE TABLE IF NOT EXISTS events_local ');
    expect(plain.shards[0]).toContain('ENGINE = ReplacingMergeTree ');
    expect(plain.shards[2]).toContain('ReplacingMergeTree(seq)');
  });
});
