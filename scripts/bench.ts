/**
 * `npm run bench`: wetrack side by side with Sensors (sa-sdk-miniprogram, with its exposure plugin)
 * and DataRangers (@datarangers/sdk-mp), in one process on one machine, in the mini-program
 * simulator (test/sim) against a loopback collector, on fake time (bench/clock.ts). Figures, not a
 * timed test. Prints the table and writes it into BENCHMARKS.md (between the bench markers) with the
 * command and the date.
 *
 *   npm run bench                 # 5 runs of the timed figures, medians; counted figures once (they do not vary)
 *   npm run bench -- --runs 3     # fewer runs
 *   npm run bench -- --no-write   # print only
 *
 * How each SDK is loaded and configured: bench/sdks.ts. The scenarios: bench/run.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { installClock, type Clock } from '../bench/clock';
import { Bench, coldStart, exposure, installPrivateGlobals, killed, outage, steady, timing, type ColdStart, type ExposureFigures, type Steady, type Timing } from '../bench/run';
import { ALL, type SdkSpec } from '../bench/sdks';
import { sizeFiles, sizeWetrack, type Sized } from '../bench/size';

const args = process.argv.slice(2);
const opt = (name: string, d: number) => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const RUNS = Math.max(1, opt('runs', 5));
const WRITE = !args.includes('--no-write');
const median = (xs: number[]) => {
  const s = xs.filter((x) => !isNaN(x)).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

const realCrypto = Object.getOwnPropertyDescriptor(globalThis, 'crypto');

/**
 * Deterministic randomness for the counted scenarios, so the counts repeat: Math.random (ids,
 * backoff jitter) and crypto.getRandomValues (Sensors draws its event ids from it).
 */
function seedRandom(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  Math.random = next;
  const getRandomValues = <T extends ArrayBufferView>(a: T): T => {
    const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < u.length; i++) u[i] = Math.floor(next() * 256);
    return a;
  };
  Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues }, configurable: true, writable: true });
}

function unseedRandom(realRandom: () => number) {
  Math.random = realRandom;
  if (realCrypto) Object.defineProperty(globalThis, 'crypto', realCrypto);
}

interface Result {
  size: Sized;
  timings: Timing[];
  exposures: ExposureFigures[];
  steady?: Steady;
  outage?: { lost: number; tracked: number };
  killed?: { lost: number; tracked: number };
  killedHalf?: { lost: number; tracked: number };
  cold0?: ColdStart;
  cold5000?: ColdStart;
  errors: string[];
}

async function withBench<T>(spec: SdkSpec, r: Result, clock: Clock, slots: number, f: (b: Bench) => Promise<T>): Promise<T | undefined> {
  const b = new Bench(spec, r.size.code, clock, slots);
  try {
    await b.start();
    const out = await f(b);
    for (const e of b.proc.errors) r.errors.push(e.message.split('\n')[0]);
    return out;
  } catch (e) {
    r.errors.push(String(e));
    return undefined;
  } finally {
    await b.dispose().catch(() => undefined);
  }
}

// ---- the table ---------------------------------------------------------------------------------

type Row = {
  label: string;
  /** value per SDK; a string where the SDK cannot do it */
  get(r: Result): number | string;
  fmt(v: number): string;
  /** lower is better for every row */
  why?: Partial<Record<string, string>>;
};

const kb = (b: number) => (b / 1024).toFixed(1) + ' KB';
const us = (v: number) => v.toFixed(v < 10 ? 2 : 1) + ' µs';
const n0 = (v: number) => String(Math.round(v));
const n1 = (v: number) => v.toFixed(1);
const bytes = (v: number) => Math.round(v).toLocaleString('en-US') + ' B';
const med = (xs: number[]) => median(xs);

const NO_QUEUE = 'no persisted queue';

