/**
 * Property 1: every public method, called with anything, returns normally into the caller —
 * before init and after it, init included; flush() always resolves (never rejects) once a
 * tracker is started; nothing the SDK runs later (timers, platform callbacks) throws into the host.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FullTracker } from '../../src/tracker';
import { argsRecipe, badCall, build, garbageOptions, printable, type GarbageOptions } from './support/garbage';
import { callAny, fakeRig, METHODS, params, URL_OK, type Method, usePropertySuite } from './support/rig';

const { rnd } = usePropertySuite();

const call = (g: GarbageOptions) =>
  fc.oneof(
    // shaped calls: garbage that gets past each method's first check
    badCall(g),
    // any method, any arguments, any arity
    fc.record({ method: fc.constantFrom<Method>(...METHODS), args: argsRecipe(g) }),
  );
const scenario = (g: GarbageOptions) =>
  fc.record({
    seed: fc.integer(),
    before: fc.array(call(g), { maxLength: 6 }),
    after: fc.array(call(g), { maxLength: 10 }),
  });
type Scenario = ReturnType<typeof scenario> extends fc.Arbitrary<infer S> ? S : never;

/** True when a garbage init() could actually start the tracker (it never should, here). */
function couldStart(v: unknown): boolean {
  try {
    const u = (v as { serverUrl?: unknown } | null)?.serverUrl;
    return typeof u === 'string' && /^https?:\/\/./.test(u);
  } catch {
    return false;
  }
}

/** Runs the calls and returns what went wrong, as readable lines; empty when all is well. */
async function runScenario(s: Scenario): Promise<string[]> {
  rnd.reseed(s.seed);
  const r = fakeRig();
  const problems: string[] = [];
  const flushes: Promise<unknown>[] = [];
  const invoke = (method: Method, args: unknown[]) => {
    let out: unknown;
    try {
      out = callAny(r.t, method, args);
    } catch (e) {
      problems.push(`${method}(${args.map(printable).join(', ')}) threw ${printable(e)}`);
      return;
    }
    if (method === 'flush') {
      if (out instanceof Promise) flushes.push(out);
      else problems.push('flush() returned ' + printable(out));
    }
    if (method === 'getAnonymousId' && typeof out !== 'string') problems.push('getAnonymousId() returned ' + printable(out));
  };
  for (const c of s.before) {
    const args = c.args.map(build);
    if (c.method === 'init' && couldStart(args[0])) continue;
    invoke(c.method, args);
  }
  invoke('init', [{ serverUrl: URL_OK }]);
  flushes.push(r.t.flush());
  for (const c of s.after) invoke(c.method, c.args.map(build));
  flushes.push(r.t.flush());
  for (const [i, p] of flushes.entries()) {
    const state = await r.settle(p);
    if (state !== 'resolved') problems.push(`flush #${i} ${state}`);
  }
  await r.advance(60_000);
  for (const e of r.hostErrors) problems.push('host error: ' + printable(e));
  if (typeof r.t.getAnonymousId() !== 'string' || !r.t.getAnonymousId()) problems.push('no anonymous id after init');
  return problems;
}

const noProblems = async (s: Scenario) => {
  expect(await runScenario(s)).toEqual([]);
};

describe('no public call throws into the caller', () => {
  // Hostile values here throw anything: Symbols, null-prototype objects, objects whose toString
  // throws (BUG-1, fixed in aa08486); Dates carry hostile toISOString methods (BUG-4, fixed there too).
  it('any method, any arguments, before and after init', async () => {
    await fc.assert(fc.asyncProperty(scenario(garbageOptions()), noProblems), params(300));
  });
});

// Regressions: each of these threw into the caller before aa08486 (BUG-1: the guard's report
// `name + ' failed: ' + e` threw for a Symbol or an unprintable object).
describe('one minimal case per method, from BUG-1', () => {
  const sym = () => Symbol('boom');
  const coercesToSymbolThrow = () => ({
    toString() {
      throw sym();
    },
  });
  const trapsThrowSymbol = () =>
    new Proxy(
      {},
      {
        getPrototypeOf() {
          throw sym();
        },
      },
    );
  const cases: [string, (t: FullTracker) => unknown][] = [
    ['track(name whose toString throws a Symbol)', (t) => t.track(coercesToSymbolThrow() as never)],
    ['track("ok", proxy whose getPrototypeOf throws a Symbol)', (t) => t.track('ok', trapsThrowSymbol() as never)],
    ['identify(userId whose toString throws a Symbol)', (t) => t.identify(coercesToSymbolThrow() as never)],
    ['register(proxy whose getPrototypeOf throws a Symbol)', (t) => t.register(trapsThrowSymbol() as never)],
    ['unregister(key whose toString throws a Symbol)', (t) => t.unregister(coercesToSymbolThrow() as never)],
    ['setUserProperties(proxy whose getPrototypeOf throws a Symbol)', (t) => t.setUserProperties(trapsThrowSymbol() as never)],
    ['time(name whose toString throws a Symbol)', (t) => t.time(coercesToSymbolThrow() as never)],
    ['setConsent(value whose toString throws a Symbol)', (t) => t.setConsent(coercesToSymbolThrow() as never)],
    ['use(plugin whose setup throws a Symbol)', (t) => t.use({ name: 'p', type: 'before', execute: (e) => e, setup: () => void (() => { throw sym(); })() })],
    ['use(plugin whose execute getter throws a Symbol)', (t) => t.use(Object.defineProperty({ name: 'p', type: 'before' }, 'execute', { get: () => { throw sym(); } }) as never)],
    ['track() with a beforeSend that throws a null-prototype object', (t) => t.track('ok')],
  ];
  for (const [name, run] of cases) {
    it(name, () => {
      const r = fakeRig();
      const beforeSend = name.includes('beforeSend')
        ? () => {
            throw Object.create(null) as object;
          }
        : undefined;
      r.t.init({ serverUrl: URL_OK, beforeSend });
      expect(() => run(r.t)).not.toThrow();
    });
  }

  it('init({ serverUrl: value whose toString throws a Symbol })', () => {
    const r = fakeRig();
    expect(() => r.t.init({ serverUrl: coercesToSymbolThrow() as never })).not.toThrow();
  });
});
