/**
 * The bench's scenarios, run for one SDK at a time in the mini-program simulator (test/sim) against
 * a loopback collector (test/support/collector), on fake time (bench/clock.ts).
 */
import { createRuntime, mp, type Runtime, type SimProcess } from '../test/sim';
import { startCollector, type Collector, type Reply } from '../test/support/collector';
import type { Clock } from './clock';
import { flushIO } from './clock';
import { Layout } from './layout';
import type { Copy, Delivered, SdkSpec } from './sdks';

export const BATCH = 20;
export const INTERVAL_MS = 5000;
const HOME = 'pages/home/index';
const LIST = 'pages/list/index';
/**
 * The properties of the benchmarked event. Each call gets this object (or a copy) as an app would
 * pass a literal; DataRangers adds `$current_path` and `$current_query` to the object it is given,
 * so every bench hands out its own copy and nothing leaks from one SDK's run into another's.
 */
const PROPS = () => ({ product_code: 'VG-3', price: 12.9, quantity: 1, list: 'home.recommend', position: 4 });

const now = () => performance.now();
const EMPTY = new Layout([]);
export const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] : NaN);

/** One phone and one collector for one SDK. */
export class Bench {
  rt!: Runtime;
  collector!: Collector;
  proc!: SimProcess;
  copy!: Copy;
  /** decides the collector's status for event uploads */
  fail: () => Reply | undefined = () => undefined;
  hostCalls = 0;
  layout: Layout;
  /** wx.request answered in-process (see stubRequest) */
  private realRequest: unknown;
  /** bodies sent through the stub */
  stubbed: { path: string; raw: string }[] = [];
  /**
   * The last cold start: synchronous storage reads while the SDK's file was evaluated and initialised
   * and the bytes they returned, asynchronous reads (wx.getStorage) until the boot's 2 s are over and
   * their bytes, and the init call's real ms.
   */
  lastBoot = { reads: 0, bytesRead: 0, asyncReads: 0, asyncBytes: 0, initMs: 0 };

  constructor(
    readonly spec: SdkSpec,
    readonly code: string[],
    readonly clock: Clock,
    slots = 0,
  ) {
    this.layout = new Layout(Array.from({ length: slots }, (_, i) => ({ id: 'slot' + i, className: spec.exposure.className, dataset: spec.exposure.dataset(i) })));
  }

  async start() {
    this.collector = await startCollector({
      responder: (req) => this.spec.answer?.(req.path) ?? this.fail() ?? { status: 200, body: { e: 0, ok: true } },
    });
    this.rt = createRuntime({ appConfig: { pages: [HOME, LIST] }, printErrors: false, suspendAfterHideMs: null });
    await this.boot();
    return this;
  }

  /** A cold start: a new process, a fresh copy of the SDK, the app's code, launch. */
  async boot() {
    const proc = (this.proc = this.rt.start());
    const layout = this.layout;
    const wx = proc.wx as unknown as Record<string, unknown>;
    // Only the list page has slots; other pages get observers and queries that find nothing.
    const onList = (page?: { route?: string }) => (page || proc.currentPage())?.route === LIST;
    wx.createIntersectionObserver = (page: { route?: string }, o: { thresholds?: number[] }) => (onList(page) ? layout : EMPTY).observer(o);
    wx.createSelectorQuery = () => (onList() ? layout : EMPTY).selectorQuery();
    const st = this.rt.storage;
    const boot = { reads: 0, bytesRead: 0, asyncReads: 0, asyncBytes: 0, initMs: 0 };
    let starting = true;
    // What the SDK reads while it starts: synchronous calls inside its evaluation and init, and the
    // asynchronous ones until the boot is over; the bytes of the values they find.
    const off = st.onCall((c) => {
      if (c.key === undefined || !/^get/.test(c.api)) return;
      const v = st.peek(c.key);
      const bytes = Buffer.byteLength(typeof v == 'string' ? v : (JSON.stringify(v) ?? ''));
      if (c.sync && starting) {
        boot.reads++;
        boot.bytesRead += bytes;
      } else if (!c.sync) {
        boot.asyncReads++;
        boot.asyncBytes += bytes;
      }
    });
    this.copy = this.spec.boot(proc, this.code, { url: this.collector.url, batch: BATCH, intervalMs: INTERVAL_MS });
    starting = false;
    boot.initMs = this.copy.initMs;
    this.lastBoot = boot;
    const self = this;
    mp.App({ onLaunch() {} });
    proc.definePage(HOME, () =>
      mp.Page({
        data: {},
        onLoad(this: { createIntersectionObserver?: unknown }) {
          this.createIntersectionObserver = (o: { thresholds?: number[] }) => EMPTY.observer(o);
        },
        onBuy(_e: unknown) {
          self.hostCalls++;
        },
      }),
    );
    proc.definePage(LIST, () =>
      mp.Page({
        data: {},
        onLoad(this: { createIntersectionObserver?: unknown }) {
          this.createIntersectionObserver = (o: { thresholds?: number[] }) => layout.observer(o);
        },
      }),
    );
    proc.launch();
    await this.clock.advance(2000);
    off();
  }

