import { describe, expect, it, vi } from 'vitest';
import { createTrackerWith } from '../../src/tracker';
import type { Options, TrackedEvent } from '../../src/types';
import { createFakePlatform } from '../support/fake-platform';
import { setupTracker, URL, useTrackerFrame } from '../support/tracker-frame';

const warnings = useTrackerFrame();
const setup = (options: Partial<Options> = {}, fake = createFakePlatform({ page: 'pages/home/index' })) => setupTracker(options, fake);

describe('events', () => {
  it('carry id, gap-free seq, time stamped at track(), identity, session, page and merged properties', async () => {
    const { t, fake, init } = setup({ batchSize: 3 });
    init();
    t.register({ plan: 'gold', channel: 'ad' });
    t.track('view_product', { sku: 'A1', channel: 'search' });
    vi.advanceTimersByTime(100);
    t.identify('u-42');
    t.track('add_to_cart', { sku: 'A1', qty: 2 });
    t.track('checkout');
    await vi.advanceTimersByTimeAsync(600);
    expect(fake.sent).toHaveLength(1);
    fake.pending[0].respond({ status: 200 });
    const [a, b, c] = fake.delivered as TrackedEvent[];
    expect(a).toMatchObject({
      seq: 1,
      name: 'view_product',
      time: Date.parse('2026-11-25T08:00:00Z'),
      anonymousId: t.getAnonymousId(),
      page: 'pages/home/index',
      properties: { plan: 'gold', channel: 'search', sku: 'A1' },
    });
    expect(a.userId).toBeUndefined();
    expect(b).toMatchObject({ seq: 2, userId: 'u-42', anonymousId: t.getAnonymousId(), time: a.time + 100 });
    expect(c.seq).toBe(3);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect(a.id).toMatch(/^[0-9a-z]{25}[0-9a-z]+$/);
    expect(a.sessionId).toBe(c.sessionId);
    expect(fake.sent[0].body.context).toMatchObject({ lib: 'wetrack', appId: 'wx123' });
    expect(fake.sent[0].body.sentAt).toBe(Date.parse('2026-11-25T08:00:00Z') + 200); // the first save, 200 ms after the first event
  });

  it('time() gives the next event of that name its duration', async () => {
    const { t, fake, init } = setup({ batchSize: 2 });
    init();
    t.time('watch_video');
    vi.advanceTimersByTime(4200);
    t.track('watch_video', { id: 'v1' });
    t.track('watch_video', { id: 'v2' });
    await vi.advanceTimersByTimeAsync(600);
    fake.pending[0].respond({ status: 200 });
    expect(fake.delivered.map((e) => e.properties.duration_ms)).toEqual([4200, undefined]);
  });

  it('calls before init wait and are replayed in order, with their own time', async () => {
    const { t, fake, init } = setup({ batchSize: 2 });
    const t0 = Date.now();
    t.track('early', { n: 1 });
    t.register({ from: 'buffer' });
    vi.advanceTimersByTime(50);
    t.track('early', { n: 2 });
    const flushed = t.flush();
    vi.advanceTimersByTime(1000);
    expect(fake.sent).toHaveLength(0);
    init();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.sent).toHaveLength(1);
    fake.pending[0].respond({ status: 200 });
    await flushed;
    expect(fake.delivered.map((e) => [e.properties.n, e.time - t0, e.properties.from])).toEqual([
      [1, 0, undefined],
      [2, 50, 'buffer'],
    ]);
  });

  it('setUserProperties sends $set or $set_once; reset makes a new anonymous id and clears user and super properties', async () => {
    const { t, fake, init } = setup({ batchSize: 100 });
    init();
    const first = t.getAnonymousId();
    t.identify('u1', { level: 3 });
    t.setUserProperties({ city: 'SZ' }, { once: true });
    t.register({ plan: 'gold' });
    t.reset();
    t.track('after_reset');
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    const evs = fake.delivered;
    expect(evs.map((e) => e.name)).toEqual(['$set', '$set_once', 'after_reset']);
    expect(evs[0]).toMatchObject({ userId: 'u1', anonymousId: first, properties: { level: 3 } });
    expect(evs[2].anonymousId).not.toBe(first);
    expect(evs[2].userId).toBeUndefined();
    expect(evs[2].properties).toEqual({});
    expect(JSON.parse(fake.storage.get('wt_id')!)).toEqual({ a: evs[2].anonymousId, p: {} });
  });
});

