// Mutation testing (issue 13; TESTING.md). Runs Stryker (stryker.config.mjs) once per module, each
// module against the tests that are about it (MODULES below), then prints each module's score and exits
// non-zero when one is under its threshold: 85% for a module of src/, 75% for collector/.
//
//   node scripts/mutate.mjs [MODULE…]      every module (npm run mutate), or those named, reusing the
//                                          committed stryker-incremental/<module>.json for each mutant whose
//                                          code and tests did not change; rewrites those files: commit them
//   node scripts/mutate.mjs --force [MODULE…]   the same, every mutant tested afresh
//   node scripts/mutate.mjs --check [MIN]  CI (npm run mutate:check): every module whose mutated files or
//                                          tests changed since its committed file (the others' results
//                                          stand as they are), from copies of the committed files, within
//                                          MIN minutes in all (default 12): past them the committed files
//                                          are too far behind the code, and the check fails saying so
//   node scripts/mutate.mjs --score        the scores again, from the committed files
//   node scripts/mutate.mjs --changed      which modules' committed files are behind their code or tests
//
// The score of a module counts killed and timed-out mutants against every mutant that ran or had no
// test (survived, no coverage); mutants that do not compile and those disabled with a reason are left out.
//
// Why a test set per module: with per-test coverage each mutant runs only the tests that reach it, but
// vitest loads the whole file of each such test (its imports, its environment, its beforeAll), and a
// file whose beforeAll runs the demo through the SDK into a collector reaches nearly every line of
// src/. Against the whole suite a mutant took 10-40 s here; against its module's own tests, 1-3 s.
// A module's score is then a lower bound: more tests can only kill more mutants.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { globSync } from 'tinyglobby';
import { firstChange } from './mutate-changes.mjs';
import { MUTATE_EXCLUDE, mutateInclude } from './mutate-tests.mjs';

/** Each module: the files Stryker mutates, and the tests run against them (vitest.mutate.config.mts, MUTATE_TESTS). */
const MODULES = {
  src: { mutate: 'src/*.ts,!src/*.d.ts,!src/types.ts,!src/version.ts', tests: 'unit,property,e2e' },
  'src/transport': { mutate: 'src/transport/**/*.ts', tests: 'unit,property,e2e' },
  'src/autocapture': { mutate: 'src/autocapture/**/*.ts', tests: 'autocapture,unit,property,harness-check,differential' },
  'src/plan': { mutate: 'src/plan/**/*.ts', tests: 'plan/agree.test.ts,plan/dev.test.ts,plan/plugin.test.ts,plan/shape.test.ts,plan/collector.test.ts,unit,property' },
  'src/exposure': { mutate: 'src/exposure/**/*.ts', tests: 'exposure,unit' },
  'src/platform': { mutate: 'src/platform/**/*.ts,!src/platform/types.ts', tests: 'unit,sim,e2e,autocapture/native-flows.test.ts' },
  // collector/ in three parts, each with its own incremental file, so that a part's results are kept
  // when a run of the whole (hours here) is cut short, and each part runs against the tests that reach it.
  // collector/main.ts is left out: the command line's glue, run by its tests as a child process
  // (plan/collector.test.ts, collector/scale.test.ts), where per-test coverage cannot see it.
  'collector/analytics': {
    mutate: 'collector/analytics/**/*.ts',
    tests: 'analytics/api.test.ts,analytics/stats.test.ts,analytics/format.test.ts,analytics/analyses.test.ts,collector/clickhouse.test.ts',
  },
  'collector/server': {
    mutate: 'collector/server.ts,collector/report.ts,collector/coverage.ts,collector/open.ts',
    tests: 'collector,qa/collector.test.ts,plan/collector.test.ts,analytics/api.test.ts',
  },
  'collector/store': {
    mutate: 'collector/store.ts,collector/clickhouse.ts,collector/validate.ts',
    tests: 'collector,qa/collector.test.ts,plan/collector.test.ts,analytics/analyses.test.ts',
  },
};
const REPORT = 'reports/mutation/mutation.json';
const slug = (module) => module.replace(/\//g, '-');
const committed = (module) => `stryker-incremental/${slug(module)}.json`;
const copyOf = (module) => `reports/incremental-${slug(module)}.json`;
const threshold = (module) => (module.startsWith('collector') ? 75 : 85);

const args = process.argv.slice(2);
const check = args[0] === '--check';
const score = args[0] === '--score';
const force = args[0] === '--force';
const listChanged = args[0] === '--changed';
const budgetMinutes = check && args[1] ? Number(args[1]) : 12;
const named = check || score || listChanged ? [] : args.filter((a) => !a.startsWith('--'));
for (const m of named) {
  if (!MODULES[m]) {
    console.error(`mutate: no module ${m}; the modules: ${Object.keys(MODULES).join(', ')}`);
    process.exit(2);
  }
}
const modules = named.length ? named : Object.keys(MODULES);

/** Where each module's results are read from once the runs are over. */
const results = new Map(modules.map((m) => [m, committed(m)]));
/** Modules the check skipped: no committed results yet. */
const unmeasured = [];

/** What changed since a module's results were measured (scripts/mutate-changes.mjs), or null. */
function changedSince(report, module) {
  const patterns = MODULES[module].mutate.split(',');
  const mutated = globSync(patterns.filter((p) => !p.startsWith('!')), { ignore: patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1)) });
  const tests = globSync(mutateInclude(MODULES[module].tests), { ignore: MUTATE_EXCLUDE });
  return firstChange(report, { mutated, tests }, (file) => readFileSync(file, 'utf8'));
}

