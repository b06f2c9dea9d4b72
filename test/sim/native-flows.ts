/**
 * WeChat's native full-screen flows: wx.previewImage, chooseImage, requestPayment, scanCode… open
 * a native screen over the mini-program. WeChat tells the app it went to the background (page
 * onHide, App onHide, wx.onAppHide) when the screen opens, and that it came back (App onShow,
 * wx.onAppShow, page onShow) when the user closes it, although the user never left the page.
 *
 * WeChat documents none of this (the API pages only say "在新页面中全屏预览图片", "调起…原生界面");
 * developers report it in WeChat's own community (developers.weixin.qq.com/community, below
 * `C/` = developers.weixin.qq.com/community/) and elsewhere:
 * - previewImage: App onHide when called, App onShow when closed
 *   (C/personal/oCJUsw1QWccnpBLErEh7GOOBdU7c/question "wx.previewImage 为什么为触发 onHide 和
 *   onShow呢"); the page's onShow runs on closing, Android and iOS, WeChat 8.0.42, base library
 *   3.1.2 (C/develop/doc/000a22c61c8fa0b0dc703a06266000).
 * - previewImage's success: on an iPhone it fires while the viewer is open (a toast shown from it
 *   is hidden by the viewer), on Android (Mate 9) after the viewer is closed
 *   (C/personal/oCJUsw0_A0HOSmJu6xMzkjfCMKI4/question) → option `successOnOpen`.
 * - chooseMedia: "page的onHide > app的onHide > app的onShow > page的onShow"
 *   (blog.csdn.net/m0_71349739/article/details/128252605); chooseImage, chooseVideo, scanCode,
 *   chooseMedia (blog.csdn.net/weixin_48813932/article/details/148289794); previewImage, choosing
 *   files and images, the camera (blog.csdn.net/egg_MuscleMan/article/details/109531466, which
 *   also lists makePhoneCall and addPhoneContact: left out, a phone call leaves WeChat itself).
 * - scanCode's success relative to the return: Android runs onShow first and then the success
 *   callback, iOS the other way round (C/personal/oCJUswyG1HEDC_xoTAb9aTPmbSqs/question) →
 *   option `callbacks`.
 * - requestPayment: the page's onShow runs on the return from a successful payment (WeChat 7.0.4,
 *   base library 2.7.1, C/develop/doc/000206bd4946984300b8862d55bc00); an answer in the same
 *   community says no lifecycle runs (C/develop/doc/aec9dd96a5216b6a70aa88060f76e3ea), and a
 *   developer saw it on Android but not on iOS (cnblogs.com/zhangweihu/p/archive/2017/12/28).
 *   Contradictory: option `noHide` models a payment sheet that does not hide the app.
 * - openDocument: the page's onShow is the only sign that the document was closed
 *   (C/develop/doc/0008c22f9c81f89e5a221f45061400, C/develop/doc/00020e91864420df4a0cc311056800).
 * - openSetting: App onShow runs on the return from the settings page
 *   (C/develop/doc/000ea2f1df8f30241c198775c56800).
 * - previewMedia (previewImage's successor), chooseMessageFile, chooseLocation, openLocation,
 *   chooseAddress: native screens like the above ("调起用户编辑收货地址原生界面", wx.chooseAddress;
 *   "打开地图选择位置", wx.chooseLocation); listed by issue 9 point 5, no report of their own found.
 *
 * Order. WeChat documents the order only for going to the background and back ("应用生命周期影响
 * 页面生命周期": page onHide before App onHide; App onShow before page onShow), the chooseMedia
 * report above sees the same for a flow; another platform documents App first on both sides for
 * its scanner (Alipay mPaaS my.scan, help.aliyun.com/document_detail/67557.html: app.onHide >
 * page.onHide > app.onShow > page.onShow). Options `hideOrder` / `showOrder` cover both.
 * The scene of the App onShow that ends a flow is not documented: the scene of the last entry is
 * kept here (the user never left WeChat).
 *
 * The model: a call of a flow API waits `openAfterMs` (a macrotask; null: until the test calls
 * `open()`), then the screen opens and hides the app; the test then plays the user: `finish('ok')`
 * or `finish('cancel')` shows the app again and settles the call (success/fail then complete, or
 * the Promise). `refuse()` fails a call at once, before any screen (a payment refused, a
 * permission denied): no hide, no show. Leaving to the home screen from inside a flow changes
 * nothing the app sees (it is already in the background); time passes until `finish()`, and a
 * killed process never hears of the flow again.
 */
