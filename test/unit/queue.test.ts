/**
 * The persisted queue on its own (src/transport/queue.ts): the byte measure, the head key and the
 * segment keys it writes, what a new process reads of them and when, acknowledgements, overflow,
 * skipped seqs and storage failures. Each assertion names exact keys and values: these are the
 * details a refactor breaks.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { createLogger } from '../../src/log';
import { createQueue, json, utf8Length } from '../../src/transport/queue';
import type { TrackedEvent } from '../../src/types';
import { createFakePlatform } from '../support/fake-platform';

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());
const warnings = () => warn.mock.calls.map((c) => String(c[0]));

type Fake = ReturnType<typeof createFakePlatform>;
const ev = (name: string, properties: Record<string, unknown> = {}) => ({ id: name, name, time: 1, anonymousId: 'a', sessionId: 's', properties }) as unknown as TrackedEvent;
const open = (fake = createFakePlatform(), max = 100) => ({ fake, q: createQueue(fake.platform, 'wt', max, createLogger(() => false)) });
/** The head key: [state, ...events]. */
const head = (fake: Fake) => JSON.parse(fake.storage.get('wt_q')!) as [Record<string, unknown>, ...TrackedEvent[]];
const state = (fake: Fake) => head(fake)[0];
const headEvents = (fake: Fake) => head(fake).slice(1).map((e) => [(e as TrackedEvent).name, (e as TrackedEvent).seq]);
const segment = (fake: Fake, key: string) => (JSON.parse(fake.storage.get(key)!) as TrackedEvent[]).map((e) => [e.name, e.seq]);
const segmentKeys = (fake: Fake) => [...fake.storage.keys()].filter((k) => /^wt_q\d+$/.test(k)).sort();
/** Properties for an event of about `chars` characters of JSON (the rest of the event is about 95). */
const big = (chars: number) => ({ pad: 'x'.repeat(chars - 95) });

describe('utf8Length', () => {
  it('is the UTF-8 byte length at every boundary: 1, 2, 3 bytes and surrogate pairs (4)', () => {
    const samples = ['', 'a', '\x7f', '\x80', 'é', '\u07ff', '\u0800', '中', '\ud7ff', '\ue000', '\uffff', '😀', 'a😀中é\x7f', '\ud7ff😀\ue000'];
    // (A lone surrogate never reaches it: JSON.stringify writes it as a \uXXXX escape.)
    expect(samples.map(utf8Length)).toEqual(samples.map((s) => Buffer.byteLength(s)));
    expect(utf8Length('😀')).toBe(4);
  });
});

