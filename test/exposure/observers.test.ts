// @vitest-environment jsdom
/**
 * What exposure costs on WeChat, and that it leaves no gap: observers only in scopes that have
 * slots, made again only when a setData changed those slots, the old observer kept until the new
 * one reports; margins for bars that cover the page; content that comes without setData.
 */
import { describe, expect, it, vi } from 'vitest';
import { resolveExposure } from '../../src/exposure/options';
import { createScheduler } from '../../src/exposure/scheduler';
import type { Logger } from '../../src/log';
import { componentInstances, type SimInstance } from '../support/mp-simulate';
import { layout, reports, scrollNow, scrollTo, slots, startSdk, useExposureSuite } from './harness';

const suite = useExposureSuite();

const ids = (xs: Record<string, unknown>[]) => xs.map((x) => x.slot as string).sort();

let sdk: ReturnType<typeof startSdk>;

/** Counts, in one page or component instance, the observers and selector queries the SDK makes. */
interface Costs {
  observers: { thresholds: number[] }[];
  queries: number;
}
function counting(costs: Costs) {
  return function (this: SimInstance) {
    const create = (this.createIntersectionObserver as (o: object) => object).bind(this);
    const query = (this.createSelectorQuery as () => object).bind(this);
    this.createIntersectionObserver = (o: { thresholds: number[] }) => (costs.observers.push(o), create(o));
    this.createSelectorQuery = () => (costs.queries++, query());
  };
}

describe('cost', () => {
  it('200 components, 10 slots in 2 of them: 2 observers per page view; 100 setData without a new slot make none; one with a new slot makes one', async () => {
    sdk = suite.sdk = startSdk();
    layout.viewport = 600;
    const costs: Costs = { observers: [], queries: 0 };
    const card = sdk.component({
      template:
        '<view wx:for="{{slots}}" wx:key="*this" class="wt-exposure" data-wt-slot="c{{idx}}.{{item}}" data-top="{{top + item * 100}}" data-h="100">{{item}}</view>' +
        '<view wx:if="{{extra}}" class="wt-exposure" data-wt-slot="c{{idx}}.new" data-top="{{top - 100}}" data-h="100">new</view><text>{{label}}</text>',
      properties: { idx: Number, top: Number, slots: Array },
      data: { extra: false, label: '' },
      lifetimes: { attached: counting(costs) },
    });
    // c0's five slots fill 0-500 px (in view), c1's 500-1000 (one in view); 198 cards have none.
    const cards = Array.from({ length: 200 }, (_, i) => ({ idx: i, top: i === 0 ? 0 : i === 1 ? 500 : 5000, slots: i < 2 ? [0, 1, 2, 3, 4] : [] }));
    const { root, page } = await sdk.open({
      template: '<view><card-x wx:for="{{cards}}" wx:key="idx" idx="{{item.idx}}" top="{{item.top}}" slots="{{item.slots}}" /><text>{{tick}}</text></view>',
      usingComponents: { 'card-x': card },
      data: { cards, tick: 0 },
      onLoad: counting(costs),
    });
    expect(costs.observers).toHaveLength(2);
    expect(costs.queries).toBe(201); // one look per scope after its render
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(sdk.exposures())).toEqual(['c0.0', 'c0.1', 'c0.2', 'c0.3', 'c0.4', 'c1.0']);

    // Taro and uni-app call setData on every update: 50 on the page, 50 in a card with slots.
    const inst = componentInstances(root).filter((c) => c.data.idx === 0 || c.data.idx === 1);
    const [c0, c1] = inst[0].data.idx === 0 ? inst : [inst[1], inst[0]];
    for (let i = 1; i <= 50; i++) {
      page.setData({ tick: i });
      c0.setData({ label: 'x' + i });
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(costs.observers).toHaveLength(2);
    expect(costs.queries).toBe(201 + 100);

    // A setData that adds a slot (in view) to c1: one observer, and the slot counts once.
    c1.setData({ extra: true });
    await vi.advanceTimersByTimeAsync(40);
    expect(costs.observers).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1000);
    c1.setData({ slots: [0, 1, 2, 3, 4, 5] }); // another change: c1.new is not counted again
    await scrollTo(300);
    await scrollTo(0);
    await vi.advanceTimersByTimeAsync(1500);
    const counted = sdk.exposures().map((e) => e.slot);
    expect(counted.filter((s) => s === 'c1.new')).toEqual(['c1.new']);
    expect(new Set(counted).size).toBe(counted.length);

    // A new page view: again one observer per scope with slots.
    const before = costs.observers.length;
    page.onHide();
    page.onShow();
    await vi.advanceTimersByTimeAsync(20);
    expect(costs.observers.length - before).toBe(2);
  });

  it('thresholds only where a rule needs them: the min ratio, a per-slot ratio, tenths for minVisiblePx', async () => {
    sdk = suite.sdk = startSdk();
    const costs: Costs = { observers: [], queries: 0 };
    await sdk.open({ template: `<view>${slots('t', 3)}<view class="wt-exposure" data-wt-slot="lax" data-wt-min-ratio="0.2" data-top="300">l</view></view>`, onLoad: counting(costs) });
    expect(costs.observers.map((o) => o.thresholds)).toEqual([[0.5, 0.2]]);
    sdk.cleanup();

    sdk = suite.sdk = startSdk({ minVisiblePx: 120 });
    const more: Costs = { observers: [], queries: 0 };
    await sdk.open({ template: `<view>${slots('t', 3)}</view>`, onLoad: counting(more) });
    expect(more.observers.map((o) => o.thresholds)).toEqual([[0.5, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]]);
  });

  it('a page without slots gets no observer, and one once a setData brings slots', async () => {
    sdk = suite.sdk = startSdk();
    const costs: Costs = { observers: [], queries: 0 };
    const { page } = await sdk.open({
      template: `<view><view wx:for="{{items}}" wx:key="*this" class="wt-exposure" data-wt-slot="late.{{item}}" data-top="{{item * 100}}" data-h="100">{{item}}</view></view>`,
      data: { items: [] },
      onLoad: counting(costs),
    });
    expect(costs.observers).toHaveLength(0);
    page.setData({ items: [0, 1] });
    await vi.advanceTimersByTimeAsync(1040);
    expect(costs.observers).toHaveLength(1);
    expect(ids(sdk.exposures())).toEqual(['late.0', 'late.1']);
  });
});

