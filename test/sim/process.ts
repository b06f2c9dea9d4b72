/**
 * One run of the mini-program (a "process"): its own `wx`, globals, App, page stack and
 * listeners, on top of the runtime's storage and network, which outlive it.
 *
 * Documented behaviour followed here (WeChat docs "小程序运行机制", App(), "页面路由",
 * wx.getLaunchOptionsSync / wx.getEnterOptionsSync, "网络 > 使用说明"):
 * - Cold start: App.onLaunch(options) -> App.onShow(options) (+ wx.onAppShow listeners, same
 *   timing as App.onShow) -> entry page onLoad(query) -> onShow -> onReady. getCurrentPages()
 *   is empty during App.onLaunch. options = { path, query, scene, referrerInfo, shareTicket?,
 *   chatType?, apiCategory }; getLaunchOptionsSync() returns the cold-start options,
 *   getEnterOptionsSync() those of the latest entry (cold or hot).
 * - Going to background: current page onHide -> App.onHide (+ wx.onAppHide listeners).
 *   Back to foreground: App.onShow(options) (+ wx.onAppShow) -> current page onShow.
 *   (Order as documented for "应用生命周期影响页面生命周期": page onHide before App.onHide;
 *   App.onShow before page onShow.) A hot start with a different `path` re-launches to
 *   that page after App.onShow.
 * - Entry page missing: App.onPageNotFound / wx.onPageNotFound get { path, query,
 *   isEntryPage: true }.
 * - In background, requests still running after 5 s fail with 'request:fail interrupted'
 *   and new network calls fail until the app is shown again (process option
 *   suspendAfterHideMs, default 5000; null disables it). JS timers are not frozen.
 * - Route APIs are asynchronous: the transition runs on a microtask after the call (queued
 *   behind earlier route calls), then success/fail/complete; they support the Promise style.
 * - app.js is `defineApp()` (or test code run before `launch()`); a launch into an independent
 *   subpackage defers it, and Moments single-page mode (scene 1154) has its own storage and a
 *   reduced API set: see subpackages.ts.
 * - Killing the process (the system destroying it) runs no lifecycle at all: the wx object
 *   becomes inert (storage calls do nothing and return ''/undefined, request callbacks and
 *   listeners never fire again, open sockets are destroyed), and the globals are restored.
 */
import { AppHost, formatError, type AppEventApi } from './app';
import { createDeviceApi, type AccountOptions, type DeviceApi, type DeviceProfile } from './device';
import { installGlobals } from './globals';
import { createNetworkApi, type NetworkApi, type NetworkBinding, type SimNetwork } from './network';
import { PageRuntime, type PageDefinition, type SimPage } from './pages';
import {
  ERR_INTERRUPTED,
  ERR_OFFLINE,
  ERR_SUSPENDED,
  RequestEngine,
  type RequestHost,
  type RequestOptions,
  type RequestStats,
  type RequestTask,
} from './request';
import { MAX_STACK, Router } from './router';
import { NativeFlows, type HideOrder, type NativeFlowOptions, type ShowOrder } from './native-flows';
import { createStorageApi, type SimStorage, type StorageApi } from './storage';
import { isIndependent, restrictSinglePage, SINGLE_PAGE_SCENE, subpackagePages, type IndependentOptions, type SinglePageApis } from './subpackages';
import type { AppConfig, Callbacks, Dict, EnterOptions, ErrMsgResult, Query, StartOptions } from './types';
import { cloneData, completion, isObject, resolveUrl, typeName } from './util';

export interface RouteOptions extends Callbacks {
  url: string;
  [k: string]: unknown;
}

export interface RouteApi {
  navigateTo(opts: RouteOptions): Promise<ErrMsgResult> | void;
  redirectTo(opts: RouteOptions): Promise<ErrMsgResult> | void;
  navigateBack(opts?: { delta?: number } & Callbacks): Promise<ErrMsgResult> | void;
  switchTab(opts: RouteOptions): Promise<ErrMsgResult> | void;
  reLaunch(opts: RouteOptions): Promise<ErrMsgResult> | void;
}

