/**
 * Arbitrary garbage for the property tests, as printable *recipes*.
 *
 * Hostile values (proxies whose traps throw, getters that throw, revoked proxies…) would break
 * fast-check's own reporting if they were generated directly: it reads properties to print a
 * counterexample. So the arbitraries produce plain-data recipes, which shrink and print well,
 * and `build()` turns a recipe into the real value inside the property, fresh for each call.
 *
 * Some recipe families exist to reach a known SDK fault (named in the comments below and in the
 * `it.fails` tests). `garbageOptions({ bugN })` lets a companion property leave the inputs of an
 * open fault out, so the rest of the input space stays covered while it is open; the full
 * generators are the default.
 */
import fc from 'fast-check';

/** What a hostile value throws. */
export type Thrown = 'error' | 'string' | 'number' | 'undefined' | 'symbol' | 'nullProto' | 'coercionThrows';
/** Thrown values that convert to a string. */
export const ORDINARY_THROWN: Thrown[] = ['error', 'string', 'number', 'undefined'];
/** Thrown values whose conversion to a string throws itself (`'' + e` fails; BUG-1, fixed in aa08486). */
export const UNPRINTABLE_THROWN: Thrown[] = ['symbol', 'nullProto', 'coercionThrows'];
export const ALL_THROWN: Thrown[] = [...ORDINARY_THROWN, ...UNPRINTABLE_THROWN];

export type Hostile =
  | 'proxyAllTrapsThrow'
  | 'proxyGetThrows'
  | 'proxyOwnKeysThrows'
  | 'proxyDescriptorThrows'
  | 'arrayProxyGetThrows'
  | 'getterThrows'
  | 'arrayIndexGetterThrows'
  | 'coercionThrows'
  | 'toJSONThrows'
  | 'dateToISOThrows'
  | 'dateValueOfThrows'
  // As the whole properties argument these cost the event: BUG-5.
  | 'proxyProtoThrows'
  | 'revokedProxy'
  // Dates whose own toISOString returns something that is not a short string (BUG-4, fixed in aa08486).
  | 'dateToISOBigInt'
  | 'dateToISOCycle'
  | 'dateToISONaN'
  | 'dateToISOFunction'
  | 'dateToISOLong';

export const HOSTILE_DATES: Hostile[] = ['dateToISOBigInt', 'dateToISOCycle', 'dateToISONaN', 'dateToISOFunction', 'dateToISOLong'];
/** Hostiles on which `Array.isArray(v)` or `v instanceof Date` throws: as a whole properties argument they cost the event (BUG-5). */
export const BUG5_HOSTILES: Hostile[] = ['proxyProtoThrows', 'revokedProxy', 'proxyAllTrapsThrow'];
export const ALL_HOSTILES: Hostile[] = [
  'proxyGetThrows',
  'proxyOwnKeysThrows',
  'proxyDescriptorThrows',
  'arrayProxyGetThrows',
  'getterThrows',
  'arrayIndexGetterThrows',
  'coercionThrows',
  'toJSONThrows',
  'dateToISOThrows',
  'dateValueOfThrows',
  ...BUG5_HOSTILES,
  ...HOSTILE_DATES,
];

export type Special =
  | 'NaN'
  | 'Infinity'
  | '-Infinity'
  | '-0'
  | 'invalidDate'
  | 'date'
  | 'hugeString'
  | 'loneSurrogates'
  | 'controlChars'
  | 'deep'
  | 'wide'
  | 'dag'
  | 'selfCycle'
  | 'mutualCycle'
  | 'cycleInArray'
  | 'sparse'
  | 'arrayWithProps'
  | 'frozen'
  | 'classInstance'
  | 'boxedString'
  | 'map'
  | 'typedArray'
  | 'nullProtoObject'
  | 'objectWithSymbolKeys'
  | 'objectWithNonEnumerable'
  // Past the 1024-char cap once masked or stringified (BUG-8, fixed in cf13696).
  | 'emailRun'
  | 'hugeBigInt'
  | 'phoneBigInt'
  | 'hugeKey'
  // A sparse array whose length, not its content, is huge (BUG-9, fixed in cf13696).
  | 'bigSparse';

