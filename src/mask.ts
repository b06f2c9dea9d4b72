import { str } from './log';
import type { MaskOptions } from './types';

const DEFAULT_KEYS = /password|passwd|pwd|token|secret|authorization|cookie|id_?card/i;

// Digit runs are bounded by hand: lookbehind is missing on older iOS engines.
const DIGITS = /(^|[^\dA-Za-z])(\d{11,19}[Xx]?)(?![\dA-Za-z])/g;
const POSSIBLE = /@|\d{11}/;
const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
// Region, birth date from 1900, sequence, check character.
const ID = /^\d{6}(19|20)\d{2}[01]\d[0-3]\d{4}[\dXx]$/;

function luhn(s: string): boolean {
  let sum = 0;
  for (let i = s.length, odd = 0; i--; odd ^= 1) sum += odd ? +'0246813579'[+s[i]] : +s[i];
  return sum % 10 == 0;
}

/** The tag for a run of digits that is personal data: mainland mobile, resident id, bank card. */
function tag(d: string): string | undefined {
  if (/^(86)?1[3-9]\d{9}$/.test(d)) return '[phone]';
  if (ID.test(d)) return '[id]';
  if (/^\d{16,19}$/.test(d) && luhn(d)) return '[card]';
}

export interface Masker {
  /** True when the value under this key must not leave the device. */
  key(k: string): boolean;
  text(s: string): string;
  number(n: number): number | string;
}

/** Deny-listed keys lose their value; values that look like personal data become a tag. */
export function createMasker(options: MaskOptions | false | undefined): Masker {
  const o = options || {};
  const keys =
    options === false
      ? /^(?!)/
      : o.keys
        ? new RegExp(([] as unknown[]).concat(o.keys).map((k) => str(k).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') || '^(?!)', 'i')
        : DEFAULT_KEYS;
  const on = options !== false && o.patterns !== false;
  return {
    key: (k) => keys.test(k),
    // Most values have neither an @ nor a long digit run: one cheap test spares them the replacing.
    text: (s) => (on && POSSIBLE.test(s) ? s.replace(EMAIL, '[email]').replace(DIGITS, (m, pre: string, d: string) => (tag(d) ? pre + tag(d) : m)) : s),
    number: (n) => (on && Number.isInteger(n) && tag(String(n))) || n,
  };
}
