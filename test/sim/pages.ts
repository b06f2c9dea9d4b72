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
 *
 * Checked against WeChat's own component frameworks (the differential suite, test/differential,
 * runs the same shapes on glass-easel-miniprogram-adapter 0.12.1; miniprogram-exparser is the
 * framework of the base library's WebView mode):
 * - Page custom fields (anything not `data` and not a function) are deep-copied into each
 *   instance (WeChat docs D/reference/api/Page.html: "Object 内容在页面加载时会进行一次深拷贝";
 *   glass-easel-miniprogram-adapter 0.12.1 pageDefinition: simpleDeepCopy of the custom fields).
 * - Page `behaviors` (base library 2.9.2+, D/framework/custom-component/behaviors.html): the
 *   behaviors' data, methods (the page's own functions win), lifetimes and pageLifetimes apply to
 *   the page as to a component (glass-easel-miniprogram-adapter 0.12.1 turns a Page into a
 *   component whose methods are the page's functions).
 * - A lifetime entry that is not a function: both frameworks call it anyway and report the
 *   TypeError ("t.apply is not a function": miniprogram-exparser safeCallback, glass-easel
 *   0.12.1); a string is NOT taken as a method name. Empty entries (null, 0, ''): exparser skips
 *   them, glass-easel 0.12.1 throws out of the framework while reporting (reading `name` of
 *   null). The docs are silent; modelled here: skipped (exparser), the differential suite runs
 *   the shape on glass-easel too.
 * - definitionFilter (D/framework/custom-component/behaviors.html "definitionFilter"): when a
 *   definition (component, page or behavior) lists a behavior that has one, it is called with
 *   the definition object (which it may change) and the bound filters of that behavior's own
 *   behaviors; `this` undefined (glass-easel-miniprogram-adapter 0.12.1 behavior.ts /
 *   base_behavior_builder.ts). WeChat runs it at the Component()/Behavior() call; here it runs
 *   once per definition when the page is first loaded, which moves the call, not its effect.
 * - observers (D/framework/custom-component/observer.html): on setData, every observer whose
 *   fields were set (a field, a path 'a.b', 'a.**' for a subtree, '**' for all) runs once,
 *   synchronously, with the current values of its fields; behaviors' observers first.
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

/** what a lifetime entry holds: normally a function; anything else is called all the same (see header) */
type LifetimeFn = unknown;

interface ComponentSpec {
  data: Dict;
  properties: Record<string, unknown>;
  methods: Record<string, unknown>;
  lifetimes: Record<string, LifetimeFn[]>;
  pageLifetimes: Record<string, LifetimeFn[]>;
  observers: { fields: string[]; fn: unknown }[];
}

interface PageState {
  route: string;
  kind: PageKind;
  phase: Phase;
  readyFired: boolean;
  spec?: ComponentSpec;
}

const LIFETIMES = ['created', 'attached', 'ready', 'moved', 'detached', 'error'] as const;

type Filter = (def: Dict, inner: (Filter | null)[]) => unknown;
const filtered = new WeakSet<Dict>();

/** The definitionFilter of a behavior bound to its own behaviors' filters, or null. */
function boundFilter(b: unknown): ((def: Dict) => unknown) | null {
  if (!isObject(b) || typeof b.definitionFilter !== 'function') return null;
  const f = b.definitionFilter as Filter;
  const inner = (Array.isArray(b.behaviors) ? b.behaviors : []).map(boundFilter);
  return (def) => f.call(undefined, def, inner as (Filter | null)[]);
}

/** Applies the definitionFilters of a definition's behaviors to it, once (see header). */
function applyFilters(def: Dict): void {
  if (filtered.has(def)) return;
  filtered.add(def);
  for (const b of Array.isArray(def.behaviors) ? def.behaviors : []) {
    if (!isObject(b)) continue;
    applyFilters(b); // a behavior's own definition is filtered by its behaviors first
    boundFilter(b)?.(def);
  }
}

/**
 * Data of behaviors and component: same-named fields that are both objects are merged, others
 * overwritten by the referrer / later behavior (D/framework/custom-component/behaviors.html
 * "同名的数据字段 … 若同名的数据字段都是对象类型，会进行对象合并"; glass-easel 0.12.1 does so).
 */
function mergeData(into: Dict, from: Dict): void {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (isObject(cur) && isObject(v) && !Array.isArray(cur) && !Array.isArray(v)) mergeData(cur, v);
    else into[k] = cloneData(v);
  }
}

