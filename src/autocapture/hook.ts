/** Marks what wetrack has wrapped, so that wrapping twice (second init, second bundle, global and explicit) adds nothing. */
export const MARK = '__wt';

export type Fn = ((this: unknown, ...args: unknown[]) => unknown) & { [MARK]?: 1 };
export type Bag = { [key: string]: unknown };

/**
 * Wraps a host function so that `before` sees each call first. The host function keeps its `this`,
 * arguments, return value (promises included) and its own exceptions; a fault in `before` is
 * swallowed by `safe`. A missing function is injected as a no-op; one already wrapped is left alone.
 */
export function hook(fn: unknown, before: (self: unknown, args: unknown[]) => void, safe: (f: () => void) => void): Fn {
  const host = fn as Fn | undefined;
  if (host && host[MARK]) return host;
  const wrapped: Fn = function (this: unknown, ...args: unknown[]) {
    safe(() => before(this, args));
    return host && host.apply(this, args);
  };
  wrapped[MARK] = 1;
  return wrapped;
}
