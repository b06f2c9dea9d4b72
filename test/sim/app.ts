/**
 * App() registration, getApp(), and the app-level events of the simulator.
 *
 * Documented behaviour followed here (WeChat docs, App(Object), getApp(),
 * wx.onAppShow / wx.onAppHide / wx.onError / wx.onUnhandledRejection / wx.onPageNotFound):
 * - App() registers the mini-program once ("必须在 app.js 中调用，必须调用且只能调用一次");
 *   a second call is ignored here. getApp() returns the app instance (undefined before App()
 *   ran unless `{ allowDefault: true }`, which yields a default object later merged into
 *   the real one).
 * - onLaunch(options) fires once at cold start; onShow(options) at start and at every
 *   return to foreground; onHide() when going to background.
 * - wx.onAppShow / wx.onAppHide: "该事件与 App.onShow / App.onHide 的回调时机一致" — the
 *   listeners fire right after the App method, with the same argument.
 * - onError(msg: string) / wx.onError receive the error message with its stack for script
 *   errors; onUnhandledRejection / wx.onUnhandledRejection receive { reason, promise };
 *   onPageNotFound / wx.onPageNotFound receive { path, query, isEntryPage }.
 * - off* (cb) removes that listener; off* () without argument removes all of them.
 */
import type { Dict, EnterOptions } from './types';
import { cloneData, guarded, isObject, type ApiHost } from './util';

type Listener<T> = (arg: T) => void;

class ListenerList<T> {
  private list: Listener<T>[] = [];
  add(cb: unknown): void {
    if (typeof cb === 'function') this.list.push(cb as Listener<T>);
  }
  remove(cb?: unknown): void {
    if (cb === undefined) this.list.length = 0;
    else {
      const i = this.list.indexOf(cb as Listener<T>);
      if (i >= 0) this.list.splice(i, 1);
    }
  }
  get size(): number {
    return this.list.length;
  }
  snapshot(): Listener<T>[] {
    return [...this.list];
  }
  clear(): void {
    this.list.length = 0;
  }
}

export interface PageNotFoundInfo {
  path: string;
  query: Record<string, string>;
  isEntryPage: boolean;
}

export interface UnhandledRejectionInfo {
  reason: unknown;
  promise: Promise<unknown>;
}

export interface AppEventApi {
  onAppShow(cb: (opts: EnterOptions) => void): void;
  offAppShow(cb?: (opts: EnterOptions) => void): void;
  onAppHide(cb: (res: Dict) => void): void;
  offAppHide(cb?: (res: Dict) => void): void;
  onError(cb: (msg: string) => void): void;
  offError(cb?: (msg: string) => void): void;
  onUnhandledRejection(cb: (res: UnhandledRejectionInfo) => void): void;
  offUnhandledRejection(cb?: (res: UnhandledRejectionInfo) => void): void;
  onPageNotFound(cb: (res: PageNotFoundInfo) => void): void;
  offPageNotFound(cb?: (res: PageNotFoundInfo) => void): void;
}

export function formatError(err: unknown): string {
  if (err instanceof Error) {
    const stack = err.stack ?? '';
    return stack.includes(err.message) ? stack : `${err.message}\n${stack}`;
  }
  return String(err);
}

export class AppHost {
  /** the App instance, once App() ran */
  instance: Dict | undefined;
  /** how many times App() was called (WeChat requires exactly once) */
  registrations = 0;
  private defaultApp: Dict | undefined;
  private show = new ListenerList<EnterOptions>();
  private hide = new ListenerList<Dict>();
  private error = new ListenerList<string>();
  private rejection = new ListenerList<UnhandledRejectionInfo>();
  private notFound = new ListenerList<PageNotFoundInfo>();
  private inErrorHandler = false;

  constructor(private host: ApiHost) {}

  /** global App(options) */
  register(options: unknown): void {
    this.registrations++;
    if (this.instance !== undefined) return;
    const inst: Dict = this.defaultApp ?? {};
    if (isObject(options)) {
      for (const [k, v] of Object.entries(options)) inst[k] = v;
    }
    this.instance = inst;
  }

  /** global getApp(opts) */
  getApp(opts?: { allowDefault?: boolean }): Dict | undefined {
    if (this.instance) return this.instance;
    if (opts?.allowDefault) {
      this.defaultApp ??= {};
      return this.defaultApp;
    }
    return undefined;
  }

  private callApp(name: string, arg?: unknown): void {
    const inst = this.instance;
    if (!inst) return;
    const fn = inst[name];
    if (typeof fn === 'function') guarded(this.host, `App.${name}`, () => (fn as (a?: unknown) => unknown).call(inst, arg));
  }

  emitLaunch(opts: EnterOptions): void {
    this.callApp('onLaunch', cloneData(opts));
  }

  /** `listeners: false`: App.onShow alone (the late first show of an independent-subpackage launch, subpackages.ts). */
  emitShow(opts: EnterOptions, listeners = true): void {
    this.callApp('onShow', cloneData(opts));
    if (listeners) for (const l of this.show.snapshot()) guarded(this.host, 'onAppShow', () => l(cloneData(opts)));
  }

  emitHide(): void {
    this.callApp('onHide');
    for (const l of this.hide.snapshot()) guarded(this.host, 'onAppHide', () => l({}));
  }

  /** Delivers a script error to App.onError and wx.onError listeners (never recursively). */
  emitError(msg: string): void {
    if (this.inErrorHandler) return;
    this.inErrorHandler = true;
    try {
      this.callApp('onError', msg);
      for (const l of this.error.snapshot()) guarded(this.host, 'onError', () => l(msg));
    } finally {
      this.inErrorHandler = false;
    }
  }

  emitUnhandledRejection(info: UnhandledRejectionInfo): void {
    this.callApp('onUnhandledRejection', info);
    for (const l of this.rejection.snapshot()) guarded(this.host, 'onUnhandledRejection', () => l(info));
  }

  /** @returns whether anybody handles page-not-found */
  emitPageNotFound(info: PageNotFoundInfo): boolean {
    const handled = typeof this.instance?.onPageNotFound === 'function' || this.notFound.size > 0;
    this.callApp('onPageNotFound', info);
    for (const l of this.notFound.snapshot()) guarded(this.host, 'onPageNotFound', () => l({ ...info }));
    return handled;
  }

  clear(): void {
    for (const l of [this.show, this.hide, this.error, this.rejection, this.notFound] as ListenerList<never>[]) l.clear();
  }

  createApi(): AppEventApi {
    const alive = () => this.host.alive;
    return {
      onAppShow: (cb) => alive() && this.show.add(cb),
      offAppShow: (cb) => this.show.remove(cb),
      onAppHide: (cb) => alive() && this.hide.add(cb),
      offAppHide: (cb) => this.hide.remove(cb),
      onError: (cb) => alive() && this.error.add(cb),
      offError: (cb) => this.error.remove(cb),
      onUnhandledRejection: (cb) => alive() && this.rejection.add(cb),
      offUnhandledRejection: (cb) => this.rejection.remove(cb),
      onPageNotFound: (cb) => alive() && this.notFound.add(cb),
      offPageNotFound: (cb) => this.notFound.remove(cb),
    };
  }
}
