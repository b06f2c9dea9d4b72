/**
 * Reading a tracking plan: JSON (with the line of every key, and keys given twice, which JSON.parse
 * silently merges), the published JSON Schema (schema/tracking-plan.schema.json, checked with ajv),
 * then the rules a schema cannot say: naming, overlapping slots, slots without a page, rules that
 * contradict themselves or their examples, a property typed one way in an event and another as a
 * super property. Every error names its path in the file (`events.add_to_cart.properties.price.type`)
 * and its line.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkValue } from '../src/plan/check';
import { fieldPath, show, slotPattern, typesOf, type PropertyRule, type PropertyRules, type TrackingPlanFile, type TypeName, type Violation } from '../src/plan/shape';

export interface PlanError {
  /** Where in the file: `events.add_to_cart.properties.price.type`, or '' for the whole file. */
  path: string;
  message: string;
  /** 1-based line of the key (or the nearest key above it), when known. */
  line?: number;
}

export interface LoadedPlan {
  file: string;
  plan?: TrackingPlanFile;
  errors: PlanError[];
}

/** Event and property names: lower snake case, as the SDK's reports and SQL read them best. */
export const NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const MAX_NAME = 100;
/** Slot ids: parts of letters, digits, _ and - between dots; `*` alone is one part. */
const SLOT = /^([A-Za-z0-9_-]+|\*)(\.([A-Za-z0-9_-]+|\*))*$/;

// The schema ships beside the code: schema/ next to plan/ in the repository, and next to dist/ in the package.
const SCHEMA_FILE = path.join(__dirname, '..', 'schema', 'tracking-plan.schema.json');
let metaValidator: ValidateFunction | undefined;

/** The published schema, compiled once. */
export function schemaValidator(): ValidateFunction {
  if (!metaValidator) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    metaValidator = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  }
  return metaValidator;
}

/** ajv's instancePath (/events/add_to_cart) as segments. */
export const pointer = (p: string) => (p ? p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')) : []);
export const dotted = (segments: (string | number)[]) => fieldPath('', segments).replace(/^\./, '');
/** A schema error's path: digits are array indexes there (names in the plan are never digits alone). */
const at = (instancePath: string) => pointer(instancePath).map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/**
 * Where each key starts (line), and the keys given twice in one object. JSON.parse has already
 * accepted the text, so only strings, brackets, colons and commas matter.
 */
function scanKeys(text: string): { lines: Map<string, number>; duplicates: PlanError[] } {
  const lines = new Map<string, number>();
  const duplicates: PlanError[] = [];
  // Per open container: its path, and for an object its keys so far and the last one (an array: the index).
  const stack: { keys?: Set<string>; last?: string; path: (string | number)[]; index: number }[] = [];
  let line = 1;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (expectKey) {
        const top = stack[stack.length - 1];
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const p = dotted([...top.path, key]);
        if (top.keys!.has(key)) duplicates.push({ path: p, line, message: `is given twice (first on line ${lines.get(p)}): JSON keeps only the last` });
        else lines.set(p, line);
        top.keys!.add(key);
        expectKey = false;
        top.last = key;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const top = stack[stack.length - 1];
      const here = top ? [...top.path, top.keys ? (top.last ?? '') : top.index] : [];
      stack.push(c === '{' ? { keys: new Set(), path: here, index: 0 } : { path: here, index: 0 });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top.keys) expectKey = true;
      else top.index++;
    }
  }
  return { lines, duplicates };
}

