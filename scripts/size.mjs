// Bundle-size budget: each entry is bundled alone, minified as the mini-program build is, and gzipped.
// Prints the figures; exits non-zero when one is over budget.
import { rollup } from 'rollup';
import typescript from '@rollup/plugin-typescript';
import { minify } from 'terser';
import { gzipSync } from 'node:zlib';
import { constToLet, TERSER } from './minify.mjs';

const KB = 1024;
// `adds` budgets what an entry adds to the one before it.
export const BUDGETS = [
  // Raised in issue 9 for correctness (5 KB before): storage limits, one tracker per process, masking of every written form.
  { name: 'core (track, identity, queue, transport)', input: 'src/core.ts', limit: 5.5 * KB },
  { name: 'auto-capture', input: 'src/index.ts', without: /exposure\/index/, adds: 3.5 * KB },
  { name: 'exposure', input: 'src/index.ts', adds: 1.75 * KB },
  { name: 'whole bundle', input: 'src/index.ts', limit: 10 * KB },
];

// Stands in for a module an entry is measured without.
const leaveOut = (pattern) => ({
  name: 'leave-out',
  load: (id) => (pattern && pattern.test(id) ? 'export const addExposure = (t) => Object.assign(t, { exposure: {} });' : null),
});

export async function measure(input, without) {
  const bundle = await rollup({
    input,
    plugins: [leaveOut(without), typescript({ tsconfig: './tsconfig.json', declaration: false, declarationDir: undefined, outDir: undefined, noEmitOnError: true })],
    onwarn: (w, warn) => (w.code === 'UNUSED_EXTERNAL_IMPORT' ? undefined : warn(w)),
  });
  const { output } = await bundle.generate({ format: 'cjs', exports: 'named' });
  await bundle.close();
  const min = (await minify(constToLet(output[0].code), TERSER)).code;
  return { min: Buffer.byteLength(min), gzip: gzipSync(min, { level: 9 }).length };
}

const rows = [];
let failed = false;
let before = { min: 0, gzip: 0 };
for (const b of BUDGETS) {
  const m = await measure(b.input, b.without);
  const size = b.adds ? m.gzip - before.gzip : m.gzip;
  const ok = size <= (b.adds ?? b.limit);
  failed ||= !ok;
  const what = b.adds ? `adds ${size} B min+gzip (budget ${b.adds} B); with the entries before: ${m.min} B min, ${m.gzip} B min+gzip` : `${m.min} B min, ${m.gzip} B min+gzip (budget ${b.limit} B)`;
  rows.push(`${ok ? 'ok  ' : 'OVER'} ${b.name}: ${what}`);
  before = m;
}
console.log(rows.join('\n'));
if (failed) process.exit(1);
