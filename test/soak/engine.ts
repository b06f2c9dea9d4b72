/**
 * The fault soak, shared by the CI test (test/soak/soak.test.ts, vitest fake clock, fixed seed) and
 * `npm run soak` (scripts/soak.ts, @sinonjs/fake-timers, random seed, longer).
 *
 * One install (one simulated phone: one storage) runs the whole SDK (src/index.ts: core, transport,
 * auto-capture, exposure) through many processes. A seeded schedule, step after step:
 * - tracks bursts of events, each with its own key `k`;
 * - turns the network off and on; hides and shows the app (after 5 s in the background WeChat
 *   interrupts requests and refuses new ones until the app is shown again);
 * - kills the process and cold-starts a new one on the same storage, at a random moment either in
 *   the background (any time after onHide: the common real-world kill), or in the foreground at a
 *   random moment at least 1 s after the last track() (the README's contract: "every event is in wx
 *   storage within a second of track(), and everything is written synchronously when the app hides");
 * - starts some processes with consent 'pending' and grants it after a while (events tracked while
 *   pending count only once granted in that process: before that they are memory-only by design);
 * - makes storage writes fail with WeChat's quota error now and then (at most once a second), when
 *   `storageFaults` is set.
 * The collector (./collector.ts) answers with a seeded mix of faults.
 *
 * At the end faults stop, the app is shown and online, and the run waits until every expected event
 * arrived (or gives up). Three numbers: lost (tracked while consent was granted, never delivered),
 * duplicated (delivered twice after dedupe by id: the same tracked event under two ids), and seq gaps
 * (numbers missing from the install's 1..max). Also checked: no seq carried by two different events.
 */
import { createTracker } from '../../src/index';
import { createRuntime, mp, type Runtime, type SimProcess } from '../sim';
import { startFaultCollector, type DeliveredEvent, type FaultCollector } from './collector';

export interface SoakClock {
  now(): number;
  runUntil(cond: () => boolean, opts?: { maxMs?: number; label?: string; stepMs?: number }): Promise<number>;
}

export interface SoakOptions {
  seed: number;
  /** stop scheduling once this many events were tracked... */
  events?: number;
  /** ...or once this much real time passed (ms) */
  realMs?: number;
  /** probability that a storage write fails with the quota error (0 = off) */
  storageFaults?: number;
  /** progress lines */
  log?: (line: string) => void;
}

export interface SoakResult {
  seed: number;
  tracked: number;
  /** events tracked while consent was granted, or released by a later grant in the same process */
  expected: number;
  delivered: number;
  kills: number;
  backgroundKills: number;
  processes: number;
  hides: number;
  offline: number;
  pendingLaunches: number;
  storageFailures: number;
  requests: number;
  outcomes: Record<string, number>;
  lost: number;
  duplicated: number;
  gaps: number;
  seqConflicts: number;
  simMs: number;
  realMs: number;
  /** the first lost keys, for a report */
  lostKeys: string[];
}

