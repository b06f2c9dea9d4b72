import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runUntil, useFakeClock } from '../support/clock';
import { startCollector, type Collector } from '../support/collector';
import {
  createRuntime,
  disposeAllRuntimes,
  ERR_INTERRUPTED,
  ERR_OFFLINE,
  ERR_SUSPENDED,
  pendingRequests,
  type ErrMsgResult,
  type RequestSuccess,
} from './index';

let collector: Collector;

beforeEach(async () => {
  collector = await startCollector();
});

afterEach(async () => {
  disposeAllRuntimes();
  vi.useRealTimers();
  await collector.close();
});

type Outcome = { ok: true; res: RequestSuccess } | { ok: false; res: ErrMsgResult };

/** Issues a wx.request and records its single outcome (and complete) */
function send(wx: { request: (o: never) => unknown }, opts: Record<string, unknown>) {
  const out: { outcome?: Outcome; completes: number; task?: { abort(): void } } = { completes: 0 };
  out.task = wx.request({
    ...opts,
    success: (res: RequestSuccess) => {
      out.outcome = { ok: true, res };
    },
    fail: (res: ErrMsgResult) => {
      out.outcome = { ok: false, res };
    },
    complete: () => {
      out.completes++;
    },
  } as never) as { abort(): void };
  return out;
}

