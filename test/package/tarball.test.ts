/**
 * The package as a user gets it (issue 10, points 5, 6, 8 and the packed-tarball test): `npm pack`
 * (prepack builds), then the tarball installed
 *
 * - into a project laid out as WeChat DevTools' TypeScript template (test/package/template: the
 *   `miniprogram/` root with package.json outside it, project.config.json with packNpmManually /
 *   packNpmRelationList as the README gives them, miniprogram-api-typings `^2.8.3-1` as the template
 *   lists it, strict tsconfig with noUnusedLocals): `tsc` compiles it; "Build npm" is done as DevTools
 *   does it (below); its pages run in the simulator (test/sim) and the events arrive at a loopback
 *   collector;
 * - into a bare consumer: `wetrack` and `wetrack/core` under Node ESM and CommonJS, TypeScript's
 *   nodenext and bundler resolution, esbuild (neutral and browser platforms, as Taro and uni-app
 *   bundle) and rollup with node-resolve.
 *
 * npm installs from the tarball offline; the template's miniprogram-api-typings comes from the
 * registry (or npm's cache).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRuntime, disposeAllRuntimes } from '../sim';
import { useFakeClock, type FakeClock } from '../support/clock';
import { startCollector, type Collector } from '../support/collector';

const ROOT = path.resolve(__dirname, '../..');
const TMP = path.join(ROOT, '.tmp/package-test');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let tarball = '';

const run = (cmd: string, args: string[], cwd: string) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  return { status: r.status, out: ((r.stdout || '') + (r.stderr || '')).trim() };
};
const install = (dir: string) => {
  const r = run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], dir);
  expect(r.out, 'npm install').not.toMatch(/ERR!/);
  expect(r.status).toBe(0);
};

beforeAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  const t0 = Date.now();
  const r = run(NPM, ['pack', '--pack-destination', TMP], ROOT);
  expect(r.status, r.out).toBe(0);
  tarball = path.join(TMP, readdirSync(TMP).find((f) => f.endsWith('.tgz'))!);
  console.log(`npm pack: ${path.basename(tarball)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}, 120_000);

describe('the packed tarball', () => {
  it('holds the builds, the types and miniprogram_dist, and no sources, tests or examples', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const f of ['package.json', 'dist/wetrack.mjs', 'dist/wetrack.cjs.js', 'dist/core.mjs', 'dist/core.cjs.js', 'dist/types/index.d.ts', 'dist/types/index.d.mts', 'dist/types/core.d.ts', 'dist/types/core.d.mts', 'miniprogram_dist/index.js', 'miniprogram_dist/core.js']) expect(files).toContain(f);
    expect(files.filter((f) => /^(src|test|scripts|collector|example-miniprogram|node_modules|\.tmp)\//.test(f))).toEqual([]);
    // Every file package.json's exports name is in the tarball.
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const targets = JSON.stringify(pkg.exports).match(/"\.\/[^"]+"/g)!.map((s) => s.slice(3, -1)).filter((f) => f.includes('.'));
    for (const f of targets) expect(files, f).toContain(f);
  });
});

describe('in a project laid out as DevTools’ TypeScript template', () => {
  const app = path.join(TMP, 'ts-template');
  let clock: FakeClock | undefined;
  let collector: Collector | undefined;
  afterAll(async () => {
    disposeAllRuntimes();
    await collector?.close();
    clock?.restore();
    vi.restoreAllMocks();
  });

  it('installs, compiles strict, builds npm and delivers its pages’ events to a collector', async () => {
    cpSync(path.join(__dirname, 'template'), app, { recursive: true });
    install(app);
    expect(JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')).dependencies.wetrack).toMatch(/^file:.*\.tgz$/);

    // The README's project.config.json settings are the ones this project uses.
    const config = JSON.parse(readFileSync(path.join(app, 'project.config.json'), 'utf8')) as ProjectConfig;
    expect(config.setting).toMatchObject(readmeProjectSettings());

    // tsc as DevTools' TypeScript compile would run it: strict, noUnusedLocals, JS written next to each .ts.
    const t0 = Date.now();
    const tsc = run(process.execPath, [TSC, '-p', app], app);
    // miniprogram-api-typings 2.12 reports two errors in its own files under TypeScript 5; nothing else may fail.
    const errors = tsc.out.split('\n').filter((l) => /error TS/.test(l) && !l.startsWith('node_modules/miniprogram-api-typings/'));
    console.log(`tsc (strict, miniprogram-api-typings ${JSON.parse(readFileSync(path.join(app, 'node_modules/miniprogram-api-typings/package.json'), 'utf8')).version}): ${errors.length} errors in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(errors).toEqual([]);
    expect(existsSync(path.join(app, 'miniprogram/pages/index/index.js'))).toBe(true);

    const built = buildNpm(app, config);
    console.log(`Build npm: ${built.join(', ')}`);
    expect(built).toEqual(['miniprogram/miniprogram_npm/wetrack']);
    expect(readFileSync(path.join(app, 'miniprogram/miniprogram_npm/wetrack/index.js'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'miniprogram_dist/index.js'), 'utf8'));

    // Its pages in the simulator, events to a loopback collector.
    clock = useFakeClock();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    collector = await startCollector();
    const rt = createRuntime({ appConfig: JSON.parse(readFileSync(path.join(app, 'miniprogram/app.json'), 'utf8')), printErrors: false, suspendAfterHideMs: null });
    const proc = rt.start();
    const load = miniprogramModules(path.join(app, 'miniprogram'), { 'config.js': { SERVER_URL: collector.url } });
    load('app.js');
    for (const route of ['pages/index/index', 'pages/detail/index']) proc.definePage(route, () => void load(route + '.js'));
    proc.launch();
    const home = proc.currentPage() as unknown as { onBuy(e: unknown): void; onOpen(e: unknown): void };
    const tap = (id: string) => ({ type: 'tap', timeStamp: Date.now(), target: { id, dataset: {} }, currentTarget: { id, dataset: {} }, changedTouches: [{}] });
    home.onBuy(tap('buy'));
    await clock.advance(1000);
    home.onOpen(tap('open'));
    await clock.runUntil(() => proc.currentPage()?.route === 'pages/detail/index', { label: 'detail page open' });
    proc.hide();
    await clock.runUntil(() => collector!.events().some((e) => e.name === '$app_hide'), { label: 'events delivered' });
    const events = collector.events().map((e) => `${e.name as string}${(e.properties as { path?: string }).path ? ' ' + (e.properties as { path: string }).path : ''}`);
    console.log(`collector received: ${events.join(', ')}`);
    expect(events.filter((e) => e.startsWith('$page_view'))).toEqual(['$page_view pages/index/index', '$page_view pages/detail/index']);
    expect(events.filter((e) => e.startsWith('$tap'))).toEqual(['$tap pages/index/index', '$tap pages/index/index']);
    const cart = collector.events().find((e) => e.name === 'add_to_cart')!;
    expect(cart.properties).toMatchObject({ product_code: 'VG-3', price: 12.9, quantity: 1 });
    expect(collector.events().find((e) => e.name === 'view_product')!.properties).toMatchObject({ product_code: 'VG-3', price: 12.9 });
    expect(events[0]).toBe('$app_launch pages/index/index');
    expect(events[events.length - 1]).toBe('$app_hide pages/detail/index');
  }, 180_000);
});

describe('resolution of wetrack and wetrack/core by a bare consumer', () => {
  const dir = path.join(TMP, 'consumer');
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    install(dir);
    symlinkSync(path.join(ROOT, 'node_modules/miniprogram-api-typings'), path.join(dir, 'node_modules/miniprogram-api-typings'), 'dir');
  }, 120_000);

  const CHECK = `typeof wetrack.init + ' ' + typeof wetrack.page + ' ' + typeof wetrack.exposure.observe + ' ' + typeof createTracker + ' ' + typeof core.createTracker().track`;
  it('Node ESM: import wetrack from "wetrack" and "wetrack/core"', () => {
    const r = run(process.execPath, ['--input-type=module', '-e', `import wetrack, { createTracker } from 'wetrack'; import * as core from 'wetrack/core'; console.log(${CHECK});`], dir);
    expect(r.out).toBe('function function function function function');
  });

  it('Node CommonJS: require("wetrack").default and require("wetrack/core")', () => {
    const r = run(process.execPath, ['-e', `const { default: wetrack, createTracker } = require('wetrack'); const core = require('wetrack/core'); console.log(${CHECK});`], dir);
    expect(r.out).toBe('function function function function function');
  });

  for (const [mode, opts, files] of [
    ['nodenext', ['--module', 'nodenext', '--moduleResolution', 'nodenext'], { 'esm.mts': TS_ESM, 'cjs.cts': TS_CJS }],
    ['bundler', ['--module', 'esnext', '--moduleResolution', 'bundler'], { 'esm.ts': TS_ESM }],
  ] as const) {
    it(`TypeScript, moduleResolution ${mode}: the default export is the typed instance`, () => {
      for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, f), text);
      const r = run(process.execPath, [TSC, '--noEmit', '--strict', '--noUnusedLocals', '--target', 'es2020', '--lib', 'es2020', '--types', 'miniprogram-api-typings', ...opts, ...Object.keys(files)], dir);
      expect(r.out).toBe('');
      expect(r.status).toBe(0);
    });
  }

  it('esbuild (neutral and browser platforms, as Taro and uni-app bundle) and rollup with node-resolve take the ESM build', async () => {
    writeFileSync(path.join(dir, 'entry.mjs'), `import wetrack, { createTracker } from 'wetrack';\nimport * as core from 'wetrack/core';\nexport const check = () => ${CHECK};\n`);
    const esbuild = await import('esbuild');
    for (const platform of ['neutral', 'browser'] as const) {
      const out = await esbuild.build({ entryPoints: [path.join(dir, 'entry.mjs')], bundle: true, write: false, format: 'esm', platform, metafile: true, logLevel: 'silent' });
      expect(Object.keys(out.metafile.inputs).sort(), platform).toEqual(['entry.mjs', 'node_modules/wetrack/dist/core.mjs', 'node_modules/wetrack/dist/wetrack.mjs'].map((f) => path.relative(process.cwd(), path.join(dir, f))).sort());
      expect(await runBundle(out.outputFiles[0]!.text, `${platform}.mjs`), platform).toBe('function function function function function');
    }
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const bundle = await rollup({ input: path.join(dir, 'entry.mjs'), plugins: [nodeResolve()] });
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    expect(Object.keys(output[0].modules).map((m) => path.relative(dir, m)).sort()).toEqual(['entry.mjs', 'node_modules/wetrack/dist/core.mjs', 'node_modules/wetrack/dist/wetrack.mjs']);
    expect(await runBundle(output[0].code, 'rollup.mjs')).toBe('function function function function function');
  }, 60_000);

  async function runBundle(code: string, name: string): Promise<string> {
    const file = path.join(dir, name);
    writeFileSync(file, code);
    const r = run(process.execPath, ['--input-type=module', '-e', `import { check } from ${JSON.stringify(file)}; console.log(check());`], dir);
    return r.out;
  }
});

const TS_ESM = `import wetrack, { createTracker, type Wetrack } from 'wetrack';
import { createTracker as createCore } from 'wetrack/core';
const t: Wetrack<{ buy: { sku: string } }> = wetrack.init<{ buy: { sku: string } }>({ serverUrl: 'https://c.example.com/b' });
t.track('buy', { sku: 'VG-3' });
// @ts-expect-error unknown event
t.track('sell');
Page(t.page({ data: { n: 1 }, onTap() { this.setData({ n: this.data.n + 1 }); } }));
createTracker().track('x');
createCore().track('x');
`;
const TS_CJS = `import wetrack = require('wetrack');
import core = require('wetrack/core');
wetrack.default.init({ serverUrl: 'https://c.example.com/b' }).track('x');
core.createTracker().track('x');
`;

interface ProjectConfig {
  miniprogramRoot?: string;
  setting: { packNpmManually?: boolean; packNpmRelationList?: { packageJsonPath: string; miniprogramNpmDistDir: string }[] };
}

/** The project.config.json settings the README gives for the TypeScript template. */
function readmeProjectSettings(): ProjectConfig['setting'] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('packNpmManually');
  const start = readme.lastIndexOf('```json', at);
  const block = readme.slice(start + 7, readme.indexOf('```', start + 7));
  if (at < 0 || start < 0) throw new Error('README: no project.config.json block with packNpmManually');
  return (JSON.parse(block) as ProjectConfig).setting;
}