import type { Callbacks, Dict, ErrMsgResult } from './types';
import { completion, type ApiHost, type Completion } from './util';

/** The flow APIs the simulated wx has. */
export const FLOW_APIS = [
  'previewImage',
  'previewMedia',
  'chooseImage',
  'chooseMedia',
  'chooseVideo',
  'chooseMessageFile',
  'openDocument',
  'requestPayment',
  'scanCode',
  'chooseLocation',
  'openLocation',
  'chooseAddress',
  'openSetting',
] as const;
export type FlowApi = (typeof FLOW_APIS)[number];

export type HideOrder = 'page-first' | 'app-first';
export type ShowOrder = 'app-first' | 'page-first';

export interface NativeFlowOptions {
  /** ms from the call until the native screen opens (default 0: the next macrotask); null = the test calls open() */
  openAfterMs?: number | null;
  /** default 'page-first' (documented for the background, reported for chooseMedia) */
  hideOrder?: HideOrder;
  /** default 'app-first' (documented for the foreground, reported for chooseMedia) */
  showOrder?: ShowOrder;
  /** when a return settles the call: 'after-show' (default; scanCode on Android) or 'before-show' (scanCode on iOS) */
  callbacks?: 'after-show' | 'before-show';
  /** APIs whose success fires when the screen opens, before the hide (previewImage on iOS) */
  successOnOpen?: FlowApi[];
  /** APIs whose screen does not hide the app (requestPayment, per some reports) */
  noHide?: FlowApi[];
  /** APIs absent from wx (an old base library: previewMedia 2.12.0, chooseMedia 2.10.0…) */
  missing?: FlowApi[];
}

/** What the flows need from the process. */
export interface FlowHost extends ApiHost {
  readonly visible: boolean;
  trace(entry: string): void;
  hide(order: HideOrder): void;
  show(order: ShowOrder): void;
}

/** One call of a flow API, as the simulator saw it. */
export interface FlowCall {
  api: FlowApi;
  /** 'pending' until the screen opens; 'open' while the user is in it; then how it ended */
  state: 'pending' | 'open' | 'ok' | 'cancel' | 'refused';
  /** whether opening the screen hid the app */
  hid: boolean;
}

interface Live {
  call: FlowCall;
  done: Completion<ErrMsgResult>;
  settled: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/** What a successful call reports, per API (the documented success fields, with sample values). */
const RESULTS: Partial<Record<FlowApi, Dict>> = {
  chooseImage: { tempFilePaths: ['wxfile://tmp/a.jpg'], tempFiles: [{ path: 'wxfile://tmp/a.jpg', size: 1024 }] },
  chooseMedia: { tempFiles: [{ tempFilePath: 'wxfile://tmp/a.jpg', size: 1024, fileType: 'image' }], type: 'image' },
  chooseVideo: { tempFilePath: 'wxfile://tmp/v.mp4', duration: 3, size: 4096, width: 720, height: 1280 },
  chooseMessageFile: { tempFiles: [{ path: 'wxfile://tmp/f.pdf', size: 2048, name: 'f.pdf', type: 'file', time: 0 }] },
  scanCode: { result: 'https://example.com/q', scanType: 'QR_CODE', charSet: 'UTF-8', path: '', rawData: '' },
  chooseLocation: { name: 'Place', address: 'Street 1', latitude: 31.23, longitude: 121.47 },
  chooseAddress: { userName: 'Zhang San', telNumber: '020-81167888', provinceName: 'Guangdong', cityName: 'Guangzhou', countyName: 'Haizhu', detailInfo: 'Xingang Rd 397', postalCode: '510000', nationalCode: '510000' },
  openSetting: { authSetting: {} },
};

export class NativeFlows {
  /** every flow call of this process, oldest first */
  readonly calls: FlowCall[] = [];
  private opts: NativeFlowOptions;
  private live: Live | undefined;

  constructor(
    private readonly host: FlowHost,
    opts: NativeFlowOptions = {},
  ) {
    this.opts = { ...opts };
  }

