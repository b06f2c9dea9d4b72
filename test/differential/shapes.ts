/**
 * The app shapes of the differential suite: each is one page file written the way WeChat
 * documents (or the way apps are seen to write it), with every host function logging itself.
 * A new shape is a few lines: a name, a template with the elements to tap, `define(c)` calling
 * `c.Page` / `c.Component` / `c.Behavior`, and optionally the steps after launch.
 *
 * Documents the shapes follow (developers.weixin.qq.com/miniprogram/dev/, below D/):
 * - Page: D/reference/api/Page.html (lifecycles, event handlers, custom fields, setData);
 *   Page `behaviors` (base library 2.9.2+): D/framework/custom-component/behaviors.html.
 * - Component used as a page: D/framework/custom-component/component.html
 *   ("使用 Component 构造器构造页面": page lifecycles in `methods`, query into `properties`).
 * - Lifetimes (top level, `lifetimes` wins), pageLifetimes: D/framework/custom-component/lifetimes.html.
 * - Behaviors (own methods override; lifetimes cumulative, once per behavior; nesting;
 *   definitionFilter): D/framework/custom-component/behaviors.html.
 * - observers: D/framework/custom-component/observer.html; relations: .../relations.html;
 *   export + selectComponent: .../events.html ("获取组件实例"); triggerEvent: .../events.html.
 * - Chaining API: D/framework/custom-component/glass-easel/chaining-api.html.
 */
import { btn, type Shape, type ShapeCtx } from './harness';
import type { Dict, HostFn, Inst } from './host-log';

/** Logging host functions for the given names: `{ onLoad: c.fn('own.onLoad'), … }`. */
function fns(c: ShapeCtx, prefix: string, names: string[], impls: Record<string, HostFn> = {}): Record<string, HostFn> {
  const out: Record<string, HostFn> = {};
  for (const n of names) out[n] = c.fn(`${prefix}.${n}`, impls[n]);
  return out;
}

const PAGE_LIFECYCLES = ['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload'];
const LIFETIMES = ['created', 'attached', 'ready', 'detached'];

const T1 = btn('buy', 'onBuy', { sku: 'A1' });
const TAP = { tap: 'buy' } as const;

// ---- Page(...) ----------------------------------------------------------------------------------

