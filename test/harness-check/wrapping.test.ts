// @vitest-environment jsdom
/**
 * How an SDK's Component/Page wrappers get into the loading path of mp-simulate: wrap-function
 * mode, patched-global mode, double wrapping, Page → component conversion, page context with a
 * test/sim process, and what throwing/async handlers do. No SDK involved: small stand-ins.
 */
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { patchGlobalsLikeUniVendor, uniapp } from '../fixtures/frameworks';
import { createRuntime, mp } from '../sim';
import {
  cleanupSimulate,
  fakePageStack,
  loadComponent,
  loadComponentDir,
  loadPage,
  loadPageDir,
  loadingFile,
  npmComponentDir,
  render,
  renderPage,
  stageProject,
  tap,
  useSimulateGlobals,
  type MpEvent,
  type MpOptions,
  type SimInstance,
  type WrapFn,
} from '../support/mp-simulate';

type Fn = (...a: unknown[]) => unknown;
const G = globalThis as unknown as Record<string, unknown>;

afterEach(() => cleanupSimulate());

/** an SDK-like options wrapper: wraps methods (Component) or top-level functions (Page), logging `tag:name` */
function sdkWrap(log: string[], tag: string, where: 'methods' | 'top' = 'methods'): WrapFn {
  return (o: MpOptions) => {
    const target = (where === 'methods' ? (o.methods ?? {}) : o) as Record<string, unknown>;
    for (const [k, v] of Object.entries(target)) {
      if (typeof v !== 'function' || k === 'lifetimes') continue;
      target[k] = function (this: unknown, ...args: unknown[]) {
        log.push(`${tag}:${k}`);
        return (v as Fn).apply(this, args);
      };
    }
    return o;
  };
}

/** the SDK's "patched global" install: replace globalThis.X with a wrapper calling the previous global */
function patchGlobal(name: 'Component' | 'Page', wrap: WrapFn): () => void {
  const prev = G[name] as Fn;
  G[name] = (o: MpOptions) => prev(wrap(o) ?? o);
  return () => {
    G[name] = prev;
  };
}

const button = { template: `<view><button id="b" data-k="v" bindtap="onTap">x</button></view>` };

describe('wrap-function mode', () => {
  it('inline definitions: the wrapper sees the options, handlers run through it, globals restored after load', async () => {
    const before = G.Component;
    const log: string[] = [];
    let host = 0;
    const id = loadComponent(
      {
        ...button,
        methods: {
          onTap() {
            host++;
          },
        },
      },
      sdkWrap(log, 'sdk'),
    );
    expect(G.Component).toBe(before);
    await tap(render(id), '#b');
    expect(log).toEqual(['sdk:onTap']);
    expect(host).toBe(1);
  });

  it("a component directory (real tdesign t-button): its own Component({...}) call goes through the wrapper", async () => {
    const tdesign = npmComponentDir('tdesign-miniprogram');
    const seen: string[] = [];
    loadComponentDir(path.join(tdesign, 'button/button'), {
      rootPath: tdesign,
      wrap: (o) => {
        seen.push(`${path.basename(loadingFile() ?? '?')}:${Object.keys((o.methods ?? {}) as object).includes('handleTap')}`);
      },
    });
    // t-button uses t-icon and t-loading: every Component() call of the load is wrapped
    expect(seen).toEqual(expect.arrayContaining(['button.js:true', 'icon.js:false', 'loading.js:false']));
  });

  it('Page wrapper: Page({...}) options go through {Page: wrap}; Component-as-page through {Component: wrap}', async () => {
    const log: string[] = [];
    const wrap = { Page: sdkWrap(log, 'page', 'top'), Component: sdkWrap(log, 'comp') };
    const p1 = loadPage({ ...button, onTap() {} }, { route: 'pages/a/index', wrap });
    const p2 = loadPage({ ...button, methods: { onTap() {} } }, { route: 'pages/b/index', kind: 'component', wrap });
    const r1 = renderPage(p1);
    const r2 = renderPage(p2);
    log.length = 0;
    await tap(r1.root, '#b');
    await tap(r2.root, '#b');
    expect(log).toEqual(['page:onTap', 'comp:onTap']);
  });
});

