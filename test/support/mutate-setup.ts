/**
 * Set-up for mutation runs only (vitest.mutate.config.mts; TESTING.md). Stryker's vitest runner
 * records which mutants each test reaches (per-test coverage) and runs each mutant against only those
 * tests. Code reached outside a test counts as *static* and is run against every test of the suite.
 * Our suites do much of their work in a file's `beforeAll` (start a collector, run the demo crowd
 * into it, build a simulator): without this file Stryker saw 2,585 of 4,866 mutants as static, and
 * the whole run was estimated at more than three hours on two cores.
 *
 * What this file changes: code that runs in a test file's hooks after the file has been collected
 * (`beforeAll`, `afterAll`, between tests) is counted as covered by every test of that file, which
 * is what it is: those tests read what the hooks built. Stryker then runs such a mutant against that
 * file's tests, and vitest runs the file's `beforeAll` with the mutant active (Stryker activates a
 * non-static mutant in its own `beforeAll`, registered before any of ours). Code that runs while a
 * file is imported (module-level constants: regular expressions, tables) stays static, because a
 * mutant there must be active before the import, which only Stryker's static activation does.
 *
 * It relies on two details of @stryker-mutator/vitest-runner 9.6 (dist/src/stryker-setup.js), checked
 * by the guard below: the instrumented code reads `globalThis.__stryker__.currentTestId` to decide
 * where a hit goes, and a test's id is `<file path>#<suite names and test name, joined by spaces>`.
 * Stryker's own set-up file is listed before this one, so its `afterAll` (which hands the coverage to
 * Stryker) runs after ours (vitest runs after-hooks in reverse order).
 */
import { afterAll, beforeAll, inject } from 'vitest';
import type { RunnerTask, RunnerTestSuite } from 'vitest';

interface Coverage {
  static: Record<string, number>;
  perTest: Record<string, Record<string, number>>;
}
interface StrykerNamespace {
  currentTestId?: string;
  mutantCoverage?: Coverage;
}

declare module 'vitest' {
  export interface ProvidedContext {
    globalNamespace: string;
    mode: string;
  }
}

// Outside a Stryker run (a plain `vitest -c vitest.mutate.config.mts`), there is nothing to do.
const mode = safeInject('mode');
if (mode === 'dry-run') {
  const g = globalThis as unknown as Record<string, StrykerNamespace | undefined>;
  const name = safeInject('globalNamespace') ?? '__stryker__';
  const ns = (g[name] ??= {});
  const FILE_HOOKS = '\u0000file hooks';
  let collected = false;
  let current: string | undefined;
  // Stryker sets the id before each test and clears it after; between tests, in hooks, the hits go
  // to one id for this file, shared out to its tests in afterAll.
  Object.defineProperty(ns, 'currentTestId', {
    configurable: true,
    get: () => current ?? (collected ? FILE_HOOKS : undefined),
    set: (id: string | undefined) => {
      current = id;
    },
  });
  beforeAll(() => {
    collected = true;
  });
  // The context must be a destructuring pattern: vitest 4.1 parses a hook's first parameter for the
  // fixtures it uses, and a plain name there fails the file's hooks, Stryker's own coverage hook with them.
  // eslint-disable-next-line no-empty-pattern
  afterAll(({}, suite: RunnerTestSuite) => {
    const perTest = ns.mutantCoverage?.perTest;
    const shared = perTest?.[FILE_HOOKS];
    if (!perTest || !shared) return;
    delete perTest[FILE_HOOKS];
    for (const id of testIds(suite)) {
      const own = (perTest[id] ??= {});
      for (const [mutant, hits] of Object.entries(shared)) own[mutant] = (own[mutant] ?? 0) + hits;
    }
  });
}

function safeInject(key: 'mode' | 'globalNamespace'): string | undefined {
  try {
    return inject(key);
  } catch {
    return undefined;
  }
}

/** Stryker's id of each test that ran in this file (stryker-setup.js: toRawTestId). */
function testIds(suite: RunnerTestSuite): string[] {
  const ids: string[] = [];
  const visit = (task: RunnerTask) => {
    if (task.type === 'suite') task.tasks.forEach(visit);
    else if (task.mode === 'run' && task.result) ids.push(`${task.file?.filepath ?? 'unknown.js'}#${fullName(task)}`);
  };
  suite.tasks.forEach(visit);
  return ids;
}

function fullName(task: RunnerTask): string {
  const parts = [task.name];
  for (let s = task.suite; s; s = s.suite) parts.unshift(s.name);
  return parts.join(' ').trim();
}