  /** Changes the options for later calls (e.g. between two flows of one test). */
  configure(opts: NativeFlowOptions): this {
    this.opts = { ...this.opts, ...opts };
    return this;
  }

  /** The wx members: one function per flow API not listed as missing. */
  createApi(): Partial<Record<FlowApi, (opts?: Callbacks & Dict) => Promise<ErrMsgResult> | void>> {
    const api: Partial<Record<FlowApi, (opts?: Callbacks & Dict) => Promise<ErrMsgResult> | void>> = {};
    for (const name of FLOW_APIS) {
      if (!this.opts.missing?.includes(name)) api[name] = (o) => this.call(name, o);
    }
    return api;
  }

  /** The call waiting to open, or the flow the user is in. */
  get current(): FlowCall | undefined {
    return this.live?.call;
  }

  private call(api: FlowApi, o: (Callbacks & Dict) | undefined): Promise<ErrMsgResult> | void {
    const done = completion(this.host, api, o);
    const call: FlowCall = { api, state: 'pending', hid: false };
    this.calls.push(call);
    this.host.trace(`wx.${api}`);
    if (!this.host.alive) return done.promise;
    // One native screen at a time: WeChat does not stack them; a second call while one is open
    // fails (not documented; a page can only call while it is visible anyway).
    if (this.live || !this.host.visible) {
      call.state = 'refused';
      done.done(false, { errMsg: `${api}:fail another native screen is open` });
      return done.promise;
    }
    const live: Live = (this.live = { call, done, settled: false });
    const ms = this.opts.openAfterMs === undefined ? 0 : this.opts.openAfterMs;
    if (ms !== null) live.timer = globalThis.setTimeout(() => this.live === live && this.host.alive && this.open(), ms);
    return done.promise;
  }

  /** The native screen of the pending call opens: the app hides (unless the API is in noHide). */
  open(): void {
    const live = this.live;
    if (!live || live.call.state !== 'pending') throw new Error('open: no flow call waiting to open');
    if (live.timer !== undefined) globalThis.clearTimeout(live.timer);
    const { api } = live.call;
    live.call.state = 'open';
    this.host.trace(`flow:open ${api}`);
    if (this.opts.successOnOpen?.includes(api)) this.settle(live, 'ok');
    if (this.opts.noHide?.includes(api)) return;
    live.call.hid = true;
    this.host.hide(this.opts.hideOrder ?? 'page-first');
  }

  /**
   * The user comes back from the flow: 'ok' (chose, paid, closed the viewer) or 'cancel'. Shows
   * the app again (if the flow hid it) and settles the call in the configured order. `result`
   * adds fields to what success receives.
   */
  finish(outcome: 'ok' | 'cancel' = 'ok', result?: Dict): void {
    const live = this.live;
    if (!live || live.call.state !== 'open') throw new Error('finish: no native flow is open');
    this.live = undefined;
    live.call.state = outcome;
    this.host.trace(`flow:${outcome} ${live.call.api}`);
    if (!this.host.alive) return;
    const before = this.opts.callbacks === 'before-show';
    if (before) this.settle(live, outcome, result);
    if (live.call.hid) this.host.show(this.opts.showOrder ?? 'app-first');
    if (!before) this.settle(live, outcome, result);
  }

  /** The pending call fails at once, before any screen opens: no hide and no show. */
  refuse(reason = 'cancel'): void {
    const live = this.live;
    if (!live || live.call.state !== 'pending') throw new Error('refuse: no flow call waiting to open');
    if (live.timer !== undefined) globalThis.clearTimeout(live.timer);
    this.live = undefined;
    live.call.state = 'refused';
    this.host.trace(`flow:refused ${live.call.api}`);
    live.done.done(false, { errMsg: `${live.call.api}:fail ${reason}` });
  }

  private settle(live: Live, outcome: 'ok' | 'cancel', result?: Dict): void {
    if (live.settled) return;
    live.settled = true;
    const api = live.call.api;
    if (outcome === 'ok') live.done.done(true, { ...RESULTS[api], ...result, errMsg: `${api}:ok` });
    else live.done.done(false, { errMsg: `${api}:fail cancel` });
  }

  /** The process died: nothing is settled any more. */
  clear(): void {
    if (this.live?.timer !== undefined) globalThis.clearTimeout(this.live.timer);
    this.live = undefined;
  }
}