/** Every special value. */
export const DEFAULT_SPECIALS: Special[] = [
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  'invalidDate',
  'date',
  'hugeString',
  'loneSurrogates',
  'controlChars',
  'deep',
  'wide',
  'dag',
  'selfCycle',
  'mutualCycle',
  'cycleInArray',
  'sparse',
  'arrayWithProps',
  'frozen',
  'classInstance',
  'boxedString',
  'map',
  'typedArray',
  'nullProtoObject',
  'objectWithSymbolKeys',
  'objectWithNonEnumerable',
  'emailRun',
  'hugeBigInt',
  'phoneBigInt',
  'hugeKey',
  'bigSparse',
];

export type FnKind = 'arrow' | 'throwing' | 'class' | 'async' | 'generator' | 'returnsGarbage' | 'withProps' | 'bound';

export type Recipe =
  | { any: unknown }
  | { special: Special }
  | { sym: string }
  | { fn: FnKind; throws: Thrown }
  | { hostile: Hostile; throws: Thrown }
  | { obj: [string, Recipe][]; nullProto: boolean }
  | { arr: (Recipe | { hole: true })[] }
  | { cyclic: Recipe };

export interface GarbageOptions {
  thrown?: Thrown[];
  hostiles?: Hostile[];
  specials?: Special[];
  /** Allow own `__proto__` keys (BUG-7). Default true. */
  protoKeys?: boolean;
}

/** The full input space, minus the inputs of the open bugs `exclude` names. */
export function garbageOptions(exclude: { bug5?: boolean } = {}): GarbageOptions {
  return {
    thrown: ALL_THROWN,
    hostiles: ALL_HOSTILES.filter((h) => !(exclude.bug5 && BUG5_HOSTILES.includes(h))),
    specials: DEFAULT_SPECIALS,
  };
}

const noProto = (k: string) => k !== '__proto__';

/** fc.anything with every option on: BigInt, Dates, Map/Set, null prototypes, boxed values, typed and sparse arrays. */
export function plainGarbage(o: GarbageOptions = {}): fc.Arbitrary<unknown> {
  const key = o.protoKeys === false ? fc.string().filter(noProto) : fc.string();
  return fc.anything({
    key,
    maxDepth: 3,
    maxKeys: 5,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withBoxedValues: true,
    stringUnit: 'binary',
  });
}

/** A recipe for any value at all. */
export function recipe(o: GarbageOptions = {}): fc.Arbitrary<Recipe> {
  const thrown = fc.constantFrom(...(o.thrown ?? ALL_THROWN));
  const hostiles = o.hostiles ?? ALL_HOSTILES;
  const specials = o.specials ?? DEFAULT_SPECIALS;
  const key = o.protoKeys === false ? fc.string({ maxLength: 12 }).filter(noProto) : fc.string({ maxLength: 12 });
  const leaves: fc.Arbitrary<Recipe>[] = [
    plainGarbage(o).map((v): Recipe => ({ any: v })),
    fc.string({ maxLength: 8 }).map((s): Recipe => ({ sym: s })),
    fc.record({ fn: fc.constantFrom<FnKind>('arrow', 'throwing', 'class', 'async', 'generator', 'returnsGarbage', 'withProps', 'bound'), throws: thrown }),
  ];
  if (specials.length) leaves.push(fc.constantFrom(...specials).map((s): Recipe => ({ special: s })));
  if (hostiles.length) leaves.push(fc.record({ hostile: fc.constantFrom(...hostiles), throws: thrown }));
  const { r } = fc.letrec<{ r: Recipe }>((tie) => ({
    r: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'recipe' },
      ...leaves,
      fc.record({ obj: fc.array(fc.tuple(key, tie('r')), { maxLength: 4 }), nullProto: fc.boolean() }),
      fc.record({ arr: fc.array(fc.oneof(tie('r'), fc.constant<{ hole: true }>({ hole: true })), { maxLength: 4 }) }),
      fc.record({ cyclic: tie('r') }),
    ),
  }));
  return r;
}

/** 0 to 4 arguments: wrong arity included. */
export const argsRecipe = (o: GarbageOptions = {}) => fc.array(recipe(o), { maxLength: 4 });

