// Mutation testing (issue 13; TESTING.md). Runs Stryker (stryker.config.mjs), then prints the score of
// each module and exits non-zero when one is under its threshold: 85% for a module of src/, 75% for
// collector/.
//
//   node scripts/mutate.mjs                  every file Stryker's config mutates (npm run mutate), reusing
//                                            the committed stryker-incremental.json for every mutant whose
//                                            code and tests did not change; rewrites that file: commit it
//   node scripts/mutate.mjs --force          the same, every mutant tested afresh
//   node scripts/mutate.mjs src/transport    only these files or folders (the committed file is not rewritten)
//   node scripts/mutate.mjs --check [MIN]    CI (npm run mutate:check): like the first form, from a copy of
//                                            the committed file, within MIN minutes (default 12): past them
//                                            the committed file is too far behind the code, and the check
//                                            fails saying so
//   node scripts/mutate.mjs --score          score the last report again, without running Stryker
//
// The score of a module counts killed and timed-out mutants against every mutant that ran or had no
// test (survived, no coverage); mutants that do not compile and those disabled with a reason are left out.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';

const REPORT = 'reports/mutation/mutation.json';
const INCREMENTAL = 'stryker-incremental.json';
const COPY = 'reports/' + INCREMENTAL;
const threshold = (module) => (module.startsWith('collector') ? 75 : 85);

/** src/transport/queue.ts → src/transport; src/tracker.ts → src (the core files); collector/x.ts → collector. */
const moduleOf = (file) => {
  const parts = file.split('/');
  return parts[0] === 'collector' ? 'collector' : parts.length > 2 ? parts.slice(0, 2).join('/') : 'src';
};

const args = process.argv.slice(2);
const check = args[0] === '--check';
const budgetMinutes = check && args[1] ? Number(args[1]) : 12;

if (args[0] !== '--score') {
  mkdirSync('reports', { recursive: true });
  let stryker = ['stryker', 'run', '--incremental'];
  if (args[0] === '--force') stryker.push('--force');
  else if (check) {
    if (!existsSync(INCREMENTAL)) {
      console.error(`mutate: no ${INCREMENTAL} to check against: run npm run mutate and commit it`);
      process.exit(2);
    }
    // The check must not rewrite the committed results.
    copyFileSync(INCREMENTAL, COPY);
    stryker.push('--incrementalFile', COPY);
  } else if (args.length) {
    const files = args.map((a) => (existsSync(a) && statSync(a).isDirectory() ? a.replace(/\/$/, '') + '/**/*.ts' : a));
    // A partial report must not replace the whole one: it reuses results from a copy.
    if (existsSync(INCREMENTAL)) copyFileSync(INCREMENTAL, COPY);
    stryker.push('--incrementalFile', COPY, '--mutate', files.join(','));
    console.log(`mutate: ${files.length} file(s) or folder(s)`);
  }
  const started = Date.now();
  console.log('mutate: npx ' + stryker.join(' '));
  const child = spawn('npx', stryker, { stdio: 'inherit', detached: true });
  let late = false;
  const timer = check
    ? setTimeout(() => {
        late = true;
        // The whole process group: npx, Stryker and its test runners.
        process.kill(-child.pid, 'SIGTERM');
      }, budgetMinutes * 60_000)
    : undefined;
  const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  clearTimeout(timer);
  console.log(`mutate: Stryker took ${Math.round((Date.now() - started) / 1000)} s`);
  if (late) {
    console.error(
      `mutate: the check did not finish within ${budgetMinutes} min: ${INCREMENTAL} is too far behind the code ` +
        '(each mutant whose code or covering tests changed since it was written runs again). ' +
        `Run npm run mutate and commit ${INCREMENTAL}.`,
    );
    process.exit(1);
  }
  if (status !== 0) process.exit(status);
}

const report = JSON.parse(readFileSync(REPORT, 'utf8'));
const modules = new Map();
for (const [file, { mutants }] of Object.entries(report.files)) {
  const m = modules.get(moduleOf(file)) ?? { killed: 0, valid: 0, survivors: [] };
  modules.set(moduleOf(file), m);
  for (const mutant of mutants) {
    if (mutant.status === 'Killed' || mutant.status === 'Timeout') m.killed++;
    else if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') m.survivors.push(`${file}:${mutant.location.start.line} ${mutant.mutatorName} (${mutant.status})`);
    else continue; // CompileError, RuntimeError, Ignored
    m.valid++;
  }
}
let failed = false;
console.log('\nmodule                     score   killed/valid  threshold');
for (const [name, m] of [...modules].sort()) {
  const score = m.valid ? (100 * m.killed) / m.valid : 100;
  const ok = score >= threshold(name);
  failed ||= !ok;
  console.log(`${name.padEnd(26)} ${score.toFixed(1).padStart(5)}%  ${`${m.killed}/${m.valid}`.padStart(12)}  ${threshold(name)}%${ok ? '' : '  UNDER'}`);
}
if (failed) {
  console.error('\nmutate: a module is under its threshold; its survivors:');
  for (const [name, m] of modules) if (m.valid && (100 * m.killed) / m.valid < threshold(name)) m.survivors.forEach((s) => console.error('  ' + s));
  process.exit(1);
}
