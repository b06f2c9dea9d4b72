/**
 * A typed helper around `miniprogram-simulate` (WeChat's custom-component test tool: j-component
 * glue on top of `miniprogram-exparser`, the component framework of the base library itself) for
 * tap auto-capture tests. Test files using it must run in jsdom: first line
 * `// @vitest-environment jsdom`. Always call cleanupSimulate() in afterEach/afterAll.
 *
 * API
 *   loadComponent(def, wrap?)              inline { template, usingComponents?, compiler?, tagName?, ...options } → id
 *   loadPage(def, { wrap, route, query, kind: 'page' | 'component' })             → id
 *   loadComponentDir(path, { wrap, rootPath, tagName, compiler })  a shipped component dir (tdesign) → id
 *   loadPageDir(projectRoot, route, { wrap, query })               a page of a (staged) project → id
 *   stageProject(srcDir, { pkg: distDir })  temp copy + miniprogram_npm links; npmComponentDir(pkg)
 *   useSimulateGlobals()                    patched-global mode (see WRAPPING); loadingFile()
 *   render(id, props?) → SimRoot;  renderPage(id) → { root, page }
 *   fakePageStack(pages?);  fillMissingWxApis(wx, names?);  componentInstances(root);  cleanupSimulate()
 *   find(root, 'sel >>> sel');  tap(root, target, {x, y});  longpress(root, target, {holdMs, wait});  flush()
 *   WrapMode = WrapFn (Component only) | { Component?, Page? } | 'global';  WrapFn returns new options or mutates
 *
 * ───────────────────────────────────────────────────────────────────────────────────────────────
 * EVENT FACTS (checked by test/harness-check/events.test.ts and tdesign.test.ts). "real" = WeChat
 * docs (事件 / 事件对象 / 组件间通信与事件 "触发与监听事件"); ≠ marks a difference of simulate.
 * Dispatch order, bubbling, composed, catch, capture, mut-bind come from exparser itself, so they
 * match the real framework; the handler's event OBJECT is rebuilt by j-component.
 * ───────────────────────────────────────────────────────────────────────────────────────────────
 * Event object in simulate (a fresh literal per handler call):
 *   { type, timeStamp, target: {id, dataset, offsetLeft, offsetTop},
 *     currentTarget: {id, dataset, offsetLeft, offsetTop}, detail, touches, changedTouches, mut }
 *   real: { type, timeStamp, target{id, dataset}, currentTarget{id, dataset}, mark, detail } plus, for
 *   touch/tap events, touches[] / changedTouches[] of {identifier, pageX, pageY, clientX, clientY}.
 *   ≠ no `mark` ever (mark:xxx attributes are dropped): the SDK must not require it.
 *   ≠ extra `mut` (true when a mut-bind handler already ran for this event).
 * - id is '' when the element has none (real: same). dataset keys: data-foo-bar → fooBar; a value
 *   written as one {{expr}} keeps its type (number/object), otherwise a string (real: same).
 * - New object per handler, but detail / touches / changedTouches / dataset are SHARED references
 *   between the handlers of one dispatch: never mark them; don't rely on object identity.
 * - A finger tap (tap() here = touchstart + touchend): type 'tap', detail {x, y} (touchend point),
 *   touches / changedTouches arrays of Touch-like objects (from the touchstart event) - real: same
 *   shape. ≠ node.dispatchEvent('tap') directly gives touches {} / changedTouches {} (objects) and
 *   detail {}: use tap().
 * - Custom events (triggerEvent): touches / changedTouches are undefined (the keys exist in
 *   simulate; real: absent). A 'tap'-typed event without a touches array is a custom one.
 * - timeStamp = integer ms since exparser loaded (real: ms since the page opened). ALL handlers of
 *   one dispatch (capture + bubble, every level, across component boundaries) see the SAME value.
 *   A triggerEvent() inside a handler is a NEW event stamped at that moment: equal to the tap's in
 *   the same millisecond only (tdesign chains were seen 1 ms apart); after a timer it differs.
 *   Under vi.useFakeTimers() Date is faked, so timeStamps only move when time is advanced.
 * - tap / touch* bubble and are composed (cross component boundaries) in both: a tap inside a
 *   component reaches bindtap on the component's host in the page and the page's ancestors, with
 *   target retargeted to the host (id/dataset written on the host), currentTarget = bound node.
 * - Order: capture-bind / capture-catch outer→inner, then bind / catch inner→outer. catchtap stops
 *   after its own handler (the page outside the component sees nothing); capture-catch stops the
 *   rest including the bubble phase; an inner mut-bind suppresses outer mut-bind handlers only.
 * - triggerEvent() runs synchronously, nested: its listeners run before the native tap moves on
 *   to the next ancestor.
 * - triggerEvent(name, detail, {bubbles, composed, capturePhase}) (defaults false, real: same): no
 *   bubbles → host binding only; bubbles → also the host's ancestors in the tree where the host is
 *   written, not beyond; bubbles + composed → across further boundaries up to the page.
 * - Components may emit custom events NAMED 'tap' (tdesign t-button: catch:tap inside, then
 *   triggerEvent('tap', nativeEvent)). Page bindtap on such a host gets the custom one: no touches,
 *   detail = the inner native event, target = currentTarget = host. Without the inner catch the
 *   same page handler would run TWICE for one gesture (custom + native bubbling).
 * - A throwing handler: exparser catches it and console.error's it; the dispatch continues to
 *   outer handlers (real: reported as a script error to App.onError / wx.onError).
 *   An async handler is not awaited: outer handlers run before its continuation.
 * Other differences of simulate:
 *   ≠ one binding per event name per element: bindtap + capture-bind:tap (or + catchtap) on the
 *     same element → only the last attribute survives (real: all kept).
 *   ≠ the 'simulate' compiler (default for inline templates) takes handler names literally:
 *     bindtap="{{h}}" silently binds nothing, and <import>, <template is>, <wxs src> are ignored;
 *     use compiler 'official' (WeChat's wcc, shipped in miniprogram-compiler) - the default for
 *     directory loads and needed for uni-app ({{a}} handler names) and tdesign (wxs, templates).
 *   ≠ longpress: simulate fires longpress after 350 ms held and then never fires tap, even without
 *     a longpress listener (real: tap is suppressed only when a longpress handler was bound).
 *   ≠ no page stack, route, getCurrentPages or getApp (see PAGE CONTEXT); render() runs created,
 *     attach runs attached then ready; virtualHost components (tdesign on SDKVersion ≥ 2.19.2)
 *     have no DOM node of their own: tap an element inside them ('#host >>> .inner').
 *
 * ───────────────────────────────────────────────────────────────────────────────────────────────
 * WRAPPING (how the SDK's Page/Component wrappers are put in the loading path)
 * ───────────────────────────────────────────────────────────────────────────────────────────────
 * Importing miniprogram-simulate installs global.Component/Behavior and global.wx (this helper puts
 * the previous globals back right after loading it); its Component() only works while
 * simulate.load(path) runs a component file. The helper routes every registration through "base"
 * constructors that feed miniprogram-simulate:
 *   1. wrap-function mode: loadComponent(def, wrap) / loadComponentDir(path, {wrap}) - during the
 *      load, globalThis.Component = (o) => base(wrap(o) ?? o) (Page likewise with {Page: wrapPage}),
 *      restored right after. A component file's own `Component({...})` call (and those of the
 *      components it uses) go through `wrap`; loadingFile() tells which file is running.
 *   2. patched-global mode (wrap: 'global'): call useSimulateGlobals() first (globalThis.Component /
 *      Page / Behavior become the base constructors), then let the SDK replace globalThis.Component
 *      with its wrapper calling the previous global; loads then call whatever is global (several
 *      stacked wrappers compose, e.g. SDK + a framework vendor's own patch). The helper throws if
 *      the call never reached the base (SDK patched before useSimulateGlobals(), or dropped it).
 * Page({...}) becomes a component: data → data, functions → methods (handlers and on* lifecycles),
 * other fields → instance fields; attached runs onLoad(query) + onShow, ready runs onReady. A
 * Component-as-page gets the same calls after its own attached / ready. Pages get route /
 * __route__ / options on the instance.
 * Component .js files are evaluated by this helper (ES modules transpiled to CommonJS, run fresh
 * for every load; their dependencies once per test file; bare imports resolved from
 * miniprogram_npm first) - simulate's own Node require() would never re-run an ES module.
 *
 * PAGE CONTEXT: simulate has no getCurrentPages/getApp. Either
 *   - start a test/sim process first (`const rt = createRuntime({appConfig}); const p = rt.start();
 *     p.definePage(route, () => mp.Page({})); mp.App({}); p.launch();`): it installs wx, getApp and
 *     getCurrentPages (a SimPage with that route); then load/render here. Wrap-function loads
 *     override Component/Page only during the load, so the sim's globals stay intact. In 'global'
 *     mode call useSimulateGlobals() AFTER rt.start() and cleanupSimulate() BEFORE rt.dispose().
 *     The sim's wx lacks some APIs component libraries call (tdesign: wx.nextTick):
 *     fillMissingWxApis(p.wx, ['nextTick']) copies them from simulate's wx mock; or
 *   - standalone: fakePageStack([...]) installs getCurrentPages (plus simulate's wx mock and a
 *     minimal getApp when missing); renderPage() pushes each rendered page instance on that stack.
 *     loadComponentDir() also installs wx / getApp when missing (tdesign needs both).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import ts from 'typescript';

// ---- types ------------------------------------------------------------------------------------

export type Dict = Record<string, unknown>;
/** Options object passed to Component()/Page() */
export type MpOptions = Dict;
/** What an SDK wrapper does to constructor options: return new options, or mutate and return nothing. */
export type WrapFn = (options: MpOptions) => MpOptions | void;
export interface Wrappers {
  Component?: WrapFn;
  Page?: WrapFn;
}
/** function = wrap Component() only; object = per constructor; 'global' = use the patched globals */
export type WrapMode = WrapFn | Wrappers | 'global' | undefined;