describe('no gap', () => {
  // Every way a new observer may report at start, and both orders of one frame's reports.
  const modes = (['docs', 'all', 'adapter'] as const).flatMap((start) => (['dom', 'reverse'] as const).map((order) => ({ start, order })));

  it.each(modes)('a slot that leaves view while its scope gets a new observer is not counted (start: $start, order: $order)', async ({ start, order }) => {
    sdk = suite.sdk = startSdk();
    reports.start = start;
    reports.order = order;
    layout.viewport = 400;
    let made = 0;
    const { page } = await sdk.open({
      template: `<view><view wx:for="{{items}}" wx:key="*this" class="wt-exposure" data-wt-slot="list.{{item}}" data-top="{{item == 1 ? 0 : 1000}}" data-h="100">{{item}}</view></view>`,
      data: { items: [1] },
      onLoad(this: SimInstance) {
        const create = (this.createIntersectionObserver as (o: object) => object).bind(this);
        this.createIntersectionObserver = (o: object) => {
          // The second observer (for list.2): the user scrolls in the same moment, before it has
          // measured anything: list.1 leaves view, list.2 comes in.
          if (++made === 2) queueMicrotask(() => scrollNow(900));
          return create(o);
        };
      },
    });
    await vi.advanceTimersByTimeAsync(500); // list.1 is half-way through its dwell
    page.setData({ items: [1, 2] });
    await vi.advanceTimersByTimeAsync(2000);
    expect(made).toBe(2);
    // list.1 left after 500 ms: not counted. list.2 stayed in view: counted, except where a new
    // observer does not report what is in view at start ('adapter'), until it moves.
    expect(ids(sdk.exposures())).toEqual(start === 'adapter' ? [] : ['list.2']);
  });

  it('a slot that a setData removes mid-dwell is not counted', async () => {
    sdk = suite.sdk = startSdk();
    const { page } = await sdk.open({
      template: `<view><view wx:for="{{items}}" wx:key="*this" class="wt-exposure" data-wt-slot="r.{{item}}" data-top="{{item * 100}}" data-h="100">{{item}}</view></view>`,
      data: { items: [0, 1] },
    });
    await vi.advanceTimersByTimeAsync(500);
    page.setData({ items: [1] });
    await vi.advanceTimersByTimeAsync(1500);
    expect(ids(sdk.exposures())).toEqual(['r.1']);
  });

  it('the old observer is released shortly after the new one has reported', async () => {
    sdk = suite.sdk = startSdk();
    let live = 0;
    const { page } = await sdk.open({
      template: `<view><view wx:for="{{items}}" wx:key="*this" class="wt-exposure" data-wt-slot="o.{{item}}" data-top="{{item * 100}}" data-h="100">{{item}}</view></view>`,
      data: { items: [0] },
      onLoad(this: SimInstance) {
        const create = (this.createIntersectionObserver as (o: object) => { disconnect(): void }).bind(this);
        this.createIntersectionObserver = (o: object) => {
          const ob = create(o);
          const disconnect = ob.disconnect.bind(ob);
          live++;
          ob.disconnect = () => (live--, disconnect());
          return ob;
        };
      },
    });
    page.setData({ items: [0, 1] });
    await vi.advanceTimersByTimeAsync(20); // the new observer has reported o.0 and o.1
    expect(live).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(live).toBe(1);
  });
});

