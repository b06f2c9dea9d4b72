/**
 * The tracking plan as data (schema/tracking-plan.schema.json) and what one event is checked against.
 * Shared by the SDK's development check (./check.ts, which tests values by hand: mini-programs cannot
 * run a JSON Schema compiler) and the Node side (plan/ and collector/, which hand the same shapes to
 * ajv). Nothing here is in the mini-program bundle: only the `wetrack/plan` entry imports it.
 */

export type TypeName = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';
export type Status = 'proposed' | 'approved' | 'implemented' | 'verified' | 'deprecated';
export type Scalar = string | number | boolean | null;

/** A property rule: a subset of JSON Schema, plus `required`. */
export interface PropertyRule {
  type: TypeName | TypeName[];
  enum?: Scalar[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  items?: PropertyRule;
  description?: string;
  examples?: unknown[];
  required?: boolean;
}

export type PropertyRules = { [name: string]: PropertyRule };

export interface PlanEvent {
  description: string;
  owner?: string;
  status?: Status;
  trigger?: string;
  properties?: PropertyRules;
  /** false: a property neither planned nor a super property is a violation. */
  additionalProperties?: boolean;
}

export interface PlanSlot {
  page?: string | string[];
  description?: string;
  owner?: string;
  status?: Status;
  /** The slot's other data-wt-* attributes, as $exposure carries them. */
  properties?: PropertyRules;
}

/** The plan file, `tracking-plan.json` by convention. */
export interface TrackingPlanFile {
  $schema?: string;
  version: 1;
  name?: string;
  description?: string;
  events: { [name: string]: PlanEvent };
  superProperties?: PropertyRules;
  userProperties?: PropertyRules;
  slots?: { [slot: string]: PlanSlot };
}

/** One way an event differs from the plan. */
export interface Violation {
  /** Where: `name`, `page`, `properties.price`, `properties.tags[0]`. */
  field: string;
  /** What kind: the rule's keyword (type, enum, pattern, minimum, maximum, maxLength, required), or event, deprecated, additional, slot, page. */
  rule: string;
  message: string;
}

/** The properties an event is checked against, as one JSON Schema object would say it. */
export interface Shape {
  /** Names the shape among those of one plan (for caches). */
  key: string;
  properties: PropertyRules;
  required: string[];
  /** Properties outside `properties` are violations. */
  closed: boolean;
  /** The message for a property outside `properties` (when closed). */
  extra: string;
}

/** Every name the SDK sends on its own: the plan knows them without listing them. */
export const AUTO_EVENTS = ['$app_launch', '$app_show', '$app_hide', '$page_view', '$page_leave', '$tap', '$share', '$tab_tap', '$exposure', '$set', '$set_once'];

/** Added by the SDK to any event: `duration_ms` by time(). */
const SDK_PROPERTIES: PropertyRules = { duration_ms: { type: 'number' } };

const has = (o: object | undefined, k: string) => !!o && Object.prototype.hasOwnProperty.call(o, k);

/** Text for a value in a message: short, and a string in quotes. */
export function show(v: unknown): string {
  const s = v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : v !== null && typeof v == 'object' ? 'an object' : typeof v == 'string' ? JSON.stringify(v) : String(v);
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}

/** `properties.price`, `properties["a b"]`, `properties.tags[0]`. */
export function fieldPath(base: string, segments: (string | number)[]): string {
  let p = base;
  for (const s of segments) p += typeof s == 'number' ? '[' + s + ']' : /^[A-Za-z_$][\w$]*$/.test(s) ? '.' + s : '[' + JSON.stringify(s) + ']';
  return p;
}

export const typesOf = (r: PropertyRule): TypeName[] => (Array.isArray(r.type) ? r.type : [r.type]);

/** The message for a value that breaks one keyword of its rule: the same words on the phone and in the collector. */
export function describe(keyword: string, rule: PropertyRule, value: unknown): string {
  switch (keyword) {
    case 'type':
      return 'must be ' + typesOf(rule).join(' or ') + ', got ' + show(value);
    case 'enum':
      return 'must be one of ' + (rule.enum || []).map((v) => JSON.stringify(v)).join(', ') + ', got ' + show(value);
    case 'pattern':
      return 'must match ' + rule.pattern + ', got ' + show(value);
    case 'minimum':
      return 'must be at least ' + rule.minimum + ', got ' + show(value);
    case 'maximum':
      return 'must be at most ' + rule.maximum + ', got ' + show(value);
    case 'maxLength':
      return 'must be at most ' + rule.maxLength + ' characters, got ' + Array.from(String(value)).length;
  }
  return 'breaks ' + keyword;
}

/** `home.banner.*` as a RegExp: `*` is one part between dots. */
export const slotPattern = (key: string) => new RegExp('^' + key.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^.]+') + '$');

/** The plan's entry for a slot id: the exact key first, else the first pattern that matches. */
export function slotEntry(plan: TrackingPlanFile, slot: string): [string, PlanSlot] | undefined {
  const slots = plan.slots || {};
  if (has(slots, slot)) return [slot, slots[slot]];
  for (const k in slots) if (k.indexOf('*') >= 0 && slotPattern(k).test(slot)) return [k, slots[k]];
  return undefined;
}

const pagesOf = (s: PlanSlot) => (s.page === undefined ? [] : Array.isArray(s.page) ? s.page : [s.page]);

/**
 * What an event is checked against, and what is wrong before any value is looked at: an event not
 * in the plan, a deprecated one, a slot not in the plan or on another page. `page` is the route
 * the event was tracked on.
 */
export function shapeOf(plan: TrackingPlanFile, name: string, properties: { [k: string]: unknown }, page?: string): { shape?: Shape; found: Violation[] } {
  const found: Violation[] = [];
  const sup = plan.superProperties || {};
  const shape = (key: string, own: PropertyRules, required: string[], closed: boolean, extra: string): Shape => ({
    key,
    // Super properties first: the event's own rule wins for a name in both.
    properties: Object.assign({}, SDK_PROPERTIES, sup, own),
    required,
    closed,
    extra,
  });

  if (name.charAt(0) == '$') {
    if (AUTO_EVENTS.indexOf(name) < 0) return { found: [{ field: 'name', rule: 'event', message: JSON.stringify(name) + ' is not in the plan (not an event the SDK sends)' }] };
    if (name == '$set' || name == '$set_once') {
      // A profile update carries some user properties: none is required, and the plan lists them all.
      const user = plan.userProperties;
      return { shape: user ? { key: 'user', properties: user, required: [], closed: true, extra: "is not one of the plan's userProperties" } : undefined, found };
    }
    const slot = properties.slot;
    if ((name == '$exposure' || name == '$tap') && (typeof slot == 'string' || typeof slot == 'number')) {
      const entry = slotEntry(plan, String(slot));
      if (!entry) {
        found.push({ field: 'properties.slot', rule: 'slot', message: 'slot ' + JSON.stringify(String(slot)) + ' is not in the plan' });
      } else {
        const pages = pagesOf(entry[1]);
        const where = typeof properties.path == 'string' ? properties.path : page;
        if (pages.length && where !== undefined && pages.indexOf(where) < 0) {
          found.push({ field: 'page', rule: 'page', message: 'slot ' + String(slot) + ' is planned on ' + pages.join(', ') + ', seen on ' + where });
        }
        // The slot's data-wt-* attributes are properties of its exposure; a tap carries them in `dataset`.
        if (name == '$exposure') return { shape: shape('slot:' + entry[0], entry[1].properties || {}, [], false, 'slot ' + entry[0]), found };
      }
    }
    return { shape: shape('auto', {}, [], false, ''), found };
  }

  if (!has(plan.events, name)) return { found: [{ field: 'name', rule: 'event', message: JSON.stringify(name) + ' is not in the plan' }] };
  const ev = plan.events[name];
  if (ev.status == 'deprecated') found.push({ field: 'name', rule: 'deprecated', message: name + ' is deprecated in the plan' });
  const own = ev.properties || {};
  const required: string[] = [];
  for (const k in own) if (own[k].required) required.push(k);
  return { shape: shape('event:' + name, own, required, ev.additionalProperties === false, 'is not in the plan for ' + name), found };
}
