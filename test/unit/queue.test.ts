/**
 * The persisted queue on its own (src/transport/queue.ts): the byte measure, the meta key and the
 * segment keys it writes, what a new process restores from them, acknowledgements, overflow and
 * skipped seqs. Each assertion names exact keys and values: these are the details a refactor breaks.
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

const ev = (name: string) => ({ id: name, name, time: 1, anonymousId: 'a', sessionId: 's', properties: {} }) as unknown as TrackedEvent;
const open = (fake = createFakePlatform(), max = 100) => ({ fake, q: createQueue(fake.platform, 'wt', max, createLogger(() => false)) });
const meta = (fake: ReturnType<typeof createFakePlatform>) => JSON.parse(fake.storage.get('wt_q')!) as Record<string, number>;
const stored = (fake: ReturnType<typeof createFakePlatform>, k: number) => (JSON.parse(fake.storage.get('wt_q' + k)!) as TrackedEvent[]).map((e) => [e.name, e.seq]);

describe('utf8Length', () => {
  it('is the UTF-8 byte length at every boundary: 1, 2, 3 bytes and surrogate pairs (4)', () => {
    const samples = ['', 'a', '\x7f', '\x80', 'é', '\u07ff', '\u0800', '中', '\ud7ff', '\ue000', '\uffff', '😀', 'a😀中é\x7f', '\ud7ff😀\ue000'];
    // (A lone surrogate never reaches it: JSON.stringify writes it as a \uXXXX escape.)
    expect(samples.map(utf8Length)).toEqual(samples.map((s) => Buffer.byteLength(s)));
    expect(utf8Length('😀')).toBe(4);
  });
});

describe('queue', () => {
  it('gives seqs 1, 2, 3; save() writes one segment of the new events, then the meta key', () => {
    const { fake, q } = open();
    const a = q.add(ev('a'));
    q.add(ev('b'));
    expect([a.seq, q.items.map((e) => e.seq)]).toEqual([1, [1, 2]]);
    expect(fake.storage.size).toBe(0); // add() never writes
    expect(q.save()).toBe(0);
    expect(stored(fake, 0)).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(meta(fake)).toEqual({ s: 2, a: 0, f: 0, n: 1, d: 0, u: 0 });
    q.add(ev('c'));
    expect(q.save()).toBe(0);
    expect(stored(fake, 1)).toEqual([['c', 3]]);
    expect(meta(fake)).toEqual({ s: 3, a: 0, f: 0, n: 2, d: 0, u: 0 });
    const writes = fake.state.writes;
    expect(q.save()).toBe(0); // nothing new: nothing written
    expect(fake.state.writes).toBe(writes);
  });

  it('json() serialises once and keeps the string', () => {
    const { q } = open();
    const e = q.add(ev('a'));
    const s = json(e);
    expect(s).toBe(JSON.stringify({ ...ev('a'), seq: 1 }));
    (e.event as TrackedEvent).name = 'changed';
    expect(json(e)).toBe(s);
  });

  it('ack() forgets up to the seq, removes whole segments behind it, and counts reported drops off', () => {
    const { fake, q } = open(createFakePlatform(), 3);
    for (const n of ['a', 'b', 'c']) q.add(ev(n)), q.save(); // one segment each: wt_q0..wt_q2
    q.add(ev('d')); // past 3: 'a' dropped
    q.save();
    expect([q.dropped(), q.items.map((e) => e.seq)]).toEqual([1, [2, 3, 4]]);
    q.ack(3, 1);
    expect([q.dropped(), q.items.map((e) => e.seq)]).toEqual([0, [4]]);
    expect([...fake.storage.keys()].sort()).toEqual(['wt_q', 'wt_q3']);
    expect(meta(fake)).toEqual({ s: 4, a: 3, f: 3, n: 4, d: 0, u: 0 });
    q.ack(2, 5); // an older seq moves nothing back; drops never go below 0
    expect([q.dropped(), q.items.map((e) => e.seq), meta(fake).a]).toEqual([0, [4], 3]);
  });

  it('a segment is kept until every event in it is acknowledged', () => {
    const { fake, q } = open();
    q.add(ev('a'));
    q.add(ev('b'));
    q.save();
    q.ack(1, 0);
    expect(stored(fake, 0)).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    q.ack(2, 0);
    expect(fake.storage.has('wt_q0')).toBe(false);
    expect(meta(fake)).toMatchObject({ a: 2, f: 1, n: 1 });
  });

  it('a new process restores what was not acknowledged, in order, and goes on with the next seq', () => {
    const fake = createFakePlatform();
    const first = open(fake).q;
    for (const n of ['a', 'b', 'c']) first.add(ev(n));
    first.save();
    first.add(ev('d'));
    first.save();
    first.ack(1, 0);
    const { q } = open(fake);
    expect(q.items.map((e) => [e.seq, e.event!.name])).toEqual([
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
    expect(json(q.items[0])).toBe(JSON.stringify({ ...ev('b'), seq: 2 }));
    expect(q.add(ev('e')).seq).toBe(5);
    expect(q.dropped()).toBe(0);
  });

  it('events a process could not store are counted as dropped by the next one', () => {
    const fake = createFakePlatform();
    const first = open(fake).q;
    first.add(ev('a'));
    first.save();
    fake.state.failWrites = 1; // the segment write fails; the meta key (u: 2) goes through
    first.add(ev('b'));
    first.add(ev('c'));
    expect(first.save()).toBe(2);
    expect(meta(fake)).toMatchObject({ s: 3, n: 1, u: 2 });
    const { q } = open(fake);
    expect([q.items.map((e) => e.seq), q.dropped()]).toEqual([[1], 2]);
    expect(warnings()).toEqual(['[wetrack] storage: setStorageSync:fail exceed storage max size 10MB; events kept in memory']);
  });

  it('an unreadable segment is skipped with a warning; the others are restored', () => {
    const fake = createFakePlatform();
    const first = open(fake).q;
    first.add(ev('a'));
    first.save();
    first.add(ev('b'));
    first.save();
    fake.storage.set('wt_q0', '{not json');
    const { q } = open(fake);
    expect(q.items.map((e) => e.seq)).toEqual([2]);
    expect(warnings()).toEqual(['[wetrack] storage: wt_q0 unreadable, skipped']);
  });

  it('an unreadable meta key is skipped with a warning and the queue starts empty', () => {
    const fake = createFakePlatform();
    fake.storage.set('wt_q', '{not json');
    const { q } = open(fake);
    expect([q.items.length, q.add(ev('a')).seq]).toEqual([0, 1]);
    expect(warnings()).toEqual(['[wetrack] storage: wt_q unreadable, skipped']);
  });

  it('overflow drops the oldest, counts it and warns once; skip() counts one and uses up its seq', () => {
    const { fake, q } = open(createFakePlatform(), 2);
    q.skip();
    q.skip();
    expect(q.dropped()).toBe(2);
    for (const n of ['a', 'b', 'c', 'd']) q.add(ev(n));
    expect(q.items.map((e) => [e.seq, e.event!.name])).toEqual([
      [5, 'c'],
      [6, 'd'],
    ]);
    expect(q.dropped()).toBe(4);
    expect(q.save()).toBe(0);
    expect(stored(fake, 0)).toEqual([
      ['c', 5],
      ['d', 6],
    ]);
    expect(meta(fake)).toEqual({ s: 6, a: 4, f: 0, n: 1, d: 4, u: 0 });
    expect(warnings()).toEqual(['[wetrack] queue full: oldest dropped, counted']);
  });

  it('clear() forgets every event and drop, in memory and in storage; the seq counter stays', () => {
    const { fake, q } = open(createFakePlatform(), 1);
    q.add(ev('a'));
    q.add(ev('b'));
    q.save();
    q.clear();
    expect([q.items.length, q.dropped()]).toEqual([0, 0]);
    expect([...fake.storage.keys()]).toEqual(['wt_q']);
    expect(q.add(ev('c')).seq).toBe(3);
  });
});
