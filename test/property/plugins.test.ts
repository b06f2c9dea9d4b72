/**
 * Property 5: plugins that throw, or return garbage, do not break the delivery of other events.
 *
 * Each generated plugin has a behaviour per event (cycled over the event index). The contract
 * (types.ts, timeline.ts): a before/enrichment plugin that throws is skipped for that event, one
 * that returns undefined leaves it as it was, null drops it; a destination's return value is
 * ignored. So an event is owed delivery when every before/enrichment plugin passed, changed it
 * properly, returned undefined or threw. Events some plugin dropped or replaced with garbage are
 * owed nothing — but whatever is delivered must still carry seq 1..n without a gap, each mark once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PluginType, TrackedEvent } from '../../src/types';
import { build, garbageOptions, makeThrown, printable, recipe, ALL_THROWN, type Recipe, type Thrown } from './support/garbage';
import { fakeRig, marksOf, params, URL_OK, usePropertySuite } from './support/rig';

type Behaviour =
  | { k: 'pass' | 'undef' | 'mutate' | 'drop' }
  | { k: 'throw'; t: Thrown }
  /** returns this value instead of the event */
  | { k: 'garbage'; r: Recipe }
  /** returns a copy of the event with an extra top-level field */
  | { k: 'extraField'; r: Recipe }
  /** destination only: writes into the event it was given */
  | { k: 'writeInto'; r: Recipe };

interface Spec {
  type: PluginType;
  name: Recipe;
  setup: 'none' | 'ok' | Thrown;
  behaviours: Behaviour[];
}

interface Reach {
  /** returns whose JSON fails or drops the seq (arrays, BigInt, cycles), and destinations writing such values into the event */
  bug12?: boolean;
}

/** JSON-able garbage: what a sloppy plugin returns without breaking serialisation. */
const jsonGarbage = fc.oneof(
  fc.constantFrom<unknown>(0, 1, '', 'event', true, false, {}, { name: 'x' }),
  fc.jsonValue({ maxDepth: 2 }).filter((v) => !Array.isArray(v)),
);

function specArb(reach: Reach): fc.Arbitrary<Spec> {
  // Any thrown value, any name: a Symbol or an unprintable object cost the event until aa08486 (BUG-1).
  const thrown = fc.constantFrom(...ALL_THROWN);
  const g = recipe(garbageOptions());
  const returned: fc.Arbitrary<Recipe> = reach.bug12 ? fc.oneof(g, jsonGarbage.map((v) => ({ any: v }))) : jsonGarbage.map((v) => ({ any: v }));
  const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ k: fc.constantFrom('pass' as const, 'undef' as const, 'mutate' as const) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('drop' as const) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('throw' as const), t: thrown }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('garbage' as const), r: returned }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('extraField' as const), r: returned }) },
    { weight: reach.bug12 ? 1 : 0, arbitrary: fc.record({ k: fc.constant('writeInto' as const), r: g }) },
  );
  const name: fc.Arbitrary<Recipe> = fc.oneof(fc.string().map((s) => ({ any: s })), g);
  return fc.record({
    type: fc.constantFrom<PluginType>('before', 'enrichment', 'destination'),
    name,
    setup: fc.oneof(fc.constantFrom<'none' | 'ok'>('none', 'ok'), thrown),
    behaviours: fc.array(behaviour, { minLength: 1, maxLength: 4 }),
  });
}

const scenario = (reach: Reach) =>
  fc.record({
    seed: fc.integer(),
    plugins: fc.array(specArb(reach), { minLength: 1, maxLength: 4 }),
    events: fc.integer({ min: 1, max: 12 }),
    useBeforeInit: fc.boolean(),
    pendingConsent: fc.boolean(),
  });
type Scenario = ReturnType<typeof scenario> extends fc.Arbitrary<infer S> ? S : never;

