import { describe, expect, it } from 'vitest';
import { useSimSuite } from '../support/suite';
import { range, seqsOf, startSession, type Session } from './harness';

let s: Session | undefined;
const suite = useSimSuite(async () => {
  await s?.dispose();
  s = undefined;
});

describe('delivery over real HTTP', () => {
  it('1,000 track() calls arrive as 1,000 distinct ids, seq 1..1000 without a gap, in at most 50 requests', async () => {
    s = await startSession({ batchSize: 20 });
    for (let i = 0; i < 1000; i++) s.tracker.track('item_view', { i, sku: 'SKU-' + (i % 37) });
    await suite.clock.runUntil(() => s!.collector.events().length >= 1000, { label: '1000 delivered' });
    await suite.clock.advance(10_000);
    const events = s.collector.events();
    expect(events).toHaveLength(1000);
    expect(s.collector.uniqueIds().size).toBe(1000);
    expect(seqsOf(events)).toEqual(range(1, 1000));
    expect(s.collector.requests.length).toBeLessThanOrEqual(50);
    // Batch context is sent once per batch, not per event.
    const batch = s.collector.batches[0] as { context: Record<string, unknown>; events: Record<string, unknown>[]; sentAt: number };
    expect(batch.context).toMatchObject({ lib: 'wetrack', appId: s.rt.appId, model: s.rt.device.model, SDKVersion: s.rt.device.SDKVersion, network: 'wifi' });
    expect(batch.events[0]).not.toHaveProperty('context');
    expect(s.collector.requests[0].headers['content-type']).toBe('application/json');
    // Delivered events leave storage.
    expect(s.rt.storage.keys().filter((k) => /^wt_q\d+$/.test(k))).toEqual([]);
  });

  it('survives a collector that fails in every way, and a network that drops: all but the poisoned event delivered, exactly once after dedupe', async () => {
    let phase = 'errors';
    let n = 0;
    s = await startSession({ batchSize: 10, retryBaseMs: 200, retryMaxMs: 5000 }, {}, (req) => {
      const body = req.body as { events?: { properties: { poison?: boolean } }[] };
      const events = body.events ?? [];
      n++;
      if (phase === 'errors') {
        const faults = [{ status: 500 }, { action: 'reset' as const }, { status: 503, headers: { 'Retry-After': '2' } }, { status: 502 }, { status: 429 }];
        return faults[n % faults.length];
      }
      if (events.length > 4) return { status: 413 };
      if (events.some((e) => e.properties.poison)) return { status: 400, body: { error: 'bad event' } };
      // Now and then the answer is lost after the collector stored the batch: the SDK must resend.
      if (n % 7 === 0) return { action: 'reset' };
      return { status: 200 };
    });
    const tracker = s.tracker;
    for (let i = 1; i <= 60; i++) tracker.track('step', { i, poison: i === 33 });
    await suite.clock.advance(20_000); // 20 s of 5xx, resets and Retry-After
    expect(s.collector.events()).toHaveLength(0);
    s.rt.network.set(false);
    for (let i = 61; i <= 80; i++) tracker.track('step', { i });
    await suite.clock.advance(60_000);
    const whileOffline = s.collector.requests.length;
    await suite.clock.advance(60_000);
    expect(s.collector.requests.length).toBe(whileOffline); // nothing is tried while offline
    phase = 'recovering';
    s.rt.network.set(true, 'wifi');
    await suite.clock.runUntil(() => new Set(s!.collector.events().map((e) => e.id)).size >= 79, { label: 'recovered', maxMs: 300_000 });
    await suite.clock.advance(30_000);
    const got = [...new Map(s.collector.events().map((e) => [e.id, e])).values()];
    expect(got.map((e) => (e.properties as { i: number }).i).sort((a, b) => a - b)).toEqual(range(1, 80).filter((i) => i !== 33));
    expect(s.collector.requests.some((r) => r.status === 413)).toBe(true);
    expect(s.collector.requests.some((r) => r.outcome === 'reset')).toBe(true);
    expect(s.rt.storage.keys().filter((k) => /^wt_q\d+$/.test(k))).toEqual([]);
  });

  it('honours Retry-After from a 503', async () => {
    let first = true;
    s = await startSession({ batchSize: 1, retryBaseMs: 100 }, {}, () => {
      if (first) return (first = false), { status: 503, headers: { 'Retry-After': '30' } };
      return { status: 200 };
    });
    s.tracker.track('x');
    await suite.clock.runUntil(() => s!.collector.requests.length === 1, { label: 'first try' });
    const t0 = suite.clock.now();
    await suite.clock.runUntil(() => s!.collector.events().length === 1, { label: 'retry' });
    expect(suite.clock.now() - t0).toBeGreaterThanOrEqual(30_000);
    expect(suite.clock.now() - t0).toBeLessThan(31_000);
  });
});