  /** The process is killed (no lifecycle runs) and a new one starts on the same storage. */
  async restart() {
    this.proc.kill();
    this.copy.stop();
    await this.boot();
  }

  /**
   * wx.request answered in-process on the next turn with 200, without sockets: while timing
   * track() and taps, Node's HTTP stack must not be billed to SDKs that send inside those calls
   * (on a phone wx.request is a native call). Storage stays the simulator's.
   */
  stubRequest(on: boolean) {
    const wx = this.proc.wx as unknown as Record<string, unknown>;
    if (on) {
      this.realRequest = wx.request;
      wx.request = (o: { url: string; data?: unknown; success?: (r: unknown) => void; complete?: (r: unknown) => void }) => {
        this.stubbed.push({ path: new URL(o.url).pathname, raw: typeof o.data == 'string' ? o.data : JSON.stringify(o.data) });
        setImmediate(() => {
          const r = { statusCode: 200, data: { e: 0 }, header: {}, errMsg: 'request:ok' };
          o.success?.(r);
          o.complete?.(r);
        });
        return { abort() {}, onHeadersReceived() {}, offHeadersReceived() {} };
      };
    } else wx.request = this.realRequest;
  }

  /** Events in 2xx-answered uploads since request index `from`. */
  delivered(from = 0): Delivered[] {
    const out: Delivered[] = [];
    for (const r of this.collector.requests.slice(from)) {
      if (r.status === null || r.status < 200 || r.status > 299) continue;
      out.push(...(this.spec.decode(r.path, r.raw) || []));
    }
    return out;
  }

  /** Distinct keys delivered among `keys`. */
  got(keys: string[], from = 0): number {
    const want = new Set(keys);
    const seen = new Set<string>();
    for (const e of this.delivered(from)) if (e.k && want.has(e.k)) seen.add(e.k);
    return seen.size;
  }

  async dispose() {
    this.copy.stop();
    this.rt.dispose();
    await this.collector.close();
  }
}

const tapEvent = (ts: number) => ({
  type: 'tap',
  timeStamp: ts,
  target: { id: 'buy', dataset: { sku: 'VG-3' } },
  currentTarget: { id: 'buy', dataset: { sku: 'VG-3' } },
  changedTouches: [{}],
  touches: [],
  detail: { x: 1, y: 1 },
});

export interface Timing {
  trackMedianUs: number;
  trackP99Us: number;
  tapMedianUs: number;
  tapP99Us: number;
}

/**
 * track() per call after a warm-up, in rounds of 100 calls timed together (timer resolution); the
 * tapped handler the same way: each round times 100 taps through the SDK's wrapper and the same
 * 100 taps on a bare handler, and the figure is the difference. Work an SDK defers to a microtask (wetrack
 * writes its $tap once the gesture's dispatch is over) is inside the timed span: each round ends
 * with an await that runs after those microtasks.
 */
export async function timing(b: Bench, rounds = 200): Promise<Timing> {
  b.stubRequest(true);
  const props = PROPS();
  const per: number[] = [];
  const round = async (timed: boolean) => {
    const t0 = now();
    for (let i = 0; i < 100; i++) b.copy.track('add_to_cart', props);
    await null;
    if (timed) per.push((now() - t0) / 100);
    // let the SDK's timers and (stubbed) sends run between rounds, untimed
    await b.clock.advance(250);
  };
  for (let r = 0; r < 30; r++) await round(false);
  for (let r = 0; r < rounds; r++) await round(true);

  const page = b.proc.currentPage() as unknown as { onBuy(e: unknown): void };
  const bare = function (this: unknown, _e: unknown) {
    b.hostCalls++;
  };
  let ts = 1;
  const added: number[] = [];
  const tapRound = async (timed: boolean) => {
    const evs = Array.from({ length: 100 }, () => tapEvent((ts += 1000)));
    let t0 = now();
    for (const e of evs) bare(e);
    await null;
    const a = (now() - t0) / 100;
    t0 = now();
    for (const e of evs) page.onBuy(e);
    await null;
    const w = (now() - t0) / 100;
    if (timed) added.push(w - a);
    await b.clock.advance(250);
  };
  for (let r = 0; r < 30; r++) await tapRound(false);
  for (let r = 0; r < rounds; r++) await tapRound(true);
  b.stubRequest(false);
  const us = 1000;
  return {
    trackMedianUs: pct(per, 0.5) * us,
    trackP99Us: pct(per, 0.99) * us,
    tapMedianUs: Math.max(0, pct(added, 0.5)) * us,
    tapP99Us: Math.max(0, pct(added, 0.99)) * us,
  };
}

