import { str } from './log';
import type { MaskOptions } from './types';

const DEFAULT_KEYS = /password|passwd|pwd|token|secret|authorization|cookie|id_?card/i;

// A run of digits, or one in the groups people write (138 1234 5678, +86-138-1234-5678, 110105
// 19491231 002X, 6222 0212 3456 7890 128), not inside a longer run: a mobile with its +86, 0086 or
// 86; a resident id (18 or 15 digits); a bank card (the shapes only: tag() decides). Full-width
// digits (\uff10-\uff19), plus (\uff0b), dash (\uff0d) and the ideographic space (\u3000) count as
// theirs; escaped like EMAIL's ranges, which gzip then shares (7 B). Letters may touch it
// (uid13812345678), a decimal point may not (0.13812345678). The group before it is kept:
// lookbehind is missing on older iOS engines.
// First, and left as they are: runs of 24 letters and digits or more, machine ids and hashes (the
// SDK's own 32-hex ids, md5, sha1), where digits that look like a number are chance.
const DIGITS =
  /[^\d\uff10-\uff19A-Za-z]?[\d\uff10-\uff19A-Za-z]{24,}|(^|[^\d\uff10-\uff19.]|[^\d\uff10-\uff19]\.)((?:[+\uff0b]|[0\uff10]{2})?(?:[8\uff18][6\uff16][ \u3000\-\uff0d]?)?[\d\uff10-\uff19]{3}[ \u3000\-\uff0d]?[\d\uff10-\uff19]{4}[ \u3000\-\uff0d]?[\d\uff10-\uff19]{4}|[\d\uff10-\uff19]{6}[ \u3000\-\uff0d]?[\d\uff10-\uff19]{6}(?:[\d\uff10-\uff19]{2})?[ \u3000\-\uff0d]?[\d\uff10-\uff19]{3}[\d\uff10-\uff19Xx]?|[\d\uff10-\uff19]{4}(?:[ \u3000\-\uff0d]?[\d\uff10-\uff19]{4}){3}(?:[ \u3000\-\uff0d]?[\d\uff10-\uff19]{1,3})?)(?![\d\uff10-\uff19])/g;
// Letters of an address (each run of [\w…-] below): ASCII word characters and any beyond Latin-1
// (张三@例子.中国, full-width letters and digits), but not CJK punctuation (U+3000–303F, full-width
// ：，（), which ends the sentence around it; before the @ also dots and plus. The last label does not
// start with a digit (pkg@1.2.3 is a version), and icon@2x.png is an image. One literal: gzip takes
// the repeated class for almost nothing, and a RegExp built from parts costs bytes.
const EMAIL =
  /[.+\w\u00c0-\u2fff\u3040-\ufeff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uffef-]+[@＠](?!\dx\.)[\w\u00c0-\u2fff\u3040-\ufeff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uffef-]+([.．][\w\u00c0-\u2fff\u3040-\ufeff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uffef-]+)*[.．](?![\d０-９])[\w\u00c0-\u2fff\u3040-\ufeff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uffef-]+/g;
// Region (first digit 1-8), birth date (18 digits: with the century, then a check character), sequence.
const ID = /^[1-8]\d{5}((18|19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX]|\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3})$/i;

function luhn(s: string): boolean {
  let sum = 0;
  for (let i = s.length, odd = 0; i--; odd ^= 1) sum += odd ? +'0246813579'[+s[i]] : +s[i];
  return sum % 10 == 0;
}

/** The tag for digits (separators removed) that are personal data: mainland mobile, resident id, bank card (Visa to UnionPay: 3-6). */
function tag(d: string): string | undefined {
  if (/^(00)?(86)?1[3-9]\d{9}$/.test(d)) return '[phone]';
  if (ID.test(d)) return '[id]';
  if (/^[3-6]\d{15,18}$/.test(d) && luhn(d)) return '[card]';
}

export interface Masker {
  /** True when the value under this key must not leave the device. */
  key(k: string): boolean;
  text(s: string): string;
  number(n: number): number | string;
}

/** Deny-listed keys lose their value; values that look like personal data become a tag. */
export function createMasker(options: MaskOptions | false | undefined): Masker {
  const given = options || {};
  const keys =
    options === false
      ? /^(?!)/
      : given.keys
        ? new RegExp(([] as unknown[]).concat(given.keys).map((k) => str(k).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') || '^(?!)', 'i')
        : DEFAULT_KEYS;
  const on = options !== false && given.patterns !== false;
  return {
    key: (k) => keys.test(k),
    // Most values have neither an @ nor three digits: one cheap test spares them the rest.
    text: (s) =>
      on && /[@＠]|[\d０-９]{3}/.test(s)
        ? s.replace(EMAIL, '[email]').replace(DIGITS, (m, pre: string, d?: string) => {
            // Full-width digits as ASCII (a number in replace's answer becomes its digits), separators out.
            const t = d && tag(d.replace(/[^\dXx０-９]/g, '').replace(/[０-９]/g, (c) => c.charCodeAt(0) - 65296 + ''));
            return t ? pre + t : m;
          })
        : s,
    number: (n) => (on && Number.isInteger(n) && tag(String(n))) || n,
  };
}
