/**
 * Virtual time for the crowd (the demo and the QA tests run the same code): timers and Date are
 * faked with @sinonjs/fake-timers (the library under vitest's own fake timers), sockets and
 * setImmediate stay real. The rule of test/support/clock.ts holds here too, and keeps runs
 * deterministic: fake time never moves while a simulator request waits for its answer over loopback,
 * so a collector that answers at once is never timed out because fake time ran ahead.
 */
import FakeTimers from '@sinonjs/fake-timers';
import * as timers from 'node:timers';
import { unansweredRequests } from '../sim';

export interface VirtualClock {
  now(): number;
  /** Lets `ms` of fake time pass, timer by timer, waiting for every loopback answer on the way. */
  advance(ms: number): Promise<void>;
  /** Waits (real time only) until no simulator request is waiting for an answer. */
  answered(): Promise<void>;
  uninstall(): void;
}

// Taken now: once installed, the fake timers replace node:timers' functions too.
const realImmediate = timers.setImmediate;
const realTimeout = timers.setTimeout;
const tick = () => new Promise<void>((r) => realImmediate(r));

export function installClock(start = Date.UTC(2025, 5, 18, 2, 0, 0), realWaitLimitMs = 15_000): VirtualClock {
  const clock = FakeTimers.withGlobal(globalThis).install({
    now: start,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
  const answered = async () => {
    await tick();
    const t0 = performance.now();
    while (unansweredRequests() > 0) {
      if (performance.now() - t0 > realWaitLimitMs) throw new Error(`virtual clock: ${unansweredRequests()} request(s) got no answer in ${realWaitLimitMs} ms of real time`);
      await new Promise((r) => realTimeout(r, 1));
    }
  };
  return {
    now: () => clock.now,
    async advance(ms) {
      await answered();
      let reached = false;
      clock.setTimeout(() => (reached = true), Math.max(0, ms));
      while (!reached) {
        await clock.nextAsync();
        await answered();
      }
    },
    answered,
    uninstall: () => clock.uninstall(),
  };
}

/** A seeded PRNG (mulberry32): the crowd's every choice comes from it. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** Integer in [lo, hi]. */
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    /** Picks a key by weight. */
    weighted: <K extends string>(w: Partial<Record<K, number>>): K => {
      const entries = Object.entries(w).filter(([, v]) => (v as number) > 0) as [K, number][];
      let r = next() * entries.reduce((s, [, v]) => s + v, 0);
      for (const [k, v] of entries) if ((r -= v) < 0) return k;
      return entries[entries.length - 1]![0];
    },
  };
}
export type Prng = ReturnType<typeof prng>;