describe('saving', () => {
  it('gives seqs 1, 2, 3; add() never writes; save() writes the head (the state and the events) in one call', () => {
    const { fake, q } = open();
    const a = q.add(ev('a'));
    q.add(ev('b'));
    expect([a.seq, q.items.map((e) => e.seq)]).toEqual([1, [1, 2]]);
    expect(fake.storage.size).toBe(0);
    expect(q.save()).toBe(0);
    expect(fake.state.writes).toBe(1);
    expect(head(fake)).toEqual([{ s: 2, a: 0, d: 0, u: 0, g: [] }, { ...ev('a'), seq: 1 }, { ...ev('b'), seq: 2 }]);
    q.add(ev('c'));
    expect(q.save()).toBe(0);
    expect([fake.state.writes, headEvents(fake)]).toEqual([
      2,
      [
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ],
    ]);
    expect(q.save()).toBe(0); // nothing new: nothing written
    expect(fake.state.writes).toBe(2);
  });

  it('json() serialises once and keeps the string', () => {
    const { q } = open();
    const e = q.add(ev('a'));
    const s = json(e);
    expect(s).toBe(JSON.stringify({ ...ev('a'), seq: 1 }));
    (e.event as TrackedEvent).name = 'changed';
    expect(json(e)).toBe(s);
  });

  it('past 64 K chars the oldest events of the head move to a segment named after its last seq (under 256 K chars); the newest stay', () => {
    const { fake, q } = open();
    for (let i = 1; i <= 30; i++) q.add(ev('e' + i, big(10_100)));
    expect(q.save()).toBe(0);
    // 25 events (252 K chars: a 26th would pass 256 K) fill a segment; the 5 newest (50 K) fit the head
    expect(segmentKeys(fake)).toEqual(['wt_q25']);
    expect(segment(fake, 'wt_q25').map((e) => e[1])).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(headEvents(fake).map((e) => e[1])).toEqual([26, 27, 28, 29, 30]);
    expect(state(fake)).toEqual({ s: 30, a: 0, d: 0, u: 0, g: [25] });
    expect(fake.state.writes).toBe(2);
    // the next save writes the head only
    q.add(ev('e31'));
    q.save();
    expect([fake.state.writes, headEvents(fake).map((e) => e[1])]).toEqual([3, [26, 27, 28, 29, 30, 31]]);
  });

  it('an event larger than a segment goes alone in its key', () => {
    const { fake, q } = open();
    q.add(ev('small'));
    q.add(ev('huge', big(300_000)));
    q.add(ev('after'));
    q.save();
    expect(segmentKeys(fake)).toEqual(['wt_q1', 'wt_q2']);
    expect([segment(fake, 'wt_q1'), segment(fake, 'wt_q2'), headEvents(fake)]).toEqual([[['small', 1]], [['huge', 2]], [['after', 3]]]);
  });

  it('storage full (a segment write refused, WeChat 10 MB quota): the save stops there, every event stays in memory, none is dropped', () => {
    const fake = createFakePlatform();
    const write = fake.platform.write;
    const tried: string[] = [];
    fake.platform.write = (key, value) => {
      tried.push(key);
      return key === 'wt_q' ? write(key, value) : 'setStorageSync:fail exceed storage max size 10MB';
    };
    const { q } = open(fake);
    for (let i = 1; i <= 30; i++) q.add(ev('e' + i, big(10_100)));
    q.save();
    // one refused segment, then the head (over 64 K chars: kept whole rather than lose events)
    expect(tried).toEqual(['wt_q25', 'wt_q']);
    expect(q.items.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect([q.meta.d, segmentKeys(fake)]).toEqual([0, []]);
    expect(headEvents(fake).map((e) => e[1])).toHaveLength(30);
    // Two events of 150 K chars: a segment holds one (two pass 256 K); refused, it is kept, not taken
    // for an event too large for any key.
    const { q: q2 } = open(fake);
    q2.clear();
    q2.add(ev('a', big(150_000)));
    q2.add(ev('b', big(150_000)));
    q2.save();
    expect([q2.items.map((e) => e.event!.name), q2.meta.d]).toEqual([['a', 'b'], 0]);
  });

  it('an event that no key can hold is dropped and counted with one warning; the events after it are stored', () => {
    const fake = createFakePlatform();
    // a key limit below the huge event (WeChat's is 1 MB, test/e2e/oversize.test.ts)
    const write = fake.platform.write;
    fake.platform.write = (key, value) => (value.length > 280_000 ? 'setStorageSync:fail exceed storage item max length' : write(key, value));
    const { q } = open(fake);
    q.add(ev('small'));
    q.add(ev('huge', big(300_000)));
    q.add(ev('after'));
    q.save();
    expect(q.items.map((e) => e.event!.name)).toEqual(['small', 'after']);
    expect(q.meta.d).toBe(1);
    expect([segmentKeys(fake), segment(fake, 'wt_q1'), headEvents(fake)]).toEqual([['wt_q1'], [['small', 1]], [['after', 3]]]);
    expect(warnings()).toEqual(['[wetrack] storage: setStorageSync:fail exceed storage item max length; huge too large: dropped, counted']);
  });

  it('a head that cannot be written leaves the one before, with the count of events it lacks; the next process reports them as dropped', () => {
    const fake = createFakePlatform();
    const first = open(fake).q;
    first.add(ev('a'));
    first.save();
    fake.state.failWrites = 2; // the new head fails, twice; the one before, with u: 2, goes through
    first.add(ev('b'));
    first.add(ev('c'));
    expect(first.save()).toBe(2);
    expect([state(fake), headEvents(fake)]).toEqual([{ s: 3, a: 0, d: 0, u: 2, g: [] }, [['a', 1]]]);
    expect(first.items.map((e) => e.seq)).toEqual([1, 2, 3]); // kept in memory, where delivery still finds them
    const { q } = open(fake);
    expect([q.items.map((e) => e.seq), q.meta.d]).toEqual([[1], 2]);
    expect(warnings()).toEqual(['[wetrack] storage: setStorageSync:fail exceed storage max size 10MB; events kept in memory']);
  });

  it('a head write that fails is tried again at once: a passing failure costs one call, not the events', () => {
    const { fake, q } = open();
    q.add(ev('a'));
    fake.state.failWrites = 1;
    expect(q.save()).toBe(0);
    expect([fake.state.writes, headEvents(fake)]).toEqual([1, [['a', 1]]]);
  });

  it('a save that failed (the head twice, and the one before) is written by the next one', () => {
    const { fake, q } = open();
    q.add(ev('a'));
    fake.state.failWrites = 3;
    expect(q.save()).toBe(1);
    expect(fake.storage.size).toBe(0);
    expect(q.save()).toBe(0);
    expect(headEvents(fake)).toEqual([['a', 1]]);
  });
});

describe('acknowledgements', () => {
  it('ack() forgets up to the seq in memory and writes nothing; the next save writes the head without them', () => {
    const { fake, q } = open();
    for (const n of ['a', 'b', 'c']) q.add(ev(n));
    q.save();
    q.ack(2, 0);
    expect([q.items.map((e) => e.seq), fake.state.writes]).toEqual([[3], 1]);
    expect(q.save()).toBe(0); // nothing new
    expect(fake.state.writes).toBe(1);
    q.add(ev('d'));
    q.save();
    expect([state(fake), headEvents(fake)]).toEqual([
      { s: 4, a: 2, d: 0, u: 0, g: [] },
      [
        ['c', 3],
        ['d', 4],
      ],
    ]);
  });

  it('save(true) (hide) writes now, with the events of the head moved to a segment: acknowledging them then removes it, with no write', () => {
    const { fake, q } = open();
    for (const n of ['a', 'b', 'c']) q.add(ev(n));
    q.save(true);
    expect([segmentKeys(fake), segment(fake, 'wt_q3'), head(fake)]).toEqual([
      ['wt_q3'],
      [
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ],
      [{ s: 3, a: 0, d: 0, u: 0, g: [3] }],
    ]);
    const writes = fake.state.writes;
    q.ack(3, 0);
    expect([segmentKeys(fake), fake.state.writes - writes]).toEqual([[], 0]);
    // A process that starts now finds the segment gone, and nothing to send.
    const next = open(fake).q;
    next.load();
    expect(next.items).toEqual([]);
  });

  it('an acknowledgement that reported drops is written at once, so no process reports them twice', () => {
    const { fake, q } = open(createFakePlatform(), 1);
    q.add(ev('a'));
    q.add(ev('b')); // past 1: 'a' dropped
    q.save();
    expect(state(fake)).toMatchObject({ d: 1, a: 1 });
    q.ack(2, 1);
    expect([state(fake), headEvents(fake)]).toEqual([{ s: 2, a: 2, d: 0, u: 0, g: [] }, []]);
    q.ack(1, 5); // an older seq moves nothing back; drops never go below 0
    expect([q.meta.d, state(fake).a]).toEqual([0, 2]);
  });

  it('a segment is removed once every event in it is acknowledged, not before', () => {
    const { fake, q } = open();
    for (let i = 1; i <= 30; i++) q.add(ev('e' + i, big(10_100)));
    q.save();
    expect(segmentKeys(fake)).toEqual(['wt_q25']);
    q.ack(24, 0);
    expect([segmentKeys(fake), fake.state.removes]).toEqual([['wt_q25'], 0]);
    q.ack(25, 0);
    expect([segmentKeys(fake), fake.state.removes]).toEqual([[], 1]);
    q.add(ev('e31'));
    q.save();
    expect(state(fake)).toEqual({ s: 31, a: 25, d: 0, u: 0, g: [] });
  });
});

describe('a new process', () => {
  it('reads the head only; load() reads the segments once, oldest first, before the events of the head', () => {
    const fake = createFakePlatform();
    const first = open(fake).q;
    for (let i = 1; i <= 55; i++) first.add(ev('e' + i, big(10_100)));
    first.ack(3, 0);
    first.save(); // two segments of 25 events (4 to 28, 29 to 53), 2 in the head
    expect(segmentKeys(fake)).toEqual(['wt_q28', 'wt_q53']);

    const reads = fake.state.reads;
    const { q } = open(fake);
    expect(fake.state.reads - reads).toBe(1);
    expect(q.items.map((e) => e.seq)).toEqual([54, 55]);
    q.load();
    expect(fake.state.reads - reads).toBe(3);
    expect(q.items.map((e) => e.seq)).toEqual(Array.from({ length: 52 }, (_, i) => 4 + i));
    expect(json(q.items[0])).toBe(JSON.stringify({ ...ev('e4', big(10_100)), seq: 4 }));
    q.load();
    expect(fake.state.reads - reads).toBe(3);
    expect(q.add(ev('next')).seq).toBe(56);
  });

  it('an unreadable segment is skipped with a warning; the others are read', () => {
    const fake = createFakePlatform();
    const first = open(fake).q;
    for (let i = 1; i <= 60; i++) first.add(ev('e' + i, big(10_100)));
    first.save();
    fake.storage.set('wt_q25', '{not json');
    const { q } = open(fake);
    q.load();
    expect(q.items.map((e) => e.seq)).toEqual(Array.from({ length: 35 }, (_, i) => 26 + i));
    expect(warnings()).toEqual(['[wetrack] storage: wt_q25 unreadable, skipped']);
  });

  it('an unreadable head (or one of an older format) is skipped with a warning and the queue starts empty', () => {
    for (const raw of ['{not json', '{"s":3,"a":0,"f":0,"n":0,"d":0,"u":0}']) {
      const fake = createFakePlatform();
      fake.storage.set('wt_q', raw);
      const { q } = open(fake);
      expect([q.items.length, q.add(ev('a')).seq]).toEqual([0, 1]);
    }
    expect(warnings()).toEqual(['[wetrack] storage: wt_q unreadable, skipped', '[wetrack] storage: wt_q unreadable, skipped']);
  });
});

describe('overflow and clear', () => {
  it('overflow drops the oldest, counts it and warns once; skip() counts one and uses up its seq', () => {
    const { fake, q } = open(createFakePlatform(), 2);
    q.skip();
    q.skip();
    expect(q.meta.d).toBe(2);
    for (const n of ['a', 'b', 'c', 'd']) q.add(ev(n));
    expect(q.items.map((e) => [e.seq, e.event!.name])).toEqual([
      [5, 'c'],
      [6, 'd'],
    ]);
    expect(q.meta.d).toBe(4);
    expect(q.save()).toBe(0);
    expect([state(fake), headEvents(fake)]).toEqual([
      { s: 6, a: 4, d: 4, u: 0, g: [] },
      [
        ['c', 5],
        ['d', 6],
      ],
    ]);
    expect(warnings()).toEqual(['[wetrack] queue full: oldest dropped, counted']);
  });

  it('past maxQueueEvents in memory after a restart, the segments left are read and the oldest of all are dropped', () => {
    const fake = createFakePlatform();
    const first = open(fake, 100).q;
    for (let i = 1; i <= 60; i++) first.add(ev('e' + i, big(10_100)));
    first.save();
    expect(segmentKeys(fake)).toEqual(['wt_q25', 'wt_q50', 'wt_q60']);
    const reads = fake.state.reads;
    const { q } = open(fake, 10);
    for (let i = 0; i < 10; i++) q.add(ev('new'));
    expect(fake.state.reads - reads).toBe(1); // 10 in memory: no segment read yet (the cap counts what is in memory)
    q.add(ev('new'));
    expect(q.items.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 62 + i));
    expect([q.meta.d, fake.state.reads - reads]).toEqual([61, 4]);
  });

  it('clear() forgets every event and drop, in memory and in storage (segments not read yet too); the seq counter stays', () => {
    const fake = createFakePlatform();
    const first = open(fake).q;
    for (let i = 1; i <= 60; i++) first.add(ev('e' + i, big(10_100)));
    first.skip();
    first.save();
    const { q } = open(fake);
    q.clear();
    expect([q.items.length, q.meta.d, segmentKeys(fake), head(fake)]).toEqual([0, 0, [], [{ s: 61, a: 61, d: 0, u: 0, g: [] }]]);
    expect(q.add(ev('c')).seq).toBe(62);
  });
});
