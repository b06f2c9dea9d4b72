import { createRequire } from 'node:module';
import { afterEach, beforeEach, vi } from 'vitest';
import { createCapture } from '../../src/autocapture/capture';
import { addAutocapture } from '../../src/autocapture/index';
import { addExposure } from '../../src/exposure/index';
import type { ExposureOptions } from '../../src/exposure/options';
import { createWxPlatform } from '../../src/platform/wx';
import type { AutocaptureOptions } from '../../src/autocapture/options';
import { createTrackerWith, type FullTracker } from '../../src/tracker';
import { cleanupSimulate, fakePageStack, loadComponent, loadPage, renderPage, type MpOptions, type SimRoot } from '../support/mp-simulate';

/**
 * Layout for jsdom, which has none: an element's box comes from its data-top / data-h (px, page
 * coordinates) minus the scroll position; the viewport is `viewport` px high. Inside a scroll-view
 * (data-scroll-area), boxes also move with that area's own scroll.
 */
export const layout = { scrollTop: 0, areaScroll: 0, viewport: 600 };

export function installLayout() {
  layout.scrollTop = 0;
  layout.areaScroll = 0;
  layout.viewport = 600;
  const proto = Element.prototype as unknown as { getBoundingClientRect(): DOMRect };
  const original = proto.getBoundingClientRect;
  proto.getBoundingClientRect = function (this: Element) {
    const top = Number(this.getAttribute('data-top') ?? NaN);
    if (Number.isNaN(top)) return { left: 0, right: 375, top: -1e6, bottom: 1e6, width: 375, height: 2e6 } as DOMRect;
    const h = Number(this.getAttribute('data-h') ?? 100);
    const inArea = !!this.closest('[data-scroll-area]');
    const y = top - layout.scrollTop - (inArea ? layout.areaScroll : 0);
    return { left: 0, right: 375, top: y, bottom: y + h, width: 375, height: h, x: 0, y } as DOMRect;
  };
  Object.defineProperty(document.documentElement, 'clientWidth', { configurable: true, get: () => 375 });
  Object.defineProperty(document.documentElement, 'clientHeight', { configurable: true, get: () => layout.viewport });
  return () => {
    proto.getBoundingClientRect = original;
  };
}

/**
 * How the simulator's IntersectionObserver (j-component's, inside miniprogram-simulate) reports:
 * - start: what a new observer reports at its first measurement.
 *   'docs': a node whose ratio differs from `initialRatio` (0) across a threshold; a node out of
 *   view is not reported (wx.createIntersectionObserver, option initialRatio:
 *   developers.weixin.qq.com/miniprogram/dev/api/wxml/wx.createIntersectionObserver.html). What
 *   j-component does.
 *   'all': every node, as the web's IntersectionObserver does on its first frame (MDN,
 *   IntersectionObserver.observe()). WeChat does not document this; a plausible implementation.
 *   'adapter': the reverse of the docs, as glass-easel-miniprogram-adapter 0.12.1 reads
 *   (src/intersection.ts, observe(): a first report that crosses a threshold from initialRatio is
 *   dropped, one equal to it is passed on): nodes in view are not reported at start, nodes out of
 *   view are. WeChat's own framework contradicts its docs here, so both are tested.
 * - order: the order of the reports of one frame. WeChat documents none: 'dom' is j-component's
 *   (older observers first), 'reverse' the other way round.
 * In every mode a disconnected observer reports nothing more: "停止监听。回调函数将不再触发"
 * (developers.weixin.qq.com/miniprogram/dev/api/IntersectionObserver.disconnect.html).
 * j-component 1.4.10 keeps calling it on scroll events (its listener stays in the scope's map).
 */
export const reports = { start: 'docs' as 'docs' | 'all' | 'adapter', order: 'dom' as 'dom' | 'reverse' };

interface ListenerInfo {
  thresholds: number[];
  callback: (this: unknown, res: { intersectionRatio: number }) => void;
  currentRatio?: number;
  measured?: boolean;
}
interface JObserver {
  _disconnected: boolean;
  observe(selector: string, cb: (this: unknown, res: unknown) => void): void;
}
interface JObserverClass {
  prototype: JObserver;
  updateTargetIntersection(info: ListenerInfo): void;
}

/** The reports of one scroll, collected to be delivered in `reports.order`. */
let frame: Set<ListenerInfo> | undefined;
let IO: JObserverClass;

