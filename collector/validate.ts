/**
 * Checks a batch against the wire format (README, "Events and wire format"). A hard problem rejects
 * the whole batch with 400 naming the event index and the field, so that the SDK halves the batch
 * until the bad event is alone and drops only that one; soft problems are kept as warnings on the
 * batch or the event and shown in the live view.
 *
 * The rule is that nothing accepted is changed on its way into the store: bytes that are not UTF-8,
 * lone surrogates (they would become U+FFFD), numbers JSON.parse turns into Infinity (stored as
 * null), duplicate keys (JSON.parse keeps the last) are refused, not repaired; and nothing accepted
 * can fail in the store or in the report: integers stay within the columns' 64-bit types and
 * nesting within MAX_DEPTH.
 */

export interface WireEvent {
  id: string;
  seq: number;
  name: string;
  time: number;
  anonymousId: string;
  userId?: string;
  sessionId: string;
  page?: string;
  properties: Record<string, unknown>;
}

export interface WireBatch {
  sentAt: number;
  context: Record<string, string | number | boolean | null>;
  dropped?: number;
  events: WireEvent[];
}

export interface Problem {
  /** Index in `events`, when the problem is an event's. */
  index?: number;
  /** JSON path of the field, e.g. events[3].seq */
  field: string;
  message: string;
}

export type Checked = { ok: true; batch: WireBatch; warnings: Problem[]; eventWarnings: Map<number, string[]> } | { ok: false; error: Problem };

const BATCH_FIELDS = new Set(['sentAt', 'context', 'dropped', 'events']);
const EVENT_FIELDS = new Set(['id', 'seq', 'name', 'time', 'anonymousId', 'userId', 'sessionId', 'page', 'properties']);
const RESERVED = new Set(['$set', '$set_once', '$app_launch', '$app_show', '$app_hide', '$page_view', '$page_leave', '$tap', '$share', '$tab_tap', '$exposure']);
const MAX_EVENTS = 1000;
/**
 * How deep properties may nest, the properties object itself being level 1. The store serialises
 * properties with JSON.stringify, which runs out of stack a few thousand levels down; the SDK sends
 * at most 6. Past this a batch is refused, never answered 500 (which the SDK retries forever).
 */
export const MAX_DEPTH = 256;
/** The body is level 1, events 2, an event 3, its properties 4. */
const BODY_DEPTH = MAX_DEPTH + 3;
/** An event stamped this long after its batch was sent is on a clock that jumped. */
const FUTURE_MS = 60_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => {
  const s = v === undefined ? 'nothing' : typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
};
const epochMs = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e15;

class Invalid extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

function fail(field: string, message: string, index?: number): never {
  throw new Invalid({ index, field, message });
}

function checkEvent(e: unknown, i: number, sentAt: number, warn: (msg: string) => void): WireEvent {
  const at = (f: string) => `events[${i}].${f}`;
  if (!isObject(e)) fail(`events[${i}]`, `must be an object, got ${show(e)}`, i);
  const str = (f: string, max: number, required: boolean, pattern?: RegExp) => {
    const v = e[f];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.length < 1 || v.length > max) fail(at(f), `must be a string of 1-${max} characters, got ${show(v)}`, i);
    if (pattern && !pattern.test(v)) fail(at(f), `has characters outside ${pattern.source}: ${show(v)}`, i);
    return v;
  };
  const id = str('id', 128, true, /^[\w.:-]+$/)!;
  if (!(typeof e.seq === 'number' && Number.isSafeInteger(e.seq) && e.seq >= 1)) fail(at('seq'), `must be a positive integer, got ${show(e.seq)}`, i);
  const name = str('name', 100, true, /^[^\x00-\x1f]+$/)!;
  if (!epochMs(e.time)) fail(at('time'), `must be epoch milliseconds (a non-negative integer), got ${show(e.time)}`, i);
  const anonymousId = str('anonymousId', 128, true)!;
  const userId = str('userId', 255, false);
  const sessionId = str('sessionId', 128, true)!;
  const page = str('page', 512, false);
  if (e.properties !== undefined && !isObject(e.properties)) fail(at('properties'), `must be an object, got ${show(e.properties)}`, i);
  const properties = (e.properties) ?? {};

  for (const k of Object.keys(e)) if (!EVENT_FIELDS.has(k)) warn(`unknown field ${k} (not stored)`);
  if (name.startsWith('$') && !RESERVED.has(name)) warn(`${name} is not a reserved name wetrack sends`);
  if ((e.time as number) > sentAt + FUTURE_MS) warn(`time is ${Math.round(((e.time as number) - sentAt) / 1000)} s after sentAt: the phone's clock jumped`);
  // The slot column takes strings (and numbers, written in digits); anything else stays in the properties only.
  if ((name === '$exposure' || name === '$tap') && properties.slot !== undefined && typeof properties.slot !== 'string') warn(`properties.slot should be a string, got ${show(properties.slot)}${typeof properties.slot === 'number' ? '' : ' (not counted as a slot)'}`);
  if (name === '$exposure' && typeof properties.slot !== 'string') warn('$exposure without a slot');
  return { id, seq: e.seq, name, time: e.time as number, anonymousId, userId, sessionId, page, properties };
}

