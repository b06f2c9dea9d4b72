/**
 * Edges of the capture recorders (src/autocapture/capture.ts) that the scenario suites pass by:
 * how a tap event is told to be a finger's, when two handler calls are one gesture, Taro's
 * generated element ids, string entries of excludePages, and what a failing listener leaves
 * behind. Handlers are called with WeChat-shaped events on pages of the simulator, on a fake clock.
 */
import { describe, expect, it, vi } from 'vitest';
import { createCapture } from '../../src/autocapture/capture';
import { addAutocapture } from '../../src/autocapture/index';
import type { AutocaptureOptions } from '../../src/autocapture/options';
import { createWxPlatform } from '../../src/platform/wx';
import { createTrackerWith } from '../../src/tracker';
import { createRuntime, mp, type Runtime, type SimProcess } from '../sim';
import { forbidGlobalReplacement } from '../sim/plugins';
import { useSimSuite } from '../support/suite';
import { APP_CONFIG, type Recorded } from './harness';

const suite = useSimSuite();

type Handler = (e: unknown) => unknown;
type Dataset = Record<string, unknown>;
type Methods = Record<string, Handler>;

/**
 * An app with auto-capture (explicit wrappers, globals untouched), every accepted event recorded;
 * `listen` registers extra capture listeners, as the exposure module does with its own.
 */
function boot(autocapture: AutocaptureOptions = {}, listen?: (cap: ReturnType<typeof createCapture>) => void, start?: Parameters<Runtime['start']>[0], beforeInit?: () => void) {
  const rt = createRuntime({ appConfig: APP_CONFIG, printErrors: false, suspendAfterHideMs: null });
  const proc: SimProcess = rt.start(start);
  beforeInit?.();
  const base = createTrackerWith(createWxPlatform);
  const cap = createCapture(base);
  listen?.(cap);
  const tracker = addAutocapture(base, cap);
  const events: Recorded[] = [];
  tracker.use({ name: 'recorder', type: 'destination', execute: (e) => void events.push({ name: e.name, properties: e.properties, time: e.time, page: e.page }) });
  tracker.init({ serverUrl: 'http://127.0.0.1:9/collect', autocapture: { patchGlobals: false, app: false, pageLeave: false, ...autocapture }, flushIntervalMs: 3_600_000, batchSize: 10_000 });
  return { proc, tracker, events, taps: () => events.filter((e) => e.name == '$tap').map((e) => e.properties) };
}

/** Registers `pages/home/index` with these methods (wrapped explicitly), launches, and gives the page. */
function homeWith(sdk: ReturnType<typeof boot>, methods: Methods) {
  sdk.proc.definePage('pages/home/index', () => mp.Page(sdk.tracker.page({ ...methods })));
  sdk.proc.launch();
  return sdk.proc.currentPage() as unknown as Methods;
}

const el = (id: string, dataset: Dataset = {}) => ({ id, dataset, offsetLeft: 0, offsetTop: 0 });
const touch = { identifier: 0, pageX: 10, pageY: 20, clientX: 10, clientY: 20 };
/** A finger's tap as WeChat hands it to a handler (docs, 事件对象 TouchEvent): touches, changedTouches, detail.x/y. */
const fingerTap = (id: string, dataset: Dataset, timeStamp: number) => ({ type: 'tap', timeStamp, target: el(id, dataset), currentTarget: el(id, dataset), detail: { x: 10, y: 20 }, touches: [touch], changedTouches: [touch], mark: {} });
/** A component's triggerEvent('tap', …) as the page's binding on it gets it: no touch lists. */
const customTap = (id: string, dataset: Dataset, timeStamp: number) => ({ type: 'tap', timeStamp, target: el(id, dataset), currentTarget: el(id, dataset), detail: {}, mark: {} });
/** Lets the microtask that writes a gesture's $tap run. */
const settle = () => suite.clock.advance(0);
const HOME = 'pages/home/index';
/** Console warnings other than the two this setup always gives (a plain-http collector, which does not answer). */
const warnings = () => vi.mocked(console.warn).mock.calls.map((c) => c.join(' ')).filter((m) => !/^\[wetrack\] (init: serverUrl http:|collector answered 0)/.test(m));

