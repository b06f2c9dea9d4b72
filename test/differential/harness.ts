/**
 * The differential transparency harness: an app shape run without wetrack and with it (globals
 * patched; explicit wrappers only; both), on one engine, and the host-observable logs compared.
 *
 * A shape is the code of one page file (plus child components on engines that render them) and a
 * script of what happens to the page after launch. Shapes call the constructors through `c.Page`,
 * `c.Component`, `c.Behavior`, which resolve the *global* at call time (so wetrack's patch is seen),
 * and wrap their options with `c.w.page/component/behavior`, which are wetrack's explicit wrappers
 * in the explicit modes and the identity otherwise. Every host function is made by `c.fn(label, impl)`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker, type Wetrack } from '../../src/index';
import type { TrackedEvent } from '../../src/types';
import { firstDifference, HostLog, type Dict, type HostFn, type Inst } from './host-log';

export type Mode = 'none' | 'global' | 'explicit' | 'both';
export const WETRACK_MODES: Exclude<Mode, 'none'>[] = ['global', 'explicit', 'both'];
export type EngineName = 'sim' | 'glass-easel';

export const ROUTE = 'pages/shape/index';

export type Step =
  | 'hide'
  | 'show'
  | 'unload'
  /** a finger tap (or long press) on the element with this id; 'child >>> id' inside a child component */
  | { tap: string; type?: 'tap' | 'longpress' }
  /** another piece of host code calls a method of the page instance */
  | { call: string; args?: (c: ShapeCtx) => unknown[] };

export interface ShapeCtx {
  log: HostLog;
  fn(label: string, impl?: HostFn): HostFn;
  /* eslint-disable @typescript-eslint/no-explicit-any */
  Page(options: Dict): any;
  Component(options?: Dict): any;
  Behavior(options?: Dict): any;
  /** the current global Behavior itself (for static members such as glass-easel's Behavior.trait) */
  globalBehavior(): any;
  /* eslint-enable @typescript-eslint/no-explicit-any */
  /** wetrack's explicit wrappers in the explicit modes, the identity otherwise */
  w: { page<T>(o: T): T; component<T>(o: T): T; behavior<T>(o: T): T };
}

export interface ChildShape {
  /** tag used in the page template; its path is components/<tag>/index */
  tag: string;
  template: string;
  define(c: ShapeCtx): void;
}

export interface Shape {
  name: string;
  /** the page's WXML; in the simulator a tap is delivered to the handler bound on the element */
  template?: string;
  /** child components (engines that render component trees only) */
  children?: ChildShape[];
  define(c: ShapeCtx): void;
  /** after launch (load, show, ready); default: hide, show, unload */
  steps?: Step[];
  query?: Record<string, string>;
  /** engines the shape can run on (default: all) */
  engines?: EngineName[];
  /** expected $page_view of the route; default one per show (launch and each 'show' step); null: not checked */
  pageViews?: number | null;
  /** expected $tap; default one per tap step; null: not checked */
  taps?: number | null;
  /**
   * A difference wetrack makes on purpose, documented in the README: applied to each line of the
   * host log of a run with wetrack before it is compared (e.g. the share chain's parameter).
   */
  intended?: (line: string) => string;
  /**
   * Known differences: these cells are expected to FAIL (it.fails, so they are reported the day
   * they pass), each with the reason, also listed in the README's limits.
   */
  known?: { checks: ('log' | 'members' | 'events')[]; modes?: Mode[]; engines?: EngineName[]; why: string }[];
}

export interface RunResult {
  /** calls, `this`, arguments, returns, throws, errors the framework caught, data after each step */
  log: string[];
  /** the page instance's own keys and page-method names after each step (see members()) */
  members: string[];
  events: Pick<TrackedEvent, 'name' | 'properties'>[];
  warnings: string[];
}

export interface Engine {
  name: EngineName;
  run(shape: Shape, mode: Mode): Promise<RunResult>;
}

/** The default script: the page goes to the background and comes back, then is closed. */
export const DEFAULT_STEPS: Step[] = ['hide', 'show', 'unload'];
export const stepsOf = (s: Shape): Step[] => s.steps ?? DEFAULT_STEPS;

export function label(s: Step): string {
  if (typeof s === 'string') return s;
  if ('tap' in s) return `${s.type ?? 'tap'} #${s.tap}`;
  return `call ${s.call}`;
}

// ---- per-run wiring --------------------------------------------------------------------------

/** Page lifecycle and page event method names (D/reference/api/Page.html). */
const PAGE_METHODS = ['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload', 'onRouteDone', 'onPullDownRefresh', 'onReachBottom', 'onPageScroll', 'onResize', 'onTabItemTap', 'onShareAppMessage', 'onShareTimeline', 'onAddToFavorites', 'onSaveExitState'];

