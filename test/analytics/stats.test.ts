/**
 * The A/B intervals against published values: Wilson's score interval and Newcombe's hybrid score
 * interval for a difference of proportions (method 10), from Newcombe, "Two-sided confidence
 * intervals for the single proportion" and "Interval estimation for the difference between
 * independent proportions", Statistics in Medicine 17 (1998) 857–872 and 873–890, their worked examples.
 */
import { describe, expect, it } from 'vitest';
import { newcombe, wilson } from '../../collector/analytics/ab';

describe('A/B intervals', () => {
  it('Wilson score interval: 81/263 → 0.2553 to 0.3662; 0/10 → 0 to 0.2775', () => {
    const [lo, hi] = wilson(81, 263);
    expect(lo).toBeCloseTo(0.2553, 4);
    expect(hi).toBeCloseTo(0.3662, 4);
    const [lo0, hi0] = wilson(0, 10);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.2775, 4);
  });

  it('Newcombe method 10: 56/70 − 48/80 = 0.2000, 0.0524 to 0.3339; 9/10 − 3/10 = 0.6, 0.1705 to 0.8090', () => {
    const d = newcombe(56, 70, 48, 80);
    expect(d.value).toBeCloseTo(0.2, 10);
    expect(d.low).toBeCloseTo(0.0524, 4);
    expect(d.high).toBeCloseTo(0.3339, 4);
    const e = newcombe(9, 10, 3, 10);
    expect(e.low).toBeCloseTo(0.1705, 4);
    expect(e.high).toBeCloseTo(0.809, 4);
  });
});
