import type { Capture } from '../autocapture/capture';
import type { Bag } from '../autocapture/hook';
import type { FullTracker } from '../tracker';
import type { Properties } from '../types';
import { resolveExposure, type ExposureOptions, type ResolvedExposure } from './options';
import { createScheduler } from './scheduler';

export type { ExposureOptions };

/** The part of WeChat's IntersectionObserver we use. */
interface Observer {
  relativeToViewport(margins?: object): Observer;
  observe(selector: string, cb: (res: { dataset?: Bag; intersectionRatio: number; intersectionRect?: { height: number } }) => void): void;
  disconnect(): void;
}
/** A page or component instance: both create observers in their own scope. */
interface Scope {
  createIntersectionObserver(options: object): Observer;
  setData?: (data: object, cb?: () => void) => void;
}

/** The manual API, for what the automatic one cannot see. */
export interface ExposureApi {
  exposure: {
    /** Observes `selector` (default: the exposure selector) inside a page or component. */
    observe(scope: object, selector?: string): void;
    /** Looks again for slots in the scope (new content), without counting any twice. */
    refresh(scope: object): void;
    /** Stops observing in the scope. */
    stop(scope: object): void;
  };
}

const MARK = '__wtx';

/**
 * Exposure: every `.wt-exposure` element with data-wt-slot, on every page and inside every custom
 * component, observed in its own scope while its page is shown; `$exposure` once it was seen
 * long enough (scheduler.ts). Observers are made after render (onReady / ready), again after each
 * setData so new content is picked up, and all are released when the page hides or unloads.
 */
export function addExposure<T extends FullTracker>(tracker: T, cap: Capture): T & ExposureApi {
  const internals = tracker.internals;
  const sessionCounted = new Set<string>();
  /** The shown page, its scheduler, and every scope observing for it. */
  let view: { page: object; scheduler: ReturnType<typeof createScheduler>; observers: Map<Scope, Observer> } | undefined;
  /** Components by the page they live on, so a page shown again observes inside them too. */
  const components = new WeakMap<object, Set<Scope>>();
  const rendered = new WeakSet<object>();
  let rules: ResolvedExposure | undefined;
  /** The page being loaded: components made during its render belong to it. */
  let loading: object | undefined;
  // A component belongs to the shown page, or to the page whose render made it.
  const pageOf = () => (view ? view.page : loading);

  const emit = (props: Properties) => {
    props.path = cap.route(view && view.page);
    tracker.track('$exposure', props);
  };

  const observe = (scope: Scope, selector?: string) => {
    if (!view || !rules) return;
    const old = view.observers.get(scope);
    if (old) old.disconnect();
    const v = view;
    const ob = scope.createIntersectionObserver({ observeAll: true, thresholds: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, rules.minRatio] });
    ob.relativeToViewport().observe(selector || rules.selector, (res) =>
      cap.safe(() => {
        const ds = res.dataset || {};
        if (ds.wtSlot != null && view === v) v.scheduler.see({ slot: String(ds.wtSlot), dataset: ds, ratio: res.intersectionRatio, visiblePx: res.intersectionRect ? res.intersectionRect.height : 0 });
      }),
    );
    v.observers.set(scope, ob);
  };

  const start = (page: object) => {
    if (!rules || cap.excluded(cap.route(page))) return;
    end();
    view = { page, scheduler: createScheduler(rules, emit, rules.once == 'session' ? sessionCounted : new Set(), cap.safe), observers: new Map() };
    observe(page as Scope);
    (components.get(page) || new Set()).forEach((c) => observe(c));
  };

  const end = () => {
    if (!view) return;
    view.scheduler.stop();
    view.observers.forEach((o) => o.disconnect());
    view = undefined;
  };

  /** After each setData has rendered, look for new slots in that scope. */
  const watchSetData = (scope: Scope) => {
    const setData = scope.setData;
    if (typeof setData != 'function' || (setData as unknown as Bag)[MARK]) return;
    const wrapped = function (this: Scope, data: object, cb?: () => void) {
      return setData.call(this, data, function (this: unknown) {
        cap.safe(() => view && view.observers.has(scope) && observe(scope));
        return cb && cb.apply(this, arguments as unknown as []);
      });
    };
    (wrapped as unknown as Bag)[MARK] = 1;
    scope.setData = wrapped;
  };

  /** Stops observing in one scope (a component detached, or the manual stop). */
  const release = (scope: Scope) => {
    const ob = view && view.observers.get(scope);
    if (ob) ob.disconnect(), view!.observers.delete(scope);
  };

  // Page views as capture decides them (one per real show; a native flow pauses and resumes
  // the same one), and the lifecycles that tell when scopes are rendered.
  cap.listen('onLoad', (self) => {
    loading = self;
    watchSetData(self as Scope);
  });
  // The first show comes before the first render: observers then wait for onReady.
  cap.listen('onReady', (self) => {
    rendered.add(self);
    if (cap.visit(self).shownAt) start(self);
  });
  cap.listen('view', (self, args) => {
    const phase = args[0];
    if (phase == 'start') {
      if (rendered.has(self)) start(self);
    } else if (view && view.page === self) {
      if (phase == 'end') end();
      else if (phase == 'pause') view.scheduler.pause();
      else {
        // Back from a native flow: the same page view, its counts kept; observers made anew
        // report what is visible now, and dwell times start again from here.
        view.scheduler.resume();
        view.observers.forEach((_, scope) => observe(scope));
      }
    }
  });
  // A component inside a page: observe in its own scope once rendered.
  cap.listen('ready', (self) => {
    const scope = self as Scope;
    const page = pageOf();
    if (!page || page === self) return;
    watchSetData(scope);
    let set = components.get(page);
    if (!set) components.set(page, (set = new Set()));
    set.add(scope);
    if (view && view.page === page) observe(scope);
  });
  cap.listen('detached', (self) => {
    const page = pageOf();
    const set = page && components.get(page);
    if (set) set.delete(self as Scope);
    release(self as Scope);
  });

  const prevStart = internals.start;
  internals.start = () => {
    if (prevStart) prevStart();
    const o = internals.options!;
    rules = cap.on ? resolveExposure((o as { exposure?: boolean | ExposureOptions }).exposure) : undefined;
    // 'session' counts a slot once until the session ends, as the core decides it: after
    // sessionTimeoutMs in the background.
    let hiddenAt = 0;
    internals.platform!.onAppHide(() => (hiddenAt = Date.now()));
    internals.platform!.onAppShow(() => hiddenAt && Date.now() - hiddenAt > o.sessionTimeoutMs && sessionCounted.clear());
  };

  const api: ExposureApi = {
    exposure: {
      observe: (scope, selector) => cap.safe(() => observe(scope as Scope, selector)),
      refresh: (scope) => cap.safe(() => observe(scope as Scope)),
      stop: (scope) => cap.safe(() => release(scope as Scope)),
    },
  };
  return Object.assign(tracker, api);
}
