/**
 * The analyses' pure parts, without a store: the API's check of a funnel definition (each rule and
 * its bounds, with the message it answers), Wilson's interval with no trials, and the lines of
 * formatAnalytics whose wording depends on the values (days or sessions, one order or several, a
 * difference of exactly zero, an interval touching zero, pages without placed taps). The analyses
 * themselves, on both stores, are in analyses.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { formatAnalytics, type Analytics } from '../../collector/analytics';
import { wilson } from '../../collector/analytics/ab';
import { funnelProblem, MAX_STEPS } from '../../collector/analytics/funnel';

const step = (name: string, where?: Record<string, unknown>) => (where ? { name, where } : { name });
const steps = (n: number) => Array.from({ length: n }, (_, i) => step(`e${i}`));

describe('funnelProblem: what the API refuses, and the message naming it', () => {
  it('accepts the bounds: 1 and MAX_STEPS steps, 1 and 366 days, a 200-character name, each scalar type in where', () => {
    expect(MAX_STEPS).toBe(12);
    expect(funnelProblem({ steps: steps(1), within: 'session' })).toBeUndefined();
    expect(funnelProblem({ steps: steps(MAX_STEPS), within: 1 })).toBeUndefined();
    expect(funnelProblem({ steps: steps(2), within: 366 })).toBeUndefined();
    expect(funnelProblem({ steps: [step('x'.repeat(200))], within: 'session' })).toBeUndefined();
    expect(funnelProblem({ steps: [step('pay', { _k1: 'a', n: 2, ok: false })], within: 'session' })).toBeUndefined();
  });

  it('no definition, not an object, or steps that are not a list', () => {
    const msg = 'steps must be a list of { name, where? }';
    expect(funnelProblem(null)).toBe(msg);
    expect(funnelProblem(undefined)).toBe(msg);
    expect(funnelProblem('steps')).toBe(msg);
    expect(funnelProblem({ within: 'session' })).toBe(msg);
    expect(funnelProblem({ steps: { 0: step('a') }, within: 'session' })).toBe(msg);
  });

  it('no step, or more than MAX_STEPS', () => {
    expect(funnelProblem({ steps: [], within: 'session' })).toBe('steps: 1 to 12');
    expect(funnelProblem({ steps: steps(MAX_STEPS + 1), within: 'session' })).toBe('steps: 1 to 12');
  });

  it("within: 'session' or a whole number of days from 1 to 366", () => {
    const msg = "within must be 'session' or a number of days from 1 to 366";
    for (const within of [undefined, 'day', 0, 367, 1.5, '7', null]) expect(funnelProblem({ steps: steps(1), within })).toBe(msg);
  });

  it('a step without a name, a name that is not a string, empty, or past 200 characters, with its index', () => {
    const bad = (s: unknown) => funnelProblem({ steps: [step('ok'), s], within: 'session' });
    const msg = 'steps[1].name must be an event name';
    expect(bad(null)).toBe(msg);
    expect(bad({})).toBe(msg);
    expect(bad({ name: 3 })).toBe(msg);
    expect(bad({ name: '' })).toBe(msg);
    expect(bad({ name: 'x'.repeat(201) })).toBe(msg);
  });

  it('where: a key that is not a property name, a value that is not a scalar, with the step and the key', () => {
    const where = (w: Record<string, unknown>) => funnelProblem({ steps: [step('pay', w)], within: 'session' });
    expect(where({ 'a-b': 1 })).toBe('steps[0].where: "a-b" is not a property name (letters, digits, _)');
    expect(where({ '1a': 1 })).toBe('steps[0].where: "1a" is not a property name (letters, digits, _)');
    expect(where({ k: { x: 1 } })).toBe('steps[0].where.k must be a string, number or boolean');
    expect(where({ k: null })).toBe('steps[0].where.k must be a string, number or boolean');
    expect(where({ k: [1] })).toBe('steps[0].where.k must be a string, number or boolean');
  });
});

describe('Wilson interval', () => {
  it('no trials: the whole range [0, 1], not NaN', () => {
    expect(wilson(0, 0)).toEqual([0, 1]);
  });
});

/** An analyses result to vary one part at a time: an empty store's, as analyses.test.ts asserts it. */
function empty(): Analytics {
  return {
    daily: [],
    retention: [],
    funnel: { within: 'session', steps: [{ step: 'home', count: 0, conversion: null, ofFirst: null, dropOff: 0 }] },
    channels: { channels: [], shareDepth: [], sharers: [] },
    affinity: { orders: 0, pairs: [] },
    ab: { property: 'exp', exposure: 'checkout', goal: 'pay_success', control: null, variants: [] },
    tiers: [],
    repurchase: { buyers: 0, repeatBuyers: 0, rate: null, orders: 0 },
    heatmap: [],
  };
}
const line = (a: Analytics, start: string) => {
  const found = formatAnalytics(a).split('\n').filter((l) => l.startsWith(start));
  expect(found).toHaveLength(1);
  return found[0];
};

