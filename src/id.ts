/**
 * A random 128-bit id as 32 hex chars. Math.random is enough to make collisions
 * negligible for deduplication, and is available on every base library synchronously.
 */
export function randomId(): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += ((Math.random() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
  return s;
}
