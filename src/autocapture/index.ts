/// <reference types="miniprogram-api-typings" />
import { launchOptions } from '../platform/launch';
import { addNativeFlows } from '../platform/native-flow';
import type { FullTracker } from '../tracker';
import type { EventMap } from '../types';
import type { Bag } from './hook';
import { createCapture, type Capture } from './capture';
import { patchGlobals } from './globals';
import { launchProperties } from './launch';
import { resolveAutocapture, type AutocaptureOptions } from './options';
import { watchInstance, wrapper } from './wrap';

export type { AutocaptureOptions };

/*
 * The wrappers are typed with the global `WechatMiniprogram` namespace of miniprogram-api-typings,
 * which the app's compile provides (the DevTools TypeScript template has it; the reference above
 * serves wetrack's own build and is not shipped). Page and App take its option types as they are.
 * Component and Behavior options gained and moved type parameters between its versions (2: four,
 * 3: five, 4 and 5: six), so theirs are put together from the parts every version from 2.8 to 5
 * has; what a component's `this` is follows Component.Instance, without the members typed
 * behaviors add in versions 4 and 5.
 */

/** `this` in a component's or behavior's methods and lifetimes: data, properties, setData, triggerEvent… */
export type ComponentInstance<
  D extends WechatMiniprogram.Component.DataOption,
  P extends WechatMiniprogram.Component.PropertyOption,
  M extends WechatMiniprogram.Component.MethodOption,
  C extends WechatMiniprogram.IAnyObject = {},
> = WechatMiniprogram.Component.InstanceProperties &
  WechatMiniprogram.Component.InstanceMethods<D> &
  M &
  C & {
    data: D & WechatMiniprogram.Component.PropertyOptionToData<P>;
    properties: D & WechatMiniprogram.Component.PropertyOptionToData<P>;
  };

/** The options of `Component()` and `Behavior()`, generic over data, properties, methods and behaviors. */
export type ComponentOptions<
  D extends WechatMiniprogram.Component.DataOption,
  P extends WechatMiniprogram.Component.PropertyOption,
  M extends WechatMiniprogram.Component.MethodOption,
  B extends unknown[] = [],
  C extends WechatMiniprogram.IAnyObject = {},
> = Partial<WechatMiniprogram.Component.Data<D>> &
  Partial<WechatMiniprogram.Component.Property<P>> &
  // behaviors: identifiers as the app's version types them (strings, or typed identifiers from 4 on).
  { methods?: M; behaviors?: B } & Partial<Omit<WechatMiniprogram.Component.OtherOption, 'behaviors'>> &
  Partial<WechatMiniprogram.Component.Lifetimes> &
  ThisType<ComponentInstance<D, P, M, C>>;

/**
 * The behaviors a wrapper hands on: those the options listed, or none. (With none listed, the
 * inference from the constructor around the call yields unknown[], which version 5 refuses.)
 */
export type GivenBehaviors<B> = unknown[] extends B ? [] : B;

/** The explicit wrappers, for where the globals may not be replaced (plugin mode) or are not wanted. */
export interface AutocaptureApi {
  /** `Page(wetrack.page({...}))`: `this` in its methods is the page instance, as in `Page({...})`. */
  page<D extends WechatMiniprogram.Page.DataOption, T extends WechatMiniprogram.Page.CustomOption>(
    options: WechatMiniprogram.Page.Options<D, T>,
  ): WechatMiniprogram.Page.Options<D, T>;
  /** Options typed elsewhere (a framework's, a generic helper's) come back as they went in. */
  page<O>(options: O): O;
  /** `Component(wetrack.component({...}))`, also for pages built with Component. */
  component<
    D extends WechatMiniprogram.Component.DataOption,
    P extends WechatMiniprogram.Component.PropertyOption,
    M extends WechatMiniprogram.Component.MethodOption,
    B extends unknown[] = [],
    C extends WechatMiniprogram.IAnyObject = {},
  >(options: ComponentOptions<D, P, M, B, C>): ComponentOptions<D, P, M, GivenBehaviors<B>, C>;
  component<O>(options: O): O;
  /** `Behavior(wetrack.behavior({...}))` */
  behavior<
    D extends WechatMiniprogram.Behavior.DataOption,
    P extends WechatMiniprogram.Behavior.PropertyOption,
    M extends WechatMiniprogram.Behavior.MethodOption,
    B extends unknown[] = [],
    C extends WechatMiniprogram.IAnyObject = {},
  >(options: ComponentOptions<D, P, M, B, C>): ComponentOptions<D, P, M, GivenBehaviors<B>, C>;
  behavior<O>(options: O): O;
  /**
   * `App(wetrack.app({...}))` returns the options unchanged: app events come from wx.onAppShow /
   * onAppHide and the launch options, which work in every mode. It is here so that code written for
   * explicit mode wraps all four constructors alike.
   */
  app<T extends WechatMiniprogram.IAnyObject>(options: WechatMiniprogram.App.Options<T>): WechatMiniprogram.App.Options<T>;
  app<O>(options: O): O;
}

/**
 * Adds auto-capture to a tracker: the explicit wrappers at once, and at init (unless
 * `autocapture: false`) the global patch and the app events.
 */
export function addAutocapture<E extends EventMap>(tracker: FullTracker<E>, cap: Capture = createCapture(tracker)): FullTracker<E> & AutocaptureApi {
  const internals = tracker.internals;
  const t = tracker as unknown as FullTracker;
  const wraps = { page: wrapper(0, cap), component: wrapper(1, cap), behavior: wrapper(2, cap) };
  cap.listen('attached', (self) => watchInstance(self as Bag, cap));
  const start = () => {
    const on = (cap.on = resolveAutocapture((internals.resolved as { autocapture?: boolean | AutocaptureOptions }).autocapture));
    if (!on) return;
    const platform = internals.platform!;
    const props = launchProperties(launchOptions());
    cap.sharer = tracker.getAnonymousId().slice(0, 12);
    // share_depth, when there is one, is a whole number: one more; else 1 (NaN || 1).
    cap.depth = (props.share_depth as number) + 1 || 1;
    if (on.patchGlobals) patchGlobals(wraps, internals.log);
    if (!platform.flow) addNativeFlows(platform);
    // Registered before the app events, so that they know whether a native flow caused the hide.
    platform.onAppHide(() => (cap.away = platform.flow && platform.flow()));
    if (!on.app) return;
    let shownAt = Date.now();
    let shown: boolean | undefined;
    // Moments single-page mode (scene 1154) has a storage of its own (WeChat docs,
    // open-ability/share-timeline.html): a first launch there says nothing about the user.
    if (props.scene == 1154) props.single_page = true;
    else props.is_first_launch = internals.firstLaunch;
    t.track('$app_launch', props);
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
  internals.addOns.push(start);
  return Object.assign(tracker, wraps, { app: <T>(o: T) => o });
}
