/**
 * Test rigs for the property suite.
 *
 * - `fakeRig()`: the SDK on the in-memory platform of test/support/fake-platform under vitest fake
 *   timers, for high-iteration properties. Every POST body is checked to be JSON before it is
 *   answered, and whatever the SDK throws into the host (timer callbacks, platform callbacks) is
 *   caught and kept in `hostErrors` instead of being lost or crashing the run.
 * - `simRig()`: the SDK in the WeChat runtime simulator, posting over real loopback HTTP to a
 *   collector, under the fake clock of test/support/clock.
 */
import type fc from 'fast-check';
import { afterEach, beforeEach, vi, type MockInstance } from 'vitest';
import { createCapture } from '../../../src/autocapture/capture';
import { addAutocapture, type AutocaptureApi } from '../../../src/autocapture/index';
import { addExposure, type ExposureApi } from '../../../src/exposure/index';
import { createWxPlatform } from '../../../src/platform/wx';
import type { HttpResult, Platform } from '../../../src/platform/types';
import { createTrackerWith, type FullTracker } from '../../../src/tracker';
import type { TrackedEvent } from '../../../src/types';
import { createRuntime, type Runtime, type SimProcess } from '../../sim';
import { runUntil } from '../../support/clock';
import type { Collector, RecordedRequest } from '../../support/collector';
import { createFakePlatform, type FakeRequest } from '../../support/fake-platform';

export const URL_OK = 'http://127.0.0.1:9/collect';

// ---- fast-check parameters ---------------------------------------------------------------

/** Fixed for CI; FC_SEED replays or explores another seed, FC_RUNS_SCALE scales every numRuns. */
export const SEED = Number(process.env.FC_SEED ?? 20261125);
const SCALE = Number(process.env.FC_RUNS_SCALE ?? 1);

/**
 * Parameters of every fc.assert here. No time-based option (interruptAfterTimeLimit, timeout):
 * Date and setTimeout are faked, so they would measure fake time.
 */
export function params<T>(numRuns: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { seed: SEED, numRuns: Math.max(1, Math.round(numRuns * SCALE)), ...extra };
}

/**
 * For a property that is known to fail (it.fails): stop at the first counterexample instead of
 * shrinking it, to keep the suite fast. Remove together with `.fails` once the bug is fixed.
 */
export function failing<T>(numRuns: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return params(numRuns, { endOnFailure: true, ...extra });
}

// ---- console ----------------------------------------------------------------------------

export interface Console {
  warn: MockInstance<typeof console.warn>;
  /** First argument of every console.warn since the last clear(). */
  warnings(): string[];
  clear(): void;
}

/** Silences console.warn/log/error (the SDK's debug lines go to console.log) and records warnings. */
export function spyConsole(): Console {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
  return {
    warn,
    warnings: () => warn.mock.calls.map((c) => String(c[0])),
    clear: () => warn.mockClear(),
  };
}

