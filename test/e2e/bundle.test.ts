/**
 * The minified mini-program build (what DevTools copies into miniprogram_npm) runs in the simulator:
 * built here with the same settings as `npm run build`, so property mangling or minifier settings
 * that break the SDK fail the suite.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { rollup } from 'rollup';
import typescript from '@rollup/plugin-typescript';
import { minify } from 'terser';
import { constToLet, TERSER } from '../../scripts/minify.mjs';
import { createRuntime, disposeAllRuntimes, mp } from '../sim';
import { useFakeClock, type FakeClock } from '../support/clock';
import { startCollector, type Collector } from '../support/collector';
import type { Wetrack } from '../../src/index';

let file = '';
beforeAll(async () => {
  const bundle = await rollup({
    input: 'src/index.ts',
    plugins: [typescript({ tsconfig: './tsconfig.json', declaration: false, declarationDir: undefined, outDir: undefined })],
  });
  const { output } = await bundle.generate({ format: 'cjs', exports: 'named' });
  await bundle.close();
  const code = (await minify(constToLet(output[0].code), TERSER)).code!;
  mkdirSync('.tmp/bundle-test', { recursive: true });
  file = `${process.cwd()}/.tmp/bundle-test/index.js`;
  writeFileSync(file, code);
}, 60_000);

let clock: FakeClock;
let collector: Collector;

describe('minified bundle', () => {
  it('tracks, auto-captures and delivers in the simulator', async () => {
    clock = useFakeClock();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    collector = await startCollector();
    try {
      const rt = createRuntime({ appConfig: { pages: ['pages/home/index', 'pages/product/index'] }, printErrors: false, suspendAfterHideMs: null });
      const proc = rt.start();
      const require = createRequire(import.meta.url);
      delete require.cache[file];
      const wetrack = (require(file) as { default: Wetrack }).default;
      wetrack.init({ serverUrl: collector.url, batchSize: 5 });
      wetrack.identify('u-1');
      wetrack.register({ plan: 'gold' });
      wetrack.setUserProperties({ city: 'SZ' }, { once: true });
      proc.definePage('pages/home/index', () => mp.Page({ onBuy() {} }));
      proc.definePage('pages/product/index', () => mp.Page({}));
      proc.launch();
      const home = proc.currentPage() as unknown as { onBuy(e: unknown): void };
      home.onBuy({ type: 'tap', timeStamp: 5, target: { id: 'b', dataset: {} }, currentTarget: { id: 'b', dataset: {} }, changedTouches: [{}] });
      // Public names and wire fields survive property mangling: the explicit Behavior wrapper, $tab_tap's text.
      const go = () => {};
      expect((wetrack.behavior({ methods: { go } }) as { methods: { go: unknown } }).methods.go).not.toBe(go);
      (home as unknown as { onTabItemTap(item: unknown): void }).onTabItemTap({ index: 1, pagePath: 'pages/product/index', text: 'Shop' });
      await proc.navigateTo('/pages/product/index');
      wetrack.track('add_to_cart', { sku: 'VG-3', phone: '13812345678', password: 'x', when: new Date(0), big: 10n ** 3n });
      proc.hide();
      await clock.runUntil(() => collector.events().length >= 11, { label: 'bundle delivered' });
      const names = collector.events().map((e) => e.name);
      expect(names).toEqual(['$app_launch', '$set_once', '$app_show', '$page_view', '$tab_tap', '$tap', '$page_leave', '$page_view', 'add_to_cart', '$page_leave', '$app_hide']);
      expect(collector.events().find((e) => e.name === '$tab_tap')!.properties).toEqual({ plan: 'gold', index: 1, pagePath: 'pages/product/index', text: 'Shop' });
      const cart = collector.events().find((e) => e.name === 'add_to_cart')!;
      expect(cart).toMatchObject({ userId: 'u-1', page: 'pages/product/index', properties: { plan: 'gold', sku: 'VG-3', phone: '[phone]', password: '***', when: '1970-01-01T00:00:00.000Z', big: '1000' } });
      expect((collector.batches[0] as { context: Record<string, unknown> }).context).toMatchObject({ lib: 'wetrack', appId: rt.appId });
      expect(rt.storage.keys().some((k) => k === 'wt_q' )).toBe(true);
    } finally {
      disposeAllRuntimes();
      await collector.close();
      clock.restore();
      vi.restoreAllMocks();
    }
  });
});
