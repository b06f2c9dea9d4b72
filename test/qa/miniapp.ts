/**
 * Runs the example mini-program's real files (app.js, page .js and .wxml, utils) in the test/sim
 * runtime simulator, as DevTools would load them:
 *
 * - Modules: each simulated process is a fresh JS context for the app, so every file runs again in a
 *   new process (module cache per process); `require` resolves relative paths inside the project and
 *   `miniprogram_npm/wetrack/index` to the SDK build the caller gives (the same minified CommonJS file
 *   DevTools' "Build npm" copies there). `config.js` can be overridden (the collector's URL).
 * - View layer stand-ins, installed below the SDK (the SDK wraps our Page, as it wraps WeChat's):
 *   pages are rendered from their .wxml (wxml.ts) against their data; taps and changes are dispatched
 *   to the handlers the WXML binds, with the dataset WeChat would give; each page instance gets
 *   `createIntersectionObserver`, whose observers report the slots a scripted viewport shows.
 * - UI APIs the simulator does not have (showToast, pageScrollTo, setNavigationBarTitle…) are
 *   filled in; pageScrollTo moves the scripted viewport.
 *
 * Viewport model: a page is a column of slot rows (its `.wt-exposure` elements in document order;
 * the items of one swiper share a row, and only the current item is visible). A screen shows
 * SCREEN_ROWS rows fully (ratio 1) and the next one peeking (ratio 0.3, below the 0.5 threshold).
 * Observers hear of every change of ratio a scroll, a swipe or a setData makes (an element that
 * setData removed is out of view), and first of the observed elements already in view.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { Runtime, SimPage, SimProcess, StartOptions } from '../sim';
import { elements, parseWxml, path as bubblePath, render, select, type Element, type WxmlNode } from './wxml';

export const SCREEN_ROWS = 3;
export const PEEK_RATIO = 0.3;
const ROW_PX = 200;
const SDK_PATH = 'miniprogram_npm/wetrack/index.js';

export interface AppFiles {
  root: string;
  appJson: { pages: string[]; tabBar?: { list: { pagePath: string; text: string }[] } };
  wxml: Map<string, WxmlNode>;
}

/** Reads the project once: app.json and every page's parsed WXML. */
export function readApp(root: string): AppFiles {
  const appJson = JSON.parse(readFileSync(path.join(root, 'app.json'), 'utf8')) as AppFiles['appJson'];
  const wxml = new Map<string, WxmlNode>();
  for (const route of appJson.pages) {
    const file = path.join(root, route + '.wxml');
    wxml.set(route, parseWxml(readFileSync(file, 'utf8'), file));
  }
  return { root, appJson, wxml };
}

type ModuleFn = (require: (spec: string) => unknown, module: { exports: unknown }, exports: unknown, __filename: string, __dirname: string) => void;
const compiledModules = new Map<string, ModuleFn>();

function compile(file: string): ModuleFn {
  let fn = compiledModules.get(file);
  if (!fn) {
    fn = vm.compileFunction(readFileSync(file, 'utf8'), ['require', 'module', 'exports', '__filename', '__dirname'], { filename: file }) as unknown as ModuleFn;
    compiledModules.set(file, fn);
  }
  return fn;
}

/** A process's module registry: what `require` is inside the mini-program. */
function moduleSystem(root: string, files: Record<string, string>, overrides: Record<string, (real: unknown) => unknown>) {
  const cache = new Map<string, { exports: unknown }>();
  const load = (rel: string): unknown => {
    const hit = cache.get(rel);
    if (hit) return hit.exports;
    const file = files[rel] ?? path.join(root, rel);
    const module = { exports: {} as unknown };
    cache.set(rel, module);
    const dir = path.posix.dirname(rel);
    compile(file)((spec) => load(resolve(dir, spec)), module, module.exports, file, path.dirname(file));
    if (overrides[rel]) module.exports = overrides[rel]!(module.exports);
    return module.exports;
  };
  const resolve = (dir: string, spec: string) => {
    if (!spec.startsWith('.')) throw new Error(`require("${spec}"): only relative paths in a mini-program (after Build npm: ../../miniprogram_npm/...)`);
    const rel = path.posix.normalize(path.posix.join(dir, spec));
    if (rel.startsWith('..')) throw new Error(`require("${spec}") leaves the project`);
    return rel.endsWith('.js') ? rel : rel + '.js';
  };
  return { require: (rel: string) => load(rel), cache };
}

export interface TapOptions {
  /** Tap this descendant of the element (the event's target); default the element itself. */
  child?: (e: Element) => boolean;
}

export interface Observed {
  slot: string;
  ratio: number;
}

