import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Fastest files first. Vitest runs the slowest first (its cache of file durations, else the largest
 * files), which suits a parallel suite; a mutant run is one worker that stops at the first failure
 * (bail), so the cheap unit files should get their chance to kill it before a file that starts a
 * collector or a browser-sized simulation. Measured on this suite: a mutant killed by its first test
 * took 10-40 s with the default order.
 */
class FastestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return (await super.sort(files)).reverse();
  }
}

/**
 * The tests Stryker runs against each mutant (stryker.config.mjs): every suite that runs the SDK's or
 * the collector's source in this process. Left out are the suites that test a build, a packed tarball,
 * a browser or the type declarations (a mutant of src/ never reaches them) and the long runs (soak).
 */
export default defineConfig({
  test: {
    // MUTATE_TESTS=unit,e2e,plan/agree.test.ts narrows the run to those folders or files of test/ (a
    // module's score is then a lower bound: a mutant killed by fewer tests is killed by all of them).
    include: process.env.MUTATE_TESTS
      ? process.env.MUTATE_TESTS.split(',').map((d) => (d.endsWith('.ts') ? `test/${d}` : `test/${d}/**/*.test.ts`))
      : [
          'test/{unit,property,e2e,autocapture,exposure,sim,differential,harness-check,collector}/**/*.test.ts',
          'test/plan/{agree,dev,collector,plugin,shape}.test.ts',
          'test/qa/collector.test.ts',
          // The analyses on fixtures (seconds); crowd.test.ts (a 20 s crowd in its beforeAll, again for each
          // mutant it covers) and dashboard.test.ts (a browser) check the same SQL end to end in the plain suite.
          'test/analytics/{api,stats,format,analyses}.test.ts',
        ],
    // bundle.test.ts tests the built bundle; scale.test.ts runs the demo crowd through three collector
    // set-ups (70 s): it would run again for each collector mutant it covers, and clickhouse.test.ts
    // covers the same store code in seconds.
    // test/exposure/scale.test.ts: 2,000 slots scrolled fast (7 s, and past its 30 s timeout on a loaded
    // machine, which Stryker would count as a kill); the other exposure tests cover the same code in small.
    exclude: ['test/e2e/bundle.test.ts', 'test/collector/scale.test.ts', 'test/exposure/scale.test.ts', '**/node_modules/**'],
    environment: 'node',
    sequence: { sequencer: FastestFirst },
    // Work a file does in its hooks counts for that file's tests, not as static (the file says why).
    setupFiles: ['test/support/mutate-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
