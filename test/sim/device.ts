/**
 * Device / app information APIs of the simulator.
 *
 * Documented behaviour followed here (WeChat docs, wx.getSystemInfoSync, wx.getDeviceInfo,
 * wx.getWindowInfo, wx.getAppBaseInfo, wx.getAccountInfoSync):
 * - getDeviceInfo / getWindowInfo / getAppBaseInfo exist since base library 2.20.1 and
 *   split what getSystemInfoSync returns (which is deprecated in their favour but still
 *   present). `device: { legacy: true }` removes the three newer APIs from wx (and
 *   defaults SDKVersion to an older '2.19.4') so fallbacks can be tested.
 * - system is like 'iOS 17.0' / 'Android 14', platform 'ios' | 'android' | 'devtools' |
 *   'windows' | 'mac' ..., SDKVersion is the base library version, version the WeChat
 *   client version; sizes are in px, pixelRatio is the device pixel ratio.
 * - getAccountInfoSync() returns { miniProgram: { appId, envVersion: 'develop' | 'trial' |
 *   'release', version }, plugin: {} }.
 */
import type { Callbacks, ErrMsgResult } from './types';
import { completion, later, type ApiHost } from './util';

export interface DeviceProfile {
  brand: string;
  model: string;
  system: string;
  platform: string;
  SDKVersion: string;
  /** WeChat client version */
  version: string;
  language: string;
  screenWidth: number;
  screenHeight: number;
  windowWidth: number;
  windowHeight: number;
  pixelRatio: number;
  statusBarHeight: number;
  benchmarkLevel: number;
  fontSizeSetting: number;
  theme: 'light' | 'dark';
  /** when true, wx.getDeviceInfo / getWindowInfo / getAppBaseInfo are absent */
  legacy: boolean;
}

export type DeviceOptions = Partial<DeviceProfile>;

export function resolveDevice(opts: DeviceOptions = {}): DeviceProfile {
  const legacy = opts.legacy ?? false;
  return {
    brand: 'iPhone',
    model: 'iPhone 15',
    system: 'iOS 17.0',
    platform: 'ios',
    SDKVersion: legacy ? '2.19.4' : '3.6.0',
    version: '8.0.50',
    language: 'zh_CN',
    screenWidth: 393,
    screenHeight: 852,
    windowWidth: opts.screenWidth ?? 393,
    windowHeight: (opts.screenHeight ?? 852) - 91,
    pixelRatio: 3,
    statusBarHeight: 47,
    benchmarkLevel: 1,
    fontSizeSetting: 16,
    theme: 'light',
    ...opts,
    legacy,
  };
}

export interface AccountOptions {
  envVersion?: 'develop' | 'trial' | 'release';
  version?: string;
}

function safeArea(d: DeviceProfile) {
  return {
    left: 0,
    right: d.screenWidth,
    top: d.statusBarHeight,
    bottom: d.screenHeight - 34,
    width: d.screenWidth,
    height: d.screenHeight - 34 - d.statusBarHeight,
  };
}

export interface DeviceApi {
  getSystemInfoSync(): Record<string, unknown>;
  getSystemInfo(opts?: Callbacks): Promise<ErrMsgResult> | void;
  getSystemInfoAsync(opts?: Callbacks): void;
  getDeviceInfo?(): Record<string, unknown>;
  getWindowInfo?(): Record<string, unknown>;
  getAppBaseInfo?(): Record<string, unknown>;
  getAccountInfoSync(): { miniProgram: { appId: string; envVersion: string; version: string }; plugin: Record<string, unknown> };
}

export function createDeviceApi(d: DeviceProfile, appId: string, account: AccountOptions, host: ApiHost): DeviceApi {
  const deviceInfo = () => ({
    abi: d.platform === 'android' ? 'arm64-v8a' : '',
    benchmarkLevel: d.benchmarkLevel,
    brand: d.brand,
    model: d.model,
    system: d.system,
    platform: d.platform,
    memorySize: 8192,
  });
  const windowInfo = () => ({
    pixelRatio: d.pixelRatio,
    screenWidth: d.screenWidth,
    screenHeight: d.screenHeight,
    windowWidth: d.windowWidth,
    windowHeight: d.windowHeight,
    statusBarHeight: d.statusBarHeight,
    safeArea: safeArea(d),
    screenTop: 0,
  });
  const appBaseInfo = () => ({
    SDKVersion: d.SDKVersion,
    enableDebug: false,
    host: { env: 'WeChat' },
    language: d.language,
    version: d.version,
    theme: d.theme,
    fontSizeSetting: d.fontSizeSetting,
  });
  const systemInfo = () => ({
    ...deviceInfo(),
    ...windowInfo(),
    ...appBaseInfo(),
    deviceOrientation: 'portrait',
    wifiEnabled: true,
    locationEnabled: true,
    bluetoothEnabled: true,
  });
  const api: DeviceApi = {
    getSystemInfoSync: systemInfo,
    getSystemInfo(opts) {
      const c = completion(host, 'getSystemInfo', opts);
      later(() => c.done(true, { ...systemInfo(), errMsg: 'getSystemInfo:ok' }));
      return c.promise;
    },
    getSystemInfoAsync(opts) {
      const c = completion(host, 'getSystemInfoAsync', opts);
      later(() => c.done(true, { ...systemInfo(), errMsg: 'getSystemInfoAsync:ok' }));
    },
    getAccountInfoSync: () => ({
      miniProgram: { appId, envVersion: account.envVersion ?? 'release', version: account.version ?? '1.0.0' },
      plugin: {},
    }),
  };
  if (!d.legacy) {
    api.getDeviceInfo = deviceInfo;
    api.getWindowInfo = windowInfo;
    api.getAppBaseInfo = appBaseInfo;
  }
  return api;
}