describe('viewport margins', () => {
  // A custom navigation bar 88 px high and a custom tab bar 50 px high over a 600 px viewport.
  const template = `<view>${[0, 100, 450, 500, 520].map((top) => `<view class="wt-exposure" data-wt-slot="m.${top}" data-top="${top}" data-h="100">${top}</view>`).join('')}</view>`;

  it('slots under fixed bars are not seen: { top: -88, bottom: -50 }', async () => {
    sdk = suite.sdk = startSdk({ viewportMargins: { top: -88, bottom: -50 } });
    await sdk.open({ template });
    await vi.advanceTimersByTimeAsync(1000);
    // m.0 shows 12 px below the bar, m.520 30 px above the tab bar: under half.
    expect(ids(sdk.exposures())).toEqual(['m.100', 'm.450', 'm.500']);
  });

  it.each([{ top: '44' }, { bottom: undefined }, { top: NaN }, -44, null])('invalid margins %o: one warning, no margins', async (margins) => {
    sdk = suite.sdk = startSdk({ viewportMargins: margins as never });
    await sdk.open({ template });
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(sdk.exposures())).toEqual(['m.0', 'm.100', 'm.450', 'm.500', 'm.520']);
    expect(vi.mocked(console.warn).mock.calls.map((c) => c[0])).toEqual(['[wetrack] init: options.exposure.viewportMargins is invalid; default used']);
  });
});

describe('content without setData', () => {
  it("items built while scrolling (Skyline's list-builder) are observed after exposure.refresh(scope)", async () => {
    sdk = suite.sdk = startSdk();
    // Skyline's list-builder / grid-builder create items while scrolling, without setData
    // (developers.weixin.qq.com/miniprogram/dev/component/list-builder.html, binditembuild). Here:
    // the page's setData from before the SDK wrapped it, which no setData callback of ours sees.
    let build: SimInstance["setData"] | undefined;
    const { page } = await sdk.open({
      template: `<view><view wx:for="{{items}}" wx:key="*this" class="wt-exposure" data-wt-slot="b.{{item}}" data-top="{{item * 100}}" data-h="100">{{item}}</view></view>`,
      data: { items: [0] },
      onLoad(this: SimInstance) {
        build = this.setData.bind(this);
      },
    });
    build!({ items: [0, 1] });
    await vi.advanceTimersByTimeAsync(1500);
    expect(ids(sdk.exposures())).toEqual(['b.0']); // b.1 is not observed: the documented limit
    sdk.t.exposure.refresh(page);
    await vi.advanceTimersByTimeAsync(1040);
    expect(ids(sdk.exposures())).toEqual(['b.0', 'b.1']);
  });

  it('a scope that cannot be queried is observed anew after each setData', async () => {
    sdk = suite.sdk = startSdk();
    const { page } = await sdk.open({
      template: `<view><view wx:for="{{items}}" wx:key="*this" class="wt-exposure" data-wt-slot="q.{{item}}" data-top="{{item * 100}}" data-h="100">{{item}}</view></view>`,
      data: { items: [0] },
      onLoad(this: SimInstance) {
        this.createSelectorQuery = undefined;
      },
    });
    page.setData({ items: [0, 1] });
    await vi.advanceTimersByTimeAsync(1040);
    expect(ids(sdk.exposures())).toEqual(['q.0', 'q.1']);
  });

  it('manual observe with a selector of its own, and stop', async () => {
    sdk = suite.sdk = startSdk();
    const { page } = await sdk.open({ template: `<view><view class="ad" data-wt-slot="ad.1" data-top="0" data-h="100">ad</view><view class="ad" data-wt-slot="ad.2" data-top="100" data-h="100">ad</view></view>` });
    sdk.t.exposure.observe(page, '.ad');
    await vi.advanceTimersByTimeAsync(500);
    sdk.t.exposure.stop(page);
    await vi.advanceTimersByTimeAsync(1500);
    expect(sdk.exposures()).toEqual([]); // stopped mid-dwell
    sdk.t.exposure.observe(page, '.ad');
    await vi.advanceTimersByTimeAsync(1040);
    expect(ids(sdk.exposures())).toEqual(['ad.1', 'ad.2']);
  });
});

