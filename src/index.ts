import { createCapture } from './autocapture/capture';
import { addAutocapture, type AutocaptureApi } from './autocapture/index';
import { addExposure, type ExposureApi } from './exposure/index';
import { shared, type Shared } from './platform/launch';
import { createWxPlatform } from './platform/wx';
import { createTrackerWith } from './tracker';
import type { DefaultPlan, EventMap, EventPlan, Options, Tracker } from './types';

export type * from './types';
export type { AutocaptureApi, AutocaptureOptions } from './autocapture/index';
export type { ExposureApi, ExposureOptions } from './exposure/index';

/** A tracker: the core, with auto-capture and exposure (on unless turned off in init). */
export interface Wetrack<E extends EventPlan<E> = EventMap> extends Tracker<E>, AutocaptureApi, ExposureApi {
  /** Starts the tracker; returns it typed with the plan given as the type argument, wrappers and `exposure` included. */
  init<P extends EventPlan<P> = E>(options: Options): Wetrack<P>;
}

// The plan is a compile-time matter only: every instance is built untyped.
const make = <E extends EventPlan<E>>(slot?: Shared): Wetrack<E> => {
  const tracker = createTrackerWith<EventMap>(createWxPlatform, slot);
  const cap = createCapture(tracker);
  return addExposure(addAutocapture(tracker, cap), cap) as unknown as Wetrack<E>;
};

/** A tracker of its own, e.g. for a second collector; give it its own `name` in init. */
export function createTracker<E extends EventPlan<E> = EventMap>(): Wetrack<E> {
  return make<E>();
}

/**
 * The default instance. It is one per process: the default instances of every copy of the package
 * (an independent subpackage carries its own) become the first one started (platform/launch).
 */
const wetrack: Wetrack<DefaultPlan> = make<DefaultPlan>(shared());
export default wetrack;
