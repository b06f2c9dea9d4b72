import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runUntil, useFakeClock } from '../support/clock';
import { startCollector, type Collector } from '../support/collector';
import { createRuntime, disposeAllRuntimes, type ErrMsgResult } from './index';

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  disposeAllRuntimes();
  vi.useRealTimers();
  while (closers.length) await closers.pop()!();
});

async function collectorForTest(): Promise<Collector> {
  const c = await startCollector();
  closers.push(() => c.close());
  return c;
}

function post(url: string, data: unknown, timeout = 10000) {
  const { wx } = createRuntime().start();
  const out: { done: boolean; res?: ErrMsgResult } = { done: false };
  wx.request({
    url,
    method: 'POST',
    data,
    timeout,
    complete: (res) => {
      out.done = true;
      out.res = res;
    },
  });
  return out;
}

describe('collector', () => {
  it('answers 200 by default, records requests and delivered events', async () => {
    const c = await collectorForTest();
    expect(c.url).toBe(`http://127.0.0.1:${c.port}/collect`);
    const r = post(c.url, { events: [{ id: 'a', name: 'x' }, { id: 'b' }] });
    await runUntil(() => r.done);
    expect(r.res).toMatchObject({ statusCode: 200, data: { ok: true } });
    expect(c.requests).toHaveLength(1);
    expect(c.requests[0]).toMatchObject({ status: 200, outcome: 'answered', index: 0, method: 'POST', path: '/collect' });
    expect(c.batches).toEqual([{ events: [{ id: 'a', name: 'x' }, { id: 'b' }] }]);
    expect(c.events()).toEqual([{ id: 'a', name: 'x' }, { id: 'b' }]);
    expect(c.uniqueIds()).toEqual(new Set(['a', 'b']));
  });

  it('only 2xx-answered batches count as delivered; duplicates are visible', async () => {
    const c = await collectorForTest();
    c.setResponder((req) => (req.index === 1 ? { status: 500 } : { status: 202 }));
    for (const ids of [['a'], ['b'], ['a', 'c']]) {
      const r = post(c.url, { events: ids.map((id) => ({ eventId: id })) });
      await runUntil(() => r.done);
    }
    expect(c.requests.map((r) => r.status)).toEqual([202, 500, 202]);
    expect(c.events().map((e) => e.eventId)).toEqual(['a', 'a', 'c']);
    expect(c.uniqueIds()).toEqual(new Set(['a', 'c']));
    expect(c.uniqueIds('eventId')).toEqual(new Set(['a', 'c']));
    expect(c.duplicateIds()).toEqual(['a']);
  });

  it('passes body/raw/headers/index to the responder and honours reset and stall', async () => {
    const c = await collectorForTest();
    const seen: unknown[] = [];
    c.setResponder((req) => {
      seen.push({ body: req.body, raw: req.raw, ct: req.headers['content-type'], index: req.index });
      return req.index === 0 ? { action: 'reset' } : { action: 'stall' };
    });
    const r1 = post(c.url, { events: [] });
    await runUntil(() => r1.done);
    expect(r1.res!.errMsg).toBe('request:fail -101:net::ERR_CONNECTION_RESET');
    const clock = useFakeClock();
    const r2 = post(c.url, 'raw text', 3000);
    const t0 = clock.now();
    await runUntil(() => r2.done);
    expect(r2.res!.errMsg).toBe('request:fail timeout');
    expect(clock.now() - t0).toBe(3000);
    expect(seen).toEqual([
      { body: { events: [] }, raw: '{"events":[]}', ct: 'application/json', index: 0 },
      { body: 'raw text', raw: 'raw text', ct: 'application/json', index: 1 },
    ]);
    expect(c.requests.map((r) => r.outcome)).toEqual(['reset', 'stall']);
    expect(c.events()).toEqual([]);
  });

  it('close() ends stalled connections at once', async () => {
    const c = await startCollector({ responder: () => ({ action: 'stall' }) });
    const r = post(c.url, {});
    await runUntil(() => c.stalled() === 1, { allowStalls: true });
    await c.close();
    await runUntil(() => r.done, { allowStalls: true });
    expect(r.res!.errMsg).toBe('request:fail -101:net::ERR_CONNECTION_RESET');
  });
});

describe('clock', () => {
  it('useFakeClock fakes Date and timers but not I/O', async () => {
    const clock = useFakeClock(Date.UTC(2030, 0, 1));
    expect(Date.now()).toBe(Date.UTC(2030, 0, 1));
    let fired = false;
    setTimeout(() => (fired = true), 1000);
    await new Promise((r) => setImmediate(r)); // real
    expect(fired).toBe(false);
    await clock.advance(1000);
    expect(fired).toBe(true);
    clock.restore();
    expect(vi.isFakeTimers()).toBe(false);
  });

  it('runUntil reports the label and simulated time when the condition never holds', async () => {
    useFakeClock();
    await expect(runUntil(() => false, { maxMs: 1000, stepMs: 100, label: 'never' })).rejects.toThrow(
      /runUntil\(never\): not reached after 1000 ms of simulated time/,
    );
  });

  it('runUntil returns the simulated time it took', async () => {
    const clock = useFakeClock();
    let ready = false;
    setTimeout(() => (ready = true), 730);
    const took = await runUntil(() => ready, { stepMs: 100 });
    expect(took).toBe(800);
    expect(clock.now()).toBeGreaterThan(0);
  });

  it('runUntil also works with real timers', async () => {
    let ready = false;
    setTimeout(() => (ready = true), 30);
    await runUntil(() => ready, { maxMs: 5000 });
    expect(ready).toBe(true);
  });

  it('does not advance fake time while an answer is awaited; a silent foreign server needs allowStalls', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = http.createServer(() => undefined); // never answers, not a collector
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
    closers.push(
      () =>
        new Promise<void>((res) => {
          for (const s of sockets) s.destroy();
          silent.close(() => res());
        }),
    );
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    const clock = useFakeClock();
    const r = post(url, {}, 2000);
    const t0 = clock.now();
    await expect(runUntil(() => r.done, { realWaitLimitMs: 150, label: 'silent' })).rejects.toThrow(/got no answer for 150 ms of real time/);
    expect(clock.now()).toBe(t0); // fake time stood still meanwhile
    await runUntil(() => r.done, { allowStalls: true });
    expect(r.res!.errMsg).toBe('request:fail timeout');
  });
});
