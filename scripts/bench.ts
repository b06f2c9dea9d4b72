/**
 * `npm run bench`: wetrack's costs, measured in the mini-program simulator (figures, not a test).
 * Writes nothing; copy the printed table into BENCHMARKS.md with the command and date.
 */
import { addAutocapture } from '../src/autocapture/index';
import { createWxPlatform } from '../src/platform/wx';
import { createTrackerWith } from '../src/tracker';
import { createRuntime, mp } from '../test/sim';
import { startCollector } from '../test/support/collector';

const now = () => performance.now();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const us = (ms: number) => (ms * 1000).toFixed(2) + ' µs';

async function main() {
  const collector = await startCollector();
  const rt = createRuntime({ appConfig: { pages: ['pages/home/index'] }, printErrors: false, suspendAfterHideMs: null });
  const proc = rt.start();
  const tracker = addAutocapture(createTrackerWith(createWxPlatform));
  tracker.init({ serverUrl: collector.url, batchSize: 20, flushIntervalMs: 5000 });
  let hostCalls = 0;
  proc.definePage('pages/home/index', () => mp.Page({ onBuy() { hostCalls++; } }));
  proc.launch();
  const page = proc.currentPage() as unknown as { onBuy(e: unknown): void };
  const plain = function (this: unknown, _e: unknown) { hostCalls++; };
  const props = { product_code: 'VG-3', price: 12.9, quantity: 1, list: 'home.recommend', position: 4 };
  const rows: [string, string][] = [];

  // track(): per call, after warm-up, in batches of 100 calls timed together (timer resolution).
  for (let i = 0; i < 5000; i++) tracker.track('warm', props);
  const perCall: number[] = [];
  for (let r = 0; r < 300; r++) {
    const t0 = now();
    for (let i = 0; i < 100; i++) tracker.track('add_to_cart', props);
    perCall.push((now() - t0) / 100);
  }
  rows.push(['track() per call, median', us(pct(perCall, 0.5))]);
  rows.push(['track() per call, p99', us(pct(perCall, 0.99))]);

  // A tapped handler: wrapped (records a $tap) minus the same handler unwrapped.
  const tap = (ts: number) => ({ type: 'tap', timeStamp: ts, target: { id: 'buy', dataset: { sku: 'VG-3' } }, currentTarget: { id: 'buy', dataset: { sku: 'VG-3' } }, changedTouches: [{}] });
  let ts = 1;
  for (let i = 0; i < 5000; i++) page.onBuy(tap(ts++));
  const wrapped: number[] = [];
  const bare: number[] = [];
  for (let r = 0; r < 300; r++) {
    const evs = Array.from({ length: 100 }, () => tap(ts++));
    let t0 = now();
    for (const e of evs) plain(e);
    bare.push((now() - t0) / 100);
    t0 = now();
    for (const e of evs) page.onBuy(e);
    wrapped.push((now() - t0) / 100);
  }
  rows.push(['SDK time added to a tapped handler, median', us(pct(wrapped, 0.5) - pct(bare, 0.5))]);
  rows.push(['SDK time added to a tapped handler, p99', us(pct(wrapped, 0.99) - pct(bare, 0.99))]);

  // Storage and wire costs.
  await new Promise((r) => setTimeout(r, 6000));
  rt.storage.resetCounters();
  let inTrack = false;
  let hot = 0;
  rt.storage.onCall(() => inTrack && hot++);
  const before = collector.requests.length;
  const bytesBefore = collector.requests.reduce((n, r) => n + Buffer.byteLength(r.raw), 0);
  for (let i = 0; i < 1000; i++) {
    inTrack = true;
    tracker.track('add_to_cart', { ...props, i });
    inTrack = false;
  }
  await tracker.flush();
  await new Promise((r) => setTimeout(r, 200));
  const c = rt.storage.counters;
  rows.push(['storage calls per 100 events', ((c.syncCalls + c.asyncCalls) / 10).toFixed(1)]);
  rows.push(['storage bytes written per 100 events', String(Math.round(c.bytesWritten / 10))]);
  rows.push(['synchronous storage calls inside track()', String(hot)]);
  rows.push(['requests per 1,000 events', String(collector.requests.length - before)]);
  rows.push(['bytes on the wire per 1,000 events', String(collector.requests.reduce((n, r) => n + Buffer.byteLength(r.raw), 0) - bytesBefore)]);

  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`wetrack bench (Node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`);
  for (const [k, v] of rows) console.log('  ' + k.padEnd(w) + '  ' + v);
  rt.dispose();
  await collector.close();
  if (hostCalls === 0) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
