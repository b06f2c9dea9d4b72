/**
 * src/plan/shape.ts on its own: the words of every violation (the same on the phone and in the
 * collector, so QA reads one vocabulary), how values and field paths are written in them, slot
 * patterns, and what each kind of event is checked against. Exact strings: a message that changes
 * is a change QA sees.
 */
import { describe as suite, expect, it } from 'vitest';
import { checkValue } from '../../src/plan/check';
import { describe, fieldPath, shapeOf, show, slotEntry, slotPattern, type TrackingPlanFile, type Violation } from '../../src/plan/shape';

suite('show', () => {
  it('writes each kind of value as a message names it', () => {
    expect([undefined, null, [1], { a: 1 }, 'x', 3, true].map(show)).toEqual(['nothing', 'null', 'an array', 'an object', '"x"', '3', 'true']);
  });

  it('cuts past 40 characters with an ellipsis, and keeps 40 whole', () => {
    expect(show('a'.repeat(38))).toBe('"' + 'a'.repeat(38) + '"'); // 40 with the quotes
    expect(show('a'.repeat(39))).toBe('"' + 'a'.repeat(39) + '…');
  });
});

suite('fieldPath', () => {
  it('dots for identifiers, brackets for indexes and for any other key', () => {
    expect(fieldPath('properties', ['price'])).toBe('properties.price');
    expect(fieldPath('properties', ['$ok', '_x1'])).toBe('properties.$ok._x1');
    expect(fieldPath('properties', ['tags', 0])).toBe('properties.tags[0]');
    expect(fieldPath('properties', ['a b', '1x', 'x-y'])).toBe('properties["a b"]["1x"]["x-y"]');
    expect(fieldPath('properties', ['ok!'])).toBe('properties["ok!"]');
    expect(fieldPath('properties', ['!ok'])).toBe('properties["!ok"]');
  });
});

suite('describe', () => {
  it('says for each keyword what the value must be and what it was', () => {
    expect(describe('type', { type: ['string', 'null'] }, 3)).toBe('must be string or null, got 3');
    expect(describe('enum', { type: 'string', enum: ['a', 1, null] }, 'b')).toBe('must be one of "a", 1, null, got "b"');
    expect(describe('enum', { type: 'string' }, 'b')).toBe('must be one of , got "b"');
    expect(describe('pattern', { type: 'string', pattern: '^[A-Z]\\d+$' }, 'x')).toBe('must match ^[A-Z]\\d+$, got "x"');
    expect(describe('minimum', { type: 'number', minimum: 1 }, 0)).toBe('must be at least 1, got 0');
    expect(describe('maximum', { type: 'number', maximum: 9 }, 10)).toBe('must be at most 9, got 10');
    // code points: 😀 is one
    expect(describe('maxLength', { type: 'string', maxLength: 2 }, 'a😀b')).toBe('must be at most 2 characters, got 3');
    expect(describe('required', { type: 'string' }, undefined)).toBe('breaks required');
  });
});

suite('checkValue at the bounds', () => {
  it('minimum and maximum are inclusive, as in JSON Schema', () => {
    const out: Violation[] = [];
    for (const v of [1, 9]) checkValue({ type: 'number', minimum: 1, maximum: 9 }, v, 'properties.n', out);
    expect(out).toEqual([]);
    for (const v of [0.5, 9.5]) checkValue({ type: 'number', minimum: 1, maximum: 9 }, v, 'properties.n', out);
    expect(out.map((o) => o.rule)).toEqual(['minimum', 'maximum']);
  });
});

suite('slot patterns', () => {
  it('a * is one part between dots; other characters are literal', () => {
    const p = slotPattern('home.banner.*');
    expect(['home.banner.1', 'home.banner.a-b'].map((s) => p.test(s))).toEqual([true, true]);
    expect(['home.banner.1.2', 'home.banner.', 'homeXbanner.1', 'x.home.banner.1'].map((s) => p.test(s))).toEqual([false, false, false, false]);
    expect(slotPattern('a+b.*').test('a+b.1')).toBe(true);
    expect(slotPattern('a+b.*').test('aab.1')).toBe(false);
  });

  it('the exact key first, else the first pattern that matches; none without slots', () => {
    const plan = { version: 1, events: {}, slots: { 'home.*': { page: 'a' }, 'home.top': { page: 'b' }, 'home.t*': { page: 'c' } } } as unknown as TrackingPlanFile;
    expect(slotEntry(plan, 'home.top')).toEqual(['home.top', { page: 'b' }]);
    expect(slotEntry(plan, 'home.x')).toEqual(['home.*', { page: 'a' }]);
    expect(slotEntry(plan, 'cart.x')).toBeUndefined();
    expect(slotEntry({ version: 1, events: {} }, 'home.top')).toBeUndefined();
    // a key named like an Object.prototype member is not a slot
    expect(slotEntry(plan, 'constructor')).toBeUndefined();
  });
});

