import type { Platform } from './platform/types';
import type { Properties } from './types';
import { randomId } from './id';

/** Who the events are about, persisted under one key. */
export interface Identity {
  /** anonymousId: one per install until reset(). */
  a: string;
  /** userId, set by identify(). */
  u?: string;
  /** Super properties, merged into every event. */
  p: Properties;
}

export const newIdentity = (): Identity => ({ a: randomId(), p: {} });

/** The stored identity, or undefined on a first launch (or when it is unreadable). */
export function loadIdentity(platform: Platform, key: string): Identity | undefined {
  try {
    const id = JSON.parse(platform.read(key) || '0') as Identity;
    if (id && id.a) return { a: id.a, u: id.u, p: id.p || {} };
  } catch (e) {
    // unreadable: a new identity is made
  }
}
