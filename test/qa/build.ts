/**
 * The SDK's mini-program builds (miniprogram_dist/index.js: what DevTools' "Build npm" copies into
 * miniprogram_npm/wetrack; miniprogram_dist/plan.js, the development entry), made in-process from
 * src/ with the repository's own rollup config, so the demo and the tests always run the current
 * SDK, minified exactly as `npm run build` does. Cached in .tmp/<cache> by a hash of their inputs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = path.join(dir, f);
      return statSync(p).isDirectory() ? files(p) : [p];
    });
}

/** Builds (or reuses) the main bundle; returns its absolute path. */
export const buildMiniprogramBundle = () => buildOutput('miniprogram_dist/index.js', 'qa-bundle');

/** Builds (or reuses) one output file of rollup.config.mjs, cached in .tmp/<cache>; returns its absolute path. */
export async function buildOutput(OUTPUT: string, cache: string): Promise<string> {
  const inputs = [...files(path.join(ROOT, 'src')), path.join(ROOT, 'rollup.config.mjs'), path.join(ROOT, 'scripts/minify.mjs'), path.join(ROOT, 'tsconfig.json')];
  const hash = createHash('sha256');
  for (const f of inputs) hash.update(f.slice(ROOT.length)).update(readFileSync(f));
  const dir = path.join(ROOT, '.tmp', cache);
  const file = path.join(dir, hash.digest('hex').slice(0, 16) + '.js');
  if (existsSync(file)) return file;

  const { rollup } = await import('rollup');
  const cwd = process.cwd();
  if (cwd !== ROOT) process.chdir(ROOT); // the config's paths are relative to the repository
  try {
    const configs = (await import(pathToFileURL(path.join(ROOT, 'rollup.config.mjs')).href)).default as { input: string; plugins: unknown[]; output: { file: string }[] }[];
    const config = configs.find((c) => c.output.some((o) => o.file === OUTPUT));
    if (!config) throw new Error(`rollup.config.mjs has no ${OUTPUT} output`);
    const output = config.output.find((o) => o.file === OUTPUT)!;
    const bundle = await rollup({ input: config.input, plugins: config.plugins as never });
    const { output: chunks } = await bundle.generate({ ...output, file: undefined } as never);
    await bundle.close();
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, chunks[0].code);
    renameSync(tmp, file);
    return file;
  } finally {
    if (cwd !== ROOT) process.chdir(cwd);
  }
}
