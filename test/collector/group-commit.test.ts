/**
 * GroupCommit (store.ts), both stores' write path, on its own with a write and a scheduler the test
 * holds: batches that arrive while a write runs go together in the next group, in arrival order, up
 * to 10,000 events (a bigger batch alone); the backlog counts the events waiting, not those being
 * written; a group the store refuses is written again batch by batch, so one bad batch fails alone;
 * a flush ends at `release`; drain waits for every group taken.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit, type IngestMeta, type IngestResult, type Waiting } from '../../collector/store';
import type { WireBatch, WireEvent } from '../../collector/validate';

const meta: IngestMeta = { receivedAt: 0, remote: '127.0.0.1', bytes: 0, warnings: [], eventWarnings: new Map() };
const batchOf = (tag: string, events: number): WireBatch => ({ sentAt: 0, context: { tag }, events: Array.from({ length: events }, () => ({}) as WireEvent) });
const tagOf = (w: Waiting) => String(w.batch.context.tag);
const result = (w: Waiting): IngestResult => ({ batchId: 0, stored: [], storedJson: [], duplicates: 0, notices: [], tag: tagOf(w) }) as unknown as IngestResult;

/** A GroupCommit whose flushes run when the test says (one at a time, as both stores schedule them) and whose writes end when the test says. */
function held(opts: { refuse?: (group: Waiting[]) => boolean } = {}) {
  const groups: string[][] = [];
  const flushes: (() => Promise<void>)[] = [];
  const pending: { group: Waiting[]; finish(): void; release(): void }[] = [];
  const gc = new GroupCommit(
    (group, release) =>
      new Promise<IngestResult[]>((resolve, reject) => {
        groups.push(group.map(tagOf));
        pending.push({
          group,
          release,
          finish: () => (opts.refuse?.(group) ? reject(new Error(`refused ${group.map(tagOf).join('+')}`)) : resolve(group.map(result))),
        });
      }),
    (flush) => flushes.push(flush),
  );
  /** Runs the next scheduled flush (without waiting for its write). */
  const flushNext = () => {
    const f = flushes.shift();
    if (!f) throw new Error('no flush scheduled');
    void f();
  };
  return { gc, groups, flushes, pending, flushNext };
}
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('one flush scheduled for any number of waiting batches; they are written together, in arrival order', async () => {
    const h = held();
    const answers = [h.gc.ingest(batchOf('a', 2), meta), h.gc.ingest(batchOf('b', 3), meta), h.gc.ingest(batchOf('c', 1), meta)];
    expect(h.flushes).toHaveLength(1);
    expect(h.gc.backlog).toBe(6);
    h.flushNext();
    expect(h.groups).toEqual([['a', 'b', 'c']]);
    // Taken: no longer waiting.
    expect(h.gc.backlog).toBe(0);
    expect(h.flushes).toHaveLength(0);
    h.pending[0].finish();
    expect((await Promise.all(answers)).map((r) => (r as unknown as { tag: string }).tag)).toEqual(['a', 'b', 'c']);
  });

  it('batches arriving during a write wait for the next group; their events are the backlog', async () => {
    const h = held();
    const first = h.gc.ingest(batchOf('a', 1), meta);
    h.flushNext();
    const later = [h.gc.ingest(batchOf('b', 4), meta), h.gc.ingest(batchOf('c', 5), meta)];
    expect(h.gc.backlog).toBe(9);
    expect(h.flushes).toHaveLength(1);
    h.pending[0].finish();
    await first;
    h.flushNext();
    expect(h.groups).toEqual([['a'], ['b', 'c']]);
    expect(h.gc.backlog).toBe(0);
    h.pending[1].finish();
    await Promise.all(later);
  });

  it('at most 10,000 events a group: the batch that would pass it starts the next group; a bigger batch goes alone', async () => {
    const h = held();
    const all = [h.gc.ingest(batchOf('a', 6_000), meta), h.gc.ingest(batchOf('b', 4_000), meta), h.gc.ingest(batchOf('c', 1), meta), h.gc.ingest(batchOf('d', 12_000), meta), h.gc.ingest(batchOf('e', 1), meta)];
    expect(h.gc.backlog).toBe(22_002);
    h.flushNext();
    // 6,000 + 4,000 is exactly the limit: both; c would pass it.
    expect(h.groups).toEqual([['a', 'b']]);
    expect(h.gc.backlog).toBe(12_002);
    // More waiting: the next flush is scheduled at once.
    expect(h.flushes).toHaveLength(1);
    h.flushNext();
    expect(h.groups[1]).toEqual(['c']);
    h.flushNext();
    expect(h.groups[2]).toEqual(['d']);
    h.flushNext();
    expect(h.groups[3]).toEqual(['e']);
    expect(h.flushes).toHaveLength(0);
    expect(h.gc.backlog).toBe(0);
    for (const p of h.pending) p.finish();
    expect(await Promise.all(all)).toHaveLength(5);
  });

  it('a refused group is written again batch by batch: only the bad batch fails', async () => {
    const h = held({ refuse: (group) => group.some((w) => tagOf(w) === 'bad') });
    const a = h.gc.ingest(batchOf('a', 1), meta);
    const bad = h.gc.ingest(batchOf('bad', 1), meta);
    const c = h.gc.ingest(batchOf('c', 1), meta);
    const outcomes = Promise.allSettled([a, bad, c]);
    h.flushNext();
    h.pending[0].finish();
    // Each again alone, one after the other.
    for (let i = 1; i <= 3; i++) {
      await settle();
      expect(h.pending).toHaveLength(i + 1);
      h.pending[i].finish();
    }
    expect(h.groups).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
    const [ra, rbad, rc] = await outcomes;
    expect(ra).toMatchObject({ status: 'fulfilled', value: { tag: 'a' } });
    expect(rbad).toMatchObject({ status: 'rejected', reason: new Error('refused bad') });
    expect(rc).toMatchObject({ status: 'fulfilled', value: { tag: 'c' } });
  });

  it('a refused group of one batch: that batch fails, with no second write', async () => {
    const h = held({ refuse: () => true });
    const only = h.gc.ingest(batchOf('x', 1), meta);
    h.flushNext();
    h.pending[0].finish();
    await expect(only).rejects.toThrow('refused x');
    await settle();
    expect(h.groups).toEqual([['x']]);
  });

  it('a flush ends at release, before its write; drain waits for the write', async () => {
    const h = held();
    const answer = h.gc.ingest(batchOf('a', 1), meta);
    const f = h.flushes.shift()!;
    let flushed = false;
    const flush = f().then(() => (flushed = true));
    let drained = false;
    const drain = h.gc.drain().then(() => (drained = true));
    await settle();
    expect([flushed, drained]).toEqual([false, false]);
    h.pending[0].release();
    await flush;
    expect(flushed).toBe(true);
    await settle();
    expect(drained).toBe(false);
    h.pending[0].finish();
    await drain;
    expect(drained).toBe(true);
    await answer;
    // Nothing in flight: drain resolves at once.
    await h.gc.drain();
  });

  it('drain waits for a group taken while it waits for another', async () => {
    const h = held();
    void h.gc.ingest(batchOf('a', 1), meta);
    h.flushNext();
    void h.gc.ingest(batchOf('b', 1), meta);
    let drained = false;
    const drain = h.gc.drain().then(() => (drained = true));
    h.flushNext();
    h.pending[0].finish();
    await settle();
    expect(drained).toBe(false);
    h.pending[1].finish();
    await drain;
    expect(h.groups).toEqual([['a'], ['b']]);
  });
});