describe('formatAnalytics: wording that depends on the values', () => {
  it('a funnel within N days says per install and the days', () => {
    const a = empty();
    a.funnel = {
      within: 7,
      steps: [
        { step: 'home', count: 4, conversion: null, ofFirst: 1, dropOff: 0 },
        { step: 'pay', count: 1, conversion: 0.25, ofFirst: 0.25, dropOff: 3 },
      ],
    };
    expect(line(a, 'Funnel')).toBe('Funnel (per install, 7 days): home 4 → pay 1 (drop-off 3)');
  });

  it('a pair bought together in one order says "1 order", in two "2 orders"; only the first two pairs are printed', () => {
    const a = empty();
    const pair = (x: string, orders: number) => ({ a: x, b: 'Z', orders, support: 0.5, confidenceAB: 1, confidenceBA: 0.5, lift: 2 });
    a.affinity = { orders: 2, pairs: [pair('A', 1), pair('B', 2), pair('C', 2)] };
    expect(line(a, 'Bought together')).toBe(
      'Bought together (2 orders): A+Z 1 order, support 50.0%, confidence 100.0%/50.0%, lift 2.00; B+Z 2 orders, support 50.0%, confidence 100.0%/50.0%, lift 2.00',
    );
  });

  it('A/B: a difference of exactly zero is "+0.0", and an interval that only touches zero is not significant', () => {
    const a = empty();
    const v = (variant: string, diff: { value: number; low: number; high: number } | null) => ({ variant, users: 10, converted: 5, rate: 0.5, low: 0.2, high: 0.8, diff });
    a.ab = {
      ...a.ab,
      control: 'A',
      variants: [v('A', null), v('B', { value: 0, low: -0.3, high: 0.3 }), v('C', { value: 0.2, low: 0, high: 0.4 }), v('D', { value: -0.2, low: -0.4, high: 0 }), v('E', { value: 0.3, low: 0.01, high: 0.5 }), v('F', { value: -0.3, low: -0.5, high: -0.01 })],
    };
    const [head, variants] = line(a, 'A/B').split('Newcombe): ');
    expect(head).toBe('A/B exp (checkout → pay_success, 95% Wilson; difference vs A, ');
    expect(variants.split('; ')).toEqual([
      'A 5/10 = 50.0% [20.0%, 80.0%]',
      'B 5/10 = 50.0% [20.0%, 80.0%], +0.0 pts [-30.0, 30.0]',
      'C 5/10 = 50.0% [20.0%, 80.0%], +20.0 pts [0.0, 40.0]',
      'D 5/10 = 50.0% [20.0%, 80.0%], -20.0 pts [-40.0, 0.0]',
      'E 5/10 = 50.0% [20.0%, 80.0%], +30.0 pts [1.0, 50.0] significant',
      'F 5/10 = 50.0% [20.0%, 80.0%], -30.0 pts [-50.0, -1.0] significant',
    ]);
  });

  it('the heat map counts placed taps, and only the pages with a placed tap', () => {
    const a = empty();
    a.heatmap = [
      { page: 'pages/a', taps: 3, unplaced: 1, columns: 10, rows: 20, cells: [[0, 0, 2]] },
      { page: 'pages/b', taps: 2, unplaced: 2, columns: 10, rows: 20, cells: [] },
    ];
    expect(line(a, 'Tap heat map')).toBe('Tap heat map: 2 placed taps on 1 pages');
  });
});