describe('sessions', () => {
  it('a session survives a short background stay and ends after sessionTimeoutMs in the background', async () => {
    const { t, fake, init } = setup({ batchSize: 100, sessionTimeoutMs: 60_000 });
    fake.state.autoRespond = () => ({ status: 200 });
    init();
    t.track('a');
    fake.hide();
    vi.advanceTimersByTime(59_000);
    fake.show();
    t.track('b');
    fake.hide();
    vi.advanceTimersByTime(61_000);
    fake.show();
    t.track('c');
    await t.flush();
    const [a, b, c] = fake.delivered;
    expect(a.sessionId).toBe(b.sessionId);
    expect(c.sessionId).not.toBe(b.sessionId);
    expect(c.sessionId).toMatch(/^[0-9a-z]{25}$/);
  });

  it('a cold start begins a new session', () => {
    const storage = new Map<string, string>();
    const ids = [0, 1].map(() => {
      const { t, init } = setup({}, createFakePlatform({ storage }));
      init();
      let sid = '';
      t.use({ name: 'spy', type: 'destination', execute: (e) => void (sid = e.sessionId) });
      t.track('x');
      return [t.getAnonymousId(), sid];
    });
    expect(ids[0][0]).toBe(ids[1][0]);
    expect(ids[0][1]).not.toBe(ids[1][1]);
  });
});

describe('persistence', () => {
  // How the queue is saved and restored: test/unit/queue.test.ts and delivery.test.ts.
  it('track() makes no storage call (nor any plugin or consent step on its path); the save timer writes', () => {
    const { t, fake, init } = setup({ batchSize: 1000, flushIntervalMs: 60_000 });
    t.use({ name: 'mirror', type: 'destination', execute: () => {} });
    init();
    const before = { ...fake.state };
    for (let i = 0; i < 50; i++) t.track('e', { i });
    expect([fake.state.writes, fake.state.reads, fake.state.removes]).toEqual([before.writes, before.reads, before.removes]);
    vi.advanceTimersByTime(1000);
    expect(fake.state.writes).toBeGreaterThan(before.writes);
  });

  it('corrupt stored data is skipped with a warning; the tracker starts clean', async () => {
    const storage = new Map([
      ['wt_q', '[{"s":3,"a":0,"d":0,"u":0,"g":[2,3]}]'],
      ['wt_q2', 'not json'],
      ['wt_q3', JSON.stringify([{ id: 'x', seq: 3, name: 'kept', time: 1, anonymousId: 'a', sessionId: 's', properties: {} }])],
      ['wt_id', '{broken'],
    ]);
    const { t, fake, init } = setup({ batchSize: 1 }, createFakePlatform({ storage }));
    fake.state.autoRespond = () => ({ status: 200 });
    init();
    t.track('new');
    await vi.advanceTimersByTimeAsync(600);
    await vi.advanceTimersByTimeAsync(10);
    expect(fake.delivered.map((e) => [e.name, e.seq])).toEqual([
      ['kept', 3],
      ['new', 4],
    ]);
    expect(warnings()).toEqual(['[wetrack] storage: wt_q2 unreadable, skipped']);
  });
});