export function makeThrown(t: Thrown): unknown {
  switch (t) {
    case 'error':
      return new Error('boom');
    case 'string':
      return 'boom';
    case 'number':
      return 42;
    case 'undefined':
      return undefined;
    case 'symbol':
      return Symbol('boom');
    case 'nullProto':
      return Object.create(null) as object;
    case 'coercionThrows':
      return {
        toString() {
          throw new Error('toString of a thrown value');
        },
        valueOf() {
          throw new Error('valueOf of a thrown value');
        },
      };
  }
}

function define(o: object, k: string, v: unknown) {
  // defineProperty so that a key '__proto__' becomes an own property, as JSON.parse makes it.
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function thrower(t: Thrown): () => never {
  return () => {
    throw makeThrown(t);
  };
}

function hostileDate(toISOString: () => unknown): Date {
  const d = new Date(0);
  define(d, 'toISOString', toISOString);
  return d;
}

function buildHostile(h: Hostile, t: Thrown): unknown {
  const boom = thrower(t);
  switch (h) {
    case 'proxyAllTrapsThrow':
      return new Proxy(
        {},
        {
          get: boom,
          set: boom,
          has: boom,
          ownKeys: boom,
          getOwnPropertyDescriptor: boom,
          getPrototypeOf: boom,
          defineProperty: boom,
          deleteProperty: boom,
          isExtensible: boom,
          preventExtensions: boom,
          setPrototypeOf: boom,
        },
      );
    case 'proxyGetThrows':
      return new Proxy({ a: 1, b: 2 }, { get: boom });
    case 'proxyOwnKeysThrows':
      return new Proxy({ a: 1 }, { ownKeys: boom });
    case 'proxyDescriptorThrows':
      return new Proxy({ a: 1 }, { getOwnPropertyDescriptor: boom });
    case 'arrayProxyGetThrows':
      return new Proxy([1, 2, 3], { get: boom });
    case 'proxyProtoThrows':
      return new Proxy({ a: 1 }, { getPrototypeOf: boom });
    case 'revokedProxy': {
      const r = Proxy.revocable({ a: 1 }, {});
      r.revoke();
      return r.proxy;
    }
    case 'getterThrows': {
      const o = { ok: 1 };
      Object.defineProperty(o, 'bad', { get: boom, enumerable: true });
      return o;
    }
    case 'arrayIndexGetterThrows': {
      const a: unknown[] = [1, 2, 3];
      Object.defineProperty(a, 1, { get: boom, enumerable: true });
      return a;
    }
    case 'coercionThrows':
      return { toString: boom, valueOf: boom, [Symbol.toPrimitive]: boom, toJSON: boom };
    case 'toJSONThrows':
      return { a: 1, toJSON: boom };
    case 'dateToISOThrows':
      return hostileDate(boom);
    case 'dateValueOfThrows': {
      const d = new Date(0);
      define(d, 'valueOf', boom);
      define(d, 'getTime', boom);
      return d;
    }
    case 'dateToISOBigInt':
      return hostileDate(() => 10n);
    case 'dateToISOCycle':
      return hostileDate(() => {
        const c: { self?: unknown } = {};
        c.self = c;
        return c;
      });
    case 'dateToISONaN':
      return hostileDate(() => NaN);
    case 'dateToISOFunction':
      return hostileDate(() => () => 1);
    case 'dateToISOLong':
      return hostileDate(() => 'x'.repeat(5000));
  }
}

function buildFn(k: FnKind, t: Thrown): unknown {
  switch (k) {
    case 'arrow':
      return () => 1;
    case 'throwing':
      return thrower(t);
    case 'class':
      return class Garbage {};
    case 'async':
      return async () => 1;
    case 'generator':
      return function* gen() {
        yield 1;
      };
    case 'returnsGarbage':
      return () => ({ garbage: true, n: NaN });
    case 'withProps':
      return Object.assign(() => 1, { a: 1, execute: 'not a function' });
    case 'bound':
      return function (this: unknown) {
        return this;
      }.bind(null);
  }
}

function buildSpecial(s: Special): unknown {
  switch (s) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    case 'invalidDate':
      return new Date(NaN);
    case 'date':
      return new Date(Date.UTC(2024, 0, 1));
    case 'hugeString':
      return 'x'.repeat(100_000);
    case 'loneSurrogates':
      return '\ud800a\udfff\ud83d';
    case 'controlChars':
      return '\u0000\u0001\n\r\u001f\u2028';
    case 'deep': {
      let o: object = { leaf: 1 };
      for (let i = 0; i < 40; i++) o = { d: o };
      return o;
    }
    case 'wide': {
      const o: { [k: string]: number } = {};
      for (let i = 0; i < 3000; i++) o['k' + i] = i;
      return o;
    }
    case 'dag': {
      // Shared references: 2^25 paths through 25 objects.
      let o: object = { leaf: 'x'.repeat(50) };
      for (let i = 0; i < 25; i++) o = { a: o, b: o };
      return o;
    }
    case 'selfCycle': {
      const o: { [k: string]: unknown } = { a: 1 };
      o.self = o;
      return o;
    }
    case 'mutualCycle': {
      const a: { [k: string]: unknown } = {};
      const b: { [k: string]: unknown } = { a };
      a.b = b;
      return a;
    }
    case 'cycleInArray': {
      const a: unknown[] = [1];
      a.push(a);
      return { list: a };
    }
    case 'sparse': {
      const a: unknown[] = [];
      a[3] = 'x';
      a[7] = 1;
      return a;
    }
    case 'arrayWithProps':
      return Object.assign([1, 2], { extra: 'x' });
    case 'frozen':
      return Object.freeze({ a: 1, nested: Object.freeze({ b: 2 }) });
    case 'classInstance':
      return new (class Thing {
        x = 1;
        #secret = 2;
        get y() {
          return this.#secret;
        }
      })();
    case 'boxedString':
      // eslint-disable-next-line no-new-wrappers
      return new String('boxed');
    case 'map':
      return new Map<unknown, unknown>([
        ['a', 1],
        [{}, 2],
      ]);
    case 'typedArray':
      return new Float64Array([NaN, Infinity, 1.5]);
    case 'nullProtoObject':
      return Object.assign(Object.create(null) as object, { a: 1 });
    case 'objectWithSymbolKeys':
      return { [Symbol('k')]: 1, a: 2 };
    case 'objectWithNonEnumerable': {
      const o = { a: 1 };
      Object.defineProperty(o, 'hidden', { value: () => 1, enumerable: false });
      return o;
    }
    case 'emailRun':
      return 'a@b.cc '.repeat(200);
    case 'hugeBigInt':
      return 10n ** 1100n;
    case 'phoneBigInt':
      return 13812345678n;
    case 'hugeKey':
      return { ['k'.repeat(5000)]: 1 };
    case 'bigSparse': {
      const a: unknown[] = [];
      a[300_000] = 1;
      return a;
    }
  }
}

