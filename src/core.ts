/**
 * The core alone, without auto-capture: for apps that only call track(), and for the size budget.
 * It is the entry the core size budget measures.
 */
import { createWxPlatform } from './platform/wx';
import { createTrackerWith } from './tracker';
import type { EventMap, EventPlan, Tracker } from './types';

export type * from './types';

export function createTracker<E extends EventPlan<E> = EventMap>(): Tracker<E> {
  // The plan is a compile-time matter only.
  return createTrackerWith(createWxPlatform) as unknown as Tracker<E>;
}
