/* Part of the platform adapter: the launch options auto-capture reads once at start. */

/** What WeChat says about how the mini-program was opened: scene, path, query, referrerInfo. */
export interface EnterOptions {
  scene?: number;
  path?: string;
  query?: { [key: string]: string };
  referrerInfo?: { appId?: string };
}

declare const wx: { getLaunchOptionsSync?(): EnterOptions };

export function launchOptions(): EnterOptions {
  try {
    return wx.getLaunchOptionsSync!() || {};
  } catch (e) {
    return {};
  }
}
