import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { MUTATE_EXCLUDE, mutateInclude } from './scripts/mutate-tests.mjs';

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
    // MUTATE_TESTS=unit,e2e,plan/agree.test.ts narrows the run to those folders or files of test/
    // (scripts/mutate-tests.mjs, shared with scripts/mutate.mjs).
    include: mutateInclude(process.env.MUTATE_TESTS),
    exclude: MUTATE_EXCLUDE,
    environment: 'node',
    sequence: { sequencer: FastestFirst },
    // Work a file does in its hooks counts for that file's tests, not as static (the file says why).
    setupFiles: ['test/support/mutate-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
