/**
 * Independent subpackages (issue 9, point 6). A launch into one runs no app.js, and the subpackage
 * cannot require the main package's files, so it carries its own copy of wetrack (test/sim/subpackages.ts).
 * Each copy here is a fresh evaluation of the package's source, as WeChat evaluates each copy's file:
 * two module instances with their own state, meeting only through `wx`.
 */
import { describe, expect, it, vi } from 'vitest';
import { createRuntime, mp, type RuntimeOptions, type SimProcess } from '../sim';
import { useSimSuite } from '../support/suite';
import { startCollector, type Collector } from '../support/collector';

type Copy = typeof import('../../src/index');

let collector: Collector | undefined;
const suite = useSimSuite(async () => {
  await collector?.close();
  collector = undefined;
});

/** A fresh copy of the package (another miniprogram_npm, or a file copied into the subpackage). */
async function copy(): Promise<Copy> {
  vi.resetModules();
  return import('../../src/index');
}

const HOME = 'pages/home/index';
const COUPON = 'ind/pages/coupon/index';
const appConfig = { pages: [HOME], subpackages: [{ root: 'ind', pages: ['pages/coupon/index'], independent: true }] };

const tap = (id: string, t: number) => {
  const el = { id, dataset: {}, offsetLeft: 0, offsetTop: 0 };
  return { type: 'tap', timeStamp: t, target: el, currentTarget: el, detail: { x: 1, y: 1 }, touches: [], changedTouches: [{ identifier: 0 }], mark: {} };
};

interface Shop {
  p: SimProcess;
  /** the main package's copy (app.js) and the subpackage's copy */
  main: Copy;
  sub: Copy;
  /** the host app's own log: App lifecycles and handlers */
  log: string[];
  names(): string[];
  /** the app goes to the background, and everything queued is delivered */
  hideAndDeliver(count: number): Promise<Record<string, unknown>[]>;
}

/**
 * The shop with an independent coupon subpackage. app.js inits the main copy; the subpackage's
 * entry module (ind/track.js) inits the subpackage's copy with the same options, unless `subInit` is false.
 */
async function shop(entry: string, o: { independent?: RuntimeOptions['independent']; subInit?: boolean; patchGlobals?: boolean } = {}): Promise<Shop> {
  collector = await startCollector();
  const c = collector;
  const rt = createRuntime({ appConfig, printErrors: false, suspendAfterHideMs: null, independent: o.independent });
  const p = rt.start({ path: entry });
  const main = await copy();
  const sub = await copy();
  const options = { serverUrl: c.url, batchSize: 1000, flushIntervalMs: 3_600_000, autocapture: { patchGlobals: o.patchGlobals ?? true } };
  const log: string[] = [];
  const explicit = o.patchGlobals === false;
  let subStarted = false;
  const subTrack = () => {
    if (o.subInit !== false && !subStarted) (subStarted = true), sub.default.init(options);
    return sub.default;
  };
  p.defineApp(() => {
    main.default.init(options);
    mp.App({ onLaunch: () => void log.push('App.onLaunch'), onShow: () => void log.push('App.onShow') });
  });
  p.definePage(COUPON, () => {
    const w = subTrack();
    const page = {
      onGet() {
        log.push('get');
        w.track('get_coupon', { coupon: 'C1' });
        return 'got';
      },
    };
    mp.Page(explicit ? w.page(page) : page);
  });
  p.definePage(HOME, () => {
    const page = {
      onBuy() {
        log.push('buy');
        main.default.track('buy', { sku: 'VG-3' });
      },
    };
    mp.Page(explicit ? main.default.page(page) : page);
  });
  return {
    p,
    main,
    sub,
    log,
    names: () => c.events().map((e) => e.name as string),
    async hideAndDeliver(count: number) {
      p.hide();
      await suite.clock.runUntil(() => c.events().length >= count, { label: count + ' events delivered' });
      // Nothing more arrives: no second tracker with its own queue.
      await suite.clock.advance(10_000);
      return c.events();
    },
  };
}

/** One tracker's events: seq 1…n without gaps, one install, one session, each id once. */
function oneTracker(events: Record<string, unknown>[]) {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(new Set(events.map((e) => e.anonymousId)).size).toBe(1);
  expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
}

const page = (p: SimProcess) => p.currentPage() as unknown as { onGet(e: unknown): unknown; onBuy(e: unknown): void };

