/**
 * Subpackages (app.json `subpackages`), independent subpackages, and Moments single-page mode.
 *
 * Independent subpackages, documented (WeChat docs, framework/subpackages/independent.html,
 * developers.weixin.qq.com/miniprogram/dev/framework/subpackages/independent.html):
 * - A subpackage with `independent: true` runs without the main package: "从独立分包中页面进入小程序时，
 *   不需要下载主包。当用户进入普通分包或主包内页面时，主包才会被下载". So a launch into one of its pages
 *   does not run app.js: `getApp()` is undefined ("此时调用 getApp() 获取到的是 undefined"), and
 *   `getApp({ allowDefault: true })` (2.2.4+) returns a default object whose properties are merged
 *   into the real App once it is registered (app.ts).
 * - "独立分包中不能依赖主包和其他分包中的内容，包括 js 文件…": the subpackage cannot require the main
 *   package's npm copy, so it carries its own copy of any package it uses (DevTools builds npm into a
 *   subpackage with project.config.json `packNpmRelationList`, developers.weixin.qq.com/miniprogram/dev/devtools/npm.html).
 *   The simulator cannot enforce `require`; tests load a second copy of the SDK module themselves.
 * - "当从独立分包启动小程序时，主包中 App 的 onLaunch 和首次 onShow 会在从独立分包页面首次进入主包或其他
 *   普通分包页面时调用": app.js runs, then App.onLaunch and the first App.onShow, when the first page of
 *   the main package (or of a normal subpackage) is entered; then that page loads.
 * - "小程序生命周期的监听可以使用 wx.onAppShow，wx.onAppHide 完成": the subpackage listens with these.
 *
 * Where the documentation is silent, both plausible behaviours are modelled (IndependentOptions)
 * and tests run both:
 * - `entryFileFirst`: whether the entry page's file runs before the launch's app show is
 *   dispatched, so that wx.onAppShow listeners it registers get that show (true) or only later
 *   ones (false, the default: the simulator dispatches the show first, as in a normal launch).
 * - `deferredShowListeners`: whether wx.onAppShow listeners are also called with the late first
 *   App.onShow when the main package is entered (the doc says wx.onAppShow has "the same timing as
 *   App.onShow", but this show is no return to the foreground). Default false.
 *
 * Moments single-page mode (WeChat docs, framework/open-ability/share-timeline.html,
 * developers.weixin.qq.com/miniprogram/dev/framework/open-ability/share-timeline.html):
 * - Opened from a Moments share, scene 1154 ("可通过判断场景值等于 1154 的方法来进行页面适配"); the
 *   launch options' `apiCategory` is 'browseOnly' ("仅浏览，朋友圈快照页等场景打开的小程序",
 *   wx.getLaunchOptionsSync, base library 2.20.0+).
 * - "本地存储与小程序普通模式不共用": a storage of its own (runtime.ts keeps a second SimStorage for
 *   scene 1154); it is assumed to persist across single-page launches like the normal one (not documented).
 * - "页面无登录态，与登录相关的接口，如 wx.login 均不可用"; route APIs (wx.redirectTo, reLaunch,
 *   navigateTo, switchTab, navigateBack), chooseMedia/chooseImage and others are in the disabled list;
 *   "若页面包含 tabBar，tabBar 不会渲染". How a disabled API behaves is not documented beyond "会弹 toast
 *   提示“请前往小程序使用完整服务”" for some: modelled both as absent from `wx` ('absent') and as present and
 *   failing with that text ('fail', the default). A developers' report says an API deprecated at
 *   2.20.1 (getSystemInfoSync is) returned undefined there (developers.weixin.qq.com/community/develop/doc/000e2added4d009301f1ee17466800):
 *   in 'absent' mode getSystemInfoSync returns undefined too.
 * - The page content runs as in the mini-program ("“单页模式”默认运行的是小程序页面内容"); the docs do
 *   not say whether app.js runs, developers' write-ups check the scene in App.onLaunch/onShow, so it runs.
 * - "前往小程序" on the bottom bar opens the mini-program itself: a new launch with scene 1155 and the
 *   normal storage (developers' community thread quoting "场景值 从 1154 到 1155").
 */
import type { AppConfig, Callbacks, Dict } from './types';
import { completion, later, type ApiHost } from './util';

export const SINGLE_PAGE_SCENE = 1154;

/** Silent points of the independent-subpackage documentation; see the header. */
export interface IndependentOptions {
  entryFileFirst?: boolean;
  deferredShowListeners?: boolean;
}

/** How the APIs single-page mode disables behave; see the header. */
export type SinglePageApis = 'fail' | 'absent';

/** The disabled APIs of the doc's list that exist on a `wx` object (the simulator's and wx.login). */
export const SINGLE_PAGE_DISABLED = [
  'login',
  'redirectTo',
  'reLaunch',
  'navigateTo',
  'switchTab',
  'navigateBack',
  'chooseMedia',
  'chooseImage',
  'saveImageToPhotosAlbum',
  'chooseVideo',
  'saveVideoToPhotosAlbum',
] as const;

/** The toast text the doc gives for a disabled API. */
export const SINGLE_PAGE_TOAST = '请前往小程序使用完整服务';

const strip = (r: string) => r.replace(/^\/+/, '').replace(/\/+$/, '');

/** Routes of every subpackage page, `root/page`, in app.json order. */
export function subpackagePages(config: AppConfig | undefined): string[] {
  return (config?.subpackages ?? []).flatMap((s) => s.pages.map((p) => strip(s.root) + '/' + strip(p)));
}

/** Whether `route` is a page of an independent subpackage. */
export function isIndependent(config: AppConfig | undefined, route: string): boolean {
  return (config?.subpackages ?? []).some((s) => s.independent === true && s.pages.some((p) => strip(s.root) + '/' + strip(p) === route));
}

/**
 * Applies single-page mode's disabled APIs to a process's `wx`: 'absent' removes them; 'fail'
 * answers each call on a later macrotask with fail/complete (or a rejected promise) carrying the
 * toast text.
 */
export function restrictSinglePage(wx: Dict, mode: SinglePageApis, host: ApiHost): void {
  for (const name of SINGLE_PAGE_DISABLED) {
    if (mode === 'absent') {
      delete wx[name];
      continue;
    }
    wx[name] = (opts?: Callbacks) => {
      const c = completion(host, name, opts);
      later(() => c.done(false, { errMsg: `${name}:fail ${SINGLE_PAGE_TOAST}` }));
      return c.promise;
    };
  }
  if (mode === 'absent') wx.getSystemInfoSync = () => undefined;
}