/**
 * DevTools' "Tools → Build npm" with packNpmManually: for each packNpmRelationList entry, each package
 * in that package.json's `dependencies` (not devDependencies) is copied from its `miniprogram`
 * folder (default miniprogram_dist) into <miniprogramNpmDistDir>/miniprogram_npm/<name>.
 * (developers.weixin.qq.com/miniprogram/dev/devtools/npm.html: "根据 package.json 的 dependencies
 * 字段构建"; the package's build folder is miniprogram_dist unless its `miniprogram` field names another;
 * packNpmManually/packNpmRelationList for a package.json outside miniprogramRoot.)
 */
function buildNpm(project: string, config: ProjectConfig): string[] {
  expect(config.setting.packNpmManually).toBe(true);
  const built: string[] = [];
  for (const rel of config.setting.packNpmRelationList!) {
    const pkgFile = path.join(project, rel.packageJsonPath);
    const deps = Object.keys((JSON.parse(readFileSync(pkgFile, 'utf8')) as { dependencies?: object }).dependencies || {});
    for (const dep of deps) {
      const from = path.join(path.dirname(pkgFile), 'node_modules', dep);
      const meta = JSON.parse(readFileSync(path.join(from, 'package.json'), 'utf8')) as { miniprogram?: string };
      const to = path.join(project, rel.miniprogramNpmDistDir, 'miniprogram_npm', dep);
      rmSync(to, { recursive: true, force: true });
      cpSync(path.join(from, meta.miniprogram || 'miniprogram_dist'), to, { recursive: true });
      built.push(path.relative(project, to));
    }
  }
  return built;
}

