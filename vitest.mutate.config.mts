import { defineConfig } from 'vitest/config';

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
          'test/plan/{agree,dev,collector}.test.ts',
          'test/qa/collector.test.ts',
        ],
    // bundle.test.ts tests the built bundle; scale.test.ts runs the demo crowd through three collector
    // set-ups (70 s): it would run again for each collector mutant it covers, and clickhouse.test.ts
    // covers the same store code in seconds.
    exclude: ['test/e2e/bundle.test.ts', 'test/collector/scale.test.ts', '**/node_modules/**'],
    environment: 'node',
    // Work a file does in its hooks counts for that file's tests, not as static (the file says why).
    setupFiles: ['test/support/mutate-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
