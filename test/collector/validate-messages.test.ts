/**
 * What the collector tells the sender of a batch it refuses (400: the SDK isolates the bad event by
 * the index) and the warnings on one it keeps, word for word: each rule's field path and message,
 * how a bad value is shown (strings quoted, arrays and objects named, past 40 characters cut with
 * …), the paths of keys that are not identifiers, the index of the event, and parseBatch's own
 * findings (a key given twice, nesting past the limit, bytes that are not UTF-8). fuzz.test.ts
 * checks that every refusal has this shape; attacks.test.ts, which requests are refused.
 */
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, parseBatch, validateBatch, type Problem } from '../../collector/validate';

const T = 1_750_000_000_000;
const good = (over: Record<string, unknown> = {}) => ({ id: 'evt-000000001', seq: 1, name: 'add_to_cart', time: T, anonymousId: 'anon-1', sessionId: 's-1', properties: {}, ...over });
const batch = (over: Record<string, unknown> = {}) => ({ sentAt: T, context: { lib: 'wetrack' }, events: [good()], ...over });
const refusal = (body: unknown): Problem => {
  const r = validateBatch(body);
  if (r.ok) throw new Error('accepted');
  return r.error;
};
const parsed = (text: string | Uint8Array): Problem => {
  const r = parseBatch(typeof text === 'string' ? new TextEncoder().encode(text) : text);
  if (r.ok) throw new Error('accepted');
  return r.error;
};

describe('the batch: field and message', () => {
  it.each([
    ['not an object', [], { field: '(body)', message: 'must be a JSON object with sentAt, context and events, got an array' }],
    ['null', null, { field: '(body)', message: 'must be a JSON object with sentAt, context and events, got null' }],
    ['no sentAt', batch({ sentAt: undefined }), { field: 'sentAt', message: 'must be epoch milliseconds (a non-negative integer), got nothing' }],
    ['sentAt as text', batch({ sentAt: '1750000000000' }), { field: 'sentAt', message: 'must be epoch milliseconds (a non-negative integer), got "1750000000000"' }],
    ['context not an object', batch({ context: 'ios' }), { field: 'context', message: 'must be an object, got "ios"' }],
    ['a context value that is an object', batch({ context: { os: { name: 'ios' } } }), { field: 'context.os', message: 'must be a string, number, boolean or null, got an object' }],
    ['dropped negative', batch({ dropped: -1 }), { field: 'dropped', message: 'must be a non-negative integer, got -1' }],
    ['dropped fractional', batch({ dropped: 1.5 }), { field: 'dropped', message: 'must be a non-negative integer, got 1.5' }],
    ['no events', batch({ events: [] }), { field: 'events', message: 'must be a non-empty array, got an array' }],
    ['events not an array', batch({ events: true }), { field: 'events', message: 'must be a non-empty array, got true' }],
  ])('%s', (_what, body, expected) => {
    expect(refusal(body)).toEqual({ index: undefined, ...expected });
  });

  it('more events than a batch may carry: the count and the limit', () => {
    const events = Array.from({ length: 1001 }, (_, i) => good({ id: `evt-${String(i).padStart(9, '0')}`, seq: i + 1 }));
    expect(refusal(batch({ events }))).toEqual({ index: undefined, field: 'events', message: 'has 1001 events; at most 1000 per batch' });
    expect(validateBatch(batch({ events: events.slice(0, 1000) })).ok).toBe(true);
  });
});

describe('an event: field, index and message', () => {
  it.each([
    ['not an object', 'x', { field: 'events[1]', message: 'must be an object, got "x"' }],
    ['id missing', good({ id: undefined }), { field: 'events[1].id', message: 'must be a string of 1-128 characters, got nothing' }],
    ['id with a space', good({ id: 'a b' }), { field: 'events[1].id', message: 'has characters outside ^[\\w.:-]+$: "a b"' }],
    ['time negative', good({ time: -5 }), { field: 'events[1].time', message: 'must be epoch milliseconds (a non-negative integer), got -5' }],
    ['properties an array', good({ properties: [1] }), { field: 'events[1].properties', message: 'must be an object, got an array' }],
    ['a long value shown cut at 40 characters', good({ id: 'x'.repeat(200) }), { field: 'events[1].id', message: `must be a string of 1-128 characters, got "${'x'.repeat(39)}…` }],
  ])('%s', (_what, second, expected) => {
    expect(refusal(batch({ events: [good(), second] }))).toEqual({ index: 1, ...expected });
  });

  it('a value of exactly 40 characters is shown whole', () => {
    const p = refusal(batch({ events: [good({ id: 'a b' + 'c'.repeat(35) })] }));
    expect(p.message).toBe(`has characters outside ^[\\w.:-]+$: "a b${'c'.repeat(35)}"`);
  });
});