/** The `wx` object of one simulated process. Members may be replaced or deleted by tests/SDKs. */
export interface SimWx extends StorageApi, NetworkApi, DeviceApi, AppEventApi, RouteApi {
  request(opts: RequestOptions): RequestTask;
  getLaunchOptionsSync(): EnterOptions;
  getEnterOptionsSync(): EnterOptions;
  canIUse(schema: string): boolean;
  env: { USER_DATA_PATH: string };
  [member: string]: unknown;
}

/** What a process needs from the runtime that started it. */
export interface ProcessContext {
  storage: SimStorage;
  network: SimNetwork;
  requests: RequestStats;
  device: DeviceProfile;
  appId: string;
  account: AccountOptions;
  appConfig: AppConfig | undefined;
  suspendAfterHideMs: number | null;
  printErrors: boolean;
  /** how wx.previewImage, requestPayment… hide and show the app (native-flows.ts) */
  nativeFlows?: NativeFlowOptions;
  /** where the independent-subpackage docs are silent (subpackages.ts) */
  independent?: IndependentOptions;
  /** how the APIs Moments single-page mode disables behave (subpackages.ts) */
  singlePageApis?: SinglePageApis;
  onDeath(p: SimProcess): void;
}

export interface UncaughtError {
  where: string;
  error: unknown;
  message: string;
}

type RouteApiName = 'navigateTo' | 'redirectTo' | 'navigateBack' | 'switchTab' | 'reLaunch';

let nextProcessId = 1;

/** home page used when neither appConfig nor definePage gave any page */
export const DEFAULT_HOME = 'pages/index/index';

function stripSlash(route: string): string {
  return route.replace(/^\/+/, '').replace(/\?.*$/, '');
}

export class SimProcess {
  readonly id = nextProcessId++;
  readonly wx: SimWx;
  readonly app: AppHost;
  /** errors thrown by app/page code and callbacks, caught like the framework does */
  readonly errors: UncaughtError[] = [];
  /** lifecycle trace, e.g. 'App.onLaunch', 'pages/a/index.onShow' */
  readonly trace: string[] = [];
  /** Component() calls made outside page files (custom components) */
  readonly components: Dict[] = [];
  /** the native full-screen flows (previewImage, requestPayment…): the test plays the user in them */
  readonly flows: NativeFlows;

  private _alive = true;
  private _launched = false;
  private _visible = false;
  private _suspended = false;
  private readonly launchOpts: EnterOptions;
  private enterOpts: EnterOptions | undefined;
  private readonly restoreGlobals: () => void;
  private readonly defs = new Map<string, { factory?: () => void; def?: PageDefinition }>();
  private readonly pageOrder: string[] = [];
  private defining: { route: string; def?: PageDefinition } | null = null;
  /** app.js (defineApp) and whether it ran: a launch into an independent subpackage defers it (subpackages.ts) */
  private appFactory: (() => void) | undefined;
  private mainLoaded = false;
  private readonly pagesRt: PageRuntime;
  private readonly router: Router;
  private readonly engine: RequestEngine;
  private readonly net: NetworkBinding;
  private readonly unsubscribeNet: () => void;
  private routeChain: Promise<void> = Promise.resolve();
  private suspendTimer: { clear(): void } | undefined;
  private readonly host: RequestHost & { trace(e: string): void };

