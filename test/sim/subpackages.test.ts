import { describe, expect, it } from 'vitest';
import { useSimSuite } from '../support/suite';
import { createRuntime, mp, type RuntimeOptions, type SimProcess } from './index';
import { SINGLE_PAGE_DISABLED, SINGLE_PAGE_TOAST } from './subpackages';

const suite = useSimSuite();

const HOME = 'pages/home/index';
const NORMAL = 'pkg/pages/list/index';
const IND = 'ind/pages/coupon/index';
const IND2 = 'ind/pages/rules/index';
const appConfig = {
  pages: [HOME],
  subpackages: [
    { root: 'pkg', pages: ['pages/list/index'] },
    { root: 'ind', pages: ['pages/coupon/index', 'pages/rules/index'], independent: true },
  ],
};

/** The app's files: app.js and one file per page, each logging what runs, as WeChat would run them. */
function files(p: SimProcess, log: string[]) {
  p.defineApp(() => {
    log.push('app.js');
    mp.App({
      globalData: { fromApp: 1 },
      onLaunch: (o: unknown) => log.push('App.onLaunch ' + (o as { path: string }).path),
      onShow: (o: unknown) => log.push('App.onShow ' + (o as { path: string }).path),
    });
  });
  for (const route of [HOME, NORMAL, IND, IND2]) {
    p.definePage(route, () => {
      log.push('file ' + route + ' getApp=' + (mp.getApp() ? 'app' : 'undefined'));
      if (route === IND) p.wx.onAppShow((o) => log.push('wx.onAppShow ' + o.path));
      mp.Page({ onLoad: () => log.push('onLoad ' + route) });
    });
  }
}

function start(path: string, independent?: RuntimeOptions['independent']) {
  const rt = createRuntime({ appConfig, printErrors: false, suspendAfterHideMs: null, independent });
  const p = rt.start({ path });
  const log: string[] = [];
  files(p, log);
  return { rt, p, log };
}

describe('independent subpackages (subpackages.ts)', () => {
  it('a launch into one runs no app.js; entering the main package runs it, then App.onLaunch and the first App.onShow, then the page', async () => {
    const { p, log } = start(IND);
    p.launch();
    expect(mp.getApp()).toBeUndefined();
    expect(log).toEqual(['file ' + IND + ' getApp=undefined', 'onLoad ' + IND]);
    // a second page of the same independent subpackage: still no app.js
    await p.navigateTo('/' + IND2);
    expect(log.slice(2)).toEqual(['file ' + IND2 + ' getApp=undefined', 'onLoad ' + IND2]);
    log.length = 0;
    await p.navigateTo('/' + HOME);
    expect(log).toEqual(['app.js', 'App.onLaunch ' + IND, 'App.onShow ' + IND, 'file ' + HOME + ' getApp=app', 'onLoad ' + HOME]);
    // a normal subpackage needs the main package too, which is there now: nothing runs again
    log.length = 0;
    await p.navigateTo('/' + NORMAL);
    expect(log).toEqual(['file ' + NORMAL + ' getApp=app', 'onLoad ' + NORMAL]);
  });

  it('entering a normal subpackage first also runs app.js', async () => {
    const { p, log } = start(IND);
    p.launch();
    log.length = 0;
    await p.navigateTo('/' + NORMAL);
    expect(log.slice(0, 3)).toEqual(['app.js', 'App.onLaunch ' + IND, 'App.onShow ' + IND]);
  });

  it('getApp({ allowDefault: true }) gives a default object whose properties the real App gets', async () => {
    const { p } = start(IND);
    p.launch();
    const d = mp.getApp({ allowDefault: true })!;
    d.fromSubpackage = 2;
    expect(mp.getApp()).toBeUndefined();
    await p.navigateTo('/' + HOME);
    expect(mp.getApp()).toBe(d);
    expect(mp.getApp()).toMatchObject({ fromSubpackage: 2, globalData: { fromApp: 1 } });
  });

  it('a launch into the main package runs app.js before App.onLaunch; an independent page then sees the real App', async () => {
    const { p, log } = start(HOME);
    p.launch();
    expect(log).toEqual(['app.js', 'App.onLaunch ' + HOME, 'App.onShow ' + HOME, 'file ' + HOME + ' getApp=app', 'onLoad ' + HOME]);
    await p.navigateTo('/' + IND);
    expect(log.slice(-2)).toEqual(['file ' + IND + ' getApp=app', 'onLoad ' + IND]);
  });

  // The docs say nothing on these two: both behaviours are modelled and tried.
  for (const entryFileFirst of [false, true])
    for (const deferredShowListeners of [false, true])
      it(`wx.onAppShow in the subpackage: entry file ${entryFileFirst ? 'before' : 'after'} the launch show; late App.onShow ${deferredShowListeners ? 'also calls' : 'does not call'} listeners`, async () => {
        const { p, log } = start(IND, { entryFileFirst, deferredShowListeners });
        p.launch();
        expect(log.filter((l) => l.startsWith('wx.onAppShow'))).toEqual(entryFileFirst ? ['wx.onAppShow ' + IND] : []);
        log.length = 0;
        await p.navigateTo('/' + HOME);
        expect(log.filter((l) => /Show/.test(l))).toEqual(['App.onShow ' + IND, ...(deferredShowListeners ? ['wx.onAppShow ' + IND] : [])]);
        // a real return to the foreground calls both, as always
        log.length = 0;
        p.hide();
        await suite.clock.advance(1000);
        p.show();
        expect(log.filter((l) => /Show/.test(l))).toEqual(['App.onShow ' + HOME, 'wx.onAppShow ' + HOME]);
      });
});