/** Math.random made repeatable (ids, backoff jitter); `reseed` at the start of each run. */
export function seedRandom(): { reseed(seed: number): void } {
  let s = 1;
  vi.spyOn(Math, 'random').mockImplementation(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
  return { reseed: (seed) => void (s = seed >>> 0 || 1) };
}

// ---- unhandled rejections ---------------------------------------------------------------

const NativePromise = Promise;
type Executor<T> = (resolve: (v: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void) => void;
let currentSink: unknown[] | undefined;

/**
 * A Promise that reports its rejection to a sink when no handler was attached to it. Installed as
 * the global Promise only while a public SDK method runs (see `trackRejections`), so exactly the
 * promises the SDK creates are watched; a rejection nobody handles is an error in the host (WeChat
 * reports it to onUnhandledRejection) and is kept with the host errors instead of failing the run.
 */
class WatchedPromise<T> extends NativePromise<T> {
  static override get [Symbol.species]() {
    return NativePromise;
  }
  private handled = false;
  private readonly sink = currentSink;
  constructor(executor: Executor<T>) {
    super(executor);
    NativePromise.prototype.then.call(this, undefined, (e: unknown) => {
      if (!this.handled) this.sink?.push(new Error('unhandled rejection: ' + String(e instanceof Error ? e.message : typeof e)));
    });
  }
  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.handled = true;
    const derived = super.then(onFulfilled, onRejected);
    const saved = currentSink;
    currentSink = this.sink;
    try {
      // The derived promise is watched too: `p.then(f)` with nobody handling its rejection is unhandled.
      return new WatchedPromise<A | B>((res, rej) => void derived.then(res, rej));
    } finally {
      currentSink = saved;
    }
  }
}

/** Runs `f` with promises created meanwhile watched for unhandled rejections, reported to `sink`. */
export function trackRejections<R>(sink: unknown[], f: () => R): R {
  const g = globalThis as { Promise: PromiseConstructor };
  const saved = g.Promise;
  const savedSink = currentSink;
  g.Promise = WatchedPromise as unknown as PromiseConstructor;
  currentSink = sink;
  try {
    return f();
  } finally {
    g.Promise = saved;
    currentSink = savedSink;
  }
}

/** The auto-capture wrappers the default instance adds to the API. */
export const WRAPPERS = ['page', 'component', 'behavior', 'app'] as const;
export type Wrapper = (typeof WRAPPERS)[number];

/** The tracker as the app sees it, with each public call watched by `trackRejections`. */
function watched<T extends FullTracker>(raw: T, sink: unknown[]): T {
  const api = { internals: raw.internals } as { [k: string]: unknown };
  for (const m of [...METHODS, ...WRAPPERS]) {
    if (!(m in raw)) continue;
    const f = (raw as unknown as { [k: string]: (...a: unknown[]) => unknown })[m];
    api[m] = (...args: unknown[]) => trackRejections(sink, () => f(...args));
  }
  const x = (raw as unknown as Partial<ExposureApi>).exposure;
  if (x) {
    const w = (f: (...a: never[]) => void) => (...args: unknown[]) => trackRejections(sink, () => (f as (...a: unknown[]) => void)(...args));
    api.exposure = { observe: w(x.observe), refresh: w(x.refresh), stop: w(x.stop) };
  }
  return api as unknown as T;
}

// ---- in-memory rig ----------------------------------------------------------------------

export interface FakeRig {
  /** With `autocapture`, also has the wrappers page/component/behavior/app. */
  t: FullTracker & Partial<AutocaptureApi> & Partial<ExposureApi>;
  fake: ReturnType<typeof createFakePlatform>;
  /** Every body the SDK posted, in order. */
  bodies: string[];
  /** Bodies that were not JSON (answered 400). */
  invalidBodies: string[];
  /** Faults the SDK let escape into the host: exceptions in timer and platform callbacks, unhandled rejections. */
  hostErrors: unknown[];
  /** Delivered events, deduplicated by id (first copy kept), in arrival order. */
  delivered(): TrackedEvent[];
  /** Advances fake time; an exception from an SDK timer is kept in hostErrors. */
  advance(ms: number): Promise<void>;
  /** Lets fake time run (up to maxMs) until the promise settles. */
  settle(p: Promise<unknown>, maxMs?: number): Promise<'resolved' | 'rejected' | 'pending'>;
}

/**
 * A fresh tracker on a fresh in-memory platform. Clears every fake timer first, so nothing of
 * an earlier run's tracker can fire into this one. Call under vi.useFakeTimers().
 */
export function fakeRig(respond: (req: FakeRequest) => HttpResult | undefined = () => ({ status: 200 }), opts: { autocapture?: boolean } = {}): FakeRig {
  vi.clearAllTimers();
  const fake = createFakePlatform({ page: 'pages/index/index' });
  fake.state.autoRespond = respond;
  const bodies: string[] = [];
  const invalidBodies: string[] = [];
  const hostErrors: unknown[] = [];
  const shield =
    <A extends unknown[]>(f: (...a: A) => void) =>
    (...a: A) => {
      try {
        f(...a);
      } catch (e) {
        hostErrors.push(e);
      }
    };
  const inner = fake.platform;
  const platform: Platform = {
    read: (k) => inner.read(k),
    write: (k, v) => inner.write(k, v),
    remove: (k) => inner.remove(k),
    context: () => inner.context(),
    page: () => inner.page(),
    post(url, body, headers, timeoutMs, done) {
      bodies.push(body);
      try {
        JSON.parse(body);
      } catch {
        invalidBodies.push(body);
        queueMicrotask(shield(() => done({ status: 400 })));
        return;
      }
      inner.post(url, body, headers, timeoutMs, shield(done));
    },
    onNetwork: (l) => inner.onNetwork(shield(l)),
    onAppShow: (l) => inner.onAppShow(shield(l)),
    onAppHide: (l) => inner.onAppHide(shield(l)),
  };
  const raw = createTrackerWith(() => platform);
  // The default instance (src/index.ts) is the core with auto-capture and exposure added, built the same way.
  const withCapture = () => {
    const cap = createCapture(raw);
    return addExposure(addAutocapture(raw, cap), cap);
  };
  const t = watched(opts.autocapture ? withCapture() : raw, hostErrors);
  const advance = async (ms: number) => {
    try {
      await vi.advanceTimersByTimeAsync(ms);
    } catch (e) {
      hostErrors.push(e);
    }
  };
  return {
    t,
    fake,
    bodies,
    invalidBodies,
    hostErrors,
    delivered: () => dedupe(fake.delivered),
    advance,
    async settle(p, maxMs = 300_000) {
      let state: 'resolved' | 'rejected' | 'pending' = 'pending';
      p.then(
        () => void (state = 'resolved'),
        () => void (state = 'rejected'),
      );
      await advance(0);
      for (let waited = 0; state === 'pending' && waited < maxMs; waited += 1000) await advance(1000);
      return state;
    },
  };
}

/** Drops later copies of an event id; events without a string id (garbage a plugin returned) are all kept. */
export function dedupe<T extends { id?: unknown }>(events: T[]): T[] {
  const seen = new Set<unknown>();
  return events.filter((e) => typeof e.id !== 'string' || (!seen.has(e.id) && (seen.add(e.id), true)));
}

/** The marks (property `__mark`) of events, in order. */
export const marksOf = (events: { properties?: { [k: string]: unknown } }[]) =>
  events.map((e) => e.properties?.__mark).filter((m): m is string => typeof m === 'string');

// ---- simulator rig ----------------------------------------------------------------------

export interface SimRig {
  rt: Runtime;
  proc: SimProcess;
  t: FullTracker;
  /** This run's endpoint on the shared collector. */
  url: string;
  /** Requests the collector got on this run's endpoint. */
  requests(): RecordedRequest[];
  /** Events of 2xx-answered requests of this run, deduplicated by id. */
  delivered(): Record<string, unknown>[];
  hostErrors: unknown[];
  /** runUntil that keeps an SDK timer exception in hostErrors instead of throwing; true when cond held. */
  until(cond: () => boolean, label: string, maxMs?: number): Promise<boolean>;
  dispose(): void;
}

let simRun = 0;

/** A simulated phone with a fresh process and tracker (not initialised), on its own collector path. */
export function simRig(collector: Collector): SimRig {
  vi.clearAllTimers();
  const path = '/collect/run' + ++simRun;
  const url = collector.url.replace(/\/collect$/, path);
  const rt = createRuntime({ printErrors: false, suspendAfterHideMs: null });
  const proc = rt.start();
  proc.launch();
  const hostErrors: unknown[] = [];
  const t = watched(createTrackerWith(createWxPlatform), hostErrors);
  const requests = () => collector.requests.filter((r) => r.path === path);
  return {
    rt,
    proc,
    t,
    url,
    requests,
    delivered: () =>
      dedupe(
        requests()
          .filter((r) => r.status !== null && r.status >= 200 && r.status < 300)
          .flatMap((r) => ((r.body as { events?: Record<string, unknown>[] }).events ?? []) as Record<string, unknown>[]),
      ),
    hostErrors,
    async until(cond, label, maxMs = 120_000) {
      try {
        await runUntil(cond, { label, maxMs });
        return true;
      } catch (e) {
        if (!(e instanceof Error && e.message.startsWith('runUntil('))) hostErrors.push(e);
        return false;
      }
    },
    dispose() {
      hostErrors.push(...proc.errors.map((e) => e.error));
      rt.dispose();
      vi.clearAllTimers();
    },
  };
}

// ---- calling the API with garbage -------------------------------------------------------

export const METHODS = [
  'init',
  'track',
  'identify',
  'reset',
  'register',
  'unregister',
  'setUserProperties',
  'time',
  'flush',
  'setConsent',
  'getAnonymousId',
  'use',
] as const;
export type Method = (typeof METHODS)[number];

/** Calls a public method with any arguments, as untyped JavaScript would. */
export function callAny(t: FullTracker, method: Method, args: unknown[]): unknown {
  const f = (t as unknown as { [k: string]: (...a: unknown[]) => unknown })[method];
  return f(...args);
}

/**
 * The frame of a property test file (or describe block): fake timers at a fixed date, console.warn
 * spied, the SDK's Math.random seeded afresh for each test. The objects returned stay valid across
 * tests and always speak for the current test's spy and seed.
 */
export function usePropertySuite(): { rnd: { reseed(seed: number): void }; con: Console } {
  let rnd: ReturnType<typeof seedRandom>;
  let con: Console;
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 25, 8) });
    con = spyConsole();
    rnd = seedRandom();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  return {
    rnd: { reseed: (seed) => rnd.reseed(seed) },
    con: {
      get warn() {
        return con.warn;
      },
      warnings: () => con.warnings(),
      clear: () => con.clear(),
    },
  };
}
