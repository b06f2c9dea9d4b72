// Mutation testing (issue 13): `npm run mutate` mutates src/ and collector/ and runs, for each mutant,
// only the tests that cover it (per-test coverage), reusing the committed stryker-incremental.json for
// mutants whose code and tests did not change. `npm run mutate:check` (CI) does the same from a copy,
// within a time budget. Scores and run times: TESTING.md.
// Property tests run a quarter of their cases against each mutant (the full count in the plain suite):
// a mutant they catch is almost always caught within the first cases.
process.env.FC_RUNS_SCALE ??= '0.25';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.mts', related: false },
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutate.json',
  mutate: [
    'src/**/*.ts',
    'collector/**/*.ts',
    '!src/**/*.d.ts',
    // types only, or constants: nothing to mutate that a test could see
    '!src/types.ts',
    '!src/version.ts',
    '!src/platform/types.ts',
    // helper K's work in progress (issue 15), mutated once it lands
    '!collector/analytics/**',
  ],
  ignorePatterns: ['.tmp', 'dist', 'miniprogram_dist', 'coverage', 'reports', 'docs', '.stryker-tmp'],
  concurrency: 2,
  // A mutant that makes a test loop (a retry delay of 0 under fake timers) is a timeout, counted as
  // caught: past 1.25 × the covering tests' own time + 5 s.
  timeoutMS: 5_000,
  timeoutFactor: 1.25,
  thresholds: { high: 90, low: 85, break: null },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Committed: `npm run mutate` rewrites it, and CI's check (--incremental, from a copy) reuses the
  // results of every mutant whose code and tests did not change since.
  incrementalFile: 'stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