/** What the harness tells whoever watches (the crowd's oracle). */
export interface AppHooks {
  pageShow?(page: SimPage): void;
  pageHide?(page: SimPage): void;
  /** Something visible may have changed on this page (setData, scroll, swipe). */
  viewChanged?(page: SimPage): void;
}

interface Observer {
  selector: string;
  cb: (res: unknown) => void;
  last: Map<string, number>;
  live: boolean;
}

/** A page's scripted viewport and the intersection observers made in its scope. */
class Viewport {
  top = 0;
  swipers = new Map<string, number>();
  observers: Observer[] = [];
  shown = false;
  constructor(
    readonly page: SimPage,
    readonly tree: () => Element,
  ) {}

  /** Slot rows: each `.wt-exposure` element (by slot) with its row, swiper key and item index. */
  layout(root = this.tree()) {
    const rows: { slot: string; el: Element; row: number; swiper?: string; item: number }[] = [];
    let row = -1;
    let lastSwiper: string | undefined;
    const all = elements(root);
    for (const el of select(root, '.wt-exposure')) {
      const slot = el.dataset.wtSlot;
      if (slot == null) continue;
      let sw: Element | undefined = el.parent;
      while (sw && sw.tag !== 'swiper') sw = sw.parent;
      const key = sw ? 'swiper' + all.indexOf(sw) : undefined;
      let item = 0;
      if (sw) {
        let it: Element | undefined = el;
        while (it && it.parent !== sw) it = it.parent;
        item = it ? sw.children.indexOf(it) : 0;
      }
      if (!key || key !== lastSwiper) row++;
      lastSwiper = key;
      rows.push({ slot: String(slot), el, row, swiper: key, item });
    }
    return rows;
  }

  rowCount(): number {
    const l = this.layout();
    return l.length ? l[l.length - 1]!.row + 1 : 0;
  }

  /** Visibility ratio of every slot on the page now. */
  ratios(): Map<string, { ratio: number; el: Element }> {
    const out = new Map<string, { ratio: number; el: Element }>();
    for (const r of this.layout()) {
      let ratio = r.row >= this.top && r.row < this.top + SCREEN_ROWS ? 1 : r.row === this.top + SCREEN_ROWS ? PEEK_RATIO : 0;
      if (r.swiper && (this.swipers.get(r.swiper) ?? 0) !== r.item) ratio = 0;
      out.set(r.slot, { ratio, el: r.el });
    }
    return out;
  }

  private report(o: Observer, slot: string, ratio: number, el: Element | undefined) {
    o.last.set(slot, ratio);
    o.cb({
      id: el ? el.id : '',
      dataset: el ? { ...el.dataset } : { wtSlot: slot },
      intersectionRatio: ratio,
      intersectionRect: { top: 0, bottom: ROW_PX * ratio, left: 0, right: 375, width: 375, height: ROW_PX * ratio },
      boundingClientRect: { top: 0, bottom: ROW_PX, left: 0, right: 375, width: 375, height: ROW_PX },
      relativeRect: { top: 0, bottom: ROW_PX * SCREEN_ROWS, left: 0, right: 375 },
      time: Date.now(),
    });
  }

  /** WeChat's IntersectionObserver, relative to the viewport, as far as the SDK uses it. */
  createIntersectionObserver() {
    const vp = this;
    let o: Observer | undefined;
    const api = {
      relativeToViewport: () => api,
      relativeTo: () => api,
      observe(selector: string, cb: (res: unknown) => void) {
        o = { selector, cb, last: new Map(), live: true };
        vp.observers.push(o);
        const found = select(vp.tree(), selector).filter((e) => e.dataset.wtSlot != null);
        const now = vp.ratios();
        for (const e of found) o.last.set(String(e.dataset.wtSlot), 0);
        const ob = o;
        // Like WeChat: the first notice comes asynchronously, for the nodes that intersect already.
        Promise.resolve().then(() => {
          for (const slot of ob.last.keys()) {
            const r = now.get(slot);
            if (ob.live && r && r.ratio > 0) vp.report(ob, slot, r.ratio, r.el);
          }
        });
      },
      disconnect() {
        if (o) o.live = false;
        vp.observers = vp.observers.filter((x) => x !== o);
      },
    };
    return api;
  }

  /** After a scroll or swipe: every live observer hears about the slots whose ratio changed. */
  update() {
    const now = this.ratios();
    for (const o of [...this.observers]) {
      for (const [slot, before] of o.last) {
        const r = now.get(slot);
        const ratio = r ? r.ratio : 0; // an element gone from the page is out of view
        if (o.live && ratio !== before) this.report(o, slot, ratio, r && r.el);
      }
    }
  }
}

