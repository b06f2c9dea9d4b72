/**
 * Fake time outside vitest (npm run bench, npm run soak), with real loopback I/O.
 *
 * The same rule as test/support/clock.ts, on @sinonjs/fake-timers instead of vitest's timers:
 * only setTimeout/clearTimeout/setInterval/clearInterval and Date are faked, so sockets,
 * setImmediate and microtasks stay real; fake time never moves while a simulator request is
 * waiting for an answer that the collector is expected to give (unansweredRequests), so an
 * answered request can never time out because time ran ahead. A collector that stalls on
 * purpose registers its stalled requests (registerStallSource) and time then runs on.
 */
import FakeTimers from '@sinonjs/fake-timers';
import { unansweredRequests } from '../test/sim/request';

export interface Clock {
  now(): number;
  /** Advances fake time by `ms`, letting real I/O run between timers (never past an awaited answer). */
  advance(ms: number): Promise<void>;
  /** Runs real I/O and fake time until `cond()` holds; resolves with the fake ms elapsed. */
  runUntil(cond: () => boolean, opts?: { maxMs?: number; stepMs?: number; label?: string }): Promise<number>;
  restore(): void;
}

export const START = Date.UTC(2024, 0, 15, 8, 0, 0);

// Captured before any install: sinon also replaces the methods of node's timers module.
const realSetImmediate = globalThis.setImmediate;
const realSetTimeout = globalThis.setTimeout;
const tick = () => new Promise<void>((r) => realSetImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => realSetTimeout(r, ms));

/** Lets real I/O callbacks and microtasks run a few turns. */
export async function flushIO(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await tick();
}

export function installClock(startMs = START): Clock {
  const clock = FakeTimers.install({ now: startMs, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });

  /** Waits (real time) while a request expects an answer; false when none came within the limit. */
  const waitAnswers = async (limitMs = 10_000) => {
    let waited = 0;
    while (unansweredRequests() > 0) {
      await sleep(1);
      if ((waited += 1) > limitMs) throw new Error(`${unansweredRequests()} simulator request(s) got no answer for ${limitMs} ms of real time`);
    }
  };

  /** Up to `ms` of fake time, timer by timer, pausing for answers after each timer. */
  const step = async (ms: number) => {
    const until = clock.now + ms;
    for (;;) {
      await flushIO(2);
      await waitAnswers();
      const next = clock.countTimers() ? nextAt() : Infinity;
      if (next > until) {
        // no timer due before `until`: just move the clock
        await clock.tickAsync(until - clock.now);
        return;
      }
      await clock.nextAsync();
    }
  };

  /** When the earliest fake timer is due (sinon keeps its timers in a heap; read its top). */
  const nextAt = () => {
    const c = clock as unknown as { timerHeap?: { peek(): { callAt: number } | undefined }; timers?: Map<number, { callAt: number }> };
    if (c.timerHeap) return c.timerHeap.peek()?.callAt ?? Infinity;
    let min = Infinity;
    c.timers?.forEach((t) => (min = Math.min(min, t.callAt)));
    return min;
  };

  return {
    now: () => clock.now,
    advance: (ms) => step(ms),
    async runUntil(cond, opts = {}) {
      const stepMs = opts.stepMs ?? 50;
      const maxMs = opts.maxMs ?? 600_000;
      const t0 = clock.now;
      for (;;) {
        await flushIO(3);
        await waitAnswers();
        if (cond()) return clock.now - t0;
        if (clock.now - t0 >= maxMs) throw new Error(`runUntil(${opts.label ?? 'condition'}): not reached after ${clock.now - t0} ms of simulated time`);
        await step(stepMs);
      }
    },
    restore: () => clock.uninstall(),
  };
}