export interface MpEventTarget {
  id: string;
  dataset: Dict;
  offsetLeft?: number;
  offsetTop?: number;
}
/** The event object a handler receives (see EVENT FACTS above). */
export interface MpEvent {
  type: string;
  timeStamp: number;
  target: MpEventTarget;
  currentTarget: MpEventTarget;
  detail: unknown;
  touches?: unknown;
  changedTouches?: unknown;
  mark?: Dict;
  mut?: boolean;
}

export interface TriggerEventOptions {
  bubbles?: boolean;
  composed?: boolean;
  capturePhase?: boolean;
}

/** `this` inside component methods (j-component's method caller). */
export interface SimInstance {
  data: Dict;
  properties: Dict;
  setData(data: Dict, callback?: () => void): void;
  triggerEvent(name: string, detail?: unknown, options?: TriggerEventOptions): void;
  selectComponent(selector: string): SimInstance | null;
  selectOwnerComponent(): SimInstance | null;
  [member: string]: unknown;
}

/** A node of a rendered tree (j-component `Component`). */
export interface SimNode {
  readonly dom: HTMLElement;
  readonly data: Dict;
  readonly instance: SimInstance;
  dispatchEvent(eventName: string, options?: Dict): void;
  querySelector(selector: string): SimNode | undefined;
  querySelectorAll(selector: string): SimNode[];
  setData(data: Dict, callback?: () => void): void;
  triggerLifeTime(name: string, ...args: unknown[]): void;
  triggerPageLifeTime(name: string, ...args: unknown[]): void;
  addEventListener(name: string, handler: (e: unknown) => void, capture?: boolean): void;
  removeEventListener(name: string, handler: (e: unknown) => void, capture?: boolean): void;
  toJSON(): unknown;
}
/** The root returned by render(). */
export interface SimRoot extends SimNode {
  attach(parent: Element): void;
  detach(): void;
}