const ROWS: Row[] = [
  { label: 'bundle for page views + taps + exposure + batched sending, min+gzip', get: (r) => r.size.gzip, fmt: kb },
  { label: 'same, minified', get: (r) => r.size.min, fmt: kb },
  { label: 'track() per call, median', get: (r) => med(r.timings.map((t) => t.trackMedianUs)), fmt: us },
  { label: 'track() per call, p99', get: (r) => med(r.timings.map((t) => t.trackP99Us)), fmt: us },
  { label: 'SDK time added to a tapped handler, median', get: (r) => med(r.timings.map((t) => t.tapMedianUs)), fmt: us },
  { label: 'SDK time added to a tapped handler, p99', get: (r) => med(r.timings.map((t) => t.tapP99Us)), fmt: us },
  {
    label: 'storage calls per 100 events',
    get: (r) => (r.steady ? (r.steady.storageBytesPer100 === 0 ? `0 (${NO_QUEUE})` : r.steady.storageCallsPer100) : 'failed'),
    fmt: n1,
  },
  {
    label: 'storage bytes written per 100 events',
    get: (r) => (r.steady ? (r.steady.storageBytesPer100 === 0 ? `0 (${NO_QUEUE})` : r.steady.storageBytesPer100) : 'failed'),
    fmt: bytes,
  },
  { label: 'synchronous storage calls inside track(), per call', get: (r) => (r.steady ? r.steady.hotSyncCalls : 'failed'), fmt: (v) => v.toFixed(2) },
  { label: 'requests per 1,000 events', get: (r) => (r.steady ? r.steady.requestsPer1000 : 'failed'), fmt: n0 },
  { label: 'bytes on the wire per 1,000 events (request bodies)', get: (r) => (r.steady ? r.steady.bytesPer1000 : 'failed'), fmt: bytes },
  { label: 'events lost: collector answers 500 for 30 s (600 tracked)', get: (r) => (r.outage ? r.outage.lost : 'failed'), fmt: n0 },
  { label: 'events lost: killed 1 s after the last track() (50 tracked)', get: (r) => (r.killed ? r.killed.lost : 'failed'), fmt: n0 },
  { label: 'events lost: killed 0.5 s after the last track() (50 tracked)', get: (r) => (r.killedHalf ? r.killedHalf.lost : 'failed'), fmt: n0 },
  { label: 'cold start, nothing queued: storage bytes read while the SDK starts', get: (r) => (r.cold0 ? r.cold0.bytesRead : 'failed'), fmt: bytes },
  { label: 'cold start, 5,000 events queued offline: storage bytes read while the SDK starts', get: (r) => (r.cold5000 ? r.cold5000.bytesRead : 'failed'), fmt: bytes },
  { label: 'cold start, nothing queued: init() time', get: (r) => (r.cold0 ? r.cold0.initMs * 1000 : 'failed'), fmt: us },
  { label: 'cold start, 5,000 events queued offline: init() time', get: (r) => (r.cold5000 ? r.cold5000.initMs * 1000 : 'failed'), fmt: us },
  { label: 'exposure, 2,000 slots scrolling: SDK time per observer callback batch, median', get: (r) => med(r.exposures.map((e) => e.batchMedianUs)), fmt: us },
  { label: 'exposure, same, p99', get: (r) => med(r.exposures.map((e) => e.batchP99Us)), fmt: us },
  { label: 'exposure, heap growth over the scroll (after GC)', get: (r) => med(r.exposures.map((e) => e.heapGrowthKB)), fmt: (v) => v.toFixed(0) + ' KB' },
];

/** Why a row may not be won, by row label: said in the note when it is not. */
const WHY: Record<string, string> = {
  'storage calls per 100 events':
    'DataRangers writes nothing while the network works because it keeps no persisted queue (it loses what is buffered when the process dies); against Sensors, which persists its queue, wetrack makes fewer calls: one write of its queue head per save (200 ms after the first event not yet stored), none per acknowledgement (issue 14; 9.6 before)',
  'storage bytes written per 100 events':
    'DataRangers keeps no persisted queue: nothing is written until a send fails, and a kill loses its buffer. Each wetrack save rewrites its queue head (the events not yet acknowledged): fewer calls and more bytes than before issue 14 (37,684 B per 100 events then), still fewer than Sensors, which rewrites its whole queue every 500 ms',
  'requests per 1,000 events':
    "Sensors' `max_length` only triggers a send, which then takes up to 100 queued events, so its requests carry more events than the 20 configured; wetrack's batchSize (50 by default) caps a request (less to resend after a failure, and a smaller queue head to rewrite per save)",
  'cold start, nothing queued: storage bytes read while the SDK starts':
    'Sensors reads a small index synchronously and its queue asynchronously (wx.getStorage) after init; DataRangers reads only asynchronously; wetrack reads its identity and its queue head synchronously (the note above has the asynchronous reads)',
  'cold start, 5,000 events queued offline: storage bytes read while the SDK starts':
    'the same: Sensors and DataRangers read their queues asynchronously after init (the note above); wetrack reads its identity and its queue head, whose events moved to segments on hide, synchronously: as much as with nothing queued (1.36 MB in 8 calls before issue 14), and the segments when it can first send',
  'events lost: killed 0.5 s after the last track() (50 tracked)':
    'a tie with Sensors, which rewrites its whole queue every 500 ms; DataRangers loses the unsent part of its buffer',
  'synchronous storage calls inside track(), per call': 'a tie: none of the three touches storage inside track() (Sensors and DataRangers send inside track() instead, which the track() rows bill them for)',
  'exposure, 2,000 slots scrolling: SDK time per observer callback batch, median':
    'within noise of the peers (the three differ by tenths of a µs from run to run); wetrack asks only for the thresholds its rules use (the minRatio, as the peers ask for one), so WeChat calls the three equally often',
  'exposure, same, p99': 'the three get the same callbacks now (3,986: wetrack asks only for the thresholds its rules use, 12 before issue 9), yet the slowest batches cost wetrack more; not profiled yet (issue 14 asks for it)',
  'events lost: collector answers 500 for 30 s (600 tracked)': 'a tie with DataRangers, which stores each failed batch and resends it after the next success (Sensors drops a batch on any answer, 500 included)',
  'events lost: killed 1 s after the last track() (50 tracked)': 'a tie with Sensors, which rewrites its whole in-memory queue to storage every 500 ms (DataRangers loses the unsent part of its buffer)',
};

