import { afterEach, describe, expect, it, vi } from 'vitest';
import { useFakeClock } from '../support/clock';
import { createRuntime, disposeAllRuntimes, ONE_MB, type StorageCall } from './index';

afterEach(() => {
  disposeAllRuntimes();
  vi.useRealTimers();
});

function caught(fn: () => unknown): { message: string; errMsg?: string } | undefined {
  try {
    fn();
  } catch (e) {
    return e as { message: string; errMsg?: string };
  }
  return undefined;
}

describe('sync storage', () => {
  it("getStorageSync of a missing key returns ''", () => {
    const { wx } = createRuntime().start();
    expect(wx.getStorageSync('missing')).toBe('');
  });

  it('stores a JSON copy; Date and undefined round-trip', () => {
    const { wx } = createRuntime().start();
    const obj = { a: [1, 2], f: () => 1, u: undefined, n: null };
    wx.setStorageSync('o', obj);
    obj.a.push(3);
    expect(wx.getStorageSync('o')).toEqual({ a: [1, 2], n: null });
    const got = wx.getStorageSync('o') as { a: number[] };
    got.a.push(9);
    expect(wx.getStorageSync('o')).toEqual({ a: [1, 2], n: null });
    const d = new Date('2024-01-02T03:04:05.000Z');
    wx.setStorageSync('d', d);
    expect(wx.getStorageSync('d')).toEqual(d);
    expect(wx.getStorageSync('d')).toBeInstanceOf(Date);
    wx.setStorageSync('s', 'text');
    expect(wx.getStorageSync('s')).toBe('text');
    wx.removeStorageSync('s');
    expect(wx.getStorageSync('s')).toBe('');
  });

  it('counts UTF-8 bytes of key + JSON value and reports info in KB', () => {
    const rt = createRuntime();
    const { wx } = rt.start();
    wx.setStorageSync('k', '中'); // key 1 byte + '"中"' = 5 bytes
    expect(rt.storage.bytesUsed()).toBe(6);
    wx.setStorageSync('big', 'x'.repeat(3000));
    expect(wx.getStorageInfoSync()).toEqual({ keys: ['k', 'big'], currentSize: 3, limitSize: 10240 });
  });

  it('per-key limit: throws the WeChat errMsg and keeps the previous value', () => {
    const rt = createRuntime({ storage: { keyLimitBytes: 100 } });
    const { wx } = rt.start();
    wx.setStorageSync('k', 'small');
    const err = caught(() => wx.setStorageSync('k', 'x'.repeat(200)));
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toBe('setStorageSync:fail exceed storage item max length');
    expect(err!.errMsg).toBe('setStorageSync:fail exceed storage item max length');
    expect(wx.getStorageSync('k')).toBe('small');
  });

  it('total limit: fails with "exceed storage max size" and the previous value stays', () => {
    const rt = createRuntime({ storage: { totalLimitBytes: 1000 } });
    const { wx } = rt.start();
    wx.setStorageSync('a', 'x'.repeat(600));
    wx.setStorageSync('b', 'y'.repeat(300));
    const err = caught(() => wx.setStorageSync('b', 'y'.repeat(500)));
    expect(err!.message).toBe('setStorageSync:fail exceed storage max size 10Mb');
    expect(wx.getStorageSync('b')).toBe('y'.repeat(300));
    // overwriting a key counts its old size out
    wx.setStorageSync('a', 'x'.repeat(100));
    wx.setStorageSync('b', 'y'.repeat(500));
    expect(rt.storage.bytesUsed()).toBeLessThanOrEqual(1000);
  });

  it('defaults to 1 MB per key and 10 MB in total', () => {
    const rt = createRuntime();
    const { wx } = rt.start();
    expect(rt.storage.keyLimitBytes).toBe(ONE_MB);
    expect(rt.storage.totalLimitBytes).toBe(10 * ONE_MB);
    expect(caught(() => wx.setStorageSync('k', 'x'.repeat(ONE_MB)))!.message).toContain('exceed storage item max length');
    for (let i = 0; i < 10; i++) wx.setStorageSync(`k${i}`, 'x'.repeat(ONE_MB - 100));
    expect(caught(() => wx.setStorageSync('k10', 'x'.repeat(ONE_MB - 100)))!.message).toContain('exceed storage max size');
  });

  it('rejects non-string keys and unserialisable data', () => {
    const { wx } = createRuntime().start();
    expect(caught(() => wx.setStorageSync(undefined as unknown as string, 1))!.message).toBe(
      'setStorageSync:fail parameter error: parameter.key should be String instead of Undefined;',
    );
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(caught(() => wx.setStorageSync('c', circular))!.message).toMatch(/^setStorageSync:fail parameter error/);
  });
});

