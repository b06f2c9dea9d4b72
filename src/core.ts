/**
 * The core alone, without auto-capture: for apps that only call track(), and for the size budget.
 * It is the entry the core size budget measures.
 */
import { createWxPlatform } from './platform/wx';
import { createTrackerWith } from './tracker';
import type { EventMap, Tracker } from './types';

export type * from './types';

export function createTracker<E extends EventMap = EventMap>(): Tracker<E> {
  return createTrackerWith<E>(createWxPlatform);
}
