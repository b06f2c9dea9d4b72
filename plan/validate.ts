/**
 * Events checked against a plan with ajv (a well-kept JSON Schema library): each shape an event can
 * be checked against (src/plan/shape.ts: a planned event, a slot's exposure, user properties, the
 * auto-captured events' super properties) becomes one JSON Schema object, compiled once. The
 * collector calls this for every event it stores; the violations are the same, in the same words, as
 * the SDK's development check (src/plan/check.ts) gives on the phone.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { describe, fieldPath, shapeOf, type PropertyRule, type Shape, type TrackingPlanFile, type Violation } from '../src/plan/shape';
import { pointer } from './load';

export interface EventLike {
  name: string;
  page?: string;
  properties: Record<string, unknown>;
}

export type PlanValidator = (e: EventLike) => Violation[];

/** A property rule as JSON Schema: `required` moves up to the object. */
function ruleSchema(rule: PropertyRule): Record<string, unknown> {
  const { required, items, description, examples, ...rest } = rule;
  void [required, description, examples];
  return items ? { ...rest, items: ruleSchema(items) } : rest;
}

export function shapeSchema(shape: Shape): Record<string, unknown> {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(shape.properties).map(([k, r]) => [k, ruleSchema(r)])),
    required: shape.required,
    additionalProperties: !shape.closed,
  };
}

/** The rule an ajv error's path leads to: the property, then `items` for each index. */
function ruleAt(shape: Shape, segments: string[]): PropertyRule | undefined {
  let rule: PropertyRule | undefined = shape.properties[segments[0]];
  for (let i = 1; rule && i < segments.length; i++) rule = rule.items;
  return rule;
}

function violation(shape: Shape, e: ErrorObject): Violation {
  const segs = pointer(e.instancePath);
  const field = fieldPath('properties', segs.map((s, i) => (i > 0 && /^\d+$/.test(s) ? Number(s) : s)));
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return { field: fieldPath('properties', [String(p.missingProperty)]), rule: 'required', message: 'is required by the plan, missing' };
  if (e.keyword === 'additionalProperties') return { field: fieldPath('properties', [String(p.additionalProperty)]), rule: 'additional', message: shape.extra };
  const rule = ruleAt(shape, segs);
  return { field, rule: e.keyword, message: rule ? describe(e.keyword, rule, e.data) : String(e.message) };
}

/** Compiles a checked plan (load.ts) into a function from an event to its violations. */
export function compilePlan(plan: TrackingPlanFile): PlanValidator {
  // verbose: the errors carry the value, for the message.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
  const compiled = new Map<string, ValidateFunction>();
  return (e) => {
    const { shape, found } = shapeOf(plan, e.name, e.properties, e.page);
    if (!shape) return found;
    let validate = compiled.get(shape.key);
    if (!validate) compiled.set(shape.key, (validate = ajv.compile(shapeSchema(shape))));
    if (validate(e.properties)) return found;
    return found.concat((validate.errors ?? []).map((err) => violation(shape, err)));
  };
}
