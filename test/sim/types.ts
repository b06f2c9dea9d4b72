/**
 * Shared types of the WeChat mini-program runtime simulator.
 *
 * Documented behaviour followed here (WeChat official docs, "API" conventions):
 * - Every asynchronous wx API takes `{ success, fail, complete }`; each callback receives
 *   an object with an `errMsg` of the form `"<apiName>:ok"` or `"<apiName>:fail <reason>"`.
 * - When none of success/fail/complete is given, APIs that support the "Promise style"
 *   return a Promise instead (resolving with the success object, rejecting with the
 *   fail object). wx.request does not: it always returns a RequestTask.
 */

export type Dict = Record<string, unknown>;

/** Page query as WeChat hands it to onLoad: string values, not URL-decoded. */
export type Query = Record<string, string>;

export interface ErrMsgResult {
  errMsg: string;
  [k: string]: unknown;
}

export interface Callbacks<S extends ErrMsgResult = ErrMsgResult, F extends ErrMsgResult = ErrMsgResult> {
  success?: (res: S) => void;
  fail?: (res: F) => void;
  complete?: (res: S | F) => void;
}

export interface ReferrerInfo {
  appId?: string;
  extraData?: Dict;
}

/** What `rt.start()` accepts: how the mini-program is entered. */
export interface StartOptions {
  scene?: number;
  /** entry page route, with or without leading slash; may carry `?query` */
  path?: string;
  query?: Query;
  referrerInfo?: ReferrerInfo;
  shareTicket?: string;
  chatType?: number;
  apiCategory?: string;
}

/** Shape of wx.getLaunchOptionsSync()/getEnterOptionsSync() and App.onLaunch/onShow argument. */
export interface EnterOptions {
  path: string;
  query: Query;
  scene: number;
  referrerInfo: ReferrerInfo;
  shareTicket?: string;
  chatType?: number;
  apiCategory: string;
}

export interface TabBarItem {
  pagePath: string;
  text: string;
}

export interface AppConfig {
  pages: string[];
  tabBar?: { list: TabBarItem[] };
  /** app.json `subpackages`: pages are `root/page`; `independent` ones run without the main package (subpackages.ts) */
  subpackages?: { root: string; pages: string[]; independent?: boolean }[];
}

export type NetworkType = 'wifi' | '2g' | '3g' | '4g' | '5g' | 'unknown' | 'none';

export type AnyFn = (...args: never[]) => unknown;
