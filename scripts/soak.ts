/**
 * `npm run soak`: the fault soak of test/soak/engine.ts, for longer and with a random seed.
 *
 *   npm run soak                                   # 10 minutes, random seed, storage faults 2%
 *   npm run soak -- --minutes 30 --seed 12345      # reproduce or extend a run
 *   npm run soak -- --seed 12345 --rounds 1        # replay one round (each round prints its seed)
 *   npm run soak -- --storage-faults 0             # everything but failing storage writes
 *
 * The run is a sequence of rounds, each a fresh install (one simulated phone) driven by its own seed
 * (the run's seed + round number) through --events events (default 20,000) and hundreds of kills.
 * Rounds repeat until the time is up. Prints the seed first, each round's figures, then the totals:
 * lost, duplicated (after dedupe by id) and seq gaps. Exits non-zero on any of them.
 */
import { installClock } from '../bench/clock';
import { soak, summary, type SoakResult } from '../test/soak/engine';

const args = process.argv.slice(2);
const opt = (name: string, d: number) => {
  const i = args.indexOf('--' + name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : d;
};
const minutes = opt('minutes', 10);
const seed = opt('seed', Math.floor(Math.random() * 2 ** 31)) >>> 0;
const rounds = opt('rounds', Infinity);
const events = opt('events', 20_000);
const storageFaults = opt('storage-faults', 0.02);

async function main() {
  console.log(`soak: seed ${seed}, ${minutes} minutes, ${events} events a round, storage write faults ${storageFaults}`);
  console.log(`reproduce: npm run soak -- --seed ${seed} --minutes ${minutes} --events ${events} --storage-faults ${storageFaults}`);
  const quiet = console.warn;
  console.warn = () => {}; // the SDK's own warnings ("collector answered 500; retrying", storage failures)
  const clock = installClock();
  const t0 = performance.now(); // Date is faked while the soak runs
  const all: SoakResult[] = [];
  try {
    for (let i = 0; i < rounds && performance.now() - t0 < minutes * 60_000; i++) {
      const r = await soak(clock, { seed: (seed + i) >>> 0, events, storageFaults });
      all.push(r);
      console.log(`round ${i + 1}, ` + summary(r));
    }
  } finally {
    clock.restore();
    console.warn = quiet;
  }
  const sum = (f: (r: SoakResult) => number) => all.reduce((n, r) => n + f(r), 0);
  const lost = sum((r) => r.lost);
  const duplicated = sum((r) => r.duplicated);
  const gaps = sum((r) => r.gaps);
  const conflicts = sum((r) => r.seqConflicts);
  const secs = Math.round((performance.now() - t0) / 1000);
  console.log(
    `\nsoak seed ${seed}: ${all.length} rounds in ${Math.floor(secs / 60)} min ${secs % 60} s; ${sum((r) => r.tracked)} events tracked ` +
      `(${sum((r) => r.expected)} while consent was granted), ${sum((r) => r.kills)} kills, ${sum((r) => r.requests)} requests, ` +
      `${sum((r) => r.storageFailures)} storage writes failed, ${Math.round(sum((r) => r.simMs) / 3600_000)} h simulated`,
  );
  console.log(`lost ${lost}, duplicated ${duplicated}, seq gaps ${gaps}${conflicts ? `, seq conflicts ${conflicts}` : ''}`);
  const bad = all.filter((r) => r.lost + r.duplicated + r.gaps + r.seqConflicts > 0);
  if (bad.length) {
    console.log(`failing rounds: ${bad.map((r) => `seed ${r.seed} (replay: npm run soak -- --seed ${r.seed} --rounds 1 --events ${events} --storage-faults ${storageFaults})`).join('; ')}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