/**
 * What host code can see of the instance itself: its own keys (`Object.keys(this)`) and which
 * page lifecycle names are functions on it (`if (this.onShow) …`, and WeChat's own checks: a page
 * with onShareAppMessage gets the share menu).
 */
export function members(page: Inst): string {
  return `own: ${Object.keys(page).join(',')} | functions: ${PAGE_METHODS.filter((n) => typeof page[n] === 'function').join(',')}`;
}

/**
 * What wetrack adds to a page instance on purpose (README, "Transparent"): a function for each page
 * lifecycle it listens to that the page lacks (from wetrack's behavior, or added to the options of
 * a Page without behaviors), and exposure's own `setData` on the instance. Nothing else may differ:
 * every member the page had is still there, and no other appears.
 */
const ADDED_BY_WETRACK = ['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload', 'onTabItemTap', 'setData'];

/** A members line with wetrack's intended additions (those the run without wetrack lacks) taken out. */
export function withoutIntendedAdditions(withWt: string, without: string): string {
  const parse = (line: string) => /^(.*?own: )(.*) \| functions: (.*)$/.exec(line);
  const a = parse(withWt);
  const b = parse(without);
  if (!a || !b) return withWt;
  // Own keys as a set: the order in which a framework copies methods onto an instance is not
  // something WeChat defines (and wetrack's behavior, put first, moves it).
  const keep = (list: string, base: string) => {
    const had = new Set(base.split(','));
    return list
      .split(',')
      .filter((k) => had.has(k) || !ADDED_BY_WETRACK.includes(k))
      .sort()
      .join(',');
  };
  return `${a[1]}${keep(a[2]!, b[2]!)} | functions: ${keep(a[3]!, b[3]!)}`;
}

/**
 * The steps of one run, as both engines take them: each step is logged, an exception out of the
 * framework is logged as uncaught, then (once the framework has settled) the page's data and members.
 */
export function stepper(log: HostLog, result: RunResult, settle: () => Promise<unknown>, page: () => Inst | undefined) {
  const after = async (name: string) => {
    await settle();
    const p = page();
    if (!p) return;
    log.push(`after ${name}: data ${log.data(p.data)}`);
    result.members.push(`after ${name}: ${members(p)}`);
  };
  return async (name: string, f: () => unknown) => {
    log.push(`step ${name}`);
    try {
      await f();
    } catch (e) {
      log.push(`uncaught ${log.describe(e)}`);
    }
    await after(name);
  };
}

const identity = <T>(o: T): T => o;

/** wetrack as an app's app.js sets it up, with every accepted event recorded. */
export function startWetrack(mode: Mode, events: RunResult['events']): Wetrack | undefined {
  if (mode === 'none') return undefined;
  const tracker = createTracker();
  tracker.use({ name: 'recorder', type: 'destination', execute: (e) => void events.push({ name: e.name, properties: e.properties }) });
  tracker.init({
    serverUrl: 'http://127.0.0.1:9/collect',
    autocapture: mode === 'explicit' ? { patchGlobals: false } : true,
    flushIntervalMs: 3_600_000,
    batchSize: 10_000,
  });
  return tracker;
}

function global(name: 'Page' | 'Component' | 'Behavior'): (...a: unknown[]) => unknown {
  const f = (globalThis as unknown as Record<string, unknown>)[name];
  if (typeof f !== 'function') throw new Error(`global ${name} is not installed`);
  return f as (...a: unknown[]) => unknown;
}

export function makeCtx(log: HostLog, mode: Mode, tracker: Wetrack | undefined): ShapeCtx {
  const explicit = (mode === 'explicit' || mode === 'both') && tracker;
  return {
    log,
    fn: (label, impl) => log.fn(label, impl),
    // `Component()` with no argument is glass-easel's chaining API: pass no argument on.
    Page: (o) => global('Page')(o),
    Component: (...a) => global('Component')(...a),
    Behavior: (...a) => global('Behavior')(...a),
    globalBehavior: () => global('Behavior'),
    w: explicit ? { page: (o) => tracker.page(o), component: (o) => tracker.component(o), behavior: (o) => tracker.behavior(o) } : { page: identity, component: identity, behavior: identity },
  };
}

/** console.warn / console.error of the run (wetrack's warnings, a framework's errors), kept out of the test output. */
export function captureConsole(into: string[]): () => void {
  const warn = vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void into.push(a.map(String).join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void into.push(a.map(String).join(' ')));
  return () => {
    warn.mockRestore();
    error.mockRestore();
  };
}

// ---- templates (what the simulator needs to deliver a tap without rendering) ----------------

