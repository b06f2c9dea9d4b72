/**
 * The development entry's mini-program build (miniprogram_dist/plan.js: what `require('wetrack/plan')`
 * loads after DevTools' "Build npm"), made in-process with the repository's own rollup config and
 * cached in .tmp/plan-bundle by a hash of its inputs, like test/qa/build.ts does for index.js.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '../..');
const OUTPUT = 'miniprogram_dist/plan.js';

const files = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? files(path.join(dir, f)) : [path.join(dir, f)]));

export async function buildPlanBundle(): Promise<string> {
  const inputs = [...files(path.join(ROOT, 'src')), path.join(ROOT, 'rollup.config.mjs'), path.join(ROOT, 'scripts/minify.mjs'), path.join(ROOT, 'tsconfig.json')];
  const hash = createHash('sha256');
  for (const f of inputs) hash.update(f.slice(ROOT.length)).update(readFileSync(f));
  const dir = path.join(ROOT, '.tmp/plan-bundle');
  const file = path.join(dir, hash.digest('hex').slice(0, 16) + '.js');
  if (existsSync(file)) return file;

  const { rollup } = await import('rollup');
  const cwd = process.cwd();
  if (cwd !== ROOT) process.chdir(ROOT);
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
