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
}

const SEGMENT_CHARS = 256 * 1024; // a WeChat key holds 1 MB; CJK text is up to 3 bytes a char

export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) n += c > 0x7ff && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}

/**
 * A persisted FIFO as an append-only log of segment keys plus one small meta key.
 * A save writes only the events added since the last save, so the bytes written grow with
 * the events, never with the queue length. Delivery always consumes from the head in seq order,
 * so one watermark (`a`) says what is done, and whole segments behind it are removed.
 */
export function createQueue(platform: Platform, prefix: string, max: number, log: Logger): Queue {
  const metaKey = prefix + '_q';
  const items: Entry[] = [];
  let segments: [key: number, last: number][] = [];
  let meta: Meta = { s: 0, a: 0, f: 0, n: 0, d: 0 };
  let unsaved = 0;

  const entry = (e: TrackedEvent): Entry => {
    return { seq: e.seq as number, event: e };
  };

  /** True when the write went through. A failure leaves the events in memory, where delivery still finds them. */
  const write = (key: string, value: string) => {
    const err = platform.write(key, value);
    if (err) log.once('storage', 'storage: ' + err + '; events kept in memory');
    return !err;
  };
  const writeMeta = () => write(metaKey, JSON.stringify(meta));
  const unreadable = (key: string) => log.warn('storage: ' + key + ' unreadable, skipped');

  // Restore what an earlier process left.
  try {
    const raw = platform.read(metaKey);
    if (raw) meta = Object.assign(meta, JSON.parse(raw));
    for (let k = meta.f; k < meta.n; k++) {
      try {
        const events = JSON.parse(platform.read(prefix + '_q' + k) || '[]') as TrackedEvent[];
        let last = 0;
        for (const e of events) {
          last = e.seq as number;
          if (last > meta.a) items.push(entry(e));
        }
        segments.push([k, last]);
      } catch (e) {
        unreadable(prefix + '_q' + k);
      }
    }
  } catch (e) {
    unreadable(metaKey);
  }



  const ack = (lastSeq: number, reportedDrops: number) => {
    while (items.length && items[0].seq <= lastSeq) items.shift();
    unsaved = Math.min(unsaved, items.length);
    meta.a = Math.max(meta.a, lastSeq);
    meta.d = Math.max(0, meta.d - reportedDrops);
    while (segments.length && segments[0][1] <= meta.a) {
      platform.remove(prefix + '_q' + segments[0][0]);
      segments.shift();
    }
    meta.f = segments.length ? segments[0][0] : meta.n;
    writeMeta();
  };

  /** Writes the events added since the last write: a new segment key (or several), then the meta key. */
  const store = () => {
    if (!unsaved) return;
    const fresh = items.slice(-unsaved);
    const first = meta.n;
    const added: [number, number][] = [];
    for (let i = 0; i < fresh.length; ) {
      const part: string[] = [];
      for (let chars = 0; i < fresh.length && (!part.length || (chars += json(fresh[i]).length) < SEGMENT_CHARS); ) part.push(json(fresh[i++]));
      // On failure the keys just written are not in meta, and the next try overwrites them.
      if (!write(prefix + '_q' + meta.n, '[' + part.join(',') + ']')) return void (meta.n = first);
      added.push([meta.n++, fresh[i - 1].seq]);
    }
    if (!writeMeta()) return void (meta.n = first);
    segments.push(...added);
    unsaved = 0;
  };

  return {
    items,
    dropped: () => meta.d,
    add(event) {
      event.seq = ++meta.s;
      const added = entry(event);
      items.push(added);
      unsaved++;
      if (items.length > max) {
        const gone = items.shift() as Entry;
        meta.a = gone.seq;
        meta.d++;
        unsaved = Math.min(unsaved, items.length);
        log.once('overflow', 'queue full: oldest dropped, counted');
      }
      return added;
    },
    save: () => (store(), unsaved),
    ack,
    clear: () => ack(meta.s, meta.d),
  };
}