const pageShapes: Shape[] = [
  {
    name: 'page: every lifecycle and a tap handler',
    template: T1,
    define: (c) => c.Page(c.w.page({ data: { n: 0 }, ...fns(c, 'own', PAGE_LIFECYCLES), onBuy: c.fn('own.onBuy', function () { this.setData({ n: 1 }); }) })),
    steps: [TAP, 'hide', 'show', TAP, 'unload'],
  },
  {
    name: 'page: no lifecycle at all, only a handler',
    template: T1,
    define: (c) => c.Page(c.w.page({ onBuy: c.fn('own.onBuy') })),
    steps: [TAP, 'hide', 'show', 'unload'],
  },
  {
    name: 'page: empty options',
    define: (c) => c.Page(c.w.page({})),
  },
  {
    name: 'page: onLoad calls this.onShow() itself (issue 9 point 12)',
    template: T1,
    define: (c) =>
      c.Page(
        c.w.page({
          onLoad: c.fn('own.onLoad', function () { this.onShow(); }),
          onShow: c.fn('own.onShow', function () { this.setData({ shown: (this.data.shown ?? 0) + 1 }); }),
          onHide: c.fn('own.onHide'),
          onBuy: c.fn('own.onBuy'),
        }),
      ),
    steps: [TAP, 'hide', 'show', 'unload'],
  },
  {
    name: 'page: onShow calls this.onLoad() again (refresh by re-running load)',
    define: (c) =>
      c.Page(
        c.w.page({
          loaded: 0,
          onLoad: c.fn('own.onLoad', function () { this.loaded++; }),
          onShow: c.fn('own.onShow', function () { if (this.loaded < 2) this.onLoad({ again: '1' }); }),
        }),
      ),
  },
  {
    name: 'page: lifecycles return values, methods return values and objects',
    define: (c) => {
      const ret = c.log.token('ret');
      c.Page(
        c.w.page({
          onLoad: c.fn('own.onLoad', () => 'loaded'),
          onShow: c.fn('own.onShow', () => ret),
          onHide: c.fn('own.onHide', () => Promise.resolve(7)),
          compute: c.fn('own.compute', (a: number, b: Dict) => ({ sum: a + 1, same: b })),
          getRet: c.fn('own.getRet', () => ret),
        }),
      );
    },
    steps: [{ call: 'compute', args: (c) => [41, c.log.token('arg')] }, { call: 'getRet' }, 'hide', 'show', 'unload'],
  },
  {
    name: 'page: lifecycles and a handler throw',
    template: T1,
    define: (c) =>
      c.Page(
        c.w.page({
          onLoad: c.fn('own.onLoad', () => { throw c.log.error('load failed'); }),
          onShow: c.fn('own.onShow', () => { throw c.log.error('show failed'); }),
          onBuy: c.fn('own.onBuy', () => { throw c.log.error('buy failed'); }),
          boom: c.fn('own.boom', () => { throw c.log.error('boom'); }),
        }),
      ),
    steps: [TAP, { call: 'boom' }, 'hide', 'show', 'unload'],
  },
  {
    name: 'page: setData with paths and callbacks',
    template: T1,
    define: (c) =>
      c.Page(
        c.w.page({
          data: { list: [{ v: 1 }, { v: 2 }], a: { b: { c: 0 } } },
          onLoad: c.fn('own.onLoad', function () { this.setData({ 'list[1].v': 20, 'a.b.c': 3 }, c.fn('own.setDataCallback.load')); }),
          onBuy: c.fn('own.onBuy', function () { this.setData({ bought: true }, c.fn('own.setDataCallback.buy', function () { return this.data.bought; })); }),
        }),
      ),
    steps: [TAP, 'unload'],
  },
  {
    name: 'page: custom fields (object, number, null, string, array)',
    define: (c) => {
      const shared = c.log.token('shared');
      c.Page(
        c.w.page({
          shared,
          count: 3,
          nothing: null,
          text: 'x',
          list: [1, 2],
          onLoad: c.fn('own.onLoad', function () { return { sameShared: this.shared === shared, count: this.count, nothing: this.nothing, text: this.text, list: this.list }; }),
        }),
      );
    },
  },
  {
    name: 'page: a `methods` field is a custom field, not methods',
    template: T1,
    define: (c) => c.Page(c.w.page({ methods: { onBuy: c.fn('methods.onBuy') }, onBuy: c.fn('own.onBuy'), onShow: c.fn('own.onShow') })),
    steps: [TAP],
  },
  {
    name: 'page: event lifecycles (pull-down, reach bottom, scroll, resize, tab item tap)',
    define: (c) => c.Page(c.w.page(fns(c, 'own', ['onShow', 'onPullDownRefresh', 'onReachBottom', 'onPageScroll', 'onResize', 'onTabItemTap']))),
    steps: [
      { call: 'onPullDownRefresh' },
      { call: 'onReachBottom' },
      { call: 'onPageScroll', args: () => [{ scrollTop: 120 }] },
      { call: 'onResize', args: () => [{ size: { windowWidth: 375 } }] },
      { call: 'onTabItemTap', args: () => [{ index: 0, pagePath: 'pages/shape/index', text: 'Home' }] },
    ],
  },
  {
    name: 'page: one function used as two handlers and a lifecycle',
    template: `${T1}${btn('again', 'onAgain')}`,
    define: (c) => {
      const same = c.fn('own.shared');
      c.Page(c.w.page({ onShow: same, onBuy: same, onAgain: same }));
    },
    steps: [TAP, { tap: 'again' }, 'hide', 'show'],
  },
  {
    name: 'page: nested tap handlers on one gesture (inner and outer element)',
    template: `<view id="outer" bind:tap="onOuter"><view id="inner" data-k="v" bind:tap="onInner">in</view></view>`,
    define: (c) => c.Page(c.w.page({ onInner: c.fn('own.onInner'), onOuter: c.fn('own.onOuter') })),
    steps: [{ tap: 'inner' }],
    // the simulator delivers the tap to the bound element only; glass-easel bubbles it to the outer one
    taps: 1,
  },
  {
    name: 'page: long press handler',
    template: btn('card', 'onHold', { id: '7' }, 'longpress'),
    define: (c) => c.Page(c.w.page({ onHold: c.fn('own.onHold') })),
    steps: [{ tap: 'card', type: 'longpress' }],
  },
  {
    name: 'page: async lifecycles (onLoad awaits, onShow returns a promise)',
    define: (c) =>
      c.Page(
        c.w.page({
          onLoad: c.fn('own.onLoad', async function () { await Promise.resolve(); this.setData({ ready: true }); }),
          onShow: c.fn('own.onShow', () => new Promise((r) => setTimeout(() => r('late'), 10))),
        }),
      ),
  },
  {
    name: 'page: share handlers',
    define: (c) =>
      c.Page(
        c.w.page({
          onShareAppMessage: c.fn('own.onShareAppMessage', () => ({ title: 't', path: '/pages/shape/index?id=1' })),
          onShareTimeline: c.fn('own.onShareTimeline', () => ({ title: 't' })),
        }),
      ),
    steps: [{ call: 'onShareAppMessage', args: () => [{ from: 'menu' }] }, { call: 'onShareTimeline' }],
    // The share chain (README, "Share chain", on by default) adds wts=<sharer>.<depth> to the
    // path or query WeChat gets: that one parameter is the intended difference.
    intended: (line) => line.replace(/[?&]?wts=\w+\.\d+/g, '').replace(/, query: ""/g, ''),
  },
  {
    name: 'page: a frozen options object',
    template: T1,
    define: (c) => c.Page(c.w.page(Object.freeze({ onShow: c.fn('own.onShow'), onBuy: c.fn('own.onBuy') }))),
    steps: [TAP, 'hide', 'show'],
  },
  {
    name: 'page: the query reaches onLoad and this.options',
    query: { id: '42', from: 'share' },
    define: (c) => c.Page(c.w.page({ onLoad: c.fn('own.onLoad', function (q: Dict) { return { q, options: this.options }; }) })),
  },
  {
    name: 'page: behaviors with the page lifecycles (Page behaviors, 2.9.2+)',
    template: T1,
    define: (c) => {
      const B = c.Behavior(c.w.behavior({ data: { fromB: 1 }, lifetimes: fns(c, 'B', ['created', 'attached']), methods: { ...fns(c, 'B.methods', ['onShow', 'onHide', 'helper', 'onBuy']) } }));
      c.Page(c.w.page({ behaviors: [B], onLoad: c.fn('own.onLoad', function () { this.helper(); }) }));
    },
    steps: [TAP, 'hide', 'show', 'unload'],
  },
  {
    name: 'page: behavior and page define the same lifecycle and method',
    define: (c) => {
      const B = c.Behavior(c.w.behavior({ methods: fns(c, 'B.methods', ['onShow', 'helper']) }));
      c.Page(c.w.page({ behaviors: [B], onShow: c.fn('own.onShow', function () { this.helper(); }), helper: c.fn('own.helper') }));
    },
  },
];

