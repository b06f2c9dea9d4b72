/**
 * The phone's hand-written check of property rules (src/plan/check.ts: mini-programs cannot run a
 * JSON Schema compiler) against ajv's (plan/validate.ts: the collector and the CLI), on generated
 * rules of the plan's subset and generated values: the same violations, field by field, in the
 * same words.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lintPlan, schemaValidator } from '../../plan/load';
import { compilePlan } from '../../plan/validate';
import { checkEvent } from '../../src/plan/index';
import type { PropertyRule, TrackingPlanFile, TypeName } from '../../src/plan/shape';

const TYPES: TypeName[] = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'];
const PATTERNS = ['^VG-', '^[a-z]+$', '\\d', '^.{0,3}$', 'é', '^\\p{L}+$', '\\u{1F600}', '^$'];

/** A rule the lint accepts: keywords only for the types that take them. */
const rule = (depth: number): fc.Arbitrary<PropertyRule> =>
  fc
    .record({
      types: fc.uniqueArray(fc.constantFrom(...TYPES), { minLength: 1, maxLength: 3 }),
      single: fc.boolean(),
      enum: fc.option(fc.uniqueArray(fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -3, max: 3 }), fc.double({ min: -3, max: 3, noNaN: true }), fc.boolean(), fc.constant(null)), { minLength: 1, maxLength: 4, comparator: 'SameValueZero' }), { nil: undefined }),
      pattern: fc.option(fc.constantFrom(...PATTERNS), { nil: undefined }),
      minimum: fc.option(fc.double({ min: -10, max: 10, noNaN: true }), { nil: undefined }),
      maximum: fc.option(fc.integer({ min: -10, max: 10 }), { nil: undefined }),
      maxLength: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      items: depth > 0 ? fc.option(rule(depth - 1), { nil: undefined }) : fc.constant(undefined),
      required: fc.boolean(),
    })
    .map((r) => {
      const t = r.types;
      const out: PropertyRule = { type: r.single ? t[0]! : t };
      const types = r.single ? [t[0]!] : t;
      if (r.enum) out.enum = r.enum;
      if (types.includes('string')) {
        if (r.pattern !== undefined) out.pattern = r.pattern;
        if (r.maxLength !== undefined) out.maxLength = r.maxLength;
      }
      if (types.includes('number') || types.includes('integer')) {
        if (r.minimum !== undefined) out.minimum = r.minimum;
        if (r.maximum !== undefined && (r.minimum === undefined || r.maximum >= r.minimum)) out.maximum = r.maximum;
      }
      if (types.includes('array') && r.items) out.items = { ...r.items, required: undefined };
      if (r.required) out.required = true;
      return JSON.parse(JSON.stringify(out)) as PropertyRule;
    });

const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer({ min: -20, max: 20 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.string({ maxLength: 3 }), fc.constant(null)), { maxLength: 4 }),
);

const sorted = (v: { field: string; rule: string; message: string }[]) => v.map((x) => `${x.field} | ${x.rule} | ${x.message}`).sort();

describe('the phone check agrees with ajv', () => {
  it('on generated rules and values (type, enum, pattern, minimum, maximum, maxLength, items, required, closed events)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('a', 'b', 'c_d'), rule(1), { maxKeys: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c_d', 'e', 'duration_ms'), value, { maxKeys: 4 }), fc.boolean(), (rules, properties, closed) => {
        const plan: TrackingPlanFile = { version: 1, events: { e: { description: 'generated', properties: rules, additionalProperties: !closed } } };
        // A plan the check would accept (its enum values need not fit the type: that is another lint rule).
        expect(schemaValidator()(plan)).toBe(true);
        expect(lintPlan(plan).filter((x) => !/enum\[/.test(x.path))).toEqual([]);
        const event = { name: 'e', properties };
        expect(sorted(checkEvent(plan, event))).toEqual(sorted(compilePlan(plan)(event)));
      }),
      { numRuns: 600, seed: 20250618 },
    );
  });

  it('on the cases that differ most between hand-written checks and JSON Schema', () => {
    const plan: TrackingPlanFile = {
      version: 1,
      events: {
        e: {
          description: 'edge cases',
          properties: {
            n: { type: 'integer', minimum: 0 },
            s: { type: 'string', maxLength: 2, pattern: '^.{2}$' },
            t: { type: ['string', 'null'], enum: ['x', null] },
            l: { type: 'array', items: { type: 'integer', maximum: 3 } },
          },
        },
      },
    };
    const v = compilePlan(plan);
    for (const properties of [
      { n: 1.0, s: '😀😀', t: null, l: [1, 2.5, 4] }, // 1.0 is an integer; two code points; null in an enum; items' paths
      { n: -0, s: '\ud800x', t: 'y', l: [] }, // -0 ≥ 0; a lone surrogate is one code point
      { n: '1', s: 5, t: 1, l: {} },
      { n: 1e21, s: 'ab', l: [[1]] },
    ]) {
      expect(sorted(checkEvent(plan, { name: 'e', properties }))).toEqual(sorted(v({ name: 'e', properties })));
    }
    expect(sorted(v({ name: 'e', properties: { n: 1.0, s: '😀😀', t: null, l: [1, 2.5, 4] } }))).toEqual([
      'properties.l[1] | type | must be integer, got 2.5',
      'properties.l[2] | maximum | must be at most 3, got 4',
    ]);
  });
});