/** An ajv error of the plan schema, in the plan's words. */
function schemaError(e: ErrorObject): PlanError {
  const where = at(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'minLength':
    case 'minItems':
      if (p.limit === 1) return { path: dotted(where), message: 'must not be empty' };
      break;
    case 'additionalProperties':
      return { path: dotted([...where, String(p.additionalProperty)]), message: `is not a field of the plan format here (extensions start with x-)` };
    case 'required':
      return { path: dotted([...where, String(p.missingProperty)]), message: 'is required' };
    case 'enum':
      return { path: dotted(where), message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${show(e.data)}` };
    case 'const':
      return { path: dotted(where), message: `must be ${JSON.stringify(p.allowedValue)}, got ${show(e.data)}` };
    case 'type':
      return { path: dotted(where), message: `must be ${String(p.type).replace(',', ' or ')}, got ${show(e.data)}` };
  }
  return { path: dotted(where), message: `${e.message}${e.data !== undefined && typeof e.data !== 'object' ? `, got ${show(e.data)}` : ''}` };
}

/** The applicable keywords of a rule's types. */
const FOR: Record<string, TypeName[]> = { pattern: ['string'], maxLength: ['string'], minimum: ['number', 'integer'], maximum: ['number', 'integer'], items: ['array'] };

function lintRule(rule: PropertyRule, at: (string | number)[], where: 'event' | 'super' | 'user' | 'slot' | 'items', errors: PlanError[]) {
  const err = (segs: (string | number)[], message: string) => errors.push({ path: dotted([...at, ...segs]), message });
  const before = errors.length;
  const types = typesOf(rule);
  for (const k of Object.keys(FOR)) {
    if (rule[k as keyof PropertyRule] !== undefined && !FOR[k].some((t) => types.includes(t))) err([k], `applies to ${FOR[k].join(' or ')} values, and the type is ${types.join(' or ')}`);
  }
  if (rule.minimum !== undefined && rule.maximum !== undefined && rule.minimum > rule.maximum) err(['minimum'], `is above maximum (${rule.minimum} > ${rule.maximum}): no value can be valid`);
  if (rule.pattern !== undefined) {
    try {
      new RegExp(rule.pattern, 'u');
    } catch (e) {
      err(['pattern'], `is not a valid regular expression: ${(e as Error).message}`);
    }
  }
  if (rule.required !== undefined && where !== 'event') {
    err(['required'], where === 'items' ? 'has no meaning for the items of an array' : where === 'user' ? 'has no meaning for user properties (a $set updates some of them)' : where === 'super' ? 'has no meaning for super properties (events tracked before register() lack them)' : 'has no meaning for slot attributes');
  }
  if (rule.items) lintRule(rule.items, [...at, 'items'], 'items', errors);
  // Only when the rule itself is sound: a value cannot be judged against a broken pattern.
  if (errors.length > before) return;
  const { required, ...valueRule } = rule;
  void required;
  rule.enum?.forEach((v, i) => {
    const out: Violation[] = [];
    checkValue({ ...valueRule, enum: undefined }, v, '', out);
    if (out.length) err(['enum', i], `${show(v)} is not valid for this property: ${out[0].message}`);
  });
  rule.examples?.forEach((v, i) => {
    const out: Violation[] = [];
    checkValue(valueRule, v, '', out);
    if (out.length) err(['examples', i], `${show(v)} is not a valid value: ${out[0].field ? out[0].field + ' ' : ''}${out[0].message}`);
  });
}

function lintProperties(rules: PropertyRules | undefined, at: (string | number)[], where: 'event' | 'super' | 'user' | 'slot', errors: PlanError[]) {
  for (const [name, rule] of Object.entries(rules ?? {})) {
    const p = [...at, name];
    if (where === 'slot' ? !/^[a-z][A-Za-z0-9]*$/.test(name) : !NAME.test(name) || name.length > MAX_NAME) {
      errors.push({
        path: dotted(p),
        message:
          where === 'slot'
            ? 'is not a name $exposure carries: data-wt-code arrives as code, data-wt-campaign-id as campaignId'
            : `is not a property name in lower snake case (${NAME.source}, at most ${MAX_NAME} characters)`,
      });
    }
    lintRule(rule, p, where, errors);
  }
}

/** The plan's own rules, after the schema: `plan` is valid against the schema. */
export function lintPlan(plan: TrackingPlanFile): PlanError[] {
  const errors: PlanError[] = [];
  for (const [name, ev] of Object.entries(plan.events)) {
    if (name.startsWith('$')) errors.push({ path: dotted(['events', name]), message: 'starts with $, which is kept for the events the SDK sends (they are known to the plan without being listed)' });
    else if (!NAME.test(name) || name.length > MAX_NAME) errors.push({ path: dotted(['events', name]), message: `is not an event name in lower snake case (${NAME.source}, at most ${MAX_NAME} characters)` });
    lintProperties(ev.properties, ['events', name, 'properties'], 'event', errors);
    for (const [prop, rule] of Object.entries(ev.properties ?? {})) {
      const sup = plan.superProperties?.[prop];
      if (sup && typesOf(sup).join() !== typesOf(rule).join()) {
        errors.push({ path: dotted(['events', name, 'properties', prop, 'type']), message: `is ${typesOf(rule).join(' or ')}, and superProperties.${prop} is ${typesOf(sup).join(' or ')}: one property, two types` });
      }
    }
  }
  lintProperties(plan.superProperties, ['superProperties'], 'super', errors);
  lintProperties(plan.userProperties, ['userProperties'], 'user', errors);
  const slots = Object.entries(plan.slots ?? {});
  for (const [key, slot] of slots) {
    if (!SLOT.test(key)) errors.push({ path: dotted(['slots', key]), message: 'is not a slot id: parts of letters, digits, _ and - between dots, `*` for any one part (home.banner.*)' });
    if (slot.page === undefined) errors.push({ path: dotted(['slots', key, 'page']), message: 'is missing: every slot says the page it is on (its route, pages/home/index)' });
    lintProperties(slot.properties, ['slots', key, 'properties'], 'slot', errors);
  }
  // A slot id two entries claim: which rule holds would depend on their order in the file.
  for (const [key] of slots) {
    if (key.includes('*') || !SLOT.test(key)) continue;
    for (const [other] of slots) if (other !== key && other.includes('*') && SLOT.test(other) && slotPattern(other).test(key)) errors.push({ path: dotted(['slots', key]), message: `is also matched by ${dotted(['slots', other])}: one slot, two entries` });
  }
  return errors;
}

/** Checks plan text: JSON, the schema, the lint rules. */
export function checkPlanText(text: string, file = 'tracking-plan.json'): LoadedPlan {
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    return { file, errors: [{ path: '', line, message: `is not JSON: ${(e as Error).message}` }] };
  }
  const { lines, duplicates } = scanKeys(text);
  const lineOf = (p: string) => {
    // The key itself, else the nearest enclosing key that has a line.
    for (let q = p; q; q = q.replace(/(\.[^.[]*|\[[^\]]*\])$/, '')) {
      const l = lines.get(q);
      if (l) return l;
      if (!/[.[]/.test(q)) break;
    }
    return undefined;
  };
  const validate = schemaValidator();
  let errors: PlanError[] = [...duplicates];
  if (!validate(plan)) {
    // if/then/else reports "must match then/else schema" besides the reason: only the reason is useful.
    const list = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
    errors.push(...list.map(schemaError));
  } else errors.push(...lintPlan(plan as TrackingPlanFile));
  errors = errors.map((e) => (e.line ? e : { ...e, line: lineOf(e.path) }));
  const seen = new Set<string>();
  errors = errors.filter((e) => !seen.has(e.path + e.message) && !!seen.add(e.path + e.message));
  // In the order of the file (a stable sort keeps the order of the checks within a line).
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { file, plan: errors.length ? undefined : (plan as TrackingPlanFile), errors };
}

/** Reads and checks a plan file. */
export function loadPlan(file: string): LoadedPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { file, errors: [{ path: '', message: `cannot be read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}` }] };
  }
  return checkPlanText(text, file);
}

/** `file:line path message`, one error per line. */
export function formatErrors(loaded: LoadedPlan): string {
  return loaded.errors.map((e) => `${loaded.file}${e.line ? ':' + e.line : ''}  ${e.path || '(file)'} ${e.message}`).join('\n');
}
