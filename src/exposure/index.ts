import type { Capture } from '../autocapture/capture';
import type { FullTracker } from '../tracker';
import type { Properties } from '../types';
import { createObservers, type Scope } from './observers';
import { resolveExposure, type ExposureOptions, type ResolvedExposure } from './options';
import { createScheduler } from './scheduler';

export type { ExposureOptions };

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

/**
 * Exposure: every `.wt-exposure` element with data-wt-slot, on every page and inside every custom
 * component, observed in its own scope while its page is shown; `$exposure` once it was seen
 * long enough (scheduler.ts). Scopes are watched once rendered (onReady / ready); observers.ts
 * observes those that have slots while their page is shown, anew when a setData changed the slots.
 */
export function addExposure<T extends FullTracker>(tracker: T, cap: Capture): T & ExposureApi {
  const internals = tracker.internals;
  const sessionCounted = new Set<string>();
  /** The shown page and its scheduler. */
  let view: { page: object; scheduler: ReturnType<typeof createScheduler> } | undefined;
  let rules: ResolvedExposure | undefined;
  let obs: ReturnType<typeof createObservers> | undefined;
  /** The page being loaded: components made during its render belong to it. */
  let loading: object | undefined;
  // A component belongs to the shown page, or to the page whose render made it.
  const pageOf = () => (view ? view.page : loading);

  const emit = (props: Properties) => {
    props.path = cap.route(view && view.page);
    tracker.track('$exposure', props);
  };

  const start = (page: object) => {
    // An excluded page never starts a view: capture's show() returned before.
    if (!rules) return;
    end();
    view = { page, scheduler: createScheduler(rules, emit, rules.once == 'session' ? sessionCounted : new Set(), cap.safe) };
    obs!.startView(page);
  };

  const end = () => {
    if (!view) return;
    view.scheduler.stop();
    obs!.endView();
    view = undefined;
  };

  // Page views as capture decides them (one per real show; a native flow pauses and resumes
  // the same one), and the lifecycles that tell when scopes are rendered.
  cap.listen('onLoad', (self) => (loading = self));
  // The first show comes before the first render: observers then wait for onReady.
  cap.listen('onReady', (self) => {
    cap.visit(self).rendered = 1;
    if (obs) obs.watch(self as Scope, self);
    if (cap.visit(self).shownAt) start(self);
  });
  cap.listen('view', (self, args) => {
    const phase = args[0];
    if (phase == 'start') {
      if (cap.visit(self).rendered) start(self);
    } else if (view && view.page === self) {
      if (phase == 'end') end();
      else if (phase == 'pause') {
        view.scheduler.pause();
        obs!.endView();
      } else {
        // Back from a native flow: the same page view, its counts kept; observers made anew
        // report what is visible now, and dwell times start again from here.
        view.scheduler.resume();
        obs!.startView(self);
      }
    }
  });
  // A component inside a page: observe in its own scope once rendered.
  cap.listen('ready', (self) => {
    const page = pageOf();
    if (page && page !== self && obs) obs.watch(self as Scope, page);
  });
  cap.listen('detached', (self) => obs && obs.forget(self as Scope));

  // Started after auto-capture (index.ts adds it second), whose start decides cap.on.
  internals.addOns.push(() => {
    const o = internals.resolved!;
    rules = cap.on ? resolveExposure((o as { exposure?: boolean | ExposureOptions }).exposure, internals.log) : undefined;
    obs = rules && createObservers(rules, (ds, ratio, px) => view && view.scheduler.see(ds, ratio, px), cap.safe);
    // 'session' counts a slot once until the session ends, as the core decides it (its listener of
    // app show runs first, registered at init).
    let session = internals.session;
    internals.platform!.onAppShow(() => {
      if (session == internals.session) return;
      session = internals.session;
      sessionCounted.clear();
    });
  });

  const api: ExposureApi = {
    exposure: {
      observe: (scope, selector) => cap.safe(() => obs && obs.watch(scope as Scope, undefined, selector)),
      refresh: (scope) => cap.safe(() => obs && obs.watch(scope as Scope)),
      stop: (scope) => cap.safe(() => obs && obs.forget(scope as Scope)),
    },
  };
  return Object.assign(tracker, api);
}