function buildSpec(options: Dict, seen = new Set<Dict>()): ComponentSpec {
  applyFilters(options);
  const spec: ComponentSpec = { data: {}, properties: {}, methods: {}, lifetimes: {}, pageLifetimes: {}, observers: [] };
  const behaviors = Array.isArray(options.behaviors) ? options.behaviors : [];
  for (const b of behaviors) {
    if (!isObject(b) || seen.has(b)) continue; // built-in 'wx://...' behaviours are strings
    seen.add(b);
    const bs = buildSpec(b, seen);
    mergeData(spec.data, bs.data);
    Object.assign(spec.properties, bs.properties);
    Object.assign(spec.methods, bs.methods);
    for (const [k, fns] of Object.entries(bs.lifetimes)) (spec.lifetimes[k] ??= []).push(...fns);
    for (const [k, fns] of Object.entries(bs.pageLifetimes)) (spec.pageLifetimes[k] ??= []).push(...fns);
    spec.observers.push(...bs.observers);
  }
  if (isObject(options.data)) mergeData(spec.data, options.data);
  if (isObject(options.properties)) Object.assign(spec.properties, options.properties);
  if (isObject(options.methods)) Object.assign(spec.methods, options.methods);
  const lifetimes = isObject(options.lifetimes) ? options.lifetimes : {};
  for (const name of LIFETIMES) {
    // `lifetimes` wins over the top level when it has the key at all (glass-easel: `=== undefined`)
    const fn = lifetimes[name] !== undefined ? lifetimes[name] : options[name];
    if (fn) (spec.lifetimes[name] ??= []).push(fn);
  }
  if (isObject(options.pageLifetimes)) {
    for (const [name, fn] of Object.entries(options.pageLifetimes)) if (fn) (spec.pageLifetimes[name] ??= []).push(fn);
  }
  if (isObject(options.observers)) {
    for (const [key, fn] of Object.entries(options.observers)) spec.observers.push({ fields: key.split(',').map((f) => f.trim()), fn });
  }
  return spec;
}

/** Whether an observer field ('a', 'a.b', 'a.**', '**') is touched by a setData key ('a.b', 'list[1].v'). */
function observes(field: string, key: string): boolean {
  if (field === '**') return true;
  const f = field.replace(/\.\*\*$/, '').split(/[.[\]]+/).filter(Boolean);
  const k = key.split(/[.[\]]+/).filter(Boolean);
  const n = Math.min(f.length, k.length);
  for (let i = 0; i < n; i++) if (f[i] !== k[i]) return false;
  return true;
}

function valueAt(data: Dict, field: string): unknown {
  if (field === '**') return data;
  let v: unknown = data;
  for (const part of field.replace(/\.\*\*$/, '').split(/[.[\]]+/).filter(Boolean)) v = isObject(v) ? v[part] : undefined;
  return v;
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
    const runtime = this;
    const proto: Dict = {
      setData(this: SimPage, patch: Dict, callback?: () => void) {
        if (isObject(patch)) for (const [k, v] of Object.entries(patch)) setDataPath(this.data, k, v);
        if (isObject(patch)) runtime.observe(this, Object.keys(patch));
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
      const o = def.options;
      applyFilters(o);
      // Page behaviors (2.9.2+): what they define applies as to a component; the page's own fields win.
      const own = Array.isArray(o.behaviors) && o.behaviors.length ? { behaviors: o.behaviors } : undefined;
      if (own) filtered.add(own); // the page's definition was filtered just above
      const spec = own ? buildSpec(own) : undefined;
      if (spec) {
        state.spec = spec;
        for (const [name, fn] of Object.entries(spec.methods)) page[name] = fn;
      }
      for (const [k, v] of Object.entries(o)) {
        if (k === 'data' || k === 'behaviors') continue;
        // functions are methods; any other field is deep-copied into each instance
        page[k] = typeof v === 'function' ? v : cloneData(v);
      }
      const data: Dict = spec ? cloneData(spec.data) : {};
      if (isObject(o.data)) mergeData(data, o.data);
      page.data = data;
      if (spec) {
        this.lifetime(page, 'created');
        this.lifetime(page, 'attached');
      }
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
    // onShow(), onReady()… get no argument at all (arguments.length 0), as in WeChat.
    const args = arg === undefined ? [] : [arg];
    const result = guarded(this.host, `${page.route}.${name}`, () => (fn as (...a: unknown[]) => unknown).apply(page, args));
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

  /** Called whatever it is (a string too): a non-function throws a TypeError, reported (see header). */
  private callLifetime(page: SimPage, label: string, fn: LifetimeFn): void {
    guarded(this.host, `${page.route}.${label}`, () => (fn as () => unknown).call(page));
  }

  /** Runs the observers whose fields a setData touched, once each, with their fields' values. */
  observe(page: SimPage, keys: string[]): void {
    const observers = this.states.get(page)?.spec?.observers ?? [];
    for (const o of observers) {
      if (!o.fields.some((f) => keys.some((k) => observes(f, k)))) continue;
      // an observer may name a method (glass-easel-miniprogram-adapter 0.12.1 resolves it)
      const fn = typeof o.fn === 'string' ? page[o.fn] : o.fn;
      guarded(this.host, `${page.route}.observers`, () => (fn as (...a: unknown[]) => unknown).apply(page, o.fields.map((f) => valueAt(page.data, f))));
    }
  }
}
