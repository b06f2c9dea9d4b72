/**
 * A random id of 25 base-36 chars (129 bits; 32 hex chars before issue 14, 7 bytes more in each of
 * the three ids of every event on the wire). Math.random is enough to make collisions negligible for
 * deduplication, and it is there on every base library, synchronously.
 */
export function randomId(): string {
  let id = '';
  while (id.length < 25) id += ((Math.random() * 36) | 0).toString(36);
  return id;
}
