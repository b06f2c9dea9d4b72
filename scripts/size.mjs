// Bundle-size budget: each entry is bundled alone, minified as the mini-program build is, and gzipped.
// Prints the figures; exits non-zero when one is over budget.
import { rollup } from 'rollup';
import typescript from '@rollup/plugin-typescript';
import { minify } from 'terser';
import { gzipSync } from 'node:zlib';
import { TERSER } from './minify.mjs';

const KB = 1024;
// `adds` budgets what an entry adds to the one before it.
export const BUDGETS = [
  { name: 'core (track, identity, queue, transport)', input: 'src/core.ts', limit: 5 * KB },
  { name: 'auto-capture', input: 'src/index.ts', adds: 3 * KB },
];

export async function measure(input) {
  const bundle = await rollup({
    input,
    plugins: [typescript({ tsconfig: './tsconfig.json', declaration: false, declarationDir: undefined, outDir: undefined, noEmitOnError: true })],
    onwarn: (w, warn) => (w.code === 'UNUSED_EXTERNAL_IMPORT' ? undefined : warn(w)),
  });
  const { output } = await bundle.generate({ format: 'cjs', exports: 'named' });
  await bundle.close();
  const min = (await minify(output[0].code, TERSER)).code;
  return { min: Buffer.byteLength(min), gzip: gzipSync(min, { level: 9 }).length };
}

const rows = [];
let failed = false;
let before = { min: 0, gzip: 0 };
for (const b of BUDGETS) {
  const m = await measure(b.input);
  const size = b.adds ? m.gzip - before.gzip : m.gzip;
  const ok = size <= (b.adds ?? b.limit);
  failed ||= !ok;
  const what = b.adds ? `adds ${size} B min+gzip (budget ${b.adds} B); with the entries before: ${m.min} B min, ${m.gzip} B min+gzip` : `${m.min} B min, ${m.gzip} B min+gzip (budget ${b.limit} B)`;
  rows.push(`${ok ? 'ok  ' : 'OVER'} ${b.name}: ${what}`);
  before = m;
}
console.log(rows.join('\n'));
if (failed) process.exit(1);