describe('a native tap is told by either touch list', () => {
  it('an event with changedTouches only is a finger: a component re-emitting it still names the $tap after the app\'s binding', async () => {
    // The SDK's own examples and hand-built events carry changedTouches alone; a finger's event
    // must stay native, so that only the component's custom event counts as the re-emission.
    const sdk = boot();
    const page = homeWith(sdk, { onInner() {}, onHost() {} });
    const inner = { type: 'tap', timeStamp: 700, target: el('lib-inner', { role: 'inner' }), currentTarget: el('lib-inner', { role: 'inner' }), changedTouches: [touch] };
    page.onInner(inner);
    page.onHost(customTap('lb', { sku: 'L1' }, 700));
    await settle();
    expect(sdk.taps()).toEqual([{ path: HOME, type: 'tap', handler: 'onHost', element_id: 'lb', dataset: { sku: 'L1' }, slot: undefined }]);
  });

  it('an event with touches only is a finger as well: two of them 10 ms apart with their own timeStamps are two $taps', async () => {
    const sdk = boot();
    const page = homeWith(sdk, { onA() {}, onB() {} });
    page.onA({ type: 'tap', timeStamp: 100, target: el('a'), currentTarget: el('a'), touches: [touch] });
    await suite.clock.advance(10);
    page.onB({ type: 'tap', timeStamp: 110, target: el('b'), currentTarget: el('b'), touches: [touch] });
    await settle();
    expect(sdk.taps()).toEqual([
      { path: HOME, type: 'tap', handler: 'onA', element_id: 'a', dataset: {}, slot: undefined },
      { path: HOME, type: 'tap', handler: 'onB', element_id: 'b', dataset: {}, slot: undefined },
    ]);
  });
});

describe('one gesture: the same event object, the same type and timeStamp', () => {
  it('the same event object passed on to a second wrapped handler is one $tap, even without a timeStamp', async () => {
    // A handler that calls another handler of the page with its event (re-entry); the event was
    // built by the host's own code, without a timeStamp, so only its identity says "same gesture".
    const sdk = boot();
    const page: Methods = homeWith(sdk, {
      onBuy(this: Methods, e: unknown) {
        this.onTrack(e);
      },
      onTrack() {},
    });
    page.onBuy({ type: 'tap', target: el('buy'), currentTarget: el('buy'), touches: [touch], changedTouches: [touch] });
    await settle();
    expect(sdk.taps()).toEqual([{ path: HOME, type: 'tap', handler: 'onBuy', element_id: 'buy', dataset: {}, slot: undefined }]);
  });

  it('two distinct events without a timeStamp are two gestures: an absent timeStamp matches nothing', async () => {
    const sdk = boot();
    const page = homeWith(sdk, { onA() {}, onB() {} });
    page.onA({ type: 'tap', target: el('a'), currentTarget: el('a'), touches: [touch], changedTouches: [touch] });
    await suite.clock.advance(300);
    page.onB({ type: 'tap', target: el('b'), currentTarget: el('b'), touches: [touch], changedTouches: [touch] });
    await settle();
    expect(sdk.taps()).toEqual([
      { path: HOME, type: 'tap', handler: 'onA', element_id: 'a', dataset: {}, slot: undefined },
      { path: HOME, type: 'tap', handler: 'onB', element_id: 'b', dataset: {}, slot: undefined },
    ]);
  });

  it('bubbling: two handlers with the same type and timeStamp (new event objects) are one $tap, from the first named element', async () => {
    const sdk = boot();
    const page = homeWith(sdk, { onItem() {}, onList() {} });
    page.onItem(fingerTap('item-3', { pos: 3 }, 900));
    page.onList(fingerTap('list', {}, 900));
    await settle();
    expect(sdk.taps()).toEqual([{ path: HOME, type: 'tap', handler: 'onItem', element_id: 'item-3', dataset: { pos: 3 }, slot: undefined }]);
  });
});

