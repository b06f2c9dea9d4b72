import { describe, expect, it } from 'vitest';
import { mp } from '../sim';
import { useSimSuite } from '../support/suite';
import { definePages, pageTrail, startApp } from './harness';

const suite = useSimSuite();

describe('page views and leaves follow WeChat lifecycles', () => {
  it('pair up exactly across every navigation kind and app hide/show, with visible time only', async () => {
    const { proc, events } = startApp();
    const log = definePages(proc);
    mp.App({});
    proc.launch();
    await suite.clock.advance(1000);
    await proc.navigateTo('/pages/product/index?sku=VG-3');
    await suite.clock.advance(2000);
    await proc.navigateTo('/pages/cart/index');
    await suite.clock.advance(3000);
    proc.hide();
    await suite.clock.advance(60_000); // background time is not page time
    proc.show();
    await suite.clock.advance(500);
    await proc.redirectTo('/pages/pay/index');
    await suite.clock.advance(400);
    await proc.navigateBack(2); // pay (top) and product unload; home shows again
    await suite.clock.advance(700);
    await proc.switchTab('/pages/category/index');
    await suite.clock.advance(800);
    await proc.switchTab('/pages/home/index');
    await suite.clock.advance(900);
    await proc.navigateTo('/pages/product/index?sku=A');
    await suite.clock.advance(100);
    await proc.reLaunch('/pages/profile/index');
    expect(pageTrail(events)).toEqual([
      '$app_launch pages/home/index',
      '$app_show pages/home/index',
      '$page_view pages/home/index',
      '$page_leave pages/home/index 1000',
      '$page_view pages/product/index',
      '$page_leave pages/product/index 2000',
      '$page_view pages/cart/index',
      '$page_leave pages/cart/index 3000',
      '$app_hide pages/cart/index 6000',
      '$app_show pages/cart/index',
      '$page_view pages/cart/index',
      '$page_leave pages/cart/index 500',
      '$page_view pages/pay/index',
      '$page_leave pages/pay/index 400',
      '$page_view pages/home/index',
      '$page_leave pages/home/index 700',
      '$page_view pages/category/index',
      '$page_leave pages/category/index 800',
      '$page_view pages/home/index',
      '$page_leave pages/home/index 900',
      '$page_view pages/product/index',
      '$page_leave pages/product/index 100',
      '$page_view pages/profile/index',
    ]);
    // host lifecycles ran as they would without the SDK
    expect(log.slice(0, 6)).toEqual(['pages/home/index:load', 'pages/home/index:show', 'pages/home/index:hide', 'pages/product/index:load', 'pages/product/index:show', 'pages/product/index:hide']);
    const views = events.filter((e) => e.name === '$page_view');
    expect(views[1].properties).toMatchObject({ path: 'pages/product/index', query: { sku: 'VG-3' }, referrer: 'pages/home/index' });
    expect(views[5].properties.referrer).toBe('pages/pay/index'); // back to home from pay
  });

  it('a closed page fires only onUnload, and still pairs its view with one leave', async () => {
    const { proc, events } = startApp();
    definePages(proc);
    proc.launch();
    await proc.navigateTo('/pages/product/index');
    await suite.clock.advance(1500);
    await proc.navigateBack();
    const trail = pageTrail(events).filter((l) => l.startsWith('$page'));
    expect(trail).toEqual(['$page_view pages/home/index', '$page_leave pages/home/index 0', '$page_view pages/product/index', '$page_leave pages/product/index 1500', '$page_view pages/home/index']);
  });

  it('excluded pages and disabled events are not captured', async () => {
    const { proc, names } = startApp({ autocapture: { excludePages: ['pages/product/index', /^pages\/cart\//], pageLeave: false, app: false } });
    definePages(proc);
    proc.launch();
    await proc.navigateTo('/pages/product/index');
    await proc.navigateTo('/pages/cart/index');
    await proc.navigateBack(2);
    expect(names()).toEqual(['$page_view', '$page_view']);
  });

  it('titles come from the titles option', async () => {
    const { proc, events } = startApp({ autocapture: { titles: { 'pages/home/index': 'Home' } } });
    definePages(proc);
    proc.launch();
    expect(events.find((e) => e.name === '$page_view')!.properties.title).toBe('Home');
  });

  it('autocapture: false leaves the globals and the app untouched', async () => {
    const { proc, names } = startApp({ autocapture: false });
    expect((globalThis as unknown as { Page: { __wt?: 1 } }).Page.__wt).toBeUndefined();
    definePages(proc);
    proc.launch();
    await proc.navigateTo('/pages/product/index');
    expect(names()).toEqual([]);
  });
});

describe('app events', () => {
  it('$app_launch carries scene, query, utm, decoded QR scene and q, referrer and first-launch', async () => {
    const q = encodeURIComponent('https://shop.example.com/p?utm_source=poster&utm_medium=qr');
    const { proc, events } = startApp({
      start: { path: 'pages/product/index', scene: 1047, query: { scene: encodeURIComponent('sku=VG-3&ch=7'), q, utm_campaign: 'double11' }, referrerInfo: { appId: 'wxfrom' } },
    });
    definePages(proc);
    proc.launch();
    const launch = events.find((e) => e.name === '$app_launch')!;
    expect(launch.properties).toMatchObject({
      scene: 1047,
      path: 'pages/product/index',
      referrer_app_id: 'wxfrom',
      qr_scene: 'sku=VG-3&ch=7',
      qr_url: 'https://shop.example.com/p?utm_source=poster&utm_medium=qr',
      utm_source: 'poster',
      utm_medium: 'qr',
      utm_campaign: 'double11',
      is_first_launch: true,
    });
  });

  it('is_first_launch is false on the next cold start', async () => {
    const first = startApp();
    first.proc.launch();
    const proc2 = first.rt.start();
    const { addAutocapture } = await import('../../src/autocapture/index');
    const { createTrackerWith } = await import('../../src/tracker');
    const { createWxPlatform } = await import('../../src/platform/wx');
    const t = addAutocapture(createTrackerWith(createWxPlatform));
    const seen: Record<string, unknown>[] = [];
    t.use({ name: 'r', type: 'destination', execute: (e) => void (e.name === '$app_launch' && seen.push(e.properties)) });
    t.init({ serverUrl: 'http://127.0.0.1:9/c' });
    proc2.launch();
    expect(seen[0].is_first_launch).toBe(false);
  });
});