export interface LoadOptions {
  compiler?: 'official' | 'simulate';
  rootPath?: string;
  compilerOptions?: { maxBuffer?: number; wxmlList?: string[]; wxsList?: string[] };
  usingComponents?: Record<string, string>;
}

interface SimulateModule {
  load(definition: Dict): string;
  load(componentPath: string, tagName: string, options?: LoadOptions): string;
  render(id: string, properties?: Dict): SimRoot;
  behavior(definition: Dict): string;
  sleep(ms: number): Promise<void>;
  match(dom: Node, html: string): boolean;
}
interface SimulateUtils {
  runJs: (componentPath: string) => unknown;
}
type Ctor = (options: unknown) => unknown;

// ---- loading miniprogram-simulate ------------------------------------------------------------------

const requireHere = createRequire(import.meta.url);
const CAPTURED = Symbol.for('wetrack.test.mp-simulate.globals');
const RUN_JS = Symbol.for('wetrack.test.mp-simulate.runJs');

interface Captured {
  simulate: SimulateModule;
  utils: SimulateUtils;
  Component: Ctor;
  Behavior: Ctor;
}

function g(): Record<string | symbol, unknown> {
  return globalThis as unknown as Record<string | symbol, unknown>;
}

/** miniprogram-simulate, loaded once; its globals captured (and Component/Behavior put back). */
function sim(): Captured {
  const existing = g()[CAPTURED] as Captured | undefined;
  if (existing) return existing;
  if (typeof document === 'undefined' || typeof window === 'undefined') {
    throw new Error('mp-simulate needs a DOM: add `// @vitest-environment jsdom` at the top of the test file');
  }
  // simulate sets Component/Behavior and wx (merging into an existing wx): all put back afterwards
  const before = {
    Component: Object.getOwnPropertyDescriptor(globalThis, 'Component'),
    Behavior: Object.getOwnPropertyDescriptor(globalThis, 'Behavior'),
    wx: Object.getOwnPropertyDescriptor(globalThis, 'wx'),
  };
  delete g().wx;
  const modPath = requireHere.resolve('miniprogram-simulate');
  const fresh = !(modPath in requireHere.cache);
  const simulate = requireHere('miniprogram-simulate') as SimulateModule;
  if (!fresh) throw new Error('miniprogram-simulate was loaded before test/support/mp-simulate: import the helper instead of the package');
  const captured: Captured = {
    simulate,
    utils: requireHere('miniprogram-simulate/src/utils') as SimulateUtils,
    Component: g().Component as Ctor,
    Behavior: g().Behavior as Ctor,
  };
  for (const [name, desc] of Object.entries(before)) {
    if (desc) Object.defineProperty(globalThis, name, desc);
    else delete g()[name];
  }
  // through a global slot: if the process is reused by another test file, its fresh copy of this
  // module (with its own load frames) takes over
  captured.utils.runJs = (componentPath) => (g()[RUN_JS] as (p: string) => unknown)(componentPath);
  isolateWccOutput();
  Object.defineProperty(globalThis, CAPTURED, { value: captured, configurable: true });
  return captured;
}

/** The raw miniprogram-simulate module (render, load, sleep, match ...). */
export function simulateModule(): SimulateModule {
  return sim().simulate;
}

// ---- module evaluation (component .js files, ESM or CJS, fresh per load) ----------------------------

interface ModuleRecord {
  exports: unknown;
}
/** dependencies of component files, evaluated once per test file (stateless libraries) */
const depCache = new Map<string, ModuleRecord>();
const transpiled = new Map<string, string>();

function transpile(file: string): string {
  const hit = transpiled.get(file);
  if (hit !== undefined) return hit;
  const src = fs.readFileSync(file, 'utf8');
  const needs = file.endsWith('.ts') || /(^|[;}\s])(import|export)[\s{*]/.test(src);
  const out = needs
    ? ts.transpileModule(src, {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true, sourceMap: false },
      }).outputText
    : src;
  transpiled.set(file, out);
  return out;
}

function resolveFile(base: string): string | undefined {
  for (const c of [base, `${base}.js`, `${base}.ts`, path.join(base, 'index.js'), path.join(base, 'index.ts')]) {
    try {
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // next
    }
  }
  return undefined;
}