describe('wx.request over real HTTP', () => {
  it('POSTs an object as JSON and answers WeChat-shaped success', async () => {
    collector.setResponder(() => ({ status: 200, headers: { 'X-Trace': 'abc', 'Set-Cookie': 'sid=1' }, body: { accepted: 2 } }));
    const rt = createRuntime({ appId: 'wxapp123' });
    const { wx } = rt.start();
    const r = send(wx, { url: collector.url, method: 'POST', data: { events: [{ id: 'e1' }, { id: 'e2' }] } });
    await runUntil(() => r.outcome !== undefined, { label: 'response' });
    expect(r.outcome).toEqual({
      ok: true,
      res: {
        data: { accepted: 2 },
        statusCode: 200,
        header: expect.objectContaining({ 'X-Trace': 'abc', 'Content-Type': 'application/json' }),
        cookies: ['sid=1'],
        errMsg: 'request:ok',
      },
    });
    expect(r.completes).toBe(1);
    const got = collector.requests[0]!;
    expect(got.method).toBe('POST');
    expect(got.body).toEqual({ events: [{ id: 'e1' }, { id: 'e2' }] });
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers.referer).toBe('https://servicewechat.com/wxapp123/0/page-frame.html');
    expect(collector.uniqueIds()).toEqual(new Set(['e1', 'e2']));
    expect(rt.requests).toMatchObject({ calls: 1, sent: 1, succeeded: 1, failed: 0, inFlight: 0 });
    expect(rt.requests.log[0]).toMatchObject({ method: 'POST', statusCode: 200, errMsg: 'request:ok' });
  });

  it('sends string data as is, keeps the given content-type, text data when not JSON', async () => {
    collector.setResponder(() => ({ status: 200, body: 'plain text' }));
    const { wx } = createRuntime().start();
    const r = send(wx, { url: collector.url, method: 'POST', data: 'a=1&b=2', header: { 'Content-Type': 'text/plain' } });
    await runUntil(() => r.outcome !== undefined);
    expect(collector.requests[0]!.raw).toBe('a=1&b=2');
    expect(collector.requests[0]!.headers['content-type']).toBe('text/plain');
    expect(r.outcome!.ok && r.outcome!.res.data).toBe('plain text');
  });

  it('GET data becomes the query string; dataType other than json leaves text', async () => {
    collector.setResponder(() => ({ status: 200, body: { a: 1 } }));
    const { wx } = createRuntime().start();
    const r = send(wx, { url: `${collector.url}?x=0`, data: { q: 'a b', n: 1 }, dataType: 'text' });
    await runUntil(() => r.outcome !== undefined);
    expect(collector.requests[0]!.path).toBe('/collect?x=0&q=a%20b&n=1');
    expect(r.outcome!.ok && r.outcome!.res.data).toBe('{"a":1}');
  });

  it('a non-2xx status is still success', async () => {
    collector.setResponder(() => ({ status: 503, headers: { 'Retry-After': '3' }, body: { error: 'busy' } }));
    const rt = createRuntime();
    const r = send(rt.start().wx, { url: collector.url, method: 'POST', data: { events: [{ id: 'x' }] } });
    await runUntil(() => r.outcome !== undefined);
    expect(r.outcome!.ok).toBe(true);
    expect(r.outcome!.res).toMatchObject({ statusCode: 503, data: { error: 'busy' }, errMsg: 'request:ok' });
    expect((r.outcome!.res as RequestSuccess).header['Retry-After']).toBe('3');
    expect(collector.events()).toEqual([]); // not delivered
  });

  it('a reset socket fails with the connection-reset errMsg', async () => {
    collector.setResponder(() => ({ action: 'reset' }));
    const rt = createRuntime();
    const r = send(rt.start().wx, { url: collector.url, method: 'POST', data: {} });
    await runUntil(() => r.outcome !== undefined);
    expect(r.outcome).toEqual({ ok: false, res: { errMsg: 'request:fail -101:net::ERR_CONNECTION_RESET' } });
    expect(r.completes).toBe(1);
    expect(rt.requests.failed).toBe(1);
  });

  it('a refused connection fails', async () => {
    const srv = http.createServer();
    await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
    const port = (srv.address() as AddressInfo).port;
    await new Promise<void>((res) => srv.close(() => res()));
    const r = send(createRuntime().start().wx, { url: `http://127.0.0.1:${port}/x` });
    await runUntil(() => r.outcome !== undefined);
    expect(r.outcome).toEqual({ ok: false, res: { errMsg: 'request:fail -102:net::ERR_CONNECTION_REFUSED' } });
  });

  it('times out under the fake clock after exactly `timeout` ms when the server stalls', async () => {
    collector.setResponder(() => ({ action: 'stall' }));
    const clock = useFakeClock();
    const t0 = clock.now();
    const r = send(createRuntime().start().wx, { url: collector.url, method: 'POST', data: {}, timeout: 5000 });
    let firedAt = 0;
    await runUntil(
      () => {
        if (r.outcome && !firedAt) firedAt = clock.now();
        return r.outcome !== undefined;
      },
      { stepMs: 10, label: 'timeout' },
    );
    expect(r.outcome).toEqual({ ok: false, res: { errMsg: 'request:fail timeout' } });
    expect(firedAt - t0).toBeGreaterThanOrEqual(5000);
    expect(firedAt - t0).toBeLessThanOrEqual(5010);
    expect(collector.requests[0]!.outcome).toBe('stall');
  });

  it('default timeout is 60 s', async () => {
    collector.setResponder(() => ({ action: 'stall' }));
    const clock = useFakeClock();
    const t0 = clock.now();
    const r = send(createRuntime().start().wx, { url: collector.url, method: 'POST', data: {} });
    await runUntil(() => r.outcome !== undefined, { stepMs: 1000 });
    expect(r.outcome!.res.errMsg).toBe('request:fail timeout');
    expect(clock.now() - t0).toBe(60000);
  });

  it('answered requests are never timed out by fake time running ahead', async () => {
    const clock = useFakeClock();
    const rt = createRuntime();
    const { wx } = rt.start();
    const outs: ReturnType<typeof send>[] = [];
    // a "flush" timer every 100 ms sends a batch with a timeout far below runUntil's step
    const timer = setInterval(() => {
      outs.push(send(wx, { url: collector.url, method: 'POST', data: { events: [{ id: outs.length }] }, timeout: 5 }));
    }, 100);
    await runUntil(() => outs.length >= 40 && outs.every((o) => o.outcome), { stepMs: 1000, label: '40 batches' });
    clearInterval(timer);
    expect(outs.filter((o) => !o.outcome!.ok)).toEqual([]);
    expect(collector.uniqueIds().size).toBeGreaterThanOrEqual(40);
    expect(clock.now()).toBeGreaterThan(0);
  });

  it('abort() fails with request:fail abort', async () => {
    collector.setResponder(() => ({ action: 'stall' }));
    const rt = createRuntime();
    const r = send(rt.start().wx, { url: collector.url, method: 'POST', data: {} });
    await runUntil(() => collector.stalled() === 1, { allowStalls: true });
    r.task!.abort();
    expect(r.outcome).toEqual({ ok: false, res: { errMsg: 'request:fail abort' } });
    expect(rt.requests.aborted).toBe(1);
    await runUntil(() => collector.stalled() === 0, { allowStalls: true });
  });

  it('at most 10 requests run at once; the rest wait', async () => {
    collector.setResponder(() => ({ action: 'stall' }));
    const rt = createRuntime();
    const { wx } = rt.start();
    const outs = Array.from({ length: 12 }, () => send(wx, { url: collector.url, method: 'POST', data: {}, timeout: 1000 }));
    await runUntil(() => collector.stalled() === 10, { allowStalls: true });
    expect(rt.requests.sent).toBe(10);
    collector.setResponder(() => ({ status: 200 }));
    outs[0]!.task!.abort();
    await runUntil(() => outs[10]!.outcome !== undefined);
    expect(outs[10]!.outcome!.ok).toBe(true);
    for (const o of outs) o.task!.abort();
  });

  it('an invalid URL fails', async () => {
    const r = send(createRuntime().start().wx, { url: 'not a url' });
    await Promise.resolve();
    await Promise.resolve();
    expect(r.outcome).toEqual({ ok: false, res: { errMsg: 'request:fail invalid url "not a url"' } });
  });
});

