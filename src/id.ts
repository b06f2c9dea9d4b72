/**
 * A random 128-bit id as 32 hex chars. Math.random is enough to make collisions negligible
 * for deduplication, and it is there on every base library, synchronously.
 */
export function randomId(): string {
  let s = '';
  while (s.length < 32) s += ((Math.random() * 16) | 0).toString(16);
  return s;
}