  constructor(
    private readonly ctx: ProcessContext,
    start: StartOptions = {},
  ) {
    const self = this;
    const host: RequestHost & { trace(e: string): void } = (this.host = {
      get alive() {
        return self._alive;
      },
      reportError: (err, where) => self.reportError(err, where, ctx.printErrors),
      trace: (e) => {
        self.trace.push(e);
      },
      get appId() {
        return ctx.appId;
      },
      get online() {
        return ctx.network.online;
      },
      get suspendedErrMsg() {
        return self._suspended ? ERR_SUSPENDED : undefined;
      },
    });

    this.launchOpts = this.enterOptionsFrom(start, ctx.appConfig?.pages[0] !== undefined ? stripSlash(ctx.appConfig.pages[0]) : '');
    this.app = new AppHost(host);
    this.pagesRt = new PageRuntime(host);
    this.router = new Router(
      this.pagesRt,
      (r) => this.isTab(r),
      (r) => this.definition(r),
    );
    this.engine = new RequestEngine(host, ctx.requests);
    this.net = createNetworkApi(ctx.network, host);
    this.unsubscribeNet = ctx.network._subscribe((s) => {
      if (!s.isConnected) this.engine.failAll(ERR_OFFLINE);
      this.net.dispatch(s);
    });

    this.flows = new NativeFlows(
      {
        get alive() {
          return self._alive;
        },
        get visible() {
          return self._visible;
        },
        reportError: host.reportError,
        trace: host.trace,
        hide: (order: HideOrder) => this.hide(order),
        // the app never left WeChat: the return keeps the scene of the last entry (not documented)
        show: (order: ShowOrder) => void this.show({ scene: this.enterOpts?.scene }, order),
      },
      ctx.nativeFlows,
    );
    const storageApi = createStorageApi(ctx.storage, host);
    const deviceApi = createDeviceApi(ctx.device, ctx.appId, ctx.account, host);
    const routeApi: RouteApi = {
      navigateTo: (o) =>
        this.routeApi('navigateTo', o, () => {
          const t = this.target('navigateTo', o?.url);
          if (typeof t === 'string') return t;
          if (this.isTab(t.route)) return 'navigateTo:fail can not navigateTo a tabbar page';
          if (this.router.stack.length >= MAX_STACK) return 'navigateTo:fail webview count limit exceed';
          this.definition(t.route);
          this.router.navigateTo(t.route, t.query);
          return undefined;
        }),
      redirectTo: (o) =>
        this.routeApi('redirectTo', o, () => {
          const t = this.target('redirectTo', o?.url);
          if (typeof t === 'string') return t;
          if (this.isTab(t.route)) return 'redirectTo:fail can not redirectTo a tabbar page';
          this.definition(t.route);
          this.router.redirectTo(t.route, t.query);
          return undefined;
        }),
      navigateBack: (o) =>
        this.routeApi('navigateBack', o, () => {
          if (this.router.stack.length <= 1) return 'navigateBack:fail cannot navigate back at first page.';
          this.router.navigateBack(typeof o?.delta === 'number' ? o.delta : 1);
          return undefined;
        }),
      switchTab: (o) =>
        this.routeApi('switchTab', o, () => {
          const t = this.target('switchTab', o?.url);
          if (typeof t === 'string') return t;
          if (!this.isTab(t.route)) return 'switchTab:fail can not switch to no-tabBar page';
          this.definition(t.route);
          this.router.switchTab(t.route);
          return undefined;
        }),
      reLaunch: (o) =>
        this.routeApi('reLaunch', o, () => {
          const t = this.target('reLaunch', o?.url);
          if (typeof t === 'string') return t;
          this.definition(t.route);
          this.router.reLaunch(t.route, t.query);
          return undefined;
        }),
    };

    const wx: SimWx = {
      ...storageApi,
      ...this.net.api,
      ...deviceApi,
      ...this.app.createApi(),
      ...routeApi,
      ...this.flows.createApi(),
      request: (opts: RequestOptions) => this.engine.request(opts),
      getLaunchOptionsSync: () => cloneData(this.launchOpts),
      getEnterOptionsSync: () => cloneData(this.enterOpts ?? this.launchOpts),
      canIUse: (schema: string) => typeof schema === 'string' && wx[schema.split('.')[0]!] !== undefined,
      env: { USER_DATA_PATH: 'wxfile://usr' },
    };
    this.wx = wx;
    if (this.launchOpts.scene === SINGLE_PAGE_SCENE) restrictSinglePage(wx, ctx.singlePageApis ?? 'fail', host);

    this.restoreGlobals = installGlobals({
      wx,
      App: (options: unknown) => {
        if (this._alive) this.app.register(options);
      },
      Page: (options: unknown) => this.capture('page', options),
      Component: (options: unknown) => this.capture('component', options),
      Behavior: (options: unknown) => (isObject(options) ? options : {}),
      getApp: (opts?: { allowDefault?: boolean }) => this.app.getApp(opts),
      getCurrentPages: () => [...this.router.stack],
    });
  }

  // ---- state ----------------------------------------------------------------------------

