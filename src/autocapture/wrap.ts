import type { Capture } from './capture';
import { hook, MARK, type Bag, type Fn } from './hook';

// Page lifecycles: a tap never arrives through them, so they are not tap-wrapped.
const LIFECYCLE = /^on(Load|Show|Ready|Hide|Unload|PullDownRefresh|ReachBottom|PageScroll|Resize|ShareAppMessage|ShareTimeline|AddToFavorites|TabItemTap|SaveExitState)$/;

/**
 * Handlers uni-app (Vue 3) puts on the instance, not in `methods`: invokers named e0, e1…, each
 * with the developer's function as `.value`. They appear when the page renders, so they are
 * wrapped just before each setData; the wrapper forwards `.value`, which uni-app updates.
 */
function watchInstance(inst: Bag, cap: Capture) {
  const setData = inst.setData as Fn | undefined;
  if (typeof setData != 'function' || setData[MARK]) return;
  inst.setData = hook(
    setData,
    () => {
      for (const k of Object.keys(inst)) {
        const f = inst[k] as Fn & { value?: Fn };
        if (typeof f != 'function' || f[MARK] || typeof f.value != 'function') continue;
        // The developer's function name, unless it is an inline arrow ('') or minified away.
        const w = hook(f, (_, a) => cap.tap(a[0], f.value && f.value.name.length > 2 ? f.value.name : ''), cap.safe);
        Object.defineProperty(w, 'value', { get: () => f.value, set: (v: Fn) => (f.value = v) });
        inst[k] = w;
      }
    },
    cap.safe,
  );
}

/** Every other function may be an event handler: the first argument tells whether it is a tap. */
function wrapHandlers(bag: Bag, cap: Capture) {
  for (const k in bag) {
    const fn = bag[k];
    if (typeof fn == 'function' && !(fn as Fn)[MARK] && !LIFECYCLE.test(k)) bag[k] = hook(fn, (_, a) => cap.tap(a[0], k), cap.safe);
  }
}

function wrapShare(fn: unknown, method: 'message' | 'timeline', cap: Capture): Fn | undefined {
  const host = fn as Fn | undefined;
  if (!host || host[MARK]) return host;
  const w: Fn = function (this: unknown, ...args: unknown[]) {
    const result = host.apply(this, args);
    let out = result;
    cap.safe(() => (out = cap.share(this as object, args, method, result)));
    return out;
  };
  w[MARK] = 1;
  return w;
}

/** Page lifecycles, in a Page's options or in a Component-as-page's methods. */
function wrapPageLifecycles(bag: Bag, cap: Capture) {
  bag.onLoad = hook(bag.onLoad, (self, a) => cap.load(self as object, a[0]), cap.safe);
  bag.onShow = hook(bag.onShow, (self) => cap.show(self as object), cap.safe);
  bag.onHide = hook(bag.onHide, (self) => cap.leave(self as object), cap.safe);
  bag.onUnload = hook(bag.onUnload, (self) => cap.leave(self as object), cap.safe);
  bag.onTabItemTap = hook(bag.onTabItemTap, (_, a) => cap.tabTap(a[0]), cap.safe);
  bag.onShareAppMessage = wrapShare(bag.onShareAppMessage, 'message', cap);
  bag.onShareTimeline = wrapShare(bag.onShareTimeline, 'timeline', cap);
  // A share handler that was absent stays absent: adding one would turn on sharing for the page.
  if (!bag.onShareAppMessage) delete bag.onShareAppMessage;
  if (!bag.onShareTimeline) delete bag.onShareTimeline;
}

const isBag = (o: unknown): o is Bag => !!o && typeof o == 'object';

/** Page(wetrack.page({...})): the same options, with lifecycles and handlers wrapped. */
export function wrapPage<T>(options: T, cap: Capture): T {
  if (!isBag(options)) return options;
  const o = Object.assign({}, options) as Bag;
  wrapPageLifecycles(o, cap);
  wrapHandlers(o, cap);
  for (const plug of cap.plugs) plug(o, false);
  return o as T;
}

/**
 * Component(wetrack.component({...})): handlers in `methods` are tap-wrapped, and page lifecycles
 * in `methods` are wrapped so that a Component used as a page (native, uni-app) gets page events.
 * For a component that is not a page they are never called.
 */
export function wrapComponent<T>(options: T, cap: Capture): T {
  if (!isBag(options)) return options;
  const o = Object.assign({}, options) as Bag;
  const methods = (o.methods = Object.assign({}, o.methods) as Bag);
  const life = (o.lifetimes = Object.assign({}, o.lifetimes) as Bag);
  wrapPageLifecycles(methods, cap);
  wrapHandlers(methods, cap);
  life.attached = hook(life.attached || o.attached, (self) => watchInstance(self as Bag, cap), cap.safe);
  for (const plug of cap.plugs) plug(o, true);
  return o as T;
}

/** Behavior(wetrack.behavior({...})): handlers in `methods` are tap-wrapped. */
export function wrapBehavior<T>(options: T, cap: Capture): T {
  if (!isBag(options) || !isBag(options.methods)) return options;
  const o = Object.assign({}, options) as Bag;
  wrapHandlers((o.methods = Object.assign({}, o.methods)), cap);
  return o as T;
}
