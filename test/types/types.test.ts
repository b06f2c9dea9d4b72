/**
 * Type tests (issue 10, points 1–4, 7, 11): the declarations the package ships, compiled as an app
 * compiles them. The declarations are emitted from src/ (scripts/dts.mjs, as `npm run build` does)
 * into a scratch package; each program below is a project laid out as WeChat DevTools' TypeScript
 * template (strict, noUnusedLocals, `typeRoots: ["./typings"]`, typings/index.d.ts pulling in
 * miniprogram-api-typings) and is compiled by `tsc` with three versions of miniprogram-api-typings:
 * 2.12 (what the template's `^2.8.3-1` installs), 3.12 and 5 (the latest; what `npm i -D` gives).
 *
 * The fixtures (test/types/fixtures) hold what must compile and, marked `// @ts-expect-error`, what
 * must not: tsc fails on an expected error that does not happen (TS2578), so a passing run means
 * every check held. The README's typed-plan snippet is compiled too, its `// compile error` lines
 * expected to be errors.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const TMP = path.join(ROOT, '.tmp/types-test');
const PKG = path.join(TMP, 'wetrack');
const FIXTURES = path.join(__dirname, 'fixtures');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
// Which installed copy of miniprogram-api-typings (package.json's devDependencies) each run uses.
const TYPINGS = { '2.12 (the template)': 'miniprogram-api-typings-2', '3.12': 'miniprogram-api-typings-3', latest: 'miniprogram-api-typings' };

/** DevTools' TypeScript template (miniprogram-ts-quickstart): its tsconfig compiler options. */
export const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strictNullChecks: true,
    noImplicitAny: true,
    module: 'CommonJS',
    target: 'ES2020',
    allowJs: true,
    allowSyntheticDefaultImports: true,
    esModuleInterop: true,
    experimentalDecorators: true,
    noImplicitThis: true,
    noImplicitReturns: true,
    alwaysStrict: true,
    noFallthroughCasesInSwitch: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    strict: true,
    strictPropertyInitialization: true,
    lib: ['ES2020'],
    typeRoots: ['./typings'],
    noEmit: true,
  },
  include: ['./**/*.ts'],
  exclude: ['node_modules'],
};

/** The README's "A typed tracking plan" snippet, its `// compile error` lines marked as expected errors. */
export function readmeSnippet(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('### A typed tracking plan');
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !block) throw new Error('README: no ts block under "### A typed tracking plan"');
  return block[1]!.replace(/^(.*\/\/ compile error.*)$/gm, '// @ts-expect-error (README: compile error)\n$1');
}

/**
 * Lays out a template project with these files and typings, compiles it, returns tsc's output less
 * what the same project reports without wetrack (miniprogram-api-typings 2.12 has two errors of its
 * own under TypeScript 5, in its own files).
 */
function compile(name: string, files: Record<string, string>, typings: string): { status: number | null; out: string } {
  if (!baselines.has(typings)) baselines.set(typings, new Set(tsc('baseline-' + typings, { 'app.ts': 'App({});\n' }, typings).out.split('\n')));
  const own = baselines.get(typings)!;
  const r = tsc(name, files, typings);
  const out = r.out.split('\n').filter((l) => !own.has(l)).join('\n');
  return { status: out ? r.status : 0, out };
}

const baselines = new Map<string, Set<string>>();

function tsc(name: string, files: Record<string, string>, typings: string): { status: number | null; out: string } {
  const dir = path.join(TMP, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  mkdirSync(path.join(dir, 'typings'), { recursive: true });
  symlinkSync(PKG, path.join(dir, 'node_modules/wetrack'), 'dir');
  symlinkSync(path.join(ROOT, 'node_modules', typings), path.join(dir, 'node_modules/miniprogram-api-typings'), 'dir');
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(TEMPLATE_TSCONFIG, null, 2));
  writeFileSync(path.join(dir, 'typings/index.d.ts'), '/// <reference types="miniprogram-api-typings" />\n');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, 'miniprogram', file)), { recursive: true });
    writeFileSync(path.join(dir, 'miniprogram', file), text);
  }
  const r = spawnSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' });
  // Paths relative to the project, so that the baseline's lines compare.
  return { status: r.status, out: (r.stdout + r.stderr).trim().split(path.relative(ROOT, dir) + '/').join('') };
}

const fixture = (group: string) => Object.fromEntries(readdirSync(path.join(FIXTURES, group)).map((f) => [f, readFileSync(path.join(FIXTURES, group, f), 'utf8')]));
const PROGRAMS: Record<string, () => Record<string, string>> = {
  'explicit wrappers, typed init, interface plan, wetrack/core': () => fixture('plain'),
  'TrackingPlan augmentation': () => fixture('augmented'),
  "the README's typed-plan snippet (noUnusedLocals)": () => ({ 'readme.ts': readmeSnippet() }),
};

/** Number of `@ts-expect-error` checks, for the record. */
export function countChecks(): number {
  return Object.values(PROGRAMS).reduce((n, files) => n + Object.values(files()).reduce((m, text) => m + (text.match(/@ts-expect-error/g) || []).length, 0), 0);
}

beforeAll(() => {
  rmSync(PKG, { recursive: true, force: true });
  mkdirSync(PKG, { recursive: true });
  // WETRACK_TYPES_FROM: another build's dist/types (to see these checks fail on an older one).
  const from = process.env.WETRACK_TYPES_FROM;
  if (from) cpSync(from, path.join(PKG, 'dist/types'), { recursive: true });
  else execFileSync(process.execPath, ['scripts/dts.mjs', path.join(PKG, 'dist/types')], { cwd: ROOT, stdio: 'pipe' });
  cpSync(path.join(ROOT, 'package.json'), path.join(PKG, 'package.json'));
  expect(existsSync(path.join(PKG, 'dist/types/index.d.ts'))).toBe(true);
}, 60_000);

describe('type tests: the shipped declarations in a DevTools TypeScript template project', () => {
  it('has checks to run', () => {
    const n = countChecks();
    console.log(`type tests: ${n} @ts-expect-error checks in ${Object.keys(PROGRAMS).length} programs × ${Object.keys(TYPINGS).length} miniprogram-api-typings versions`);
    expect(n).toBeGreaterThanOrEqual(20);
  });

  for (const [program, files] of Object.entries(PROGRAMS)) {
    for (const [version, typings] of Object.entries(TYPINGS)) {
      it(`${program}, miniprogram-api-typings ${version}`, () => {
        const { status, out } = compile(`${Object.keys(PROGRAMS).indexOf(program)}-${typings}`, files(), typings);
        expect(out).toBe('');
        expect(status).toBe(0);
      }, 60_000);
    }
  }

  it('src/platform/wx.ts is typed against miniprogram-api-typings, with no wx interface of its own (point 11)', () => {
    const src = readFileSync(path.join(ROOT, 'src/platform/wx.ts'), 'utf8');
    expect(src).toMatch(/^\/\/\/ <reference types="miniprogram-api-typings" \/>/);
    expect(src).toMatch(/WechatMiniprogram\.Wx\b/);
    expect(src).not.toMatch(/interface Wx\b/);
  });
});
