/**
 * Promises of the README that a planted bug broke while the suite stayed green (issue 13): drop
 * counts, seqs across consent, identity and consent, identity across a cold start, the backoff's
 * attempt count, bounds, and masking of resident ids of people born in 2000 or later.
 */
import { describe, expect, it, vi } from 'vitest';
import { createMasker } from '../../src/mask';
import { createTrackerWith } from '../../src/tracker';
import { backoff } from '../../src/transport/backoff';
import type { Options } from '../../src/types';
import { createFakePlatform } from '../support/fake-platform';
import { setupTracker, URL, useTrackerFrame } from '../support/tracker-frame';

const warnings = useTrackerFrame();
const setup = setupTracker;

describe('dropped is never silent', () => {
  it('a count whose batch was refused (5xx) goes again with the retry, and again until one is accepted', async () => {
    const { t, fake, init } = setup({ batchSize: 100, maxQueueEvents: 2, retryBaseMs: 100, retryMaxMs: 100 });
    init();
    fake.setNetwork(false);
    for (let i = 0; i < 5; i++) t.track('e', { i });
    fake.state.autoRespond = () => ({ status: 503 });
    fake.setNetwork(true);
    await vi.advanceTimersByTimeAsync(250); // the first try and two retries
    fake.state.autoRespond = () => ({ status: 200 });
    await vi.advanceTimersByTimeAsync(200);
    expect(fake.sent.length).toBeGreaterThanOrEqual(3);
    expect(fake.sent.map((r) => r.body.dropped)).toEqual(fake.sent.map(() => 3));
    expect(fake.delivered.map((e) => e.seq)).toEqual([4, 5]);
    t.track('later');
    await t.flush();
    expect(fake.sent[fake.sent.length - 1].body.dropped).toBeUndefined();
  });

  it('drops counted while a batch is in flight survive its acknowledgement and go with the next batch', async () => {
    const { t, fake, init } = setup({ batchSize: 2, maxQueueEvents: 3 });
    init();
    t.track('a');
    t.track('b');
    await vi.advanceTimersByTimeAsync(600);
    expect(fake.pending.map((r) => r.body.events.map((e) => e.seq))).toEqual([[1, 2]]);
    for (const n of ['c', 'd', 'e', 'f']) t.track(n); // 6 > 3 waiting: a, b (in flight) and c leave
    fake.state.autoRespond = () => ({ status: 200 });
    fake.pending[0].respond({ status: 200 });
    await t.flush();
    expect(fake.delivered.map((e) => e.name)).toEqual(['a', 'b', 'd', 'e', 'f']);
    expect(fake.sent.map((r) => r.body.dropped)).toEqual([undefined, 1, undefined]);
  });
});

describe('consent', () => {
  it('denied then granted: seqs go on after the last one given, never reused', async () => {
    const { t, fake, init } = setup({ batchSize: 100 });
    init();
    t.track('a');
    t.track('b');
    vi.advanceTimersByTime(600); // stored, not sent (no answer yet)
    t.setConsent('denied');
    t.setConsent('granted');
    t.track('c');
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    const after = fake.sent.filter((r) => r.body.events.some((e) => e.name === 'c'));
    expect(after.map((r) => r.body.events.map((e) => [e.name, e.seq]))).toEqual([[['c', 3]]]);
  });

  it("while 'pending' no identity is written (identify, register, reset); 'granted' writes it", () => {
    const { t, fake, init } = setup({ consent: 'pending' });
    init();
    t.identify('u-1');
    t.register({ plan: 'gold' });
    t.unregister('plan');
    t.register({ tier: 2 });
    expect([...fake.storage.keys()]).toEqual([]);
    t.setConsent('granted');
    expect(JSON.parse(fake.storage.get('wt_id')!)).toEqual({ a: t.getAnonymousId(), u: 'u-1', p: { tier: 2 } });
    t.reset();
    expect(JSON.parse(fake.storage.get('wt_id')!)).toEqual({ a: t.getAnonymousId(), p: {} });
  });

  it('flush() while pending settles at once and sends nothing', async () => {
    const { t, fake, init } = setup({ consent: 'pending' });
    init();
    t.track('a');
    let settled = false;
    void t.flush().then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect([settled, fake.sent.length]).toEqual([true, 0]);
  });
});