  get alive(): boolean {
    return this._alive;
  }
  get launched(): boolean {
    return this._launched;
  }
  /** in foreground */
  get visible(): boolean {
    return this._visible;
  }
  /** in background long enough for network calls to be refused */
  get suspended(): boolean {
    return this._suspended;
  }
  /** requests of this process not settled yet */
  get requestsInFlight(): number {
    return this.engine.inFlight;
  }

  /** the page stack, bottom first (what getCurrentPages() returns) */
  pages(): SimPage[] {
    return [...this.router.stack];
  }

  currentPage(): SimPage | undefined {
    return this.router.current();
  }

  /** pages loaded in this process: the stack plus tab pages hidden behind another tab */
  alivePages(): SimPage[] {
    return this.router.alivePages();
  }

  // ---- page files -----------------------------------------------------------------------

  /**
   * Registers the code of a page file. `factory` runs lazily (at launch or first navigation
   * to the route) and must call the global Page({...}) or Component({...}).
   */
  definePage(route: string, factory: () => void): this {
    const r = stripSlash(route);
    if (this.ctx.appConfig && !this.configPages().includes(r)) {
      throw new Error(`definePage: "${r}" is not listed in appConfig.pages`);
    }
    if (this.defs.get(r)?.def) throw new Error(`definePage: "${r}" was already loaded`);
    this.defs.set(r, { factory });
    if (!this.pageOrder.includes(r)) this.pageOrder.push(r);
    return this;
  }

  private configPages(): string[] {
    const c = this.ctx.appConfig;
    return c ? [...c.pages.map(stripSlash), ...subpackagePages(c)] : this.pageOrder;
  }

  /**
   * Registers app.js: it runs at launch before App.onLaunch (register the SDK and App() in it), or,
   * after a launch into an independent subpackage, when the main package is first entered.
   * Without it, test code plays app.js itself before `launch()`.
   */
  defineApp(factory: () => void): this {
    this.appFactory = factory;
    return this;
  }

  /**
   * Runs app.js once. `deferred`: the main package is entered after a launch into an independent
   * subpackage: App.onLaunch and the first App.onShow follow now (subpackages.ts), wx.onAppShow
   * listeners only if `independent.deferredShowListeners`.
   */
  private loadMain(deferred: boolean): void {
    if (this.mainLoaded) return;
    this.mainLoaded = true;
    this.appFactory?.();
    if (!deferred) return;
    this.trace.push('App.onLaunch');
    this.app.emitLaunch(this.launchOpts);
    this.trace.push('App.onShow');
    this.app.emitShow(this.enterOpts ?? this.launchOpts, this.ctx.independent?.deferredShowListeners === true);
  }

  private knows(route: string): boolean {
    return this.configPages().includes(route);
  }

  private isTab(route: string): boolean {
    const list = this.ctx.appConfig?.tabBar?.list ?? [];
    return list.some((t) => stripSlash(t.pagePath) === route);
  }

  private capture(kind: 'page' | 'component', options: unknown): void {
    const opts: Dict = isObject(options) ? options : {};
    if (kind === 'component' && (!this.defining || this.defining.def)) {
      this.components.push(opts);
      return;
    }
    if (!this.defining) {
      throw new Error('Page() called outside a page file: register pages with p.definePage(route, () => Page({...}))');
    }
    if (this.defining.def) throw new Error(`page file "${this.defining.route}" called Page() twice`);
    this.defining.def = { kind, options: opts };
  }

  /** Runs the page file once (lazily) and returns what it registered. */
  private definition(route: string): PageDefinition {
    if (!isIndependent(this.ctx.appConfig, route)) this.loadMain(true);
    let entry = this.defs.get(route);
    if (!entry) {
      entry = {};
      this.defs.set(route, entry);
    }
    if (entry.def) return entry.def;
    const factory =
      entry.factory ??
      (() => {
        // page without code in the test: an empty Page, registered through the global
        (globalThis as unknown as { Page: (o: Dict) => void }).Page({});
      });
    const prev = this.defining;
    this.defining = { route };
    let def: PageDefinition | undefined;
    try {
      factory();
      def = this.defining.def;
    } finally {
      this.defining = prev;
    }
    if (!def) throw new Error(`page file "${route}" did not call Page() or Component()`);
    entry.def = def;
    return def;
  }

  // ---- launch / foreground / background -----------------------------------------------