const indexOf = (e: unknown): number | undefined => {
  try {
    const m = (e as TrackedEvent).properties.__mark;
    return typeof m === 'string' ? Number(m.slice(1)) : undefined;
  } catch {
    return undefined;
  }
};

function plugin(spec: Spec, n: number, reach: Reach) {
  // Without BUG-12 a returned value is a fresh copy each time; with it, the very same object may come
  // back for several events (a cached object), which the SDK then queues more than once.
  const made = (r: Recipe) => (reach.bug12 || !('any' in r) ? build(r) : (JSON.parse(JSON.stringify(r.any) ?? 'null') as unknown));
  return {
    name: build(spec.name) as string,
    type: spec.type,
    setup: spec.setup === 'none' ? undefined : spec.setup === 'ok' ? () => {} : () => void (() => { throw makeThrown(spec.setup as Thrown); })(),
    execute(e: TrackedEvent): TrackedEvent | null | void {
      const i = indexOf(e);
      if (i === undefined) return;
      const b = spec.behaviours[i % spec.behaviours.length];
      switch (b.k) {
        case 'pass':
          return e;
        case 'undef':
          return undefined;
        case 'mutate':
          return { ...e, properties: { ...e.properties, ['p' + n]: i } };
        case 'drop':
          return null;
        case 'throw':
          throw makeThrown(b.t);
        case 'garbage':
          return made(b.r) as TrackedEvent;
        case 'extraField':
          return { ...e, ['extra' + n]: made(b.r) } as TrackedEvent;
        case 'writeInto':
          (e as unknown as { [k: string]: unknown })['extra' + n] = build(b.r);
          return;
      }
    },
  };
}

/** Event i is owed delivery when no before/enrichment plugin dropped it or returned garbage. */
function owed(s: Scenario, i: number): boolean {
  const chain = [...s.plugins.filter((p) => p.type === 'before'), ...s.plugins.filter((p) => p.type === 'enrichment')];
  return chain.every((p) => {
    const b = p.behaviours[i % p.behaviours.length];
    return b.k === 'pass' || b.k === 'undef' || b.k === 'mutate' || b.k === 'throw';
  });
}

const { rnd } = usePropertySuite();

const run = (reach: Reach) => async (s: Scenario) => {
  rnd.reseed(s.seed);
  const r = fakeRig();
  const thrown: string[] = [];
  const attempt = (what: string, f: () => unknown) => {
    try {
      f();
    } catch (e) {
      thrown.push(`${what} threw ${printable(e)}`);
    }
  };
  const use = () => s.plugins.forEach((p, n) => attempt('use', () => r.t.use(plugin(p, n, reach))));
  if (s.useBeforeInit) use();
  attempt('init', () => r.t.init({ serverUrl: URL_OK, batchSize: 5, consent: s.pendingConsent ? 'pending' : 'granted' }));
  if (!s.useBeforeInit) use();
  for (let i = 0; i < s.events; i++) attempt('track', () => r.t.track('e', { __mark: 'm' + i }));
  if (s.pendingConsent) attempt('setConsent', () => r.t.setConsent('granted'));
  for (let k = 0; k < 3; k++) {
    await r.settle(r.t.flush(), 10_000);
    await r.advance(2000);
  }
  const got = r.delivered();
  const marks = marksOf(got);
  const want = Array.from({ length: s.events }, (_, i) => i).filter((i) => owed(s, i));
  expect({
    thrown,
    hostErrors: r.hostErrors.map(printable),
    missing: want.map((i) => 'm' + i).filter((m) => !marks.includes(m)),
    duplicated: marks.filter((m, k) => marks.indexOf(m) !== k),
    inOrder: marks.every((m, k) => k === 0 || Number(m.slice(1)) > Number(marks[k - 1].slice(1))),
    seqs: got.map((e) => e.seq),
  }).toEqual({ thrown: [], hostErrors: [], missing: [], duplicated: [], inOrder: true, seqs: got.map((_, k) => k + 1) });
};

