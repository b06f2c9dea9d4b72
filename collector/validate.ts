/**
 * Checks a batch against the wire format (README, "Events and wire format"). A hard problem rejects
 * the whole batch with 400 naming the event index and the field, so that the SDK halves the batch
 * until the bad event is alone and drops only that one; soft problems are kept as warnings on the
 * batch or the event and shown in the live view.
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
  const properties = (e.properties as Record<string, unknown> | undefined) ?? {};

  for (const k of Object.keys(e)) if (!EVENT_FIELDS.has(k)) warn(`unknown field ${k} (not stored)`);
  if (name.startsWith('$') && !RESERVED.has(name)) warn(`${name} is not a reserved name wetrack sends`);
  if ((e.time as number) > sentAt + FUTURE_MS) warn(`time is ${Math.round(((e.time as number) - sentAt) / 1000)} s after sentAt: the phone's clock jumped`);
  if ((name === '$exposure' || name === '$tap') && properties.slot !== undefined && typeof properties.slot !== 'string') warn(`properties.slot should be a string, got ${show(properties.slot)}`);
  if (name === '$exposure' && typeof properties.slot !== 'string') warn('$exposure without a slot');
  return { id, seq: e.seq as number, name, time: e.time as number, anonymousId, userId, sessionId, page, properties };
}

/** Validates a parsed JSON body. */
export function validateBatch(body: unknown): Checked {
  try {
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
      const a = events[i - 1]!;
      const b = events[i]!;
      if (a.anonymousId === b.anonymousId && b.seq <= a.seq) warnings.push({ index: i, field: `events[${i}].seq`, message: `seq ${b.seq} after ${a.seq}: out of order` });
    }
    return { ok: true, batch: { sentAt: body.sentAt as number, context: body.context as WireBatch['context'], dropped: body.dropped as number | undefined, events }, warnings, eventWarnings };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.problem };
    throw e;
  }
}
