// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { layout, scrollTo, slots, startSdk, useExposureSuite } from './harness';

const suite = useExposureSuite();

const ids = (xs: Record<string, unknown>[]) => xs.map((x) => x.slot);

let sdk: ReturnType<typeof startSdk>;

describe('exposure rules', () => {
  it('counts a slot after it is at least half visible for a second; not before', async () => {
    sdk = suite.sdk = startSdk();
    layout.viewport = 250; // slot 1 fully visible, slot 2 half (150..250 of 200..300 → 50px) … see tops
    await sdk.open({ template: `<view>${slots('home.rec', 4)}</view>` });
    // slot1 0-100 (1.0), slot2 100-200 (1.0), slot3 200-300 → 50/100 = 0.5 (counts), slot4 300-400 → 0.
    // The observers reported in the first frame (within the 20 ms open() waited): the dwell ends about 1 s later.
    await vi.advanceTimersByTimeAsync(975);
    expect(sdk.exposures()).toEqual([]);
    await vi.advanceTimersByTimeAsync(25);
    expect(ids(sdk.exposures()).sort()).toEqual(['home.rec.1', 'home.rec.2', 'home.rec.3']);
    const third = sdk.exposures().find((e) => e.slot === 'home.rec.3')!;
    expect(third).toMatchObject({ path: 'pages/home/index', ratio: 0.5, dwell_ms: 1000 });
  });

  it('just under the ratio does not count; minVisiblePx counts a tall slot by its visible height', async () => {
    sdk = suite.sdk = startSdk({ minVisiblePx: 120 });
    layout.viewport = 149;
    await sdk.open({ template: `<view><view class="wt-exposure" data-wt-slot="a" data-top="100" data-h="100">a</view><view class="wt-exposure" data-wt-slot="tall" data-top="0" data-h="1000">tall</view></view>` });
    await vi.advanceTimersByTimeAsync(2000);
    // a: 49/100 < 0.5; tall: 149px of 1000 (0.149) but ≥ 120px
    expect(ids(sdk.exposures())).toEqual(['tall']);
  });

  it('leaving view before the dwell cancels it; coming back starts a new dwell', async () => {
    sdk = suite.sdk = startSdk();
    layout.viewport = 300;
    await sdk.open({ template: `<view>${slots('s', 10)}</view>` });
    await vi.advanceTimersByTimeAsync(600);
    await scrollTo(700); // slots 1-3 leave after 600 ms in view; 8-10 come in
    await vi.advanceTimersByTimeAsync(600);
    await scrollTo(0); // 8-10 leave after 600 ms; 1-3 come back and start a new dwell
    await vi.advanceTimersByTimeAsync(999);
    expect(sdk.exposures()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ids(sdk.exposures()).sort()).toEqual(['s.1', 's.2', 's.3']);
  });

  it('per-slot data-wt-min-ratio and data-wt-dwell override the rules; other data-wt-* become properties', async () => {
    sdk = suite.sdk = startSdk();
    layout.viewport = 130;
    await sdk.open({
      template: `<view><view class="wt-exposure" data-wt-slot="banner" data-wt-dwell="3000" data-wt-campaign="d11" data-top="0">b</view><view class="wt-exposure" data-wt-slot="strict" data-wt-min-ratio="0.9" data-top="100">s</view><view class="wt-exposure" data-wt-slot="lax" data-wt-min-ratio="0.2" data-top="105" data-h="100">l</view></view>`,
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(sdk.exposures())).toEqual(['lax']); // strict: 0.3 < 0.9; banner: waits 3 s
    await vi.advanceTimersByTimeAsync(2000);
    expect(sdk.exposures().find((e) => e.slot === 'banner')).toMatchObject({ campaign: 'd11', dwell_ms: 3000 });
    expect(ids(sdk.exposures())).not.toContain('strict');
  });

  it('hiding the page mid-dwell cancels; after show the slot counts again as a new page view', async () => {
    sdk = suite.sdk = startSdk();
    const { page } = await sdk.open({ template: `<view>${slots('h', 2)}</view>` });
    await vi.advanceTimersByTimeAsync(500);
    page.onHide();
    await vi.advanceTimersByTimeAsync(5000);
    expect(sdk.exposures()).toEqual([]);
    page.onShow();
    await vi.advanceTimersByTimeAsync(20);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(sdk.exposures()).sort()).toEqual(['h.1', 'h.2']);
  });
});

describe('counting once', () => {
  it('once per slot per page view: scrolling back and forth does not count again; a return (navigateBack) does', async () => {
    sdk = suite.sdk = startSdk();
    layout.viewport = 200;
    const { page } = await sdk.open({ template: `<view>${slots('p', 10)}</view>` });
    await vi.advanceTimersByTimeAsync(1000);
    for (let i = 0; i < 5; i++) {
      await scrollTo(800);
      await vi.advanceTimersByTimeAsync(1500);
      await scrollTo(0);
      await vi.advanceTimersByTimeAsync(1500);
    }
    expect(ids(sdk.exposures()).sort()).toEqual(['p.1', 'p.10', 'p.2', 'p.9']);
    // navigateTo another page and back: onHide, then onShow
    page.onHide();
    page.onShow();
    await vi.advanceTimersByTimeAsync(1100);
    expect(ids(sdk.exposures()).filter((s) => s === 'p.1')).toHaveLength(2);
  });

  it("'session' counts once for the session across page views; 'always' counts every entry into view", async () => {
    sdk = suite.sdk = startSdk({ once: 'session' });
    let opened = await sdk.open({ template: `<view>${slots('x', 1)}</view>` });
    await vi.advanceTimersByTimeAsync(1000);
    opened.page.onHide();
    opened.page.onShow();
    await vi.advanceTimersByTimeAsync(1100);
    expect(ids(sdk.exposures())).toEqual(['x.1']);
    sdk.cleanup();

    sdk = suite.sdk = startSdk({ once: 'always' });
    layout.viewport = 200;
    opened = await sdk.open({ template: `<view>${slots('y', 5)}</view>` });
    await vi.advanceTimersByTimeAsync(1000);
    await scrollTo(400);
    await vi.advanceTimersByTimeAsync(1000);
    await scrollTo(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(sdk.exposures()).filter((s) => s === 'y.1')).toHaveLength(2);
  });
});