/**
 * The first value JSON cannot carry unchanged: a non-finite number (1e400 parses as Infinity) or a
 * string or key with a lone surrogate. Returns its path relative to `v` and what is wrong; the path
 * is built only on the way back from a failure, so clean values cost one walk and no strings.
 */
function unfaithful(v: unknown): [string, string] | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : ['', 'is a number out of range (JSON.parse makes it Infinity)'];
  if (typeof v === 'string') return LONE_SURROGATE.test(v) ? ['', 'has a lone surrogate (not valid Unicode; it would be stored as U+FFFD)'] : undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = unfaithful(v[i]);
      if (bad) return [`[${i}]` + bad[0], bad[1]];
    }
    return undefined;
  }
  for (const k in v) {
    if (LONE_SURROGATE.test(k)) return ['', `has a key with a lone surrogate: ${show(k)}`];
    const bad = unfaithful((v as Record<string, unknown>)[k]);
    if (bad) return [segment(k) + bad[0], bad[1]];
  }
  return undefined;
}
// With the u flag a surrogate pair is one code point, so only a lone half matches.
const LONE_SURROGATE = /\p{Cs}/u;
const segment = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? '.' + k : `[${JSON.stringify(k)}]`);

/** The index of the event a path is in, e.g. 3 for events[3].properties. */
const indexOf = (field: string) => {
  const m = /^events\[(\d+)\]/.exec(field);
  return m ? Number(m[1]) : undefined;
};

/**
 * What JSON.parse hides: a key given twice in one object (it keeps the last) and nesting past
 * BODY_DEPTH. A scan of the text, which JSON.parse has already found well-formed, so only quotes,
 * brackets and commas matter. Returns the problem with the path of the key or the level.
 */
function scan(text: string): Problem | undefined {
  const stack: { keys?: Set<string>; key: string; index: number }[] = [];
  // The path to the value being read in the first `levels` containers.
  const path = (levels = stack.length) => {
    let p = '';
    for (let d = 0; d < levels; d++) p += stack[d].keys ? segment(stack[d].key) : `[${stack[d].index}]`;
    return p.replace(/^\./, '');
  };
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // The closing quote is the next one not escaped by an odd run of backslashes.
      let j = i;
      for (;;) {
        j = text.indexOf('"', j + 1);
        let b = j - 1;
        while (text.charCodeAt(b) === 92) b--;
        if ((j - 1 - b) % 2 === 0) break;
      }
      if (expectKey) {
        const top = stack[stack.length - 1];
        const slice = text.slice(i + 1, j);
        const k = slice.includes('\\') ? (JSON.parse(text.slice(i, j + 1)) as string) : slice;
        if (top.keys!.has(k)) {
          const field = (path(stack.length - 1) + segment(k)).replace(/^\./, '');
          return { index: indexOf(field), field, message: `is given twice in one object (JSON keeps only the last)` };
        }
        top.keys!.add(k);
        top.key = k;
        expectKey = false;
      }
      i = j;
    } else if (c === 123 || c === 91) {
      if (stack.length >= BODY_DEPTH) {
        // Named by the field of the event (or the batch) it is in: the full path would be thousands of levels long.
        const p = path();
        const field = /^events\[\d+\](?:\.[A-Za-z_$][\w$]*|\["(?:[^"\\]|\\.)*"\])?/.exec(p)?.[0] ?? (/^[^.[]*/.exec(p)![0] || '(body)');
        return { index: indexOf(field), field, message: `is nested deeper than ${MAX_DEPTH} levels` };
      }
      stack.push(c === 123 ? { keys: new Set(), key: '', index: -1 } : { key: '', index: 0 });
      expectKey = c === 123;
    } else if (c === 125 || c === 93) {
      stack.pop();
      expectKey = false; // an empty object never read its key
    } else if (c === 44) {
      const top = stack[stack.length - 1];
      if (top.keys) expectKey = true;
      else top.index++;
    }
  }
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type Parsed = Checked | { ok: false; error: Problem; malformed: true };

