import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant (stryker.config.mjs): every suite that runs the SDK's or
 * the collector's source in this process. Left out are the suites that test a build, a packed tarball,
 * a browser or the type declarations (a mutant of src/ never reaches them) and the long runs (soak).
 */
export default defineConfig({
  test: {
    // MUTATE_TESTS=unit,e2e,property narrows the run to those folders of test/ (a module's score is
    // then a lower bound: a mutant killed by fewer tests is killed by all of them).
    include: process.env.MUTATE_TESTS
      ? process.env.MUTATE_TESTS.split(',').map((d) => `test/${d}/**/*.test.ts`)
      : [
          'test/{unit,property,e2e,autocapture,exposure,sim,differential,harness-check,collector}/**/*.test.ts',
          'test/plan/{agree,dev,collector}.test.ts',
          'test/qa/collector.test.ts',
        ],
    exclude: ['test/e2e/bundle.test.ts', '**/node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