describe('plugins that throw or return garbage', () => {
  it('do not cost other events their delivery, order or seq, whatever they throw and whatever their name (returns that are JSON data; any return: below)', async () => {
    await fc.assert(fc.asyncProperty(scenario({}), run({})), params(300));
  });

  // Was BUG-12, fixed: what a plugin returned was queued without a check that it could be sent (an
  // array lost its seq in JSON; a BigInt or a cycle made the save fail and blocked every later event;
  // the same object returned twice was sent twice with one seq), and destinations could write into the
  // queued event. Returns are now copied, made JSON-safe and checked; destinations get it serialised.
  it('… nor whatever they return, nor whatever a destination writes into the event (was BUG-12)', async () => {
    await fc.assert(fc.asyncProperty(scenario({ bug12: true }), run({ bug12: true })), params(300));
  });
});

describe('minimal cases: BUG-1 and BUG-12 regressions (both fixed)', () => {
  /** Tracks e0..e(n-1) with the plugin, drains, and returns what went wrong. */
  async function deliverAll(p: { name: string; type: PluginType; execute(e: TrackedEvent): TrackedEvent | null | void }, n = 4, pending = false) {
    const r = fakeRig();
    r.t.init({ serverUrl: URL_OK, batchSize: 2, consent: pending ? 'pending' : 'granted' });
    r.t.use(p);
    for (let i = 0; i < n; i++) r.t.track('e', { __mark: 'm' + i });
    if (pending) r.t.setConsent('granted');
    const state = await r.settle(r.t.flush(), 20_000);
    await r.advance(10_000);
    const got = r.delivered();
    return { flush: state, marks: marksOf(got), seqs: got.map((e) => e.seq), hostErrors: r.hostErrors.length };
  }
  const all = (n = 4) => ({ flush: 'resolved', marks: Array.from({ length: n }, (_, i) => 'm' + i), seqs: Array.from({ length: n }, (_, i) => i + 1), hostErrors: 0 });
  const onFirst = (f: (e: TrackedEvent) => TrackedEvent | null | void) => (e: TrackedEvent) => (e.properties.__mark === 'm0' ? f(e) : e);

  it('an enrichment plugin that throws a Symbol is skipped; the event goes on (was BUG-1)', async () => {
    const sym = () => {
      throw Symbol('boom');
    };
    expect(await deliverAll({ name: 'p', type: 'enrichment', execute: onFirst(sym) })).toEqual(all());
  });

  it('a destination that throws a Symbol while held events are released (setConsent granted) costs nothing (was BUG-1: delivery stayed paused for good)', async () => {
    const sym = () => {
      throw Symbol('boom');
    };
    expect(await deliverAll({ name: 'p', type: 'destination', execute: onFirst(sym) }, 4, true)).toEqual(all());
  });

  it('[was BUG-12] an enrichment plugin returns { ...e, big: 10n } for one event: it is made JSON-safe, and every event is delivered', async () => {
    const res = await deliverAll({ name: 'p', type: 'enrichment', execute: onFirst((e) => ({ ...e, big: 10n }) as TrackedEvent) });
    expect(res.marks).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(res.seqs).toEqual([1, 2, 3, 4]);
  });

  it('[was BUG-12] a before plugin returns [] for one event: that event is dropped with a warning, the others arrive with seqs 1-3', async () => {
    const res = await deliverAll({ name: 'p', type: 'before', execute: onFirst(() => [] as unknown as TrackedEvent) });
    expect(res).toEqual({ flush: 'resolved', marks: ['m1', 'm2', 'm3'], seqs: [1, 2, 3], hostErrors: 0 });
  });

  it('[was BUG-12] a destination writes e.big = 10n into the event it was given: what is stored was fixed before, every event is delivered', async () => {
    const res = await deliverAll({ name: 'p', type: 'destination', execute: onFirst((e) => void ((e as unknown as { big: bigint }).big = 10n)) });
    expect(res.marks).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(res.seqs).toEqual([1, 2, 3, 4]);
  });
});
