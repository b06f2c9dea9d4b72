import type { Logger } from '../log';
import type { Platform } from '../platform/types';
import type { TrackedEvent } from '../types';

/** An event as it waits in the queue: already serialised, so a batch is a string join. */
export interface Entry {
  seq: number;
  /** The event, until it is serialised. */
  event?: TrackedEvent;
  /** Serialised when first saved (or restored): never on the track() path. */
  json?: string;
}

/** The entry's JSON, made on first use. */
export const json = (e: Entry) => e.json || (e.json = JSON.stringify(e.event));

export interface Queue {
  /** Waiting events in memory, oldest first, in seq order. Call load() first: it adds the older events still in segments. */
  readonly items: Entry[];
  /** The stored state, read-only outside: `s` the last seq given out (every queued event is at or below it), `d` drops not yet reported to the collector. */
  readonly meta: { readonly s: number; readonly d: number };
  /** Gives the event its seq and queues it; returns its entry. */
  add(event: TrackedEvent): Entry;
  /** An event dropped before it reached the queue (held while consent is pending): its seq is skipped and it is counted. */
  skip(): void;
  /**
   * Writes the events added since the last write, synchronously, in one storage call (more when a backlog
   * moves to segments). `tidy` (hide) writes now, whatever changed, with every event of the head moved to
   * a segment: the next process reads a head of a few bytes, and acknowledgements, which remove whole
   * segments at once, need no write before the process is killed in the background. Returns how many
   * events are still unsaved (0 when all are stored).
   */
  save(tidy?: boolean): number;
  /** Reads the segments an earlier process left, all at once, the first time: when delivery can send, or the queue is full. */
  load(): void;
  /** The collector has everything up to lastSeq (or it was rejected): forget it. */
  ack(lastSeq: number, reportedDrops: number): void;
  /** Forget everything waiting, in memory and in storage. The seq counter stays. */
  clear(): void;
}

/** The head's first element: the queue's state. */
interface Meta {
  s: number; // last seq given out
  a: number; // every seq up to this is done
  d: number; // drops not yet reported
  u: number; // the last u events are not in storage: lost, and counted so by the next process, if this one dies
  g: number[]; // the segments in use, oldest first: segment key headKey + g[i] holds the events up to seq g[i]
}

// A WeChat key holds 1 MB. A char is at most 3 bytes (CJK in UTF-8, or `"` escaped again if WeChat
// measures the stored JSON), so a segment of several events stays under the limit; a larger event goes alone.
const SEGMENT_CHARS = 256 * 1024;
// The head holds the newest events up to this many chars: about 190 events of 340 bytes, more than a
// request carries at the defaults, so an app that is online never moves events to a segment.
const HEAD_CHARS = 64 * 1024;

/** Bytes in UTF-8: one per unit, one more beyond ASCII, one more again from U+0800 (a surrogate pair is 2 + 2). */
export const utf8Length = (s: string) => s.length + s.replace(/[\0-\x7f]+/g, '').length + s.replace(/[^\u0800-\ud7ff\ue000-\uffff]+/g, '').length;

/**
 * A persisted FIFO in two parts (ARCHITECTURE.md, "Storage"):
 * - the head key (`wt_q`): a JSON array of the state (Meta) and the newest events, rewritten whole by
 *   every save, in one storage call. An acknowledgement changes it in memory only: the next save or hide
 *   writes it (a process killed before that sends those events again, and the collector deduplicates
 *   them by id), except when it reported drops. On hide the head's events move to a segment.
 * - segment keys (`wt_q<seq>`, named after the seq of their last event): a backlog (offline, a collector
 *   down) moved out of the head past HEAD_CHARS, each written once and removed when every event in it
 *   is acknowledged.
 * A new process reads the head only, and the segments when delivery can first send. Delivery consumes
 * from the front in seq order, so one watermark (`a`) says what is done.
 */
