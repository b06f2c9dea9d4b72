import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime, disposeAllRuntimes, mp, type PageOptions, type Runtime, type SimProcess } from './index';

const A = 'pages/a/index'; // tab
const B = 'pages/b/index'; // tab
const C = 'pages/c/index';
const D = 'pages/d/index';
const E = 'pages/e/index';

const appConfig = {
  pages: [A, B, C, D, E],
  tabBar: {
    list: [
      { pagePath: A, text: 'Home' },
      { pagePath: B, text: 'Mine' },
    ],
  },
};

const short = (route: string) => route.split('/')[1]!.toUpperCase();

/** A page file whose lifecycles append to `log` as 'X.onLoad' etc. */
function loggingPage(log: string[], extra: PageOptions = {}): () => void {
  return () =>
    mp.Page({
      data: { n: 0 },
      onLoad(q: unknown) {
        log.push(`${short(this.route)}.onLoad${Object.keys(q as object).length ? JSON.stringify(q) : ''}`);
      },
      onShow() {
        log.push(`${short(this.route)}.onShow`);
      },
      onReady() {
        log.push(`${short(this.route)}.onReady`);
      },
      onHide() {
        log.push(`${short(this.route)}.onHide`);
      },
      onUnload() {
        log.push(`${short(this.route)}.onUnload`);
      },
      ...extra,
    });
}

function boot(rt: Runtime, log: string[], start: Parameters<Runtime['start']>[0] = {}): SimProcess {
  const p = rt.start(start);
  mp.App({
    onLaunch(o: unknown) {
      log.push(`App.onLaunch(${(o as { path: string }).path})`);
      log.push(`pagesDuringLaunch=${mp.getCurrentPages().length}`);
      p.wx.onAppShow(() => log.push('wx.onAppShow'));
      p.wx.onAppHide(() => log.push('wx.onAppHide'));
    },
    onShow(o: unknown) {
      log.push(`App.onShow(${(o as { scene: number }).scene})`);
    },
    onHide() {
      log.push('App.onHide');
    },
  });
  for (const r of appConfig.pages) p.definePage(r, loggingPage(log));
  return p;
}

afterEach(() => disposeAllRuntimes());

