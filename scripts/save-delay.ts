/**
 * Issue 14: how soon after track() to save, measured. The SDK built three ways (the save timer at
 * 500 ms, as before issue 14; at 200 ms, as now; at 0 ms, i.e. one save per macrotask that tracked
 * something), each run in the bench's simulator, storage calls per 100 events:
 *
 *   node --import tsx scripts/save-delay.ts
 *
 * ARCHITECTURE.md ("Durable within 200 ms") has the table and the reasoning.
 */
import { installClock } from '../bench/clock';
import { Bench, installPrivateGlobals, steady, stream } from '../bench/run';
import { wetrack } from '../bench/sdks';
import { sizeWetrack } from '../bench/size';

const NOW = 'const SAVE_DELAY_MS = 200;';

async function main() {
  installPrivateGlobals();
  console.warn = () => {};
  const clock = installClock();
  try {
    console.log('save after | bursts of 25 every 200 ms | one event every 50 ms | two events a tap, every 1-3 s');
    for (const ms of [500, 200, 0]) {
      const { code } = await sizeWetrack('src/index.ts', { file: /transport[\\/]delivery\.ts$/, from: NOW, to: `const SAVE_DELAY_MS = ${ms};` });
      const run = async (f: (b: Bench) => Promise<number>) => {
        const b = new Bench(wetrack, code, clock, 0);
        await b.start();
        try {
          return await f(b);
        } finally {
          await b.dispose();
        }
      };
      const bursts = await run(async (b) => (await steady(b)).storageCallsPer100);
      const scroll = await run((b) => stream(b, 400, 1, () => 50));
      const taps = await run((b) => stream(b, 100, 2, (i) => 1000 + ((i * 7919) % 2000)));
      console.log(`${ms} ms | ${bursts.toFixed(1)} | ${scroll.toFixed(1)} | ${taps.toFixed(1)}`);
    }
  } finally {
    clock.restore();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
