/**
 * npm run bench:collector -- [--connections 200] [--events 20] [--duration 15] [--rate 0] [--cpu-prof DIR]
 *                            [--store duckdb | clickhouse | clickhouse://host:port/database]
 *
 * Ingest throughput of the collector: it runs as `npm run collector` does, in its own process on
 * 127.0.0.1 with a fresh database, and autocannon (in this process) posts batches of --events
 * events over --connections keep-alive connections for --duration seconds (after a 3 s warm-up
 * that is not counted). Every request carries new event ids, so each event is stored, never
 * counted as a duplicate. --rate N caps the load at N requests per second (0: as fast as the
 * collector answers). At the end the events stored are counted in the database: at least the
 * events of the requests answered 200 (requests cut off when the warm-up or the run ended may be
 * stored too, after the count that starts the run or before the one that ends it).
 *
 * --store: where the collector stores (default duckdb: a fresh file). `clickhouse` starts a throwaway
 * ClickHouse server (test/collector/clickhouse.ts, its data on disk in the OS temp folder as the
 * DuckDB file is) and a fresh database on it; a clickhouse:// address uses that server (a fresh
 * database named wetrack_bench_<time> is created there and left behind).
 *
 * Loopback only: the load generator, the collector (and a local ClickHouse) share this machine's cores.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ClickHouseHttp, parseClickHouseUrl } from '../collector/clickhouse';
import { startClickHouse, type ClickHouseServer } from '../test/collector/clickhouse';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '200' },
    events: { type: 'string', default: '20' },
    duration: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    rate: { type: 'string', default: '0' },
    'cpu-prof': { type: 'string' },
    store: { type: 'string', default: 'duckdb' },
  },
});
const connections = Number(values.connections);
const perBatch = Number(values.events);
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const rate = Number(values.rate);

const context = { lib: 'wetrack', libVersion: '0.1.0', appId: 'wx0123456789abcdef', appVersion: '1.4.0', appEnv: 'release', brand: 'iPhone', model: 'iPhone 15', platform: 'ios', system: 'iOS 17.0', screenWidth: 393, screenHeight: 852, pixelRatio: 3, SDKVersion: '3.6.0', network: 'wifi' };
const NAMES = ['$page_view', '$tap', '$exposure', 'view_product', 'add_to_cart'];
let request = 0;

/** A batch as the SDK sends it: new ids, one install per connection-sized group, seqs in order. */
function body(): string {
  const r = request++;
  const install = r % 1000;
  const now = Date.now();
  const events = [];
  for (let i = 0; i < perBatch; i++) {
    const name = NAMES[(r + i) % NAMES.length];
    events.push({
      id: `b${process.pid}-${r}-${i}`,
      seq: Math.floor(r / 1000) * perBatch + i + 1,
      name,
      time: now - 500 + i,
      anonymousId: `anon-${install}`,
      userId: install % 3 ? `user-${install}` : undefined,
      sessionId: `sess-${install}`,
      page: 'pages/product/index',
      properties: name === '$exposure' || name === '$tap' ? { slot: `home.rec.${i % 6}`, path: 'pages/home/index', ratio: 0.8, dwell_ms: 1200 } : { path: 'pages/product/index', product_code: `VG-${r % 50}`, price: 12.9, quantity: 1 },
    });
  }
  return JSON.stringify({ sentAt: now, context, events });
}

async function startCollector(db: string): Promise<{ url: string; stop(): Promise<void> }> {
  const args = ['--import', 'tsx', ...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : []), path.join(__dirname, '..', 'collector', 'main.ts'), 'serve', '--port', '0', '--db', db];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /live view\s+(http:\/\/\S+)\//.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`collector exited (${code}): ${out}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

function run(url: string, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const inst = autocannon(
      {
        url: url + '/v1/batch',
        connections,
        duration: seconds,
        ...(rate > 0 && { overallRate: rate }),
        requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: body() }) }],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    inst.on('error', reject);
  });
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wetrack-bench-collector-'));
  let clickhouse: ClickHouseServer | undefined;
  let db = path.join(dir, 'bench.duckdb');
  if (values.store === 'clickhouse') {
    clickhouse = await startClickHouse({ tmp: tmpdir() });
    db = clickhouse.url('wetrack_bench');
  } else if (values.store.startsWith('clickhouse://')) {
    db = `${/^clickhouse:\/\/[^/]+/.exec(values.store)![0]}/wetrack_bench_${Date.now()}`;
  } else if (values.store !== 'duckdb') throw new Error(`--store duckdb, clickhouse or clickhouse://host:port/database, not ${values.store}`);
  const collector = await startCollector(db);
  let totalEvents = 0;
  try {
    if (warmup > 0) await run(collector.url, warmup);
    const before = (await (await fetch(collector.url + '/api/report')).json()).totals.events as number;
    const r = await run(collector.url, duration);
    const after = (await (await fetch(collector.url + '/api/report')).json()).totals.events as number;
    totalEvents = after;
    const ok = r['2xx'];
    const eventsPerSecond = (ok * perBatch) / duration;
    const lat = r.latency;
    console.log(
      [
        `collector ingest, ${new Date().toISOString()}, node ${process.version}, store ${db.startsWith('clickhouse://') ? `ClickHouse ${clickhouse?.version ?? ''} ${db}` : 'DuckDB'}, ${connections} connections, ${perBatch} events a batch, ${duration} s${rate ? `, capped at ${rate} requests/s` : ''}`,
        `  requests answered 200   ${ok} (non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})`,
        `  events stored           ${after - before} (answered 200: ${ok * perBatch}; requests cut off at the end of the warm-up and of the run may add up to ${2 * connections * perBatch})`,
        `  throughput              ${Math.round(eventsPerSecond).toLocaleString('en')} events/s (${Math.round(ok / duration)} requests/s)`,
        `  latency                 p50 ${lat.p50} ms · p90 ${lat.p90} ms · p99 ${lat.p99} ms · max ${lat.max} ms`,
        `  goal                    ≥ 20,000 events/s, p99 < 250 ms: ${eventsPerSecond >= 20_000 && lat.p99 < 250 ? 'met' : 'NOT met'}`,
      ].join('\n'),
    );
    if (after - before < ok * perBatch || after - before > (ok + 2 * connections) * perBatch) process.exitCode = 1;
    if (db.startsWith('clickhouse://')) {
      // Compressed bytes of the events table's parts (merges still running may shrink it further).
      const ch = new ClickHouseHttp(parseClickHouseUrl(db));
      const [size] = await ch.rows<{ bytes: number; events: number }>(
        `SELECT sum(data_compressed_bytes) AS bytes, sum(rows) AS events FROM system.parts WHERE database = '${parseClickHouseUrl(db).database}' AND table = 'events' AND active`,
      );
      ch.close();
      console.log(`  on disk                 ${Math.round(size.bytes / size.events)} bytes an event (events table, compressed, ${size.events} rows)`);
    }
  } finally {
    await collector.stop();
    if (!db.startsWith('clickhouse://')) console.log(`  on disk                 ${Math.round(statSync(db).size / Math.max(1, totalEvents))} bytes an event (the DuckDB file after close, ${totalEvents} events)`);
    await clickhouse?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
