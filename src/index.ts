import { createCapture } from './autocapture/capture';
import { addAutocapture, type AutocaptureApi } from './autocapture/index';
import { addExposure, type ExposureApi } from './exposure/index';
import { createWxPlatform } from './platform/wx';
import { createTrackerWith, type FullTracker } from './tracker';
import type { DefaultPlan, EventMap, Tracker } from './types';

export type * from './types';
export type { AutocaptureApi, AutocaptureOptions } from './autocapture/index';
export type { ExposureApi, ExposureOptions } from './exposure/index';

/** A tracker: the core, with auto-capture and exposure (on unless turned off in init). */
export type Wetrack<E extends EventMap = EventMap> = Tracker<E> & AutocaptureApi & ExposureApi;

/** A tracker of its own, e.g. for a second collector; give it its own `name` in init. */
export function createTracker<E extends EventMap = EventMap>(): Wetrack<E> {
  const tracker = createTrackerWith<E>(createWxPlatform);
  const cap = createCapture(tracker as unknown as FullTracker);
  return addExposure(addAutocapture(tracker, cap), cap);
}

/** The default instance. */
const wetrack: Wetrack<DefaultPlan> = createTracker<DefaultPlan>();
export default wetrack;