describe('content that changes', () => {
  it('slots added by setData are observed within a frame or two, and none is counted twice', async () => {
    sdk = suite.sdk = startSdk();
    layout.viewport = 400;
    const { page } = await sdk.open({
      template: `<view><view wx:for="{{items}}" wx:key="*this" class="wt-exposure" data-wt-slot="list.{{item}}" data-top="{{(item - 1) * 100}}" data-h="100">{{item}}</view></view>`,
      data: { items: [1, 2] },
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(sdk.exposures())).toEqual(['list.1', 'list.2']);
    page.setData({ items: [1, 2, 3, 4, 5, 6] });
    await vi.advanceTimersByTimeAsync(40); // two frames
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(sdk.exposures()).sort()).toEqual(['list.1', 'list.2', 'list.3', 'list.4']);
  });

  it('slots inside custom components are observed in the component scope', async () => {
    sdk = suite.sdk = startSdk();
    const card = sdk.component({ template: `<view class="wt-exposure" data-wt-slot="card.{{sku}}" data-top="{{top}}" data-h="100">card</view>`, properties: { sku: String, top: Number } });
    await sdk.open({ template: `<view><card-x sku="A" top="0" /><card-x sku="B" top="100" /><card-x sku="Z" top="5000" /></view>`, usingComponents: { 'card-x': card } });
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(sdk.exposures()).sort()).toEqual(['card.A', 'card.B']);
  });

  it('slots inside a scroll-view count when its own scrolling brings them into view', async () => {
    sdk = suite.sdk = startSdk();
    await sdk.open({ template: `<scroll-view scroll-y data-scroll-area="1"><view>${slots('sv', 20, 1000)}</view></scroll-view>` });
    await vi.advanceTimersByTimeAsync(1500);
    expect(sdk.exposures()).toEqual([]);
    await scrollTo(1000, true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(sdk.exposures()).sort()).toEqual(['sv.1', 'sv.2', 'sv.3', 'sv.4', 'sv.5', 'sv.6']);
  });
});

describe('CTR', () => {
  it('exposures and taps of a slot carry the same slot id', async () => {
    sdk = suite.sdk = startSdk();
    layout.viewport = 300;
    const { root } = await sdk.open({
      template: `<view>${Array.from({ length: 6 }, (_, i) => `<view id="r${i + 1}" class="wt-exposure" data-wt-slot="home.rec.${i + 1}" data-top="${i * 100}" data-h="100" bindtap="onOpen">${i}</view>`).join('')}</view>`,
      onOpen() {},
    });
    await vi.advanceTimersByTimeAsync(1000);
    const { tap } = await import('../support/mp-simulate');
    await tap(root, '#r2');
    await vi.advanceTimersByTimeAsync(5);
    await tap(root, '#r3');
    await vi.advanceTimersByTimeAsync(5);
    await tap(root, '#r2');
    const exposures = sdk.events.filter((e) => e.name === '$exposure').map((e) => e.properties.slot);
    const taps = sdk.events.filter((e) => e.name === '$tap').map((e) => e.properties.slot);
    expect(exposures.sort()).toEqual(['home.rec.1', 'home.rec.2', 'home.rec.3']);
    expect(taps).toEqual(['home.rec.2', 'home.rec.3', 'home.rec.2']);
    const ctr = (slot: string) => taps.filter((s) => s === slot).length / exposures.filter((s) => s === slot).length;
    expect([ctr('home.rec.1'), ctr('home.rec.2'), ctr('home.rec.3')]).toEqual([0, 2, 1]);
  });
});

describe('resources', () => {
  it('observers are released on hide and unload; nothing grows with page views', async () => {
    sdk = suite.sdk = startSdk();
    let live = 0;
    let made = 0;
    const { page } = await sdk.open({
      template: `<view>${slots('r', 50)}</view>`,
      onLoad(this: { createIntersectionObserver(o: object): { disconnect(): void } }) {
        // count the observers the SDK makes and releases in this page's scope
        const create = this.createIntersectionObserver.bind(this);
        this.createIntersectionObserver = (o: object) => {
          const ob = create(o);
          made++;
          live++;
          const disconnect = ob.disconnect.bind(ob);
          ob.disconnect = () => (live--, disconnect());
          return ob;
        };
      },
    });
    expect(live).toBe(1);
    for (let i = 0; i < 30; i++) {
      page.onHide();
      expect(live).toBe(0);
      page.onShow();
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(made).toBe(31);
    expect(live).toBe(1);
    page.onUnload();
    expect(live).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sdk.exposures()).toEqual([]); // no visit lasted a second, and no dwell timer outlived its page view
  });
});