/** bare specifiers: miniprogram_npm/<name> up the tree (as the devtools "构建 npm" output), then node */
function resolveBare(spec: string, fromFile: string): string | undefined {
  let dir = path.dirname(fromFile);
  for (;;) {
    const hit = resolveFile(path.join(dir, 'miniprogram_npm', spec));
    if (hit) return hit;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function evaluate(file: string, fresh: boolean): unknown {
  if (!fresh) {
    const hit = depCache.get(file);
    if (hit) return hit.exports;
  }
  const mod: ModuleRecord = { exports: {} };
  if (!fresh) depCache.set(file, mod);
  const code = transpile(file);
  const fn = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename: file }) as (
    e: unknown,
    r: (s: string) => unknown,
    m: ModuleRecord,
    f: string,
    d: string,
  ) => void;
  const nodeRequire = createRequire(file);
  const localRequire = (spec: string): unknown => {
    if (spec.startsWith('.') || path.isAbsolute(spec)) {
      const target = resolveFile(path.resolve(path.dirname(file), spec));
      if (!target) throw new Error(`cannot resolve "${spec}" from ${file}`);
      if (target.endsWith('.json')) return JSON.parse(fs.readFileSync(target, 'utf8'));
      return evaluate(target, false);
    }
    const mpNpm = resolveBare(spec, file);
    if (mpNpm) return evaluate(mpNpm, false);
    return nodeRequire(spec);
  };
  fn(mod.exports, localRequire, mod, file, path.dirname(file));
  return mod.exports;
}

/** frames of loads in progress (innermost last) */
interface Frame {
  kind: 'definition' | 'directory';
  /** the file of the page being loaded from a directory (its Component()/Page() call is the page) */
  pageFile?: string;
  route?: string;
  query?: Dict;
  /** set while that page file runs */
  inPage?: boolean;
  captured?: MpOptions;
  capturedAs?: 'component' | 'page';
  reached: number;
}
const frames: Frame[] = [];
const frame = (): Frame | undefined => frames[frames.length - 1];

/** replaces miniprogram-simulate's runJs (Node require, which never re-runs an ES module) */
function runComponentFile(componentPath: string): unknown {
  const file = resolveFile(componentPath);
  if (!file) throw new Error(`no .js/.ts file for component ${componentPath}`);
  const f = frame();
  const isPage = !!f && f.pageFile === componentPath;
  if (f) f.inPage = isPage;
  const prevFile = currentFile;
  currentFile = file;
  try {
    return evaluate(file, true);
  } finally {
    if (f) f.inPage = false;
    currentFile = prevFile;
  }
}

let currentFile: string | undefined;
g()[RUN_JS] = runComponentFile;
/**
 * The component/page file whose code is running during a directory load (e.g. .../button/button.js),
 * so a wrapper can tell which real component it is wrapping; undefined otherwise.
 */
export function loadingFile(): string | undefined {
  return currentFile;
}

// ---- base constructors ------------------------------------------------------------------------

