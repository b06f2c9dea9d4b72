import type { Logger } from './log';
import type { Options } from './types';

type Numeric =
  | 'batchSize'
  | 'flushIntervalMs'
  | 'maxBatchBytes'
  | 'maxQueueEvents'
  | 'sessionTimeoutMs'
  | 'timeoutMs'
  | 'retryBaseMs'
  | 'retryMaxMs';

export type Resolved = Options & Required<Pick<Options, Numeric | 'name' | 'consent' | 'headers'>>;

const DEFAULTS: Record<Numeric, number> & Pick<Resolved, 'name' | 'consent' | 'headers'> = {
  batchSize: 50,
  flushIntervalMs: 5000,
  maxBatchBytes: 60_000,
  maxQueueEvents: 5000,
  sessionTimeoutMs: 1_800_000,
  timeoutMs: 10_000,
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
  name: 'wt',
  consent: 'granted',
  headers: {},
};

/** Options that must be of one type when given. */
const TYPES: { [key: string]: string } = { beforeSend: 'function', appVersion: 'string' };

/** String options and the values they accept; numbers must be whole and fit a timer (below 2^31 ms). */
const MATCH: { [key: string]: RegExp } = { name: /./, consent: /^(granted|pending|denied)$/ };

/** Fills defaults and checks each option; a bad value gets a warning and the default. Null without a usable serverUrl. */
export function resolveOptions(input: unknown, log: Logger): Resolved | null {
  const out = Object.assign({}, DEFAULTS, input) as Resolved & { [key: string]: unknown };
  const bad = (k: string) => log.warn('init: options.' + k + ' is invalid; ' + (k == 'serverUrl' ? 'not started' : 'default used'));
  if (!/^https?:\/\/./.test(out.serverUrl)) {
    bad('serverUrl');
    return null;
  }
  for (const k in DEFAULTS) {
    const value = out[k];
    const fallback = (DEFAULTS as { [key: string]: unknown })[k];
    // A string option must match, an object option be an object, a number be whole and fit a timer.
    if (MATCH[k] ? !MATCH[k].test(value as string) : fallback === Object(fallback) ? value !== Object(value) : !(Number.isInteger(value) && (value as number) >= 1 && (value as number) < 2 ** 31)) {
      bad(k);
      out[k] = fallback;
    }
  }
  for (const k in TYPES) {
    if (out[k] !== undefined && typeof out[k] != TYPES[k]) {
      bad(k);
      out[k] = undefined;
    }
  }
  return out;
}
