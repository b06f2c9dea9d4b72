import { describe, expect, it } from 'vitest';
import { createMasker } from '../../src/mask';
import { sanitize } from '../../src/sanitize';

const noMask = createMasker(false);
const run = (input: unknown, mask = noMask) => {
  const notes: string[] = [];
  const out = sanitize(input, mask, (path, what) => notes.push(path + ': ' + what));
  return { out, notes };
};

describe('sanitize', () => {
  it('keeps plain JSON values as they are, without notes', () => {
    const input = { s: 'a', n: 1.5, b: true, z: null, arr: [1, 'x', { y: 2 }], o: { deep: { er: 'x' } } };
    const { out, notes } = run(input);
    expect(out).toEqual(input);
    expect(notes).toEqual([]);
  });

  it('converts what JSON cannot carry and names each field it changed', () => {
    const d = new Date('2026-01-02T03:04:05.000Z');
    const { out, notes } = run({ d, nan: NaN, inf: -Infinity, big: 12n, fn: () => 1, sym: Symbol('s'), bad: new Date(NaN), u: undefined });
    expect(out).toEqual({ d: '2026-01-02T03:04:05.000Z', nan: null, inf: null, big: '12', bad: null });
    expect(notes).toEqual([
      'nan: NaN, null',
      'inf: -Infinity, null',
      'fn: function dropped',
      'sym: symbol dropped',
      'bad: invalid Date, null',
    ]);
  });

  it('cuts cycles, caps depth and long strings, and keeps array positions', () => {
    const o: Record<string, unknown> = { name: 'x' };
    o.self = o;
    const deep = { a: { b: { c: { d: { e: { f: 1 } } } } } };
    const { out, notes } = run({ o, deep, long: 'x'.repeat(2000), arr: [1, () => 2, 3] });
    expect(out.o).toEqual({ name: 'x' });
    expect(JSON.stringify(out.deep)).toBe('{"a":{"b":{"c":{"d":{}}}}}');
    expect((out.long as string).length).toBe(1024);
    expect(out.arr).toEqual([1, null, 3]);
    expect(notes).toEqual([
      'o.self: circular',
      'deep.a.b.c.d.e: too deep',
      'long: truncated',
      'arr.1: function dropped',
    ]);
  });

  it('bounds the work on shared references that would expand exponentially', () => {
    let level: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 4; i++) {
      const next: Record<string, unknown> = {};
      for (let k = 0; k < 50; k++) next['k' + k] = level;
      level = next;
    }
    const started = Date.now();
    const { out, notes } = run(level);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(notes).toEqual([expect.stringMatching(/too large/)]);
    expect(JSON.stringify(out).length).toBeLessThan(200_000);
  });

  it('refuses a non-object with one note and an empty result', () => {
    for (const bad of ['str', 5, [1, 2], new Date(), true]) {
      const { out, notes } = run(bad);
      expect(out).toEqual({});
      expect(notes).toEqual([': not an object']);
    }
    expect(run(undefined)).toEqual({ out: {}, notes: [] });
    expect(run(null)).toEqual({ out: {}, notes: [] });
  });

  it('survives getters that throw and proxies that refuse', () => {
    const evil = {
      get boom() {
        throw new Error('x');
      },
    };
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('no'); } });
    const { out, notes } = run({ evil, proxy, ok: 1 });
    expect(out.ok).toBe(1);
    expect(notes).toEqual(['evil.boom: unreadable', 'proxy: unreadable']);
  });

  it('a whole input that cannot be read (a revoked proxy) is no properties, told as unreadable', () => {
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    expect(run(proxy)).toEqual({ out: {}, notes: [': unreadable'] });
  });

  it('masks deny-listed keys and personal data in the same walk', () => {
    const { out } = run(
      { password: 'hunter2', nested: { accessToken: 'abc', note: 'call 13812345678 or mail a.b@example.com' }, phone: 13912345678 },
      createMasker(undefined),
    );
    expect(out).toEqual({ password: '***', nested: { accessToken: '***', note: 'call [phone] or mail [email]' }, phone: '[phone]' });
  });
});
