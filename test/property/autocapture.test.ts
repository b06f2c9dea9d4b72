/**
 * The default instance (src/index.ts) adds auto-capture and exposure to the API: the wrappers
 * page(), component(), behavior(), app(), exposure.observe/refresh/stop, and the `autocapture` and
 * `exposure` init options. The same rule holds for them: any argument returns normally; a wrapped
 * lifecycle or handler, called with anything, behaves as the host function (same `this`, arguments
 * and return value) and never throws on its own; nothing they schedule throws into the host.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsRecipe, build, garbageOptions, printable, propsRecipe, recipe, type GarbageOptions, type Recipe } from './support/garbage';
import { fakeRig, params, URL_OK, WRAPPERS, type Wrapper, usePropertySuite } from './support/rig';

const { rnd } = usePropertySuite();

type WrapperFn = (o: unknown) => unknown;
const wrapperOf = (t: object, w: Wrapper) => (t as { [k: string]: WrapperFn })[w];

/** An options bag for Page/Component/Behavior, possibly with `methods`, or any value at all. */
const bagRecipe = (g: GarbageOptions): fc.Arbitrary<Recipe> =>
  fc.oneof(
    fc.tuple(propsRecipe(g), fc.option(propsRecipe(g), { nil: undefined })).map(([bag, methods]): Recipe =>
      methods && 'obj' in bag ? { obj: [...bag.obj, ['methods', methods]], nullProto: bag.nullProto } : bag,
    ),
    recipe(g),
  );

describe('wrappers with any argument', () => {
  const scenario = (g: GarbageOptions) =>
    fc.record({
      seed: fc.integer(),
      calls: fc.array(fc.record({ wrapper: fc.constantFrom<Wrapper>(...WRAPPERS), arg: bagRecipe(g) }), { minLength: 1, maxLength: 6 }),
      initFirst: fc.boolean(),
      autocapture: fc.oneof(fc.constant<Recipe>({ any: undefined }), fc.constant<Recipe>({ any: false }), recipe(g)),
    });
  type Scenario = ReturnType<typeof scenario> extends fc.Arbitrary<infer S> ? S : never;

  const run = async (s: Scenario) => {
    rnd.reseed(s.seed);
    const r = fakeRig(undefined, { autocapture: true });
    const problems: string[] = [];
    const init = () => {
      try {
        r.t.init({ serverUrl: URL_OK, autocapture: build(s.autocapture) as never });
      } catch (e) {
        problems.push('init threw ' + printable(e));
      }
    };
    if (s.initFirst) init();
    for (const c of s.calls) {
      const arg = build(c.arg);
      try {
        const out = wrapperOf(r.t, c.wrapper)(arg);
        if ((c.wrapper === 'app' || typeof arg !== 'object' || arg === null) && !Object.is(out, arg)) problems.push(`${c.wrapper}() changed ${printable(arg)}`);
      } catch (e) {
        problems.push(`${c.wrapper}(${printable(arg)}) threw ${printable(e)}`);
      }
    }
    if (!s.initFirst) init();
    const state = await r.settle(r.t.flush(), 20_000);
    if (state !== 'resolved') problems.push('flush ' + state);
    await r.advance(10_000);
    problems.push(...r.hostErrors.map((e) => 'host error: ' + printable(e)));
    expect(problems).toEqual([]);
  };

  // Hostile objects as the whole argument threw into the app until aa08486 (BUG-16).
  it('return normally, before and after init, with any autocapture option', async () => {
    await fc.assert(fc.asyncProperty(scenario(garbageOptions()), run), params(200));
  });
});

