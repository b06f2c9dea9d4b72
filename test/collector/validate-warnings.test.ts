/**
 * The warnings validateBatch attaches to events it stores all the same (the live view shows them,
 * the store keeps them per event): a name with `$` that wetrack does not send, an exposure without a
 * slot, a slot that is not a string (a number is still counted, written in digits).
 */
import { describe, expect, it } from 'vitest';
import { validateBatch } from '../../collector/validate';

const T = 1_750_000_000_000;
const ev = (name: string, properties: Record<string, unknown> = {}) => ({ id: 'evt-000000001', seq: 1, name, time: T, anonymousId: 'a', sessionId: 's', properties });
const warningsOf = (e: ReturnType<typeof ev>) => {
  const r = validateBatch({ sentAt: T, context: {}, events: [e] });
  if (!r.ok) throw new Error(`refused: ${r.error.message}`);
  return r.eventWarnings.get(0) ?? [];
};

describe('validateBatch: warnings on events it stores', () => {
  it('a $ name wetrack does not send, named; its own reserved names, none', () => {
    expect(warningsOf(ev('$custom'))).toEqual(['$custom is not a reserved name wetrack sends']);
    expect(warningsOf(ev('$page_view'))).toEqual([]);
    expect(warningsOf(ev('custom'))).toEqual([]);
  });

  it('an exposure without a slot, or with a slot that is not a string', () => {
    expect(warningsOf(ev('$exposure'))).toEqual(['$exposure without a slot']);
    expect(warningsOf(ev('$exposure', { slot: 'home.banner.1' }))).toEqual([]);
    expect(warningsOf(ev('$exposure', { slot: 7 }))).toEqual(['properties.slot should be a string, got 7', '$exposure without a slot']);
    expect(warningsOf(ev('$tap', { slot: true }))).toEqual(['properties.slot should be a string, got true (not counted as a slot)']);
    expect(warningsOf(ev('$tap'))).toEqual([]);
  });
});