describe('launch and app show/hide', () => {
  it('cold start: App.onLaunch, App.onShow, wx.onAppShow, then entry onLoad/onShow/onReady', () => {
    const rt = createRuntime({ appConfig });
    const log: string[] = [];
    const p = boot(rt, log, { path: '/pages/c/index?id=7', scene: 1007 });
    p.launch();
    expect(log).toEqual([
      'App.onLaunch(pages/c/index)',
      'pagesDuringLaunch=0',
      'App.onShow(1007)',
      'wx.onAppShow',
      'C.onLoad{"id":"7"}',
      'C.onShow',
      'C.onReady',
    ]);
    expect(p.wx.getLaunchOptionsSync()).toEqual({ path: C, query: { id: '7' }, scene: 1007, referrerInfo: {}, apiCategory: 'default' });
    expect(mp.getCurrentPages().map((x) => x.route)).toEqual([C]);
  });

  it('defaults to the first page of appConfig and scene 1001', () => {
    const rt = createRuntime({ appConfig });
    const log: string[] = [];
    const p = boot(rt, log);
    const page = p.launch()!;
    expect(page.route).toBe(A);
    expect(page.__route__).toBe(A);
    expect(page.is).toBe(A);
    expect(log.slice(2)).toEqual(['App.onShow(1001)', 'wx.onAppShow', 'A.onLoad', 'A.onShow', 'A.onReady']);
  });

  it('hide: page onHide, App.onHide, wx.onAppHide; show: App.onShow, wx.onAppShow, page onShow', () => {
    const rt = createRuntime({ appConfig });
    const log: string[] = [];
    const p = boot(rt, log);
    p.launch();
    log.length = 0;
    p.hide();
    p.hide(); // already in background: nothing
    expect(log).toEqual(['A.onHide', 'App.onHide', 'wx.onAppHide']);
    log.length = 0;
    p.show({ scene: 1089 });
    expect(log).toEqual(['App.onShow(1089)', 'wx.onAppShow', 'A.onShow']);
    expect(p.wx.getEnterOptionsSync()).toMatchObject({ path: A, scene: 1089 });
    expect(p.wx.getLaunchOptionsSync()).toMatchObject({ path: A, scene: 1001 });
  });

  it('hot start with another path re-launches to it after App.onShow', () => {
    const rt = createRuntime({ appConfig });
    const log: string[] = [];
    const p = boot(rt, log);
    p.launch();
    log.length = 0;
    p.hide();
    log.length = 0;
    p.show({ path: 'pages/d/index?from=share', scene: 1007 });
    expect(log).toEqual(['App.onShow(1007)', 'wx.onAppShow', 'A.onUnload', 'D.onLoad{"from":"share"}', 'D.onShow', 'D.onReady']);
    expect(p.wx.getEnterOptionsSync()).toMatchObject({ path: D, query: { from: 'share' }, scene: 1007 });
  });

  it('offAppShow/offAppHide remove listeners', () => {
    const rt = createRuntime({ appConfig });
    const p = rt.start();
    const calls: string[] = [];
    const onShow = () => calls.push('show');
    const onHide = () => calls.push('hide');
    p.wx.onAppShow(onShow);
    p.wx.onAppHide(onHide);
    p.launch();
    p.wx.offAppShow(onShow);
    p.wx.offAppHide();
    p.hide();
    p.show();
    expect(calls).toEqual(['show']);
  });

  it('getApp returns the App instance and allowDefault works before App()', () => {
    const rt = createRuntime({ appConfig });
    rt.start();
    expect(mp.getApp()).toBeUndefined();
    const early = mp.getApp({ allowDefault: true })!;
    early.fromEarly = 1;
    mp.App({ globalData: { x: 1 }, hello() {
      return 'hi';
    } });
    const app = mp.getApp()!;
    expect(app).toBe(early);
    expect(app.globalData).toEqual({ x: 1 });
    expect(app.fromEarly).toBe(1);
  });

  it('an unknown entry page goes to onPageNotFound', async () => {
    const rt = createRuntime({ appConfig });
    const p = rt.start({ path: 'pages/gone/index' });
    const seen: unknown[] = [];
    mp.App({
      onPageNotFound(res: unknown) {
        seen.push(res);
        p.wx.redirectTo({ url: '/pages/c/index' });
      },
    });
    expect(p.launch()).toBeUndefined();
    expect(seen).toEqual([{ path: 'pages/gone/index', query: {}, isEntryPage: true }]);
    await Promise.resolve();
    await Promise.resolve();
    expect(p.currentPage()?.route).toBe(C);
  });
});