suite('shapeOf', () => {
  const plan: TrackingPlanFile = {
    version: 1,
    superProperties: { channel: { type: 'string' } },
    userProperties: { level: { type: 'integer' } },
    events: {
      buy: { description: 'paid', properties: { sku: { type: 'string', required: true }, channel: { type: 'number' }, note: { type: 'string' } }, additionalProperties: false },
      old: { description: 'gone', status: 'deprecated' },
      open: { description: 'anything goes' },
    },
    slots: { 'home.banner': { page: ['pages/home/index', 'pages/index/index'], properties: { pos: { type: 'integer' } } }, 'any.where': {} },
  };

  it('a planned event: the SDK’s, super and own rules (own wins), its required ones, closed when additionalProperties is false', () => {
    const { shape, found } = shapeOf(plan, 'buy', { sku: 'A' });
    expect(found).toEqual([]);
    expect(shape).toEqual({
      key: 'event:buy',
      properties: { duration_ms: { type: 'number' }, channel: { type: 'number' }, sku: { type: 'string', required: true }, note: { type: 'string' } },
      required: ['sku'],
      closed: true,
      extra: 'is not in the plan for buy',
    });
    expect(shapeOf(plan, 'open', {}).shape).toMatchObject({ key: 'event:open', required: [], closed: false });
  });

  it('an event not in the plan, a deprecated one, an unknown $ event', () => {
    expect(shapeOf(plan, 'nope', {})).toEqual({ found: [{ field: 'name', rule: 'event', message: '"nope" is not in the plan' }] });
    expect(shapeOf(plan, 'toString', {})).toEqual({ found: [{ field: 'name', rule: 'event', message: '"toString" is not in the plan' }] });
    expect(shapeOf(plan, 'old', {}).found).toEqual([{ field: 'name', rule: 'deprecated', message: 'old is deprecated in the plan' }]);
    expect(shapeOf(plan, '$nope', {})).toEqual({ found: [{ field: 'name', rule: 'event', message: '"$nope" is not in the plan (not an event the SDK sends)' }] });
  });

  it('$set and $set_once against the user properties, closed; without userProperties nothing is checked', () => {
    for (const name of ['$set', '$set_once']) {
      expect(shapeOf(plan, name, { level: 1 })).toEqual({
        shape: { key: 'user', properties: { level: { type: 'integer' } }, required: [], closed: true, extra: "is not one of the plan's userProperties" },
        found: [],
      });
    }
    expect(shapeOf({ version: 1, events: {} }, '$set', {})).toEqual({ shape: undefined, found: [] });
  });

  it('$exposure of a planned slot: its own attributes, open; on another page a page violation naming both', () => {
    expect(shapeOf(plan, '$exposure', { slot: 'home.banner' }, 'pages/home/index')).toEqual({
      shape: { key: 'slot:home.banner', properties: { duration_ms: { type: 'number' }, channel: { type: 'string' }, pos: { type: 'integer' } }, required: [], closed: false, extra: 'slot home.banner' },
      found: [],
    });
    expect(shapeOf(plan, '$exposure', { slot: 'home.banner' }, 'pages/cart/index').found).toEqual([
      { field: 'page', rule: 'page', message: 'slot home.banner is planned on pages/home/index, pages/index/index, seen on pages/cart/index' },
    ]);
    // the tap's own path wins over the page of the event
    expect(shapeOf(plan, '$tap', { slot: 'home.banner', path: 'pages/index/index' }, 'pages/cart/index').found).toEqual([]);
    // a slot planned without a page is fine anywhere, and a slot of no page context is not judged
    expect(shapeOf(plan, '$exposure', { slot: 'any.where' }, 'pages/cart/index').found).toEqual([]);
    expect(shapeOf(plan, '$exposure', { slot: 'home.banner' }).found).toEqual([]);
  });

  it('a slot not in the plan, by string or number; other auto events and slots of other types are checked as auto', () => {
    expect(shapeOf(plan, '$exposure', { slot: 'home.nope' }).found).toEqual([{ field: 'properties.slot', rule: 'slot', message: 'slot "home.nope" is not in the plan' }]);
    expect(shapeOf(plan, '$tap', { slot: 7 }).found).toEqual([{ field: 'properties.slot', rule: 'slot', message: 'slot "7" is not in the plan' }]);
    const auto = { key: 'auto', properties: { duration_ms: { type: 'number' }, channel: { type: 'string' } }, required: [], closed: false, extra: '' };
    expect(shapeOf(plan, '$tap', { slot: 'home.banner' }, 'pages/home/index')).toEqual({ shape: auto, found: [] });
    expect(shapeOf(plan, '$page_view', { slot: 'home.nope' })).toEqual({ shape: auto, found: [] });
    expect(shapeOf(plan, '$exposure', { slot: true })).toEqual({ shape: auto, found: [] });
  });
});