function isObj(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function callMaybe(self: Dict, name: string, ...args: unknown[]): void {
  const fn = self[name];
  if (typeof fn === 'function') (fn as (...a: unknown[]) => unknown).apply(self, args);
}

/** Adds route/options and the page lifecycle calls to the final options of a page. */
function asPage(options: MpOptions, route: string, query: Dict, fields: Dict = {}): MpOptions {
  const lifetimes: Dict = isObj(options.lifetimes) ? { ...options.lifetimes } : {};
  const own = (name: string): unknown => lifetimes[name] ?? options[name];
  const ownCreated = own('created');
  const ownAttached = own('attached');
  const ownReady = own('ready');
  const ownDetached = own('detached');
  const run = (self: Dict, fn: unknown, args: unknown[] = []) => {
    if (typeof fn === 'function') (fn as (...a: unknown[]) => unknown).apply(self, args);
    else if (typeof fn === 'string') callMaybe(self, fn, ...args);
  };
  lifetimes.created = function (this: Dict) {
    for (const [k, v] of Object.entries(fields)) this[k] = v;
    this.route = route;
    this.__route__ = route;
    this.options = { ...query };
    run(this, ownCreated);
  };
  lifetimes.attached = function (this: Dict) {
    run(this, ownAttached);
    callMaybe(this, 'onLoad', { ...query });
    callMaybe(this, 'onShow');
  };
  lifetimes.ready = function (this: Dict) {
    run(this, ownReady);
    callMaybe(this, 'onReady');
  };
  lifetimes.detached = function (this: Dict) {
    callMaybe(this, 'onUnload');
    run(this, ownDetached);
  };
  return { ...options, lifetimes };
}

/** Page({...}) options → Component options (see header). */
export function pageToComponentOptions(options: MpOptions, route: string, query: Dict = {}): MpOptions {
  const methods: Dict = {};
  const fields: Dict = {};
  for (const [k, v] of Object.entries(options)) {
    if (k === 'data') continue;
    if (typeof v === 'function') methods[k] = v;
    else fields[k] = v;
  }
  const data = isObj(options.data) ? JSON.parse(JSON.stringify(options.data)) as Dict : {};
  return asPage({ data, methods, options: { multipleSlots: true } }, route, query, fields);
}

function baseComponent(options: unknown): unknown {
  const f = frame();
  if (!f) throw new Error('Component() called outside a mp-simulate load (use loadComponent / loadComponentDir)');
  f.reached++;
  let opts: MpOptions = isObj(options) ? options : {};
  if (f.kind === 'definition') {
    f.captured = opts;
    f.capturedAs = 'component';
    return undefined;
  }
  if (f.inPage && f.route !== undefined) opts = asPage(opts, f.route, f.query ?? {});
  return sim().Component(opts);
}

function basePage(options: unknown): unknown {
  const f = frame();
  if (!f) throw new Error('Page() called outside a mp-simulate load (use loadPage / loadPageDir)');
  f.reached++;
  const opts = pageToComponentOptions(isObj(options) ? options : {}, f.route ?? 'pages/unknown/index', f.query ?? {});
  if (f.kind === 'definition') {
    f.captured = opts;
    f.capturedAs = 'page';
    return undefined;
  }
  if (!f.inPage) throw new Error('Page() called by a file that is not the page being loaded');
  return sim().Component(opts);
}

function baseBehavior(definition: unknown): unknown {
  return sim().Behavior(definition);
}

// ---- globals management -----------------------------------------------------------------------

type Saved = { name: string; desc: PropertyDescriptor | undefined };
const undoStack: (() => void)[] = [];

function setGlobals(values: Record<string, unknown>): () => void {
  const saved: Saved[] = Object.keys(values).map((name) => ({ name, desc: Object.getOwnPropertyDescriptor(globalThis, name) }));
  for (const [name, value] of Object.entries(values)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
  return () => {
    for (const { name, desc } of saved.reverse()) {
      if (desc) Object.defineProperty(globalThis, name, desc);
      else delete g()[name];
    }
  };
}

/**
 * Patched-global mode: makes globalThis.Component / Page / Behavior the helper's base constructors
 * (which register into miniprogram-simulate). Install the SDK after this; load with wrap: 'global'.
 * Returns the undo function (also run by cleanupSimulate(), in reverse order of installation).
 */
export function useSimulateGlobals(): () => void {
  sim();
  let undo: (() => void) | undefined = setGlobals({ Component: baseComponent, Page: basePage, Behavior: baseBehavior });
  const once = () => {
    undo?.();
    undo = undefined;
  };
  undoStack.push(once);
  return once;
}

function withLoadGlobals<T>(wrap: WrapMode, fn: () => T): T {
  if (wrap === 'global') return fn();
  const wrapC = typeof wrap === 'function' ? wrap : wrap?.Component;
  const wrapP = typeof wrap === 'function' ? undefined : wrap?.Page;
  const restore = setGlobals({
    Component: wrapC ? (o: unknown) => baseComponent(wrapC(o as MpOptions) ?? o) : baseComponent,
    Page: wrapP ? (o: unknown) => basePage(wrapP(o as MpOptions) ?? o) : basePage,
    Behavior: baseBehavior,
  });
  try {
    return fn();
  } finally {
    restore();
  }
}

function checkReached(f: Frame, what: string, wrap: WrapMode): void {
  if (f.reached > 0) return;
  throw new Error(
    wrap === 'global'
      ? `${what}: the global constructor never reached miniprogram-simulate - call useSimulateGlobals() before the SDK patches Component/Page, and make sure the wrapper calls the previous global`
      : `${what}: no Component()/Page() call was made (or the wrapper dropped it)`,
  );
}

/** miniprogram-simulate's wx mock as global wx when none is installed (no sim process) */
function ensureWx(): void {
  if (g().wx !== undefined) return;
  undoStack.push(setGlobals({ wx: requireHere('miniprogram-simulate/src/api') }));
}

/** minimal getApp for components that call it (tdesign) when no sim process is running */
function ensureGetApp(): void {
  if (typeof g().getApp === 'function') return;
  const app: Dict = { globalData: {} };
  undoStack.push(setGlobals({ getApp: () => app }));
}

// ---- loading definitions ------------------------------------------------------------------------

export interface InlineDefinition {
  /** WXML of the component / page */
  template: string;
  /** tag → id returned by an earlier load */
  usingComponents?: Record<string, string>;
  /** 'simulate' (default): j-component's own parser; 'official': WeChat's wcc (handles {{}} handler names, <wxs src>, <import>) */
  compiler?: 'simulate' | 'official';
  /** tag name used for the root element and wxss prefix */
  tagName?: string;
}

let tmpRoot: string | undefined;
function tmpDir(prefix: string): string {
  if (!tmpRoot) {
    // test workers are often killed rather than exited: also prune what old runs left behind
    for (const name of fs.readdirSync(os.tmpdir())) {
      if (!name.startsWith('wetrack-mp-')) continue;
      const full = path.join(os.tmpdir(), name);
      try {
        if (Date.now() - fs.statSync(full).mtimeMs > 30 * 60_000) fs.rmSync(full, { recursive: true, force: true });
      } catch {
        // raced with another worker
      }
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wetrack-mp-'));
    tmpRoot = dir;
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return fs.mkdtempSync(path.join(tmpRoot, prefix));
}

interface WccModule {
  wxmlToJs(rootPath: string, options: { maxBuffer?: number; wxmlList?: string[]; wxsList?: string[] }): string;
}
type Gwx = (path: string) => unknown;

/**
 * wcc output keeps its template tables in the implicit global `__WXML_GLOBAL__` under names that
 * only depend on the file's index (`$gwx_1`…): two separate compilations in one process (two
 * projects, or inline templates) would read each other's tables. Each compilation gets its own.
 */
function isolateWccOutput(): void {
  const compiler = requireHere('miniprogram-compiler') as WccModule & { __wtIsolated?: boolean };
  if (compiler.__wtIsolated) return;
  const original = compiler.wxmlToJs.bind(compiler);
  // wxs_nf_init guards a once-per-realm patch of built-in prototypes: that flag stays shared
  const prelude =
    'var __WXML_GLOBAL__ = Object.defineProperty({}, "wxs_nf_init", { enumerable: true, ' +
    'get: function () { return globalThis.__wtWxsNfInit; }, set: function (v) { globalThis.__wtWxsNfInit = v; } }); var $gwx;\n';
  compiler.wxmlToJs = (rootPath, options) => prelude + original(rootPath, options);
  compiler.__wtIsolated = true;
}

/** compiles one WXML string with WeChat's wcc (miniprogram-compiler) → generate function */
function compileOfficial(template: string, extraFiles: Record<string, string> = {}): unknown {
  const dir = tmpDir('wxml-');
  fs.writeFileSync(path.join(dir, 'index.wxml'), template);
  for (const [rel, content] of Object.entries(extraFiles)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  ensureWccExecutable();
  isolateWccOutput();
  const compiler = requireHere('miniprogram-compiler') as WccModule;
  const files = Object.keys(extraFiles);
  const code = compiler.wxmlToJs(dir, {
    maxBuffer: 64 << 20,
    wxmlList: ['index.wxml', ...files.filter((f) => f.endsWith('.wxml'))],
    wxsList: files.filter((f) => f.endsWith('.wxs')),
  });
  const gwx = new Function(code)() as Gwx;
  const fn = gwx('index.wxml');
  if (typeof fn !== 'function') throw new Error('wcc did not produce a template for the inline WXML');
  return fn;
}

function ensureWccExecutable(): void {
  // the package ships bin/linux/wcc without the x bit; miniprogram-compiler tries chmod itself,
  // this just makes a failure explicit
  const bin = path.join(path.dirname(requireHere.resolve('miniprogram-compiler/package.json')), 'bin', 'linux', 'wcc');
  if (process.platform !== 'linux' || !fs.existsSync(bin)) return;
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    fs.chmodSync(bin, 0o755);
  }
}

function register(def: InlineDefinition, options: MpOptions): string {
  const { simulate } = sim();
  const template = def.compiler === 'official' ? compileOfficial(def.template) : def.template;
  const definition: Dict = { ...options, template, usingComponents: def.usingComponents ?? {} };
  if (def.tagName) definition.tagName = def.tagName;
  return simulate.load(definition);
}

function splitDefinition(def: InlineDefinition & MpOptions): { inline: InlineDefinition; options: MpOptions } {
  const { template, usingComponents, compiler, tagName, ...options } = def;
  const inline: InlineDefinition = { template: template as string };
  if (usingComponents) inline.usingComponents = usingComponents as Record<string, string>;
  if (compiler) inline.compiler = compiler as 'simulate' | 'official';
  if (tagName) inline.tagName = tagName as string;
  return { inline, options };
}

function loadInline(def: InlineDefinition & MpOptions, wrap: WrapMode, kind: 'component' | 'page', route?: string, query?: Dict): string {
  sim();
  const { inline, options } = splitDefinition(def);
  const f: Frame = { kind: 'definition', reached: 0, route: route ?? 'pages/unknown/index', query: query ?? {} };
  frames.push(f);
  try {
    withLoadGlobals(wrap, () => {
      const ctor = g()[kind === 'page' ? 'Page' : 'Component'];
      if (typeof ctor !== 'function') throw new Error(`global ${kind === 'page' ? 'Page' : 'Component'} is not a function`);
      (ctor as Ctor)(options);
    });
  } finally {
    frames.pop();
  }
  checkReached(f, kind === 'page' ? 'loadPage' : 'loadComponent', wrap);
  return register(inline, f.captured ?? {});
}

/**
 * Registers a component from an inline definition; its options go through Component() (wrapped
 * by `wrap`). `def` = { template, usingComponents?, compiler?, tagName?, ...componentOptions }.
 * Returns the id for render() or for usingComponents of another definition.
 */
export function loadComponent(def: InlineDefinition & MpOptions, wrap?: WrapMode): string {
  return loadInline(def, wrap, 'component');
}

export interface PageLoadOptions {
  wrap?: WrapMode;
  /** page route without leading slash (default 'pages/index/index') */
  route?: string;
  /** query passed to onLoad and found in this.options */
  query?: Dict;
  /** 'page' (default): options go to Page(); 'component': Component-as-page */
  kind?: 'page' | 'component';
}

/** Registers a page from an inline definition; `def` holds the Page() (or Component()) options. */
export function loadPage(def: InlineDefinition & MpOptions, opts: PageLoadOptions = {}): string {
  const route = opts.route ?? 'pages/index/index';
  const query = opts.query ?? {};
  if (opts.kind === 'component') {
    const { inline, options } = splitDefinition(def);
    const f: Frame = { kind: 'definition', reached: 0, route, query };
    frames.push(f);
    try {
      withLoadGlobals(opts.wrap, () => (g().Component as Ctor)(options));
    } finally {
      frames.pop();
    }
    checkReached(f, 'loadPage', opts.wrap);
    return register(inline, asPage(f.captured ?? {}, route, query));
  }
  return loadInline(def, opts.wrap, 'page', route, query);
}

// ---- loading directories (real component packages, fixture apps) ------------------------------------

const fileLists = new Map<string, { wxml: string[]; wxs: string[] }>();

function listSources(rootPath: string): { wxml: string[]; wxs: string[] } {
  const hit = fileLists.get(rootPath);
  if (hit) return hit;
  const wxml: string[] = [];
  const wxs: string[] = [];
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      if (name === 'node_modules') continue;
      const full = path.join(dir, name);
      const st = fs.statSync(full); // follows symlinks (miniprogram_npm links)
      if (st.isDirectory()) walk(full);
      else if (name.endsWith('.wxml')) wxml.push(path.relative(rootPath, full).split(path.sep).join('/'));
      else if (name.endsWith('.wxs')) wxs.push(path.relative(rootPath, full).split(path.sep).join('/'));
    }
  };
  walk(rootPath);
  const lists = { wxml, wxs };
  fileLists.set(rootPath, lists);
  return lists;
}

export interface DirLoadOptions {
  wrap?: WrapMode;
  /** project root for wcc and for absolute usingComponents paths (default: the component's parent dir's parent) */
  rootPath?: string;
  /** tag name of the root element (default 'main') */
  tagName?: string;
  compiler?: 'official' | 'simulate';
}

function loadDir(componentPath: string, opts: DirLoadOptions, page?: { route: string; query: Dict }): string {
  const { simulate } = sim();
  ensureWx();
  ensureGetApp();
  const abs = path.resolve(componentPath.replace(/\.(js|ts|wxml|json)$/, ''));
  const rootPath = path.resolve(opts.rootPath ?? path.dirname(path.dirname(abs)));
  const compiler = opts.compiler ?? 'official';
  const loadOptions: LoadOptions = { compiler, rootPath };
  if (compiler === 'official') {
    ensureWccExecutable();
    const lists = listSources(rootPath);
    loadOptions.compilerOptions = { maxBuffer: 64 << 20, wxmlList: lists.wxml, wxsList: lists.wxs };
  }
  const f: Frame = { kind: 'directory', reached: 0 };
  if (page) {
    f.pageFile = abs;
    f.route = page.route;
    f.query = page.query;
  }
  frames.push(f);
  let id: string;
  try {
    id = withLoadGlobals(opts.wrap, () => simulate.load(abs, opts.tagName ?? 'main', loadOptions));
  } finally {
    frames.pop();
  }
  checkReached(f, 'loadComponentDir', opts.wrap);
  return id;
}

/**
 * Loads a component the way it ships: `<dir>/<name>` + .json/.wxml/.wxss/.js (e.g. tdesign's
 * miniprogram_dist/button/button) with its usingComponents, compiled by wcc. The component's own
 * `Component({...})` call (and those of the components it uses) go through `wrap`.
 */
export function loadComponentDir(componentPath: string, opts: DirLoadOptions = {}): string {
  return loadDir(componentPath, opts);
}

/**
 * Loads a page of a (staged) project: `<rootPath>/<route>` .json/.wxml/.js; the page file may call
 * Page() or Component(). Its usingComponents are loaded too.
 */
export function loadPageDir(rootPath: string, route: string, opts: Omit<DirLoadOptions, 'rootPath'> & { query?: Dict } = {}): string {
  return loadDir(path.join(rootPath, route), { ...opts, rootPath }, { route: route.replace(/^\//, ''), query: opts.query ?? {} });
}

/**
 * Copies a mini-program source tree to a temp dir and links npm component packages as
 * miniprogram_npm/<name> (what the devtools' "构建 npm" produces). usingComponents entries written
 * npm-style ("tdesign-miniprogram/button/button") are rewritten to relative paths, because
 * miniprogram-simulate only resolves relative and root-absolute paths. Returns the project root.
 */
export function stageProject(srcDir: string, npm: Record<string, string> = {}): string {
  const root = tmpDir('app-');
  fs.cpSync(srcDir, root, { recursive: true });
  for (const [name, dir] of Object.entries(npm)) {
    const link = path.join(root, 'miniprogram_npm', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.resolve(dir), link, 'dir');
  }
  const names = Object.keys(npm);
  const fix = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'miniprogram_npm') fix(full);
      } else if (entry.name.endsWith('.json')) {
        const json = JSON.parse(fs.readFileSync(full, 'utf8')) as { usingComponents?: Record<string, string> };
        if (!json.usingComponents) continue;
        for (const [tag, value] of Object.entries(json.usingComponents)) {
          if (names.some((n) => value === n || value.startsWith(`${n}/`))) {
            json.usingComponents[tag] = path.relative(dir, path.join(root, 'miniprogram_npm', value)).split(path.sep).join('/');
          }
        }
        fs.writeFileSync(full, JSON.stringify(json, null, 2));
      }
    }
  };
  fix(root);
  return root;
}

/** miniprogram_dist of an installed npm component package (e.g. 'tdesign-miniprogram') */
export function npmComponentDir(pkg: string): string {
  const pkgJson = requireHere.resolve(`${pkg}/package.json`);
  const meta = JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { miniprogram?: string };
  return path.join(path.dirname(pkgJson), meta.miniprogram ?? 'miniprogram_dist');
}

/**
 * Adds to a `wx` object (e.g. a test/sim process's) the APIs it lacks, taken from
 * miniprogram-simulate's wx mock - component libraries call some the sim does not model
 * (tdesign: wx.nextTick). Returns the names added.
 */
export function fillMissingWxApis(wx: Record<string, unknown>, names?: string[]): string[] {
  sim();
  const api = requireHere('miniprogram-simulate/src/api') as Record<string, unknown>;
  const added: string[] = [];
  for (const name of names ?? Object.keys(api)) {
    if (wx[name] === undefined && api[name] !== undefined) {
      wx[name] = api[name];
      added.push(name);
    }
  }
  return added;
}

// ---- rendering and page context ----------------------------------------------------------------------

const mounted: SimRoot[] = [];
let pageStack: Dict[] | undefined;

/** Renders and attaches (attached + ready lifetimes run). */
export function render(id: string, properties?: Dict): SimRoot {
  const root = sim().simulate.render(id, properties);
  const host = document.createElement('wt-host');
  document.body.appendChild(host);
  root.attach(host);
  mounted.push(root);
  return root;
}

/**
 * Installs getCurrentPages() returning `pages` (top = last) and a minimal getApp when missing, for
 * components rendered without a sim process. renderPage() pushes onto this stack when installed.
 */
export function fakePageStack(pages: Dict[] = []): Dict[] {
  sim();
  ensureWx();
  ensureGetApp();
  pageStack = pages;
  const stack = pages;
  undoStack.push(setGlobals({ getCurrentPages: () => [...stack] }));
  undoStack.push(() => {
    if (pageStack === stack) pageStack = undefined;
  });
  return stack;
}

/** Renders a page loaded by loadPage/loadPageDir; returns the root and the page instance (`this` of its handlers). */
export function renderPage(id: string, properties?: Dict): { root: SimRoot; page: SimInstance } {
  const root = render(id, properties);
  const page = root.instance;
  pageStack?.push(page);
  return { root, page };
}

/** Detaches everything rendered and undoes every global this helper installed (use in afterEach). */
export function cleanupSimulate(): void {
  for (const root of mounted.splice(0).reverse()) {
    try {
      root.detach();
    } catch {
      // already detached
    }
  }
  document.querySelectorAll('wt-host').forEach((n) => n.remove());
  while (undoStack.length) undoStack.pop()!();
  pageStack = undefined;
}

// ---- walking the rendered tree ------------------------------------------------------------------------

interface ExparserNode {
  childNodes: ExparserNode[];
  shadowRoot?: ExparserNode;
}
interface ExparserLike {
  Component: new (...a: never[]) => ExparserNode;
  Element: (new (...a: never[]) => ExparserNode) & { getMethodCaller(node: ExparserNode): SimInstance | null | undefined };
}

/**
 * Every component instance (`this` of its methods) in a rendered tree, the root first, depth-first
 * through shadow trees - custom components and built-in tags alike (built-ins have no methods).
 */
export function componentInstances(root: SimNode): SimInstance[] {
  const exparser = requireHere('miniprogram-exparser') as ExparserLike;
  const out: SimInstance[] = [];
  const seen = new Set<unknown>();
  const visit = (node: ExparserNode) => {
    if (node instanceof exparser.Component) {
      const caller = exparser.Element.getMethodCaller(node);
      if (caller && !seen.has(caller)) {
        seen.add(caller);
        out.push(caller);
      }
      if (node.shadowRoot) visit(node.shadowRoot);
    }
    for (const child of node.childNodes) if (child instanceof exparser.Element) visit(child);
  };
  visit((root as unknown as { _exparserNode: ExparserNode })._exparserNode);
  return out;
}

// ---- finding nodes and gestures ------------------------------------------------------------------------

/**
 * Finds a node; ' >>> ' pierces into a custom component's shadow tree:
 * find(root, '#buy >>> .t-button') = the .t-button inside the component with id "buy".
 */
export function find(root: SimNode, selector: string): SimNode {
  let node: SimNode | undefined = root;
  for (const part of selector.split('>>>').map((s) => s.trim())) {
    node = node?.querySelector(part);
    if (!node) throw new Error(`find: no node for "${part}" (in "${selector}")`);
  }
  return node!;
}

export interface Point {
  x?: number;
  y?: number;
}

/** lets simulate's microtask-deferred dispatches run (fake-timer safe: no timers involved) */
export async function flush(turns = 30): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

function targetOf(root: SimNode, target: string | SimNode): SimNode {
  const node = typeof target === 'string' ? find(root, target) : target;
  if (!node.dom || !root.dom.contains(node.dom)) {
    throw new Error(
      'gesture target has no DOM node inside the rendered tree (a virtualHost component host?): target an element inside it, e.g. "#buy >>> .t-button"',
    );
  }
  return node;
}

/**
 * A realistic tap: touchstart + touchend at one point on the target element; simulate then fires
 * `tap` (detail {x, y}, touches arrays) exactly like a finger tap. Resolves after dispatch and the
 * synchronous handlers have run (handlers' own timers, e.g. uni-app's deferred invokers, have not).
 */
export async function tap(root: SimNode, target: string | SimNode, at: Point = {}): Promise<void> {
  const node = targetOf(root, target);
  const p = { x: at.x ?? 10, y: at.y ?? 10 };
  node.dispatchEvent('touchstart', { touches: [p], changedTouches: [p] });
  node.dispatchEvent('touchend', { touches: [], changedTouches: [p] });
  await flush();
}

/**
 * Touch held for `holdMs` (default 400) then released: simulate fires `longpress` at 350 ms and
 * suppresses the tap. `wait` advances time: real sleep by default; pass
 * `(ms) => vi.advanceTimersByTimeAsync(ms)` under fake timers.
 */
export async function longpress(root: SimNode, target: string | SimNode, opts: Point & { holdMs?: number; wait?: (ms: number) => Promise<unknown> } = {}): Promise<void> {
  const node = targetOf(root, target);
  const p = { x: opts.x ?? 10, y: opts.y ?? 10 };
  node.dispatchEvent('touchstart', { touches: [p], changedTouches: [p] });
  await flush();
  await (opts.wait ?? ((ms: number) => new Promise((r) => setTimeout(r, ms))))(opts.holdMs ?? 400);
  node.dispatchEvent('touchend', { touches: [], changedTouches: [p] });
  await flush();
}