describe('routes', () => {
  async function launched(log: string[]) {
    const rt = createRuntime({ appConfig });
    const p = boot(rt, log);
    p.launch();
    log.length = 0;
    return p;
  }

  it('navigateTo: old onHide, new onLoad(query)/onShow/onReady; stack grows', async () => {
    const log: string[] = [];
    const p = await launched(log);
    const page = await p.navigateTo('/pages/c/index?id=1&name=x%20y');
    expect(log).toEqual(['A.onHide', 'C.onLoad{"id":"1","name":"x%20y"}', 'C.onShow', 'C.onReady']);
    expect(page.options).toEqual({ id: '1', name: 'x%20y' });
    expect(p.pages().map((x) => x.route)).toEqual([A, C]);
  });

  it('getCurrentPages() includes the new page during its onLoad', async () => {
    const rt = createRuntime({ appConfig });
    const p = rt.start();
    const seen: string[][] = [];
    p.definePage(C, () => mp.Page({ onLoad() {
      seen.push(mp.getCurrentPages().map((x) => x.route));
    } }));
    p.launch();
    await p.navigateTo('/pages/c/index');
    expect(seen).toEqual([[A, C]]);
  });

  it('wx.navigateTo is asynchronous and calls success then complete with errMsg', async () => {
    const log: string[] = [];
    const p = await launched(log);
    const cb: string[] = [];
    p.wx.navigateTo({
      url: '/pages/c/index',
      success: (r) => cb.push(`success:${r.errMsg}:${p.currentPage()!.route}`),
      complete: (r) => cb.push(`complete:${r.errMsg}`),
    });
    expect(log).toEqual([]); // nothing happened synchronously
    await new Promise((r) => setImmediate(r));
    expect(cb).toEqual([`success:navigateTo:ok:${C}`, 'complete:navigateTo:ok']);
  });

  it('route APIs support the Promise style', async () => {
    const log: string[] = [];
    const p = await launched(log);
    await expect(p.wx.navigateTo({ url: '/pages/c/index' })).resolves.toEqual({ errMsg: 'navigateTo:ok' });
    await expect(p.wx.switchTab({ url: '/pages/c/index' })).rejects.toEqual({ errMsg: 'switchTab:fail can not switch to no-tabBar page' });
  });

  it('resolves relative URLs against the current page', async () => {
    const log: string[] = [];
    const p = await launched(log);
    await p.navigateTo('../c/index?x=1');
    expect(p.currentPage()!.route).toBe(C);
    await p.navigateTo('./index?again=1');
    expect(p.currentPage()!.options).toEqual({ again: '1' });
  });

  it('redirectTo: old onUnload, new onLoad/onShow/onReady', async () => {
    const log: string[] = [];
    const p = await launched(log);
    await p.navigateTo('/pages/c/index');
    log.length = 0;
    await p.redirectTo('/pages/d/index?k=v');
    expect(log).toEqual(['C.onUnload', 'D.onLoad{"k":"v"}', 'D.onShow', 'D.onReady']);
    expect(p.pages().map((x) => x.route)).toEqual([A, D]);
  });

  it('navigateBack: each popped page unloads (top first), the revealed one shows', async () => {
    const log: string[] = [];
    const p = await launched(log);
    await p.navigateTo('/pages/c/index');
    await p.navigateTo('/pages/d/index');
    await p.navigateTo('/pages/e/index');
    log.length = 0;
    await p.navigateBack(2);
    expect(log).toEqual(['E.onUnload', 'D.onUnload', 'C.onShow']);
    log.length = 0;
    await p.navigateBack(99); // more than possible: back to the first page
    expect(log).toEqual(['C.onUnload', 'A.onShow']);
    await expect(p.navigateBack()).rejects.toThrow('navigateBack:fail cannot navigate back at first page.');
  });

  it('reLaunch unloads every page, hidden tab pages included', async () => {
    const log: string[] = [];
    const p = await launched(log);
    await p.switchTab('/pages/b/index');
    await p.navigateTo('/pages/c/index');
    log.length = 0;
    await p.reLaunch('/pages/d/index?r=1');
    expect(log).toEqual(['C.onUnload', 'B.onUnload', 'A.onUnload', 'D.onLoad{"r":"1"}', 'D.onShow', 'D.onReady']);
    expect(p.alivePages().map((x) => x.route)).toEqual([D]);
  });

  describe('switchTab follows the documented table', () => {
    it('A -> A: nothing', async () => {
      const log: string[] = [];
      const p = await launched(log);
      await p.switchTab('/pages/a/index');
      expect(log).toEqual([]);
    });

    it('A -> B: A.onHide, B.onLoad, B.onShow; A -> B again: A.onHide, B.onShow', async () => {
      const log: string[] = [];
      const p = await launched(log);
      await p.switchTab('/pages/b/index');
      expect(log).toEqual(['A.onHide', 'B.onLoad', 'B.onShow', 'B.onReady']);
      log.length = 0;
      await p.switchTab('/pages/a/index');
      expect(log).toEqual(['B.onHide', 'A.onShow']);
      log.length = 0;
      await p.switchTab('/pages/b/index');
      expect(log).toEqual(['A.onHide', 'B.onShow']);
      expect(p.pages().map((x) => x.route)).toEqual([B]);
      expect(p.alivePages().map((x) => x.route).sort()).toEqual([A, B]);
    });

    it('C -> A: C.onUnload, A.onShow; C -> B: C.onUnload, B.onLoad, B.onShow', async () => {
      const log: string[] = [];
      const p = await launched(log);
      await p.navigateTo('/pages/c/index');
      log.length = 0;
      await p.switchTab('/pages/a/index');
      expect(log).toEqual(['C.onUnload', 'A.onShow']);
      await p.navigateTo('/pages/c/index');
      log.length = 0;
      await p.switchTab('/pages/b/index');
      expect(log).toEqual(['C.onUnload', 'B.onLoad', 'B.onShow', 'B.onReady']);
    });

    it('D -> B: D.onUnload, C.onUnload, B.onLoad, B.onShow', async () => {
      const log: string[] = [];
      const p = await launched(log);
      await p.navigateTo('/pages/c/index');
      await p.navigateTo('/pages/d/index');
      log.length = 0;
      await p.switchTab('/pages/b/index');
      expect(log).toEqual(['D.onUnload', 'C.onUnload', 'B.onLoad', 'B.onShow', 'B.onReady']);
      expect(p.pages().map((x) => x.route)).toEqual([B]);
    });

    it('D entered from a share -> A: D.onUnload, A.onLoad, A.onShow', async () => {
      const rt = createRuntime({ appConfig });
      const log: string[] = [];
      const p = boot(rt, log, { path: D, scene: 1007 });
      p.launch();
      log.length = 0;
      await p.switchTab('/pages/a/index?ignored=1');
      expect(log).toEqual(['D.onUnload', 'A.onLoad', 'A.onShow', 'A.onReady']);
    });
  });

  it('fails like WeChat: tab via navigateTo/redirectTo, non-tab via switchTab, unknown page, bad url', async () => {
    const log: string[] = [];
    const p = await launched(log);
    const errs: string[] = [];
    const fail = (r: { errMsg: string }) => errs.push(r.errMsg);
    p.wx.navigateTo({ url: '/pages/b/index', fail });
    p.wx.redirectTo({ url: '/pages/a/index', fail });
    p.wx.switchTab({ url: '/pages/c/index', fail });
    p.wx.navigateTo({ url: '/pages/nope/index', fail });
    p.wx.reLaunch({ url: undefined as unknown as string, fail });
    await new Promise((r) => setImmediate(r));
    expect(errs).toEqual([
      'navigateTo:fail can not navigateTo a tabbar page',
      'redirectTo:fail can not redirectTo a tabbar page',
      'switchTab:fail can not switch to no-tabBar page',
      'navigateTo:fail page "pages/nope/index" is not found',
      'reLaunch:fail parameter error: parameter.url should be String instead of Undefined;',
    ]);
    expect(log).toEqual([]);
  });

  it('the page stack holds at most 10 pages', async () => {
    const log: string[] = [];
    const p = await launched(log);
    for (let i = 0; i < 9; i++) await p.navigateTo(`/pages/c/index?i=${i}`);
    expect(p.pages()).toHaveLength(10);
    await expect(p.navigateTo('/pages/d/index')).rejects.toThrow('navigateTo:fail webview count limit exceed');
    expect(p.pages()).toHaveLength(10);
    await p.redirectTo('/pages/d/index'); // redirect does not grow the stack
    expect(p.pages()).toHaveLength(10);
  });

  it('tapTab: tapping the current tab calls its onTabItemTap; another tab switches then calls that page', async () => {
    const rt = createRuntime({ appConfig });
    const log: string[] = [];
    const p = rt.start();
    const tabPage = () =>
      loggingPage(log, {
        onTabItemTap(item: unknown) {
          log.push(`${short(this.route)}.onTabItemTap${JSON.stringify(item)}`);
        },
      })();
    p.definePage(A, tabPage).definePage(B, tabPage);
    p.launch();
    log.length = 0;
    await p.tapTab(0);
    expect(log).toEqual([`A.onTabItemTap{"index":0,"pagePath":"${A}","text":"Home"}`]);
    log.length = 0;
    await p.tapTab(1);
    expect(log).toEqual(['A.onHide', 'B.onLoad', 'B.onShow', 'B.onReady', `B.onTabItemTap{"index":1,"pagePath":"${B}","text":"Mine"}`]);
  });
});

