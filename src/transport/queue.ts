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
  /** Waiting events, oldest first, in seq order. */
  readonly items: Entry[];
  /** Events dropped for overflow and not yet reported to the collector. */
  dropped(): number;
  /** Gives the event its seq and queues it; returns its entry. */
  add(event: TrackedEvent): Entry;
  /** An event dropped before it reached the queue (held while consent is pending): its seq is skipped and it is counted. */
  skip(): void;
  /** Writes what is new, synchronously; returns how many events are still unsaved (0 when all are stored). */
  save(): number;
  /** The collector has everything up to lastSeq (or it was rejected): forget it. */
  ack(lastSeq: number, reportedDrops: number): void;
  /** Forget everything waiting, in memory and in storage. The seq counter stays. */
  clear(): void;
}

interface Meta {
  s: number; // last seq given out
  a: number; // every seq up to this is done
  f: number; // first segment key still in use
  n: number; // next segment key
  d: number; // drops not yet reported
  u: number; // the last u events are not in storage: lost, and counted so by the next process, if this one dies
}

// A WeChat key holds 1 MB. A char is at most 3 bytes (CJK in UTF-8, or `"` escaped again if WeChat
// measures the stored JSON), so a key of several events stays under the limit; a larger event goes alone.
const SEGMENT_CHARS = 256 * 1024;

/** Bytes in UTF-8: one per unit, one more beyond ASCII, one more again from U+0800 (a surrogate pair is 2 + 2). */
export const utf8Length = (s: string) => s.length + s.replace(/[\0-\x7f]+/g, '').length + s.replace(/[^\u0800-\ud7ff\ue000-\uffff]+/g, '').length;

/**
 * A persisted FIFO as an append-only log of segment keys plus one small meta key.
 * A save writes only the events added since the last save, so the bytes written grow with
 * the events, never with the queue length. Delivery always consumes from the head in seq order,
 * so one watermark (`a`) says what is done, and whole segments behind it are removed.
 */
export function createQueue(platform: Platform, prefix: string, max: number, log: Logger): Queue {
  // The meta key; segment k is under metaKey + k.
  const metaKey = prefix + '_q';
  const items: Entry[] = [];
  let segments: [key: number, last: number][] = [];
  const meta: Meta = { s: 0, a: 0, f: 0, n: 0, d: 0, u: 0 };

  /** A failure leaves the events in memory, where delivery still finds them. */
  const kept = (err: string) => log.once('storage', 'storage: ' + err + '; events kept in memory');
  /** True when the write went through. */
  const writeMeta = () => {
    const err = platform.write(metaKey, JSON.stringify(meta));
    if (err) kept(err);
    return !err;
  };
  const unreadable = (key: string) => log.warn('storage: ' + key + ' unreadable, skipped');

  // Restore what an earlier process left.
  try {
    const raw = platform.read(metaKey);
    if (raw) Object.assign(meta, JSON.parse(raw));
    // The events the last process could not store died with it: the collector hears of them as drops.
    meta.d += meta.u;
    meta.u = 0;
    for (let k = meta.f; k < meta.n; k++) {
      try {
        const events = JSON.parse(platform.read(metaKey + k) || '[]') as TrackedEvent[];
        let last = 0;
        for (const e of events) {
          last = e.seq as number;
          if (last > meta.a) items.push({ seq: last, event: e });
        }
        segments.push([k, last]);
      } catch (e) {
        unreadable(metaKey + k);
      }
    }
  } catch (e) {
    unreadable(metaKey);
  }



  const ack = (lastSeq: number, reportedDrops: number) => {
    while (items.length && items[0].seq <= lastSeq) items.shift();
    meta.u = Math.min(meta.u, items.length);
    meta.a = Math.max(meta.a, lastSeq);
    meta.d = Math.max(0, meta.d - reportedDrops);
    while (segments.length && segments[0][1] <= meta.a) {
      platform.remove(metaKey + segments[0][0]);
      segments.shift();
    }
    meta.f = segments.length ? segments[0][0] : meta.n;
    writeMeta();
  };

  /** Writes the events added since the last write: a new segment key (or several), then the meta key. */
  const store = () => {
    const unsaved = meta.u;
    if (!unsaved) return;
    const fresh = items.slice(-unsaved);
    const first = meta.n;
    const added: [number, number][] = [];
    for (let i = 0; i < fresh.length; ) {
      const part: string[] = [];
      for (let chars = 0; i < fresh.length && ((chars += json(fresh[i]).length) < SEGMENT_CHARS || !part.length); ) part.push(json(fresh[i++]));
      const last = fresh[i - 1];
      const err = platform.write(metaKey + meta.n, '[' + part.join(',') + ']');
      if (!err) added.push([meta.n++, last.seq]);
      // On failure the keys just written are not in meta, and the next try overwrites them. The meta key
      // (small: it may fit where events did not) records how many events storage does not have.
      else if (part[0].length < SEGMENT_CHARS) return void ((meta.n = first), kept(err), writeMeta());
      else {
        // An event alone in its key that cannot be stored would block every event after it: dropped, counted.
        items.splice(items.indexOf(last), 1);
        meta.u--;
        meta.d++;
        log.once('large', 'storage: ' + err + '; ' + (last.event as TrackedEvent).name + ' too large: dropped, counted');
      }
    }
    const left = meta.u;
    meta.u = 0;
    if (!writeMeta()) return void ((meta.n = first), (meta.u = left));
    segments.push(...added);
  };

  const overflow = () => (meta.d++, log.once('overflow', 'queue full: oldest dropped, counted'));

  return {
    items,
    dropped: () => meta.d,
    add(event) {
      event.seq = ++meta.s;
      const added: Entry = { seq: event.seq, event };
      items.push(added);
      meta.u++;
      if (items.length > max) {
        meta.a = items.shift()!.seq;
        meta.u = Math.min(meta.u, items.length);
        overflow();
      }
      return added;
    },
    // The collector then sees a gap where the oldest held events were, and the count that explains it.
    skip: () => (meta.s++, overflow()),
    save: () => (store(), meta.u),
    ack,
    clear: () => ack(meta.s, meta.d),
  };
}