function installReports() {
  reports.start = 'docs';
  reports.order = 'dom';
  // the module miniprogram-simulate renders with (one copy in node_modules)
  IO = createRequire(import.meta.url)('j-component/src/tool/intersectionobserver') as JObserverClass;
  const { observe } = IO.prototype;
  const update = IO.updateTargetIntersection;
  IO.prototype.observe = function (this: JObserver, selector, cb) {
    const self = this;
    return observe.call(this, selector, function (this: unknown, res: unknown) {
      if (!self._disconnected) cb.call(this, res);
    });
  };
  const measure = (info: ListenerInfo) => {
    if (reports.start == 'docs' || info.measured) return update(info);
    info.measured = true;
    const cb = info.callback;
    info.currentRatio = undefined; // j-component reports any ratio when it has none before
    // the adapter's test, with initialRatio 0: a first ratio across a threshold from it is dropped
    const crosses = (r: number) => r !== 0 && info.thresholds.some((t) => (0 - t) * (r - t) <= 0);
    if (reports.start == 'adapter') {
      info.callback = function (res) {
        if (!crosses(res.intersectionRatio)) cb.call(this, res);
      };
    }
    try {
      update(info);
    } finally {
      info.callback = cb;
    }
  };
  IO.updateTargetIntersection = (info) => (frame ? frame.add(info) : measure(info));
  return () => {
    IO.prototype.observe = observe;
    IO.updateTargetIntersection = update;
  };
}

/** Scrolls now: the observers' reports of this frame run before it returns, in `reports.order`. */
export function scrollNow(y: number, area = false) {
  if (area) layout.areaScroll = y;
  else layout.scrollTop = y;
  frame = new Set();
  try {
    for (const el of Array.from(document.querySelectorAll('*'))) el.dispatchEvent(new Event('scroll'));
  } finally {
    const batch = [...frame];
    frame = undefined;
    if (reports.order == 'reverse') batch.reverse();
    batch.forEach((info) => IO.updateTargetIntersection(info));
  }
}

/** Scrolls and lets every observer look again (simulate re-measures on scroll events). */
export async function scrollTo(y: number, area = false) {
  scrollNow(y, area);
  await vi.advanceTimersByTimeAsync(0);
}

export type Recorded = { name: string; properties: Record<string, unknown> };

/** The SDK as `wetrack` is built (core + auto-capture + exposure), recording every event it accepts. */
export function startSdk(exposure: boolean | ExposureOptions = {}, autocapture: AutocaptureOptions = {}) {
  fakePageStack();
  const tracker = createTrackerWith(createWxPlatform);
  const cap = createCapture(tracker as unknown as FullTracker);
  const t = addExposure(addAutocapture(tracker, cap), cap);
  const events: Recorded[] = [];
  t.use({ name: 'r', type: 'destination', execute: (e) => void events.push({ name: e.name, properties: e.properties }) });
  t.init({ serverUrl: 'http://127.0.0.1:9/c', autocapture: { patchGlobals: false, ...autocapture }, exposure });
  const wrap = { Component: (o: MpOptions) => t.component(o), Page: (o: MpOptions) => t.page(o) };
  return {
    t,
    events,
    exposures: () => events.filter((e) => e.name === '$exposure').map((e) => e.properties),
    /** Loads and renders a page (its first frame included); kind 'component': built with Component(). */
    async open(def: { template: string; usingComponents?: Record<string, string> } & MpOptions, route = 'pages/home/index', kind: 'page' | 'component' = 'page') {
      const { root, page } = renderPage(loadPage(def, { wrap, route, kind }));
      await vi.advanceTimersByTimeAsync(20); // the first frame: observers report
      return { root: root as SimRoot, page: page as unknown as { setData(d: object, cb?: () => void): void; onHide(): void; onShow(): void; onUnload(): void; data: Record<string, unknown> } };
    },
    component: (def: { template: string } & MpOptions) => loadComponent(def, wrap.Component),
    cleanup: () => cleanupSimulate(),
  };
}

/** A list of slots, `n` of them, 100 px each from `top`. */
export const slots = (prefix: string, n: number, top = 0, extra = '') =>
  Array.from({ length: n }, (_, i) => `<view class="wt-exposure" data-wt-slot="${prefix}.${i + 1}" data-top="${top + i * 100}" data-h="100" ${extra}>${i}</view>`).join('');

/** The frame of an exposure test file: fake timers (frames included), jsdom layout, the SDK cleaned up. */
export function useExposureSuite(): { sdk?: ReturnType<typeof startSdk> } {
  const suite: { sdk?: ReturnType<typeof startSdk> } = {};
  let restore: () => void;
  let restoreReports: () => void;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    restore = installLayout();
    restoreReports = installReports();
  });
  afterEach(() => {
    suite.sdk?.cleanup();
    restore();
    restoreReports();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  return suite;
}