describe('values JSON cannot carry unchanged', () => {
  it('a number out of range, a lone surrogate in a value or a key: the path, with keys that are not identifiers quoted', () => {
    expect(refusal(batch({ events: [good({ properties: { price: Infinity } })] }))).toEqual({ index: 0, field: 'events[0].properties.price', message: 'is a number out of range (JSON.parse makes it Infinity)' });
    expect(refusal(batch({ events: [good(), good({ properties: { 'a-b': [0, '\ud800'] } })] }))).toEqual({ index: 1, field: 'events[1].properties["a-b"][1]', message: 'has a lone surrogate (not valid Unicode; it would be stored as U+FFFD)' });
    expect(refusal(batch({ events: [good({ properties: { $ok: { '\udc00k': 1 } } })] }))).toEqual({ index: 0, field: 'events[0].properties.$ok', message: 'has a key with a lone surrogate: "\\udc00k"' });
    expect(refusal(batch({ context: { lib: '\ud800' } }))).toEqual({ index: undefined, field: 'context.lib', message: 'has a lone surrogate (not valid Unicode; it would be stored as U+FFFD)' });
    expect(refusal(1e400)).toEqual({ index: undefined, field: '(body)', message: 'is a number out of range (JSON.parse makes it Infinity)' });
  });
});

describe('parseBatch: what JSON.parse hides', () => {
  it('a key given twice: its path, the index of its event', () => {
    const text = `{"sentAt":${T},"context":{},"events":[${JSON.stringify(good())},{"id":"evt-000000002","seq":2,"seq":3}]}`;
    expect(parsed(text)).toEqual({ index: 1, field: 'events[1].seq', message: 'is given twice in one object (JSON keeps only the last)' });
    expect(parsed(`{"sentAt":${T},"sentAt":${T}}`)).toEqual({ index: undefined, field: 'sentAt', message: 'is given twice in one object (JSON keeps only the last)' });
    // Escaped quotes and backslashes inside keys and values do not end the string early.
    const escaped = `{"sentAt":${T},"context":{"a\\\\":"x\\"y","a\\\\":1},"events":[]}`;
    expect(parsed(escaped)).toEqual({ index: undefined, field: 'context["a\\\\"]', message: 'is given twice in one object (JSON keeps only the last)' });
  });

  it('nesting past the limit: named by the event field it is in, or the batch field', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const inEvent = `{"sentAt":${T},"context":{},"events":[{"id":"e","properties":{"k-1":${deep(MAX_DEPTH + 10)}}}]}`;
    expect(parsed(inEvent)).toEqual({ index: 0, field: 'events[0].properties', message: `is nested deeper than ${MAX_DEPTH} levels` });
    const inContext = `{"sentAt":${T},"context":{"x":${deep(MAX_DEPTH + 10)}},"events":[]}`;
    expect(parsed(inContext)).toEqual({ index: undefined, field: 'context', message: `is nested deeper than ${MAX_DEPTH} levels` });
    expect(parsed(deep(MAX_DEPTH + 10))).toEqual({ index: undefined, field: '(body)', message: `is nested deeper than ${MAX_DEPTH} levels` });
  });

  it('bytes that are not UTF-8 are malformed, not stored with replacement characters', () => {
    const r = parseBatch(new Uint8Array([0x7b, 0xff, 0x7d]));
    expect(r.ok).toBe(false);
    expect('malformed' in r && r.malformed).toBe(true);
  });
});

describe('warnings on a batch that is kept', () => {
  it('an unknown batch field, drops reported by the phone, seqs out of order within an install', () => {
    const r = validateBatch(batch({ extra: 1, dropped: 3, events: [good({ seq: 5 }), good({ id: 'evt-000000002', seq: 5 }), good({ id: 'evt-000000003', seq: 2, anonymousId: 'other' })] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings).toEqual([
      { field: 'extra', message: 'unknown field extra (not stored)' },
      { field: 'dropped', message: '3 event(s) dropped on the phone (queue over maxQueueEvents)' },
      { index: 1, field: 'events[1].seq', message: 'seq 5 after 5: out of order' },
    ]);
  });
});
