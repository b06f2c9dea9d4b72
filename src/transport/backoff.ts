/** Longest wait we accept from a collector's Retry-After. */
export const RETRY_AFTER_CAP_MS = 300_000;

/**
 * Delay before retry number `attempt` (1-based): exponential from `base`, capped at `max`,
 * with ±20% jitter so that a fleet of phones coming back online does not retry in step.
 * A Retry-After from the collector wins, within [base, 5 min].
 */
export function backoff(attempt: number, base: number, max: number, retryAfterMs?: number): number {
  if (retryAfterMs != null) return Math.min(Math.max(retryAfterMs, base), RETRY_AFTER_CAP_MS);
  return Math.min(max, base * 2 ** Math.min(attempt - 1, 30)) * (0.8 + Math.random() * 0.4);
}