describe('patched-global mode', () => {
  it('useSimulateGlobals() then the SDK patches globalThis.Component/Page; loads with wrap "global" go through it', async () => {
    const log: string[] = [];
    useSimulateGlobals();
    const undoC = patchGlobal('Component', sdkWrap(log, 'sdkC'));
    const undoP = patchGlobal('Page', sdkWrap(log, 'sdkP', 'top'));
    const c = loadComponent({ ...button, methods: { onTap() {} } }, 'global');
    const p = loadPage({ ...button, onTap() {} }, { wrap: 'global' });
    await tap(render(c), '#b');
    await tap(renderPage(p).root, '#b');
    expect(log).toEqual(['sdkC:onTap', 'sdkP:onTap']);
    undoP();
    undoC();
  });

  it('a component directory loaded with "global": the component file calls the patched global', async () => {
    const tdesign = npmComponentDir('tdesign-miniprogram');
    const files: string[] = [];
    useSimulateGlobals();
    const undo = patchGlobal('Component', (o) => {
      files.push(path.basename(loadingFile() ?? '?'));
      return o;
    });
    loadComponentDir(path.join(tdesign, 'icon/icon'), { rootPath: tdesign, wrap: 'global' });
    expect(files).toEqual(['icon.js']);
    undo();
  });

  it('throws a clear error when the global never reaches miniprogram-simulate (SDK patched before useSimulateGlobals)', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'Component');
    G.Component = () => undefined; // an SDK wrapper around a missing/foreign constructor
    expect(() => loadComponent({ ...button, methods: {} }, 'global')).toThrow(/useSimulateGlobals/);
    if (saved) Object.defineProperty(globalThis, 'Component', saved);
    else delete G.Component;
  });

  it('double wrapping: SDK patched, then a framework vendor (uni-app) patches again - both wrappers run once, host once', async () => {
    const log: string[] = [];
    useSimulateGlobals();
    const undoSdk = patchGlobal('Component', sdkWrap(log, 'sdk'));
    const undoVendor = patchGlobalsLikeUniVendor();
    const undoSdk2 = patchGlobal('Component', sdkWrap(log, 'sdk-again')); // e.g. init() called twice
    let host = 0;
    const id = loadComponent(
      {
        ...button,
        methods: {
          onTap() {
            host++;
          },
        },
      },
      'global',
    );
    await tap(render(id), '#b');
    expect(host).toBe(1);
    expect(log).toEqual(['sdk:onTap', 'sdk-again:onTap']);
    undoSdk2();
    undoVendor();
    undoSdk();
  });

  it('uni-app fixture pages load through the patched global too (their e0 invokers are not in methods)', async () => {
    const log: string[] = [];
    useSimulateGlobals();
    const undo = patchGlobal('Component', sdkWrap(log, 'sdk'));
    const s = uniapp.scenarios[0]!;
    const { root, page } = renderPage(s.load('global'));
    log.length = 0;
    await tap(root, s.buySelector);
    await s.settle();
    expect(s.effect(page, root)).toBe(1);
    expect(log).toEqual([]); // the tap went to this.e0, which no methods wrapper sees
    expect(typeof page.e0).toBe('function');
    undo();
  });
});