function ratio(w: number | string, p: number | string): string {
  if (typeof w != 'number' || typeof p != 'number') return '—';
  if (w === 0 && p === 0) return 'equal (0)';
  if (p === 0) return 'worse (peer 0)';
  return (w / p).toFixed(2) + '×';
}

function cell(v: number | string, row: Row) {
  return typeof v == 'string' ? v : isNaN(v) ? 'n/a' : row.fmt(v);
}

function table(results: Map<SdkSpec, Result>): { md: string; notWon: string[] } {
  const [w, ...peers] = ALL;
  const rw = results.get(w)!;
  const head = ['', w.name, ...peers.flatMap((p) => [p.name, 'wetrack ÷ ' + p.name.split(' ')[0]])];
  const lines = [head, head.map(() => '---')];
  const notWon: string[] = [];
  for (const row of ROWS) {
    const wv = row.get(rw);
    const line = [row.label, cell(wv, row)];
    // Not won: worse than a peer, or level with it (a tie is said too).
    let lost = false;
    for (const p of peers) {
      const pv = row.get(results.get(p)!);
      line.push(cell(pv, row), ratio(wv, pv));
      const pn = typeof pv == 'number' ? pv : parseFloat(String(pv));
      if (typeof wv != 'number' || isNaN(pn) || wv >= pn) lost = true;
    }
    if (lost) notWon.push(row.label);
    lines.push(line);
  }
  return { md: lines.map((l) => '| ' + l.join(' | ') + ' |').join('\n'), notWon };
}

function plain(md: string): string {
  const rows = md.split('\n').filter((l) => !/^\| ---/.test(l)).map((l) => l.slice(2, -2).split(' | '));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')).join('\n');
}

