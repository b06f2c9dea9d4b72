/**
 * src/platform/wx.ts on its own: what it hands to wx.request, how it reads device facts and the
 * network, on a bare stand-in for `wx` whose calls are recorded. (The simulator in test/sim runs
 * the same code inside a whole app; these cases pin what the app-level tests cannot see.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWxPlatform } from '../../src/platform/wx';
import type { HttpResult } from '../../src/platform/types';

type Options = Record<string, unknown> & { success?: (r: unknown) => void; fail?: (r: unknown) => void };
let fakeWx: Record<string, (...args: never[]) => unknown>;
let requests: Options[];

beforeEach(() => {
  requests = [];
  fakeWx = {
    request: (o: Options) => void requests.push(o),
    getStorageSync: () => '',
    setStorageSync: () => {},
    removeStorageSync: () => {},
  };
  (globalThis as { wx?: unknown }).wx = fakeWx;
});
afterEach(() => {
  delete (globalThis as { wx?: unknown }).wx;
});

describe('post', () => {
  it('sends a POST of the body as text, JSON content type first, the caller’s headers over it, with the timeout', () => {
    const done = vi.fn();
    createWxPlatform().post('https://c.example/v1/batch', '{"a":1}', { authorization: 'Bearer t' }, 7000, done);
    expect(requests).toHaveLength(1);
    const { success, fail, ...rest } = requests[0]!;
    expect(rest).toEqual({
      url: 'https://c.example/v1/batch',
      method: 'POST',
      data: '{"a":1}',
      header: { 'content-type': 'application/json', authorization: 'Bearer t' },
      timeout: 7000,
      // 'text': WeChat would otherwise try JSON.parse on the collector's answer (wx.request dataType).
      dataType: 'text',
    });
    expect([typeof success, typeof fail]).toEqual(['function', 'function']);
    expect(done).not.toHaveBeenCalled();
  });

  it('the caller’s content-type wins over the default', () => {
    createWxPlatform().post('https://c.example', '', { 'content-type': 'text/plain' }, 1, () => {});
    expect((requests[0]!.header as Record<string, string>)['content-type']).toBe('text/plain');
  });

  it('reports the status and Retry-After of an answer', () => {
    const done = vi.fn();
    createWxPlatform().post('https://c.example', '', {}, 1, done);
    requests[0]!.success!({ statusCode: 503, header: { 'Retry-After': '4' } });
    expect(done.mock.calls).toEqual([[{ status: 503, retryAfterMs: 4000 }]]);
  });

  it('a wx.request that throws is a failed attempt (status 0), reported once', () => {
    fakeWx.request = () => {
      throw new Error('request:fail');
    };
    const done = vi.fn();
    createWxPlatform().post('https://c.example', '', {}, 1, done);
    expect(done.mock.calls).toEqual([[{ status: 0 }]]);
  });

  it('only the first outcome counts: an answer, then a throw from the same call, is one answer', () => {
    fakeWx.request = (o: Options) => {
      o.success!({ statusCode: 200, header: {} });
      throw new Error('after success');
    };
    const done = vi.fn();
    createWxPlatform().post('https://c.example', '', {}, 1, done);
    expect(done.mock.calls).toEqual([[{ status: 200, retryAfterMs: undefined }]]);
  });

  it('a fail naming the domain list is a refusal; any other fail is just no answer', () => {
    const done = vi.fn();
    const platform = createWxPlatform();
    platform.post('http://c.example', '', {}, 1, done);
    platform.post('https://c.example', '', {}, 1, done);
    const refusal = 'request:fail url not in domain list';
    requests[0]!.fail!({ errMsg: refusal });
    requests[1]!.fail!({ errMsg: 'request:fail timeout' });
    const results: HttpResult[] = done.mock.calls.map((c) => c[0] as HttpResult);
    expect(results).toEqual([
      { status: 0, refused: refusal },
      { status: 0, refused: undefined },
    ]);
  });
});

describe('context', () => {
  it('reads device and app facts once, and adds the network each time', () => {
    let reads = 0;
    const counted = (facts: Record<string, unknown>) => () => {
      reads++;
      return facts;
    };
    fakeWx.getDeviceInfo = counted({ brand: 'Apple', model: 'iPhone 15', platform: 'ios', system: 'iOS 17.4' });
    fakeWx.getWindowInfo = counted({ screenWidth: 393, screenHeight: 852, pixelRatio: 3 });
    fakeWx.getAppBaseInfo = counted({ SDKVersion: '3.4.0' });
    fakeWx.getAccountInfoSync = counted({ miniProgram: { appId: 'wx123', version: '1.2.0', envVersion: 'release' } });
    let type = '';
    fakeWx.getNetworkType = (o: { success: (r: { networkType: string }) => void }) => o.success({ networkType: type });
    const platform = createWxPlatform();
    type = 'wifi';
    platform.onNetwork(() => {});
    const first = platform.context();
    const second = platform.context();
    expect(reads).toBe(4);
    expect(first).toEqual(second);
    expect(first).toMatchObject({
      lib: 'wetrack',
      appId: 'wx123',
      appVersion: '1.2.0',
      appEnv: 'release',
      brand: 'Apple',
      screenWidth: 393,
      SDKVersion: '3.4.0',
      network: 'wifi',
    });
  });

  it('falls back to getSystemInfoSync before base library 2.20.1 (no getDeviceInfo)', () => {
    fakeWx.getSystemInfoSync = () => ({ brand: 'HUAWEI', SDKVersion: '2.19.0' });
    expect(createWxPlatform().context()).toMatchObject({ brand: 'HUAWEI', SDKVersion: '2.19.0', appId: undefined });
  });
});

describe('onNetwork', () => {
  it('tells the network WeChat reports at first, then each change', () => {
    let change: ((r: { isConnected: boolean; networkType: string }) => void) | undefined;
    fakeWx.getNetworkType = (o: { success: (r: { networkType: string }) => void }) => o.success({ networkType: 'none' });
    fakeWx.onNetworkStatusChange = (l: typeof change) => void (change = l);
    const listener = vi.fn();
    const platform = createWxPlatform();
    platform.onNetwork(listener);
    expect(listener.mock.calls).toEqual([[false, 'none']]);
    change!({ isConnected: true, networkType: '4g' });
    expect(listener.mock.calls).toEqual([
      [false, 'none'],
      [true, '4g'],
    ]);
    expect(platform.context().network).toBe('4g');
  });
});
