import { describe, expect, it } from 'vitest';
import { addAutocapture } from '../../src/autocapture/index';
import { createWxPlatform } from '../../src/platform/wx';
import { createTrackerWith } from '../../src/tracker';
import { createRuntime, disposeAllRuntimes, mp, type SimProcess } from '../sim';
import { useSimSuite } from '../support/suite';
import { startApp, type Recorded } from './harness';

const suite = useSimSuite();

type Wrap = <T>(o: T) => T;
const same: Wrap = (o) => o;

/** A WeChat tap event as the framework builds it for a handler. */
function tapEvent(id: string, dataset: Record<string, unknown>, timeStamp: number) {
  const el = { id, dataset, offsetLeft: 0, offsetTop: 0 };
  return { type: 'tap', timeStamp, target: el, currentTarget: el, detail: { x: 10, y: 20 }, touches: [], changedTouches: [{ identifier: 0, pageX: 10, pageY: 20, clientX: 10, clientY: 20 }], mark: {} };
}

/** The same shop pages, registered through whatever wrappers the mode needs. */
function defineShop(proc: SimProcess, page: Wrap, component: Wrap, log: string[]) {
  proc.definePage('pages/home/index', () =>
    mp.Page(
      page({
        onShow() {
          log.push('home show');
        },
        onBanner(this: { route: string }, e: unknown) {
          log.push('banner ' + this.route);
          return 'banner-ret';
        },
        onShareAppMessage: () => ({ title: 'home' }),
      }),
    ),
  );
  proc.definePage('pages/category/index', () => mp.Page(page({ onTabItemTap() {} })));
  // A page built with Component, as uni-app and native component-pages are.
  proc.definePage('pages/product/index', () =>
    mp.Component(
      component({
        data: {},
        methods: {
          onLoad(q: unknown) {
            log.push('product load ' + JSON.stringify(q));
          },
          onBuy() {
            log.push('buy');
          },
        },
      }),
    ),
  );
}

async function scriptedSession(proc: SimProcess) {
  proc.launch();
  const home = proc.currentPage() as unknown as { onBanner(e: unknown): unknown };
  expect(home.onBanner(tapEvent('banner', { wtSlot: 'home.banner.1', pos: 1 }, 1000))).toBe('banner-ret');
  await suite.clock.advance(1200);
  await proc.navigateTo('/pages/product/index?sku=VG-3');
  const product = proc.currentPage() as unknown as { onBuy(e: unknown): void };
  product.onBuy(tapEvent('buy', { sku: 'VG-3' }, 2000));
  await suite.clock.advance(300);
  await proc.navigateBack();
  await proc.share('menu');
  await proc.tapTab(1);
  proc.hide();
  proc.show();
}

const shape = (events: Recorded[]) => events.map((e) => ({ name: e.name, properties: e.properties, page: e.page }));

describe('explicit wrappers', () => {
  it('give the same events as global patching on the same app', async () => {
    const patchedLog: string[] = [];
    const patched = startApp();
    defineShop(patched.proc, same, same, patchedLog);
    await scriptedSession(patched.proc);
    disposeAllRuntimes();

    const explicitLog: string[] = [];
    const explicit = startApp({ autocapture: { patchGlobals: false } });
    expect((globalThis as unknown as { Page: { __wt?: 1 } }).Page.__wt).toBeUndefined();
    defineShop(explicit.proc, explicit.tracker.page, explicit.tracker.component, explicitLog);
    await scriptedSession(explicit.proc);

    expect(shape(explicit.events)).toEqual(shape(patched.events));
    expect(explicitLog).toEqual(patchedLog);
    expect(patched.events.map((e) => e.name + ' ' + (e.properties.path ?? ''))).toEqual([
      '$app_launch pages/home/index',
      '$app_show pages/home/index',
      '$page_view pages/home/index',
      '$tap pages/home/index',
      '$page_leave pages/home/index',
      '$page_view pages/product/index',
      '$tap pages/product/index',
      '$page_leave pages/product/index',
      '$page_view pages/home/index',
      '$share pages/home/index',
      '$page_leave pages/home/index',
      '$page_view pages/category/index',
      '$tab_tap ',
      '$page_leave pages/category/index',
      '$app_hide pages/category/index',
      '$app_show pages/category/index',
      '$page_view pages/category/index',
    ]);
    const taps = patched.events.filter((e) => e.name === '$tap');
    expect(taps[0].properties).toEqual({ path: 'pages/home/index', type: 'tap', handler: 'onBanner', element_id: 'banner', dataset: { wtSlot: 'home.banner.1', pos: 1 }, slot: 'home.banner.1' });
    expect(taps[1].properties).toMatchObject({ path: 'pages/product/index', handler: 'onBuy', element_id: 'buy', dataset: { sku: 'VG-3' } });
  });

  it('wrapping twice (explicit wrapper under a patched global, or wrapping a wrapped object) adds nothing', async () => {
    const log: string[] = [];
    const { proc, events, tracker } = startApp();
    const twice: Wrap = (o) => tracker.page(tracker.page(o));
    const twiceC: Wrap = (o) => tracker.component(tracker.component(o));
    defineShop(proc, twice, twiceC, log);
    await scriptedSession(proc);
    expect(events.filter((e) => e.name === '$tap')).toHaveLength(2);
    expect(events.filter((e) => e.name === '$page_view')).toHaveLength(5);
  });
});

