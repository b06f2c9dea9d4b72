/**
 * What to do with a batch after the collector answered: the first row whose range holds the status decides.
 * - ok: delivered; forget the events.
 * - bisect: the collector refuses something in the batch (400, 422) or the batch is too large (413):
 *   halve the batch until the bad or oversized event is alone, then drop only that one.
 * - retry (no row): keep everything and try again with backoff. Status 0 (no answer, reset, timeout),
 *   408, 429, 5xx, and any status we do not know: a misconfigured collector must not cost the app its data.
 */
export type Verdict = 'ok' | 'bisect' | 'retry';

const TABLE: [from: number, to: number, verdict: Verdict][] = [
  [200, 299, 'ok'],
  [400, 400, 'bisect'],
  [413, 413, 'bisect'],
  [422, 422, 'bisect'],
];

export function verdict(status: number): Verdict {
  for (const [from, to, v] of TABLE) if (status >= from && status <= to) return v;
  return 'retry';
}
