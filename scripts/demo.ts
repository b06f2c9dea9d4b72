/**
 * `npm run demo`: a scripted session of the SDK in the mini-program runtime simulator, delivering
 * over real HTTP to a collector on 127.0.0.1, then a report of what arrived. The collector answers
 * 500 for a while and the phone goes offline and is killed once, so the report shows the queue at work.
 * (The example shop and the collector with a live view replace this script in a later issue.)
 */
import { createWxPlatform } from '../src/platform/wx';
import { createTrackerWith } from '../src/tracker';
import { createRuntime } from '../test/sim';
import { startCollector } from '../test/support/collector';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, label: string, limitMs = 30_000) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > limitMs) throw new Error('demo: timed out waiting for ' + label);
    await sleep(20);
  }
}

async function main() {
  let failing = false;
  const collector = await startCollector({ responder: () => (failing ? { status: 500 } : { status: 200 }) });
  const rt = createRuntime({
    appConfig: { pages: ['pages/home/index', 'pages/product/index'] },
    printErrors: false,
    suspendAfterHideMs: null,
  });
  const options = { serverUrl: collector.url, batchSize: 20, flushIntervalMs: 300, retryBaseMs: 100, retryMaxMs: 400, appVersion: '1.0.0' };
  const boot = () => {
    const proc = rt.start({ scene: 1001 });
    proc.launch();
    const tracker = createTrackerWith(createWxPlatform);
    tracker.init(options);
    return { proc, tracker };
  };

  let { proc, tracker } = boot();
  let tracked = 0;
  const track = (name: string, props: Record<string, unknown>) => (tracker.track(name, props), tracked++);
  const steps: string[] = [];

  // A user browses and buys.
  for (let i = 0; i < 30; i++) track('view_product', { product_code: 'VG-' + (i % 8), price: 9.9 + (i % 8), list: 'home.recommend' });
  tracker.identify('user-1001');
  track('add_to_cart', { product_code: 'VG-3', price: 12.9, quantity: 1 });
  track('checkout', { product_code: 'VG-3', price: 12.9, quantity: 1, phone: '13812345678' });
  await until(() => collector.events().length >= 32, 'first delivery');
  steps.push(`browse and buy: ${collector.events().length} events delivered`);

  // The collector fails: events wait, retried with backoff.
  failing = true;
  for (let i = 0; i < 15; i++) track('view_product', { product_code: 'VG-' + i, price: 5 });
  await sleep(800);
  steps.push(`collector answering 500: ${collector.requests.filter((r) => r.status === 500).length} failed attempts, nothing lost`);
  failing = false;

  // The phone goes offline; the app goes to the background and the process is killed.
  rt.network.set(false);
  for (let i = 0; i < 10; i++) track('pay_success', { product_code: 'VG-' + i, price: 19.9, quantity: 1 });
  proc.hide();
  proc.kill();
  steps.push('offline, app hidden, process killed with events waiting');

  // A cold start on the same storage delivers what the killed process left.
  rt.network.set(true);
  ({ proc, tracker } = boot());
  await until(() => collector.uniqueIds().size >= tracked, 'everything delivered');
  steps.push('cold start: the queue left in storage is delivered');

  const events = collector.events();
  const unique = collector.uniqueIds();
  const seqs = [...new Set(events.map((e) => e.seq as number))].sort((a, b) => a - b);
  const gaps = seqs.filter((s, i) => i > 0 && s !== seqs[i - 1] + 1).length;
  const byName = new Map<string, number>();
  for (const e of new Map(events.map((e) => [e.id, e])).values()) byName.set(e.name as string, (byName.get(e.name as string) ?? 0) + 1);
  const lastBatch = collector.batches.at(-1) as { context: Record<string, unknown> };
  const masked = events.find((e) => e.name === 'checkout')?.properties as Record<string, unknown>;

  console.log('wetrack demo: a scripted session against a collector on ' + collector.url + '\n');
  for (const s of steps) console.log('  - ' + s);
  console.log('\n  tracked             ' + tracked);
  console.log('  delivered (unique)  ' + unique.size + '  (' + (events.length - unique.size) + ' resent after a lost answer, deduplicated by id)');
  console.log('  seq                 ' + seqs[0] + '..' + seqs.at(-1) + ', ' + gaps + ' gaps');
  console.log('  requests            ' + collector.requests.length + ' (' + collector.requests.filter((r) => r.status === 200).length + ' accepted)');
  console.log('  events by name      ' + [...byName].map(([n, c]) => `${n} ${c}`).join(', '));
  console.log('  masked on device    checkout.phone = ' + JSON.stringify(masked?.phone));
  console.log('  batch context       ' + JSON.stringify(lastBatch.context));
  rt.dispose();
  await collector.close();
  if (unique.size !== tracked || gaps) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