describe('the $tap names the first element the developer named: an id, or a data-* with a value', () => {
  /** The event a handler on `current` gets while a finger's tap on `target` bubbles (WeChat: target stays the tapped element). */
  const bubbling = (target: ReturnType<typeof el>, current: ReturnType<typeof el>, timeStamp: number) => ({ ...fingerTap('', {}, timeStamp), target, currentTarget: current });

  it('an icon without id or data inside a card with data-sku inside a list with an id: the card\'s data names the $tap', async () => {
    const sdk = boot();
    const page = homeWith(sdk, { onIcon() {}, onCard() {}, onList() {} });
    const icon = el('', {});
    page.onIcon(bubbling(icon, icon, 300));
    page.onCard(bubbling(icon, el('', { sku: 'VG-3' }), 300));
    page.onList(bubbling(icon, el('list', {}), 300));
    await settle();
    expect(sdk.taps()).toEqual([{ path: HOME, type: 'tap', handler: 'onCard', element_id: undefined, dataset: { sku: 'VG-3' }, slot: undefined }]);
  });

  it('a data-* bound to a missing value (data-sku="{{item.sku}}", no sku) names nothing: the card with a value does', async () => {
    const sdk = boot();
    const page = homeWith(sdk, { onIcon() {}, onCard() {} });
    const icon = el('', { sku: null, pos: undefined });
    page.onIcon(bubbling(icon, icon, 300));
    page.onCard(bubbling(icon, el('', { sku: 'VG-3' }), 300));
    await settle();
    expect(sdk.taps()).toEqual([{ path: HOME, type: 'tap', handler: 'onCard', element_id: undefined, dataset: { sku: 'VG-3', pos: undefined }, slot: undefined }]);
  });
});

describe('a custom tap (no touch lists) joins the last tap for under 50 ms', () => {
  // tdesign's t-button re-emits the user's tap as `tap` in the same dispatch; a custom `tap`
  // that comes 50 ms or more after the last one is a gesture of its own.
  it('49 ms after a finger tap: the same gesture, one $tap', async () => {
    const sdk = boot();
    const page = homeWith(sdk, { onInner() {}, onHost() {} });
    page.onInner(fingerTap('inner', {}, 500));
    await suite.clock.advance(49);
    page.onHost(customTap('btn', { sku: 'S1' }, 549));
    await settle();
    expect(sdk.taps()).toEqual([{ path: HOME, type: 'tap', handler: 'onInner', element_id: 'inner', dataset: {}, slot: undefined }]);
  });

  it('exactly 50 ms after a finger tap: a second $tap', async () => {
    const sdk = boot();
    const page = homeWith(sdk, { onInner() {}, onHost() {} });
    page.onInner(fingerTap('inner', {}, 500));
    await suite.clock.advance(50);
    page.onHost(customTap('btn', { sku: 'S1' }, 550));
    await settle();
    expect(sdk.taps()).toEqual([
      { path: HOME, type: 'tap', handler: 'onInner', element_id: 'inner', dataset: {}, slot: undefined },
      { path: HOME, type: 'tap', handler: 'onHost', element_id: 'btn', dataset: { sku: 'S1' }, slot: undefined },
    ]);
  });
});

describe('Taro 3 (every event to `eh`): generated ids are dropped, the developer\'s kept', () => {
  // Taro gives elements without an id prop a generated one: '_' + capital letters in 3.6
  // ('_AA', '_AB'…), '_n_' + a number in earlier 3.x ('_n_12'). Only the `sid` is in the dataset.
  async function ehTap(id: string) {
    const sdk = boot();
    const page = homeWith(sdk, { eh() {} });
    page.eh(fingerTap(id, { sid: id }, 1_000));
    await settle();
    return sdk.taps();
  }
  const noId = { path: HOME, type: 'tap', handler: undefined, element_id: undefined, dataset: {}, slot: undefined };

  it.each(['_n_12', '_n_7', '_ABC', '_AB'])('generated id %s: no element_id, no handler, no sid', async (id) => {
    expect(await ehTap(id)).toEqual([noId]);
  });

  it.each(['_Banner', 'btn_OK', 'promo_n_3', '_n_12x', '_abc'])('developer id %s: kept as element_id', async (id) => {
    expect(await ehTap(id)).toEqual([{ ...noId, element_id: id }]);
  });
});

