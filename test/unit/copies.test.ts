/**
 * Two copies of the package in one process (an independent subpackage carries its own copy; WeChat
 * docs framework/subpackages/independent.html): their default instances share the process's slot
 * (src/platform/launch.ts `shared()`) and become one tracker, the first one started. Here two trackers
 * from src on one slot, each with a platform of its own, so that it shows which one stored and sent.
 * (test/e2e/bundle.test.ts runs the same through two built bundles in the simulator.)
 */
import { describe, expect, it, vi } from 'vitest';
import type { Shared } from '../../src/platform/launch';
import { createTrackerWith } from '../../src/tracker';
import { createFakePlatform } from '../support/fake-platform';
import { URL, useTrackerFrame } from '../support/tracker-frame';

const warnings = useTrackerFrame();

function twoCopies() {
  const slot: Shared = { w: [] };
  const mainFake = createFakePlatform({ page: 'pages/home/index' });
  const subFake = createFakePlatform({ page: 'pages/home/index' });
  const main = createTrackerWith(() => mainFake.platform, slot);
  const sub = createTrackerWith(() => subFake.platform, slot);
  return { slot, main, sub, mainFake, subFake };
}

/** Lets the first save and send happen, answers every request, and returns the names delivered. */
async function deliver(fake: ReturnType<typeof createFakePlatform>) {
  await vi.advanceTimersByTimeAsync(30_000);
  while (fake.pending.length) fake.pending.shift()!.respond({ status: 200 });
  return fake.delivered.map((e) => e.name);
}

describe('two copies on one process slot', () => {
  it('the copy started first is the tracker of both: the other one’s calls land in its queue, once each', async () => {
    const { slot, main, sub, mainFake, subFake } = twoCopies();
    main.init({ serverUrl: URL, batchSize: 10 });
    expect(slot.t).toBe(main);
    sub.track('from_sub', { n: 1 });
    main.track('from_main');
    expect(await deliver(mainFake)).toEqual(['from_sub', 'from_main']);
    expect(subFake.sent).toEqual([]);
    expect(subFake.state.writes).toBe(0);
    expect(sub.getAnonymousId()).toBe(main.getAnonymousId());
  });

  it('init of the second copy follows the first instead of starting a second queue, without a warning', async () => {
    const { main, sub, mainFake, subFake } = twoCopies();
    main.init({ serverUrl: URL, batchSize: 10 });
    sub.init({ serverUrl: 'http://127.0.0.1:9/other', batchSize: 10 });
    sub.track('after_sub_init');
    expect(await deliver(mainFake)).toEqual(['after_sub_init']);
    expect(subFake.sent).toEqual([]);
    expect(subFake.state.reads).toBe(0);
    expect(warnings()).toEqual([]);
  });

  it('calls a copy buffered before any copy started are replayed into the first started, in order and at their time', async () => {
    const { slot, main, sub, mainFake } = twoCopies();
    const t0 = Date.now();
    sub.track('early_1');
    // One waiter per waiting copy, from its first buffered call on, however many calls it buffered.
    expect(slot.w).toHaveLength(1);
    vi.advanceTimersByTime(30);
    sub.track('early_2');
    expect(slot.w).toHaveLength(1);
    vi.advanceTimersByTime(70);
    main.init({ serverUrl: URL, batchSize: 10 });
    main.track('main_after');
    await deliver(mainFake);
    expect(mainFake.delivered.map((e) => [e.name, e.time - t0])).toEqual([
      ['early_1', 0],
      ['early_2', 30],
      ['main_after', 100],
    ]);
    expect(mainFake.delivered.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('a single call a copy buffered is replayed when another copy starts, with no later call to prompt it', async () => {
    const { main, sub, mainFake } = twoCopies();
    sub.track('only_call');
    main.init({ serverUrl: URL, batchSize: 10 });
    expect(await deliver(mainFake)).toEqual(['only_call']);
  });

  it('a copy whose buffered calls were already replayed by its own init is not moved again by the slot', async () => {
    const slot: Shared = { w: [] };
    const aFake = createFakePlatform({ page: 'pages/home/index' });
    const bFake = createFakePlatform({ page: 'pages/home/index' });
    const a = createTrackerWith(() => aFake.platform, slot);
    const b = createTrackerWith(() => bFake.platform, slot);
    a.track('a_early');
    // b starts first: a's waiter runs and a follows b, with its early call.
    b.init({ serverUrl: URL, batchSize: 10 });
    expect(slot.t).toBe(b);
    a.track('a_late');
    expect(await deliver(bFake)).toEqual(['a_early', 'a_late']);
    expect(aFake.sent).toEqual([]);
  });

  it('without a slot (createTracker) each tracker keeps its own queue', async () => {
    const aFake = createFakePlatform();
    const bFake = createFakePlatform();
    const a = createTrackerWith(() => aFake.platform);
    const b = createTrackerWith(() => bFake.platform);
    a.init({ serverUrl: URL, batchSize: 10 });
    b.init({ serverUrl: URL, batchSize: 10, name: 'second' });
    a.track('to_a');
    b.track('to_b');
    expect([await deliver(aFake), await deliver(bFake)]).toEqual([['to_a'], ['to_b']]);
  });
});