describe('identity', () => {
  it('identify() and register() survive a cold start: the next process sends the same user, anonymous id and super properties', async () => {
    const storage = new Map<string, string>();
    const first = setup({}, createFakePlatform({ storage }));
    first.init();
    first.t.identify(42 as never); // a number is taken, as a string
    first.t.register({ plan: 'gold' });
    const anon = first.t.getAnonymousId();
    const next = setup({ batchSize: 1 }, createFakePlatform({ storage }));
    next.init();
    next.fake.state.autoRespond = () => ({ status: 200 });
    next.t.track('e');
    await next.t.flush();
    expect(next.fake.delivered.filter((e) => e.name === 'e').map((e) => [e.userId, e.anonymousId, e.properties])).toEqual([['42', anon, { plan: 'gold' }]]);
  });

  it('identify() takes ids of 1 to 255 characters and finite numbers; anything else warns and changes nothing', () => {
    const { t, fake, init } = setup();
    init();
    t.identify('x'.repeat(255));
    expect(JSON.parse(fake.storage.get('wt_id')!).u).toBe('x'.repeat(255));
    for (const bad of ['', 'y'.repeat(256), NaN, Infinity, null, {}]) t.identify(bad as never);
    expect(JSON.parse(fake.storage.get('wt_id')!).u).toBe('x'.repeat(255));
    expect(warnings()).toHaveLength(6);
    expect(warnings()[0]).toBe('[wetrack] identify: invalid userId: ');
    t.identify(0 as never);
    expect(JSON.parse(fake.storage.get('wt_id')!).u).toBe('0');
  });
});

describe('retries', () => {
  it('the backoff starts again from the base after a success', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // no jitter
    const { t, fake, init } = setup({ batchSize: 1, retryBaseMs: 1000, retryMaxMs: 60_000 });
    init();
    const times: number[] = [];
    let answers = [500, 500, 200, 500, 200];
    fake.state.autoRespond = () => (times.push(Date.now()), { status: answers.shift() ?? 200 });
    t.track('a');
    await vi.advanceTimersByTimeAsync(3600); // a, sent at 200 ms: 500, +1 s 500, +2 s 200
    t.track('b');
    await vi.advanceTimersByTimeAsync(600 + 1100); // b: saved and sent, 500, +1 s (not 4 s) 200
    const t0 = times[0];
    expect(times.map((x) => x - t0)).toEqual([0, 1000, 3000, 3600, 4600]);
    expect(fake.delivered.map((e) => e.name)).toEqual(['a', 'b']);
    answers = [];
  });

  it('a retry waiting when the network comes back is replaced by an attempt at once, not added to it', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { t, fake, init } = setup({ batchSize: 1, retryBaseMs: 10_000, retryMaxMs: 60_000 });
    init();
    fake.state.autoRespond = () => ({ status: 0 });
    t.track('a');
    await vi.advanceTimersByTimeAsync(600);
    expect(fake.sent).toHaveLength(1);
    fake.state.autoRespond = undefined;
    fake.setNetwork(false);
    fake.setNetwork(true);
    expect(fake.sent).toHaveLength(2); // at once
    fake.pending[0].respond({ status: 200 });
    await vi.advanceTimersByTimeAsync(20_000); // the old retry's time passes: nothing more is sent
    expect([fake.sent.length, fake.delivered.map((e) => e.name)]).toEqual([2, ['a']]);
  });

  it('jitter is applied after the cap: ±20% around retryMaxMs once the doubling reaches it', () => {
    const rnd = vi.spyOn(Math, 'random');
    rnd.mockReturnValue(0);
    expect(backoff(10, 1000, 60_000)).toBe(48_000);
    rnd.mockReturnValue(0.75);
    expect(backoff(10, 1000, 60_000)).toBe(66_000);
    expect(backoff(40, 1000, 60_000)).toBe(66_000); // no overflow past 2^30
  });
});

describe('bounds', () => {
  it('calls before init: the first 1000 are kept and replayed, the rest dropped with one warning', async () => {
    const { t, fake, init } = setup({ batchSize: 100 });
    for (let i = 0; i < 1002; i++) t.track('early', { i });
    expect(warnings()).toEqual([expect.stringMatching(/^\[wetrack\] track: .*init.*not called|^\[wetrack\] track: .*not called.*init/)]);
    fake.state.autoRespond = () => ({ status: 200 });
    init();
    await vi.advanceTimersByTimeAsync(20_000);
    const is = fake.delivered.map((e) => e.properties.i);
    expect([is.length, is[0], is[999]]).toEqual([1000, 0, 999]);
  });

  it('event names of 1 to 100 characters without control characters are tracked; others warn and are not', async () => {
    const { t, fake, init } = setup({ batchSize: 100 });
    init();
    for (const n of ['n', 'x'.repeat(100), '下单 ok']) t.track(n);
    for (const n of ['', 'x'.repeat(101), 'a\nb', 'tab\t', 7]) t.track(n as never);
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    expect(fake.delivered.map((e) => e.name)).toEqual(['n', 'x'.repeat(100), '下单 ok']);
    expect(warnings().filter((w) => w.startsWith('[wetrack] track: invalid event name'))).toHaveLength(5);
  });
});