describe('excludePages: string entries, with or without the leading slash', () => {
  it('a route and a "/route" entry exclude their pages; other pages are viewed and tapped, with no warning', async () => {
    const sdk = boot({ excludePages: ['pages/cart/index', '/pages/pay/index'] });
    const tapped: string[] = [];
    for (const route of APP_CONFIG.pages) sdk.proc.definePage(route, () => mp.Page(sdk.tracker.page<Methods>({ onGo: () => void tapped.push(route) })));
    sdk.proc.launch();
    let ts = 0;
    for (const route of ['pages/cart/index', 'pages/pay/index', 'pages/product/index']) {
      await sdk.proc.navigateTo('/' + route);
      await suite.clock.advance(100);
      (sdk.proc.currentPage() as unknown as Methods).onGo(fingerTap('go', {}, (ts += 100)));
      await settle();
    }
    expect(tapped).toEqual(['pages/cart/index', 'pages/pay/index', 'pages/product/index']);
    expect(sdk.events.map((e) => [e.name, e.properties.path])).toEqual([
      ['$page_view', HOME],
      ['$page_view', 'pages/product/index'],
      ['$tap', 'pages/product/index'],
    ]);
    expect(warnings()).toEqual([]);
  });
});

describe('listeners', () => {
  it('a listener that throws is told as "autocapture failed: <error>", and the host lifecycle still runs', async () => {
    const log: string[] = [];
    const sdk = boot({}, (cap) =>
      cap.listen('onShow', () => {
        throw new Error('observer broke');
      }),
    );
    homeWith(sdk, {
      onShow() {
        log.push('home show');
      },
    });
    expect(log).toEqual(['home show']);
    expect(warnings()).toEqual(['[wetrack] autocapture failed: Error: observer broke']);
  });

  it('a lifecycle nobody listens to (onReady without exposure) runs the host code and warns of nothing', async () => {
    const log: string[] = [];
    const sdk = boot();
    homeWith(sdk, {
      onReady() {
        log.push('home ready');
      },
    });
    await settle();
    expect(log).toEqual(['home ready']);
    expect(sdk.events.map((e) => e.name)).toEqual(['$page_view']);
    expect(warnings()).toEqual([]);
  });
});

describe('share handlers that return no object', () => {
  it('a handler that returns nothing shares the current page: the SDK returns that page\'s path with the share parameter', async () => {
    // WeChat shares the current page when onShareAppMessage returns no object; the share chain
    // still needs its parameter there, so the SDK returns { path } for it.
    const sdk = boot();
    sdk.proc.definePage('pages/product/index', () => mp.Page(sdk.tracker.page<Methods>({ onShareAppMessage() {} })));
    sdk.proc.launch();
    await sdk.proc.navigateTo('/pages/product/index?sku=VG-3');
    const out = await sdk.proc.share('menu');
    expect(out).toEqual({ path: '/pages/product/index?sku=VG-3&wts=' + sdk.tracker.getAnonymousId().slice(0, 12) + '.1' });
  });

  it.each([false, 0, 'home'])('a handler that returns the primitive %s gets it back unchanged', async (value) => {
    const sdk = boot();
    sdk.proc.definePage(HOME, () => mp.Page(sdk.tracker.page<Methods>({ onShareAppMessage: () => value })));
    sdk.proc.launch();
    expect(await sdk.proc.share('menu')).toBe(value);
    expect(sdk.events.filter((e) => e.name == '$share').map((e) => e.properties)).toEqual([{ method: 'message', from: 'menu', path: HOME, share_depth: 1 }]);
  });
});