if (listChanged) {
  let behind = 0;
  for (const module of modules) {
    const file = committed(module);
    const changed = existsSync(file) ? changedSince(JSON.parse(readFileSync(file, 'utf8')), module) : `no ${file}`;
    if (changed) behind++;
    console.log(`${module.padEnd(20)} ${changed ?? 'current'}`);
  }
  process.exit(behind ? 1 : 0);
}

if (!score) {
  mkdirSync('reports/mutation', { recursive: true });
  mkdirSync('stryker-incremental', { recursive: true });
  const deadline = Date.now() + budgetMinutes * 60_000;
  for (const module of modules) {
    let file = committed(module);
    if (check) {
      if (!existsSync(file)) {
        // A module never measured cannot be checked incrementally (its first run is the whole run, hours
        // on CI's two cores): said loudly, and left to npm run mutate.
        console.error(`\nmutate: ${module}: NOT CHECKED: no ${file} (never measured): run npm run mutate ${module} and commit it`);
        results.delete(module);
        unmeasured.push(module);
        continue;
      }
      const changed = changedSince(JSON.parse(readFileSync(file, 'utf8')), module);
      if (!changed) {
        console.log(`\nmutate: ${module}: no file it mutates or tests changed since ${file}: its results stand, Stryker not run`);
        continue;
      }
      console.log(`\nmutate: ${module}: ${changed} since ${file}: Stryker reruns what that touches`);
      // The check must not rewrite the committed results.
      copyFileSync(file, copyOf(module));
      file = copyOf(module);
      results.set(module, file);
    }
    const stryker = ['stryker', 'run', '--incremental', '--incrementalFile', file, '--mutate', MODULES[module].mutate];
    if (force) stryker.push('--force');
    console.log(`\nmutate: ${module}: MUTATE_TESTS=${MODULES[module].tests} npx ${stryker.join(' ')}`);
    const started = Date.now();
    const child = spawn('npx', stryker, { stdio: 'inherit', detached: true, env: { ...process.env, MUTATE_TESTS: MODULES[module].tests } });
    let late = false;
    const timer = check
      ? setTimeout(
          () => {
            late = true;
            // The whole process group: npx, Stryker and its test runners.
            process.kill(-child.pid, 'SIGTERM');
          },
          Math.max(0, deadline - Date.now()),
        )
      : undefined;
    const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
    clearTimeout(timer);
    console.log(`mutate: ${module}: Stryker took ${Math.round((Date.now() - started) / 1000)} s`);
    if (late) {
      console.error(
        `mutate: the check did not finish within ${budgetMinutes} min: stryker-incremental/ is too far behind the code ` +
          '(each mutant whose code or covering tests changed since it was written runs again). ' +
          'Run npm run mutate and commit stryker-incremental/.',
      );
      process.exit(1);
    }
    if (status !== 0) process.exit(status);
    // The last report of each module, beside the one Stryker overwrites.
    copyFileSync(REPORT, `reports/mutation/${slug(module)}.json`);
  }
}

let failed = false;
const under = [];
/** The parts of collector/ summed: the issue's threshold is for collector/ as a whole (each part is held to it too). */
const whole = { killed: 0, valid: 0, parts: 0 };
/** One line of the table; false when the score is under the threshold. */
function row(label, killed, valid, min) {
  const pct = valid ? (100 * killed) / valid : 100;
  const ok = pct >= min;
  console.log(`${label.padEnd(26)} ${pct.toFixed(1).padStart(5)}%  ${`${killed}/${valid}`.padStart(12)}  ${min}%${ok ? '' : '  UNDER'}`);
  return ok;
}
console.log('\nmodule                     score   killed/valid  threshold');
for (const [module, file] of results) {
  if (!existsSync(file)) {
    console.log(`${module.padEnd(26)}     —   (no ${file}: run npm run mutate ${module})`);
    failed = true;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  let killed = 0;
  let valid = 0;
  const survivors = [];
  for (const [name, { mutants }] of Object.entries(report.files)) {
    for (const mutant of mutants) {
      if (mutant.status === 'Killed' || mutant.status === 'Timeout') killed++;
      else if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') survivors.push(`${name}:${mutant.location.start.line} ${mutant.mutatorName} (${mutant.status})`);
      else continue; // CompileError, RuntimeError, Ignored
      valid++;
    }
  }
  if (module.startsWith('collector')) {
    whole.killed += killed;
    whole.valid += valid;
    whole.parts++;
  }
  const ok = row(module, killed, valid, threshold(module));
  failed ||= !ok;
  if (!ok) under.push(...survivors);
}
if (whole.parts > 1) failed = !row(`collector (${whole.parts} parts)`, whole.killed, whole.valid, threshold('collector')) || failed;
if (unmeasured.length) console.error(`\nmutate: not checked, never measured: ${unmeasured.join(', ')}`);
if (failed) {
  if (under.length) {
    console.error('\nmutate: a module is under its threshold; its survivors:');
    under.forEach((s) => console.error('  ' + s));
  }
  process.exit(1);
}