/**
 * The mini-program's `require`: relative paths inside the root, and a bare package name resolved to
 * miniprogram_npm/<name>/index.js, the nearest one up from the requiring file
 * (devtools/npm.html: "require('packageName')", "默认寻找包名下的 index.js").
 */
function miniprogramModules(root: string, overrides: Record<string, object>): (rel: string) => unknown {
  const cache = new Map<string, { exports: unknown }>();
  const load = (rel: string): unknown => {
    const hit = cache.get(rel);
    if (hit) return hit.exports;
    const file = path.join(root, rel);
    const module = { exports: {} as unknown };
    cache.set(rel, module);
    const fn = vm.compileFunction(readFileSync(file, 'utf8'), ['require', 'module', 'exports'], { filename: file });
    fn((spec: string) => load(resolve(path.posix.dirname(rel), spec)), module, module.exports);
    if (overrides[rel]) module.exports = { ...(module.exports as object), ...overrides[rel] };
    return module.exports;
  };
  const resolve = (dir: string, spec: string): string => {
    if (spec.startsWith('.')) {
      const rel = path.posix.normalize(path.posix.join(dir, spec));
      return rel.endsWith('.js') ? rel : rel + '.js';
    }
    for (let d = dir; ; d = path.posix.dirname(d)) {
      const candidate = path.posix.join(d === '.' ? '' : d, 'miniprogram_npm', spec, spec.includes('/') ? '' : 'index.js');
      const rel = candidate.endsWith('.js') ? candidate : candidate.replace(/\/$/, '') + '.js';
      if (existsSync(path.join(root, rel))) return rel;
      if (d === '.' || d === '') throw new Error(`require("${spec}"): not in any miniprogram_npm (run Build npm)`);
    }
  };
  return load;
}
