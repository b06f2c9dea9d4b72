/**
 * Fake time for SDK tests that also do real loopback HTTP.
 *
 * useFakeClock() fakes only setTimeout/clearTimeout/setInterval/clearInterval and Date, so
 * sockets, setImmediate and microtasks stay real. runUntil() alternates between letting
 * real I/O progress and advancing fake time, with one rule that keeps it deterministic:
 * fake time is NOT advanced while a simulator request is waiting for an answer that is
 * expected (pendingRequests minus those a collector is deliberately stalling). A request
 * the server answers at once can therefore never be timed out just because fake time ran
 * ahead. Each step advances timer by timer (bounded by a sentinel timer at now + stepMs)
 * and stops right after the timer that issued such a request, so not even the rest of a
 * step passes while it waits.
 */
import { setImmediate as realSetImmediate, setTimeout as realSetTimeout } from 'node:timers';
import { vi } from 'vitest';
import { unansweredRequests } from '../sim/request';

export interface FakeClock {
  /** fake epoch ms */
  now(): number;
  /** advance fake time (timers run; microtasks flushed) */
  advance(ms: number): Promise<void>;
  runUntil(cond: () => boolean, opts?: RunUntilOptions): Promise<number>;
  restore(): void;
}

export interface RunUntilOptions {
  /** fake ms per step (default 50) */
  stepMs?: number;
  /** give up after this much fake time (default 600_000) */
  maxMs?: number;
  /** name used in the failure message */
  label?: string;
  /**
   * advance fake time even while simulator requests are waiting for answers (e.g. a test
   * server that never answers and is not the collector). Default false.
   */
  allowStalls?: boolean;
  /** real ms to wait for an expected answer before failing (default 10_000) */
  realWaitLimitMs?: number;
}

const DEFAULT_START = Date.UTC(2024, 0, 15, 8, 0, 0);

/** Enables vitest fake timers for timers and Date only (I/O stays real). */
export function useFakeClock(startMs: number = DEFAULT_START): FakeClock {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    now: startMs,
  });
  return {
    now: () => Date.now(),
    advance: async (ms) => {
      await vi.advanceTimersByTimeAsync(ms);
    },
    runUntil,
    restore: () => vi.useRealTimers(),
  };
}

function realTick(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/** Lets real I/O callbacks and microtasks run a few turns. */
export async function flushIO(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await realTick();
}

/**
 * Advances fake time by up to `stepMs`, one due timer at a time; when `stopOnRequest`, stops
 * as soon as a simulator request is waiting for an expected answer.
 */
async function advanceStep(stepMs: number, stopOnRequest: boolean): Promise<void> {
  let reached = false;
  const sentinel = setTimeout(() => {
    reached = true;
  }, stepMs);
  try {
    while (!reached) {
      await vi.advanceTimersToNextTimerAsync();
      if (stopOnRequest && unansweredRequests() > 0) return;
    }
  } finally {
    if (!reached) clearTimeout(sentinel);
  }
}

/**
 * Loops until `cond()` holds: real I/O turns, then (unless an answer is awaited) one fake
 * step. Resolves with the fake ms elapsed; rejects after `maxMs` of fake time.
 */
export async function runUntil(cond: () => boolean, opts: RunUntilOptions = {}): Promise<number> {
  const stepMs = opts.stepMs ?? 50;
  const maxMs = opts.maxMs ?? 600_000;
  const label = opts.label ?? 'condition';
  const realWaitLimit = opts.realWaitLimitMs ?? 10_000;
  const fake = vi.isFakeTimers();
  const t0 = Date.now();
  let elapsed = 0;
  let waitedReal = 0;
  for (;;) {
    await flushIO(3);
    if (cond()) return elapsed;
    if (!opts.allowStalls && unansweredRequests() > 0) {
      // an answer is on its way over loopback: give it real time, keep fake time still
      await realSleep(2);
      waitedReal += 2;
      if (waitedReal > realWaitLimit) {
        throw new Error(
          `runUntil(${label}): ${unansweredRequests()} simulator request(s) got no answer for ${realWaitLimit} ms of real time ` +
            `(fake time ${elapsed} ms). A server that never answers should reply { action: 'stall' } (collector) or pass allowStalls: true.`,
        );
      }
      continue;
    }
    waitedReal = 0;
    if (elapsed >= maxMs) {
      throw new Error(`runUntil(${label}): not reached after ${elapsed} ms of simulated time (fake now ${new Date(Date.now()).toISOString()})`);
    }
    if (fake) {
      await advanceStep(stepMs, !opts.allowStalls);
      elapsed = Date.now() - t0;
    } else {
      await realSleep(Math.min(stepMs, 20));
      elapsed = Date.now() - t0;
    }
  }
}
