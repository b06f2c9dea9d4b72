import type { Capture } from './capture';
import { hook, MARK, type Bag, type Fn } from './hook';

/**
 * Page lifecycles the SDK listens to (capture and exposure register listeners by these names).
 * They are methods: in a Page's options, or in `methods` of a Component used as a page.
 */
const PAGE_HOOKS = ['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload', 'onTabItemTap'];
/** Component lifetimes the SDK listens to. */
const COMPONENT_HOOKS = ['attached', 'ready', 'detached'];
// Page lifecycles: a tap never arrives through them, so they are not tap-wrapped. PAGE_HOOKS and the
// share handlers are not listed: wrapLifecycles has wrapped (and marked) them before wrapHandlers runs.
const LIFECYCLE = /^on(PullDownRefresh|ReachBottom|PageScroll|Resize|AddToFavorites|SaveExitState)$/;

const isBag = (o: unknown): o is Bag => !!o && typeof o == 'object';

/**
 * Handlers uni-app (Vue 3) puts on the instance, not in `methods`: invokers named e0, e1…, each
 * with the developer's function as `.value`. They appear when the page renders, so they are
 * wrapped just before each setData; the wrapper forwards `.value`, which uni-app updates.
 */
export function watchInstance(inst: Bag, cap: Capture) {
  const setData = inst.setData as Fn | undefined;
  if (typeof setData != 'function' || setData[MARK]) return;
  inst.setData = hook(
    setData,
    () => {
      for (const k of Object.keys(inst)) {
        const handler = inst[k] as Fn & { value?: Fn };
        if (typeof handler != 'function' || handler[MARK] || typeof handler.value != 'function') continue;
        // The developer's function name, unless it is an inline arrow ('') or minified away.
        const wrapped = hook(handler, (_, a) => cap.tap(a[0], handler.value && handler.value.name.length > 2 ? handler.value.name : ''), cap.safe);
        Object.defineProperty(wrapped, 'value', { get: () => handler.value, set: (v: Fn) => (handler.value = v) });
        inst[k] = wrapped;
      }
    },
    cap.safe,
  );
}

/** Every other function may be an event handler: the first argument tells whether it is a tap. One already wrapped hook() gives back as it is. */
function wrapHandlers(bag: Bag, cap: Capture) {
  for (const k in bag) {
    const fn = bag[k];
    if (typeof fn == 'function' && !LIFECYCLE.test(k)) bag[k] = hook(fn, (_, a) => cap.tap(a[0], k), cap.safe);
  }
}

function wrapShare(bag: Bag, name: string, method: 'message' | 'timeline', cap: Capture) {
  const host = bag[name] as Fn;
  // An absent handler stays absent: adding one would turn on sharing for the page.
  if (typeof host != 'function' || host[MARK]) return;
  const wrapped: Fn = function (this: unknown, ...args: unknown[]) {
    const result = host.apply(this, args);
    let out = result;
    cap.safe(() => (out = cap.share(this as object, args, method, result)));
    return out;
  };
  wrapped[MARK] = 1;
  bag[name] = wrapped;
}

/** The hook that tells capture's listeners of a lifecycle call, before the host's own code runs. */
const listen = (fn: unknown, name: string, cap: Capture) => hook(fn, (self, args) => cap.fire(name, self as object, args), cap.safe);

/**
 * Wraps the lifecycle functions a bag of methods has. Entries that are not functions are left as
 * they are: WeChat decides what they mean, and the SDK never calls them. A missing lifecycle is
 * added only when `add` says nothing else can define it (no behaviors): a method the SDK added
 * would hide a Behavior's method of the same name, since a component's own methods win
 * (developers.weixin.qq.com/miniprogram/dev/framework/custom-component/behaviors.html).
 */
function wrapLifecycles(bag: Bag, names: string[], add: boolean, cap: Capture) {
  for (const name of names) {
    if (name in bag ? typeof bag[name] == 'function' : add) bag[name] = listen(bag[name], name, cap);
  }
  wrapShare(bag, 'onShareAppMessage', 'message', cap);
  wrapShare(bag, 'onShareTimeline', 'timeline', cap);
}

/**
 * Adds what the SDK listens to, without hiding anything of the host's. Where the host has
 * behaviors, or for any component, the missing lifecycles come from a behavior of the SDK's
 * put first in `behaviors`: WeChat runs every behavior's lifetimes (behaviors first), and a
 * method of it yields to the same method in any later behavior or in the component itself, so
 * the host's definitions always win. Without Behavior (a runtime that lacks it) they are added
 * to the options directly, where only the host's own definitions can be.
 */
function addHooks(o: Bag, methods: Bag, isComponent: boolean, cap: Capture) {
  const list = o.behaviors;
  const ours = (isComponent || (Array.isArray(list) && list.length)) && (list === undefined || Array.isArray(list)) ? cap.ours() : undefined;
  if (ours) o.behaviors = [ours].concat((list as unknown[]) || []);
  wrapLifecycles(methods, PAGE_HOOKS, !ours, cap);
  if (!isComponent || ours) return;
  const life = (o.lifetimes = Object.assign({}, o.lifetimes) as Bag);
  // `lifetimes` wins over the old top-level form, as in WeChat: the function that would run is wrapped.
  for (const name of COMPONENT_HOOKS) {
    const fn = name in life ? life[name] : o[name];
    if (fn === undefined || typeof fn == 'function') life[name] = listen(fn, name, cap);
  }
}

/** The SDK's behavior: every lifecycle it listens to, each only telling the listeners. */
export function behaviorOptions(cap: Capture) {
  const lifetimes: Bag = {};
  const methods: Bag = {};
  // On empty bags: every hook added, no share handler (absent ones stay absent).
  wrapLifecycles(lifetimes, COMPONENT_HOOKS, true, cap);
  wrapLifecycles(methods, PAGE_HOOKS, true, cap);
  return { lifetimes, methods };
}

/**
 * Copies options once: the copy carries a mark WeChat does not see (not enumerable), so the same
 * options wrapped again (explicit wrapper inside the patched global, a second copy of the SDK)
 * come back as they are.
 */
function copy(options: Bag): Bag | undefined {
  if (options[MARK]) return;
  const copied = Object.assign({}, options);
  Object.defineProperty(copied, MARK, { value: 1 });
  return copied;
}

/**
 * The explicit wrappers, `kind` 0: Page(wetrack.page({...})), the options with lifecycles and
 * handlers wrapped. 1: Component(wetrack.component({...})), handlers in `methods` tap-wrapped and
 * page lifecycles in `methods` listened to, so that a Component used as a page (native, uni-app)
 * gets page events (a component that is not a page never calls them). 2: Behavior(wetrack.behavior({...})),
 * handlers in `methods` tap-wrapped and the page lifecycles it defines listened to (a page may take
 * its onLoad or onShow from a behavior). Whatever the options are, the host's constructor gets
 * them: wrapped, or as they came if wrapping failed.
 */
export const wrapper =
  (kind: 0 | 1 | 2, cap: Capture) =>
  <T>(options: T): T => {
    let out = options;
    cap.safe(() => {
      const copied = isBag(options) && (kind < 2 || isBag(options.methods)) && copy(options);
      if (!copied) return;
      const methods = kind ? (copied.methods = Object.assign({}, copied.methods) as Bag) : copied;
      if (kind > 1) wrapLifecycles(methods, PAGE_HOOKS, false, cap);
      else addHooks(copied, methods, kind > 0, cap);
      wrapHandlers(methods, cap);
      out = copied as T;
    });
    return out;
  };