describe('a runtime without Behavior: component lifetimes are wrapped in the options', () => {
  /** A page built with Component on a base library without Behavior; every component lifetime the listeners hear is logged. */
  async function openProduct(options: Record<string, unknown>, log: string[]) {
    const sdk = boot({}, (cap) => {
      for (const name of ['attached', 'ready', 'detached']) cap.listen(name, () => void log.push('listener ' + name));
    });
    // An old base library without Behavior: the SDK cannot put its own behavior first.
    Object.defineProperty(globalThis, 'Behavior', { value: undefined, writable: true, configurable: true });
    sdk.proc.definePage('pages/product/index', () => mp.Component(sdk.tracker.component(options)));
    sdk.proc.launch();
    await sdk.proc.navigateTo('/pages/product/index');
    await sdk.proc.navigateBack();
    await settle();
  }

  it('function lifetimes (in `lifetimes` or at the top level) reach the listeners before the host; a non-function entry is left to WeChat, unheard', async () => {
    const log: string[] = [];
    // WeChat's framework calls such an entry and reports its own TypeError (test/sim/pages.ts
    // header): the SDK leaves it as it is, so its listeners hear no detached.
    await openProduct({ lifetimes: { attached: () => void log.push('host attached'), detached: 'not a function' }, ready: () => void log.push('host ready'), methods: {} }, log);
    expect(log).toEqual(['listener attached', 'host attached', 'listener ready', 'host ready']);
  });

  it('lifetimes the component does not define are added, so the listeners still hear them', async () => {
    const log: string[] = [];
    await openProduct({ methods: {} }, log);
    expect(log).toEqual(['listener attached', 'listener ready', 'listener detached']);
  });
});

describe('page views around a native flow, as the `view` listeners (exposure) see them', () => {
  type Flow = (o: object) => unknown;
  /** Home starts `api` from its `start` method (a tap's handler); every `view` notice is logged as `route what`. */
  function flowApp(api: string) {
    const views: string[] = [];
    const sdk = boot({ app: true, pageLeave: true }, (cap) => cap.listen('view', (self, args) => void views.push((self as { route: string }).route + ' ' + String(args[0]))));
    for (const route of [HOME, 'pages/cart/index']) {
      sdk.proc.definePage(route, () => mp.Page(sdk.tracker.page<Methods>({ start: () => (sdk.proc.wx[api] as Flow)({ urls: ['https://example.com/a.jpg'] }) })));
    }
    mp.App({});
    sdk.proc.launch();
    return { ...sdk, views };
  }
  const pageEvents = (events: Recorded[]) => events.filter((e) => /^\$page_/.test(e.name)).map((e) => [e.name, e.properties.path, e.properties.duration_ms].filter((x) => x !== undefined).join(' '));

  it('previewImage: start, pause while the image is shown, resume on the return, end on the next page', async () => {
    const { proc, views, events } = flowApp('previewImage');
    await suite.clock.advance(1000);
    proc.pageEvent('start');
    await suite.clock.advance(0); // the native screen opens: page and app hide
    await suite.clock.advance(5000);
    proc.flows.finish('ok');
    await suite.clock.advance(500);
    await proc.navigateTo('/pages/cart/index');
    expect(views).toEqual([HOME + ' start', HOME + ' pause', HOME + ' resume', HOME + ' end', 'pages/cart/index start']);
    expect(pageEvents(events)).toEqual(['$page_view ' + HOME, `$page_leave ${HOME} 1500`, '$page_view pages/cart/index']);
  });

  // sessionTimeoutMs defaults to 30 min: a return after that long is a new visit, before it the same one.
  it.each([
    [1_800_000 - 1, [HOME + ' start', HOME + ' pause', HOME + ' resume'], ['$page_view ' + HOME]],
    [1_800_000, [HOME + ' start', HOME + ' pause', HOME + ' end', HOME + ' start'], ['$page_view ' + HOME, `$page_leave ${HOME} 1000`, '$page_view ' + HOME]],
  ])('back from the flow %i ms after the page hid: %j', async (away, expectedViews, expectedEvents) => {
    const { proc, views, events } = flowApp('previewImage');
    await suite.clock.advance(1000);
    proc.pageEvent('start');
    await suite.clock.advance(0);
    await suite.clock.advance(away);
    proc.flows.finish('ok');
    await settle();
    expect(views).toEqual(expectedViews);
    expect(pageEvents(events)).toEqual(expectedEvents);
  });
});