  private enterOptionsFrom(start: StartOptions, fallbackPath: string): EnterOptions {
    const parsed = start.path !== undefined ? resolveUrl(start.path, undefined) : { route: fallbackPath, query: {} as Query };
    const o: EnterOptions = {
      path: parsed.route,
      query: { ...parsed.query, ...(start.query ?? {}) },
      scene: start.scene ?? 1001,
      referrerInfo: cloneData(start.referrerInfo ?? {}),
      // 'browseOnly' for "朋友圈快照页等场景" (wx.getLaunchOptionsSync; subpackages.ts)
      apiCategory: start.apiCategory ?? (start.scene === SINGLE_PAGE_SCENE ? 'browseOnly' : 'default'),
    };
    if (start.shareTicket !== undefined) o.shareTicket = start.shareTicket;
    if (start.chatType !== undefined) o.chatType = start.chatType;
    return o;
  }

  private assertAlive(what: string): void {
    if (!this._alive) throw new Error(`${what}: the process was killed`);
  }

  private assertLaunched(what: string): void {
    this.assertAlive(what);
    if (!this._launched) throw new Error(`${what}: call p.launch() first`);
  }

  /**
   * Cold start: App.onLaunch, App.onShow, wx.onAppShow listeners, then the entry page
   * (onLoad/onShow/onReady). Returns the entry page (undefined if it was not found and
   * onPageNotFound handled it).
   */
  launch(): SimPage | undefined {
    this.assertAlive('launch');
    if (this._launched) throw new Error('launch: already launched');
    this._launched = true;
    this._visible = true;
    // no appConfig and no page defined: a single empty home page, so minimal tests can launch
    if (!this.ctx.appConfig && this.pageOrder.length === 0) this.pageOrder.push(DEFAULT_HOME);
    if (!this.launchOpts.path) this.launchOpts.path = this.configPages()[0] ?? '';
    if (!this.launchOpts.path) throw new Error('launch: appConfig.pages is empty');
    this.enterOpts = this.launchOpts;
    const { path: route, query } = this.launchOpts;
    // A launch into an independent subpackage runs no app.js (subpackages.ts).
    if (!isIndependent(this.ctx.appConfig, route)) this.loadMain(false);
    else if (this.ctx.independent?.entryFileFirst) this.definition(route);
    this.trace.push('App.onLaunch');
    this.app.emitLaunch(this.launchOpts);
    this.trace.push('App.onShow');
    this.app.emitShow(this.launchOpts);
    if (!this.knows(route)) {
      const handled = this.app.emitPageNotFound({ path: route, query: { ...query }, isEntryPage: true });
      if (!handled) throw new Error(`launch: entry page "${route}" is not found and nothing handles onPageNotFound`);
      return undefined;
    }
    this.definition(route);
    return this.router.launch(route, query);
  }

  /**
   * App to background: page onHide, App.onHide, wx.onAppHide listeners ('app-first': App first,
   * as one order of native flows is modelled, see native-flows.ts).
   */
  hide(order: HideOrder = 'page-first'): void {
    this.assertLaunched('hide');
    if (!this._visible) return;
    this._visible = false;
    const cur = this.router.current();
    if (cur && order === 'page-first') this.pagesRt.hide(cur);
    this.trace.push('App.onHide');
    this.app.emitHide();
    if (cur && order === 'app-first') this.pagesRt.hide(cur);
    const ms = this.ctx.suspendAfterHideMs;
    if (ms !== null && this._alive && !this._visible) {
      const clear = globalThis.clearTimeout;
      const t = globalThis.setTimeout(() => {
        if (!this._alive || this._visible) return;
        this._suspended = true;
        this.engine.failAll(ERR_INTERRUPTED);
      }, ms);
      this.suspendTimer = { clear: () => clear(t) };
    }
  }

