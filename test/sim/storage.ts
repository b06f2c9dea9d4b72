/**
 * Local storage of the simulated mini-program (wx.*Storage*), shared by every process a
 * runtime starts: it survives `p.kill()` like the real on-disk storage.
 *
 * Documented behaviour followed here (WeChat docs, wx.setStorage / wx.setStorageSync /
 * wx.getStorageSync / wx.getStorageInfo, "数据缓存"):
 * - set overwrites the key; data may be any native type, Date, or anything JSON.stringify
 *   can serialise (stored as a JSON copy: later mutation of the original does not leak in,
 *   functions/undefined members vanish; a top-level Date comes back as a Date).
 * - "单个 key 允许存储的最大数据长度为 1MB，所有数据存储上限为 10MB".
 *   Size here = UTF-8 bytes of key + bytes of the JSON text of the value. WeChat does not say how
 *   the "数据长度" is measured (wx.setStorageSync API page, D/framework/ability/storage.html):
 *   `measure: 'utf16'` counts 2 bytes a UTF-16 unit instead, the other plausible reading (a JS
 *   engine's string size); tests of the per-key limit run both.
 *   Over the per-key limit:  "<api>:fail exceed storage item max length";
 *   over the total limit:    "<api>:fail exceed storage max size 10Mb"
 *   (texts as reported by the WeChat clients). The previous value stays.
 * - Sync APIs report failure by throwing an Error whose message is the errMsg
 *   (hence the documented `try { wx.setStorageSync(...) } catch (e) {}`).
 * - getStorageSync of a missing key returns '' ; getStorage of a missing key fails with
 *   "getStorage:fail data not found".
 * - getStorageInfo(Sync) returns { keys, currentSize, limitSize } with sizes in KB.
 * - Async variants answer on a later macrotask (here: the global setTimeout(0), so fake
 *   timers govern them) and support the Promise style. Their effect is applied when that
 *   macrotask runs; if the process dies before, the call is lost.
 */
import type { Callbacks, ErrMsgResult } from './types';
import { completion, later, typeName, type ApiHost } from './util';

export const ONE_MB = 1024 * 1024;

export interface StorageLimits {
  keyLimitBytes?: number;
  totalLimitBytes?: number;
  /** How sizes are measured (undocumented by WeChat, see the header): UTF-8 bytes (default) or 2 bytes a UTF-16 unit. */
  measure?: 'utf8' | 'utf16';
}

export interface StorageCounters {
  /** calls of *Sync storage APIs by live processes */
  syncCalls: number;
  /** calls of async storage APIs by live processes */
  asyncCalls: number;
  /** setStorage + setStorageSync calls (attempts, successful or not) */
  setCalls: number;
  /** bytes (key + JSON value) of successful writes */
  bytesWritten: number;
  /** calls made through the wx of a killed process (they do nothing) */
  deadCalls: number;
  /** calls per API name, e.g. perApi.setStorageSync */
  perApi: Record<string, number>;
}

export interface StorageCall {
  api: string;
  key: string | undefined;
  sync: boolean;
}

export type StorageFaultPredicate = (op: string, key: string | undefined) => boolean | string;

type Entry =
  | { kind: 'json'; json: string; type: 'value' | 'date' | 'undefined'; size: number }
  | { kind: 'raw'; value: unknown; size: number };

type JsonEntry = Extract<Entry, { kind: 'json' }>;

