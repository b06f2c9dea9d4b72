/**
 * Page instances of the simulator: built from Page({...}) or from Component({...}) used as a
 * page, with WeChat's page lifecycles.
 *
 * Documented behaviour followed here:
 * - Page(Object) (WeChat docs "Page"): `data` is the initial data (copied per instance); every
 *   other field, function or not, becomes a member of the instance and methods run with the
 *   instance as `this`. Instances expose `route` (path without leading slash), `options`
 *   (the query of this page), `data` and `setData(data, callback)` whose keys may be data
 *   paths ('array[2].message', 'a.b.c'); the callback runs after the update is applied
 *   (here: a microtask later). Lifecycles: onLoad(query) once, onShow, onReady once
 *   (after the first onShow), onHide, onUnload; page events onShareAppMessage(
 *   {from, target, webViewUrl}), onShareTimeline(), onTabItemTap({index, pagePath, text}).
 * - Component(Object) used as a page ("使用 Component 构造器构造页面"): page lifecycle
 *   methods (the on* ones) live in `methods`; `properties` receive the page query
 *   (`/pages/index/index?paramA=123` sets property paramA); component lifetimes come from
 *   `lifetimes` (which wins) or the top level, may name a method, and include those of
 *   `behaviors` (behaviours first). Order used for a component page:
 *   created -> (query into properties) -> attached -> onLoad(query) -> onShow ->
 *   pageLifetimes.show -> ready -> onReady; hide: onHide -> pageLifetimes.hide;
 *   unload: onUnload -> detached. (The relative order of component lifetimes and page
 *   methods is not spelled out by the docs; this is the order the base library is commonly
 *   observed to use.)
 * - Exceptions thrown by lifecycles are reported to App.onError / wx.onError and do not stop
 *   the route (the framework wraps them).
 */
import type { Dict, Query } from './types';
import { cloneData, guarded, isObject, microtask, setDataPath, type ApiHost } from './util';

export type PageKind = 'page' | 'component';

export interface PageDefinition {
  kind: PageKind;
  options: Dict;
}

/** A page instance as getCurrentPages() returns it. */
export interface SimPage {
  route: string;
  __route__: string;
  is: string;
  options: Query;
  data: Dict;
  __wxWebviewId__: number;
  __wxExparserNodeId__: string;
  setData(patch: Dict, callback?: () => void): void;
  getPageId(): string;
  [member: string]: unknown;
}

type Phase = 'loaded' | 'shown' | 'hidden' | 'unloaded';

type LifetimeFn = ((this: SimPage, ...a: unknown[]) => unknown) | string;

interface ComponentSpec {
  data: Dict;
  properties: Record<string, unknown>;
  methods: Record<string, unknown>;
  lifetimes: Record<string, LifetimeFn[]>;
  pageLifetimes: Record<string, LifetimeFn[]>;
}

interface PageState {
  route: string;
  kind: PageKind;
  phase: Phase;
  readyFired: boolean;
  spec?: ComponentSpec;
}

const LIFETIMES = ['created', 'attached', 'ready', 'moved', 'detached', 'error'] as const;

function buildSpec(options: Dict, seen = new Set<Dict>()): ComponentSpec {
  const spec: ComponentSpec = { data: {}, properties: {}, methods: {}, lifetimes: {}, pageLifetimes: {} };
  const behaviors = Array.isArray(options.behaviors) ? options.behaviors : [];
  for (const b of behaviors) {
    if (!isObject(b) || seen.has(b)) continue; // built-in 'wx://...' behaviours are strings
    seen.add(b);
    const bs = buildSpec(b, seen);
    Object.assign(spec.data, bs.data);
    Object.assign(spec.properties, bs.properties);
    Object.assign(spec.methods, bs.methods);
    for (const [k, fns] of Object.entries(bs.lifetimes)) (spec.lifetimes[k] ??= []).push(...fns);
    for (const [k, fns] of Object.entries(bs.pageLifetimes)) (spec.pageLifetimes[k] ??= []).push(...fns);
  }
  if (isObject(options.data)) Object.assign(spec.data, cloneData(options.data));
  if (isObject(options.properties)) Object.assign(spec.properties, options.properties);
  if (isObject(options.methods)) Object.assign(spec.methods, options.methods);
  const lifetimes = isObject(options.lifetimes) ? options.lifetimes : {};
  for (const name of LIFETIMES) {
    const fn = lifetimes[name] ?? options[name];
    if (typeof fn === 'function' || typeof fn === 'string') (spec.lifetimes[name] ??= []).push(fn as LifetimeFn);
  }
  if (isObject(options.pageLifetimes)) {
    for (const [name, fn] of Object.entries(options.pageLifetimes)) {
      if (typeof fn === 'function' || typeof fn === 'string') (spec.pageLifetimes[name] ??= []).push(fn as LifetimeFn);
    }
  }
  return spec;
}

function propertyType(def: unknown): unknown {
  if (typeof def === 'function') return def;
  if (isObject(def)) return def.type;
  return undefined;
}

function propertyDefault(def: unknown): unknown {
  if (isObject(def) && 'value' in def) return cloneData(def.value);
  const t = propertyType(def);
  if (t === String) return '';
  if (t === Number) return 0;
  if (t === Boolean) return false;
  if (t === Array) return [];
  if (t === Object) return null;
  return null;
}

