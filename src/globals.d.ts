// The few host globals the core uses; present in every mini-program base library and in Node.
declare function setTimeout(handler: () => void, ms?: number): number;
declare function clearTimeout(handle: number | undefined): void;
declare const console: { warn(...args: unknown[]): void; log(...args: unknown[]): void };