async function main() {
  const t0 = Date.now();
  const load0 = os.loadavg()[0];
  installPrivateGlobals();
  const results = new Map<SdkSpec, Result>();
  for (const s of ALL) {
    const size = s === ALL[0] ? await sizeWetrack() : await sizeFiles(s.files);
    results.set(s, { size, timings: [], exposures: [], errors: [] });
  }
  const quiet = console.warn;
  console.warn = () => {}; // the SDKs' own console warnings (e.g. wetrack's "collector answered 500; retrying")
  const realRandom = Math.random;
  const clock = installClock();
  try {
    // Timed figures: RUNS rounds, the SDKs interleaved so that machine noise spreads over all three.
    for (let run = 0; run < RUNS; run++) {
      for (const s of ALL) {
        const r = results.get(s)!;
        const t = await withBench(s, r, clock, 0, (b) => timing(b));
        if (t) r.timings.push(t);
        if (run < Math.min(RUNS, 3)) {
          const e = await withBench(s, r, clock, 2000, (b) => exposure(b));
          if (e) r.exposures.push(e);
        }
      }
      process.stderr.write(`run ${run + 1}/${RUNS} done\n`);
    }
    // Counted figures: deterministic (seeded Math.random, fake time), once.
    for (const s of ALL) {
      const r = results.get(s)!;
      seedRandom(20261125);
      r.steady = await withBench(s, r, clock, 0, steady);
      seedRandom(20261126);
      r.outage = await withBench(s, r, clock, 0, outage);
      seedRandom(20261127);
      r.killed = await withBench(s, r, clock, 0, (b) => killed(b));
      seedRandom(20261128);
      r.killedHalf = await withBench(s, r, clock, 0, (b) => killed(b, 500, true));
      seedRandom(20261129);
      r.cold0 = await withBench(s, r, clock, 0, (b) => coldStart(b, 0));
      seedRandom(20261130);
      r.cold5000 = await withBench(s, r, clock, 0, (b) => coldStart(b, 5000));
      unseedRandom(realRandom);
    }
  } finally {
    clock.restore();
    unseedRandom(realRandom);
    console.warn = quiet;
  }

  const { md, notWon } = table(results);
  const date = new Date().toISOString().slice(0, 10);
  const secs = Math.round((Date.now() - t0) / 1000);
  const machine = `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${os.platform()}, load average ${load0.toFixed(1)} at the start and ${os.loadavg()[0].toFixed(1)} at the end`;
  const hasGc = typeof (globalThis as { gc?: unknown }).gc == 'function';
  const expo = ALL.map((s) => {
    const e = results.get(s)!.exposures;
    return `${s.name.split(' ')[0]}: ${median(e.map((x) => x.callbacks))} callbacks in ${median(e.map((x) => x.batches))} batches, ${median(e.map((x) => x.exposures))} exposure events`;
  }).join('; ');
  const errors = ALL.flatMap((s) => [...new Set(results.get(s)!.errors)].map((e) => `${s.name}: ${e}`));
  const notes = [
    `Timed rows: median of ${RUNS} runs (exposure: of ${Math.min(RUNS, 3)}), each run 200 rounds of 100 calls after 30 rounds of warm-up; p99 is the 99th percentile of the per-round averages. Medians repeat within a few tenths of a µs from run to run; the p99 rows move with whatever else runs on the machine (see the load average above) and are best compared within one table. Counted rows: one run with seeded randomness (Math.random and crypto.getRandomValues), so they repeat exactly.`,
    `Exposure runs: ${expo}.`,
    'Cold start reads (synchronous while the SDK starts; asynchronous in the 2 s after), nothing queued / 5,000 queued: ' +
      ALL.map((s) => {
        const r = results.get(s)!;
        const calls = (n: number) => n + (n == 1 ? ' call ' : ' calls ');
        const f = (c?: ColdStart) => (c ? `${calls(c.reads)}${bytes(c.bytesRead)}, async ${calls(c.asyncReads)}${bytes(c.asyncBytes)}` : 'failed');
        return `${s.name.split(' ')[0]}: ${f(r.cold0)} / ${f(r.cold5000)}`;
      }).join('; ') +
      '.',
    hasGc ? '' : 'Heap growth: run without --expose-gc (use `npm run bench`), so the figure includes garbage not yet collected.',
    notWon.length
      ? 'Rows wetrack does not win outright (worse than, or level with, a peer):\n' + notWon.map((l) => `  - **${l}**: ${WHY[l] ?? 'see the notes below the table'}.`).join('\n')
      : 'wetrack wins every row.',
    errors.length ? 'Errors reported by the simulator while the SDKs ran: ' + errors.slice(0, 10).join('; ') : '',
  ].filter(Boolean);
  const out = [
    `Command: \`npm run bench\` (${RUNS} runs). Date: ${date}. Machine: ${machine}. Took ${secs} s.`,
    '',
    md,
    '',
    ...notes.map((n) => '- ' + n),
  ].join('\n');

  console.log(`\nwetrack vs Sensors vs DataRangers — ${date}, ${machine}\n`);
  console.log(plain(md));
  console.log('\n' + notes.map((n) => '- ' + n.replace(/\*\*/g, '')).join('\n'));
  if (WRITE) {
    const file = 'BENCHMARKS.md';
    const doc = readFileSync(file, 'utf8');
    const a = doc.indexOf('<!-- bench:start -->');
    const z = doc.indexOf('<!-- bench:end -->');
    if (a < 0 || z < a) throw new Error('BENCHMARKS.md has no <!-- bench:start --> … <!-- bench:end --> markers');
    writeFileSync(file, doc.slice(0, a) + '<!-- bench:start -->\n' + out + '\n' + doc.slice(z));
    console.log(`\nwritten to ${file}`);
  }
  const w = results.get(ALL[0])!;
  if (!w.steady || !w.outage || !w.killed || !w.timings.length) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
