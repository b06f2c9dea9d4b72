/**
 * `checkPlan` (src/plan/index.ts) as a plugin on its own, without the simulator: which values it takes
 * for a plan, and which warnings it folds into one (once per event, field and rule; per slot for the
 * slot and page rules). test/plan/dev.test.ts runs it inside the example app; these pin the details
 * a refactor breaks. Outside WeChat `appEnv()` is unknown, which counts as development: checking is on.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { checkPlan, type TrackingPlanFile } from '../../src/plan';
import type { Plugin, TrackedEvent } from '../../src/types';

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());
const warnings = () => warn.mock.calls.map((c) => String(c[0]));

const PLAN: TrackingPlanFile = {
  version: 1,
  events: {
    view_product: { description: 'a product page shown', properties: { sku: { type: 'string', required: true }, price: { type: 'number', maximum: 100 } } },
    $exposure: { description: 'a slot seen' },
  },
  slots: { 'home.banner': { page: 'pages/home/index' }, 'cart.promo': { page: 'pages/cart/index' } },
};

const event = (name: string, properties: Record<string, unknown>, page = 'pages/home/index') =>
  ({ id: 'x', seq: 1, name, time: 0, anonymousId: 'a', sessionId: 's', page, properties }) as unknown as TrackedEvent;

function started(plan: unknown): Plugin {
  const plugin = checkPlan(plan as TrackingPlanFile);
  plugin.setup!({} as never);
  return plugin;
}

describe('checkPlan', () => {
  it('is the before-plugin named wetrack-plan', () => {
    const plugin = checkPlan(PLAN);
    expect([plugin.name, plugin.type]).toEqual(['wetrack-plan', 'before']);
  });

  // What a mis-wired require() gives: nothing, a module namespace without events, a JSON string, …
  const notPlans: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', '{"events":{}}'],
    ['an object without events', {}],
    ['events: null', { events: null }],
    ['events: a string', { events: 'view_product' }],
    ['a function carrying events', Object.assign(() => {}, { events: {} })],
  ];
  for (const [what, value] of notPlans) {
    it(`${what} is not a plan: one warning at setup, and every event passes unchecked and unchanged`, () => {
      const plugin = started(value);
      const e = event('not_in_any_plan', { a: 1 });
      expect(plugin.execute!(e)).toBe(e);
      expect(warnings()).toEqual(['[wetrack] checkPlan: not a tracking plan (no events)']);
    });
  }

  it('a valid plan: no warning at setup', () => {
    started(PLAN);
    expect(warnings()).toEqual([]);
  });

  it('warns once per event, field and rule: the same violation again is silent, another rule of the same field is not', () => {
    const plugin = started(PLAN);
    plugin.execute!(event('view_product', { sku: 1 }));
    plugin.execute!(event('view_product', { sku: 2 }));
    plugin.execute!(event('view_product', { sku: 'A', price: 500 }));
    plugin.execute!(event('view_product', { sku: 'A', price: 900 }));
    plugin.execute!(event('view_product', { sku: 'A', price: 'free' }));
    expect(warnings()).toEqual([
      '[wetrack] track("view_product"): plan: properties.sku must be string, got 1',
      '[wetrack] track("view_product"): plan: properties.price must be at most 100, got 500',
      '[wetrack] track("view_product"): plan: properties.price must be number, got "free"',
    ]);
  });

  it('an unknown slot warns once per slot, a slot on another page once per slot, and auto-captured events are named as they are', () => {
    const plugin = started(PLAN);
    for (const slot of ['home.nope', 'home.nope', 'home.other']) plugin.execute!(event('$exposure', { slot }));
    for (const slot of ['cart.promo', 'cart.promo']) plugin.execute!(event('$exposure', { slot }));
    plugin.execute!(event('$exposure', { slot: 'home.banner' }, 'pages/cart/index'));
    const got = warnings();
    expect(got).toHaveLength(4);
    expect(got.every((w) => w.startsWith('[wetrack] $exposure: plan: '))).toBe(true);
    expect(got.filter((w) => w.includes('home.nope'))).toHaveLength(1);
    expect(got.filter((w) => w.includes('home.other'))).toHaveLength(1);
    expect(got.filter((w) => w.includes('cart.promo'))).toHaveLength(1);
    expect(got.filter((w) => w.includes('home.banner'))).toHaveLength(1);
  });
});