  /**
   * App to foreground (hot start): App.onShow(options), wx.onAppShow listeners, then the
   * current page's onShow — or, when `opts.path` names another page, a reLaunch to it.
   */
  show(opts: StartOptions = {}, order: ShowOrder = 'app-first'): SimPage | undefined {
    this.assertLaunched('show');
    if (this._visible) return this.router.current();
    this.suspendTimer?.clear();
    this.suspendTimer = undefined;
    this._suspended = false;
    this._visible = true;
    const cur = this.router.current();
    const fallback = cur ? cur.route : this.launchOpts.path;
    const enter = this.enterOptionsFrom(
      opts.path === undefined && cur ? { ...opts, query: opts.query ?? { ...cur.options } } : opts,
      fallback,
    );
    this.enterOpts = enter;
    // 'page-first': the current page's onShow before App.onShow (one order of native flows)
    if (cur && order === 'page-first' && opts.path === undefined) {
      this.pagesRt.show(cur);
      this.trace.push('App.onShow');
      this.app.emitShow(enter);
      return cur;
    }
    this.trace.push('App.onShow');
    this.app.emitShow(enter);
    if (opts.path !== undefined && this.knows(enter.path)) {
      const same = cur && cur.route === enter.path && JSON.stringify(cur.options) === JSON.stringify(enter.query);
      if (!same) {
        this.definition(enter.path);
        return this.router.reLaunch(enter.path, enter.query);
      }
    }
    if (cur) this.pagesRt.show(cur);
    return cur;
  }

  // ---- routes ---------------------------------------------------------------------------

  private target(api: RouteApiName, url: unknown): { route: string; query: Query } | string {
    if (typeof url !== 'string' || url === '') {
      return `${api}:fail parameter error: parameter.url should be String instead of ${typeName(url)};`;
    }
    const { route, query } = resolveUrl(url, this.router.current()?.route);
    if (!this.knows(route)) return `${api}:fail page "${route}" is not found`;
    return { route, query };
  }

  private routeApi(api: RouteApiName, opts: Callbacks | undefined, run: () => string | undefined): Promise<ErrMsgResult> | void {
    const c = completion(this.host, api, opts);
    if (!this._alive) return c.promise;
    this.routeChain = this.routeChain.then(() => {
      if (!this._alive) return;
      if (!this._launched) {
        c.done(false, { errMsg: `${api}:fail app is not launched` });
        return;
      }
      let err: string | undefined;
      try {
        err = run();
      } catch (e) {
        this.reportError(e, api, this.ctx.printErrors);
        err = `${api}:fail ${e instanceof Error ? e.message : String(e)}`;
      }
      if (err !== undefined) c.done(false, { errMsg: err });
      else c.done(true, { errMsg: `${api}:ok` });
    });
    return c.promise;
  }

  private routeHelper(api: RouteApiName, params: Dict): Promise<SimPage> {
    if (!this._alive) return Promise.reject(new Error(`${api}: the process was killed`));
    return new Promise<SimPage>((resolve, reject) => {
      const fn = this.wx[api] as (o: Dict) => unknown;
      fn.call(this.wx, {
        ...params,
        success: () => resolve(this.router.current()!),
        fail: (r: ErrMsgResult) => reject(Object.assign(new Error(r.errMsg), { errMsg: r.errMsg })),
      });
    });
  }

  /** `wx.navigateTo({ url })`, resolved with the new current page (rejects with errMsg). */
  navigateTo(url: string): Promise<SimPage> {
    return this.routeHelper('navigateTo', { url });
  }
  redirectTo(url: string): Promise<SimPage> {
    return this.routeHelper('redirectTo', { url });
  }
  navigateBack(delta = 1): Promise<SimPage> {
    return this.routeHelper('navigateBack', { delta });
  }
  switchTab(url: string): Promise<SimPage> {
    return this.routeHelper('switchTab', { url });
  }
  reLaunch(url: string): Promise<SimPage> {
    return this.routeHelper('reLaunch', { url });
  }