describe('options that turn a recorder off', () => {
  it('tabTap: false records no $tab_tap, and the page still gets onTabItemTap', async () => {
    const sdk = boot({ tabTap: false });
    const tapped: unknown[] = [];
    for (const route of ['pages/home/index', 'pages/category/index']) sdk.proc.definePage(route, () => mp.Page(sdk.tracker.page<Methods>({ onTabItemTap: (item) => void tapped.push(item) })));
    sdk.proc.launch();
    await sdk.proc.tapTab(1);
    expect(tapped).toEqual([{ index: 1, pagePath: 'pages/category/index', text: 'Category' }]);
    expect(sdk.events.map((e) => e.name)).toEqual(['$page_view', '$page_view']);
  });
});

describe('a shared path that already carries a share parameter', () => {
  it('wts first in the query (forwarded from the launch): replaced by ours, the other parameters kept', async () => {
    const sdk = boot();
    sdk.proc.definePage(HOME, () => mp.Page(sdk.tracker.page<Methods>({ onShareAppMessage: () => ({ title: 't', path: '/pages/product/index?wts=abcdef012345.2&sku=VG-3' }) })));
    sdk.proc.launch();
    expect(await sdk.proc.share('menu')).toEqual({ title: 't', path: '/pages/product/index?sku=VG-3&wts=' + sdk.tracker.getAnonymousId().slice(0, 12) + '.1' });
  });
});

describe('apps that use plugins: the warning when WeChat refuses a new global', () => {
  // WeChat either logs "[non-writable] modification of global variable …" and keeps its own
  // Page, or throws (test/sim/plugins.ts); the warning names the global and the explicit wrapper.
  const advice = (name: string, why: string) => `[wetrack] autocapture: cannot replace global ${name} (${why}); set autocapture.patchGlobals to false and use ${name}(wetrack.${name.toLowerCase()}({...}))`;
  const refusal = (name: string) => `Error: [non-writable] modification of global variable "${name}" is not allowed when using plugins at app.json.`;

  it('refused silently (the old global kept): "refused", once per global', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    boot({ patchGlobals: true }, undefined, undefined, () => void forbidGlobalReplacement(['Page', 'Component', 'Behavior'], 'log'));
    expect(warnings()).toEqual(['Page', 'Component', 'Behavior'].map((n) => advice(n, 'refused')));
  });

  it('refused with an exception: the exception, once per global', () => {
    boot({ patchGlobals: true }, undefined, undefined, () => void forbidGlobalReplacement(['Page', 'Component', 'Behavior'], 'throw'));
    expect(warnings()).toEqual(['Page', 'Component', 'Behavior'].map((n) => advice(n, refusal(n))));
  });
});

describe('$app_launch: utm_* parameters are those whose name starts with utm_', () => {
  it('from the launch query and from the URL in a scanned code\'s q; ref_utm_x and from_utm_campaign are not utm parameters', () => {
    const q = encodeURIComponent('https://shop.example.com/p?utm_source=poster&ref_utm_x=1');
    const sdk = boot({ app: true }, undefined, { path: HOME, scene: 1011, query: { q, utm_medium: 'qr', from_utm_campaign: 'x' } });
    sdk.proc.definePage(HOME, () => mp.Page({}));
    sdk.proc.launch();
    const launch = sdk.events.filter((e) => e.name == '$app_launch').map((e) => e.properties);
    expect(launch).toEqual([
      { scene: 1011, path: HOME, query: { q, utm_medium: 'qr', from_utm_campaign: 'x' }, referrer_app_id: undefined, qr_url: 'https://shop.example.com/p?utm_source=poster&ref_utm_x=1', utm_source: 'poster', utm_medium: 'qr', is_first_launch: true },
    ]);
  });
});