describe('independent subpackages: each package carries its own copy of wetrack', () => {
  // Where WeChat's docs are silent (the launch show reaching the subpackage's listeners, and the late
  // first App.onShow reaching them when the main package is entered), every combination is tried.
  for (const entryFileFirst of [false, true])
    for (const deferredShowListeners of [false, true])
      it(`a launch into the subpackage, then the main package: one tracker, nothing twice (entry file ${entryFileFirst ? 'before' : 'after'} the launch show, late show ${deferredShowListeners ? 'to' : 'not to'} listeners)`, async () => {
        const s = await shop(COUPON, { independent: { entryFileFirst, deferredShowListeners } });
        s.p.launch();
        await suite.clock.advance(1000);
        expect(page(s.p).onGet(tap('get', 1))).toBe('got');
        await suite.clock.advance(1000);
        await s.p.navigateTo('/' + HOME);
        page(s.p).onBuy(tap('buy', 2));
        await suite.clock.advance(1000);
        const showAtLaunch = entryFileFirst ? ['$app_show'] : [];
        // The first App.onShow comes late: reported once, and only if no show was reported yet.
        const showAtMain = !entryFileFirst && deferredShowListeners ? ['$app_show'] : [];
        const expected = ['$app_launch', ...showAtLaunch, '$page_view', 'get_coupon', '$tap', ...showAtMain, '$page_leave', '$page_view', 'buy', '$tap', '$page_leave', '$app_hide'];
        const events = await s.hideAndDeliver(expected.length);
        expect(s.names()).toEqual(expected);
        oneTracker(events);
        expect(events.filter((e) => /page_/.test(e.name as string)).map((e) => e.name + ' ' + (e.properties as { path: string }).path)).toEqual([
          '$page_view ' + COUPON,
          '$page_leave ' + COUPON,
          '$page_view ' + HOME,
          '$page_leave ' + HOME,
        ]);
        expect(events[0].properties).toMatchObject({ path: COUPON, is_first_launch: true });
        // The host's App ran its lifecycles once each, when the main package was entered; its handlers returned as always.
        expect(s.log).toEqual(['get', 'App.onLaunch', 'App.onShow', 'buy']);
        // The main package's copy is the subpackage's tracker now.
        expect(s.main.default.getAnonymousId()).toBe(events[0].anonymousId);
      });

  it('a launch into the main package, then the subpackage, whose copy inits again: it joins the running tracker', async () => {
    const s = await shop(HOME);
    s.p.launch();
    page(s.p).onBuy(tap('buy', 1));
    await suite.clock.advance(1000);
    await s.p.navigateTo('/' + COUPON);
    page(s.p).onGet(tap('get', 2));
    await suite.clock.advance(1000);
    await s.p.navigateBack();
    const expected = ['$app_launch', '$app_show', '$page_view', 'buy', '$tap', '$page_leave', '$page_view', 'get_coupon', '$tap', '$page_leave', '$page_view', '$page_leave', '$app_hide'];
    const events = await s.hideAndDeliver(expected.length);
    expect(s.names()).toEqual(expected);
    oneTracker(events);
    expect(s.sub.default.getAnonymousId()).toBe(events[0].anonymousId);
  });

  it("a subpackage that never calls init: its calls wait for the main package's tracker and arrive with their own time", async () => {
    const s = await shop(COUPON, { subInit: false });
    s.p.launch();
    await suite.clock.advance(1000);
    const calledAt = Date.now();
    page(s.p).onGet(tap('get', 1));
    await suite.clock.advance(5000);
    await s.p.navigateTo('/' + HOME);
    page(s.p).onBuy(tap('buy', 2));
    await suite.clock.advance(1000);
    // Nothing is captured in the subpackage before a tracker runs (its page was registered unwrapped).
    const expected = ['$app_launch', 'get_coupon', '$page_view', 'buy', '$tap', '$page_leave', '$app_hide'];
    const events = await s.hideAndDeliver(expected.length);
    expect(s.names()).toEqual(expected);
    oneTracker(events);
    expect(events[1]).toMatchObject({ name: 'get_coupon', time: calledAt, properties: { coupon: 'C1' } });
    expect(events[0].time).toBe(calledAt + 5000);
  });

  it('a subpackage that never calls init, entered from the main package: its calls go straight to the running tracker', async () => {
    const s = await shop(HOME, { subInit: false });
    s.p.launch();
    await s.p.navigateTo('/' + COUPON);
    page(s.p).onGet(tap('get', 1));
    await suite.clock.advance(1000);
    const expected = ['$app_launch', '$app_show', '$page_view', '$page_leave', '$page_view', 'get_coupon', '$tap', '$page_leave', '$app_hide'];
    const events = await s.hideAndDeliver(expected.length);
    expect(s.names()).toEqual(expected);
    oneTracker(events);
  });

  it('explicit wrappers and methods kept before init reach the one tracker as well', async () => {
    const s = await shop(COUPON, { patchGlobals: false });
    s.p.defineApp(() => {
      const kept = s.main.default.track;
      s.main.default.init({ serverUrl: collector!.url, batchSize: 1000, flushIntervalMs: 3_600_000, autocapture: { patchGlobals: false } });
      kept('from_kept_method');
      mp.App({});
    });
    s.p.launch();
    page(s.p).onGet(tap('get', 1));
    await s.p.navigateTo('/' + HOME);
    page(s.p).onBuy(tap('buy', 2));
    await suite.clock.advance(1000);
    const expected = ['$app_launch', '$page_view', 'get_coupon', '$tap', 'from_kept_method', '$page_leave', '$page_view', 'buy', '$tap', '$page_leave', '$app_hide'];
    const events = await s.hideAndDeliver(expected.length);
    expect(s.names()).toEqual(expected);
    oneTracker(events);
  });

  it("a tracker made with createTracker() is the app's own: never joined to the default one, its calls wait for its own init", async () => {
    const s = await shop(HOME);
    s.p.launch();
    const second = s.sub.createTracker();
    second.track('second_collector_event');
    await suite.clock.advance(1000);
    second.init({ serverUrl: collector!.url, name: 'second', autocapture: false, exposure: false });
    await second.flush();
    const expected = ['$app_launch', '$app_show', '$page_view', 'second_collector_event', '$page_leave', '$app_hide'];
    await suite.clock.runUntil(() => s.names().includes('second_collector_event'), { label: 'second tracker delivered' });
    const events = await s.hideAndDeliver(expected.length);
    const own = events.filter((e) => e.name === 'second_collector_event');
    expect(own).toHaveLength(1);
    expect(own[0].anonymousId).not.toBe(s.main.default.getAnonymousId());
    expect(own[0].seq).toBe(1);
    oneTracker(events.filter((e) => e.name !== 'second_collector_event'));
  });
});
