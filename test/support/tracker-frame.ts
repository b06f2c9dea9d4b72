/**
 * The frame of a tracker unit test on the fake platform: fake timers from a fixed date, console
 * warnings silenced and kept, and a tracker built on a fake platform, initialised on demand.
 */
import { afterEach, beforeEach, vi, type MockInstance } from 'vitest';
import { createTrackerWith } from '../../src/tracker';
import type { Options } from '../../src/types';
import { createFakePlatform } from './fake-platform';

export const URL = 'http://127.0.0.1:9/collect';

/** Registers the per-test frame; returns the warnings printed so far in the current test. */
export function useTrackerFrame(): () => string[] {
  let warn: MockInstance<typeof console.warn>;
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-11-25T08:00:00Z') });
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  return () => warn.mock.calls.map((c) => String(c[0]));
}

/** A tracker on a fake platform; `init()` starts it with the collector URL and these options. */
export function setupTracker(options: Partial<Options> = {}, fake = createFakePlatform()) {
  const t = createTrackerWith(() => fake.platform);
  return { t, fake, init: () => t.init({ serverUrl: URL, ...options }) };
}
