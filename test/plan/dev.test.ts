/**
 * The tracking plan checked on the phone in development (`wetrack/plan`), in the simulator: the
 * example shop's real pages, the SDK's mini-program build (miniprogram_npm/wetrack/index.js) and the
 * development entry's build (plan.js), both minified as `npm run build` makes them, so the entry
 * cannot depend on anything the main bundle's property mangling renames. The plan given here
 * disagrees with the app on purpose: the warnings name the event and the field, once each; a
 * release build says nothing (unless asked); the events themselves are never changed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TrackingPlanFile } from '../../src/plan/shape';
import { buildMiniprogramBundle } from '../qa/build';
import { SCREEN_ROWS, settle, ExampleApp, type AppProcess } from '../qa/miniapp';
import { installClock, type VirtualClock } from '../qa/time';
import { createRuntime, disposeAllRuntimes } from '../sim';

const ROOT = path.resolve(__dirname, '../..');
const APP = path.join(ROOT, 'example-miniprogram/miniprogram');
const EXAMPLE: TrackingPlanFile = JSON.parse(readFileSync(path.join(ROOT, 'example-miniprogram/tracking-plan.json'), 'utf8'));

/** The example's plan, wrong about the app in five ways. */
function wrongPlan(): TrackingPlanFile {
  const p = structuredClone(EXAMPLE);
  delete p.events.add_to_cart; // an event the app tracks, not in the plan
  p.events.view_product!.properties!.price!.type = 'integer'; // prices are 12.9, 45.4…
  p.events.view_product!.properties!.sku = { type: 'string', required: true }; // never sent
  delete p.slots!['home.rec.*']; // slots the home page marks, not in the plan
  p.slots!['home.banner.*']!.page = 'pages/category/index'; // on another page than planned
  return p;
}

let sdk: string;
let planModule: { checkPlan(plan: TrackingPlanFile, options?: { debug?: boolean }): unknown; checkEvent(plan: TrackingPlanFile, e: unknown): unknown[] };
let planFile: string;
beforeAll(async () => {
  sdk = await buildMiniprogramBundle();
  const { buildPlanBundle } = await import('./build');
  planFile = await buildPlanBundle();
  planModule = createRequire(__filename)(planFile);
}, 60_000);

afterEach(() => {
  disposeAllRuntimes();
  vi.restoreAllMocks();
});

interface Run {
  warnings: string[];
  tracked: { name: string; properties: Record<string, unknown> }[];
}

/**
 * One session: home (banner 1 and two recommendations in view long enough to count), a tap on the
 * first recommendation, the product page, add to cart, back home and the same slots again.
 */
async function session(envVersion: 'develop' | 'trial' | 'release', plugin?: unknown): Promise<Run> {
  const warnings: string[] = [];
  const spy = vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void warnings.push(a.map(String).join(' ')));
  const clock: VirtualClock = installClock();
  try {
    return await play(clock, envVersion, plugin, warnings);
  } finally {
    clock.uninstall();
    disposeAllRuntimes();
    spy.mockRestore();
  }
}

async function play(clock: VirtualClock, envVersion: 'develop' | 'trial' | 'release', plugin: unknown, warnings: string[]): Promise<Run> {
  const app = new ExampleApp(APP, sdk, { serverUrl: 'http://127.0.0.1:9/v1/batch' });
  const rt = createRuntime({ appConfig: app.appConfig, appId: 'wx5e7c0a1d2b3c4d5e', account: { envVersion, version: '1.0.0' }, printErrors: true });
  rt.network.set(false); // nothing to deliver to: events wait on the phone
  const tracked: Run['tracked'] = [];
  let ap!: AppProcess;
  app.boot(rt, {
    beforeApp: (p) => {
      ap = p;
      p.wetrack.use({ name: 'record', type: 'destination', execute: (e: Run['tracked'][number]) => void tracked.push({ name: e.name, properties: JSON.parse(JSON.stringify(e.properties)) }) });
      if (plugin) p.wetrack.use(plugin);
    },
  });
  await settle();
  await clock.advance(1500);
  expect(ap.viewport().top).toBe(0);
  expect([...ap.viewport().ratios()].filter(([, r]) => r.ratio === 1).map(([s]) => s)).toEqual(['home.banner.1', 'home.rec.1', 'home.rec.2'].slice(0, SCREEN_ROWS));
  await ap.tap(ap.one((e) => e.dataset.wtSlot === 'home.rec.1', 'home.rec.1'));
  await settle();
  expect(ap.route()).toBe('pages/product/index');
  await clock.advance(500);
  await ap.tap(ap.one((e) => e.events.tap?.handler === 'onAddToCart', 'add to cart'));
  await clock.advance(500);
  await ap.proc.navigateBack();
  await settle();
  await clock.advance(1500);
  return { warnings: warnings.filter((w) => w.includes(': plan: ')), tracked };
}