export interface Steady {
  storageCallsPer100: number;
  storageBytesPer100: number;
  hotSyncCalls: number;
  requestsPer1000: number;
  bytesPer1000: number;
  delivered: number;
}

/** 1,000 events in bursts of 25 every 200 ms, to the real loopback collector, until all arrived. */
export async function steady(b: Bench): Promise<Steady> {
  await b.clock.advance(INTERVAL_MS * 2);
  const st = b.rt.storage;
  st.resetCounters();
  let inTrack = false;
  let hot = 0;
  const off = st.onCall((c) => inTrack && c.sync && hot++);
  const from = b.collector.requests.length;
  const keys: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const k = 's' + i;
    keys.push(k);
    inTrack = true;
    b.copy.track('add_to_cart', { ...PROPS(), k });
    inTrack = false;
    if (i % 25 === 24) await b.clock.advance(200);
  }
  await b.clock.runUntil(() => b.got(keys, from) >= 1000, { maxMs: 120_000, label: b.spec.name + ' steady' }).catch(() => undefined);
  // let the last acknowledgements be written
  await b.clock.advance(2000);
  off();
  const reqs = b.collector.requests.slice(from);
  const c = st.counters;
  return {
    storageCallsPer100: (c.syncCalls + c.asyncCalls) / 10,
    storageBytesPer100: c.bytesWritten / 10,
    hotSyncCalls: hot / 1000,
    requestsPer1000: reqs.length,
    bytesPer1000: reqs.reduce((n, r) => n + Buffer.byteLength(r.raw), 0),
    delivered: b.got(keys, from),
  };
}

/**
 * Storage calls per 100 events for a stream of events each in its own macrotask: `count` events,
 * `every(i)` ms apart (scripts/save-delay.ts: one event every 50 ms, as exposures while scrolling; two
 * events a tap every 1-3 s), delivered to the loopback collector.
 */
export async function stream(b: Bench, count: number, perTask: number, every: (i: number) => number): Promise<number> {
  await b.clock.advance(INTERVAL_MS * 2);
  const st = b.rt.storage;
  st.resetCounters();
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < perTask; j++) b.copy.track('add_to_cart', { ...PROPS(), k: 's' + i + '.' + j });
    await b.clock.advance(every(i));
  }
  await b.clock.advance(INTERVAL_MS + 1000);
  return ((st.counters.syncCalls + st.counters.asyncCalls) * 100) / (count * perTask);
}

/** The collector answers 500 for 30 s while one event is tracked every 100 ms for 60 s; then 5 more minutes. */
export async function outage(b: Bench): Promise<{ lost: number; tracked: number }> {
  await b.clock.advance(INTERVAL_MS * 2);
  const from = b.collector.requests.length;
  const until = b.clock.now() + 30_000;
  b.fail = () => (Date.now() < until ? { status: 500 } : undefined);
  const keys: string[] = [];
  for (let i = 0; i < 600; i++) {
    const k = 'o' + i;
    keys.push(k);
    b.copy.track('add_to_cart', { ...PROPS(), k });
    await b.clock.advance(100);
  }
  await b.clock.runUntil(() => b.got(keys, from) >= keys.length, { maxMs: 300_000, label: 'outage' }).catch(() => undefined);
  b.fail = () => undefined;
  return { lost: keys.length - b.got(keys, from), tracked: keys.length };
}

/**
 * 50 events, one every 20 ms; the process is killed `afterMs` after the last; a new one runs for 2 minutes.
 * `tieToKill`: the kill comes before any timer due at that very moment (a real timer fires at or after
 * its delay, so a save timer of exactly `afterMs` loses the race).
 */
