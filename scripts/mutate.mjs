// Mutation testing (issue 13; TESTING.md). Runs Stryker (stryker.config.mjs), then prints the score of
// each module and exits non-zero when one is under its threshold: 85% for a module of src/, 75% for
// collector/.
//
//   node scripts/mutate.mjs                  every file Stryker's config mutates (npm run mutate)
//   node scripts/mutate.mjs src/transport    only these files or folders
//   node scripts/mutate.mjs --changed [REF]  only the lines of src/ and collector/ changed since REF
//                                            (default HEAD~1, working tree included): CI's check
//                                            (npm run mutate:changed)
//   node scripts/mutate.mjs --score          score the last report again, without running Stryker
//
// The score of a module counts killed and timed-out mutants against every mutant that ran or had no
// test (survived, no coverage); mutants that do not compile and those disabled with a reason are left out.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';

const REPORT = 'reports/mutation/mutation.json';
const INCREMENTAL = 'stryker-incremental.json';
const threshold = (module) => (module.startsWith('collector') ? 75 : 85);
// What stryker.config.mjs leaves out of `mutate`: a changed file there has nothing to score.
const mutable = (f) => /^(src|collector)\/.*\.ts$/.test(f) && !/\.d\.ts$|^src\/(types|version|platform\/types)\.ts$|^collector\/analytics\//.test(f);

/** src/transport/queue.ts → src/transport; src/tracker.ts → src (the core files); collector/x.ts → collector. */
const moduleOf = (file) => {
  const parts = file.split('/');
  return parts[0] === 'collector' ? 'collector' : parts.length > 2 ? parts.slice(0, 2).join('/') : 'src';
};

const args = process.argv.slice(2);
let files = null;
if (args[0] === '--changed') {
  const ref = args[1] || 'HEAD~1';
  if (spawnSync('git', ['rev-parse', '--verify', '--quiet', ref + '^{commit}']).status !== 0) {
    console.error(`mutate: no commit ${ref} to compare with (a shallow clone?): fetch one more commit, or name a ref`);
    process.exit(2);
  }
  // Only the lines changed: `file:from-to` for each hunk of the diff (`git diff -U0`), so the check's
  // time grows with the change, not with the files it touched.
  const diff = execFileSync('git', ['diff', '-U0', '--no-color', '--diff-filter=AMR', ref, '--', 'src', 'collector'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  files = [];
  let file = '';
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) file = line.startsWith('+++ b/') ? line.slice(6) : '';
    const hunk = /^@@ -\S+ \+(\d+)(?:,(\d+))? @@/.exec(line);
    const count = hunk ? Number(hunk[2] ?? 1) : 0;
    if (hunk && count && mutable(file)) files.push(`${file}:${hunk[1]}-${Number(hunk[1]) + count - 1}`);
  }
  if (!files.length) {
    console.log(`mutate: no mutable file of src/ or collector/ changed since ${ref}`);
    process.exit(0);
  }
} else if (args.length && args[0] !== '--score') {
  files = args.map((a) => (existsSync(a) && statSync(a).isDirectory() ? a.replace(/\/$/, '') + '/**/*.ts' : a));
}

if (args[0] !== '--score') {
  if (files) console.log(`mutate: ${files.length} file(s) or line range(s)`);
  const started = Date.now();
  // The whole run tests every mutant afresh (--force) and rewrites the committed stryker-incremental.json.
  // A partial run reuses its results for unchanged mutants, from a copy: a partial report must not
  // replace the whole one.
  let stryker = ['stryker', 'run', '--incremental', '--force'];
  if (files) {
    mkdirSync('reports', { recursive: true });
    if (existsSync(INCREMENTAL)) copyFileSync(INCREMENTAL, 'reports/' + INCREMENTAL);
    stryker = ['stryker', 'run', '--incremental', '--incrementalFile', 'reports/' + INCREMENTAL, '--mutate', files.join(',')];
  }
  console.log('mutate: npx ' + stryker.join(' '));
  const run = spawnSync('npx', stryker, { stdio: 'inherit' });
  console.log(`mutate: Stryker took ${Math.round((Date.now() - started) / 1000)} s`);
  if (run.status !== 0) process.exit(run.status ?? 1);
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
