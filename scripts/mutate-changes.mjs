// Whether a module's committed mutation results still describe its code and tests (scripts/mutate.mjs
// --check and --changed; TESTING.md).

/**
 * The first difference between the sources a module's results were measured on and the files as they
 * are now: a file Stryker would mutate or run as a test whose text is not the text the results record,
 * or that was added or removed; null when there is none. This is Stryker's own test for reusing a
 * result (its incremental mode compares exactly these sources), so a check that skips a module without
 * a difference scores it as Stryker would, without the module's start and dry run.
 *
 * Like Stryker, it does not see a change to a file that a test imports but that is not itself a test
 * (test/support/…, a harness) or to a config: `npm run mutate -- --force` after such a change.
 *
 * @param {{ files: Record<string, { source: string }>, testFiles?: Record<string, { source?: string }> }} report
 *   Stryker's incremental report (stryker-incremental/<module>.json)
 * @param {{ mutated: string[], tests: string[] }} now the files Stryker would mutate, and the test files
 *   it would run, relative to the project's root
 * @param {(file: string) => string} read a file's text now
 * @returns {string | null} what changed, in words
 */
export function firstChange(report, now, read) {
  for (const [recorded, files, kind] of [
    [report.files, now.mutated, 'mutated'],
    [report.testFiles ?? {}, now.tests, 'test'],
  ]) {
    const sorted = [...files].sort();
    for (const file of sorted) {
      if (!Object.hasOwn(recorded, file)) return `${kind} file ${file} added`;
      // A test file recorded without its source (a runner that cannot report it) cannot be compared.
      if (recorded[file].source === undefined) return `${file} recorded without its source`;
      if (read(file) !== recorded[file].source) return `${file} changed`;
    }
    const present = new Set(sorted);
    for (const file of Object.keys(recorded).sort()) if (!present.has(file)) return `${kind} file ${file} removed`;
  }
  return null;
}