export interface TapTarget {
  handler: string;
  dataset: Dict;
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** A plain element with an id, a tap binding and data-* attributes. */
export function btn(id: string, handler: string, data: Record<string, string> = {}, event = 'tap'): string {
  const attrs = Object.entries(data)
    .map(([k, v]) => ` data-${k}="${v}"`)
    .join('');
  return `<view id="${id}"${attrs} bind:${event}="${handler}">${id}</view>`;
}

/** The handler bound to `event` on the element with `id` in a template, and its dataset. */
export function tapTarget(template: string, id: string, event = 'tap'): TapTarget | undefined {
  const m = new RegExp(`<[a-z-]+\\s([^>]*\\bid="${id}"[^>]*)>`).exec(template);
  if (!m) return undefined;
  const attrs: Record<string, string> = {};
  for (const a of m[1]!.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!;
  const handler = attrs[`bind:${event}`] ?? attrs[`bind${event}`] ?? attrs[`catch:${event}`] ?? attrs[`catch${event}`];
  if (!handler) return undefined;
  const dataset: Dict = {};
  for (const [k, v] of Object.entries(attrs)) if (k.startsWith('data-')) dataset[camel(k.slice(5))] = v;
  return { handler, dataset };
}

// ---- expectations ------------------------------------------------------------------------------

export function expectedPageViews(s: Shape): number | null {
  if (s.pageViews !== undefined) return s.pageViews;
  return 1 + stepsOf(s).filter((x) => x === 'show').length;
}

export function expectedTaps(s: Shape): number | null {
  if (s.taps !== undefined) return s.taps;
  return stepsOf(s).filter((x) => typeof x === 'object' && 'tap' in x).length;
}

export function countEvents(r: RunResult, name: string, route = ROUTE): number {
  return r.events.filter((e) => e.name === name && (name !== '$page_view' || e.properties.path === route)).length;
}

// ---- the matrix as vitest tests --------------------------------------------------------------

/**
 * One `describe` per shape; per wetrack mode one test of the host log (equal to the run without
 * wetrack) and one of the SDK's events. Failing cells are real failures: they show the first
 * difference, then the whole logs as a diff.
 */
export function defineMatrix(engine: Engine, shapes: Shape[]): void {
  // each run once: the host-log test and the events test of a cell share it
  const runs = new Map<string, Promise<RunResult>>();
  const run = (s: Shape, mode: Mode) => {
    const key = `${s.name}\u0000${mode}`;
    let r = runs.get(key);
    if (!r) runs.set(key, (r = engine.run(s, mode)));
    return r;
  };
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: Date.UTC(2024, 0, 15, 8, 0, 0) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  for (const shape of shapes) {
    if (shape.engines && !shape.engines.includes(engine.name)) continue;
    describe(shape.name, () => {
      for (const mode of WETRACK_MODES) {
        // A known difference runs as it.fails, its reason in the title.
        const cell = (check: 'log' | 'members' | 'events', title: string, body: () => Promise<void>) => {
          const k = (shape.known ?? []).find((x) => x.checks.includes(check) && (!x.modes || x.modes.includes(mode)) && (!x.engines || x.engines.includes(engine.name)));
          if (k) it.fails(`${title} (known difference: ${k.why})`, body);
          else it(title, body);
        };
        cell('log', `host log × ${mode}`, async () => {
          const without = await run(shape, 'none');
          const withWt = await run(shape, mode);
          const log = shape.intended ? withWt.log.map(shape.intended) : withWt.log;
          const diff = firstDifference(without.log, log);
          expect(log, `${engine.name} · ${shape.name} · ${mode}: the host saw something else with wetrack\n${diff}`).toEqual(without.log);
        });
        cell('members', `instance members × ${mode}`, async () => {
          const without = await run(shape, 'none');
          const withWt = await run(shape, mode);
          const members = withWt.members.map((m, i) => withoutIntendedAdditions(m, without.members[i] ?? ''));
          const expected = without.members.map((m) => withoutIntendedAdditions(m, m));
          expect(members, `${engine.name} · ${shape.name} · ${mode}: the page instance has other members with wetrack\n${firstDifference(expected, members)}`).toEqual(expected);
        });
        cell('events', `events × ${mode}`, async () => {
          const r = await run(shape, mode);
          const got = { pageViews: countEvents(r, '$page_view'), taps: countEvents(r, '$tap') };
          const want = { pageViews: expectedPageViews(shape) ?? got.pageViews, taps: expectedTaps(shape) ?? got.taps };
          expect(got, `${engine.name} · ${shape.name} · ${mode}: $page_view per real show, $tap per gesture`).toEqual(want);
        });
      }
    });
  }
}

export type { Dict, HostFn, Inst };