describe('Moments single-page mode, scene 1154 (subpackages.ts)', () => {
  const tabbed = { pages: [HOME, 'pages/article/index'], tabBar: { list: [{ pagePath: HOME, text: 'Home' }] } };

  it('has a storage of its own; 前往小程序 (scene 1155) has the normal one again', () => {
    const rt = createRuntime({ appConfig: tabbed, printErrors: false });
    const normal = rt.start({ path: HOME });
    normal.wx.setStorageSync('k', 'normal');
    const single = rt.start({ scene: 1154, path: 'pages/article/index' });
    expect(single.wx.getStorageSync('k')).toBe('');
    single.wx.setStorageSync('k', 'moments');
    expect(rt.singlePageStorage.keys()).toEqual(['k']);
    const again = rt.start({ scene: 1154, path: 'pages/article/index' });
    expect(again.wx.getStorageSync('k')).toBe('moments');
    const full = rt.start({ scene: 1155, path: 'pages/article/index' });
    expect(full.wx.getStorageSync('k')).toBe('normal');
  });

  it("runs the app and the page as usual, with apiCategory 'browseOnly'", () => {
    const rt = createRuntime({ appConfig: tabbed, printErrors: false });
    const p = rt.start({ scene: 1154, path: 'pages/article/index' });
    const log: string[] = [];
    mp.App({ onLaunch: (o: unknown) => log.push('App.onLaunch ' + (o as { scene: number }).scene) });
    p.definePage('pages/article/index', () => mp.Page({ onLoad: () => log.push('onLoad') }));
    p.launch();
    expect(log).toEqual(['App.onLaunch 1154', 'onLoad']);
    expect(p.wx.getLaunchOptionsSync()).toMatchObject({ scene: 1154, apiCategory: 'browseOnly' });
    expect(rt.start({ path: HOME }).wx.getLaunchOptionsSync().apiCategory).toBe('default');
  });

  it("'fail': the disabled APIs answer with the doc's toast text; routes fail, the tabBar is not there", async () => {
    const rt = createRuntime({ appConfig: tabbed, printErrors: false });
    const p = rt.start({ scene: 1154, path: 'pages/article/index' });
    p.launch();
    for (const name of SINGLE_PAGE_DISABLED) expect(typeof p.wx[name]).toBe('function');
    const fail: string[] = [];
    (p.wx.login as (o: object) => void)({ fail: (r: { errMsg: string }) => fail.push(r.errMsg) });
    const nav = p.wx.navigateTo({ url: '/' + HOME });
    const helper = p.navigateTo('/' + HOME);
    helper.catch(() => undefined);
    await suite.clock.advance(0);
    expect(fail).toEqual(['login:fail ' + SINGLE_PAGE_TOAST]);
    await expect(nav).rejects.toEqual({ errMsg: 'navigateTo:fail ' + SINGLE_PAGE_TOAST });
    await expect(helper).rejects.toThrow(SINGLE_PAGE_TOAST);
    expect(p.currentPage()!.route).toBe('pages/article/index');
    await expect(p.tapTab(0)).rejects.toThrow('no tabBar');
  });

  it("'absent': the disabled APIs are not on wx, and getSystemInfoSync returns undefined", () => {
    const rt = createRuntime({ appConfig: tabbed, printErrors: false, singlePageApis: 'absent' });
    const p = rt.start({ scene: 1154, path: 'pages/article/index' });
    for (const name of SINGLE_PAGE_DISABLED) expect(p.wx[name]).toBeUndefined();
    expect(p.wx.canIUse('login')).toBe(false);
    expect((p.wx.getSystemInfoSync as () => unknown)()).toBeUndefined();
    // outside the mode everything is there
    const normal = rt.start({ path: HOME });
    expect(typeof normal.wx.navigateTo).toBe('function');
    expect((normal.wx.getSystemInfoSync as () => { brand: string })().brand).toBe('iPhone');
  });
});
