import { str } from '../log';
import type { FullTracker } from '../tracker';
import type { Properties } from '../types';
import { SHARE_PARAM } from './launch';
import type { Resolved } from './options';
import type { Bag } from './hook';
import { makeBehavior } from './globals';
import { behaviorOptions } from './wrap';

/** A page or component-as-page instance as WeChat hands it to lifecycle methods. */
export interface PageLike {
  route?: string;
  options?: { [key: string]: string };
}

interface Visit {
  query?: unknown;
  /** When the page was last shown; 0 (or unset) while hidden. */
  shownAt?: number;
  /** Visible time of this page view before a native flow hid it. */
  ms: number;
  /** When a native flow (previewImage, requestPayment…) hid the page; 0 (or unset) otherwise. */
  pausedAt?: number;
  /** The page has rendered (onReady): exposure can observe it. */
  rendered?: 1;
}

/** A listener of a page lifecycle or component lifetime, called with the instance and the arguments. */
type Listener = (self: object, args: unknown[]) => void;

/** Longest visible time we believe: a clock jump must not report days on one page. */
const MAX_VISIBLE_MS = 86_400_000;
const TAPS = /^(tap|longpress|longtap)$/;
/** A component's custom tap follows the native one within the same dispatch; no finger taps twice this fast. */
const SAME_GESTURE_MS = 50;

/**
 * The recorders behind every wrapper: page visits, taps, shares and tab taps become events on the
 * tracker. Nothing is recorded before start() (init with auto-capture on).
 */
