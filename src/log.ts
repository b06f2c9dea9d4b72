/** Console output of the SDK. Warnings always show; debug lines only with `debug: true`. */
export interface Logger {
  warn(message: string): void;
  debug(message: string, data?: unknown): void;
  /** Warns once per key for the life of the tracker. */
  once(key: string, message: string): void;
}

export function createLogger(isDebug: () => boolean): Logger {
  const seen: { [key: string]: 1 } = {};
  const out = (kind: 'warn' | 'log', message: string, ...data: unknown[]) => {
    try {
      console[kind]('[wetrack] ' + message, ...data);
    } catch (e) {
      // no console, or a broken one: nothing to tell
    }
  };
  return {
    warn: (m) => out('warn', m),
    debug: (m, d) => isDebug() && out('log', m, d),
    once: (key, m) => seen[key] || ((seen[key] = 1), out('warn', m)),
  };
}

/** Text for any value, also one whose toString throws or a Symbol, which `'' + v` cannot take. */
export function str(v: unknown): string {
  try {
    return String(v);
  } catch (e) {
    return typeof v;
  }
}