/** Makes the value a recipe describes: a fresh one on every call. */
export function build(r: Recipe): unknown {
  if ('any' in r) return r.any;
  if ('special' in r) return buildSpecial(r.special);
  if ('sym' in r) return Symbol(r.sym);
  if ('fn' in r) return buildFn(r.fn, r.throws);
  if ('hostile' in r) return buildHostile(r.hostile, r.throws);
  if ('obj' in r) {
    const o: object = r.nullProto ? (Object.create(null) as object) : {};
    for (const [k, v] of r.obj) define(o, k, build(v));
    return o;
  }
  if ('arr' in r) {
    const a: unknown[] = [];
    r.arr.forEach((x, i) => {
      if (!('hole' in x)) a[i] = build(x as Recipe);
    });
    a.length = r.arr.length;
    return a;
  }
  const o: { inner: unknown; self?: unknown } = { inner: build(r.cyclic) };
  o.self = o;
  return o;
}

/** A value for messages: never throws, whatever it is given. */
export function printable(v: unknown): string {
  try {
    if (typeof v === 'symbol') return v.toString();
    if (typeof v === 'bigint') return v + 'n';
    if (v instanceof Error) return v.name + ': ' + v.message;
    if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === null) return '[null-prototype object]';
    return String(v);
  } catch {
    return '[unprintable ' + typeof v + ']';
  }
}

// ---- valid input ------------------------------------------------------------------------