function convertProperty(def: unknown, raw: string): unknown {
  const t = propertyType(def);
  if (t === Number) return Number(raw);
  if (t === Boolean) return raw !== '' && raw !== 'false' && raw !== '0';
  if (t === Object || t === Array) {
    try {
      return JSON.parse(decodeURIComponent(raw));
    } catch {
      return raw;
    }
  }
  return raw;
}

export interface PageHostHooks extends ApiHost {
  /** a lifecycle/event name for the trace, e.g. 'pages/a/index.onLoad' */
  trace(entry: string): void;
}

let nextWebviewId = 1;

/** Creates page instances and runs their lifecycles (one per process). */
export class PageRuntime {
  private states = new WeakMap<SimPage, PageState>();

  constructor(private host: PageHostHooks) {}

  phaseOf(page: SimPage): Phase | undefined {
    return this.states.get(page)?.phase;
  }

  /**
   * Creates the instance and runs what WeChat runs before onShow (… onLoad(query)).
   * `register` is called with the new instance before any lifecycle runs, so the page is
   * already on the stack (getCurrentPages()) during its onLoad, as in WeChat.
   */
  load(route: string, def: PageDefinition, query: Query, register: (page: SimPage) => void): SimPage {
    const id = nextWebviewId++;
    const proto: Dict = {
      setData(this: SimPage, patch: Dict, callback?: () => void) {
        if (isObject(patch)) for (const [k, v] of Object.entries(patch)) setDataPath(this.data, k, v);
        if (typeof callback === 'function') microtask(() => callback.call(this));
      },
      getPageId() {
        return `pageId:${id}`;
      },
    };
    const page = Object.create(proto) as SimPage;
    const state: PageState = { route, kind: def.kind, phase: 'loaded', readyFired: false };
    this.states.set(page, state);
    page.route = route;
    page.__route__ = route;
    page.is = route;
    page.options = { ...query };
    page.__wxWebviewId__ = id;
    page.__wxExparserNodeId__ = `sim-${id}`;
    register(page);

    if (def.kind === 'page') {
      for (const [k, v] of Object.entries(def.options)) {
        if (k === 'data') continue;
        page[k] = v;
      }
      page.data = isObject(def.options.data) ? cloneData(def.options.data) : {};
      this.hook(page, 'onLoad', { ...query });
      return page;
    }

    const spec = buildSpec(def.options);
    state.spec = spec;
    const data: Dict = cloneData(spec.data);
    for (const [name, pdef] of Object.entries(spec.properties)) {
      if (!(name in data)) data[name] = propertyDefault(pdef);
    }
    page.data = data;
    page.properties = data;
    for (const [name, fn] of Object.entries(spec.methods)) page[name] = fn;
    this.lifetime(page, 'created');
    for (const [k, v] of Object.entries(query)) {
      if (k in spec.properties) data[k] = convertProperty(spec.properties[k], v);
    }
    this.lifetime(page, 'attached');
    this.hook(page, 'onLoad', { ...query });
    return page;
  }

  /** onShow (+ pageLifetimes.show for a component page); onReady after the first one. */
  show(page: SimPage): void {
    const st = this.states.get(page);
    if (!st || st.phase === 'unloaded' || st.phase === 'shown') return;
    st.phase = 'shown';
    this.hook(page, 'onShow');
    if (st.spec) this.pageLifetime(page, 'show');
    if (!st.readyFired) {
      st.readyFired = true;
      if (st.spec) this.lifetime(page, 'ready');
      this.hook(page, 'onReady');
    }
  }

  hide(page: SimPage): void {
    const st = this.states.get(page);
    if (!st || st.phase !== 'shown') return;
    st.phase = 'hidden';
    this.hook(page, 'onHide');
    if (st.spec) this.pageLifetime(page, 'hide');
  }

  unload(page: SimPage): void {
    const st = this.states.get(page);
    if (!st || st.phase === 'unloaded') return;
    st.phase = 'unloaded';
    this.hook(page, 'onUnload');
    if (st.spec) this.lifetime(page, 'detached');
  }

  /** Calls a page method (event handler) if present; returns its result. */
  event(page: SimPage, name: string, arg?: unknown): { called: boolean; result: unknown } {
    const fn = page[name];
    this.host.trace(`${page.route}.${name}`);
    if (typeof fn !== 'function') return { called: false, result: undefined };
    const result = guarded(this.host, `${page.route}.${name}`, () => (fn as (a?: unknown) => unknown).call(page, arg));
    return { called: true, result };
  }

  private hook(page: SimPage, name: string, arg?: unknown): void {
    this.event(page, name, arg);
  }

  private lifetime(page: SimPage, name: string): void {
    const st = this.states.get(page);
    const fns = st?.spec?.lifetimes[name] ?? [];
    this.host.trace(`${page.route}.lifetimes.${name}`);
    for (const fn of fns) this.callLifetime(page, `lifetimes.${name}`, fn);
  }

  private pageLifetime(page: SimPage, name: string): void {
    const st = this.states.get(page);
    const fns = st?.spec?.pageLifetimes[name] ?? [];
    if (fns.length) this.host.trace(`${page.route}.pageLifetimes.${name}`);
    for (const fn of fns) this.callLifetime(page, `pageLifetimes.${name}`, fn);
  }

  private callLifetime(page: SimPage, label: string, fn: LifetimeFn): void {
    const f = typeof fn === 'string' ? page[fn] : fn;
    if (typeof f !== 'function') return;
    guarded(this.host, `${page.route}.${label}`, () => (f as () => unknown).call(page));
  }
}