export function createCapture(tracker: FullTracker) {
  const log = tracker.internals.log;
  const visits = new WeakMap<object, Visit>();
  let lastRoute: string | undefined;
  // Unset at first: no key equals undefined, and now - undefined is NaN, never < SAME_GESTURE_MS.
  let lastTap: unknown;
  let lastTapKey: string | undefined;
  let lastTapAt: number | undefined;
  /** The handlers one gesture has reached so far, until it is written. */
  let gesture: Properties[] | undefined;
  const listeners: { [name: string]: Listener[] } = {};
  let behavior: unknown;
  /** A page paused by a native flow before the app hid: its view ends if another page shows first. */
  let pending: object | undefined;
  /** Candidates that came from a component's custom event rather than a finger. */
  const reemitted = new WeakSet<Properties>();

  const cap = {
    on: undefined as Resolved | undefined,
    /** The wx API whose native screen hid the app (set on app hide), until a page shows again. */
    away: undefined as string | undefined,
    /** Sharer token and the depth of shares made in this launch. */
    sharer: '',
    depth: 1,
    safe(f: () => void) {
      try {
        f();
      } catch (e) {
        log.warn('autocapture failed: ' + str(e));
      }
    },
    /**
     * Listens to a page lifecycle (onLoad, onShow, onReady, onHide, onUnload, onTabItemTap), a
     * component lifetime (attached, ready, detached), or 'view': a page view that starts, pauses
     * (a native flow hid the page), resumes (back from it) or ends, as the first argument says.
     */
    listen(name: string, fn: Listener) {
      (listeners[name] = listeners[name] || []).push(fn);
    },
    fire(name: string, self: object, args: unknown[]) {
      for (const fn of listeners[name] || []) cap.safe(() => fn(self, args));
    },
    /** The SDK's behavior (wrap.ts), registered once, when a component first needs it. */
    ours(): unknown {
      return behavior || (behavior = makeBehavior(behaviorOptions(cap)));
    },
    // flow, route and excluded are called once capture has started (cap.on), so with a platform.
    /** The native flow the user is in, if any: the platform knows it from the wx call. */
    flow(): string | undefined {
      const platform = tracker.internals.platform!;
      return cap.away || (platform.flow && platform.flow());
    },
    route(page?: object): string | undefined {
      return (page && (page as PageLike).route) || tracker.internals.platform!.page();
    },
    excluded(route: string | undefined): unknown {
      const ex = cap.on!.excludePages;
      // Stryker disable next-line StringLiteral: the route is undefined only with no page on the stack, where nothing is captured
      return ex && ex.some((r) => (typeof r == 'string' ? r == route || r == '/' + route : r.test(route || '')));
    },
    visit(page: object): Visit {
      let visit = visits.get(page);
      if (!visit) visits.set(page, (visit = { ms: 0 }));
      return visit;
    },
    /**
     * One gesture is one $tap. Every handler a native tap reaches while it bubbles (nested
     * components, a Component-as-page wrapped twice, a re-entered handler) gets an event with the
     * same type and timeStamp; a custom event (triggerEvent, no touches) named tap is a component
     * re-emitting the user's tap, as tdesign's t-button does (or under another name while the tap
     * is dispatched, as vant's van-button emits `click`), in the same moment. All of them are
     * one gesture: the page is taken from the first, and the $tap is written once the dispatch is
     * over, from the first handler whose element the developer named (an id or data-*): a library
     * component's inner handler gives way to the app's own handler on the component.
     */
    tap(e: unknown, handler: string) {
      const ev = e as { type?: string; timeStamp?: number; target?: Bag; currentTarget?: Bag; touches?: unknown; changedTouches?: unknown } | null;
      if (!cap.on || !cap.on.tap || !ev || !ev.currentTarget) return;
      const native = Array.isArray(ev.changedTouches) || Array.isArray(ev.touches);
      // A custom event a component emits while a tap is dispatched is that tap re-emitted under
      // the component's own name (vant's van-button: `click`; tdesign's: `tap`).
      if (!TAPS.test(ev.type as string) && (native || !gesture)) return;
      const now = Date.now();
      let same: boolean;
      if (native) {
        // Stryker disable next-line StringLiteral: tap, longpress or longtap and a number timeStamp are one key without a separator
        const key = ev.type + ':' + ev.timeStamp;
        same = ev === lastTap || (ev.timeStamp !== undefined && key == lastTapKey);
        lastTapKey = key;
      } else same = now - (lastTapAt as number) < SAME_GESTURE_MS;
      lastTap = ev;
      lastTapAt = now;
      const target = ev.target || {};
      const dataset = Object.assign({}, target.dataset, ev.currentTarget.dataset) as Bag;
      let id = (ev.currentTarget.id || target.id || undefined) as string | undefined;
      // Taro 3 sends every event of every element to one method, `eh`, with generated ids and
      // only its own `sid` in the dataset: none of them names anything the developer wrote.
      if (handler == 'eh') {
        handler = '';
        delete dataset.sid;
        if (/^_([A-Z]+|n_\d+)$/.test(id as string)) id = undefined;
      }
      const candidate: Properties = { type: ev.type, handler: handler || undefined, element_id: id, dataset, slot: dataset.wtSlot };
      if (!native) reemitted.add(candidate);
      if (same) return void (gesture && gesture.push(candidate));
      const route = cap.route();
      const g: Properties[] = (gesture = [candidate]);
      Promise.resolve().then(() =>
        cap.safe(() => {
          if (gesture === g) gesture = undefined;
          const named = (c: Properties) => c.element_id || Object.keys(c.dataset as Bag).some((k) => (c.dataset as Bag)[k] != null);
          // A component's re-emitted event reaches the app's binding on the component: it names
          // the app's element, where a library's inner elements carry data-* of their own.
          const chosen = g.find((c) => reemitted.has(c) && named(c)) || g.find(named) || g[0];
          if (!g.some((c) => 'wtIgnore' in (c.dataset as Bag)) && !cap.excluded(route)) tracker.track('$tap', Object.assign({ path: route }, chosen, { type: g[0].type }));
        }),
      );
    },
    /** Records a share and returns what the host handler returned, with only the path (or timeline query) extended. */
    share(page: object, args: unknown[], method: 'message' | 'timeline', result: unknown): unknown {
      const on = cap.on;
      if (!on || !on.share) return result;
      const route = cap.route(page);
      tracker.track('$share', { method, from: args[0] && (args[0] as Bag).from, path: route, share_depth: on.shareChain ? cap.depth : undefined });
      // start() set the sharer (12 characters of the anonymous id) with cap.on.
      if (!on.shareChain) return result;
      const token = SHARE_PARAM + '=' + cap.sharer + '.' + cap.depth;
      const extend = (r: unknown): unknown => {
        if (r && typeof (r as PromiseLike<unknown>).then == 'function') return (r as Promise<unknown>).then(extend);
        if (r != null && typeof r != 'object') return r;
        const out = Object.assign({}, r as Bag);
        if (method == 'timeline') {
          out.query = (out.query ? out.query + '&' : '') + token;
        } else {
          const query = (page as PageLike).options || {};
          // A path that already carries a share parameter (forwarded from the launch; wts is
          // SHARE_PARAM, written out: a literal regex is smaller than one built) gets ours instead.
          const path = ((out.path as string) || '/' + route + '?' + Object.keys(query).map((k) => k + '=' + query[k]).join('&'))
            .replace(/([?&])wts=[^&]*&?/, '$1')
            .replace(/[?&]$/, '');
          out.path = path + (/\?/.test(path) ? '&' : '?') + token;
          if (out.promise) out.promise = extend(out.promise);
        }
        return out;
      };
      return extend(result);
    },
  };

  /**
   * A page view is the page becoming visible: its first show, or a show after it was really
   * hidden. A host calling `this.onShow()` itself on a page already shown (from onLoad, to share
   * refresh code) is the same page view; so is the return from a native flow (previewImage,
   * requestPayment…) that hid the page for less than a session timeout.
   */
  const show = (page: object) => {
    const on = cap.on;
    // Stryker disable next-line ConditionalExpression: a page hidden by a flow shows again only after an app hide (cap.away set) or after another page ended its view
    if (pending && !cap.away && pending != page) end(pending);
    pending = cap.away = undefined;
    if (!on) return;
    const route = cap.route(page);
    if (cap.excluded(route)) return;
    const visit = cap.visit(page);
    if (visit.shownAt) return;
    const now = (visit.shownAt = Date.now());
    if (visit.pausedAt) {
      if (now - visit.pausedAt < tracker.internals.resolved!.sessionTimeoutMs) {
        visit.pausedAt = 0;
        return cap.fire('view', page, ['resume']);
      }
      end(page);
      visit.shownAt = now;
    }
    if (on.pageView) {
      const props: Properties = { path: route, query: visit.query || (page as PageLike).options, referrer: lastRoute };
      if (on.titles && route && on.titles[route]) props.title = on.titles[route];
      tracker.track('$page_view', props);
    }
    lastRoute = route;
    cap.fire('view', page, ['start']);
  };

  /** onHide, or onUnload of a page that was still visible (a closed page gets only onUnload). */
  const leave = (page: object, hiding?: boolean) => {
    const visit = visits.get(page);
    // Only a started capture sets shownAt or pausedAt.
    if (!visit || !(visit.shownAt || visit.pausedAt)) return;
    if (visit.shownAt) visit.ms += Math.max(0, Date.now() - visit.shownAt);
    visit.shownAt = 0;
    if (hiding && cap.flow()) {
      visit.pausedAt = visit.pausedAt || Date.now();
      // Until the app hides too: a page hidden by itself within the flow's window (a payment
      // refused at once, then a navigation) ends its view when the next page shows.
      // Stryker disable next-line ConditionalExpression: with cap.away set, the next show clears pending without reading it
      if (!cap.away) pending = page;
      return cap.fire('view', page, ['pause']);
    }
    end(page);
  };

  /** The end of a page view: its $page_leave with the time it was visible. */
  const end = (page: object) => {
    const visit = cap.visit(page);
    const ms = Math.min(MAX_VISIBLE_MS, visit.ms);
    visit.shownAt = visit.ms = visit.pausedAt = 0;
    if (cap.on!.pageLeave) tracker.track('$page_leave', { path: cap.route(page), duration_ms: ms });
    cap.fire('view', page, ['end']);
  };

  cap.listen('onLoad', (self, a) => (cap.visit(self).query = a[0]));
  cap.listen('onShow', show);
  cap.listen('onHide', (self) => leave(self, true));
  cap.listen('onUnload', (self) => leave(self));
  cap.listen('onTabItemTap', (_, a) => {
    const tab = (a[0] || {}) as Bag;
    if (cap.on && cap.on.tabTap) tracker.track('$tab_tap', { index: tab.index, pagePath: tab.pagePath, text: tab.text });
  });
  return cap;
}

export type Capture = ReturnType<typeof createCapture>;