describe('add-ons', () => {
  it('start once at init, in list order, after the calls made before init were replayed; one that throws is skipped with a warning', () => {
    const { t, init } = setup();
    const seen: string[] = [];
    t.use({ name: 'spy', type: 'destination', execute: (e) => void seen.push('event ' + e.name) });
    t.track('early');
    t.internals.addOns.push(
      () => seen.push('first'),
      () => {
        throw new Error('broken add-on');
      },
      () => seen.push('third'),
    );
    init();
    init();
    expect(seen).toEqual(['event early', 'first', 'third']);
    expect(warnings()).toEqual(['[wetrack] init failed: Error: broken add-on', '[wetrack] init: already done; ignored']);
  });

  it("an add-on's app-hide listener runs before the core's: what it tracks on hide is stored and sent at once", () => {
    const { t, fake, init } = setup({ batchSize: 1000, flushIntervalMs: 60_000 });
    t.internals.addOns.push(() => t.internals.platform!.onAppHide(() => t.track('$app_hide')));
    init();
    fake.hide();
    expect(fake.sent.map((r) => r.body.events.map((e) => e.name))).toEqual([['$app_hide']]);
    expect(fake.storage.get('wt_q1')).toContain('$app_hide'); // on hide the events go to a segment
  });

  it("an add-on's app-show listener runs after the core's, so it sees the session the core renewed", () => {
    const { t, fake, init } = setup({ sessionTimeoutMs: 1000 });
    const sessions: (string | undefined)[] = [];
    t.internals.addOns.push(() => t.internals.platform!.onAppShow(() => sessions.push(t.internals.session)));
    init();
    const first = t.internals.session;
    fake.hide();
    vi.advanceTimersByTime(1001);
    fake.show();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).not.toBe(first);
    expect(sessions[0]).toBe(t.internals.session);
  });
});

describe('consent and privacy', () => {
  it("an app hide while consent is 'pending' writes and sends nothing: the held events stay in memory", async () => {
    const { t, fake, init } = setup({ consent: 'pending', batchSize: 100 });
    init();
    t.track('held');
    const writes = fake.state.writes;
    fake.hide();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.state.writes).toBe(writes);
    expect(fake.sent).toEqual([]);
  });

  it('setUserProperties with nothing valid records no event, and unregister with a non-string key warns naming the call', async () => {
    const { t, fake, init } = setup({ batchSize: 1 });
    init();
    fake.state.autoRespond = () => ({ status: 200 });
    t.setUserProperties({});
    t.unregister(42 as unknown as string);
    t.track('after');
    await t.flush();
    expect(fake.delivered.map((e) => e.name)).toEqual(['after']);
    expect(warnings().filter((w) => w.includes('unregister'))).toHaveLength(1);
    expect(warnings().find((w) => w.includes('unregister'))).toMatch(/unregister.*key/);
  });

  // Issue 13, bug 2: past maxQueueEvents while consent is pending, the newest were discarded, uncounted.
  it("past maxQueueEvents while consent is 'pending' the oldest are dropped, and counted with their seqs skipped", async () => {
    const { t, fake, init } = setup({ consent: 'pending', batchSize: 100, maxQueueEvents: 3 });
    init();
    for (const name of ['a', 'b', 'c', 'd', 'e']) t.track(name);
    fake.state.autoRespond = () => ({ status: 200 });
    t.setConsent('granted');
    await t.flush();
    expect(fake.delivered.map((e) => [e.name, e.seq])).toEqual([
      ['c', 3],
      ['d', 4],
      ['e', 5],
    ]);
    expect(fake.sent.map((r) => r.body.dropped)).toEqual([2]);
    expect(warnings().filter((w) => w.includes('queue full'))).toEqual(['[wetrack] queue full: oldest dropped, counted']);
  });

  it("'pending' holds events in memory only; 'granted' releases them in order", async () => {
    const { t, fake, init } = setup({ consent: 'pending', batchSize: 100 });
    init();
    t.track('a');
    t.track('b');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.sent).toHaveLength(0);
    expect([...fake.storage.keys()].filter((k) => k !== 'wt_q')).toEqual([]);
    fake.state.autoRespond = () => ({ status: 200 });
    t.setConsent('granted');
    await t.flush();
    expect(fake.delivered.map((e) => [e.name, e.seq])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(JSON.parse(fake.storage.get('wt_id')!)).toMatchObject({ a: t.getAnonymousId() });
  });

  it("'denied' drops events and clears what is stored", async () => {
    const { t, fake, init } = setup({ batchSize: 100 });
    init();
    t.track('a');
    vi.advanceTimersByTime(600);
    expect(fake.storage.get('wt_q')).toContain('"name":"a"');
    t.setConsent('denied');
    t.track('b');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.sent).toHaveLength(0);
    expect(JSON.parse(fake.storage.get('wt_q')!)).toEqual([{ s: 1, a: 1, d: 0, u: 0, g: [] }]);
    expect(fake.storage.get('wt_id')).toBeUndefined();
  });

  it('masks personal data and deny-listed keys before the event is stored', async () => {
    const { t, fake, init } = setup({ batchSize: 100, mask: { keys: ['password', 'openid'] } });
    init();
    t.track('signup', { phone: '13812345678', password: 'x', openid: 'o-1', note: 'mail me at a@b.cn' });
    vi.advanceTimersByTime(600);
    const stored = fake.storage.get('wt_q')!;
    expect(stored).not.toContain('13812345678');
    expect(JSON.parse(stored)[1].properties).toEqual({ phone: '[phone]', password: '***', openid: '***', note: 'mail me at [email]' });
  });
});