describe('wrapped lifecycles and handlers, called with anything', () => {
  const FNS = ['onLoad', 'onShow', 'onHide', 'onUnload', 'onTabItemTap', 'onShareAppMessage', 'onShareTimeline', 'bindtap', 'onSomething'];
  const tapLike = (g: GarbageOptions): fc.Arbitrary<Recipe> =>
    fc
      .tuple(fc.constantFrom('tap', 'longpress', 'touchstart'), fc.integer(), recipe(g), recipe(g))
      .map(([type, ts, current, target]): Recipe => ({ obj: [['type', { any: type }], ['timeStamp', { any: ts }], ['currentTarget', current], ['target', target]], nullProto: false }));
  const scenario = (g: GarbageOptions) =>
    fc.record({
      seed: fc.integer(),
      kind: fc.constantFrom<'page' | 'component' | 'behavior'>('page', 'component', 'behavior'),
      calls: fc.array(
        fc.record({
          fn: fc.constantFrom(...FNS),
          self: fc.oneof(recipe(g), fc.constant<Recipe>({ obj: [['route', { any: 'pages/a/index' }]], nullProto: false })),
          args: fc.oneof(argsRecipe(g), tapLike(g).map((t) => [t])),
        }),
        { minLength: 1, maxLength: 10 },
      ),
    });
  type Scenario = ReturnType<typeof scenario> extends fc.Arbitrary<infer S> ? S : never;

  const run = async (s: Scenario) => {
    rnd.reseed(s.seed);
    const r = fakeRig(undefined, { autocapture: true });
    r.t.init({ serverUrl: URL_OK });
    const seen: { fn: string; self: unknown; args: unknown[] }[] = [];
    const RET = { returned: true };
    const hosts: { [k: string]: (...a: unknown[]) => unknown } = {};
    for (const fn of FNS)
      hosts[fn] = function (this: unknown, ...args: unknown[]) {
        seen.push({ fn, self: this, args });
        return RET;
      };
    const wrapped = wrapperOf(r.t, s.kind)(s.kind === 'page' ? { ...hosts } : { methods: { ...hosts } }) as { [k: string]: unknown; methods?: { [k: string]: unknown } };
    const fns = (s.kind === 'page' ? wrapped : wrapped.methods) as { [k: string]: (...a: unknown[]) => unknown };
    const problems: string[] = [];
    for (const c of s.calls) {
      const self = build(c.self);
      const args = c.args.map(build);
      seen.length = 0;
      let out: unknown;
      try {
        out = fns[c.fn].apply(self, args);
      } catch (e) {
        problems.push(`${c.fn} threw ${printable(e)}`);
        continue;
      }
      const call = seen[0];
      if (seen.length !== 1 || !Object.is(call.self, self) || call.args.length !== args.length || call.args.some((a, i) => !Object.is(a, args[i])))
        problems.push(`${c.fn}: the host function did not get the same call`);
      // Share handlers may return the host's object with a share parameter added to the path.
      if (!/^onShare/.test(c.fn) && out !== RET) problems.push(`${c.fn}: the host's return value was replaced by ${printable(out)}`);
    }
    const state = await r.settle(r.t.flush(), 20_000);
    if (state !== 'resolved') problems.push('flush ' + state);
    await r.advance(10_000);
    problems.push(...r.hostErrors.map((e) => 'host error: ' + printable(e)));
    expect(problems).toEqual([]);
  };

  // Arguments whose getters throw Symbols made cap.safe() throw into the app until aa08486 (BUG-1).
  it('behave as the host function and never throw on their own', async () => {
    await fc.assert(fc.asyncProperty(scenario(garbageOptions()), run), params(200));
  });
});

