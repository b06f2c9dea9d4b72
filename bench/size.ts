/**
 * Bundle sizes as `npm run size` measures them: wetrack's src/index.ts bundled by rollup and minified
 * with the mini-program build's terser settings (scripts/minify.mjs), gzip level 9. The peers' files
 * go through the same terser settings without our property-name mangling (it names wetrack's own
 * internal properties and would break other code), and are gzipped the same way. Returns the
 * minified text too: the bench runs exactly what it counts.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import typescript from '@rollup/plugin-typescript';
import { minify } from 'terser';
import { constToLet, TERSER } from '../scripts/minify.mjs';

export interface Sized {
  min: number;
  gzip: number;
  /** minified text of each file, in order */
  code: string[];
}

const gz = (s: string) => gzipSync(s, { level: 9 }).length;

/**
 * `edit` (scripts/save-delay.ts) changes one source file's text before it is compiled: a variant of
 * the SDK measured the same way.
 */
export async function sizeWetrack(input = 'src/index.ts', edit?: { file: RegExp; from: string; to: string }): Promise<Sized> {
  const variant = {
    name: 'variant',
    transform(code: string, id: string) {
      if (!edit || !edit.file.test(id)) return null;
      if (!code.includes(edit.from)) throw new Error(`bench: ${edit.from} is not in ${id}`);
      return code.replace(edit.from, edit.to);
    },
  };
  const bundle = await rollup({
    input,
    plugins: [variant, typescript({ tsconfig: './tsconfig.json', declaration: false, declarationDir: undefined, outDir: undefined, noEmitOnError: true })],
    onwarn: (w, warn) => (w.code === 'UNUSED_EXTERNAL_IMPORT' ? undefined : warn(w)),
  });
  const { output } = await bundle.generate({ format: 'cjs', exports: 'named' });
  await bundle.close();
  // As npm run size and the mini-program build minify it (scripts/minify.mjs: const as let, then terser).
  const min = (await minify(constToLet(output[0].code), TERSER)).code!;
  return { min: Buffer.byteLength(min), gzip: gz(min), code: [min] };
}

export async function sizeFiles(files: string[]): Promise<Sized> {
  const { mangle: _ours, ...peer } = TERSER as typeof TERSER & { mangle: unknown };
  const code: string[] = [];
  let min = 0;
  let gzip = 0;
  for (const f of files) {
    const out = (await minify(readFileSync(f, 'utf8'), { ...peer, mangle: true })).code!;
    code.push(out);
    min += Buffer.byteLength(out);
    gzip += gz(out);
  }
  return { min, gzip, code };
}