describe('development-mode validation (wetrack/plan) in the simulator', () => {
  it('warns at the event about an unknown event, a missing or wrong-typed property, an unknown slot and a slot on another page, once each', async () => {
    const { warnings, tracked } = await session('develop', planModule.checkPlan(wrongPlan()));
    const price = tracked.find((e) => e.name === 'view_product')!.properties.price;
    expect(typeof price === 'number' && !Number.isInteger(price)).toBe(true);
    expect([...warnings].sort()).toEqual(
      [
        '[wetrack] $exposure: plan: page slot home.banner.1 is planned on pages/category/index, seen on pages/home/index',
        '[wetrack] $exposure: plan: properties.slot slot "home.rec.1" is not in the plan',
        '[wetrack] $exposure: plan: properties.slot slot "home.rec.2" is not in the plan',
        '[wetrack] $tap: plan: properties.slot slot "home.rec.1" is not in the plan',
        `[wetrack] track("view_product"): plan: properties.price must be integer, got ${price}`,
        '[wetrack] track("view_product"): plan: properties.sku is required by the plan, missing',
        '[wetrack] track("add_to_cart"): plan: name "add_to_cart" is not in the plan',
      ].sort(),
    );
    // The second visit's exposures of the same slots said nothing new.
    expect(tracked.filter((e) => e.name === '$exposure' && e.properties.slot === 'home.rec.1')).toHaveLength(2);
  });

  it('says nothing when the app matches the plan', async () => {
    const { warnings } = await session('develop', planModule.checkPlan(EXAMPLE));
    expect(warnings).toEqual([]);
  });

  it('checks trial builds too; release builds stay silent unless { debug: true }', async () => {
    expect((await session('trial', planModule.checkPlan(wrongPlan()))).warnings).toHaveLength(7);
    expect((await session('release', planModule.checkPlan(wrongPlan()))).warnings).toEqual([]);
    expect((await session('release', planModule.checkPlan(wrongPlan(), { debug: true }))).warnings).toHaveLength(7);
  });

  it('never changes an event: the same events and properties with and without the check', async () => {
    const without = await session('develop');
    const withCheck = await session('develop', planModule.checkPlan(wrongPlan()));
    const strip = (r: Run) => r.tracked.map((e) => ({ name: e.name, properties: { ...e.properties, dwell_ms: undefined, duration_ms: undefined } }));
    expect(strip(withCheck)).toEqual(strip(without));
    expect(without.tracked.map((e) => e.name)).toContain('add_to_cart');
  });

  it('a value that is not a plan checks nothing and lets the events through (its one warning: test/plan/plugin.test.ts)', async () => {
    const { warnings, tracked } = await session('develop', planModule.checkPlan({} as TrackingPlanFile));
    expect(warnings).toEqual([]);
    expect(tracked.map((e) => e.name)).toContain('view_product');
  });

  it('runs where code cannot be made at run time, as in WeChat (no eval, no new Function)', () => {
    // WeChat: "不支持使用 eval 执行 JS 代码 / 不支持使用 new Function 创建函数"
    // (developers.weixin.qq.com/miniprogram/dev/framework/runtime/js-support.html): a JSON Schema
    // compiler could not run there. codeGeneration.strings: false makes V8 refuse both the same way.
    const module = { exports: {} as typeof planModule };
    const context = vm.createContext({ module, exports: module.exports, console }, { codeGeneration: { strings: false, wasm: false } });
    expect(() => vm.runInContext('new Function("return 1")()', context)).toThrow(/Code generation from strings disallowed/);
    vm.runInContext(readFileSync(planFile, 'utf8'), context);
    const v = module.exports.checkEvent(wrongPlan(), { name: 'view_product', page: 'pages/product/index', properties: { product_code: 'VG-1', price: 12.9, category: 'assets' } });
    expect(JSON.parse(JSON.stringify(v))).toEqual([
      { field: 'properties.sku', rule: 'required', message: 'is required by the plan, missing' },
      { field: 'properties.product_code', rule: 'pattern', message: 'must match ^VG-[0-9]{3}$, got "VG-1"' },
      { field: 'properties.price', rule: 'type', message: 'must be integer, got 12.9' },
    ]);
  });
});