const NAME = /^[^\x00-\x1f]{1,100}$/;
/**
 * An event name the SDK must accept: 1-100 chars, no control characters. fast-check's strings
 * include names a plain object inherits ('constructor', 'toString'…; BUG-6, fixed in cf13696).
 */
export function validName(): fc.Arbitrary<string> {
  return fc
    .oneof(fc.constantFrom('page_view', 'buy', 'add_to_cart', '$custom', '查看商品', 'constructor', 'a'.repeat(100)), fc.string({ minLength: 1, maxLength: 100, unit: 'grapheme' }))
    .filter((s) => NAME.test(s));
}

/**
 * JSON-valid property bags as an app would send them: short strings, finite numbers, nesting well
 * under the cap. Keys are any strings (fast-check includes '__proto__', 'constructor', 'toString'…;
 * BUG-15, fixed in cf13696); `protoKeys: false` leaves out '__proto__' at any depth (BUG-7, open).
 */
export function validProps(o: { protoKeys?: boolean } = {}): fc.Arbitrary<{ [k: string]: unknown }> {
  const ok = (k: string) => o.protoKeys !== false || noProto(k);
  return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }).filter((v) => everyKey(v, ok));
}

/** True when every key, at any depth, passes. */
function everyKey(v: unknown, ok: (k: string) => boolean): boolean {
  if (typeof v !== 'object' || v === null) return true;
  return Object.keys(v).every((k) => (Array.isArray(v) || ok(k)) && everyKey((v as { [k: string]: unknown })[k], ok));
}

// ---- calls ------------------------------------------------------------------------------

/** A property-bag argument: mostly an object holding garbage, sometimes garbage itself. */
export function propsRecipe(o: GarbageOptions = {}): fc.Arbitrary<Recipe> {
  const key = o.protoKeys === false ? fc.string({ maxLength: 12 }).filter(noProto) : fc.string({ maxLength: 12 });
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ obj: fc.array(fc.tuple(key, recipe(o)), { minLength: 1, maxLength: 5 }), nullProto: fc.boolean() }) },
    { weight: 1, arbitrary: recipe(o) },
  );
}

export type CallMethod =
  | 'init'
  | 'track'
  | 'identify'
  | 'reset'
  | 'register'
  | 'unregister'
  | 'setUserProperties'
  | 'time'
  | 'flush'
  | 'setConsent'
  | 'getAnonymousId'
  | 'use';

/**
 * A call to a public method with bad arguments, shaped so that the garbage reaches past the first
 * check: track gets a valid name with garbage properties as often as a garbage name, identify a
 * valid id with garbage traits, and so on. Any arity, extra arguments included.
 */
export function badCall(o: GarbageOptions = {}): fc.Arbitrary<{ method: CallMethod; args: Recipe[] }> {
  const g = recipe(o);
  const name = validName().map((n): Recipe => ({ any: n }));
  const tail = fc.array(g, { maxLength: 2 });
  const none = fc.constant<Recipe[]>([]);
  const call = (method: CallMethod, head: fc.Arbitrary<readonly Recipe[]>) =>
    fc.tuple(head, tail).map(([h, t]) => ({ method, args: t.length && h.length ? [...h, ...t] : [...h] }));
  const one = (a: fc.Arbitrary<Recipe>) => a.map((r): Recipe[] => [r]);
  return fc.oneof(
    call('track', fc.oneof(fc.tuple(name, propsRecipe(o)), one(g), none)),
    call('identify', fc.oneof(fc.tuple(fc.constant<Recipe>({ any: 'user-1' }), propsRecipe(o)), one(g), none)),
    call('register', fc.oneof(one(propsRecipe(o)), none)),
    call('setUserProperties', fc.oneof(one(propsRecipe(o)), fc.tuple(propsRecipe(o), g), fc.tuple(fc.constant<Recipe>({ any: { a: 1 } }), g))),
    call('unregister', fc.oneof(one(g), none)),
    call('time', fc.oneof(one(g), none)),
    call('setConsent', fc.oneof(one(g), none)),
    call('use', fc.oneof(one(propsRecipe(o)), one(g), none)),
    call('init', fc.oneof(one(propsRecipe(o)), one(g), none)),
    call('reset', none),
    call('flush', none),
    call('getAnonymousId', none),
  );
}