describe('Component used as a page', () => {
  it('runs component lifetimes and page methods in order, with query into properties', async () => {
    const rt = createRuntime({ appConfig, printErrors: false });
    const log: string[] = [];
    const p = rt.start();
    const behavior = mp.Behavior({
      lifetimes: {
        attached() {
          log.push('behavior.attached');
        },
      },
      methods: {
        shared() {
          return 'from behavior';
        },
      },
    });
    p.definePage(C, () =>
      mp.Component({
        behaviors: [behavior],
        properties: { id: Number, flag: { type: Boolean, value: false }, name: String },
        data: { local: 1 },
        lifetimes: {
          created() {
            log.push(`created id=${String(this.data.id)}`);
          },
          attached() {
            log.push(`attached id=${String(this.data.id)} name=${String(this.data.name)}`);
          },
          ready: 'onMyReady',
          detached() {
            log.push('detached');
          },
        },
        pageLifetimes: {
          show() {
            log.push('pageLifetimes.show');
          },
          hide() {
            log.push('pageLifetimes.hide');
          },
        },
        methods: {
          onLoad(q: unknown) {
            log.push(`onLoad ${JSON.stringify(q)} ${(this.shared as () => string)()}`);
          },
          onShow() {
            log.push('onShow');
          },
          onReady() {
            log.push('onReady');
          },
          onHide() {
            log.push('onHide');
          },
          onUnload() {
            log.push('onUnload');
          },
          onMyReady() {
            log.push('lifetimes.ready');
          },
        },
      }),
    );
    p.launch();
    await p.navigateTo('/pages/c/index?id=42&flag=true');
    expect(log).toEqual([
      'created id=0',
      'behavior.attached',
      'attached id=42 name=',
      'onLoad {"id":"42","flag":"true"} from behavior',
      'onShow',
      'pageLifetimes.show',
      'onReady',
    ]);
    // a string in lifetimes is not a method name: WeChat's frameworks call it and report the
    // TypeError (miniprogram-exparser, glass-easel 0.12.1; see test/sim/pages.ts)
    expect(p.errors.map((e) => [e.where, (e.error as Error).name])).toEqual([[`${C}.lifetimes.ready`, 'TypeError']]);
    const page = p.currentPage()!;
    expect(page.data).toMatchObject({ id: 42, flag: true, name: '', local: 1 });
    expect(page.route).toBe(C);
    expect(page.is).toBe(C);
    log.length = 0;
    await p.navigateTo('/pages/d/index');
    await p.navigateBack();
    p.hide();
    p.show();
    await p.navigateBack().catch(() => undefined);
    await p.reLaunch('/pages/a/index');
    expect(log).toEqual([
      'onHide',
      'pageLifetimes.hide',
      'onShow',
      'pageLifetimes.show',
      'onHide',
      'pageLifetimes.hide',
      'onShow',
      'pageLifetimes.show',
      'onUnload',
      'detached',
    ]);
  });
});