export interface BootOptions {
  start?: StartOptions;
  /** Called with the process (its wetrack default instance set) before app.js runs: wetrack calls are buffered until init. */
  beforeApp?(ap: AppProcess): void;
  hooks?: AppHooks;
}

/** The part of the SDK's public API the harness and the crowd use. */
export interface WetrackLike {
  use(plugin: unknown): void;
  getAnonymousId(): string;
  flush(): Promise<void>;
}

/** One process of the example app in the simulator, with the scripted user's hands and eyes. */
export class AppProcess {
  readonly viewports = new WeakMap<SimPage, Viewport>();
  readonly toasts: string[] = [];
  wetrack!: WetrackLike;

  constructor(
    readonly app: ExampleApp,
    readonly proc: SimProcess,
  ) {}

  page(): SimPage {
    const p = this.proc.currentPage();
    if (!p) throw new Error('no current page');
    return p;
  }

  route(): string {
    return this.page().route;
  }

  viewport(page: SimPage = this.page()): Viewport {
    const v = this.viewports.get(page);
    if (!v) throw new Error('page ' + page.route + ' has no viewport');
    return v;
  }

  /** The current page rendered from its WXML and data. */
  tree(page: SimPage = this.page()): Element {
    const w = this.app.files.wxml.get(page.route);
    if (!w) throw new Error('no wxml for ' + page.route);
    return render(w, page.data);
  }

  /** Elements of the current page matching a predicate, in document order. */
  find(pred: (e: Element) => boolean): Element[] {
    return elements(this.tree()).filter(pred);
  }

  one(pred: (e: Element) => boolean, what: string): Element {
    const all = this.find(pred);
    if (!all.length) throw new Error(`${this.route()}: no element ${what}`);
    return all[0]!;
  }

  /**
   * A finger tap on `el`: every tap binding on its way up runs (a catch binding stops the bubbling)
   * with WeChat's event object; a share button then opens the share (onShareAppMessage from 'button').
   */
  async tap(el: Element, opts: TapOptions = {}): Promise<void> {
    const target = (opts.child && elements(el).find(opts.child)) || el;
    const page = this.page();
    const touch = { identifier: 0, pageX: 120, pageY: 300, clientX: 120, clientY: 300, force: 1 };
    const timeStamp = Date.now() - this.app.epoch;
    for (const cur of bubblePath(target)) {
      const b = cur.events.tap;
      if (!b) continue;
      const ev = {
        type: 'tap',
        timeStamp,
        target: { id: target.id, dataset: { ...target.dataset }, offsetLeft: 0, offsetTop: 0 },
        currentTarget: { id: cur.id, dataset: { ...cur.dataset }, offsetLeft: 0, offsetTop: 0 },
        detail: { x: 120, y: 300 },
        touches: [touch],
        changedTouches: [touch],
      };
      if (this.page() !== page) break;
      this.proc.pageEvent(b.handler, ev);
      if (b.catch) break;
    }
    if (target.tag === 'button' && target.attrs['open-type'] === 'share') await this.proc.share('button', { id: target.id, dataset: { ...target.dataset } });
    await settle();
  }

  /** A `change` event (switch, swiper, picker) with `detail`. */
  async change(el: Element, detail: Record<string, unknown>): Promise<void> {
    const b = el.events.change;
    if (b) {
      const node = { id: el.id, dataset: { ...el.dataset }, offsetLeft: 0, offsetTop: 0 };
      this.proc.pageEvent(b.handler, { type: 'change', timeStamp: Date.now() - this.app.epoch, target: node, currentTarget: node, detail });
    }
    await settle();
  }

  /** Scrolls the current page so that slot row `top` is the first one on screen. */
  scrollTo(top: number): void {
    const vp = this.viewport();
    vp.top = Math.max(0, top);
    vp.update();
    this.app.hooks(this).viewChanged?.(vp.page);
  }

  /** Swipes the first swiper of the page to item `index`. */
  swipe(index: number): void {
    const vp = this.viewport();
    const sw = vp.layout().find((r) => r.swiper);
    if (!sw) return;
    vp.swipers.set(sw.swiper!, index);
    vp.update();
    this.app.hooks(this).viewChanged?.(vp.page);
  }
}

/** The example project, loaded once and booted into as many simulated processes as needed. */
export class ExampleApp {
  readonly files: AppFiles;
  readonly epoch = Date.now();
  private readonly hookMap = new WeakMap<AppProcess, AppHooks>();

  constructor(
    readonly root: string,
    /** The SDK build to serve as miniprogram_npm/wetrack/index.js (default: the file in the project). */
    readonly sdkFile?: string,
    readonly config: Record<string, unknown> = {},
  ) {
    this.files = readApp(root);
  }

  get appConfig() {
    return { pages: this.files.appJson.pages, tabBar: this.files.appJson.tabBar };
  }

