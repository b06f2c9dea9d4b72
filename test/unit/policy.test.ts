import { describe, expect, it, vi } from 'vitest';
import { backoff, RETRY_AFTER_CAP_MS } from '../../src/transport/backoff';
import { verdict } from '../../src/transport/policy';
import { retryAfterMs } from '../../src/platform/wx';

describe('status policy', () => {
  it('delivers on 2xx, bisects on 400/413/422, retries everything else', () => {
    for (const s of [200, 201, 204, 299]) expect(verdict(s)).toBe('ok');
    for (const s of [400, 413, 422]) expect(verdict(s)).toBe('bisect');
    for (const s of [0, 301, 401, 403, 404, 408, 429, 500, 501, 502, 503, 504, 599]) expect(verdict(s)).toBe('retry');
  });
});

describe('backoff', () => {
  it('doubles from the base up to the cap, within ±20% jitter', () => {
    const rnd = vi.spyOn(Math, 'random');
    rnd.mockReturnValue(0.5);
    expect([1, 2, 3, 4, 10, 100].map((n) => backoff(n, 1000, 60_000))).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
    rnd.mockReturnValue(0);
    expect(backoff(3, 1000, 60_000)).toBe(3200);
    rnd.mockReturnValue(0.999999);
    expect(backoff(3, 1000, 60_000)).toBeCloseTo(4800, 0);
    rnd.mockRestore();
  });

  it("honours the collector's Retry-After within [base, 5 min]", () => {
    expect(backoff(1, 1000, 60_000, 7000)).toBe(7000);
    expect(backoff(9, 1000, 60_000, 0)).toBe(1000);
    expect(backoff(1, 1000, 60_000, 3_600_000)).toBe(RETRY_AFTER_CAP_MS);
  });

  it('parses Retry-After as seconds or as an HTTP date, as HTTP/1.1 or HTTP/2 names it', () => {
    const now = Date.parse('2026-11-25T00:00:00Z');
    expect(retryAfterMs({ 'Retry-After': '3' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': '1.5' }, now)).toBe(1500);
    expect(retryAfterMs({ 'Retry-After': 'Wed, 25 Nov 2026 00:00:10 GMT' }, now)).toBe(10_000);
    expect(retryAfterMs({ 'Retry-After': 'Wed, 25 Nov 2020 00:00:10 GMT' }, now)).toBe(0);
    expect(retryAfterMs({ 'content-type': 'text/plain' }, now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});