describe('coexistence', () => {
  it('another SDK that wraps Page before and after us keeps working, and so do we', async () => {
    const other: string[] = [];
    const s = startAppWithOtherSdk(other);
    const log: string[] = [];
    defineShop(s.proc, same, same, log);
    await scriptedSession(s.proc);
    expect(s.events.filter((e) => e.name === '$page_view')).toHaveLength(5);
    expect(s.events.filter((e) => e.name === '$tap')).toHaveLength(2);
    expect(other.filter((x) => x === 'before:onShow').length).toBeGreaterThan(0);
    expect(other.filter((x) => x === 'after:onShow').length).toBe(other.filter((x) => x === 'before:onShow').length);
  });

  it('a second init, or a second copy of the SDK with auto-capture, doubles nothing', async () => {
    const log: string[] = [];
    const { proc, events, tracker } = startApp();
    tracker.init({ serverUrl: 'http://127.0.0.1:9/again' });
    const copy = addAutocapture(createTrackerWith(createWxPlatform));
    const copyEvents: string[] = [];
    copy.use({ name: 'r', type: 'destination', execute: (e) => void copyEvents.push(e.name) });
    copy.init({ serverUrl: 'http://127.0.0.1:9/copy', name: 'copy' });
    defineShop(proc, same, same, log);
    await scriptedSession(proc);
    expect(events.filter((e) => e.name === '$tap')).toHaveLength(2);
    expect(events.filter((e) => e.name === '$page_view')).toHaveLength(5);
    expect(copyEvents.filter((n) => n === '$page_view' || n === '$tap')).toEqual([]);
  });

  it('where replacing Page is forbidden, init warns with the way out and keeps working', async () => {
    const s = startAppForbiddingGlobals();
    expect(s.warnings.some((w) => w.includes('cannot replace global Page') && w.includes('patchGlobals'))).toBe(true);
    s.proc.launch();
    expect(s.events.map((e) => e.name)).toEqual(['$app_launch', '$app_show']);
  });
});

function startAppWithOtherSdk(other: string[]) {
  // The other SDK wraps Page first (like an SDK required before us) ...
  const rt = createRuntime({ appConfig: { pages: ['pages/home/index', 'pages/product/index', 'pages/category/index'], tabBar: { list: [{ pagePath: 'pages/home/index', text: 'Home' }, { pagePath: 'pages/category/index', text: 'Category' }] } }, printErrors: false, suspendAfterHideMs: null });
  const proc = rt.start();
  const g = globalThis as unknown as { Page: (o: Record<string, unknown>) => unknown };
  const wrapOther = (tag: string) => {
    const prev = g.Page;
    g.Page = (o: Record<string, unknown>) => {
      const show = o.onShow as ((this: unknown) => void) | undefined;
      return prev({ ...o, onShow(this: unknown) { other.push(tag + ':onShow'); return show && show.call(this); } });
    };
  };
  wrapOther('before');
  const tracker = addAutocapture(createTrackerWith(createWxPlatform));
  const events: Recorded[] = [];
  tracker.use({ name: 'r', type: 'destination', execute: (e) => void events.push({ name: e.name, properties: e.properties, time: e.time, page: e.page }) });
  tracker.init({ serverUrl: 'http://127.0.0.1:9/c' });
  // ... and another wraps it after us.
  wrapOther('after');
  return { rt, proc, events };
}

function startAppForbiddingGlobals() {
  const rt = createRuntime({ printErrors: false, suspendAfterHideMs: null });
  const proc = rt.start();
  // As in an app that uses plugins: assigning the global throws.
  for (const name of ['Page', 'Component', 'Behavior']) {
    const value = (globalThis as unknown as Record<string, unknown>)[name];
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get: () => value,
      set: () => {
        throw new Error(`modification of global variable "${name}" is not allowed when using plugins at app.json`);
      },
    });
  }
  const warnings: string[] = [];
  (console.warn as unknown as { mockImplementation(f: (m: string) => void): void }).mockImplementation((m: string) => void warnings.push(m));
  const tracker = addAutocapture(createTrackerWith(createWxPlatform));
  const events: Recorded[] = [];
  tracker.use({ name: 'r', type: 'destination', execute: (e) => void events.push({ name: e.name, properties: e.properties, time: e.time, page: e.page }) });
  tracker.init({ serverUrl: 'http://127.0.0.1:9/c' });
  return { rt, proc, events, warnings };
}
