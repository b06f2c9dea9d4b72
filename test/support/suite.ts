import { afterEach, beforeEach, vi } from 'vitest';
import { disposeAllRuntimes } from '../sim';
import { useFakeClock, type FakeClock } from './clock';

/**
 * The usual frame of a simulator test file: a fake clock per test, console warnings silenced,
 * and afterwards `cleanup` (e.g. closing a collector), every runtime disposed and real time back.
 */
export function useSimSuite(cleanup?: () => unknown): { readonly clock: FakeClock } {
  const suite = {} as { clock: FakeClock };
  beforeEach(() => {
    suite.clock = useFakeClock();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(async () => {
    await cleanup?.();
    disposeAllRuntimes();
    suite.clock.restore();
    vi.restoreAllMocks();
  });
  return suite;
}
