/**
 * The simulator's model of WeChat's native full-screen flows (native-flows.ts): which lifecycles
 * a flow fires, in which order, and when its callbacks run.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRuntime, disposeAllRuntimes, FLOW_APIS, mp, type NativeFlowOptions, type SimProcess } from './index';

const HOME = 'pages/home/index';
const OTHER = 'pages/other/index';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: Date.UTC(2024, 0, 15, 8) });
});
afterEach(() => {
  disposeAllRuntimes();
  vi.useRealTimers();
});

/** A launched app whose page, App and wx listeners write to `log`. */
function boot(nativeFlows?: NativeFlowOptions, suspendAfterHideMs: number | null = null) {
  const rt = createRuntime({ appConfig: { pages: [HOME, OTHER] }, printErrors: false, suspendAfterHideMs, nativeFlows });
  const p = rt.start({ scene: 1011 });
  const log: string[] = [];
  for (const route of [HOME, OTHER]) {
    const name = route.split('/')[1];
    p.definePage(route, () =>
      mp.Page({
        onShow: () => void log.push(`${name}.onShow`),
        onHide: () => void log.push(`${name}.onHide`),
      }),
    );
  }
  mp.App({
    onShow: (o: unknown) => void log.push(`App.onShow(${(o as { scene: number }).scene})`),
    onHide: () => void log.push('App.onHide'),
  });
  p.wx.onAppShow(() => log.push('wx.onAppShow'));
  p.wx.onAppHide(() => log.push('wx.onAppHide'));
  p.launch();
  log.length = 0;
  return { rt, p, log };
}

/** Callbacks that log as `api.success` etc. with the errMsg. */
const cbs = (log: string[]) => ({
  success: (r: { errMsg: string }) => void log.push(`success ${r.errMsg}`),
  fail: (r: { errMsg: string }) => void log.push(`fail ${r.errMsg}`),
  complete: () => void log.push('complete'),
});

type Flow = (o?: object) => Promise<{ errMsg: string }> | void;
const api = (p: SimProcess, name: string) => p.wx[name] as Flow;

