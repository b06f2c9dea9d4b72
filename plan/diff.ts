/**
 * `wetrack plan diff <old> <new>`: what changed between two versions of a plan. A change is
 * breaking when it removes something planned (an event, a property, a slot: reports and queries
 * depend on it) or when an event the old plan accepted can be invalid under the new one: a type
 * narrowed (number → integer), a property made required or a new required one, an enum value
 * dropped, a pattern added or changed, bounds tightened, unplanned properties closed off, a slot
 * moved to another page.
 */
import { typesOf, type PlanSlot, type PropertyRule, type PropertyRules, type TrackingPlanFile } from '../src/plan/shape';

export interface Change {
  /** `+` added, `-` removed, `~` changed. */
  kind: '+' | '-' | '~';
  /** event view_product, property view_product.price, super property channel, user property level, slot home.banner.* */
  what: string;
  /** For a change: old → new, in words. */
  detail?: string;
  breaking: boolean;
}

const show = (v: unknown) => (v === undefined ? 'none' : JSON.stringify(v));

/** Does every value the old rule accepts pass the new one? Returns the narrowings, in words. */
function narrowings(a: PropertyRule, b: PropertyRule, at = ''): { detail: string; breaking: boolean }[] {
  const out: { detail: string; breaking: boolean }[] = [];
  const add = (what: string, from: unknown, to: unknown, breaking: boolean) => out.push({ detail: `${at}${what} ${show(from)} → ${show(to)}`, breaking });
  const ta = typesOf(a);
  const tb = typesOf(b);
  if (ta.join() !== tb.join()) add('type', a.type, b.type, !ta.every((t) => tb.includes(t) || (t === 'integer' && tb.includes('number'))));
  if (JSON.stringify(a.enum) !== JSON.stringify(b.enum)) add('enum', a.enum, b.enum, !!b.enum && (!a.enum || a.enum.some((v) => !b.enum!.includes(v))));
  if (a.pattern !== b.pattern) add('pattern', a.pattern, b.pattern, b.pattern !== undefined);
  if (a.minimum !== b.minimum) add('minimum', a.minimum, b.minimum, b.minimum !== undefined && (a.minimum === undefined || b.minimum > a.minimum));
  if (a.maximum !== b.maximum) add('maximum', a.maximum, b.maximum, b.maximum !== undefined && (a.maximum === undefined || b.maximum < a.maximum));
  if (a.maxLength !== b.maxLength) add('maxLength', a.maxLength, b.maxLength, b.maxLength !== undefined && (a.maxLength === undefined || b.maxLength < a.maxLength));
  if (!!a.required !== !!b.required) add('required', !!a.required, !!b.required, !!b.required);
  if (a.items && b.items) out.push(...narrowings(a.items, b.items, `${at}items.`));
  else if (a.items || b.items) add('items', a.items, b.items, !!b.items);
  if (a.description !== b.description) add('description', a.description, b.description, false);
  return out;
}

function diffProperties(a: PropertyRules | undefined, b: PropertyRules | undefined, label: string, changes: Change[], newIsRequiredBreaking: boolean) {
  const pa = a ?? {};
  const pb = b ?? {};
  for (const k of Object.keys(pa)) if (!(k in pb)) changes.push({ kind: '-', what: `${label}${k}`, breaking: true });
  for (const k of Object.keys(pb)) {
    if (!(k in pa)) {
      const required = !!pb[k].required && newIsRequiredBreaking;
      changes.push({ kind: '+', what: `${label}${k}`, detail: required ? 'required' : undefined, breaking: required });
      continue;
    }
    for (const n of narrowings(pa[k], pb[k])) changes.push({ kind: '~', what: `${label}${k}`, detail: n.detail, breaking: n.breaking });
  }
}

const pagesOf = (s: PlanSlot) => (s.page === undefined ? [] : Array.isArray(s.page) ? s.page : [s.page]);

export function diffPlans(a: TrackingPlanFile, b: TrackingPlanFile): Change[] {
  const changes: Change[] = [];
  for (const name of Object.keys(a.events)) if (!(name in b.events)) changes.push({ kind: '-', what: `event ${name}`, breaking: true });
  for (const [name, eb] of Object.entries(b.events)) {
    const ea = a.events[name];
    if (!ea) {
      changes.push({ kind: '+', what: `event ${name}`, breaking: false });
      continue;
    }
    for (const f of ['status', 'owner', 'description', 'trigger'] as const) {
      if (ea[f] !== eb[f]) changes.push({ kind: '~', what: `event ${name}`, detail: `${f} ${show(ea[f])} → ${show(eb[f])}`, breaking: false });
    }
    if ((ea.additionalProperties ?? true) !== (eb.additionalProperties ?? true)) {
      changes.push({ kind: '~', what: `event ${name}`, detail: `additionalProperties ${ea.additionalProperties ?? true} → ${eb.additionalProperties ?? true}`, breaking: eb.additionalProperties === false });
    }
    diffProperties(ea.properties, eb.properties, `property ${name}.`, changes, true);
  }
  diffProperties(a.superProperties, b.superProperties, 'super property ', changes, false);
  diffProperties(a.userProperties, b.userProperties, 'user property ', changes, false);
  const sa = a.slots ?? {};
  const sb = b.slots ?? {};
  for (const k of Object.keys(sa)) if (!(k in sb)) changes.push({ kind: '-', what: `slot ${k}`, breaking: true });
  for (const [k, s] of Object.entries(sb)) {
    const old = sa[k];
    if (!old) {
      changes.push({ kind: '+', what: `slot ${k}`, breaking: false });
      continue;
    }
    const pa = pagesOf(old);
    const pb = pagesOf(s);
    if (pa.join() !== pb.join()) changes.push({ kind: '~', what: `slot ${k}`, detail: `page ${pa.join(', ') || 'none'} → ${pb.join(', ') || 'none'}`, breaking: pa.some((p) => !pb.includes(p)) });
    for (const f of ['status', 'owner', 'description'] as const) if (old[f] !== s[f]) changes.push({ kind: '~', what: `slot ${k}`, detail: `${f} ${show(old[f])} → ${show(s[f])}`, breaking: false });
    diffProperties(old.properties, s.properties, `slot ${k} attribute `, changes, false);
  }
  return changes;
}

export function formatDiff(changes: Change[], oldName: string, newName: string): string {
  if (!changes.length) return `${oldName} → ${newName}: no changes`;
  const width = Math.min(60, Math.max(...changes.map((c) => c.what.length)));
  const lines = changes.map((c) => `  ${c.kind} ${c.what.padEnd(width)}  ${c.detail ?? ''}${c.breaking ? '  BREAKING' : ''}`.replace(/\s+BREAKING$/, '  BREAKING').trimEnd());
  const breaking = changes.filter((c) => c.breaking).length;
  return [`${oldName} → ${newName}`, ...lines, `${changes.length} change${changes.length === 1 ? '' : 's'}, ${breaking} breaking`].join('\n');
}