function utf8(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function emptyCounters(): StorageCounters {
  return { syncCalls: 0, asyncCalls: 0, setCalls: 0, bytesWritten: 0, deadCalls: 0, perApi: {} };
}

type WriteResult = { ok: true } | { ok: false; reason: string };

export class SimStorage {
  readonly keyLimitBytes: number;
  readonly totalLimitBytes: number;
  readonly measure: 'utf8' | 'utf16';
  counters: StorageCounters = emptyCounters();

  private entries = new Map<string, Entry>();
  private failNext = 0;
  private failNextReason: string | undefined;
  private faultPred: StorageFaultPredicate | null = null;
  private listeners = new Set<(call: StorageCall) => void>();

  constructor(limits: StorageLimits = {}) {
    this.keyLimitBytes = limits.keyLimitBytes ?? ONE_MB;
    this.totalLimitBytes = limits.totalLimitBytes ?? 10 * ONE_MB;
    this.measure = limits.measure ?? 'utf8';
  }

  /** Size of a text as this storage measures it. */
  bytes(s: string): number {
    return this.measure === 'utf16' ? s.length * 2 : utf8(s);
  }

  resetCounters(): void {
    this.counters = emptyCounters();
  }

  /** Every storage call of a live process is told here, before it runs. */
  onCall(listener: (call: StorageCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next `n` set operations fail (quota error unless `errMsg` says otherwise). */
  failWrites(n: number, errMsg?: string): void {
    this.failNext = n;
    this.failNextReason = errMsg;
  }

  /**
   * Fault injection for any storage op: `pred(apiName, key)` returning true (or an error
   * text) makes that call fail. `null` removes it.
   */
  failWhen(pred: StorageFaultPredicate | null): void {
    this.faultPred = pred;
  }

  /** Puts a raw value at `key`, bypassing JSON (e.g. a truncated string). */
  corrupt(key: string, rawValue: unknown): void {
    let size: number;
    try {
      size = this.bytes(key) + this.bytes(typeof rawValue === 'string' ? rawValue : (JSON.stringify(rawValue) ?? ''));
    } catch {
      size = this.bytes(key);
    }
    this.entries.set(key, { kind: 'raw', value: rawValue, size });
  }

  /** Test helper: writes a value without counting it and without limits. */
  seed(key: string, value: unknown): void {
    const e = this.encode(value);
    if (typeof e === 'string') throw new Error(e);
    this.entries.set(key, { ...e, size: this.bytes(key) + e.size });
  }

  /** Test helper: reads a value without counting it ('' when missing, like getStorageSync). */
  peek(key: string): unknown {
    const e = this.entries.get(key);
    return e === undefined ? '' : this.decode(e);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** All keys with (copies of) their values. */
  dump(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, e] of this.entries) out[k] = this.decode(e);
    return out;
  }

  bytesUsed(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.size;
    return n;
  }

  /** Test helper: wipes everything (not counted). */
  wipe(): void {
    this.entries.clear();
  }

  // ---- used by the wx API ------------------------------------------------------------

  /** @internal counts and announces a call; returns false for a dead process */
  _record(api: string, key: string | undefined, sync: boolean, alive: boolean): boolean {
    if (!alive) {
      this.counters.deadCalls++;
      return false;
    }
    const c = this.counters;
    if (sync) c.syncCalls++;
    else c.asyncCalls++;
    if (api === 'setStorage' || api === 'setStorageSync') c.setCalls++;
    c.perApi[api] = (c.perApi[api] ?? 0) + 1;
    for (const l of [...this.listeners]) l({ api, key, sync });
    return true;
  }

  /** @internal injected fault for this op, as an errMsg reason, or undefined */
  _fault(api: string, key: string | undefined): string | undefined {
    const isWrite = api === 'setStorage' || api === 'setStorageSync';
    if (isWrite && this.failNext > 0) {
      this.failNext--;
      return this.failNextReason ?? 'exceed storage max size 10Mb';
    }
    if (this.faultPred) {
      const r = this.faultPred(api, key);
      if (r === true) return isWrite ? 'exceed storage max size 10Mb' : 'injected fault';
      if (typeof r === 'string' && r) return r;
    }
    return undefined;
  }

  /** @internal */
  _write(key: string, value: unknown): WriteResult {
    const e = this.encode(value);
    if (typeof e === 'string') return { ok: false, reason: e };
    const size = this.bytes(key) + e.size;
    if (size > this.keyLimitBytes) return { ok: false, reason: 'exceed storage item max length' };
    const prev = this.entries.get(key);
    const total = this.bytesUsed() - (prev?.size ?? 0) + size;
    if (total > this.totalLimitBytes) return { ok: false, reason: 'exceed storage max size 10Mb' };
    this.entries.set(key, { ...e, size });
    this.counters.bytesWritten += size;
    return { ok: true };
  }

  /** @internal */
  _read(key: string): { found: boolean; value: unknown } {
    const e = this.entries.get(key);
    return e === undefined ? { found: false, value: '' } : { found: true, value: this.decode(e) };
  }

  /** @internal */
  _remove(key: string): void {
    this.entries.delete(key);
  }

  /** @internal */
  _info(): { keys: string[]; currentSize: number; limitSize: number } {
    return {
      keys: this.keys(),
      currentSize: Math.ceil(this.bytesUsed() / 1024),
      limitSize: Math.floor(this.totalLimitBytes / 1024),
    };
  }

  private encode(value: unknown): JsonEntry | string {
    if (value === undefined) return { kind: 'json', json: '', type: 'undefined', size: 0 };
    if (value instanceof Date) {
      const json = JSON.stringify(value.toISOString());
      return { kind: 'json', json, type: 'date', size: this.bytes(json) };
    }
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (err) {
      return `parameter error: data could not be serialized (${(err as Error).message})`;
    }
    if (json === undefined) return `parameter error: data of type ${typeName(value)} can not be stored`;
    return { kind: 'json', json, type: 'value', size: this.bytes(json) };
  }

  private decode(e: Entry): unknown {
    if (e.kind === 'raw') return e.value;
    if (e.type === 'undefined') return undefined;
    const v: unknown = JSON.parse(e.json);
    return e.type === 'date' ? new Date(v as string) : v;
  }
}

/** Error thrown by failing *Sync storage APIs: message === errMsg, as in WeChat. */
export class WxSyncError extends Error {
  readonly errMsg: string;
  constructor(errMsg: string) {
    super(errMsg);
    this.name = 'Error';
    this.errMsg = errMsg;
  }
}

export interface StorageApi {
  setStorageSync(key: string, data: unknown): void;
  getStorageSync(key: string): unknown;
  removeStorageSync(key: string): void;
  clearStorageSync(): void;
  getStorageInfoSync(): { keys: string[]; currentSize: number; limitSize: number };
  setStorage(opts: { key: string; data: unknown; encrypt?: boolean } & Callbacks): Promise<ErrMsgResult> | void;
  getStorage(opts: { key: string; encrypt?: boolean } & Callbacks): Promise<ErrMsgResult> | void;
  removeStorage(opts: { key: string } & Callbacks): Promise<ErrMsgResult> | void;
  clearStorage(opts?: Callbacks): Promise<ErrMsgResult> | void;
  getStorageInfo(opts?: Callbacks): Promise<ErrMsgResult> | void;
}

function keyError(api: string, key: unknown): string | undefined {
  if (typeof key === 'string') return undefined;
  return `${api}:fail parameter error: parameter.key should be String instead of ${typeName(key)};`;
}

export function createStorageApi(storage: SimStorage, host: ApiHost): StorageApi {
  const rec = (api: string, key: unknown, sync: boolean): boolean =>
    storage._record(api, typeof key === 'string' ? key : undefined, sync, host.alive);

  const syncFail = (msg: string): never => {
    throw new WxSyncError(msg);
  };

  function runAsync(
    api: string,
    key: unknown,
    opts: Callbacks | undefined,
    op: () => ErrMsgResult | string,
  ): Promise<ErrMsgResult> | void {
    const c = completion(host, api, opts);
    if (!rec(api, key, false)) return c.promise;
    later(() => {
      if (!host.alive) return;
      const kErr = keyError(api, key);
      if (kErr !== undefined && api !== 'clearStorage' && api !== 'getStorageInfo') {
        c.done(false, { errMsg: kErr });
        return;
      }
      const fault = storage._fault(api, typeof key === 'string' ? key : undefined);
      if (fault !== undefined) {
        c.done(false, { errMsg: `${api}:fail ${fault}` });
        return;
      }
      const r = op();
      if (typeof r === 'string') c.done(false, { errMsg: `${api}:fail ${r}` });
      else c.done(true, r);
    });
    return c.promise;
  }

  function checkSync(api: string, key: unknown, needsKey: boolean): void {
    if (needsKey) {
      const kErr = keyError(api, key);
      if (kErr !== undefined) syncFail(kErr);
    }
    const fault = storage._fault(api, typeof key === 'string' ? key : undefined);
    if (fault !== undefined) syncFail(`${api}:fail ${fault}`);
  }

  return {
    setStorageSync(key, data) {
      if (!rec('setStorageSync', key, true)) return;
      checkSync('setStorageSync', key, true);
      const r = storage._write(key, data);
      if (!r.ok) syncFail(`setStorageSync:fail ${r.reason}`);
    },
    getStorageSync(key) {
      if (!rec('getStorageSync', key, true)) return '';
      checkSync('getStorageSync', key, true);
      return storage._read(key).value;
    },
    removeStorageSync(key) {
      if (!rec('removeStorageSync', key, true)) return;
      checkSync('removeStorageSync', key, true);
      storage._remove(key);
    },
    clearStorageSync() {
      if (!rec('clearStorageSync', undefined, true)) return;
      checkSync('clearStorageSync', undefined, false);
      storage.wipe();
    },
    getStorageInfoSync() {
      // a dead process answers an empty, harmless object so stray SDK timers do not crash
      if (!rec('getStorageInfoSync', undefined, true)) return { keys: [], currentSize: 0, limitSize: storage._info().limitSize };
      checkSync('getStorageInfoSync', undefined, false);
      return storage._info();
    },
    setStorage(opts) {
      return runAsync('setStorage', opts?.key, opts, () => {
        const r = storage._write(opts.key, opts.data);
        return r.ok ? { errMsg: 'setStorage:ok' } : r.reason;
      });
    },
    getStorage(opts) {
      return runAsync('getStorage', opts?.key, opts, () => {
        const r = storage._read(opts.key);
        return r.found ? { data: r.value, errMsg: 'getStorage:ok' } : 'data not found';
      });
    },
    removeStorage(opts) {
      return runAsync('removeStorage', opts?.key, opts, () => {
        storage._remove(opts.key);
        return { errMsg: 'removeStorage:ok' };
      });
    },
    clearStorage(opts) {
      return runAsync('clearStorage', undefined, opts, () => {
        storage.wipe();
        return { errMsg: 'clearStorage:ok' };
      });
    },
    getStorageInfo(opts) {
      return runAsync('getStorageInfo', undefined, opts, () => ({ ...storage._info(), errMsg: 'getStorageInfo:ok' }));
    },
  };
}