  /**
   * The user taps tab `index`. Tapping the tab of the current page only calls its
   * onTabItemTap; tapping another tab switches to it (wx.switchTab) and then calls
   * onTabItemTap on that tab's page — WeChat hands onTabItemTap to the page whose item was
   * tapped ({ index, pagePath, text }).
   */
  async tapTab(index: number): Promise<SimPage> {
    this.assertLaunched('tapTab');
    // share-timeline.html: "若页面包含 tabBar，tabBar 不会渲染" (subpackages.ts)
    if (this.launchOpts.scene === SINGLE_PAGE_SCENE) throw new Error('tapTab: single-page mode renders no tabBar');
    const item = this.ctx.appConfig?.tabBar?.list[index];
    if (!item) throw new Error(`tapTab: no tabBar item ${index}`);
    const pagePath = stripSlash(item.pagePath);
    const arg = { index, pagePath, text: item.text };
    const cur = this.router.current();
    if (cur && cur.route === pagePath && this.router.stack.length === 1) {
      this.pagesRt.event(cur, 'onTabItemTap', arg);
      return cur;
    }
    const page = await this.switchTab(`/${pagePath}`);
    this.pagesRt.event(page, 'onTabItemTap', arg);
    return page;
  }

  /**
   * The user shares the current page ("转发"): calls onShareAppMessage({ from, target? })
   * and returns the content. A returned `promise` field (WeChat 2.12+) is awaited for up to
   * 3 s (global setTimeout) and merged over the other fields. Returns undefined when the
   * page has no onShareAppMessage (the share menu would be disabled).
   */
  async share(from: 'menu' | 'button' = 'menu', target?: Dict): Promise<unknown> {
    this.assertLaunched('share');
    const cur = this.router.current();
    if (!cur || typeof cur.onShareAppMessage !== 'function') return undefined;
    const arg: Dict = { from };
    if (from === 'button') arg.target = target ?? { id: '', dataset: {} };
    let ret = this.pagesRt.event(cur, 'onShareAppMessage', arg).result;
    if (isThenable(ret)) ret = await ret;
    if (isObject(ret) && isThenable(ret.promise)) {
      const { promise, ...rest } = ret;
      const resolved = await withTimeout(promise as Promise<unknown>, 3000);
      return isObject(resolved) ? { ...rest, ...resolved } : rest;
    }
    return ret;
  }

  /** The user shares the current page to Moments: onShareTimeline() content. */
  async shareTimeline(): Promise<unknown> {
    this.assertLaunched('shareTimeline');
    const cur = this.router.current();
    if (!cur || typeof cur.onShareTimeline !== 'function') return undefined;
    let ret = this.pagesRt.event(cur, 'onShareTimeline').result;
    if (isThenable(ret)) ret = await ret;
    return ret;
  }

  /** Calls any page method on the current page as the framework would (e.g. a tap handler). */
  pageEvent(name: string, arg?: unknown): unknown {
    this.assertLaunched('pageEvent');
    const cur = this.router.current();
    if (!cur) throw new Error('pageEvent: no current page');
    return this.pagesRt.event(cur, name, arg).result;
  }

  // ---- errors ---------------------------------------------------------------------------

  private reportError(err: unknown, where: string, print: boolean): void {
    const message = formatError(err);
    this.errors.push({ where, error: err, message });
    if (print) console.error(`[wx-sim] uncaught error in ${where}:`, err);
    if (this._alive) this.app.emitError(message);
  }

  /** Simulates a script error reaching the framework (App.onError / wx.onError). */
  emitError(err: unknown): void {
    this.assertAlive('emitError');
    this.reportError(err, 'script', false);
  }

  /** Simulates an unhandled Promise rejection (App.onUnhandledRejection / wx.onUnhandledRejection). */
  emitUnhandledRejection(reason: unknown): void {
    this.assertAlive('emitUnhandledRejection');
    const promise = Promise.reject(reason);
    promise.catch(() => undefined);
    this.app.emitUnhandledRejection({ reason, promise });
  }

  // ---- death ----------------------------------------------------------------------------

  /** The system destroys the process: no lifecycle runs, wx goes inert, globals restored. */
  kill(): void {
    if (!this._alive) return;
    this._alive = false;
    this._visible = false;
    this.suspendTimer?.clear();
    this.suspendTimer = undefined;
    this.engine.dropAll();
    this.flows.clear();
    this.unsubscribeNet();
    this.net.clear();
    this.app.clear();
    this.restoreGlobals();
    this.ctx.onDeath(this);
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (isObject(v) || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

function withTimeout(p: Promise<unknown>, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    const t = globalThis.setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        globalThis.clearTimeout(t);
        resolve(v);
      },
      () => {
        globalThis.clearTimeout(t);
        resolve(undefined);
      },
    );
  });
}
