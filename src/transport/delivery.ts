import { str, type Logger } from '../log';
import type { HttpResult, Platform } from '../platform/types';
import type { BatchContext } from '../types';
import { backoff } from './backoff';
import { verdict } from './policy';
import { json, utf8Length, type Entry, type Queue } from './queue';

export interface DeliveryConfig {
  serverUrl: string;
  headers: Record<string, string>;
  batchSize: number;
  flushIntervalMs: number;
  maxBatchBytes: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface Delivery {
  /** An event was queued. */
  added(): void;
  /** Send everything queued now; settles when it is delivered or an attempt failed. */
  flush(): Promise<void>;
  /** The app is going to the background: write everything now and start sending before timers freeze. */
  hide(): void;
  online(isOnline: boolean): void;
  /** Hold all sending (consent not granted) or let it go. */
  pause(paused: boolean): void;
}

/** Within this long of track() an event is in storage. */
const SAVE_DELAY_MS = 500;

/**
 * Moves queued events to the collector: one request at a time, in seq order, each batch persisted
 * before it leaves. Sends when batchSize events wait, when the interval timer fires (a throttle: it is
 * armed by the first waiting event and never pushed back), on flush() and on hide.
 */
export function createDelivery(
  platform: Platform,
  queue: Queue,
  cfg: DeliveryConfig,
  context: () => BatchContext,
  log: Logger,
): Delivery {
  const items = queue.items;
  let inFlight: boolean | undefined;
  let online = true;
  let paused: boolean | undefined;
  let interval: ReturnType<typeof setTimeout> | undefined;
  let saver: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  // While bisecting, batches are cut to `limit` until everything up to seq `until` is through.
  let limit = cfg.batchSize;
  let until: number | undefined;
  // Drain (send even a short batch) while the head is at or below this seq.
  let target = 0;
  const waiters: (() => void)[] = [];

  const settle = () => waiters.splice(0).forEach((f) => f());

  /** A serverUrl that WeChat refuses (D/framework/ability/network.html): one warning per cause. */
  const refusedUrl = (why: string, then = '') =>
    log.once(why, 'init: serverUrl ' + cfg.serverUrl + why + ": WeChat needs https and the domain in the console's request list" + then);
  // Release and trial builds check every request; a develop build may run in DevTools with the check
  // turned off, where a local http collector is normal.
  try {
    if (!/^https:/.test(cfg.serverUrl) && /^(release|trial)$/.test(context().appEnv as string)) refusedUrl(' is not https');
  } catch (e) {
    // no context: the first send reports the fault
  }

  // Every way in (timers, flush, hide, a response) goes through here: a fault is logged, not thrown.
  const safely = (f: () => void) => {
    try {
      f();
    } catch (e) {
      log.warn('send failed: ' + str(e));
      settle();
    }
  };
  const send = () => safely(sendNow);

  // A save that failed (quota, a storage error) is tried again within the same half second,
  // so the promise "in storage within a second of track()" holds once storage works again.
  const saveSoon = () =>
    (saver =
      saver ||
      setTimeout(() => {
        saver = undefined;
        send();
      }, SAVE_DELAY_MS));

  const sendNow = () => {
    if (queue.save()) saveSoon();
    if (inFlight) return;
    if (retry || !online || paused) return settle();
    const due = items.length && items[0].seq <= target;
    if (!due) settle();
    if (!due && items.length < cfg.batchSize) {
      if (items.length) interval = interval || setTimeout(tick, cfg.flushIntervalMs);
      return;
    }
    // A full batch goes out whole even when bisecting or maxBatchBytes cut it into several requests.
    target = Math.max(target, items[Math.min(items.length, cfg.batchSize) - 1].seq);
    const drops = queue.dropped();
    const head =
      '{"sentAt":' + Date.now() + ',"context":' + JSON.stringify(context()) + (drops ? ',"dropped":' + drops : '') + ',"events":[';
    const batch = items.slice(0, limit);
    let body: string;
    // Halve until the body fits maxBatchBytes; a single event too large for it goes alone.
    while (utf8Length((body = head + batch.map(json).join(',') + ']}')) > cfg.maxBatchBytes && batch.length > 1)
      batch.length = Math.ceil(batch.length / 2);
    inFlight = true;
    platform.post(
      cfg.serverUrl,
      body,
      cfg.headers,
      cfg.timeoutMs,
      (r) => {
        inFlight = false;
        safely(() => done(r, batch, drops));
      },
    );
  };

  const done = ({ status, retryAfterMs, refused }: HttpResult, batch: Entry[], drops: number) => {
    const v = verdict(status);
    const last = batch[batch.length - 1].seq;
    if (v == 'ok') {
      // An event of this batch that the queue dropped (overflow) while it was in flight arrived after
      // all: it is not a drop.
      queue.ack(last, drops + batch.filter((e) => items.indexOf(e) < 0).length);
      attempt = 0;
      // Before any bisect until is unset: false, and limit is batchSize anyway.
      if (last >= until!) limit = cfg.batchSize;
    } else if (v == 'bisect' && batch.length > 1) {
      limit = Math.ceil(batch.length / 2);
      until = last;
    } else if (v == 'bisect') {
      log.warn('collector refused seq ' + last + ' (' + status + '); dropped');
      queue.ack(last, 0);
      limit = cfg.batchSize;
    } else {
      // Refused by WeChat: the console's domain list can be fixed without a release, so the events wait.
      if (refused) refusedUrl(' refused (' + refused + ')', '; events kept, retrying');
      else log.once('s' + status, 'collector answered ' + status + '; retrying');
      const delay = backoff(++attempt, cfg.retryBaseMs, cfg.retryMaxMs, retryAfterMs);
      retry = setTimeout(() => {
        retry = undefined;
        target = Math.max(target, last);
        send();
      }, delay);
      return settle();
    }
    send();
  };

  const tick = () => {
    interval = undefined;
    drainAll();
  };

  // While a retry waits, a flush settles at once: this attempt has failed.
  const drainAll = () => {
    if (items.length) target = Math.max(target, items[items.length - 1].seq);
    send();
  };

  return {
    // Never works inside track(): storage and network calls wait for the save timer, which also
    // sends when a full batch is waiting.
    added() {
      saveSoon();
      interval = interval || setTimeout(tick, cfg.flushIntervalMs);
    },
    flush() {
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        drainAll();
      });
    },
    // Timers may freeze once the app is hidden: a failed write gets a second try at once.
    hide: () => (queue.save(), drainAll()),
    online(isOnline) {
      online = isOnline;
      if (isOnline) {
        // Back online: the failures were the network's, so retry now.
        clearTimeout(retry);
        retry = undefined;
        attempt = 0;
      }
      drainAll();
    },
    pause(p) {
      paused = p;
      drainAll();
    },
  };
}