// ---- Component(...) as a page --------------------------------------------------------------------

const componentPageShapes: Shape[] = [
  {
    name: 'component page: page lifecycles in methods, lifetimes, pageLifetimes',
    template: T1,
    define: (c) =>
      c.Component(
        c.w.component({
          data: { n: 0 },
          lifetimes: fns(c, 'own.lifetimes', LIFETIMES),
          pageLifetimes: fns(c, 'own.pageLifetimes', ['show', 'hide']),
          methods: { ...fns(c, 'own.methods', PAGE_LIFECYCLES), onBuy: c.fn('own.methods.onBuy', function () { this.setData({ n: this.data.n + 1 }); }) },
        }),
      ),
    steps: [TAP, 'hide', 'show', TAP, 'unload'],
  },
  {
    name: 'component page: lifetimes at the top level (old style)',
    define: (c) => c.Component(c.w.component({ ...fns(c, 'own.top', LIFETIMES), methods: fns(c, 'own.methods', ['onLoad', 'onShow']) })),
  },
  {
    name: 'component page: `lifetimes` and the top level define the same lifetime (lifetimes wins)',
    define: (c) => c.Component(c.w.component({ ...fns(c, 'own.top', ['attached', 'detached']), lifetimes: fns(c, 'own.lifetimes', ['attached']), methods: fns(c, 'own.methods', ['onShow']) })),
  },
  {
    name: 'component page: onLoad/onShow only from a behavior (issue 9 point 1)',
    template: T1,
    define: (c) => {
      const B = c.Behavior(c.w.behavior({ methods: fns(c, 'B.methods', ['onLoad', 'onShow', 'onHide', 'onUnload']) }));
      c.Component(c.w.component({ behaviors: [B], methods: { onBuy: c.fn('own.methods.onBuy') } }));
    },
    steps: [TAP, 'hide', 'show', 'unload'],
  },
  {
    name: 'component page: no methods at all, behavior has every page lifecycle',
    define: (c) => {
      const B = c.Behavior(c.w.behavior({ methods: fns(c, 'B.methods', PAGE_LIFECYCLES) }));
      c.Component(c.w.component({ behaviors: [B] }));
    },
  },
  {
    name: 'component page: nested behaviors, lifetimes at each level',
    define: (c) => {
      const A = c.Behavior(c.w.behavior({ lifetimes: fns(c, 'A.lifetimes', ['created', 'attached']), pageLifetimes: fns(c, 'A.pageLifetimes', ['show']), methods: fns(c, 'A.methods', ['onShow', 'fromA']) }));
      const B = c.Behavior(c.w.behavior({ behaviors: [A], lifetimes: fns(c, 'B.lifetimes', ['attached']), methods: fns(c, 'B.methods', ['onLoad', 'fromB']) }));
      c.Component(c.w.component({ behaviors: [B], lifetimes: fns(c, 'own.lifetimes', ['attached']), methods: fns(c, 'own.methods', ['onReady']) }));
    },
    steps: [{ call: 'fromA' }, { call: 'fromB' }, 'hide', 'show', 'unload'],
  },
  {
    name: 'component page: the same behavior twice (directly and through another)',
    define: (c) => {
      const A = c.Behavior(c.w.behavior({ lifetimes: fns(c, 'A.lifetimes', ['attached']), methods: fns(c, 'A.methods', ['onShow']) }));
      const B = c.Behavior(c.w.behavior({ behaviors: [A], lifetimes: fns(c, 'B.lifetimes', ['attached']) }));
      c.Component(c.w.component({ behaviors: [A, B, A], methods: fns(c, 'own.methods', ['onLoad']) }));
    },
  },
  {
    name: 'component page: behavior and component define the same method and lifecycle',
    template: T1,
    define: (c) => {
      const B = c.Behavior(c.w.behavior({ lifetimes: fns(c, 'B.lifetimes', ['attached']), methods: fns(c, 'B.methods', ['onShow', 'onBuy', 'helper']) }));
      c.Component(c.w.component({ behaviors: [B], lifetimes: fns(c, 'own.lifetimes', ['attached']), methods: fns(c, 'own.methods', ['onShow', 'onBuy', 'helper']) }));
    },
    steps: [TAP, { call: 'helper' }, 'hide', 'show'],
  },
  {
    name: 'component page: two behaviors define the same method (the later wins)',
    define: (c) => {
      const A = c.Behavior(c.w.behavior({ methods: fns(c, 'A.methods', ['onShow', 'helper']) }));
      const B = c.Behavior(c.w.behavior({ methods: fns(c, 'B.methods', ['onShow', 'helper']) }));
      c.Component(c.w.component({ behaviors: [A, B] }));
    },
    steps: [{ call: 'helper' }, 'hide', 'show'],
  },
  {
    name: 'component page: tap handler only in a behavior',
    template: T1,
    define: (c) => {
      const B = c.Behavior(c.w.behavior({ methods: fns(c, 'B.methods', ['onBuy']) }));
      c.Component(c.w.component({ behaviors: [B], methods: fns(c, 'own.methods', ['onShow']) }));
    },
    steps: [TAP, TAP],
  },
  {
    name: 'component page: pageLifetimes only in a behavior',
    define: (c) => {
      const B = c.Behavior(c.w.behavior({ pageLifetimes: fns(c, 'B.pageLifetimes', ['show', 'hide']) }));
      c.Component(c.w.component({ behaviors: [B], methods: fns(c, 'own.methods', ['onLoad']) }));
    },
  },
  {
    name: 'component page: a string in lifetimes (issue 9 point 2)',
    define: (c) => c.Component(c.w.component({ lifetimes: { attached: 'init', ready: c.fn('own.lifetimes.ready') }, methods: fns(c, 'own.methods', ['init', 'onLoad', 'onShow']) })),
  },
  {
    name: 'component page: a string at the top-level lifetime',
    define: (c) => c.Component(c.w.component({ attached: 'init', methods: fns(c, 'own.methods', ['init', 'onShow']) })),
  },
  {
    name: 'component page: a number in lifetimes, a string in pageLifetimes',
    define: (c) => c.Component(c.w.component({ lifetimes: { ready: 42, attached: c.fn('own.lifetimes.attached') }, pageLifetimes: { show: 'refresh' }, methods: fns(c, 'own.methods', ['refresh', 'onShow']) })),
  },
  {
    name: 'component page: null and undefined lifetimes',
    // WeChat's exparser skips an empty entry; glass-easel 0.12.1 throws out of attach (see test/sim/pages.ts)
    // glass-easel: the page never gets past attach, with or without wetrack; the simulator: 2
    pageViews: null,
    define: (c) => c.Component(c.w.component({ lifetimes: { attached: null, created: undefined, ready: c.fn('own.lifetimes.ready') }, detached: null, methods: fns(c, 'own.methods', ['onLoad', 'onShow']) })),
  },
  {
    name: 'component page: non-functions in methods (number, null, string)',
    template: T1,
    define: (c) => c.Component(c.w.component({ methods: { limit: 3, none: null, label: 'x', onBuy: c.fn('own.methods.onBuy', function () { return [this.limit, this.none, this.label]; }), onShow: c.fn('own.methods.onShow') } })),
    steps: [TAP, { call: 'onBuy' }],
  },
  {
    name: 'component page: definitionFilter adds a method and data',
    known: [
      { checks: ['log'], why: "a definitionFilter sees the definition as wetrack wrapped it: wetrack's behavior first in behaviors, its wrappers in place of the methods (README, limits)" },
      { checks: ['events'], why: 'a handler a definitionFilter adds is not tap-wrapped: its taps are not captured' },
    ],
    template: T1,
    define: (c) => {
      const B = c.Behavior(
        c.w.behavior({
          definitionFilter: c.fn('B.definitionFilter', (def: Dict) => {
            const methods = (def.methods ?? (def.methods = {})) as Dict;
            methods.onBuy = c.fn('filter.methods.onBuy');
            def.data = { ...(def.data as Dict), filtered: true };
            return Object.keys(def).sort().join(',');
          }),
        }),
      );
      c.Component(c.w.component({ behaviors: [B], data: { own: 1 }, methods: fns(c, 'own.methods', ['onLoad', 'onShow']) }));
    },
    steps: [TAP, 'hide', 'show'],
  },
  {
    name: 'component page: definitionFilter replaces methods',
    known: [
      { checks: ['log'], why: "a definitionFilter sees the definition as wetrack wrapped it: wetrack's behavior first in behaviors, its wrappers in place of the methods (README, limits)" },
      { checks: ['events'], why: 'a definitionFilter that replaces methods drops the page lifecycles wetrack listens to: no page views' },
    ],
    define: (c) => {
      const B = c.Behavior(
        c.w.behavior({
          definitionFilter: c.fn('B.definitionFilter', (def: Dict) => {
            def.methods = { onShow: c.fn('filter.methods.onShow'), onLoad: c.fn('filter.methods.onLoad') };
          }),
        }),
      );
      c.Component(c.w.component({ behaviors: [B], methods: fns(c, 'own.methods', ['onLoad', 'onShow']) }));
    },
  },
  {
    name: 'component page: nested definitionFilter (a behavior filtering a behavior)',
    known: [{ checks: ['log'], why: "a definitionFilter sees the definition as wetrack wrapped it: wetrack's behavior first in behaviors, its wrappers in place of the methods (README, limits)" }],
    define: (c) => {
      const A = c.Behavior(c.w.behavior({ definitionFilter: c.fn('A.definitionFilter', (def: Dict) => void ((def.data = { ...(def.data as Dict), fromA: 1 }))) }));
      const B = c.Behavior(c.w.behavior({ behaviors: [A], definitionFilter: c.fn('B.definitionFilter', (def: Dict, inner: unknown[]) => inner.length) }));
      c.Component(c.w.component({ behaviors: [B], methods: fns(c, 'own.methods', ['onShow']) }));
    },
  },
  {
    name: 'component page: observers on setData',
    template: T1,
    define: (c) =>
      c.Component(
        c.w.component({
          data: { n: 0, a: { b: 0 } },
          observers: { n: c.fn('own.observers.n'), 'n, a.b': c.fn('own.observers.n+a.b'), '**': c.fn('own.observers.**') },
          methods: { onShow: c.fn('own.methods.onShow'), onBuy: c.fn('own.methods.onBuy', function () { this.setData({ n: this.data.n + 1, 'a.b': 2 }); }) },
        }),
      ),
    steps: [TAP, TAP],
  },
  {
    name: 'component page: properties from the page query',
    query: { id: '9', flag: 'true' },
    define: (c) => c.Component(c.w.component({ properties: { id: String, flag: { type: Boolean, value: false }, missing: Number }, methods: { onLoad: c.fn('own.methods.onLoad', function (q: Dict) { return { q, id: this.data.id, flag: this.data.flag }; }) } })),
  },
  {
    name: 'component page: onLoad calls this.onShow()',
    define: (c) => c.Component(c.w.component({ methods: { onLoad: c.fn('own.methods.onLoad', function () { this.onShow(); }), onShow: c.fn('own.methods.onShow'), onHide: c.fn('own.methods.onHide') } })),
  },
  {
    name: 'component page: methods return values and throw',
    define: (c) =>
      c.Component(
        c.w.component({
          methods: {
            onShow: c.fn('own.methods.onShow', () => { throw c.log.error('show failed'); }),
            echo: c.fn('own.methods.echo', (x: unknown) => x),
            fail: c.fn('own.methods.fail', () => { throw c.log.error('fail'); }),
          },
        }),
      ),
    steps: [{ call: 'echo', args: (c) => [c.log.token('echoed')] }, { call: 'fail' }, 'hide', 'show'],
  },
  {
    name: 'component page: behavior with data, properties and methods merged',
    define: (c) => {
      const B = c.Behavior(c.w.behavior({ properties: { size: { type: Number, value: 2 } }, data: { fromB: { x: 1 } }, methods: fns(c, 'B.methods', ['helper']) }));
      c.Component(c.w.component({ behaviors: [B], data: { fromB: { y: 2 }, own: true }, methods: { onLoad: c.fn('own.methods.onLoad', function () { return [this.data.size, this.data.fromB, this.helper()]; }) } }));
    },
  },
  {
    name: 'component page: behavior defined with explicit wrapper only, component through the global',
    template: T1,
    define: (c) => {
      const B = c.Behavior(c.w.behavior({ methods: fns(c, 'B.methods', ['onBuy', 'onShow']) }));
      c.Component({ behaviors: [B], methods: fns(c, 'own.methods', ['onLoad']) });
    },
    steps: [TAP],
  },
  {
    name: 'component page: options and externalClasses fields pass through',
    define: (c) => c.Component(c.w.component({ options: { multipleSlots: true, pureDataPattern: /^_/ }, externalClasses: ['ext'], data: { _pure: 1, shown: 0 }, methods: { onShow: c.fn('own.methods.onShow', function () { this.setData({ shown: this.data.shown + 1, _pure: 2 }); }) } })),
  },
];

