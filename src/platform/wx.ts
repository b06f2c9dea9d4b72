/// <reference types="miniprogram-api-typings" />
import type { BatchContext } from '../types';
import type { HttpResult, Platform } from './types';
import { VERSION } from '../version';
import { attempt } from '../log';
import { topRoute } from './pages';

/* The only module that touches `wx`. Public APIs only: no private globals. */

type Info = { [key: string]: string | number | undefined };
/**
 * wx as miniprogram-api-typings types it (types only: the reference above adds no code). The split
 * device APIs are missing before base library 2.20.1, though the typings declare them always.
 */
type Wx = Omit<WechatMiniprogram.Wx, 'getDeviceInfo' | 'getWindowInfo' | 'getAppBaseInfo'> &
  Partial<Pick<WechatMiniprogram.Wx, 'getDeviceInfo' | 'getWindowInfo' | 'getAppBaseInfo'>>;

/** Device facts copied into the batch context under WeChat's own names. */
const DEVICE_FIELDS = 'brand model platform system screenWidth screenHeight pixelRatio SDKVersion'.split(' ');

declare const wx: Wx;

/** Parses Retry-After, given as delta-seconds or an HTTP date, into milliseconds from now. */
export function retryAfterMs(header: Record<string, string> | undefined, now: number): number | undefined {
  // As servers write it (HTTP/1.1) or as HTTP/2 delivers it.
  const v = header && (header['Retry-After'] || header['retry-after']);
  if (v == null) return;
  // Stryker disable next-line UnaryOperator: isNaN(-v) is isNaN(+v) (the other +v is tested in test/unit/policy.test.ts)
  const ms = isNaN(+v) ? Date.parse(v) - now : +v * 1000;
  // Stryker disable next-line EqualityOperator: at ms = 0 both branches give 0
  return ms > 0 ? ms : 0;
}

export function createWxPlatform(): Platform {
  // Captured once: a process that is torn down keeps talking to its own wx, never a newer one.
  const wxApi = wx;
  let network: string | undefined;
  let ctx: BatchContext | undefined;
  /** Runs a wx API that may be missing on an old base library, or throw. */
  const call = (api: keyof Wx, ...args: unknown[]) => attempt(() => (wxApi[api] as (...a: unknown[]) => Info)(...args));

  return {
    read(key) {
      const v = call('getStorageSync', key);
      return (typeof v == 'string' && v) || undefined;
    },
    write(key, value) {
      try {
        wxApi.setStorageSync(key, value);
      } catch (e) {
        return String((e as { errMsg?: string }).errMsg || e);
      }
    },
    remove: (key) => call('removeStorageSync', key),
    post(url, body, headers, timeoutMs, done) {
      let open = true;
      // The first answer only.
      // eslint-disable-next-line no-sequences -- the if-block form costs 2-3 B min+gzip (measured)
      const end = (r: HttpResult) => open && ((open = false), done(r));
      try {
        wxApi.request({
          url,
          method: 'POST',
          data: body,
          header: Object.assign({ 'content-type': 'application/json' }, headers),
          timeout: timeoutMs,
          dataType: 'text',
          success: (res) => end({ status: res.statusCode, retryAfterMs: retryAfterMs(res.header, Date.now()) }),
          // "request:fail url not in domain list" (errno 600002): WeChat sends only to https URLs whose domain is in
          // the admin console's request list, checked on phones unless debug mode is on (D/framework/ability/network.html).
          fail: (r) => end({ status: 0, refused: /domain list/.test(r && r.errMsg) ? r.errMsg : undefined }),
        });
      } catch (e) {
        end({ status: 0 });
      }
    },
    context() {
      if (!ctx) {
        // The split APIs replace the deprecated getSystemInfoSync from base library 2.20.1 on.
        const info: Info = (wxApi.getDeviceInfo
          ? Object.assign({}, call('getDeviceInfo'), call('getWindowInfo'), call('getAppBaseInfo'))
          : call('getSystemInfoSync')) || {};
        const mp = ((call('getAccountInfoSync') || {}).miniProgram || {}) as Info;
        const made: Info = { lib: 'wetrack', libVersion: VERSION, appId: mp.appId, appVersion: mp.version, appEnv: mp.envVersion };
        for (const k of DEVICE_FIELDS) made[k] = info[k];
        ctx = made as unknown as BatchContext;
      }
      return Object.assign({}, ctx, { network });
    },
    page: topRoute,
    onNetwork(listener) {
      call('getNetworkType', { success: (r: { networkType: string }) => listener((network = r.networkType) != 'none', network) });
      call('onNetworkStatusChange', (r: { isConnected: boolean; networkType: string }) => listener(r.isConnected, (network = r.networkType)));
    },
    onAppShow: (listener) => call('onAppShow', listener),
    onAppHide: (listener) => call('onAppHide', listener),
  };
}
