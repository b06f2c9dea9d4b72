import { addAutocapture, type AutocaptureApi } from './autocapture/index';
import { createWxPlatform } from './platform/wx';
import { createTrackerWith } from './tracker';
import type { DefaultPlan, EventMap, Tracker } from './types';

export type * from './types';
export type { AutocaptureApi, AutocaptureOptions } from './autocapture/index';

/** A tracker: the core, with auto-capture (on unless `autocapture: false` in init). */
export type Wetrack<E extends EventMap = EventMap> = Tracker<E> & AutocaptureApi;

/** A tracker of its own, e.g. for a second collector; give it its own `name` in init. */
export function createTracker<E extends EventMap = EventMap>(): Wetrack<E> {
  return addAutocapture(createTrackerWith<E>(createWxPlatform));
}

/** The default instance. */
const wetrack: Wetrack<DefaultPlan> = createTracker<DefaultPlan>();
export default wetrack;
