/**
 * The house rule's last clause: bad input gets a warning "and nothing else is lost".
 * - track() with a valid name delivers its event whatever the properties argument is (the
 *   properties may be emptied or trimmed, with a warning).
 * - JSON-valid properties arrive exactly as given (masking off): no key or value disappears.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, garbageOptions, propsRecipe, validName, validProps, type GarbageOptions, type Recipe } from './support/garbage';
import { fakeRig, params, URL_OK, usePropertySuite } from './support/rig';

const { rnd, con } = usePropertySuite();

describe('an event with a valid name is never lost to its properties', () => {
  const delivers = async (seed: number, name: string, props: Recipe) => {
    rnd.reseed(seed);
    const r = fakeRig();
    r.t.init({ serverUrl: URL_OK });
    r.t.track(name, build(props) as never);
    await r.settle(r.t.flush(), 20_000);
    expect(r.delivered().map((e) => e.name)).toEqual([name]);
  };
  const args = (g: GarbageOptions) => [fc.integer(), validName(), propsRecipe(g)] as const;

  it('track(validName, anything) delivers that one event (whole-argument proxies: below)', async () => {
    await fc.assert(fc.asyncProperty(...args(garbageOptions({ bug5: true })), delivers), params(300));
  });

  // Was BUG-5, fixed: sanitize() tested `Array.isArray(input) || input instanceof Date` on the whole
  // properties argument outside its try: a revoked proxy, or a proxy whose getPrototypeOf trap
  // threw, made track() fail as a whole ("track failed: …") and the event was lost.
  it('… and with proxies as the whole properties argument (was BUG-5)', async () => {
    await fc.assert(
      fc.asyncProperty(...args(garbageOptions()), delivers),
      params<[number, string, Recipe]>(300, { examples: [[1, 'buy', { hostile: 'revokedProxy', throws: 'error' }]] }),
    );
  });
});

describe('JSON-valid properties arrive as given', () => {
  const intact = async (seed: number, name: string, props: { [k: string]: unknown }) => {
    rnd.reseed(seed);
    const r = fakeRig();
    r.t.init({ serverUrl: URL_OK, mask: false });
    r.t.track(name, props);
    await r.settle(r.t.flush(), 20_000);
    expect(r.delivered().map((e) => e.properties)).toEqual([JSON.parse(JSON.stringify(props))]);
    expect(con.warnings()).toEqual([]);
  };

  // Keys such as 'toString' or 'constructor' were masked to '***' from a6061ba to cf13696 (BUG-15).
  it('with masking off, every key and value arrives unchanged, without a warning (minus own __proto__ keys: BUG-7)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), validName(), validProps({ protoKeys: false }), intact),
      params<[number, string, { [k: string]: unknown }]>(300, { examples: [[1, 'buy', { constructor: 'x', toString: 'y', sku: 'A1' }]] }),
    );
  });

  // Was BUG-7: an own '__proto__' key (as JSON.parse makes it) disappeared silently. It cannot be
  // copied as data (it would set the prototype), so it is dropped with a warning naming it.
  it("an own '__proto__' key is dropped with a warning naming it; the rest arrives", async () => {
    const r = fakeRig();
    r.t.init({ serverUrl: URL_OK, mask: false });
    r.t.track('buy', JSON.parse('{"__proto__": {"a": 1}, "b": 2}') as { [k: string]: unknown });
    await r.settle(r.t.flush(), 20_000);
    expect(r.delivered().map((e) => e.properties)).toEqual([{ b: 2 }]);
    const warned = (console.warn as unknown as { mock: { calls: unknown[][] } }).mock.calls.map((c) => String(c[0]));
    expect(warned).toEqual(['[wetrack] track("buy"): properties.__proto__ key dropped']);
  });
});