describe('async storage', () => {
  it('answers on a later macrotask (fake timers govern it) with errMsg', async () => {
    const clock = useFakeClock();
    const { wx } = createRuntime().start();
    const log: unknown[] = [];
    wx.setStorage({ key: 'a', data: { x: 1 }, success: (r) => log.push(r), complete: () => log.push('complete') });
    wx.getStorage({ key: 'a', success: (r) => log.push(r) });
    wx.getStorage({ key: 'missing', fail: (r) => log.push(r) });
    expect(log).toEqual([]);
    await Promise.resolve();
    expect(log).toEqual([]);
    await clock.advance(0);
    expect(log).toEqual([
      { errMsg: 'setStorage:ok' },
      'complete',
      { data: { x: 1 }, errMsg: 'getStorage:ok' },
      { errMsg: 'getStorage:fail data not found' },
    ]);
  });

  it('supports the Promise style and getStorageInfo/removeStorage/clearStorage', async () => {
    const rt = createRuntime();
    const { wx } = rt.start();
    await expect(wx.setStorage({ key: 'a', data: 1 })).resolves.toEqual({ errMsg: 'setStorage:ok' });
    await expect(wx.getStorageInfo()).resolves.toEqual({ keys: ['a'], currentSize: 1, limitSize: 10240, errMsg: 'getStorageInfo:ok' });
    await expect(wx.removeStorage({ key: 'a' })).resolves.toEqual({ errMsg: 'removeStorage:ok' });
    await expect(wx.getStorage({ key: 'a' })).rejects.toEqual({ errMsg: 'getStorage:fail data not found' });
    wx.setStorageSync('b', 2);
    await expect(wx.clearStorage()).resolves.toEqual({ errMsg: 'clearStorage:ok' });
    expect(rt.storage.keys()).toEqual([]);
  });

  it('async set over the limit fails and keeps the old value', async () => {
    const rt = createRuntime({ storage: { keyLimitBytes: 50 } });
    const { wx } = rt.start();
    wx.setStorageSync('k', 'old');
    await expect(wx.setStorage({ key: 'k', data: 'x'.repeat(100) })).rejects.toEqual({ errMsg: 'setStorage:fail exceed storage item max length' });
    expect(wx.getStorageSync('k')).toBe('old');
  });
});