// ---- component trees (engines that render them) --------------------------------------------------

const treeShapes: Shape[] = [
  {
    name: 'tree: a child triggers a custom event the page listens to',
    engines: ['glass-easel'],
    template: `<counter id="counter" data-slot="c1" bind:change="onChange" />`,
    children: [
      {
        tag: 'counter',
        template: btn('plus', 'onPlus'),
        define: (c) =>
          c.Component(
            c.w.component({
              data: { v: 0 },
              lifetimes: fns(c, 'counter.lifetimes', ['attached', 'detached']),
              pageLifetimes: fns(c, 'counter.pageLifetimes', ['show', 'hide']),
              methods: { onPlus: c.fn('counter.methods.onPlus', function () { this.setData({ v: this.data.v + 1 }); this.triggerEvent('change', { v: this.data.v }, { bubbles: true }); }) },
            }),
          ),
      },
    ],
    define: (c) => c.Page(c.w.page({ onChange: c.fn('own.onChange'), onShow: c.fn('own.onShow') })),
    steps: [{ tap: 'counter >>> plus' }, 'hide', 'show', { tap: 'counter >>> plus' }, 'unload'],
  },
  {
    name: 'tree: a library-style button re-emits the tap (catch inside, triggerEvent tap)',
    engines: ['glass-easel'],
    template: `<my-button id="pay" data-sku="S1" bind:tap="onPay" />`,
    children: [
      {
        tag: 'my-button',
        template: `<view id="inner" catch:tap="handleTap">pay</view>`,
        define: (c) => c.Component(c.w.component({ methods: { handleTap: c.fn('button.methods.handleTap', function (e: Dict) { this.triggerEvent('tap', e); }) } })),
      },
    ],
    define: (c) => c.Page(c.w.page({ onPay: c.fn('own.onPay') })),
    steps: [{ tap: 'pay >>> inner' }, { tap: 'pay >>> inner' }],
  },
  {
    name: 'tree: a tap inside a child bubbles to the page (no catch)',
    engines: ['glass-easel'],
    template: `<view id="wrap" bind:tap="onWrap"><card id="card" /></view>`,
    children: [{ tag: 'card', template: btn('body', 'onBody', { item: '3' }), define: (c) => c.Component(c.w.component({ methods: fns(c, 'card.methods', ['onBody']) })) }],
    define: (c) => c.Page(c.w.page({ onWrap: c.fn('own.onWrap') })),
    steps: [{ tap: 'card >>> body' }],
  },
  {
    name: 'tree: export and selectComponent',
    engines: ['glass-easel'],
    template: `<panel id="panel" />`,
    children: [
      {
        tag: 'panel',
        template: '<view />',
        define: (c) => c.Component(c.w.component({ export: c.fn('panel.export', () => c.log.token('exported')), methods: fns(c, 'panel.methods', ['open']) })),
      },
    ],
    define: (c) => c.Page(c.w.page({ onReady: c.fn('own.onReady', function () { return this.selectComponent('#panel'); }) })),
  },
  {
    name: 'tree: parent and child relations',
    engines: ['glass-easel'],
    template: `<list id="list"><item id="i1" /><item id="i2" /></list>`,
    children: [
      {
        tag: 'item',
        template: '<view />',
        define: (c) => c.Component(c.w.component({ relations: { '../list/index': { type: 'parent', linked: c.fn('item.relations.linked'), unlinked: c.fn('item.relations.unlinked') } }, methods: fns(c, 'item.methods', ['ping']) })),
      },
      {
        tag: 'list',
        template: '<slot />',
        define: (c) =>
          c.Component(
            c.w.component({
              relations: { '../item/index': { type: 'child', linked: c.fn('list.relations.linked', function () { return this.getRelationNodes('../item/index').length; }) } },
              lifetimes: fns(c, 'list.lifetimes', ['ready']),
            }),
          ),
      },
    ],
    define: (c) => c.Page(c.w.page({ onShow: c.fn('own.onShow') })),
  },
  {
    name: 'tree: a child component with behaviors and observers',
    engines: ['glass-easel'],
    template: `<stepper id="st" bind:change="onStep" />`,
    children: [
      {
        tag: 'stepper',
        template: btn('inc', 'onInc'),
        define: (c) => {
          const B = c.Behavior(c.w.behavior({ lifetimes: fns(c, 'stepperB.lifetimes', ['attached']), methods: fns(c, 'stepperB.methods', ['onInc']) }));
          c.Component(c.w.component({ behaviors: [B], data: { v: 1 }, observers: { v: c.fn('stepper.observers.v') }, methods: { onInc: c.fn('stepper.methods.onInc', function () { this.setData({ v: this.data.v + 1 }); this.triggerEvent('change', this.data.v); }) } }));
        },
      },
    ],
    define: (c) => c.Page(c.w.page({ onStep: c.fn('own.onStep') })),
    steps: [{ tap: 'st >>> inc' }],
  },
  {
    name: 'tree: component page with a child whose pageLifetimes follow the page',
    engines: ['glass-easel'],
    template: `<banner id="banner" />${T1}`,
    children: [{ tag: 'banner', template: '<view />', define: (c) => c.Component(c.w.component({ pageLifetimes: fns(c, 'banner.pageLifetimes', ['show', 'hide']), lifetimes: fns(c, 'banner.lifetimes', ['ready', 'detached']) })) }],
    define: (c) => c.Component(c.w.component({ methods: fns(c, 'own.methods', ['onLoad', 'onShow', 'onHide', 'onBuy']) })),
    steps: [TAP, 'hide', 'show', 'unload'],
  },
];