  hooks(p: AppProcess): AppHooks {
    return this.hookMap.get(p) ?? {};
  }

  /**
   * Starts a process on `rt` and launches the app: app.js runs (wetrack.init patches Page), pages
   * are registered to load lazily from their files, then the entry page opens.
   */
  boot(rt: Runtime, opts: BootOptions = {}): AppProcess {
    const proc = rt.start(opts.start);
    const ap = new AppProcess(this, proc);
    const hooks = opts.hooks ?? {};
    this.hookMap.set(ap, hooks);
    const files: Record<string, string> = this.sdkFile ? { [SDK_PATH]: this.sdkFile } : {};
    const config = this.config;
    const mods = moduleSystem(this.root, files, { 'config.js': (real) => ({ ...(real as object), ...config }) });

    // UI APIs the simulator lacks. pageScrollTo({ scrollTop: 0 }) scrolls the scripted viewport.
    const wx = proc.wx as unknown as Record<string, unknown>;
    const ok = (name: string, o?: { success?: (r: unknown) => void; complete?: (r: unknown) => void }) => {
      const r = { errMsg: name + ':ok' };
      o?.success?.(r);
      o?.complete?.(r);
      return o && (o.success || o.complete) ? undefined : Promise.resolve(r);
    };
    const fill: Record<string, (o?: Record<string, unknown>) => unknown> = {
      showToast: (o) => (ap.toasts.push(String(o?.title ?? '')), ok('showToast', o)),
      hideToast: (o) => ok('hideToast', o),
      showLoading: (o) => ok('showLoading', o),
      hideLoading: (o) => ok('hideLoading', o),
      setNavigationBarTitle: (o) => ok('setNavigationBarTitle', o),
      stopPullDownRefresh: (o) => ok('stopPullDownRefresh', o),
      pageScrollTo: (o) => {
        const page = proc.currentPage();
        const vp = page && ap.viewports.get(page);
        if (vp && o && typeof o.scrollTop === 'number') {
          vp.top = Math.round(o.scrollTop / ROW_PX);
          vp.update();
          hooks.viewChanged?.(vp.page);
        }
        return ok('pageScrollTo', o);
      },
    };
    for (const [k, f] of Object.entries(fill)) if (typeof wx[k] !== 'function') wx[k] = f;

    // Our Page sits below the SDK's wrapper: it gives each instance a viewport, lets the oracle see
    // lifecycles and setData, and hands the options on to the simulator's Page.
    const g = globalThis as unknown as { Page: (o: Record<string, unknown>) => void };
    const simPage = g.Page;
    const watch = (o: Record<string, unknown>, name: string, f: (page: SimPage) => void) => {
      const host = o[name] as ((...a: unknown[]) => unknown) | undefined;
      o[name] = function (this: SimPage, ...a: unknown[]) {
        f(this);
        return host?.apply(this, a);
      };
    };
    g.Page = (options) => {
      const o: Record<string, unknown> = { ...options };
      const app = this;
      o.createIntersectionObserver = function (this: SimPage) {
        return ap.viewport(this).createIntersectionObserver();
      };
      const origLoad = o.onLoad as ((...a: unknown[]) => unknown) | undefined;
      o.onLoad = function (this: SimPage, ...a: unknown[]) {
        const page = this;
        const vp = new Viewport(page, () => render(app.files.wxml.get(page.route)!, page.data));
        ap.viewports.set(page, vp);
        const setData = page.setData;
        page.setData = function (data, cb) {
          setData.call(page, data, cb);
          vp.update(); // what was on screen may have moved or gone
          hooks.viewChanged?.(page);
        };
        return origLoad?.apply(this, a);
      };
      watch(o, 'onShow', (p) => {
        ap.viewports.get(p)!.shown = true;
        hooks.pageShow?.(p);
      });
      watch(o, 'onHide', (p) => {
        ap.viewports.get(p)!.shown = false;
        hooks.pageHide?.(p);
      });
      watch(o, 'onUnload', (p) => {
        const vp = ap.viewports.get(p)!;
        if (vp.shown) hooks.pageHide?.(p);
        vp.shown = false;
      });
      simPage(o);
    };

    const sdk = mods.require(SDK_PATH) as { default: WetrackLike };
    ap.wetrack = sdk.default;
    opts.beforeApp?.(ap);
    mods.require('app.js');
    for (const route of this.files.appJson.pages) proc.definePage(route, () => void mods.require(route + '.js'));
    proc.launch();
    return ap;
  }
}

/**
 * Lets the promise chains a handler started (navigation, data loads, setData callbacks, observer
 * notices) run to the end: one real macrotask turn drains every pending microtask. Fake time does not move.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
