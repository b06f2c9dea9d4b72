/**
 * Issue 9 point 5: wx.previewImage, chooseImage, requestPayment… hide and show the app while the
 * user stays on the page (test/sim/native-flows.ts). First the platform's `flow()` that tells
 * such a hide from a real one, then what the SDK records around a flow (acceptance 3).
 */
import { describe, expect, it, vi } from 'vitest';
import { createWxPlatform } from '../../src/platform/wx';
import { addNativeFlows } from '../../src/platform/native-flow';
import type { Platform } from '../../src/platform/types';
import { createRuntime, FLOW_APIS, mp, type NativeFlowOptions, type SimProcess } from '../sim';
import { forbidGlobalReplacement } from '../sim/plugins';
import { useSimSuite } from '../support/suite';
import { APP_CONFIG, startApp, type Recorded } from './harness';
import { createIntersectionObserver, SLOTS } from '../support/visible-slots';

const suite = useSimSuite();
const HOME = 'pages/home/index';
const CART = 'pages/cart/index';
const PAY = 'pages/pay/index';

type Flow = (this: unknown, ...args: unknown[]) => unknown;
const call = (p: SimProcess, api: string, ...args: unknown[]) => (p.wx[api] as Flow)(...args);
const microtasks = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/**
 * A launched app and the wx platform created on it as init would; `seen` logs `where flow()` at
 * every page and App lifecycle and at a wx.onAppShow/onAppHide listener registered after the
 * platform's (as the SDK's own are).
 */
function boot(opts: { nativeFlows?: NativeFlowOptions; before?: (p: SimProcess) => void; page?: Record<string, unknown> } = {}) {
  const rt = createRuntime({ appConfig: APP_CONFIG, printErrors: false, suspendAfterHideMs: null, nativeFlows: opts.nativeFlows });
  const p = rt.start();
  opts.before?.(p);
  const platform: Platform = createWxPlatform();
  addNativeFlows(platform);
  const seen: string[] = [];
  const at = (where: string) => seen.push(`${where} ${platform.flow!() ?? '-'}`);
  for (const route of [HOME, CART]) {
    const name = route.split('/')[1];
    p.definePage(route, () => mp.Page({ onShow: () => at(`${name}.onShow`), onHide: () => at(`${name}.onHide`), ...opts.page }));
  }
  mp.App({ onShow: () => at('App.onShow'), onHide: () => at('App.onHide') });
  p.wx.onAppShow(() => at('wx.onAppShow'));
  p.wx.onAppHide(() => at('wx.onAppHide'));
  p.launch();
  seen.length = 0;
  return { p, platform, seen };
}