describe('masking', () => {
  it('resident ids of people born in 1900-1999 and in 2000 or later are masked; 18 digits with an impossible date are not ids', () => {
    const m = createMasker(undefined);
    expect(['110105200001010014', '11010520231231002X', '110105199912310021', '110105190001010011'].map((s) => m.text(s))).toEqual(['[id]', '[id]', '[id]', '[id]']);
    expect(m.text('110105200013010014')).not.toBe('[id]'); // month 13
  });
});

describe('tracker details a refactor breaks', () => {
  it("restored events wait while consent is 'pending' and go once it is granted", async () => {
    const storage = new Map<string, string>();
    const first = setup({}, createFakePlatform({ storage }));
    first.init();
    first.fake.setNetwork(false);
    first.t.track('stored');
    vi.advanceTimersByTime(600);
    const next = setup({ consent: 'pending' }, createFakePlatform({ storage }));
    next.fake.state.autoRespond = () => ({ status: 200 });
    next.init();
    await vi.advanceTimersByTimeAsync(60_000);
    next.fake.hide();
    await vi.advanceTimersByTimeAsync(0);
    expect(next.fake.sent).toHaveLength(0);
    next.t.setConsent('granted');
    await vi.advanceTimersByTimeAsync(600);
    expect(next.fake.delivered.map((e) => e.name)).toEqual(['stored']);
  });

  it("events held while 'pending' and tracked while 'denied' are never stored nor sent, even after a later 'granted'", async () => {
    const { t, fake, init } = setup({ consent: 'pending', batchSize: 100 });
    init();
    t.track('held');
    t.setConsent('denied');
    t.track('while_denied');
    vi.advanceTimersByTime(600);
    expect([...fake.storage.keys()].filter((k) => k !== 'wt_q')).toEqual([]);
    t.setConsent('granted');
    t.track('after');
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    expect(fake.delivered.map((e) => [e.name, e.seq])).toEqual([['after', 1]]);
  });

  it('init twice: the second warns and changes nothing; debug logs only with debug: true', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const quiet = setup();
    quiet.init();
    quiet.t.track('a');
    expect(log).not.toHaveBeenCalled();
    quiet.t.init({ serverUrl: URL, debug: true });
    quiet.t.track('b');
    expect(log).not.toHaveBeenCalled();
    expect(warnings()).toEqual(['[wetrack] init: already done; ignored']);
    const loud = setup({ debug: true });
    loud.init();
    loud.t.track('c');
    expect(log.mock.calls.map((c) => c[0])).toEqual(['[wetrack] c']);
  });

  it('appVersion goes into every batch context when given, and is absent otherwise', async () => {
    for (const appVersion of ['1.2.3', undefined]) {
      const { t, fake, init } = setup({ batchSize: 1, appVersion });
      init();
      fake.state.autoRespond = () => ({ status: 200 });
      t.track('e');
      await t.flush();
      expect(fake.sent.map((r) => r.body.context.appVersion)).toEqual([appVersion]);
      expect('appVersion' in fake.sent[0].body.context).toBe(appVersion !== undefined);
    }
  });

  it('a background stay of exactly sessionTimeoutMs keeps the session; 1 ms more ends it', async () => {
    const { t, fake, init } = setup({ batchSize: 100, sessionTimeoutMs: 30_000 });
    fake.state.autoRespond = () => ({ status: 200 });
    init();
    t.track('a');
    fake.hide();
    vi.advanceTimersByTime(30_000);
    fake.show();
    t.track('b');
    fake.hide();
    vi.advanceTimersByTime(30_001);
    fake.show();
    t.track('c');
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    const [a, b, c] = fake.delivered;
    expect([a.sessionId === b.sessionId, b.sessionId === c.sessionId]).toEqual([true, false]);
  });

  it('every event id is the process prefix and a base-36 counter; a replayed call does not leave its time behind', async () => {
    const { t, fake, init } = setup({ batchSize: 100 });
    const t0 = Date.now();
    fake.state.autoRespond = () => ({ status: 200 });
    t.track('early');
    vi.advanceTimersByTime(1000);
    init();
    vi.advanceTimersByTime(1000);
    t.track('later');
    t.track('third');
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    expect(fake.delivered.map((e) => e.time)).toEqual([t0, t0 + 2000, t0 + 2000]);
    const ids = fake.delivered.map((e) => e.id);
    expect(ids.map((id) => id.slice(25))).toEqual(['0', '1', '2']);
    expect(new Set(ids.map((id) => id.slice(0, 25))).size).toBe(1);
  });

  it('identify() without traits sends nothing; setUserProperties({}) sends nothing; identify with traits sends $set', async () => {
    const { t, fake, init } = setup({ batchSize: 100 });
    init();
    t.identify('u');
    t.setUserProperties({});
    t.identify('u', { level: 3 });
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    expect(fake.delivered.map((e) => [e.name, e.properties])).toEqual([['$set', { level: 3 }]]);
  });

  it('a plugin that is not one warns and is not used; a plugin returning an event without properties drops it with a warning', async () => {
    const { t, fake, init } = setup({ batchSize: 100 });
    init();
    t.use({} as never);
    t.use({ name: 'x', type: 'nope', execute: (e: unknown) => e } as never);
    t.use({ name: 'strip', type: 'before', execute: (e) => (e.name === 'bad' ? ({ name: 'bad' } as never) : e) });
    t.track('bad');
    t.track('good');
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    expect(fake.delivered.map((e) => e.name)).toEqual(['good']);
    expect(warnings().map((w) => w.split(':')[0] + ':' + w.split(':')[1])).toEqual(['[wetrack] use: invalid plugin', '[wetrack] use: invalid plugin', '[wetrack] bad: invalid event from a plugin']);
  });

  it('a plugin returning an event whose name is not a string drops that event with a warning naming the call', async () => {
    const { t, fake, init } = setup({ batchSize: 100 });
    init();
    t.use({ name: 'renumber', type: 'before', execute: (e) => (e.name === 'bad' ? ({ ...e, name: 42 } as never) : e) });
    t.track('bad', { n: 1 });
    t.track('good');
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    expect(fake.delivered.map((e) => e.name)).toEqual(['good']);
    expect(warnings().map((w) => w.split(':')[0] + ':' + w.split(':')[1])).toEqual(['[wetrack] bad: invalid event from a plugin']);
  });

  it('flush() settles only once its batch is answered', async () => {
    const { t, fake, init } = setup({ batchSize: 100 });
    init();
    t.track('a');
    let settled = false;
    void t.flush().then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect([fake.pending.length, settled]).toEqual([1, false]);
    fake.pending[0].respond({ status: 200 });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(true);
  });

  it('a send that fails inside the SDK warns "send failed" and the flush settles', async () => {
    const fake = createFakePlatform();
    let broken = false;
    const t = createTrackerWith(() => ({ ...fake.platform, context: () => (broken ? ((): never => { throw new Error('no context'); })() : fake.platform.context()) }));
    t.init({ serverUrl: URL });
    broken = true;
    t.track('a');
    let settled = false;
    void t.flush().then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(true);
    expect(warnings()).toContain('[wetrack] send failed: Error: no context');
  });

  it('a 5xx warns once per status, naming it; a WeChat refusal names its cause', async () => {
    const { t, fake, init } = setup({ batchSize: 1, retryBaseMs: 100, retryMaxMs: 100 });
    init();
    const answers: { status: number; refused?: string }[] = [{ status: 500 }, { status: 500 }, { status: 502 }, { status: 0, refused: 'url not in domain list' }, { status: 200 }];
    fake.state.autoRespond = () => answers.shift();
    t.track('a');
    await vi.advanceTimersByTimeAsync(2000);
    expect(fake.delivered.map((e) => e.name)).toEqual(['a']);
    expect(warnings()).toEqual([
      '[wetrack] collector answered 500; retrying',
      '[wetrack] collector answered 502; retrying',
      expect.stringMatching(new RegExp(`^\\[wetrack\\] init: serverUrl ${URL} refused \\(url not in domain list\\): .*; events kept, retrying$`)),
    ]);
  });

  it('an event too large for storage while a batch is in flight is counted once, in the next batch', async () => {
    const fake = createFakePlatform();
    // A key limit below the big event (WeChat's is 1 MB: test/e2e/oversize.test.ts tries real sizes).
    const write = fake.platform.write;
    fake.platform.write = (key, value) => (value.length > 280_000 ? 'setStorageSync:fail exceed storage item max length' : write(key, value));
    const { t, init } = setup({ batchSize: 3 }, fake);
    init();
    for (const n of ['a', 'b', 'c']) t.track(n);
    await vi.advanceTimersByTimeAsync(600);
    expect(fake.pending).toHaveLength(1);
    // 300 values of 1000 chars (each under the 1024-char cap): past a segment's 256 K chars, so alone
    t.track('big', Object.fromEntries(Array.from({ length: 300 }, (_, i) => ['k' + i, 'x'.repeat(1000)])));
    vi.advanceTimersByTime(600);
    expect(warnings()).toEqual(['[wetrack] storage: setStorageSync:fail exceed storage item max length; big too large: dropped, counted']);
    fake.state.autoRespond = () => ({ status: 200 });
    fake.pending[0].respond({ status: 200 });
    t.track('d');
    await t.flush();
    expect(fake.sent.map((r) => [r.body.events.map((e) => e.name), r.body.dropped])).toEqual([
      [['a', 'b', 'c'], undefined],
      [['d'], 1],
    ]);
  });
});
