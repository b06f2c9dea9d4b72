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
  batchSize: 20,
  flushIntervalMs: 5000,
  maxBatchBytes: 500_000,
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
  const o = Object.assign({}, DEFAULTS, input) as Resolved & { [key: string]: unknown };
  const bad = (k: string) => log.warn('init: options.' + k + ' is invalid; ' + (k == 'serverUrl' ? 'not started' : 'default used'));
  if (!/^https?:\/\/./.test(o.serverUrl)) return bad('serverUrl'), null;
  for (const k in DEFAULTS) {
    const v = o[k] as number;
    const d = (DEFAULTS as { [key: string]: unknown })[k];
    if (MATCH[k] ? !MATCH[k].test(v as unknown as string) : d === Object(d) ? v !== Object(v) : !(Number.isInteger(v) && v >= 1 && v < 2 ** 31)) {
      bad(k);
      o[k] = d;
    }
  }
  for (const k in TYPES) if (o[k] !== undefined && typeof o[k] != TYPES[k]) bad(k), (o[k] = undefined);
  return o;
}