describe('SimStorage instrumentation', () => {
  it('counts calls per kind and per API, and bytes written', async () => {
    const rt = createRuntime();
    const { wx } = rt.start();
    wx.setStorageSync('a', 'xy'); // 1 + 4 bytes
    wx.getStorageSync('a');
    wx.getStorageSync('b');
    await wx.setStorage({ key: 'c', data: 1 }); // 1 + 1 bytes
    expect(rt.storage.counters).toEqual({
      syncCalls: 3,
      asyncCalls: 1,
      setCalls: 2,
      bytesWritten: 7,
      deadCalls: 0,
      perApi: { setStorageSync: 1, getStorageSync: 2, setStorage: 1 },
    });
    rt.storage.resetCounters();
    expect(rt.storage.counters.syncCalls).toBe(0);
  });

  it('onCall tells every call, so a test can assert no sync call happened in a function', () => {
    const rt = createRuntime();
    const { wx } = rt.start();
    const calls: StorageCall[] = [];
    const off = rt.storage.onCall((c) => calls.push(c));
    wx.setStorage({ key: 'a', data: 1, success: () => undefined });
    wx.getStorageSync('x');
    off();
    wx.getStorageSync('y');
    expect(calls).toEqual([
      { api: 'setStorage', key: 'a', sync: false },
      { api: 'getStorageSync', key: 'x', sync: true },
    ]);
  });

  it('failWrites(n) fails the next n writes with a quota error (or a given errMsg)', () => {
    const rt = createRuntime();
    const { wx } = rt.start();
    rt.storage.failWrites(2);
    expect(caught(() => wx.setStorageSync('a', 1))!.message).toBe('setStorageSync:fail exceed storage max size 10Mb');
    expect(caught(() => wx.setStorageSync('a', 1))).toBeDefined();
    wx.setStorageSync('a', 1);
    rt.storage.failWrites(1, 'disk full');
    expect(caught(() => wx.setStorageSync('a', 2))!.message).toBe('setStorageSync:fail disk full');
    expect(wx.getStorageSync('a')).toBe(1);
  });

  it('failWhen(pred) injects faults for any op, reads included', async () => {
    const rt = createRuntime();
    const { wx } = rt.start();
    wx.setStorageSync('q', [1]);
    rt.storage.failWhen((op, key) => (op === 'getStorageSync' && key === 'q' ? 'read error' : false));
    expect(caught(() => wx.getStorageSync('q'))!.message).toBe('getStorageSync:fail read error');
    rt.storage.failWhen((op) => op === 'setStorage');
    await expect(wx.setStorage({ key: 'z', data: 1 })).rejects.toEqual({ errMsg: 'setStorage:fail exceed storage max size 10Mb' });
    rt.storage.failWhen(null);
    expect(wx.getStorageSync('q')).toEqual([1]);
  });

  it('corrupt() puts a raw value; dump() and seed()/peek() bypass counters', () => {
    const rt = createRuntime();
    const { wx } = rt.start();
    rt.storage.corrupt('queue', '{"events":[{"id":');
    expect(wx.getStorageSync('queue')).toBe('{"events":[{"id":');
    rt.storage.seed('s', { a: 1 });
    expect(rt.storage.peek('s')).toEqual({ a: 1 });
    expect(rt.storage.dump()).toEqual({ queue: '{"events":[{"id":', s: { a: 1 } });
    expect(rt.storage.counters.perApi).toEqual({ getStorageSync: 1 });
  });
});

describe('storage and process death', () => {
  it('a dead wx does nothing: returns ""/undefined, no callback, counted as dead calls', async () => {
    const clock = useFakeClock();
    const rt = createRuntime();
    const p = rt.start();
    p.wx.setStorageSync('k', 'v');
    const wx = p.wx;
    p.kill();
    expect(wx.getStorageSync('k')).toBe('');
    expect(wx.setStorageSync('k', 'other')).toBeUndefined();
    expect(wx.removeStorageSync('k')).toBeUndefined();
    expect(wx.clearStorageSync()).toBeUndefined();
    const cb = vi.fn();
    wx.setStorage({ key: 'k', data: 'async', success: cb, fail: cb, complete: cb });
    await clock.advance(100);
    expect(cb).not.toHaveBeenCalled();
    expect(rt.storage.peek('k')).toBe('v');
    expect(rt.storage.counters.deadCalls).toBe(5);
  });

  it('an async write still pending when the process dies is lost', async () => {
    const clock = useFakeClock();
    const rt = createRuntime();
    const p = rt.start();
    p.wx.setStorage({ key: 'late', data: 1, success: () => undefined });
    p.kill();
    await clock.advance(10);
    expect(rt.storage.has('late')).toBe(false);
  });

  it('storage persists into the next process', () => {
    const rt = createRuntime();
    rt.start().wx.setStorageSync('id', 'abc');
    rt.current!.kill();
    expect(rt.start().wx.getStorageSync('id')).toBe('abc');
  });
});
