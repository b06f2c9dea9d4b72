/**
 * The host-observable log of one run of an app shape: what the app's own code can see.
 *
 * Every host function of a shape is made by `log.fn(label, impl)`: each call writes its label
 * (which definition ran: `own.methods.onLoad`, `B1.lifetimes.attached` …), `this` (by identity),
 * the arguments, then the return value or the thrown error. The engine adds what the framework
 * saw (errors it caught, data after each step, the instance's own keys). Two runs of the same
 * shape on the same engine, one without wetrack and one with it, must give equal logs.
 *
 * Identity: objects are named by first appearance (`#1`, `#2` …), so "the same object as in the
 * run without wetrack" is "the same name in the same place". Objects the shape or the engine
 * registers (`token`, `error`, the framework's own instance) get fixed names.
 */

export type Dict = Record<string, unknown>;
/** `this` of a host function: a page or component instance as the framework made it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Inst = Record<string, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HostFn = (this: Inst, ...args: any[]) => unknown;

const MAX_DEPTH = 4;

export class HostLog {
  readonly entries: string[] = [];
  private names = new Map<object, string>();
  private next = 1;

  push(line: string): void {
    this.entries.push(line);
  }

  /** A fixed name for an object (a token the shape passes around, an error it throws). */
  name<T extends object>(obj: T, label: string): T {
    this.names.set(obj, label);
    return obj;
  }

  token(label: string): Dict {
    return this.name({ token: label }, `token:${label}`);
  }

  error(label: string): Error {
    return this.name(new Error(label), `error:${label}`);
  }

  /** The identity name of an object or function (`#n` by first appearance). */
  id(v: unknown): string {
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return this.describe(v);
    let n = this.names.get(v);
    if (!n) this.names.set(v, (n = `#${this.next++}`));
    return n;
  }

  /** A host function that logs each call; `impl` is the shape's own behaviour. */
  fn(label: string, impl?: HostFn): HostFn {
    const log = this;
    return function (this: Inst, ...args: unknown[]) {
      log.push(`call ${label} this=${log.id(this)} args=${log.describe(args)}`);
      let ret: unknown;
      try {
        ret = impl ? impl.apply(this, args) : undefined;
      } catch (e) {
        log.push(`throw ${label} ${log.describe(e)}`);
        throw e;
      }
      if (ret !== undefined) log.push(`return ${label} ${log.describe(ret)}`);
      return ret;
    };
  }

  /** A readable, deterministic rendering of a value; known objects by name. */
  describe(v: unknown, depth = 0, seen: Set<object> = new Set()): string {
    if (v === undefined) return 'undefined';
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'bigint' || typeof v === 'symbol') return String(v);
    const named = this.names.get(v as object);
    if (named) return named;
    if (typeof v === 'function') return `fn ${this.id(v)}`;
    const o = v as Dict;
    if (v instanceof Error) return `${v.name}(${JSON.stringify(v.message)})`;
    if (seen.has(o) || depth > MAX_DEPTH) return '…';
    seen.add(o);
    try {
      if (typeof (o as { then?: unknown }).then === 'function') return `thenable ${this.id(o)}`;
      if (Array.isArray(v)) return `[${v.map((x) => this.describe(x, depth + 1, seen)).join(', ')}]`;
      // An instance of a framework class (a registered Behavior, a component type…): by identity.
      const proto = Object.getPrototypeOf(o) as object | null;
      if (proto !== Object.prototype && proto !== null && !('dataset' in o) && !('currentTarget' in o)) return `<${(proto.constructor as { name?: string } | undefined)?.name || 'object'} ${this.id(o)}>`;
      // An element (glass-easel Element, or an event target object): its id and dataset only.
      if ('dataset' in o && 'id' in o && !('type' in o)) return `<#${String(o.id)} ${this.describe(o.dataset, depth + 1, seen)}>`;
      // An event (glass-easel keeps type/detail/timeStamp on the prototype of the object a handler gets).
      if ('type' in o && 'currentTarget' in o) {
        const parts = [`type=${String(o.type)}`, `detail=${this.describe(o.detail, depth + 1, seen)}`, `target=${this.describe(o.target, depth + 1, seen)}`, `currentTarget=${this.describe(o.currentTarget, depth + 1, seen)}`];
        if ('touches' in o && o.touches !== undefined) parts.push(`touches=${this.describe(o.touches, depth + 1, seen)}`);
        return `Event{${parts.join(' ')}}`;
      }
      const keys = Object.keys(o);
      return `{${keys.map((k) => `${k}: ${this.describe(o[k], depth + 1, seen)}`).join(', ')}}`;
    } finally {
      seen.delete(o);
    }
  }

  /** JSON of instance data (functions dropped), for "data after each step". */
  data(d: unknown): string {
    try {
      return JSON.stringify(d, (_, v: unknown) => (typeof v === 'function' ? undefined : v)) ?? 'undefined';
    } catch (e) {
      return `unserialisable (${String(e)})`;
    }
  }
}

/**
 * The first difference of two logs with a few lines of context, for a failure message that
 * says where the runs parted before the full diff.
 */
export function firstDifference(expected: string[], actual: string[], context = 3): string | undefined {
  const n = Math.max(expected.length, actual.length);
  let i = 0;
  while (i < n && expected[i] === actual[i]) i++;
  if (i === n) return undefined;
  const from = Math.max(0, i - context);
  const lines = [`first difference at line ${i + 1}:`];
  for (let j = from; j < i; j++) lines.push(`    ${expected[j]}`);
  lines.push(`  - ${expected[i] ?? '(end of log)'}   (without wetrack)`);
  lines.push(`  + ${actual[i] ?? '(end of log)'}   (with wetrack)`);
  return lines.join('\n');
}