export function createQueue(platform: Platform, prefix: string, max: number, log: Logger): Queue {
  const headKey = prefix + '_q';
  const items: Entry[] = [];
  const meta: Meta = { s: 0, a: 0, d: 0, u: 0, g: [] };
  // The first `unread` segments were left by an earlier process and are not read yet.
  let unread = 0;

  const unreadable = (key: string) => log.warn('storage: ' + key + ' unreadable, skipped');
  /** Stored events as entries: those not done yet. */
  const restore = (stored: TrackedEvent[]) => stored.filter((event) => event.seq! > meta.a).map((event): Entry => ({ seq: event.seq!, event }));
  /** A JSON array of JSON texts (an array's text is its items joined by commas). */
  const pack = (parts: string[]) => '[' + parts + ']';
  /** Writes the head with these events; true when the write went through. A failure leaves the events in memory, where delivery still finds them. */
  const writeHead = (events: Entry[]) => {
    const err = platform.write(headKey, pack([JSON.stringify(meta)].concat(events.map(json))));
    if (err) log.once('storage', 'storage: ' + err + '; events kept in memory');
    return !err;
  };
  const overflow = () => {
    meta.d++;
    log.once('overflow', 'queue full: oldest dropped, counted');
  };

  // Restore what an earlier process left: the head only.
  try {
    const head = JSON.parse(platform.read(headKey) || '[]') as TrackedEvent[];
    Object.assign(meta, head.shift());
    items.push(...restore(head));
    unread = meta.g.length;
    // The events the last process could not store died with it: the collector hears of them as drops.
    meta.d += meta.u;
    meta.u = 0;
  } catch (e) {
    unreadable(headKey);
  }

  const load = () => {
    // Newest first, each before the events already in memory.
    while (unread) {
      const key = headKey + meta.g[--unread];
      try {
        items.unshift(...restore(JSON.parse(platform.read(key) || '[]')));
      } catch (e) {
        unreadable(key);
      }
    }
  };

  /**
   * Writes the head, if there are new events (or `tidy`). Past HEAD_CHARS (with `tidy`, all of them) the
   * head's oldest events move to new segment keys first, each under SEGMENT_CHARS (a larger event alone).
   */
  const store = (tidy?: boolean) => {
    const unsaved = meta.u;
    if (!unsaved && !tidy) return;
    // The head's events: those after the newest segment's (all of them when there is none).
    let rest = items.filter((e) => !(e.seq <= meta.g[meta.g.length - 1]));
    while (rest.length && (tidy || pack(rest.map(json)).length > HEAD_CHARS)) {
      let n = 0;
      let chars = 0;
      // Stryker disable next-line EqualityOperator: `<=` lets a segment reach SEGMENT_CHARS exactly, at 3 bytes a char 768 KB of the 1 MB a key holds: a margin, not a limit (`>=` is killed, and ignored with it)
      while (rest[n] && ((chars += json(rest[n]).length) < SEGMENT_CHARS || !n)) n++;
      const last = rest[n - 1].seq;
      const err = platform.write(headKey + last, pack(rest.slice(0, n).map(json)));
      if (!err) {
        meta.g.push(last);
        rest = rest.slice(n);
      } else if (n > 1 || json(rest[0]).length < SEGMENT_CHARS) {
        // Storage is full: the rest stays in the head, or in memory if that fails too (and warns).
        break;
      } else {
        // An event alone in its key that cannot be stored would block every event after it: dropped, counted.
        const big = rest.shift()!;
        items.splice(items.indexOf(big), 1);
        meta.d++;
        log.once('large', 'storage: ' + err + '; ' + big.event!.name + ' too large: dropped, counted');
      }
    }
    meta.u = 0;
    // Tried twice (a passing failure costs a call, not the events). A head that still does not go: the
    // events it held before (less the unsaved ones) and how many it lacks, which the next process reports.
    if (!writeHead(rest) && !writeHead(rest)) {
      meta.u = Math.min(unsaved, rest.length);
      writeHead(rest.slice(0, rest.length - meta.u));
    }
  };

  const ack = (lastSeq: number, reportedDrops: number) => {
    while (items.length && items[0].seq <= lastSeq) items.shift();
    meta.u = Math.min(meta.u, items.length);
    meta.a = Math.max(meta.a, lastSeq);
    meta.d = Math.max(0, meta.d - reportedDrops);
    while (meta.g[0] <= meta.a) platform.remove(headKey + meta.g.shift());
    // Reported drops are written at once: a process that died first would report them again.
    if (reportedDrops) store(true);
  };

  return {
    items,
    meta,
    add(event) {
      event.seq = ++meta.s;
      const added: Entry = { seq: event.seq, event };
      items.push(added);
      meta.u++;
      // The oldest may be in a segment not read yet (a full queue restored): those are read first.
      while (items.length > max) {
        load();
        ack(items[0].seq, 0);
        overflow();
      }
      return added;
    },
    // The collector then sees a gap where the oldest held events were, and the count that explains it.
    skip() {
      meta.s++;
      overflow();
    },
    save(tidy) {
      store(tidy);
      return meta.u;
    },
    load,
    ack,
    clear() {
      load();
      meta.d = 0;
      ack(meta.s, 0);
      store(true);
    },
  };
}
