/**
 * Small helpers shared by the simulator modules.
 *
 * Documented behaviour followed here:
 * - Callback convention of the wx API (success -> complete, or fail -> complete; every result
 *   carries `errMsg`), and "Promise style": an async API called without any of
 *   success/fail/complete returns a Promise (WeChat docs, "异步 API 返回 Promise").
 * - Exceptions thrown by developer callbacks are caught by the framework and reported to
 *   App.onError / wx.onError instead of breaking the caller (WeChat docs, App.onError:
 *   "小程序发生脚本错误或 API 调用报错时触发").
 * - Page query values reach onLoad as the raw strings of the URL (WeChat does not
 *   decodeURIComponent them; pages that pass encoded values decode them themselves).
 * - setData keys may be data paths such as 'array[2].message' or 'a.b.c.d'
 *   (WeChat docs, Page.prototype.setData).
 */
import type { Callbacks, ErrMsgResult, Query } from './types';

/** What an API implementation needs from the process that owns it. */
export interface ApiHost {
  /** false once the process was killed: nothing may call back any more */
  readonly alive: boolean;
  reportError(err: unknown, where: string): void;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export function hasCallbacks(opts: unknown): boolean {
  if (!isObject(opts)) return false;
  return typeof opts.success === 'function' || typeof opts.fail === 'function' || typeof opts.complete === 'function';
}

export function typeName(v: unknown): string {
  if (v === undefined) return 'Undefined';
  if (v === null) return 'Null';
  if (Array.isArray(v)) return 'Array';
  const t = typeof v;
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/**
 * Calls a developer function the way the framework does: exceptions are reported
 * (App.onError / wx.onError) and swallowed. Returns the function's return value.
 */
export function guarded<T>(host: ApiHost, where: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    host.reportError(err, where);
    return undefined;
  }
}

export interface Completion<S extends ErrMsgResult> {
  /** settle the call; ignored after the first call and when the process is dead */
  done(ok: boolean, res: ErrMsgResult): void;
  /** present when the call is Promise style (no callbacks given) */
  promise: Promise<S> | undefined;
}

/**
 * Builds the settle function of one async API call: success/fail then complete, or
 * resolve/reject for the Promise style. A dead process never settles anything.
 */
export function completion<S extends ErrMsgResult = ErrMsgResult>(
  host: ApiHost,
  api: string,
  opts: Callbacks | undefined,
): Completion<S> {
  const o: Callbacks = opts ?? {};
  let settled = false;
  if (!hasCallbacks(o)) {
    let resolveP!: (v: S) => void;
    let rejectP!: (e: unknown) => void;
    const promise = new Promise<S>((res, rej) => {
      resolveP = res;
      rejectP = rej;
    });
    // Promise-style callers that ignore the rejection must not crash the test run.
    promise.catch(() => undefined);
    return {
      promise,
      done(ok, res) {
        if (settled || !host.alive) return;
        settled = true;
        if (ok) resolveP(res as S);
        else rejectP(res);
      },
    };
  }
  return {
    promise: undefined,
    done(ok, res) {
      if (settled || !host.alive) return;
      settled = true;
      if (ok && o.success) guarded(host, `${api}.success`, () => o.success!(res));
      if (!ok && o.fail) guarded(host, `${api}.fail`, () => o.fail!(res));
      if (o.complete) guarded(host, `${api}.complete`, () => o.complete!(res));
    },
  };
}

/** Deep copy of plain data (objects/arrays); other values are kept by reference. */
export function cloneData<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneData(x)) as unknown as T;
  if (isObject(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneData(x);
    return out as T;
  }
  return v;
}

/** 'a=1&b=x%20y' -> { a: '1', b: 'x%20y' } (values kept raw, like WeChat) */
export function parseQuery(qs: string): Query {
  const out: Query = {};
  if (!qs) return out;
  for (const part of qs.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    if (k) out[k] = v;
  }
  return out;
}

export function stringifyQuery(q: Query): string {
  return Object.entries(q)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * Resolves a route URL as WeChat does: '/pages/a/b?x=1' is absolute, 'detail?id=1',
 * './detail' and '../c/d' are relative to the directory of the current page.
 */
export function resolveUrl(url: string, currentRoute: string | undefined): { route: string; query: Query } {
  const q = url.indexOf('?');
  const pathPart = q < 0 ? url : url.slice(0, q);
  const qs = q < 0 ? '' : url.slice(q + 1);
  let segments: string[];
  if (pathPart.startsWith('/') || currentRoute === undefined) {
    segments = pathPart.split('/');
  } else {
    const dir = currentRoute.split('/').slice(0, -1);
    segments = [...dir, ...pathPart.split('/')];
  }
  const out: string[] = [];
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return { route: out.join('/').replace(/\.html$/, ''), query: parseQuery(qs) };
}

/** 'a.b[1].c' -> ['a', 'b', 1, 'c'] */
export function parseDataPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else out.push(Number(m[2]));
  }
  return out;
}

/** Applies one setData entry to a data object, creating missing containers. */
export function setDataPath(data: Record<string, unknown>, path: string, value: unknown): void {
  const segs = parseDataPath(path);
  if (segs.length === 0) return;
  let cur: Record<string | number, unknown> = data;
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i]!;
    let next = cur[s];
    if (!isObject(next)) {
      next = typeof segs[i + 1] === 'number' ? [] : {};
      cur[s] = next;
    }
    cur = next as Record<string | number, unknown>;
  }
  cur[segs[segs.length - 1]!] = value;
}

/** A microtask, independent of (fake) timers. */
export function microtask(fn: () => void): void {
  void Promise.resolve().then(fn);
}

/** A macrotask through the *current* global setTimeout, so fake timers govern it. */
export function later(fn: () => void, ms = 0): void {
  globalThis.setTimeout(fn, ms);
}