describe('exposure, with any scope, selector, options and observer reports', () => {
  interface FakeObserver {
    selector?: unknown;
    cb?: (res: unknown) => void;
  }
  /** An intersectionRatio: a number as WeChat reports it, or garbage (a BigInt threw in a timer until aa08486: BUG-17). */
  const ratio = (g: GarbageOptions) => fc.oneof(fc.constantFrom<Recipe>({ any: 1 }, { any: 0.7 }, { any: 0 }, { any: 1n }), recipe(g));
  const scenario = (g: GarbageOptions) =>
    fc.record({
      seed: fc.integer(),
      exposure: fc.oneof(
        fc.constant<Recipe>({ any: undefined }),
        fc.constant<Recipe>({ any: { minDwellMs: 10, once: 'always' } }),
        propsRecipe(g),
      ),
      steps: fc.array(
        fc.oneof(
          fc.record({ kind: fc.constantFrom('observe' as const, 'refresh' as const, 'stop' as const), scope: recipe(g), selector: recipe(g) }),
          fc.record({ kind: fc.constantFrom('observe' as const, 'refresh' as const, 'stop' as const), scope: fc.constant<Recipe>({ any: 'page' }), selector: recipe(g) }),
          fc.record({ kind: fc.constant('report' as const), res: recipe(g) }),
          fc.record({
            kind: fc.constant('report' as const),
            res: fc
              .tuple(
                fc.oneof(fc.constantFrom<Recipe>({ any: 's1' }, { any: 's2' }, { any: 3 }), recipe(g)),
                ratio(g),
                recipe(g),
              )
              .map(([slot, ratio, extra]): Recipe => ({ obj: [['dataset', { obj: [['wtSlot', slot], ['wtDwell', { any: 5 }], ['wtX', extra]], nullProto: false }], ['intersectionRatio', ratio]], nullProto: false })),
          }),
          fc.record({ kind: fc.constantFrom('hide' as const, 'show' as const, 'setData' as const) }),
          fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 3000 }) }),
        ),
        { minLength: 1, maxLength: 12 },
      ),
    });
  type Scenario = ReturnType<typeof scenario> extends fc.Arbitrary<infer S> ? S : never;

  const run = async (s: Scenario) => {
    rnd.reseed(s.seed);
    const r = fakeRig(undefined, { autocapture: true });
    const problems: string[] = [];
    const attempt = (what: string, f: () => unknown) => {
      try {
        f();
      } catch (e) {
        problems.push(`${what} threw ${printable(e)}`);
      }
    };
    attempt('init', () => r.t.init({ serverUrl: URL_OK, exposure: build(s.exposure) } as never));
    // A page instance with the scope API WeChat gives it: observers report through `cb`.
    const observers: FakeObserver[] = [];
    const scope = {
      route: 'pages/a/index',
      setData(_d: object, cb?: () => void) {
        if (cb) cb();
      },
      createIntersectionObserver() {
        const ob: FakeObserver = {};
        observers.push(ob);
        const api = {
          relativeToViewport: () => api,
          observe: (selector: unknown, cb: (res: unknown) => void) => void Object.assign(ob, { selector, cb }),
          disconnect: () => void (ob.cb = undefined),
        };
        return api;
      },
    };
    const page = wrapperOf(r.t, 'page')({ onLoad() {}, onReady() {}, onShow() {}, onHide() {} }) as { [k: string]: (this: unknown) => void };
    attempt('onLoad', () => page.onLoad.call(scope));
    attempt('onShow', () => page.onShow.call(scope));
    attempt('onReady', () => page.onReady.call(scope));
    const x = r.t.exposure!;
    for (const st of s.steps) {
      if (st.kind === 'observe' || st.kind === 'refresh' || st.kind === 'stop') {
        const sc = 'any' in st.scope && st.scope.any === 'page' ? scope : build(st.scope);
        attempt(st.kind, () => (st.kind === 'observe' ? x.observe(sc as object, build(st.selector) as string) : x[st.kind](sc as object)));
      } else if (st.kind === 'report') {
        const res = build(st.res);
        for (const ob of observers) if (ob.cb) attempt('observer callback', () => ob.cb!(res));
      } else if (st.kind === 'hide') attempt('onHide', () => page.onHide.call(scope));
      else if (st.kind === 'show') attempt('onShow', () => page.onShow.call(scope));
      else if (st.kind === 'setData') attempt('setData', () => (scope as { setData(d: object, cb?: () => void): void }).setData({}));
      else if (st.kind === 'wait') await r.advance(st.ms);
    }
    const state = await r.settle(r.t.flush(), 20_000);
    if (state !== 'resolved') problems.push('flush ' + state);
    await r.advance(10_000);
    problems.push(...r.hostErrors.map((e) => 'host error: ' + printable(e)));
    expect(problems).toEqual([]);
  };

  // A BigInt intersectionRatio made the scheduler's timer callback throw into the host until aa08486 (BUG-17).
  it('never throws into the app, and schedules nothing that does', async () => {
    const bigRatio = {
      seed: 0,
      exposure: { any: undefined } as Recipe,
      steps: [
        {
          kind: 'report' as const,
          res: { obj: [['dataset', { obj: [['wtSlot', { any: 's1' }], ['wtDwell', { any: 5 }]], nullProto: false }], ['intersectionRatio', { any: 1n }]], nullProto: false } as Recipe,
        },
        { kind: 'wait' as const, ms: 10 },
      ],
    };
    await fc.assert(fc.asyncProperty(scenario(garbageOptions()), run), params<[Scenario]>(200, { examples: [[bigRatio as Scenario]] }));
  });
});

// Regressions: each of these threw into the app before aa08486 (BUG-16: unguarded wrappers; BUG-1: cap.safe's report).
describe('minimal cases, from BUG-16 and BUG-1', () => {
  const tracker = () => {
    const r = fakeRig(undefined, { autocapture: true });
    r.t.init({ serverUrl: URL_OK });
    return r.t as unknown as { page: WrapperFn; component: WrapperFn };
  };
  it('page(a proxy whose ownKeys trap throws) returns normally', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    expect(() => tracker().page(hostile)).not.toThrow();
  });
  it('component({ get methods() { throw } }) returns normally', () => {
    const bag = Object.defineProperty({}, 'methods', {
      enumerable: true,
      get() {
        throw new Error('no methods');
      },
    });
    expect(() => tracker().component(bag)).not.toThrow();
  });
  it("a wrapped tap handler given an event whose 'type' getter throws a Symbol returns normally", () => {
    const page = tracker().page({ bindtap() {} }) as { bindtap(e: unknown): void };
    const ev = Object.defineProperty({ currentTarget: {} }, 'type', {
      get() {
        throw Symbol('type');
      },
    });
    expect(() => page.bindtap.call({ route: 'pages/a/index' }, ev)).not.toThrow();
  });
});