describe('plugins', () => {
  it('run before, then enrichment, then destinations; null drops, a throwing plugin is skipped', async () => {
    const { t, fake, init } = setup({ batchSize: 100 });
    const order: string[] = [];
    const dest: string[] = [];
    t.use({ name: 'enrich', type: 'enrichment', execute: (e) => (order.push('enrich'), { ...e, properties: { ...e.properties, enriched: true } }) });
    t.use({ name: 'gate', type: 'before', execute: (e) => (order.push('before'), e.name === 'secret' ? null : e) });
    t.use({ name: 'boom', type: 'enrichment', execute: () => { throw new Error('bad plugin'); } });
    t.use({ name: 'mirror', type: 'destination', execute: (e) => void dest.push(e.name) });
    init();
    t.track('secret');
    t.track('open', { card: '4111111111111111' });
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    expect(order).toEqual(['before', 'before', 'enrich']);
    expect(dest).toEqual(['open']);
    expect(fake.delivered.map((e) => [e.name, e.properties])).toEqual([['open', { card: '[card]', enriched: true }]]);
    expect(warnings().some((w) => w.includes('plugin boom threw'))).toBe(true);
  });

  it('beforeSend sees every event and can drop it', async () => {
    const { t, fake, init } = setup({ batchSize: 100, beforeSend: (e) => (e.name === 'drop' ? null : { ...e, properties: { ...e.properties, x: 1 } }) });
    init();
    t.track('drop');
    t.track('keep');
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    expect(fake.delivered.map((e) => [e.name, e.properties])).toEqual([['keep', { x: 1 }]]);
  });
});

describe('bad input', () => {
  it('warns with the call and the field, and keeps the rest of the event', async () => {
    const { t, fake, init } = setup({ batchSize: 100 });
    init();
    t.track('buy', { price: NaN, sku: 'A1', when: new Date(0) });
    t.track('' as string);
    t.track(42 as unknown as string);
    t.identify('' as string);
    t.setConsent('maybe' as 'granted');
    t.use({} as never);
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    expect(fake.delivered.map((e) => e.properties)).toEqual([{ price: null, sku: 'A1', when: '1970-01-01T00:00:00.000Z' }]);
    expect(warnings()).toEqual([
      '[wetrack] track("buy"): properties.price NaN, null',
      '[wetrack] track: invalid event name: ',
      '[wetrack] track: invalid event name: 42',
      '[wetrack] identify: invalid userId: ',
      '[wetrack] setConsent: invalid consent: maybe',
      '[wetrack] use: invalid plugin: [object Object]',
    ]);
  });

  it('init without a usable serverUrl warns and stays unstarted; bad options fall back to defaults', () => {
    const fake = createFakePlatform();
    const t = createTrackerWith(() => fake.platform);
    t.init({} as Options);
    t.init({ serverUrl: 'ftp://x' });
    expect(warnings()).toEqual(['[wetrack] init: options.serverUrl is invalid; not started', '[wetrack] init: options.serverUrl is invalid; not started']);
    t.init({ serverUrl: URL, batchSize: -1, consent: 'perhaps' as 'granted', name: '', headers: 'x' as never });
    expect(warnings().slice(2)).toEqual([
      '[wetrack] init: options.batchSize is invalid; default used',
      '[wetrack] init: options.name is invalid; default used',
      '[wetrack] init: options.consent is invalid; default used',
      '[wetrack] init: options.headers is invalid; default used',
    ]);
    t.init({ serverUrl: URL });
    expect(warnings().at(-1)).toBe('[wetrack] init: already done; ignored');
  });
});
