import { createWxPlatform } from './platform/wx';
import { createTrackerWith } from './tracker';
import type { DefaultPlan, EventMap, Tracker } from './types';

export type * from './types';

/** A tracker of its own, e.g. for a second collector; give it its own `name` in init. */
export function createTracker<E extends EventMap = EventMap>(): Tracker<E> {
  return createTrackerWith<E>(createWxPlatform);
}

/** The default instance. */
const wetrack: Tracker<DefaultPlan> = createTracker<DefaultPlan>();
export default wetrack;