describe('scheduler', () => {
  const rules = { selector: '.x', minRatio: 0.5, minDwellMs: 1000, once: 'pageview' as const };

  it('a page view resumed (back from a native screen) with a new scheduler on the same counted set: what counted stays counted, dwells start again', () => {
    const out: string[] = [];
    const counted = new Set<string>();
    const make = () => createScheduler(rules, (p) => out.push(p.slot as string), counted, (f) => f());
    const see = (s: ReturnType<typeof make>, slot: string) => s.see({ wtSlot: slot }, 1, 100);
    const before = make();
    see(before, 'a');
    vi.advanceTimersByTime(1000);
    see(before, 'b');
    vi.advanceTimersByTime(500);
    before.stop();
    vi.advanceTimersByTime(5000);
    const after = make();
    see(after, 'a');
    see(after, 'b');
    vi.advanceTimersByTime(999);
    expect(out).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(out).toEqual(['a', 'b']);
  });

  it('out of view is never enough, also with minRatio 0', () => {
    const out: string[] = [];
    const s = createScheduler({ ...rules, minRatio: 0, minDwellMs: 10 }, (p) => out.push(p.slot as string), new Set(), (f) => f());
    s.see({ wtSlot: 'y' }, 0.01, 1);
    s.see({ wtSlot: 'y' }, 0, 0);
    s.see({ wtSlot: 'z' }, 0, 0);
    vi.advanceTimersByTime(100);
    expect(out).toEqual([]);
  });

  it('a slot whose data-wt-dwell is not a number never counts, and does not hold back the others', () => {
    const out: string[] = [];
    const s = createScheduler(rules, (p) => out.push(p.slot as string), new Set(), (f) => f());
    s.see({ wtSlot: 'bad', wtDwell: 'soon' }, 1, 100);
    s.see({ wtSlot: 'a' }, 1, 100);
    vi.advanceTimersByTime(999);
    expect(out).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(out).toEqual(['a']);
    vi.advanceTimersByTime(60_000);
    expect(out).toEqual(['a']);
  });

  it('slots coming into view one after another do not re-arm the timer, and each counts at its own dwell', () => {
    const out: [string, number][] = [];
    const t0 = Date.now();
    const s = createScheduler(rules, (p) => out.push([p.slot as string, Date.now() - t0]), new Set(), (f) => f());
    const timers = vi.spyOn(globalThis, 'setTimeout');
    for (let i = 0; i < 50; i++) {
      s.see({ wtSlot: 's' + i }, 1, 100);
      vi.advanceTimersByTime(10);
    }
    // One timer for the first deadline; the 49 later ones wait behind it.
    expect(timers).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => ['s' + i, 1000 + 10 * i]));
  });

  it('a slot whose deadline is the same as the timer\'s does not re-arm it; both count at that moment', () => {
    const out: [string, number][] = [];
    const t0 = Date.now();
    const s = createScheduler(rules, (p) => out.push([p.slot as string, Date.now() - t0]), new Set(), (f) => f());
    const timers = vi.spyOn(globalThis, 'setTimeout');
    s.see({ wtSlot: 'a' }, 1, 100); // due at 1000
    vi.advanceTimersByTime(400);
    s.see({ wtSlot: 'b', wtDwell: '600' }, 1, 100); // due at 1000 too
    expect(timers).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(600);
    expect(out).toEqual([
      ['a', 1000],
      ['b', 1000],
    ]);
  });

  it('no timer is left once every slot seen has counted or left view', () => {
    const out: string[] = [];
    const s = createScheduler(rules, (p) => out.push(p.slot as string), new Set(), (f) => f());
    s.see({ wtSlot: 'a' }, 1, 100);
    s.see({ wtSlot: 'b' }, 1, 100);
    vi.advanceTimersByTime(500);
    s.see({ wtSlot: 'b' }, 0, 0);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(500);
    expect(out).toEqual(['a']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a slot that left view starts again, and its properties are those of the visit that counted', () => {
    const out: Record<string, unknown>[] = [];
    const s = createScheduler(rules, (p) => out.push(p), new Set(), (f) => f());
    s.see({ wtSlot: 'a', wtCampaign: 'spring' }, 1, 100);
    vi.advanceTimersByTime(600);
    s.see({ wtSlot: 'a', wtCampaign: 'spring' }, 0, 0);
    s.see({ wtSlot: 'a', wtCampaign: 'summer' }, 0.8, 80);
    vi.advanceTimersByTime(999);
    expect(out).toEqual([]);
    s.see({ wtSlot: 'a', wtCampaign: 'summer' }, 0.6, 60);
    vi.advanceTimersByTime(1);
    expect(out).toEqual([{ slot: 'a', ratio: 0.6, dwell_ms: 1000, campaign: 'summer' }]);
  });

  it('paused (the page or app hidden), nothing counts and no dwell starts; resumed, slots seen again count after a whole dwell', () => {
    const out: [string, number][] = [];
    const t0 = Date.now();
    const s = createScheduler(rules, (p) => out.push([p.slot as string, Date.now() - t0]), new Set(), (f) => f());
    s.see({ wtSlot: 'a' }, 1, 100);
    vi.advanceTimersByTime(500);
    s.pause();
    s.see({ wtSlot: 'b' }, 1, 100);
    vi.advanceTimersByTime(5000);
    expect(out).toEqual([]);
    s.resume();
    s.see({ wtSlot: 'a' }, 1, 100);
    vi.advanceTimersByTime(999);
    expect(out).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(out).toEqual([['a', 6500]]);
  });

  it('the event carries every data-wt-* but the rules (slot, min-ratio, dwell, ignore), camel-cased, and no other dataset key', () => {
    const out: Record<string, unknown>[] = [];
    const s = createScheduler(rules, (p) => out.push(p), new Set(), (f) => f());
    s.see({ wtSlot: 'a', wtPrice: '9', newtab: 'x', wtNewtDwell: 'f', wtSlotName: 'n', wtMinRatio: '0.5', wtDwell: '1000', wtIgnore: '' }, 1, 100);
    vi.advanceTimersByTime(1000);
    expect(out).toEqual([{ slot: 'a', ratio: 1, dwell_ms: 1000, price: '9', newtDwell: 'f', slotName: 'n' }]);
  });

  it('with minVisiblePx, a slot below minRatio counts once exactly that many px are visible, and not one px fewer', () => {
    const out: string[] = [];
    const s = createScheduler({ ...rules, minVisiblePx: 100 }, (p) => out.push(p.slot as string), new Set(), (f) => f());
    s.see({ wtSlot: 'tall' }, 0.1, 100);
    s.see({ wtSlot: 'short' }, 0.1, 99);
    vi.advanceTimersByTime(1000);
    expect(out).toEqual(['tall']);
  });
});

describe('viewportMargins option', () => {
  const resolve = (viewportMargins: unknown) => {
    const warnings: string[] = [];
    const log: Logger = { warn: (m) => warnings.push(m), debug: () => {}, once: (_k, m) => warnings.push(m) };
    const resolved = resolveExposure({ viewportMargins } as never, log);
    return { margins: resolved?.viewportMargins, warnings };
  };

  it('valid margins are kept without a warning', () => {
    expect(resolve({ top: 88, bottom: 50 })).toEqual({ margins: { top: 88, bottom: 50 }, warnings: [] });
    expect(resolve(undefined)).toEqual({ margins: undefined, warnings: [] });
  });

  it('margins with any edge that is not a finite number are dropped with a warning naming the option', () => {
    const warning = 'init: options.exposure.viewportMargins is invalid; default used';
    expect(resolve({ top: 88, bottom: 'x' })).toEqual({ margins: undefined, warnings: [warning] });
    expect(resolve({ top: Infinity })).toEqual({ margins: undefined, warnings: [warning] });
    expect(resolve(12)).toEqual({ margins: undefined, warnings: [warning] });
  });
});