/** mulberry32: small, fast, seeded. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PAGES = ['pages/home/index', 'pages/product/index'];
const inertObserver = () => {
  const ob = { relativeToViewport: () => ob, observe() {}, disconnect() {} };
  return ob;
};

export async function soak(clock: SoakClock, o: SoakOptions): Promise<SoakResult> {
  // The SDK's own randomness (ids, backoff jitter) is seeded too: a seed replays the same run.
  const realRandom = Math.random;
  Math.random = prng(o.seed ^ 0x4a4d);
  try {
    return await run(clock, o);
  } finally {
    Math.random = realRandom;
  }
}

async function run(clock: SoakClock, o: SoakOptions): Promise<SoakResult> {
  const rnd = prng(o.seed);
  const started = performance.now();
  const sim0 = clock.now();
  const targetEvents = o.events ?? Infinity;
  const realLimit = o.realMs ?? Infinity;
  const log = o.log ?? (() => undefined);
  const collector: FaultCollector = await startFaultCollector(prng(o.seed ^ 0x5eed));
  const rt: Runtime = createRuntime({ appConfig: { pages: PAGES }, printErrors: false });
  let storageFailures = 0;
  if (o.storageFaults) {
    // A write fails now and then with WeChat's quota error, at most once a second: a transient
    // failure that an SDK retrying its write on its save timer gets through.
    const pFail = o.storageFaults;
    const srnd = prng(o.seed ^ 0x570e);
    let failedLast = false;
    let lastFailure = -Infinity;
    rt.storage.failWhen((op) => {
      if (op !== 'setStorageSync') return false;
      failedLast = clock.now() - lastFailure >= 1000 && srnd() < pFail;
      if (failedLast) storageFailures++, (lastFailure = clock.now());
      return failedLast;
    });
  }

  /** keys that must arrive */
  const expected = new Set<string>();
  /** keys tracked while consent is pending in the live process */
  let pending: string[] = [];
  let granted = true;
  let tracked = 0;
  let lastTrack = -Infinity;
  let proc!: SimProcess;
  let tracker!: ReturnType<typeof createTracker>;
  let processes = 0;
  let kills = 0;
  let backgroundKills = 0;
  let hides = 0;
  let offline = 0;
  let pendingLaunches = 0;
  let grantAt = 0;

  const wait = (ms: number) => {
    const until = clock.now() + ms;
    return clock.runUntil(() => clock.now() >= until, { maxMs: ms + 60_000, label: 'wait', stepMs: 250 });
  };

  const boot = () => {
    proc = rt.start();
    processes++;
    tracker = createTracker();
    const pendingStart = processes > 1 && rnd() < 0.15;
    granted = !pendingStart;
    pending = [];
    if (pendingStart) {
      pendingLaunches++;
      grantAt = clock.now() + 200 + Math.floor(rnd() * 3000);
    }
    tracker.init({ serverUrl: collector.url, consent: pendingStart ? 'pending' : 'granted' });
    for (const route of PAGES) {
      proc.definePage(route, () =>
        mp.Page({
          data: {},
          onLoad(this: { createIntersectionObserver?: unknown }) {
            this.createIntersectionObserver = inertObserver;
          },
          onBuy() {},
        }),
      );
    }
    proc.launch();
    lastTrack = clock.now(); // $app_launch, $app_show, $page_view
  };

  /** Consent is granted by the user, in the foreground: the held events enter the queue now. */
  const grantIfDue = () => {
    if (!granted && clock.now() >= grantAt && proc.alive && proc.visible) {
      tracker.setConsent('granted');
      granted = true;
      for (const k of pending) expected.add(k);
      pending = [];
      lastTrack = clock.now();
    }
  };

  const track = (n: number) => {
    for (let i = 0; i < n; i++) {
      const k = 'e' + tracked++;
      tracker.track('soak', { k, n: tracked });
      if (granted) expected.add(k);
      else pending.push(k);
    }
    lastTrack = clock.now();
  };

  const kill = async () => {
    grantIfDue();
    // Foreground kills respect the 1 s contract; background kills may come at any moment after onHide.
    if (proc.visible) {
      const since = clock.now() - lastTrack;
      if (since < 1000) await wait(1000 - since + Math.floor(rnd() * 500));
    } else backgroundKills++;
    proc.kill();
    kills++;
    pending = []; // memory-only: gone with the process, never counted
    boot();
  };

  boot();
  let step = 0;
  while (tracked < targetEvents && performance.now() - started < realLimit) {
    step++;
    grantIfDue();
    const r = rnd();
    if (proc.visible) {
      if (r < 0.55) track(1 + Math.floor(rnd() * 8));
      else if (r < 0.62) {
        rt.network.set(false);
        offline++;
        await wait(Math.floor(rnd() * 4000));
        rt.network.set(true);
      } else if (r < 0.72) {
        proc.hide();
        hides++;
      } else if (r < 0.8) await kill();
      else if (r < 0.85) {
        // a tap on the page: auto-capture records a $tap
        const ev = { type: 'tap', timeStamp: clock.now(), target: { id: 'buy', dataset: {} }, currentTarget: { id: 'buy', dataset: {} }, changedTouches: [{}] };
        proc.pageEvent('onBuy', ev);
        lastTrack = clock.now();
      }
      await wait(Math.floor(rnd() * (rnd() < 0.2 ? 3000 : 600)));
    } else {
      // in the background: stay a while (requests are interrupted after 5 s), then show or get killed
      await wait(Math.floor(rnd() * (rnd() < 0.3 ? 9000 : 2500)));
      if (rnd() < 0.45) await kill();
      else {
        proc.show();
        lastTrack = clock.now(); // $app_show, $page_view
      }
    }
    if (step % 200 === 0) log(`  step ${step}: ${tracked} tracked, ${collector.delivered.length} delivered, ${kills} kills, sim ${Math.round((clock.now() - sim0) / 1000)} s`);
  }

  // Drain: no more faults, foreground, online; consent granted where it was pending.
  collector.faults = false;
  rt.storage.failWhen(null);
  rt.network.set(true);
  if (!proc.visible) proc.show();
  if (!granted) {
    grantAt = 0;
    grantIfDue();
  }
  const keysDelivered = () => {
    const s = new Set<string>();
    for (const e of collector.delivered) if (e.k) s.add(e.k);
    return s;
  };
  const missing = () => {
    const got = keysDelivered();
    let n = 0;
    for (const k of expected) if (!got.has(k)) n++;
    return n;
  };
  // Until everything arrived, or nothing new arrived for ten simulated minutes (the longest backoff
  // is a minute, a Retry-After at most five).
  let seen = -1;
  let since = clock.now();
  await clock
    .runUntil(
      () => {
        if (collector.delivered.length !== seen) (seen = collector.delivered.length), (since = clock.now());
        return (missing() === 0 && proc.requestsInFlight === 0) || clock.now() - since > 10 * 60_000;
      },
      { maxMs: 60 * 60_000, label: 'drain', stepMs: 1000 },
    )
    .catch(() => undefined);
  // One more quiet minute: anything still queued goes out.
  await wait(60_000);

  const result = check(collector.delivered, expected);
  const out: SoakResult = {
    seed: o.seed,
    tracked,
    expected: expected.size,
    delivered: collector.delivered.length,
    kills,
    backgroundKills,
    processes,
    hides,
    offline,
    pendingLaunches,
    storageFailures,
    requests: collector.requests,
    outcomes: collector.outcomes,
    ...result,
    simMs: clock.now() - sim0,
    realMs: Math.round(performance.now() - started),
  };
  rt.dispose();
  await collector.close();
  return out;
}

