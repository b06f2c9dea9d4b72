import { launchOptions } from '../platform/launch';
import { addNativeFlows } from '../platform/native-flow';
import type { FullTracker } from '../tracker';
import type { EventMap } from '../types';
import type { Bag } from './hook';
import { createCapture, type Capture } from './capture';
import { patchGlobals } from './globals';
import { launchProperties } from './launch';
import { resolveAutocapture, type AutocaptureOptions } from './options';
import { watchInstance, wrapBehavior, wrapComponent, wrapPage } from './wrap';

export type { AutocaptureOptions };

/** The explicit wrappers, for where the globals may not be replaced (plugin mode) or are not wanted. */
export interface AutocaptureApi {
  /** `Page(wetrack.page({...}))` */
  page<T>(options: T): T;
  /** `Component(wetrack.component({...}))`, also for pages built with Component. */
  component<T>(options: T): T;
  /** `Behavior(wetrack.behavior({...}))` */
  behavior<T>(options: T): T;
  /**
   * `App(wetrack.app({...}))` returns the options unchanged: app events come from wx.onAppShow /
   * onAppHide and the launch options, which work in every mode. It is here so that code written for
   * explicit mode wraps all four constructors alike.
   */
  app<T>(options: T): T;
}

/**
 * Adds auto-capture to a tracker: the explicit wrappers at once, and at init (unless
 * `autocapture: false`) the global patch and the app events.
 */
export function addAutocapture<E extends EventMap>(tracker: FullTracker<E>, cap: Capture = createCapture(tracker as unknown as FullTracker)): FullTracker<E> & AutocaptureApi {
  const internals = tracker.internals;
  const t = tracker as unknown as FullTracker;
  // Whatever the options are, the host's constructor gets them: wrapped, or as they came if wrapping failed.
  const safely = (wrap: (o: unknown, c: typeof cap) => unknown) => (o: unknown) => {
    let out = o;
    cap.safe(() => (out = wrap(o, cap)));
    return out;
  };
  const wraps = { page: safely(wrapPage), component: safely(wrapComponent), behavior: safely(wrapBehavior) };
  cap.listen('attached', (self) => watchInstance(self as Bag, cap));
  const start = () => {
    const on = (cap.on = resolveAutocapture((internals.options as { autocapture?: boolean | AutocaptureOptions }).autocapture));
    if (!on) return;
    const platform = internals.platform!;
    const props = launchProperties(launchOptions());
    cap.sharer = tracker.getAnonymousId().slice(0, 12);
    cap.depth = ((props.share_depth as number) || 0) + 1;
    if (on.patchGlobals) patchGlobals(wraps, internals.log);
    if (!platform.flow) addNativeFlows(platform);
    // Registered before the app events, so that they know whether a native flow caused the hide.
    platform.onAppHide(() => (cap.away = platform.flow && platform.flow()));
    if (!on.app) return;
    let shownAt = Date.now();
    let shown = false;
    // Moments single-page mode (scene 1154) has a storage of its own (WeChat docs,
    // open-ability/share-timeline.html): a first launch there says nothing about the user.
    t.track('$app_launch', Object.assign(props, props.scene == 1154 ? { single_page: true } : { is_first_launch: internals.firstLaunch }));
    platform.onAppShow((o) => {
      // One per entry: the first App.onShow can come late, without a hide, when a launch into an
      // independent subpackage first enters the main package (subpackages/independent.html).
      if (shown) return;
      shown = true;
      const opts = (o || {}) as { scene?: number; path?: string };
      shownAt = Date.now();
      // cause: the native flow (previewImage, requestPayment…) the user comes back from.
      t.track('$app_show', { scene: opts.scene, path: opts.path, cause: cap.flow() });
    });
    platform.onAppHide(() => {
      shown = false;
      t.track('$app_hide', { path: platform.page(), duration_ms: Math.max(0, Date.now() - shownAt), cause: cap.away });
    });
  };
  internals.start = start;
  return Object.assign(tracker, wraps, { app: <T>(o: T) => o }) as FullTracker<E> & AutocaptureApi;
}