export async function killed(b: Bench, afterMs = 1000, tieToKill = false): Promise<{ lost: number; tracked: number }> {
  await b.clock.advance(INTERVAL_MS * 2);
  const from = b.collector.requests.length;
  const keys: string[] = [];
  for (let i = 0; i < 50; i++) {
    const k = 'x' + i;
    keys.push(k);
    b.copy.track('add_to_cart', { ...PROPS(), k });
    await b.clock.advance(20);
  }
  await b.clock.advance(tieToKill ? afterMs - 1 : afterMs);
  await b.restart();
  await b.clock.runUntil(() => b.got(keys, from) >= keys.length, { maxMs: 120_000, label: 'killed' }).catch(() => undefined);
  return { lost: keys.length - b.got(keys, from), tracked: keys.length };
}

export interface ColdStart {
  /** events tracked offline before the restarts */
  queued: number;
  reads: number;
  bytesRead: number;
  asyncReads: number;
  asyncBytes: number;
  /** median real ms of the init call over the restarts */
  initMs: number;
}

/**
 * A cold start after an offline period: `n` events tracked offline (bursts of 25 every 200 ms), the
 * app hidden, then the process killed in the background and started again, 5 times, still offline.
 * Counts what the SDK reads synchronously while its file is evaluated and initialised (calls and the
 * bytes of their values) and times its init call.
 */
export async function coldStart(b: Bench, n: number): Promise<ColdStart> {
  await b.clock.advance(INTERVAL_MS * 2);
  b.rt.network.set(false);
  await b.clock.advance(1000);
  for (let i = 0; i < n; i++) {
    b.copy.track('add_to_cart', { ...PROPS(), k: 'c' + i });
    if (i % 25 === 24) await b.clock.advance(200);
  }
  await b.clock.advance(2000);
  b.proc.hide();
  await b.clock.advance(1000);
  const boots: Bench['lastBoot'][] = [];
  for (let i = 0; i < 5; i++) {
    await b.restart();
    boots.push(b.lastBoot);
  }
  b.rt.network.set(true);
  return { queued: n, ...boots[0], initMs: pct(boots.map((x) => x.initMs), 0.5) };
}

export interface ExposureFigures {
  batchMedianUs: number;
  batchP99Us: number;
  callbacks: number;
  batches: number;
  heapGrowthKB: number;
  exposures: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * 2,000 slots (100 px each, viewport 700 px) scroll past: a screen at a time in 14 frames of 50 px,
 * then a 1.5 s pause (the dwell is 1 s). Each frame is one batch of observer callbacks; the figure
 * is the SDK's time inside the callbacks of a batch. Heap growth is measured after a forced GC
 * (node --expose-gc) before and after the scroll.
 */
export async function exposure(b: Bench): Promise<ExposureFigures> {
  b.stubRequest(true);
  await b.proc.navigateTo('/' + LIST);
  await b.clock.advance(1500);
  await flushIO();
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const sent0 = b.stubbed.length;
  const batches: number[] = [];
  const cb0 = b.layout.callbacks;
  const screen = 700;
  for (let y = 0; y <= b.layout.height - screen; ) {
    for (let f = 0; f < 14 && y <= b.layout.height - screen; f++) {
      y += 50;
      const before = b.layout.callbacks;
      const ms = b.layout.scrollTo(y);
      if (b.layout.callbacks > before) batches.push(ms);
      await b.clock.advance(16);
    }
    await b.clock.advance(1500);
  }
  await flushIO();
  gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  // what the SDK sent of its exposures (queued ones go out within a few intervals)
  await b.clock.advance(INTERVAL_MS * 3);
  let exposures = 0;
  for (const r of b.stubbed.slice(sent0)) exposures += (b.spec.decode(r.path, r.raw) || []).filter((e) => /exposure/.test(e.name)).length;
  b.stubRequest(false);
  return {
    batchMedianUs: pct(batches, 0.5) * 1000,
    batchP99Us: pct(batches, 0.99) * 1000,
    callbacks: b.layout.callbacks - cb0,
    batches: batches.length,
    heapGrowthKB: (heap1 - heap0) / 1024,
    exposures,
  };
}

/**
 * WeChat's private globals that Sensors reads for page titles on every event (getPageTitle): without
 * them each read throws a ReferenceError that it catches, which would bill exception handling to it.
 * A minimal pair, as the base library has them (no titles configured). The other SDKs do not read them.
 */
export function installPrivateGlobals() {
  const g = globalThis as Record<string, unknown>;
  g.__wxConfig = { pages: [HOME, LIST], page: {}, global: { window: {} } };
  g.__wxAppCode__ = {};
}
