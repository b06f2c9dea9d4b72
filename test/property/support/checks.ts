/** Checks on what the SDK produced, as lists of readable problems (empty when all is well). */

export const MAX_STRING = 1024;

/**
 * Where a value is not plain JSON data: NaN/Infinity, undefined, functions, symbols, BigInt,
 * cycles, objects that are not plain objects or arrays (Date, Map, boxed values…). Holes in arrays
 * are accepted (JSON writes null, and the SDK documents it).
 */
export function jsonSafeIssues(value: unknown): string[] {
  const issues: string[] = [];
  const stack: unknown[] = [];
  const walk = (v: unknown, path: string) => {
    const t = typeof v;
    if (v === null || t === 'string' || t === 'boolean') return;
    if (t === 'number') {
      if (!Number.isFinite(v)) issues.push(`${path}: ${String(v)}`);
      return;
    }
    if (t !== 'object') return void issues.push(`${path}: ${t}`);
    if (stack.includes(v)) return void issues.push(`${path}: cycle`);
    const proto = Object.getPrototypeOf(v) as unknown;
    const isArray = Array.isArray(v);
    if (!isArray && proto !== Object.prototype && proto !== null) return void issues.push(`${path}: ${Object.prototype.toString.call(v)}`);
    stack.push(v);
    for (const k of Object.keys(v as object)) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      if (d && (d.get || d.set)) issues.push(`${path}.${k}: accessor`);
      else walk((v as { [k: string]: unknown })[k], `${path}.${k}`);
    }
    if (isArray && Object.keys(v as object).length !== (v as unknown[]).length) {
      // holes are fine; extra non-index keys are not (JSON drops them silently)
      const extra = Object.keys(v as object).filter((k) => !/^\d+$/.test(k));
      if (extra.length) issues.push(`${path}: array with keys ${extra.join(',')}`);
    }
    stack.pop();
  };
  walk(value, 'properties');
  return issues;
}

/** Strings (values, and keys) longer than the SDK's cap. */
export function longStrings(value: unknown, max = MAX_STRING): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      if (v.length > max) out.push(`${path}: string of ${v.length} chars`);
      return;
    }
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    for (const k of Object.keys(v)) {
      if (k.length > max) out.push(`${path}: key of ${k.length} chars`);
      walk((v as { [k: string]: unknown })[k], `${path}.${k.slice(0, 20)}`);
    }
  };
  walk(value, 'properties');
  return out;
}

const NAME = /^[^\x00-\x1f]{1,100}$/;

/** A delivered event as the collector parsed it: the fields the SDK documents, with their types. */
export function eventShapeIssues(e: unknown): string[] {
  const issues: string[] = [];
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return ['event is not an object'];
  const o = e as { [k: string]: unknown };
  if (typeof o.id !== 'string' || !o.id) issues.push('id ' + JSON.stringify(o.id));
  if (!(typeof o.seq === 'number' && Number.isInteger(o.seq) && o.seq > 0)) issues.push('seq ' + JSON.stringify(o.seq));
  if (typeof o.name !== 'string' || !NAME.test(o.name)) issues.push('name ' + JSON.stringify(o.name));
  if (typeof o.time !== 'number') issues.push('time ' + JSON.stringify(o.time));
  if (typeof o.anonymousId !== 'string' || !o.anonymousId) issues.push('anonymousId ' + JSON.stringify(o.anonymousId));
  if (typeof o.sessionId !== 'string' || !o.sessionId) issues.push('sessionId ' + JSON.stringify(o.sessionId));
  if (o.userId !== undefined && typeof o.userId !== 'string') issues.push('userId ' + JSON.stringify(o.userId));
  if (typeof o.properties !== 'object' || o.properties === null || Array.isArray(o.properties)) issues.push('properties ' + JSON.stringify(o.properties));
  return issues;
}

/** A request body as the collector parsed it (a string when it was not JSON). */
export function batchShapeIssues(body: unknown): string[] {
  if (typeof body === 'string') return ['body is not JSON: ' + body.slice(0, 200)];
  if (typeof body !== 'object' || body === null) return ['body is ' + JSON.stringify(body)];
  const b = body as { sentAt?: unknown; context?: unknown; events?: unknown; dropped?: unknown };
  const issues: string[] = [];
  if (typeof b.sentAt !== 'number') issues.push('sentAt ' + JSON.stringify(b.sentAt));
  if (typeof b.context !== 'object' || b.context === null) issues.push('context ' + JSON.stringify(b.context));
  if (!Array.isArray(b.events) || !b.events.length) issues.push('events ' + JSON.stringify(b.events));
  if (b.dropped !== undefined && !(typeof b.dropped === 'number' && b.dropped > 0)) issues.push('dropped ' + JSON.stringify(b.dropped));
  for (const e of Array.isArray(b.events) ? b.events : []) issues.push(...eventShapeIssues(e));
  return issues;
}
