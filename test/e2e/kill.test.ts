import { describe, expect, it } from 'vitest';
import { useSimSuite } from '../support/suite';
import { startSession, type Session } from './harness';

/**
 * Issue 14, row 4: at default settings an event is in storage within 200 ms of track(), so a process
 * killed half a second after the last track() loses nothing. Each trial is seeded: bursts of events
 * (some in one macrotask, some spread out), the collector up or down, then the kill at 0.5 s.
 *
 * The kill comes before any timer due at that very moment: a real timer fires at or after its delay,
 * so a save timer of exactly 500 ms (the SDK's before issue 14) loses that race, as it did in the
 * side-by-side run the issue quotes (0 of 50 events kept in one run of three).
 */
let s: Session | undefined;
const suite = useSimSuite(async () => {
  await s?.dispose();
  s = undefined;
});

/** Seeded PRNG (mulberry32), so that a failing trial can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('a kill 0.5 s after the last track()', () => {
  it('loses nothing in 20 of 20 seeded trials, at default settings', async () => {
    const lost: string[] = [];
    for (let trial = 0; trial < 20; trial++) {
      const rnd = prng(20261130 + trial);
      let down = rnd() < 0.5;
      s = await startSession({}, {}, () => (down ? { status: 500 } : { status: 200 }));
      // The app runs a while first: the network type is known (its answer sends what is queued).
      await suite.clock.advance(1000 + Math.floor(rnd() * 5000));
      const keys: string[] = [];
      const bursts = 1 + Math.floor(rnd() * 4);
      for (let b = 0; b < bursts; b++) {
        const n = 1 + Math.floor(rnd() * 40);
        for (let i = 0; i < n; i++) {
          const key = `t${trial}-${keys.length}`;
          keys.push(key);
          s.tracker.track('e', { key });
        }
        if (b < bursts - 1) await suite.clock.advance(1 + Math.floor(rnd() * 300));
      }
      await suite.clock.advance(499);
      s.restart();
      down = false;
      const delivered = () => new Set(s!.collector.events().map((e) => (e.properties as { key: string }).key));
      await suite.clock.runUntil(() => keys.every((k) => delivered().has(k)), { label: `trial ${trial}`, maxMs: 120_000 }).catch(() => undefined);
      lost.push(...keys.filter((k) => !delivered().has(k)));
      // Nothing was lost silently either: no batch reports a drop.
      expect(s.collector.batches.map((b) => (b as { dropped?: number }).dropped ?? 0).filter((d) => d > 0)).toEqual([]);
      await s.dispose();
      s = undefined;
    }
    expect(lost).toEqual([]);
  });
});