describe('uni-app (Vue 3) handlers: invokers e0, e1… on the instance, with the developer\'s function as .value', () => {
  type Invoker = Handler & { value: Handler };
  /** vOn's invoker: calls whatever `.value` holds at the time of the event (uni-app updates it on re-render). */
  const invoker = (value: Handler): Invoker => {
    const inv = ((e: unknown) => inv.value(e)) as Invoker;
    inv.value = value;
    return inv;
  };
  type Instance = Record<string, unknown> & { setData(d: object): void };
  /** A page built with Component, as uni-app compiles it; `setup` runs in attached and renders once with setData. */
  function uniPage(setup: (inst: Instance) => void) {
    const sdk = boot();
    const route = 'pages/product/index';
    sdk.proc.definePage(route, () =>
      mp.Component(
        sdk.tracker.component<Record<string, unknown>>({
          methods: {},
          lifetimes: {
            attached(this: Instance) {
              setup(this);
              this.setData({ ready: true });
            },
          },
        }),
      ),
    );
    sdk.proc.launch();
    return { ...sdk, open: async () => (await sdk.proc.navigateTo('/' + route), sdk.proc.currentPage() as unknown as Instance) };
  }
  const productTap = (handler: string | undefined, id: string) => ({ path: 'pages/product/index', type: 'tap', handler, element_id: id, dataset: {}, slot: undefined });

  it('the $tap is named by .value\'s name when it has more than 2 characters: buy yes; Xe (minified) and an inline arrow no', async () => {
    // <script setup> const buy = () => {…} keeps its name; a minifier leaves two letters; @tap="() => n++" has none.
    const buy = () => {};
    const Xe = () => {};
    const app = uniPage((inst) => {
      inst.e0 = invoker(buy);
      inst.e1 = invoker(Xe);
      inst.e2 = invoker(() => {});
    });
    const inst = await app.open();
    for (const [k, ts] of [['e0', 10], ['e1', 20], ['e2', 30]] as const) {
      (inst[k] as Invoker)(fingerTap(k, {}, ts));
      await settle();
    }
    expect(app.taps()).toEqual([productTap('buy', 'e0'), productTap(undefined, 'e1'), productTap(undefined, 'e2')]);
  });

  it('the wrapped invoker still reads and takes .value: uni-app\'s update on re-render reaches the next tap', async () => {
    const calls: string[] = [];
    const buy = () => void calls.push('buy');
    const addToCart = () => void calls.push('addToCart');
    const app = uniPage((inst) => void (inst.e0 = invoker(buy)));
    const inst = await app.open();
    const e0 = inst.e0 as Invoker;
    expect(e0.value).toBe(buy);
    e0.value = addToCart; // vOn: `if (existing) existing.value = fn`
    expect(inst.e0).toBe(e0);
    expect(e0.value).toBe(addToCart);
    e0(fingerTap('e0', {}, 10));
    await settle();
    expect(calls).toEqual(['addToCart']);
    expect(app.taps()).toEqual([productTap('addToCart', 'e0')]);
  });

  it('only invokers are wrapped, once: other instance members stay as they are over several renders, with no warning', async () => {
    function helper() {}
    const buy = () => {};
    let original: Invoker | undefined;
    const app = uniPage((inst) => {
      inst.timer = null; // members the page's code keeps on the instance
      inst.helper = helper;
      inst.e0 = original = invoker(buy);
    });
    const inst = await app.open();
    const wrapped = inst.e0 as Invoker;
    expect(wrapped).not.toBe(original);
    inst.setData({ n: 1 });
    inst.setData({ n: 2 });
    expect(inst.e0).toBe(wrapped);
    expect(inst.helper).toBe(helper);
    expect(inst.timer).toBeNull();
    wrapped(fingerTap('e0', {}, 10));
    await settle();
    expect(app.taps()).toEqual([productTap('buy', 'e0')]);
    expect(warnings()).toEqual([]);
  });
});

describe('a lifetime called with a plain `this`', () => {
  it('an app\'s own unit test calling the wrapped attached with a mock instance: the host runs, no setData is added', () => {
    // Developers test component options by calling their lifetimes on a plain object; the SDK's
    // listener (which wraps setData for uni-app's handlers) must not give that object a setData.
    const sdk = boot();
    Object.defineProperty(globalThis, 'Behavior', { value: undefined, writable: true, configurable: true }); // lifetimes stay in the options
    const seen: unknown[] = [];
    const options = sdk.tracker.component({ lifetimes: { attached: () => void seen.push('host attached') }, methods: {} }) as { lifetimes: { attached(this: object): void } };
    const mock: Record<string, unknown> = { data: {} };
    options.lifetimes.attached.call(mock);
    expect(seen).toEqual(['host attached']);
    expect(mock).toEqual({ data: {} });
    expect(warnings()).toEqual([]);
  });
});