/** The three numbers (and seq conflicts) from what the collector received. */
export function check(delivered: DeliveredEvent[], expected: Set<string>) {
  // dedupe by id
  const byId = new Map<string, DeliveredEvent>();
  for (const e of delivered) if (!byId.has(e.id)) byId.set(e.id, e);
  const unique = [...byId.values()];
  // lost: expected keys never delivered
  const got = new Set<string>();
  for (const e of unique) if (e.k) got.add(e.k);
  const lostKeys = [...expected].filter((k) => !got.has(k));
  // duplicated after dedupe: one tracked event (key) under more than one id
  const idsByKey = new Map<string, number>();
  for (const e of unique) if (e.k) idsByKey.set(e.k, (idsByKey.get(e.k) ?? 0) + 1);
  let duplicated = 0;
  for (const n of idsByKey.values()) if (n > 1) duplicated += n - 1;
  // seq: one install, numbered 1, 2, 3… without gaps, each number one event
  const seqs = new Map<number, string>();
  let seqConflicts = 0;
  let max = 0;
  for (const e of unique) {
    const owner = seqs.get(e.seq);
    if (owner !== undefined && owner !== e.id) seqConflicts++;
    seqs.set(e.seq, e.id);
    max = Math.max(max, e.seq);
  }
  let gaps = 0;
  for (let s = 1; s <= max; s++) if (!seqs.has(s)) gaps++;
  return { lost: lostKeys.length, lostKeys: lostKeys.slice(0, 20), duplicated, gaps, seqConflicts };
}

export function summary(r: SoakResult): string {
  const outcomes = Object.entries(r.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `seed ${r.seed}: ${r.tracked} events tracked (${r.expected} while consent was granted), ${r.delivered} deliveries, ${r.requests} requests`,
    `  ${r.processes} processes, ${r.kills} kills (${r.backgroundKills} in the background), ${r.hides} hides, ${r.offline} offline spells, ${r.pendingLaunches} launches with consent pending, ${r.storageFailures} storage writes failed`,
    `  collector: ${outcomes}`,
    `  simulated ${Math.round(r.simMs / 1000)} s in ${(r.realMs / 1000).toFixed(1)} s`,
    `  lost ${r.lost}, duplicated ${r.duplicated}, seq gaps ${r.gaps}${r.seqConflicts ? `, seq conflicts ${r.seqConflicts}` : ''}${r.lost ? ` (first lost: ${r.lostKeys.join(' ')})` : ''}`,
  ].join('\n');
}
