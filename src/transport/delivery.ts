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
  /** An event was queued (or, at init, events were restored): save within the save delay, send within the interval. */
  added(): void;
  /** Send everything queued now; settles when it is delivered or an attempt failed. */
  flush(): Promise<void>;
  /** The app is going to the background: write everything now and start sending before timers freeze. */
  hide(): void;
  online(isOnline: boolean): void;
  /** Hold all sending (consent not granted) or let it go. */
  pause(paused: boolean): void;
}

type Timer = ReturnType<typeof setTimeout> | undefined;

/**
 * Within this long of track() an event is in storage: one write for every event tracked meanwhile
 * (a burst), so a process killed half a second after track() has it (ARCHITECTURE.md: why a timer and
 * not a macrotask or the asynchronous wx.setStorage).
 */
const SAVE_DELAY_MS = 200;

/**
 * Moves queued events to the collector: one request at a time, in seq order, each batch persisted
 * before it leaves. A request carries the oldest batchSize events, halved until its body fits
 * maxBatchBytes (a larger event goes alone). It goes when batchSize events wait, when the interval
 * timer fires (a throttle: armed by the first waiting event, never pushed back), on flush() and on hide.
 *
 * State:
 * - inFlight: a request is out; nothing else is sent until its answer (onResponse).
 * - retryTimer: the last attempt failed; nothing is sent until it fires (or the network comes back).
 * - online, paused: while offline or paused (consent not granted) nothing is sent.
 * - drainTo: send even a short batch while the head of the queue is at or below this seq. flush(),
 *   hide, the interval and the network coming back raise it to the last seq given out, a retry to the
 *   last of its batch, a full batch to its own last.
 * - bisectSize, bisectUntil: after a 400/413/422 batches are cut to bisectSize events until everything
 *   up to seq bisectUntil is through, which isolates the refused event in log2(batchSize) requests.
 * - saveTimer, intervalTimer: the two timers that call pump(); saveTimer is armed by the first event
 *   not saved yet (and by a save that failed), intervalTimer by the first event waiting to be sent.
 * - waiters: flush() promises, settled when the queue is drained or an attempt failed.
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
  let paused = false;
  let intervalTimer: Timer;
  let saveTimer: Timer;
  let retryTimer: Timer;
  let attempt = 0;
  let bisectSize = cfg.batchSize;
  let bisectUntil: number | undefined;
  let drainTo = 0;
  const waiters: (() => void)[] = [];

  const settle = () => waiters.splice(0).forEach((resolve) => resolve());

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

  /** Every way in (timers, flush, hide, a response) goes through here: a fault is logged, not thrown. */
  const safely = (f: () => void) => {
    try {
      f();
    } catch (e) {
      log.warn('send failed: ' + str(e));
      settle();
    }
  };
  const pump = () => safely(pumpNow);

  // The first event not saved yet arms it; a save that failed (quota, a storage error) arms it again,
  // so the promise "in storage within 200 ms of track()" holds once storage works again.
  const scheduleSave = () => {
    saveTimer ||= setTimeout(() => {
      saveTimer = undefined;
      pump();
    }, SAVE_DELAY_MS);
  };

  const scheduleInterval = () => {
    intervalTimer ||= setTimeout(() => {
      intervalTimer = undefined;
      drain();
    }, cfg.flushIntervalMs);
  };

  /** Saves what is new, then sends the next request if one is due and nothing holds sending. */
  const pumpNow = () => {
    if (queue.save()) scheduleSave();
    if (inFlight) return;
    if (retryTimer || !online || paused) return settle();
    queue.load();
    const due = items.length && items[0].seq <= drainTo;
    if (!due) settle();
    if (!due && items.length < cfg.batchSize) {
      if (items.length) scheduleInterval();
      return;
    }
    // A full batch goes out whole even when bisecting or maxBatchBytes cut it into several requests.
    drainTo = Math.max(drainTo, items[Math.min(items.length, cfg.batchSize) - 1].seq);
    const drops = queue.meta.d;
    const head =
      '{"sentAt":' + Date.now() + ',"context":' + JSON.stringify(context()) + (drops ? ',"dropped":' + drops : '') + ',"events":[';
    const batch = items.slice(0, bisectSize);
    let body: string;
    // Halve until the body fits maxBatchBytes; a single event too large for it goes alone.
    while (utf8Length((body = head + batch.map(json).join(',') + ']}')) > cfg.maxBatchBytes && batch.length > 1)
      batch.length = Math.ceil(batch.length / 2);
    inFlight = true;
    platform.post(cfg.serverUrl, body, cfg.headers, cfg.timeoutMs, (result) => {
      inFlight = false;
      safely(() => onResponse(result, batch, drops));
    });
  };

  const onResponse = ({ status, retryAfterMs, refused }: HttpResult, batch: Entry[], drops: number) => {
    const v = verdict(status);
    const last = batch[batch.length - 1].seq;
    if (v == 'retry') {
      // Refused by WeChat: the console's domain list can be fixed without a release, so the events wait.
      if (refused) refusedUrl(' refused (' + refused + ')', '; events kept, retrying');
      else log.once('s' + status, 'collector answered ' + status + '; retrying');
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        drainTo = Math.max(drainTo, last);
        pump();
      }, backoff(++attempt, cfg.retryBaseMs, cfg.retryMaxMs, retryAfterMs));
      return settle();
    }
    if (v == 'ok') {
      // An event of this batch that the queue dropped (overflow) while it was in flight arrived after
      // all: it is not a drop.
      queue.ack(last, drops + batch.filter((e) => items.indexOf(e) < 0).length);
      attempt = 0;
      // Before any bisect bisectUntil is unset: false, and bisectSize is batchSize anyway.
      if (last >= bisectUntil!) bisectSize = cfg.batchSize;
    } else if (batch.length > 1) {
      // Refused (400, 413, 422): halve until the refused event is alone.
      bisectSize = Math.ceil(batch.length / 2);
      bisectUntil = last;
    } else {
      log.warn('collector refused seq ' + last + ' (' + status + '); dropped');
      queue.ack(last, 0);
      bisectSize = cfg.batchSize;
    }
    pumpNow();
  };

  /** Send everything queued now. While a retry waits, a flush settles at once: this attempt has failed. */
  const drain = () => {
    drainTo = queue.meta.s;
    pump();
  };

  return {
    // Never works inside track(): storage and network calls wait for the save timer, which also
    // sends when a full batch is waiting. At init (what an earlier process left) the same: init reads
    // the queue's head only.
    added() {
      scheduleSave();
      scheduleInterval();
    },
    flush() {
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        drain();
      });
    },
    // Timers may freeze once the app is hidden: everything is written now (acknowledgements too), and
    // a failed write gets a second try at once.
    hide() {
      queue.save(true);
      drain();
    },
    online(isOnline) {
      online = isOnline;
      if (isOnline) {
        // Back online: the failures were the network's, so retry now.
        clearTimeout(retryTimer);
        retryTimer = undefined;
        attempt = 0;
      }
      drain();
    },
    // Unchanged (init grants consent at once): nothing to do, and so init neither sends nor reads segments.
    pause(p) {
      if (paused == p) return;
      paused = p;
      drain();
    },
  };
}
