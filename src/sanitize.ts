import { attempt } from './log';
import type { Masker } from './mask';
import type { Properties } from './types';

const MAX_DEPTH = 5;
const MAX_STRING = 1024;
// A budget on values visited: shared references can make a small object expand exponentially.
const MAX_VALUES = 2000;

/**
 * Makes app-supplied properties safe to store, in one walk: JSON-safe (Date to ISO string,
 * NaN/Infinity to null, BigInt to string, functions and symbols dropped, cycles cut, depth,
 * total size and string length capped) and masked. Each change is told to `note(path, what)`
 * so the caller can give one warning per call; the path is only built then.
 */
export function sanitize(input: unknown, mask: Masker, note: (path: string, what: string) => void): Properties {
  const seen: unknown[] = [];
  const path: string[] = [];
  let budget = MAX_VALUES;
  // Tells what changed, and gives back the value the walk puts in its place (none: the value is dropped).
  const tell = <T>(what: string, value?: T): T => {
    note(path.join('.'), what);
    return value as T;
  };
  const walk = (v: unknown): unknown => {
    if (--budget < 0) return budget < -1 ? undefined : tell('too large');
    // BigInt travels as its digits, capped and masked like any string.
    if (typeof v == 'bigint') v = String(v);
    const type = typeof v;
    if (type == 'string') {
      // Masked first, so a tag never outgrows the cap and a number at the cut is not half shown.
      const s = mask.text(v as string);
      return s.length > MAX_STRING ? tell('truncated', s.slice(0, MAX_STRING)) : s;
    }
    if (type == 'number') return isFinite(v as number) ? mask.number(v as number) : tell(v + ', null', null);
    if (type == 'boolean' || v == null) return v;
    if (type != 'object') return tell(type + ' dropped');
    if (v instanceof Date) {
      // The intrinsic, not whatever toISOString the object carries; it throws for an invalid date.
      return attempt(() => Date.prototype.toISOString.call(v)) || tell('invalid Date, null', null);
    }
    if (seen.indexOf(v) >= 0) return tell('circular');
    if (path.length > MAX_DEPTH) return tell('too deep');
    seen.push(v);
    const arr = Array.isArray(v);
    const out: Properties = arr ? ([] as unknown as Properties) : {};
    // An array is its positions, up to the budget (a sparse one may claim a huge length); extra keys are not data.
    // A proxy may refuse.
    const keys =
      attempt(() => (arr ? Array.from({ length: Math.min((v as unknown[]).length, budget + 1) }, (_, i) => '' + i) : Object.keys(v))) ||
      tell('unreadable', []);
    for (const k of keys) {
      path.push(k);
      let copy: unknown;
      try {
        // __proto__ as a key would set the prototype of the copy instead of a property.
        if (k.length > MAX_STRING || k == '__proto__') tell('key dropped');
        else copy = !arr && mask.key(k) ? '***' : walk((v as Properties)[k]);
      } catch (e) {
        tell('unreadable'); // a getter that throws
      }
      path.pop();
      // Arrays keep their positions: a dropped element becomes null, as JSON does.
      // Keys are masked like values: { "13812345678": true } must not carry the number either.
      if (arr || copy !== undefined) out[arr ? k : mask.text(k)] = copy === undefined ? null : copy;
    }
    seen.pop();
    return out;
  };
  const all = (): Properties => {
    if (input == null) return {};
    if (typeof input != 'object' || Array.isArray(input) || input instanceof Date) return tell('not an object', {});
    return walk(input) as Properties;
  };
  // A revoked proxy, a prototype trap that throws: unreadable.
  return attempt(all) || tell('unreadable', {});
}
