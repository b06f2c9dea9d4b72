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
    // the command line's glue, run by its tests only as a child process, where per-test coverage
    // cannot see it (scripts/mutate.mjs leaves it out too)
    '!collector/main.ts',
  ],
  ignorePatterns: ['.tmp', 'dist', 'miniprogram_dist', 'coverage', 'reports', 'docs', '.stryker-tmp'],
  // Stryker gives half the slots to type-checker processes, which idle once the first check is done:
  // 4 means two test runners (one per core of the CI machine); 2 meant one.
  concurrency: 4,
  // A mutant that makes a test loop (a retry delay of 0 under fake timers) is a timeout, counted as
  // caught: past 1.25 × the covering tests' own time + 5 s.
  timeoutMS: 5_000,
  timeoutFactor: 1.25,
  thresholds: { high: 90, low: 85, break: null },
  // event-recorder: each mutant's result as it comes (reports/mutation/events/), to follow a long run.
  reporters: ['clear-text', 'progress', 'html', 'json', 'event-recorder'],
  eventReporter: { baseDir: 'reports/mutation/events' },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // scripts/mutate.mjs runs one module at a time with its own file, stryker-incremental/<module>.json
  // (committed: `npm run mutate` rewrites them, and CI's check reuses, from copies, the results of every
  // mutant whose code and tests did not change since); this one is for Stryker run by hand.
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