describe('Page conversion and page context', () => {
  it('Page(): route/options on the instance, onLoad(query) → onShow on attach, onReady on ready, fields copied', () => {
    const order: string[] = [];
    const id = loadPage(
      {
        template: '<view>x</view>',
        data: { a: 1 },
        flag: 'field',
        onLoad(this: SimInstance, q: unknown) {
          order.push(`onLoad:${JSON.stringify(q)}:${this.route as string}:${this.flag as string}`);
        },
        onShow() {
          order.push('onShow');
        },
        onReady() {
          order.push('onReady');
        },
      },
      { route: 'pages/x/index', query: { id: '7' } },
    );
    const { page } = renderPage(id);
    expect(order).toEqual(['onLoad:{"id":"7"}:pages/x/index:field', 'onShow', 'onReady']);
    expect(page).toMatchObject({ route: 'pages/x/index', __route__: 'pages/x/index', options: { id: '7' } });
  });

  it('Component-as-page: created → attached → onLoad → onShow → ready → onReady', () => {
    const order: string[] = [];
    const id = loadPage(
      {
        template: '<view>x</view>',
        lifetimes: {
          created: () => order.push('created'),
          attached: () => order.push('attached'),
          ready: () => order.push('ready'),
        },
        methods: {
          onLoad: () => order.push('onLoad'),
          onShow: () => order.push('onShow'),
          onReady: () => order.push('onReady'),
        },
      },
      { route: 'pages/c/index', kind: 'component' },
    );
    renderPage(id);
    expect(order).toEqual(['created', 'attached', 'onLoad', 'onShow', 'ready', 'onReady']);
  });

  it('fakePageStack(): getCurrentPages() without a sim process; rendered pages are pushed', () => {
    const stack = fakePageStack();
    const { page } = renderPage(loadPage({ template: '<view/>' }, { route: 'pages/s/index' }));
    const gcp = G.getCurrentPages as () => SimInstance[];
    expect(gcp().map((p) => p.route)).toEqual(['pages/s/index']);
    expect(stack[0]).toBe(page);
    cleanupSimulate();
    expect(G.getCurrentPages).toBeUndefined();
  });

  it('with a test/sim process: its wx/getCurrentPages stay in place; useSimulateGlobals after start, cleanup before dispose', async () => {
    const rt = createRuntime({ appConfig: { pages: ['pages/home/index'] }, printErrors: false });
    const p = rt.start();
    p.definePage('pages/home/index', () => mp.Page({}));
    mp.App({});
    p.launch();
    const simComponent = G.Component;
    const log: string[] = [];
    useSimulateGlobals();
    const undo = patchGlobal('Component', sdkWrap(log, 'sdk'));
    const id = loadComponent({ ...button, methods: { onTap() {} } }, 'global');
    await tap(render(id), '#b');
    expect(log).toEqual(['sdk:onTap']);
    expect(mp.getCurrentPages().map((x) => x.route)).toEqual(['pages/home/index']);
    expect(G.wx).toBe(p.wx);
    undo();
    cleanupSimulate();
    expect(G.Component).toBe(simComponent);
    rt.dispose();
    expect(G.Component).toBeUndefined();
  });
});

describe('host behaviour of throwing and async handlers (simulate)', () => {
  it('a throwing handler: exparser catches and logs it, the tap keeps bubbling to outer handlers', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const log: string[] = [];
    const id = loadComponent({
      template: `<view id="outer" bindtap="onOuter"><view id="in" bindtap="onIn">x</view></view>`,
      methods: {
        onIn() {
          log.push('in');
          throw new Error('boom');
        },
        onOuter() {
          log.push('outer');
        },
      },
    });
    await tap(render(id), '#in');
    expect(log).toEqual(['in', 'outer']);
    expect(errors.mock.calls.some((c) => c.some((a) => String(a instanceof Error ? a.message : a).includes('boom')))).toBe(true);
    errors.mockRestore();
  });

  it('an async handler: dispatch does not wait for it; its continuation runs later', async () => {
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const id = loadComponent({
      template: `<view id="outer" bindtap="onOuter"><view id="in" bindtap="onIn">x</view></view>`,
      methods: {
        async onIn(e: MpEvent) {
          log.push(`in:${e.type}`);
          await gate;
          log.push('in:after-await');
        },
        onOuter() {
          log.push('outer');
        },
      },
    });
    await tap(render(id), '#in');
    expect(log).toEqual(['in:tap', 'outer']);
    release();
    await gate;
    await Promise.resolve();
    expect(log).toEqual(['in:tap', 'outer', 'in:after-await']);
  });
});

describe('a native project from disk (test/fixtures/native-app)', () => {
  it('Component-as-page file with ESM imports, a root-absolute usingComponents path, loaded twice (fresh module runs)', async () => {
    const root0 = stageProject(path.resolve(__dirname, '../fixtures/native-app'));
    for (let round = 0; round < 2; round++) {
      const log: string[] = [];
      const id = loadPageDir(root0, 'pages/cart/index', { wrap: sdkWrap(log, `sdk${round}`) });
      const { root, page } = renderPage(id);
      expect(page.route).toBe('pages/cart/index');
      expect(page.data.total).toBe('¥54.90');
      log.length = 0;
      await tap(root, '#item-b2');
      await tap(root, '#bar >>> #checkout');
      expect(page.data).toMatchObject({ lastItem: 'b2', checkouts: 1 });
      expect(log).toEqual([`sdk${round}:onItemTap`, `sdk${round}:onTapCheckout`, `sdk${round}:onCheckout`]);
    }
  });
});