// ---- glass-easel's chaining API (issue 9 point 10) ------------------------------------------------

const chainingShapes: Shape[] = [
  {
    name: 'chaining: Component().data().lifetime().methods().register() as a page',
    engines: ['glass-easel'],
    template: T1,
    define: (c) =>
      c
        .Component()
        .data(() => ({ n: 0 }))
        .lifetime('attached', c.fn('chain.lifetime.attached'))
        .pageLifetime('show', c.fn('chain.pageLifetime.show'))
        .pageLifetime('hide', c.fn('chain.pageLifetime.hide'))
        .methods({ ...fns(c, 'chain.methods', ['onLoad', 'onShow', 'onHide']), onBuy: c.fn('chain.methods.onBuy', function (this: Inst) { this.setData({ n: 1 }); }) })
        .register(),
    steps: [TAP, 'hide', 'show'],
    // what wetrack captures here is recorded by chaining.test.ts, not asserted by the matrix
    pageViews: null,
    taps: null,
  },
  {
    name: 'chaining: .definition({...}) inside a chain',
    engines: ['glass-easel'],
    template: T1,
    define: (c) =>
      c
        .Component()
        .lifetime('attached', c.fn('chain.lifetime.attached'))
        .definition({ methods: fns(c, 'chain.definition.methods', ['onLoad', 'onShow', 'onBuy']), pageLifetimes: fns(c, 'chain.definition.pageLifetimes', ['show']) })
        .register(),
    steps: [TAP, 'hide', 'show'],
    pageViews: null,
    taps: null,
  },
  {
    name: 'chaining: a chained Behavior in a definition-object component page',
    known: [{ checks: ['events'], why: "a chained Behavior's page lifecycles are not wrapped and hide wetrack's: no page views for that page (README, limits)" }],
    engines: ['glass-easel'],
    define: (c) => {
      const B = c.Behavior().lifetime('attached', c.fn('B.chain.lifetime.attached')).methods(fns(c, 'B.chain.methods', ['onShow'])).register();
      c.Component(c.w.component({ behaviors: [B], methods: fns(c, 'own.methods', ['onLoad']) }));
    },
  },
  {
    name: 'chaining: init() with lifetime and method from the builder context',
    engines: ['glass-easel'],
    define: (c) =>
      c
        .Component()
        .init(c.fn('chain.init', function (ctx: Dict) {
          (ctx.lifetime as (n: string, f: HostFn) => void)('attached', c.fn('chain.init.attached'));
          return { onShow: (ctx.method as (f: HostFn) => HostFn)(c.fn('chain.init.onShow')) };
        }))
        .register(),
    pageViews: null,
    taps: null,
  },
  {
    name: 'chaining: Behavior.trait is reachable on the global Behavior',
    engines: ['glass-easel'],
    define: (c) => {
      const trait = c.globalBehavior().trait();
      c.log.push(`trait defined: ${typeof trait}`);
      c.Component(c.w.component({ methods: fns(c, 'own.methods', ['onShow']) }));
    },
  },
];

export const SHAPES: Shape[] = [...pageShapes, ...componentPageShapes, ...treeShapes, ...chainingShapes];
