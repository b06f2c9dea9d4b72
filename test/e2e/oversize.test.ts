import { describe, expect, it } from 'vitest';
import { ONE_MB, SimStorage } from '../sim';
import { useSimSuite } from '../support/suite';
import { startSession, type Session } from './harness';

/**
 * WeChat's storage limits (wx.setStorageSync: "单个 key 允许存储的最大数据长度为 1MB，所有数据存储上限为 10MB"),
 * modelled in test/sim/storage.ts, against events that sanitising lets through. Sanitising caps a string at
 * 1024 chars and an event at 2000 values, but 2000 values of 1024 chars are 2 MB of JSON (up to 24 MB when
 * every char is escaped): one event can be larger than a key. WeChat does not say how it measures a key's
 * size, so each test runs with UTF-8 bytes and with UTF-16 units (the simulator's `measure`).
 */
let s: Session | undefined;
const suite = useSimSuite(async () => {
  await s?.dispose();
  s = undefined;
});

/** Properties whose JSON is about `kb` KB of `ch` (1, or 3 bytes a char for CJK). */
const filler = (kb: number, ch = 'x') => Object.fromEntries(Array.from({ length: kb }, (_, i) => ['k' + i, ch.repeat(1000)]));

const warnings = () => (console.warn as unknown as { mock: { calls: unknown[][] } }).mock.calls.map((c) => String(c[0]));
const queueKeys = () => s!.rt.storage.keys().filter((k) => /^wt_q\d+$/.test(k));
/** Bytes of each queue key as the simulator measures them against the per-key limit. */
const keySizes = () => queueKeys().map((k) => s!.rt.storage.bytes(k) + s!.rt.storage.bytes(JSON.stringify(s!.rt.storage.peek(k))));
const names = () => s!.collector.events().map((e) => e.name);
const reportedDrops = () => s!.collector.batches.reduce((n: number, b) => n + ((b as { dropped?: number }).dropped ?? 0), 0);

/** Offline: events tracked, a second passes (the save delay), the process is killed and a new one delivers. */
async function killAndDeliver(expected: number) {
  await suite.clock.advance(1000);
  s!.restart();
  s!.rt.network.set(true);
  await suite.clock.runUntil(() => s!.collector.events().length >= expected && s!.rt.requests.inFlight === 0, { label: 'delivered', maxMs: 60_000 });
  await suite.clock.advance(10_000);
}

it('the simulator measures a key in UTF-8 bytes or in UTF-16 units', () => {
  const utf8 = new SimStorage({ keyLimitBytes: 20 });
  const utf16 = new SimStorage({ keyLimitBytes: 20, measure: 'utf16' });
  const tooLong = { ok: false, reason: 'exceed storage item max length' };
  expect(utf8._write('k', 'abcdefgh')).toEqual({ ok: true }); // 1 + 10 bytes
  expect(utf16._write('k', 'abcdefgh')).toEqual(tooLong); // 2 + 20 bytes
  expect(utf8._write('k', '中中中中中中')).toEqual(tooLong); // 1 + 2 + 18 bytes
  expect(utf16._write('k', '中中中中中中')).toEqual({ ok: true }); // 2 + 16 bytes
});

describe.each(['utf8', 'utf16'] as const)('events larger than a storage key (measured in %s)', (measure) => {
  it('an event over 1 MB is dropped and counted; the events after it are stored within the save delay and survive a kill', async () => {
    s = await startSession({}, { network: { online: false }, storage: { measure } });
    s.tracker.track('before');
    s.tracker.track('huge', filler(1200)); // ~1.2 MB of JSON: no key can hold it
    for (let i = 0; i < 5; i++) s.tracker.track('after', { i });
    await killAndDeliver(6);
    expect(names()).toEqual(['before', 'after', 'after', 'after', 'after', 'after']);
    expect(reportedDrops()).toBe(1);
    // seq counts the dropped event: the collector sees the gap, and the batch says why
    expect(s.collector.events().map((e) => e.seq)).toEqual([1, 3, 4, 5, 6, 7]);
    expect(warnings().filter((w) => /too large: dropped, counted/.test(w))).toHaveLength(1);
  });

  it('an event between a segment and 1 MB is stored alone (or, where the measure makes it too large, dropped and counted); the small ones after it survive a kill', async () => {
    s = await startSession({ maxBatchBytes: 2_000_000 }, { network: { online: false }, storage: { measure } });
    s.tracker.track('large', filler(900)); // ~900 KB
    for (let i = 0; i < 100; i++) s.tracker.track('small', filler(2)); // ~200 KB more: together over 1 MB
    await suite.clock.advance(1000);
    const sizes = keySizes();
    expect(sizes.length).toBe(measure == 'utf8' ? 2 : 1); // 900 KB in UTF-8, 1.8 MB in UTF-16
    for (const n of sizes) expect(n).toBeLessThanOrEqual(ONE_MB);
    await killAndDeliver(measure == 'utf8' ? 101 : 100);
    expect(s.collector.events().map((e) => e.name)).toEqual([...(measure == 'utf8' ? ['large'] : []), ...Array(100).fill('small')]);
    expect(reportedDrops()).toBe(measure == 'utf8' ? 0 : 1);
  });

  it('no segment of several events goes over the key limit, also with 3-byte characters', async () => {
    s = await startSession({ maxQueueEvents: 20_000 }, { network: { online: false }, storage: { measure } });
    // each event about 120,000 CJK chars (360 KB, 3 bytes a char): three of them are over a key
    for (let i = 0; i < 12; i++) s.tracker.track('cjk', filler(120, '中'));
    await suite.clock.advance(1000);
    const sizes = keySizes();
    expect(sizes.length).toBe(6); // two events a key: a third would pass the segment's 256 K chars
    expect(sizes.filter((n) => n > ONE_MB)).toEqual([]);
    await killAndDeliver(12);
    expect(s.collector.events().map((e) => e.name)).toEqual(Array(12).fill('cjk'));
  });
});

describe('a full storage (10 MB, shared with the host app)', () => {
  it('events that could not be stored and were lost with the process are counted in dropped', async () => {
    s = await startSession({}, { network: { online: false }, storage: { totalLimitBytes: 20_000 } });
    // the host app's own data fills the quota, leaving room for small keys only
    s.rt.storage.seed('host_cache', 'h'.repeat(20_000 - 600 - s.rt.storage.bytesUsed()));
    for (let i = 0; i < 10; i++) s.tracker.track('e', { i, pad: 'p'.repeat(200) });
    await suite.clock.advance(1000);
    expect(queueKeys()).toEqual([]);
    s.restart();
    // still full: the new process sends from memory, and its first batch says what the last one lost
    s.rt.network.set(true);
    s.tracker.track('next');
    await suite.clock.runUntil(() => s!.collector.events().length >= 1, { label: 'delivered', maxMs: 60_000 });
    expect(s.collector.events().map((e) => e.name)).toEqual(['next']);
    expect(reportedDrops()).toBe(10);
  });
});