/**
 * From the request body to a checked batch: UTF-8 (strict), JSON, then the scan above, the values
 * JSON cannot carry, and the wire format.
 */
export function parseBatch(raw: Uint8Array): Parsed {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, malformed: true, error: { field: '(body)', message: 'is not valid UTF-8' } };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return { ok: false, malformed: true, error: { field: '(body)', message: (e as Error).message } };
  }
  const hidden = scan(text);
  if (hidden) return { ok: false, error: hidden };
  return validateBatch(body);
}

/** Validates a parsed JSON body. */
export function validateBatch(body: unknown): Checked {
  try {
    const bad = unfaithful(body);
    if (bad) {
      const field = bad[0].replace(/^\./, '') || '(body)';
      fail(field, bad[1], indexOf(field));
    }
    if (!isObject(body)) fail('(body)', `must be a JSON object with sentAt, context and events, got ${show(body)}`);
    if (!epochMs(body.sentAt)) fail('sentAt', `must be epoch milliseconds (a non-negative integer), got ${show(body.sentAt)}`);
    if (!isObject(body.context)) fail('context', `must be an object, got ${show(body.context)}`);
    for (const [k, v] of Object.entries(body.context)) {
      if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) fail(`context.${k}`, `must be a string, number, boolean or null, got ${show(v)}`);
    }
    if (body.dropped !== undefined && !(typeof body.dropped === 'number' && Number.isSafeInteger(body.dropped) && body.dropped >= 0)) {
      fail('dropped', `must be a non-negative integer, got ${show(body.dropped)}`);
    }
    if (!Array.isArray(body.events) || body.events.length === 0) fail('events', `must be a non-empty array, got ${show(body.events)}`);
    if (body.events.length > MAX_EVENTS) fail('events', `has ${body.events.length} events; at most ${MAX_EVENTS} per batch`);

    const warnings: Problem[] = [];
    const eventWarnings = new Map<number, string[]>();
    for (const k of Object.keys(body)) if (!BATCH_FIELDS.has(k)) warnings.push({ field: k, message: `unknown field ${k} (not stored)` });
    if (body.dropped) warnings.push({ field: 'dropped', message: `${body.dropped} event(s) dropped on the phone (queue over maxQueueEvents)` });
    const events = body.events.map((e, i) =>
      checkEvent(e, i, body.sentAt as number, (message) => {
        warnings.push({ index: i, field: `events[${i}]`, message });
        const list = eventWarnings.get(i) ?? [];
        list.push(message);
        eventWarnings.set(i, list);
      }),
    );
    for (let i = 1; i < events.length; i++) {
      const a = events[i - 1];
      const b = events[i];
      if (a.anonymousId === b.anonymousId && b.seq <= a.seq) warnings.push({ index: i, field: `events[${i}].seq`, message: `seq ${b.seq} after ${a.seq}: out of order` });
    }
    return { ok: true, batch: { sentAt: body.sentAt as number, context: body.context as WireBatch['context'], dropped: body.dropped, events }, warnings, eventWarnings };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.problem };
    throw e;
  }
}
