/**
 * The plan's property rules tested by hand, for the SDK's development check. WeChat runs no code
 * made at run time ("基于安全考虑，小程序中不支持动态执行 JS 代码": no eval, no new Function,
 * developers.weixin.qq.com/miniprogram/dev/framework/runtime/js-support.html), and JSON Schema
 * libraries such as ajv compile schemas into functions, so the phone gets this small interpreter of
 * the subset the plan allows. test/plan/agree.test.ts holds it to ajv's answers (what the collector
 * and the CLI use) on generated rules and values.
 */
import { describe, fieldPath, typesOf, type PropertyRule, type Shape, type TypeName, type Violation } from './shape';

const isType = (t: TypeName, v: unknown): boolean =>
  t == 'null' ? v === null : t == 'array' ? Array.isArray(v) : t == 'object' ? v !== null && typeof v == 'object' && !Array.isArray(v) : t == 'number' || t == 'integer' ? typeof v == 'number' && isFinite(v) && (t == 'number' || v % 1 === 0) : typeof v == t;

/** Violations of one value against its rule, in the order ajv reports them (type, then the others). */
export function checkValue(rule: PropertyRule, v: unknown, field: string, out: Violation[]): void {
  const bad = (k: string) => out.push({ field, rule: k, message: describe(k, rule, v) });
  if (!typesOf(rule).some((t) => isType(t, v))) bad('type');
  if (rule.enum && rule.enum.indexOf(v as never) < 0) bad('enum');
  if (typeof v == 'number') {
    if (rule.minimum !== undefined && v < rule.minimum) bad('minimum');
    if (rule.maximum !== undefined && v > rule.maximum) bad('maximum');
  } else if (typeof v == 'string') {
    // Code points, as JSON Schema counts (a character outside the BMP is one).
    if (rule.maxLength !== undefined && Array.from(v).length > rule.maxLength) bad('maxLength');
    if (rule.pattern !== undefined && !new RegExp(rule.pattern, 'u').test(v)) bad('pattern');
  } else if (Array.isArray(v) && rule.items) {
    for (let i = 0; i < v.length; i++) checkValue(rule.items, v[i], fieldPath(field, [i]), out);
  }
}

/** Violations of an event's properties against its shape. */
export function checkShape(shape: Shape, properties: { [k: string]: unknown }): Violation[] {
  const out: Violation[] = [];
  for (const k of shape.required) if (!Object.prototype.hasOwnProperty.call(properties, k)) out.push({ field: fieldPath('properties', [k]), rule: 'required', message: 'is required by the plan, missing' });
  for (const k in properties) {
    const rule = Object.prototype.hasOwnProperty.call(shape.properties, k) ? shape.properties[k] : undefined;
    if (rule) checkValue(rule, properties[k], fieldPath('properties', [k]), out);
    else if (shape.closed) out.push({ field: fieldPath('properties', [k]), rule: 'additional', message: shape.extra });
  }
  return out;
}