describe('network state', () => {
  it('offline: requests fail at once without being sent; listeners get the change', async () => {
    const rt = createRuntime();
    const { wx } = rt.start();
    const changes: unknown[] = [];
    wx.onNetworkStatusChange((s) => changes.push(s));
    rt.network.set(false);
    expect(rt.network.online).toBe(false);
    expect(rt.network.type).toBe('none');
    const r = send(wx, { url: collector.url, method: 'POST', data: {} });
    await Promise.resolve();
    await Promise.resolve();
    expect(r.outcome).toEqual({ ok: false, res: { errMsg: ERR_OFFLINE } });
    await expect(wx.getNetworkType()).resolves.toMatchObject({ networkType: 'none', errMsg: 'getNetworkType:ok' });
    rt.network.set(true, '4g');
    expect(changes).toEqual([
      { isConnected: false, networkType: 'none' },
      { isConnected: true, networkType: '4g' },
    ]);
    rt.network.set(true); // no change: no event
    expect(changes).toHaveLength(2);
    expect(collector.requests).toHaveLength(0);
    const r2 = send(wx, { url: collector.url, method: 'POST', data: {} });
    await runUntil(() => r2.outcome !== undefined);
    expect(r2.outcome!.ok).toBe(true);
  });

  it('going offline fails requests in flight; offNetworkStatusChange removes listeners', async () => {
    collector.setResponder(() => ({ action: 'stall' }));
    const rt = createRuntime();
    const { wx } = rt.start();
    const cb = vi.fn();
    wx.onNetworkStatusChange(cb);
    wx.offNetworkStatusChange(cb);
    const r = send(wx, { url: collector.url, method: 'POST', data: {} });
    await runUntil(() => collector.stalled() === 1, { allowStalls: true });
    rt.network.set(false);
    expect(r.outcome).toEqual({ ok: false, res: { errMsg: ERR_OFFLINE } });
    expect(cb).not.toHaveBeenCalled();
  });

  it('getNetworkType answers on a later macrotask', async () => {
    const clock = useFakeClock();
    const rt = createRuntime({ network: { type: '4g' } });
    const { wx } = rt.start();
    const got: unknown[] = [];
    wx.getNetworkType({ success: (r) => got.push(r.networkType) });
    await Promise.resolve();
    expect(got).toEqual([]);
    await clock.advance(0);
    expect(got).toEqual(['4g']);
  });
});

describe('process lifecycle and the network', () => {
  it('kill: in-flight requests never call back; a dead wx sends nothing', async () => {
    collector.setResponder(() => ({ action: 'stall' }));
    const rt = createRuntime();
    const p = rt.start();
    const r = send(p.wx, { url: collector.url, method: 'POST', data: { events: [{ id: 'k' }] } });
    await runUntil(() => collector.stalled() === 1, { allowStalls: true });
    p.kill();
    expect(pendingRequests()).toBe(0);
    await runUntil(() => collector.stalled() === 0, { allowStalls: true });
    expect(r.outcome).toBeUndefined();
    expect(r.completes).toBe(0);
    const r2 = send(p.wx, { url: collector.url, method: 'POST', data: {} });
    await new Promise((res) => setTimeout(res, 20));
    expect(r2.outcome).toBeUndefined();
    expect(collector.requests).toHaveLength(1);
    expect(rt.requests.deadCalls).toBe(1);
  });

  it('in background for 5 s: running requests are interrupted and new ones refused until show', async () => {
    collector.setResponder(() => ({ action: 'stall' }));
    const clock = useFakeClock();
    const rt = createRuntime();
    const p = rt.start();
    p.launch();
    const r = send(p.wx, { url: collector.url, method: 'POST', data: {} });
    await runUntil(() => collector.stalled() === 1);
    const t0 = clock.now();
    p.hide();
    await runUntil(() => r.outcome !== undefined, { label: 'interrupted' });
    expect(r.outcome).toEqual({ ok: false, res: { errMsg: ERR_INTERRUPTED } });
    expect(clock.now() - t0).toBe(5000);
    expect(p.suspended).toBe(true);
    const refused = send(p.wx, { url: collector.url, method: 'POST', data: {} });
    await runUntil(() => refused.outcome !== undefined);
    expect(refused.outcome!.res.errMsg).toBe(ERR_SUSPENDED);
    p.show();
    collector.setResponder(() => ({ status: 204 }));
    const again = send(p.wx, { url: collector.url, method: 'POST', data: {} });
    await runUntil(() => again.outcome !== undefined);
    expect(again.outcome!.res).toMatchObject({ statusCode: 204, errMsg: 'request:ok' });
  });

  it('a request finishing within 5 s of hide is delivered', async () => {
    const clock = useFakeClock();
    const rt = createRuntime();
    const p = rt.start();
    p.launch();
    p.hide();
    const r = send(p.wx, { url: collector.url, method: 'POST', data: { events: [{ id: 'bye' }] } });
    await runUntil(() => r.outcome !== undefined);
    expect(r.outcome!.ok).toBe(true);
    expect(clock.now()).toBeGreaterThan(0);
    expect(collector.uniqueIds()).toEqual(new Set(['bye']));
  });
});