describe('native flows hide and show the app while the user stays on the page', () => {
  it('previewImage: the viewer opens a macrotask after the call (page onHide, App onHide), closing it shows the app (App onShow, page onShow), then the callbacks', async () => {
    const { p, log } = boot();
    api(p, 'previewImage')({ urls: ['https://example.com/a.jpg'], ...cbs(log) });
    expect(log).toEqual([]); // the call itself fires nothing
    expect(p.flows.current).toMatchObject({ api: 'previewImage', state: 'pending' });
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['home.onHide', 'App.onHide', 'wx.onAppHide']);
    expect(p.visible).toBe(false);
    await vi.advanceTimersByTimeAsync(20_000);
    p.flows.finish('ok');
    expect(log.slice(3)).toEqual(['App.onShow(1011)', 'wx.onAppShow', 'home.onShow', 'success previewImage:ok', 'complete']);
    expect(p.visible).toBe(true);
    expect(p.currentPage()!.route).toBe(HOME); // the user never left the page
    expect(p.flows.calls).toEqual([{ api: 'previewImage', state: 'ok', hid: true }]);
    expect(p.trace.filter((t) => t.startsWith('wx.') || t.startsWith('flow:'))).toEqual(['wx.previewImage', 'flow:open previewImage', 'flow:ok previewImage']);
  });

  it('every flow API exists on wx and hides and shows the app alike', async () => {
    const { p, log } = boot();
    for (const name of FLOW_APIS) {
      log.length = 0;
      expect(typeof p.wx[name]).toBe('function');
      expect(p.wx.canIUse(name)).toBe(true);
      api(p, name)({ ...cbs(log) });
      await vi.advanceTimersByTimeAsync(0);
      p.flows.finish('ok');
      expect(log).toEqual(['home.onHide', 'App.onHide', 'wx.onAppHide', 'App.onShow(1011)', 'wx.onAppShow', 'home.onShow', `success ${name}:ok`, 'complete']);
    }
  });

  it('the other order on both sides (App first when hiding, page first when showing)', async () => {
    const { p, log } = boot({ hideOrder: 'app-first', showOrder: 'page-first' });
    api(p, 'chooseImage')({ ...cbs(log) });
    await vi.advanceTimersByTimeAsync(0);
    p.flows.finish('ok');
    expect(log).toEqual(['App.onHide', 'wx.onAppHide', 'home.onHide', 'home.onShow', 'App.onShow(1011)', 'wx.onAppShow', 'success chooseImage:ok', 'complete']);
  });

  it("callbacks before the show (scanCode on iOS) or after it (Android); cancel fails with ':fail cancel'", async () => {
    const { p, log } = boot({ callbacks: 'before-show' });
    api(p, 'scanCode')({ ...cbs(log) });
    await vi.advanceTimersByTimeAsync(0);
    p.flows.finish('ok', { result: 'X-1' });
    expect(log.slice(3)).toEqual(['success scanCode:ok', 'complete', 'App.onShow(1011)', 'wx.onAppShow', 'home.onShow']);

    p.flows.configure({ callbacks: 'after-show' });
    log.length = 0;
    api(p, 'chooseImage')({ ...cbs(log) });
    await vi.advanceTimersByTimeAsync(0);
    p.flows.finish('cancel');
    expect(log.slice(3)).toEqual(['App.onShow(1011)', 'wx.onAppShow', 'home.onShow', 'fail chooseImage:fail cancel', 'complete']);
  });

  it('Promise style: resolves with the documented success fields, rejects on cancel', async () => {
    const { p } = boot();
    const ok = api(p, 'chooseLocation')() as Promise<{ errMsg: string; name: string }>;
    await vi.advanceTimersByTimeAsync(0);
    p.flows.finish('ok', { name: 'Shop' });
    await expect(ok).resolves.toMatchObject({ errMsg: 'chooseLocation:ok', name: 'Shop', latitude: 31.23 });
    const no = api(p, 'chooseAddress')() as Promise<unknown>;
    await vi.advanceTimersByTimeAsync(0);
    p.flows.finish('cancel');
    await expect(no).rejects.toEqual({ errMsg: 'chooseAddress:fail cancel' });
  });

  it("previewImage's success as the viewer opens, before the hide (iOS report)", async () => {
    const { p, log } = boot({ successOnOpen: ['previewImage'] });
    api(p, 'previewImage')({ urls: ['a'], ...cbs(log) });
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['success previewImage:ok', 'complete', 'home.onHide', 'App.onHide', 'wx.onAppHide']);
    p.flows.finish('ok');
    expect(log.slice(5)).toEqual(['App.onShow(1011)', 'wx.onAppShow', 'home.onShow']); // settled once
  });

  it('a payment sheet that does not hide the app (reports disagree): no lifecycle at all, only the callbacks', async () => {
    const { p, log } = boot({ noHide: ['requestPayment'] });
    api(p, 'requestPayment')({ ...cbs(log) });
    await vi.advanceTimersByTimeAsync(3000);
    expect(p.visible).toBe(true);
    p.flows.finish('ok');
    expect(log).toEqual(['success requestPayment:ok', 'complete']);
    expect(p.flows.calls[0]).toEqual({ api: 'requestPayment', state: 'ok', hid: false });
  });

  it('a flow refused at once (payment declined) fails without hiding; a second call while one is open fails', async () => {
    const { p, log } = boot();
    api(p, 'requestPayment')({ ...cbs(log) });
    p.flows.refuse('no permission');
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toEqual(['fail requestPayment:fail no permission', 'complete']);
    expect(p.visible).toBe(true);

    log.length = 0;
    api(p, 'previewImage')({ ...cbs(log) });
    await vi.advanceTimersByTimeAsync(0);
    api(p, 'scanCode')({ ...cbs(log) }); // e.g. from a timer: one native screen at a time
    expect(log.slice(3)).toEqual(['fail scanCode:fail another native screen is open', 'complete']);
    p.flows.finish('ok');
    expect(p.flows.calls.map((c) => `${c.api} ${c.state}`)).toEqual(['requestPayment refused', 'previewImage ok', 'scanCode refused']);
  });

  it('openAfterMs: null waits for open(); the screen opens later than the call (a permission prompt first)', async () => {
    const { p, log } = boot({ openAfterMs: null });
    api(p, 'chooseMedia')({ ...cbs(log) });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(log).toEqual([]);
    p.flows.open();
    expect(log).toEqual(['home.onHide', 'App.onHide', 'wx.onAppHide']);
    expect(() => p.flows.open()).toThrow(/no flow call waiting/);
  });

  it('leaving to the home screen from inside the flow: nothing more fires; the return after 40 min keeps the scene; requests were suspended meanwhile', async () => {
    const { p, log } = boot({}, 5000);
    api(p, 'requestPayment')({ ...cbs(log) });
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(40 * 60_000); // the user went home from the payment screen
    expect(log).toEqual(['home.onHide', 'App.onHide', 'wx.onAppHide']);
    expect(p.suspended).toBe(true);
    p.flows.finish('ok');
    expect(log.slice(3)).toEqual(['App.onShow(1011)', 'wx.onAppShow', 'home.onShow', 'success requestPayment:ok', 'complete']);
    expect(p.suspended).toBe(false);
    expect(p.wx.getEnterOptionsSync()).toMatchObject({ scene: 1011, path: HOME });
  });

  it('a process killed inside a flow never hears of it again', async () => {
    const { p, log } = boot();
    api(p, 'chooseImage')({ ...cbs(log) });
    await vi.advanceTimersByTimeAsync(0);
    p.kill();
    expect(() => p.flows.finish('ok')).toThrow(/no native flow is open/);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log).toEqual(['home.onHide', 'App.onHide', 'wx.onAppHide']);
    expect(p.errors).toEqual([]);
  });

  it('APIs of a newer base library can be left out (missing stays missing)', () => {
    const { p } = boot({ missing: ['previewMedia', 'chooseMedia'] });
    expect('previewMedia' in p.wx).toBe(false);
    expect(p.wx.canIUse('chooseMedia')).toBe(false);
    expect(typeof p.wx.chooseImage).toBe('function');
  });
});
