// @vitest-environment jsdom
/**
 * The lifecycles exposure listens to (src/exposure/index.ts): which page views start, which
 * scopes are watched or forgotten, and nothing at all when exposure is off.
 */
import { describe, expect, it, vi } from 'vitest';
import type { SimInstance } from '../support/mp-simulate';
import { slots, startSdk, useExposureSuite } from './harness';

const suite = useExposureSuite();

const ids = (xs: Record<string, unknown>[]) => xs.map((x) => x.slot as string).sort();

let sdk: ReturnType<typeof startSdk>;

/** A component with one slot, 100 px high from `top`. */
const card = () => sdk.component({ template: `<view class="wt-exposure" data-wt-slot="card.{{sku}}" data-top="{{top}}" data-h="100">card</view>`, properties: { sku: String, top: Number } });

describe('page views', () => {
  it('a page excluded from capture (excludePages) counts no exposure, though rendered and in view', async () => {
    // capture's show() returns before it marks the page shown: no page view, so onReady must not start one
    sdk = suite.sdk = startSdk({}, { excludePages: ['pages/home/index'] });
    await sdk.open({ template: `<view>${slots('x', 2)}</view>` });
    await vi.advanceTimersByTimeAsync(3000);
    expect(sdk.events.map((e) => e.name)).not.toContain('$page_view');
    expect(sdk.exposures()).toEqual([]);

    // the same page on another route counts: the exclusion is what keeps it out
    sdk.cleanup();
    sdk = suite.sdk = startSdk({}, { excludePages: ['pages/other/index'] });
    await sdk.open({ template: `<view>${slots('x', 2)}</view>` });
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(sdk.exposures())).toEqual(['x.1', 'x.2']);
  });

  it('a page built with Component() (its lifetime ready and its onReady both run) is looked at once, and its slots count', async () => {
    sdk = suite.sdk = startSdk();
    let queries = 0;
    await sdk.open(
      {
        template: `<view>${slots('cp', 2)}</view>`,
        lifetimes: {
          attached(this: SimInstance) {
            const query = (this.createSelectorQuery as () => object).bind(this);
            this.createSelectorQuery = () => (queries++, query());
          },
        },
        methods: { onLoad() {} },
      },
      'pages/home/index',
      'component',
    );
    expect(queries).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(sdk.exposures())).toEqual(['cp.1', 'cp.2']);
  });
});

describe('components', () => {
  it('a component detached mid-dwell: its slot is not counted, while a sibling that stays counts', async () => {
    sdk = suite.sdk = startSdk();
    // Each card in a parent of its own: as siblings, the simulator (j-component) detaches the last
    // card's instance and gives the first instance the last one's properties.
    const { page } = await sdk.open({ template: `<view><view><card-x wx:if="{{on}}" sku="A" top="0" /></view><view><card-x sku="B" top="100" /></view></view>`, usingComponents: { 'card-x': card() }, data: { on: true } });
    await vi.advanceTimersByTimeAsync(500);
    page.setData({ on: false }); // card A detached (the observer says nothing about a removed node)
    await vi.advanceTimersByTimeAsync(2000);
    expect(ids(sdk.exposures())).toEqual(['card.B']);
  });

  it('with exposure off, components that become ready and detach cause no fault and no event', async () => {
    sdk = suite.sdk = startSdk(false);
    const { page } = await sdk.open({ template: `<view><card-x wx:if="{{on}}" sku="A" top="0" /></view>`, usingComponents: { 'card-x': card() }, data: { on: true } });
    page.setData({ on: false });
    await vi.advanceTimersByTimeAsync(2000);
    expect(sdk.events.map((e) => e.name)).toEqual(['$app_launch', '$page_view']);
    expect(vi.mocked(console.warn).mock.calls).toEqual([]);
  });
});