describe('platform.flow(): the native flow the user is in', () => {
  const orders: [NativeFlowOptions['hideOrder'], NativeFlowOptions['showOrder']][] = [
    ['page-first', 'app-first'],
    ['app-first', 'page-first'],
    ['page-first', 'page-first'],
    ['app-first', 'app-first'],
  ];
  for (const [hideOrder, showOrder] of orders) {
    it(`named from the call through the hide and the show (hide ${hideOrder}, show ${showOrder}), undefined once the show is over`, async () => {
      const { p, platform, seen } = boot({ nativeFlows: { hideOrder, showOrder } });
      expect(platform.flow!()).toBeUndefined();
      call(p, 'previewImage', { urls: ['a'] });
      expect(platform.flow!()).toBe('previewImage');
      await suite.clock.advance(0);
      await suite.clock.advance(30_000);
      p.flows.finish('ok');
      const hide = hideOrder == 'page-first' ? ['home.onHide', 'App.onHide', 'wx.onAppHide'] : ['App.onHide', 'wx.onAppHide', 'home.onHide'];
      const show = showOrder == 'app-first' ? ['App.onShow', 'wx.onAppShow', 'home.onShow'] : ['home.onShow', 'App.onShow', 'wx.onAppShow'];
      expect(seen).toEqual([...hide, ...show].map((w) => `${w} previewImage`));
      await microtasks();
      expect(platform.flow!()).toBeUndefined();
    });
  }

  it('a hide without a flow (the home button) has none; nor has the next one after a flow returned', async () => {
    const { p, seen } = boot();
    p.hide();
    p.show();
    call(p, 'chooseImage', {});
    await suite.clock.advance(0);
    p.flows.finish('cancel');
    await microtasks();
    p.hide();
    expect(seen).toEqual([
      ...['home.onHide', 'App.onHide', 'wx.onAppHide', 'App.onShow', 'wx.onAppShow', 'home.onShow'].map((w) => `${w} -`),
      ...['home.onHide', 'App.onHide', 'wx.onAppHide', 'App.onShow', 'wx.onAppShow', 'home.onShow'].map((w) => `${w} chooseImage`),
      ...['home.onHide', 'App.onHide', 'wx.onAppHide'].map((w) => `${w} -`),
    ]);
  });

  it('a route started from the success callback of the return is not the flow: its page hide sees none', async () => {
    const { p, seen } = boot();
    call(p, 'requestPayment', { success: () => p.wx.navigateTo({ url: '/' + CART }) });
    await suite.clock.advance(0);
    p.flows.finish('ok');
    await microtasks();
    expect(p.currentPage()!.route).toBe(CART);
    expect(seen.slice(-5)).toEqual(['App.onShow requestPayment', 'wx.onAppShow requestPayment', 'home.onShow requestPayment', 'home.onHide -', 'cart.onShow -']);
  });

  it('a flow called again from the return (chooseImage, then previewImage of the picked image) is kept', async () => {
    const { p, platform, seen } = boot();
    call(p, 'chooseImage', { success: (r: { tempFilePaths: string[] }) => call(p, 'previewImage', { urls: r.tempFilePaths }) });
    await suite.clock.advance(0);
    p.flows.finish('ok');
    await microtasks();
    expect(platform.flow!()).toBe('previewImage');
    await suite.clock.advance(0);
    expect(seen.slice(-3)).toEqual(['home.onHide previewImage', 'App.onHide previewImage', 'wx.onAppHide previewImage']);
  });

  it('a flow that never hid the app (payment refused at once, a sheet that does not hide) is forgotten after 10 s', async () => {
    const { p, platform, seen } = boot({ nativeFlows: { noHide: ['requestPayment'] } });
    call(p, 'requestPayment', { fail: () => undefined });
    p.flows.refuse('no permission');
    await suite.clock.advance(9_999);
    expect(platform.flow!()).toBe('requestPayment');
    await suite.clock.advance(1);
    expect(platform.flow!()).toBeUndefined();
    p.hide();
    expect(seen).toEqual(['home.onHide -', 'App.onHide -', 'wx.onAppHide -']);
    p.show();
    call(p, 'requestPayment', {});
    await suite.clock.advance(3000);
    p.flows.finish('ok'); // the sheet closed; no lifecycle ran
    expect(platform.flow!()).toBe('requestPayment');
    await suite.clock.advance(7000);
    expect(platform.flow!()).toBeUndefined();
  });

  it('a screen that opens within the bound counts; one that opens later than 10 s after the call is not recognised', async () => {
    const { p, seen } = boot({ nativeFlows: { openAfterMs: 8000 } });
    call(p, 'chooseMedia', {});
    await suite.clock.advance(8000);
    p.flows.finish('ok');
    await microtasks();
    p.flows.configure({ openAfterMs: 12_000 });
    call(p, 'chooseMedia', {});
    await suite.clock.advance(12_000);
    expect(seen.filter((s) => s.startsWith('App.onHide'))).toEqual(['App.onHide chooseMedia', 'App.onHide -']);
  });

  it("the host's call is unchanged: same this, arguments, return value (a Promise too) and exception", async () => {
    const got: { self: unknown; args: unknown[] }[] = [];
    const ret = { task: 1 };
    const boom = new Error('boom');
    let original: Flow | undefined;
    const { p, platform } = boot({
      before: (p) => {
        original = function (this: unknown, ...args: unknown[]) {
          got.push({ self: this, args });
          if ((args[0] as { boom?: boolean }).boom) throw boom;
          return ret;
        };
        p.wx.scanCode = original;
      },
    });
    expect(p.wx.scanCode).not.toBe(original); // wrapped
    const o = { onlyFromCamera: true };
    expect(call(p, 'scanCode', o, 'extra')).toBe(ret);
    const other = {};
    (p.wx.scanCode as Flow).call(other, o);
    const unbound = p.wx.scanCode as Flow;
    expect(unbound(o)).toBe(ret);
    expect(got).toEqual([
      { self: p.wx, args: [o, 'extra'] },
      { self: other, args: [o] },
      { self: undefined, args: [o] },
    ]);
    expect(got[0]!.self).toBe(p.wx);
    expect(got[0]!.args[0]).toBe(o);
    expect(got[1]!.self).toBe(other);
    let thrown: unknown;
    try {
      call(p, 'scanCode', { boom: true });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(boom);
    expect(platform.flow!()).toBe('scanCode');

    const promise = call(p, 'chooseAddress') as Promise<{ errMsg: string }>;
    expect(promise).toBeInstanceOf(Promise);
    await suite.clock.advance(0);
    p.flows.finish('ok');
    await expect(promise).resolves.toMatchObject({ errMsg: 'chooseAddress:ok', userName: 'Zhang San' });
  });

  it('an API the base library lacks stays absent; the others are watched', async () => {
    const { p, platform } = boot({ nativeFlows: { missing: ['previewMedia', 'chooseMedia'] } });
    expect('previewMedia' in p.wx).toBe(false);
    expect('chooseMedia' in p.wx).toBe(false);
    for (const api of FLOW_APIS.filter((a) => a != 'previewMedia' && a != 'chooseMedia')) {
      call(p, api, {});
      expect(platform.flow!()).toBe(api);
      await suite.clock.advance(0);
      p.flows.finish('ok');
      await microtasks();
      expect(platform.flow!()).toBeUndefined();
    }
  });

  // Each refused assignment costs the app a console error on WeChat (see test/sim/plugins.ts): the SDK
  // stops at the first refusal instead of trying every flow API. (A frozen wx throws in strict code.)
  let refused: string[] = [];
  const countRefusal = (name: string) => void refused.push(name);
  const refusals: [string, (p: SimProcess) => void, number | undefined][] = [
    ['a frozen wx', (p) => void Object.freeze(p.wx), undefined],
    ['wx members whose setter only logs (apps with plugins)', (p) => void forbidGlobalReplacement([...FLOW_APIS], 'log', p.wx, countRefusal), 1],
    ['wx members whose setter throws', (p) => void forbidGlobalReplacement([...FLOW_APIS], 'throw', p.wx, countRefusal), 1],
  ];
  for (const [what, refuse, attempts] of refusals) {
    it(`${what}: no crash, WeChat's functions stay, flows are just unknown${attempts ? ', one attempt only' : ''}`, async () => {
      vi.spyOn(console, 'error').mockImplementation(() => {});
      refused = [];
      let before: unknown;
      const { p, platform, seen } = boot({
        before: (p) => {
          before = p.wx.previewImage;
          refuse(p);
        },
      });
      if (attempts !== undefined) expect(refused).toHaveLength(attempts);
      expect(p.wx.previewImage).toBe(before);
      const done = vi.fn();
      call(p, 'previewImage', { urls: ['a'], success: done });
      expect(platform.flow!()).toBeUndefined();
      await suite.clock.advance(0);
      p.flows.finish('ok');
      expect(done).toHaveBeenCalledWith(expect.objectContaining({ errMsg: 'previewImage:ok' }));
      expect(seen).toEqual(['home.onHide', 'App.onHide', 'wx.onAppHide', 'App.onShow', 'wx.onAppShow', 'home.onShow'].map((w) => `${w} -`));
    });
  }

  it('two trackers (two platforms on one wx) both see the flow', async () => {
    const { p, platform } = boot();
    const second = createWxPlatform();
    addNativeFlows(second);
    call(p, 'openDocument', { filePath: 'wxfile://tmp/f.pdf' });
    expect([platform.flow!(), second.flow!()]).toEqual(['openDocument', 'openDocument']);
    await suite.clock.advance(0);
    p.flows.finish('ok');
    await microtasks();
    expect([platform.flow!(), second.flow!()]).toEqual([undefined, undefined]);
  });
});

// ---- what the SDK records (acceptance 3) ------------------------------------------------------

/** The whole SDK on a simulated app whose home page has two slots and starts `api` from a tap. */
function shop(api: string, nativeFlows: NativeFlowOptions = {}, then?: (p: SimProcess) => void) {
  const s = startApp({ withExposure: true, runtime: { nativeFlows } });
  for (const route of APP_CONFIG.pages) {
    s.proc.definePage(route, () =>
      mp.Page({
        createIntersectionObserver,
        start() {
          call(s.proc, api, { urls: ['https://example.com/a.jpg'], success: () => then?.(s.proc) });
        },
      }),
    );
  }
  mp.App({});
  s.proc.launch();
  return s;
}

const trail = (events: Recorded[]) =>
  events
    .filter((e) => /^\$(page_view|page_leave|app_show|app_hide|exposure)$/.test(e.name))
    .map((e) => [e.name, e.properties.slot ?? e.properties.path, e.properties.duration_ms, e.properties.cause].filter((x) => x !== undefined).join(' '));

describe('acceptance 3: a returned native flow is the same page view', () => {
  const cases: [string, NativeFlowOptions][] = [
    ['previewImage', {}],
    ['previewImage', { successOnOpen: ['previewImage'], hideOrder: 'app-first', showOrder: 'page-first' }],
    ['chooseImage', { hideOrder: 'app-first' }],
    ['chooseImage', { showOrder: 'page-first', callbacks: 'before-show' }],
    ['requestPayment', { callbacks: 'before-show' }],
    ['requestPayment', { hideOrder: 'app-first', showOrder: 'page-first' }],
  ];
  for (const [api, nativeFlows] of cases) {
    it(`${api} ${JSON.stringify(nativeFlows)}: no extra $page_view or $page_leave, no slot counted again, $app_hide/$app_show name the API`, async () => {
      const { proc, events } = shop(api, nativeFlows);
      await suite.clock.advance(1500); // both slots seen for a second: counted
      proc.pageEvent('start');
      await suite.clock.advance(0); // the native screen opens
      await suite.clock.advance(20_000);
      proc.flows.finish('ok');
      await suite.clock.advance(2000); // the slots are in view again for 2 s
      await proc.navigateTo('/' + CART);
      expect(trail(events)).toEqual([
        '$app_show ' + HOME,
        '$page_view ' + HOME,
        '$exposure home.rec.1',
        '$exposure home.rec.2',
        `$app_hide ${HOME} 1500 ${api}`,
        `$app_show ${HOME} ${api}`,
        `$page_leave ${HOME} 3500`, // visible time only: 1.5 s before, 2 s after
        '$page_view ' + CART,
      ]);
    });
  }

  it('requestPayment whose success navigates to the result page: the paying page ends there, the next one starts', async () => {
    const { proc, events } = shop('requestPayment', {}, (p) => void p.wx.navigateTo({ url: '/' + PAY }));
    await suite.clock.advance(1000);
    proc.pageEvent('start');
    await suite.clock.advance(5000);
    proc.flows.finish('ok');
    await suite.clock.advance(0);
    expect(proc.currentPage()!.route).toBe(PAY);
    expect(trail(events).filter((l) => !l.startsWith('$exposure'))).toEqual([
      '$app_show ' + HOME,
      '$page_view ' + HOME,
      `$app_hide ${HOME} 1000 requestPayment`,
      `$app_show ${HOME} requestPayment`,
      `$page_leave ${HOME} 1000`,
      '$page_view ' + PAY,
    ]);
  });

  it('after more than the session timeout inside the flow (the user went home from it), the return is a new visit', async () => {
    const { proc, events } = shop('previewImage');
    await suite.clock.advance(1500);
    proc.pageEvent('start');
    await suite.clock.advance(0);
    await suite.clock.advance(31 * 60_000); // sessionTimeoutMs is 30 min
    proc.flows.finish('ok');
    await suite.clock.advance(1500);
    const t = trail(events);
    expect(t.slice(4)).toEqual([
      `$app_hide ${HOME} 1500 previewImage`,
      expect.stringMatching(`^\\$app_show ${HOME}`),
      `$page_leave ${HOME} 1500`,
      '$page_view ' + HOME,
      '$exposure home.rec.1',
      '$exposure home.rec.2',
    ]);
  });

  const noHide: [string, NativeFlowOptions, (p: SimProcess) => Promise<void>][] = [
    ['refused at once', {}, async (p) => (p.flows.refuse('no permission'), await suite.clock.advance(2000))],
    ['paid in a sheet that does not hide the app', { noHide: ['requestPayment'] }, async (p) => (await suite.clock.advance(2000), p.flows.finish('ok'))],
  ];
  for (const [what, nativeFlows, pay] of noHide) {
    it(`a payment ${what}, then a navigation within seconds: an ordinary page leave and view (no app hide came with the page hide)`, async () => {
      const { proc, events } = shop('requestPayment', nativeFlows);
      await suite.clock.advance(1000);
      proc.pageEvent('start');
      await pay(proc);
      await proc.navigateTo('/' + PAY);
      expect(trail(events).filter((l) => !l.startsWith('$exposure'))).toEqual(['$app_show ' + HOME, '$page_view ' + HOME, `$page_leave ${HOME} 3000`, '$page_view ' + PAY]);
    });
  }

  it('a payment refused at once (no hide) changes nothing; the next real hide is an ordinary one', async () => {
    const { proc, events } = shop('requestPayment');
    await suite.clock.advance(1000);
    proc.pageEvent('start');
    proc.flows.refuse('no permission');
    await suite.clock.advance(11_000);
    proc.hide();
    await suite.clock.advance(60_000);
    proc.show();
    const t = trail(events).filter((l) => !l.startsWith('$exposure'));
    expect(t).toEqual(['$app_show ' + HOME, '$page_view ' + HOME, `$page_leave ${HOME} 12000`, `$app_hide ${HOME} 12000`, '$app_show ' + HOME, '$page_view ' + HOME]);
  });
});
