/**
 * What to do with a batch after the collector answered:
 * - ok (2xx): delivered; forget the events.
 * - bisect (400, 413, 422): the collector refuses something in the batch, or the batch is too large:
 *   halve the batch until the bad or oversized event is alone, then drop only that one.
 * - retry (anything else): keep everything and try again with backoff. Status 0 (no answer, reset,
 *   timeout), 408, 429, 5xx, and any status we do not know: a misconfigured collector must not cost
 *   the app its data.
 */
export type Verdict = 'ok' | 'bisect' | 'retry';

export function verdict(status: number): Verdict {
  return status >= 200 && status <= 299 ? 'ok' : status == 400 || status == 413 || status == 422 ? 'bisect' : 'retry';
}