describe('page instances', () => {
  it('copies Page options onto the instance, deep-copies data, supports setData paths', async () => {
    const rt = createRuntime({ appConfig });
    const p = rt.start();
    const shared = { list: [{ a: 1 }] };
    p.definePage(C, () => mp.Page({ data: shared, custom: 'x', method() {
      return this.route;
    } }));
    p.launch();
    const page = await p.navigateTo('/pages/c/index');
    expect(page.custom).toBe('x');
    expect((page.method as () => string)()).toBe(C);
    const second = await p.navigateTo('/pages/c/index');
    expect(second.data).not.toBe(page.data);
    let cbRan = false;
    page.setData({ 'list[0].a': 2, 'x.y[1].z': 'deep', top: true }, () => {
      cbRan = true;
    });
    expect(page.data).toEqual({ list: [{ a: 2 }], x: { y: [undefined, { z: 'deep' }] }, top: true });
    expect(shared.list[0]!.a).toBe(1);
    expect(cbRan).toBe(false);
    await Promise.resolve();
    expect(cbRan).toBe(true);
    expect(page.__wxWebviewId__).not.toBe(second.__wxWebviewId__);
  });

  it('an SDK that wraps the global Page sees the page files', async () => {
    const rt = createRuntime({ appConfig });
    const p = rt.start();
    const seen: string[] = [];
    const g = globalThis as unknown as { Page: (o: Record<string, unknown>) => void };
    const original = g.Page;
    g.Page = (o) => {
      const userOnShow = o.onShow as (() => void) | undefined;
      original({
        ...o,
        onShow(this: { route: string }) {
          seen.push(`sdk:${this.route}`);
          userOnShow?.call(this);
        },
      });
    };
    p.definePage(A, () => mp.Page({ onShow() {
      seen.push('user');
    } }));
    p.launch();
    expect(seen).toEqual([`sdk:${A}`, 'user']);
    p.kill();
    expect((globalThis as Record<string, unknown>).Page).toBeUndefined();
  });

  it('share calls onShareAppMessage with from/target and resolves the promise field', async () => {
    const rt = createRuntime({ appConfig });
    const p = rt.start();
    const args: unknown[] = [];
    p.definePage(A, () =>
      mp.Page({
        onShareAppMessage(arg: unknown) {
          args.push(arg);
          return { title: 't', path: '/pages/a/index?x=1', promise: Promise.resolve({ title: 'late' }) };
        },
        onShareTimeline() {
          return { title: 'tl', query: 'a=1' };
        },
      }),
    );
    p.launch();
    expect(await p.share()).toEqual({ title: 'late', path: '/pages/a/index?x=1' });
    await p.share('button', { id: 'btn', dataset: { k: 1 } });
    expect(args).toEqual([{ from: 'menu' }, { from: 'button', target: { id: 'btn', dataset: { k: 1 } } }]);
    expect(await p.shareTimeline()).toEqual({ title: 'tl', query: 'a=1' });
    await p.navigateTo('/pages/c/index');
    expect(await p.share()).toBeUndefined();
  });

  it('errors thrown in lifecycles reach App.onError and wx.onError, and the route completes', async () => {
    const rt = createRuntime({ appConfig, printErrors: false });
    const p = rt.start();
    const got: string[] = [];
    mp.App({ onError(msg: unknown) {
      got.push(`App:${String(msg).split('\n')[0]}`);
    } });
    p.wx.onError((msg) => got.push(`wx:${msg.split('\n')[0]}`));
    p.definePage(C, () => mp.Page({ onLoad() {
      throw new Error('boom');
    } }));
    p.launch();
    const page = await p.navigateTo('/pages/c/index');
    expect(page.route).toBe(C);
    expect(got).toEqual(['App:Error: boom', 'wx:Error: boom']);
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]!.where).toBe(`${C}.onLoad`);
    p.emitError(new Error('manual'));
    expect(got.at(-1)).toBe('wx:Error: manual');
    const rejections: unknown[] = [];
    p.wx.onUnhandledRejection((r) => rejections.push(r.reason));
    p.emitUnhandledRejection('why');
    expect(rejections).toEqual(['why']);
  });
});

