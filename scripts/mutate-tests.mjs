// Which test files a mutation run uses: read by vitest.mutate.config.mts (the runner's include and
// exclude) and by scripts/mutate.mjs (to tell whether a module's tests changed since its results), so
// that the two cannot disagree.

/** Every suite that runs the SDK's or the collector's source in this process (MUTATE_TESTS unset). */
const ALL = [
  'test/{unit,property,e2e,autocapture,exposure,sim,differential,harness-check,collector}/**/*.test.ts',
  'test/plan/{agree,dev,collector,plugin,shape}.test.ts',
  'test/qa/collector.test.ts',
  // The analyses on fixtures (seconds); crowd.test.ts (a 20 s crowd in its beforeAll, again for each
  // mutant it covers) and dashboard.test.ts (a browser) check the same SQL end to end in the plain suite.
  'test/analytics/{api,stats,format,analyses}.test.ts',
];

/**
 * Left out of every run. bundle.test.ts tests the built bundle; collector/scale.test.ts runs the demo
 * crowd through three collector set-ups (70 s): it would run again for each collector mutant it covers,
 * and clickhouse.test.ts covers the same store code in seconds. exposure/scale.test.ts: 2,000 slots
 * scrolled fast (7 s, and past its 30 s timeout on a loaded machine, which Stryker would count as a
 * kill); the other exposure tests cover the same code in small.
 */
export const MUTATE_EXCLUDE = ['test/e2e/bundle.test.ts', 'test/collector/scale.test.ts', 'test/exposure/scale.test.ts', '**/node_modules/**'];

/**
 * The test files for MUTATE_TESTS, a comma-separated list of folders and files of test/
 * (`unit,e2e,plan/agree.test.ts`); every suite above when it is empty. A narrower set makes a module's
 * score a lower bound: a mutant killed by fewer tests is killed by all of them.
 * @param {string | undefined} tests
 * @returns {string[]} globs, relative to the project's root
 */
export function mutateInclude(tests) {
  if (!tests) return ALL;
  return tests.split(',').map((d) => (d.endsWith('.ts') ? `test/${d}` : `test/${d}/**/*.test.ts`));
}
