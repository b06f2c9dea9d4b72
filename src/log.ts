/** Console output of the SDK. Warnings always show; debug lines only with `debug: true`. */
export interface Logger {
  warn(message: string): void;
  debug(message: string, data?: unknown): void;
  /** Warns once per key for the life of the tracker. */
  once(key: string, message: string): void;
}

export function createLogger(isDebug: () => unknown): Logger {
  const seen: { [key: string]: 1 } = {};
  // No console, or a broken one: nothing to tell.
  const out = (kind: 'warn' | 'log', message: string, ...data: unknown[]) => attempt(() => console[kind]('[wetrack] ' + message, ...data));
  return {
    warn: (m) => out('warn', m),
    debug: (m, d) => isDebug() && out('log', m, d),
    once(key, m) {
      if (seen[key]) return;
      seen[key] = 1;
      out('warn', m);
    },
  };
}

/** What f returns, or `fallback` when it throws: host code that may be missing (an old base library, no wx) or throw. */
export function attempt<T>(f: () => T, fallback?: T): T | undefined {
  try {
    return f();
  } catch (e) {
    return fallback;
  }
}

/** Text for any value, also one whose toString throws or a Symbol, which `'' + v` cannot take. */
export const str = (v: unknown): string => attempt(() => String(v), typeof v)!;