describe('processes', () => {
  it('kill: no lifecycle runs, wx inert, globals restored; a new process shares storage', async () => {
    const before = Object.getOwnPropertyDescriptor(globalThis, 'wx');
    const rt = createRuntime({ appConfig });
    const log: string[] = [];
    const p = boot(rt, log);
    p.launch();
    p.wx.setStorageSync('k', { v: 1 });
    log.length = 0;
    const deadWx = p.wx;
    p.kill();
    expect(log).toEqual([]);
    expect(p.alive).toBe(false);
    expect(Object.getOwnPropertyDescriptor(globalThis, 'wx')).toEqual(before);
    expect(deadWx.getStorageSync('k')).toBe('');
    expect(deadWx.setStorageSync('k', 2)).toBeUndefined();
    expect(rt.storage.peek('k')).toEqual({ v: 1 });
    await expect(p.navigateTo('/pages/c/index')).rejects.toThrow('killed');
    expect(() => p.launch()).toThrow('killed');

    const p2 = rt.start({ scene: 1089 });
    expect(p2.wx).not.toBe(deadWx);
    expect(p2.wx.getStorageSync('k')).toEqual({ v: 1 });
    expect((globalThis as Record<string, unknown>).wx).toBe(p2.wx);
    rt.dispose();
    expect(Object.getOwnPropertyDescriptor(globalThis, 'wx')).toEqual(before);
  });

  it('globals unwind correctly when runtimes are disposed out of order', () => {
    const g = globalThis as Record<string, unknown>;
    const before = g.wx;
    const rt1 = createRuntime();
    const p1 = rt1.start();
    const rt2 = createRuntime();
    const p2 = rt2.start();
    expect(g.wx).toBe(p2.wx);
    rt1.dispose(); // not the newest: p2 keeps the globals
    expect(p1.alive).toBe(false);
    expect(g.wx).toBe(p2.wx);
    rt2.dispose();
    expect(g.wx).toBe(before);
  });

  it('starting a new process kills the live one', () => {
    const rt = createRuntime({ appConfig });
    const p1 = rt.start();
    const p2 = rt.start();
    expect(p1.alive).toBe(false);
    expect(rt.current).toBe(p2);
    expect(rt.processes).toEqual([p1, p2]);
  });

  it('device info, legacy fallbacks and account info', () => {
    const rt = createRuntime({ appId: 'wxabc', device: { brand: 'HUAWEI', platform: 'android', system: 'Android 14' } });
    const p = rt.start();
    expect(p.wx.getDeviceInfo!()).toMatchObject({ brand: 'HUAWEI', platform: 'android', system: 'Android 14' });
    expect(p.wx.getAppBaseInfo!()).toMatchObject({ SDKVersion: '3.6.0' });
    expect(p.wx.getWindowInfo!()).toMatchObject({ pixelRatio: 3, screenWidth: 393 });
    expect(p.wx.getSystemInfoSync()).toMatchObject({ brand: 'HUAWEI', SDKVersion: '3.6.0', screenWidth: 393 });
    expect(p.wx.getAccountInfoSync().miniProgram).toEqual({ appId: 'wxabc', envVersion: 'release', version: '1.0.0' });
    expect(p.wx.canIUse('getDeviceInfo')).toBe(true);

    const legacy = createRuntime({ device: { legacy: true } }).start();
    expect(legacy.wx.getDeviceInfo).toBeUndefined();
    expect(legacy.wx.getWindowInfo).toBeUndefined();
    expect(legacy.wx.getAppBaseInfo).toBeUndefined();
    expect(legacy.wx.canIUse('getDeviceInfo')).toBe(false);
    expect(legacy.wx.getSystemInfoSync()).toMatchObject({ SDKVersion: '2.19.4' });
  });
});
