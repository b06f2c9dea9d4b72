/**
 * wx.request of the simulator: a real HTTP request through Node's `http` module (tests point
 * it at 127.0.0.1 servers), with WeChat's callback shapes and errMsg texts.
 *
 * Documented behaviour followed here (WeChat docs, wx.request and "网络 > 使用说明"):
 * - Options url, data, header, timeout, method (default GET), dataType (default 'json':
 *   "会对返回的数据做一次 JSON.parse", keeping the text when that fails), responseType
 *   ('text' | 'arraybuffer'), success/fail/complete. Returns a RequestTask with abort(),
 *   onHeadersReceived()/offHeadersReceived(). No Promise style.
 * - header content-type defaults to 'application/json'. Data that is not a string is
 *   JSON-serialised for application/json, turned into a query string for
 *   application/x-www-form-urlencoded, and for GET appended to the URL as a query string.
 * - success receives `{ data, statusCode, header, cookies, errMsg: 'request:ok' }` for ANY
 *   status code ("只要成功接收到服务器返回，无论 statusCode 是多少，都会进入 success 回调").
 * - fail receives `{ errMsg: 'request:fail ...' }`: 'request:fail timeout' when the timeout
 *   (default 60000 ms) elapses, 'request:fail abort' after task.abort(), Chromium-style
 *   texts as Android clients report them for socket errors
 *   ('request:fail -101:net::ERR_CONNECTION_RESET', '-102:net::ERR_CONNECTION_REFUSED',
 *   '-106:net::ERR_INTERNET_DISCONNECTED' when the phone is offline).
 * - Referer is not settable and is 'https://servicewechat.com/{appid}/{version}/page-frame.html'
 *   (version 0 = development build).
 * - At most 10 wx.request run at once; further ones wait for a free slot.
 * - "小程序进入后台运行后，如果 5s 内网络请求没有结束，会回调错误信息 fail interrupted；在回到前台
 *   之前，网络请求接口调用都会无法调用" — the process applies this (see process.ts), using the
 *   errMsg 'request:fail interrupted' for running requests and WeChat's
 *   'request:fail createRequestTask:fail: jsapi has no permission, ... runningState=suspend ...'
 *   for calls made while suspended.
 * The timeout uses the *global* setTimeout at call time, so vitest fake timers govern it.
 * Keep-alive is off (fresh agent per request, `Connection: close`), so nothing lingers.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Callbacks, ErrMsgResult } from './types';
import { completion, guarded, isObject, microtask, type ApiHost } from './util';

export interface RequestOptions {
  url: string;
  method?: string;
  data?: unknown;
  header?: Record<string, unknown>;
  timeout?: number;
  dataType?: string;
  responseType?: 'text' | 'arraybuffer';
  success?: (res: RequestSuccess) => void;
  fail?: (res: ErrMsgResult) => void;
  complete?: (res: RequestSuccess | ErrMsgResult) => void;
  [k: string]: unknown;
}

export interface RequestSuccess extends ErrMsgResult {
  data: unknown;
  statusCode: number;
  header: Record<string, string>;
  cookies: string[];
}

export interface HeadersReceived {
  header: Record<string, string>;
  statusCode: number;
  cookies: string[];
}

export interface RequestTask {
  abort(): void;
  onHeadersReceived(cb: (res: HeadersReceived) => void): void;
  offHeadersReceived(cb?: (res: HeadersReceived) => void): void;
}

export interface RequestRecord {
  url: string;
  method: string;
  /** body text actually sent (undefined for none) */
  body: string | undefined;
  statusCode?: number;
  errMsg?: string;
}

/** Counters of wx.request across all processes of one runtime (rt.requests). */
export class RequestStats {
  /** wx.request calls by live processes */
  calls = 0;
  /** requests actually put on the wire */
  sent = 0;
  succeeded = 0;
  failed = 0;
  aborted = 0;
  /** wx.request calls through the wx of a dead process (ignored) */
  deadCalls = 0;
  inFlight = 0;
  log: RequestRecord[] = [];
  /**
   * The request domain list of the admin console, as 'host' or 'host:port'; null (the default) checks
   * nothing, like DevTools with "不校验合法域名" or a phone in debug mode. See ERR_DOMAIN.
   */
  requestDomains: string[] | null = null;
  reset(): void {
    this.calls = this.sent = this.succeeded = this.failed = this.aborted = this.deadCalls = 0;
    this.log = [];
  }
}

// ---- process-wide bookkeeping used by test/support/clock.ts --------------------------

let pendingGlobal = 0;
const stallSources = new Set<() => number>();

/** Simulator requests not yet settled (all runtimes). */
export function pendingRequests(): number {
  return pendingGlobal;
}

/**
 * A test server that deliberately leaves requests unanswered registers how many it is
 * holding, so the fake clock may run ahead while those wait for their timeout.
 */
export function registerStallSource(count: () => number): () => void {
  stallSources.add(count);
  return () => stallSources.delete(count);
}

/** Pending simulator requests that are expected to be answered soon (not stalled on purpose). */
export function unansweredRequests(): number {
  let stalled = 0;
  for (const s of stallSources) stalled += s();
  return Math.max(0, pendingGlobal - stalled);
}

// ---- the engine ----------------------------------------------------------------------

export interface RequestHost extends ApiHost {
  readonly appId: string;
  readonly online: boolean;
  /** errMsg for new requests while the process is suspended in background, else undefined */
  readonly suspendedErrMsg: string | undefined;
}

export const ERR_OFFLINE = 'request:fail -106:net::ERR_INTERNET_DISCONNECTED';
/**
 * A URL that is not https or whose host is not in the request domain list: "域名只支持 https … 协议",
 * "小程序只可以跟指定的域名进行网络通信"; the check is skipped only in DevTools with its option and on
 * a phone in debug mode (D/framework/ability/network.html, "跳过域名校验"). The errMsg is not in the
 * docs; developers report it with errno 600002, bare or followed by ':<host>' (developers.weixin.qq.com
 * community threads 0000aea47548982fc332cf6bd6b400 and 0004e01eae0f302825519a59661800): the bare one here.
 * Not modelled: LAN IPs (allowed from base library 2.4.0) and the rule that a URL may carry a port only
 * when the listed domain has it.
 */
export const ERR_DOMAIN = 'request:fail url not in domain list';
export const ERR_INTERRUPTED = 'request:fail interrupted';
export const ERR_SUSPENDED =
  'request:fail createRequestTask:fail: jsapi has no permission, event=createRequestTask, runningState=suspend, permissionMsg=permission ok, detail=network api interrupted in suspend state';

const MAX_CONCURRENT = 10;

interface Pending {
  fail(errMsg: string, aborted?: boolean): void;
  /** settle without callbacks (process died) */
  drop(): void;
}

function socketErrMsg(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return 'request:fail -101:net::ERR_CONNECTION_RESET';
    case 'ECONNREFUSED':
      return 'request:fail -102:net::ERR_CONNECTION_REFUSED';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'request:fail -105:net::ERR_NAME_NOT_RESOLVED';
    default:
      if (/socket hang up/i.test(err.message)) return 'request:fail -101:net::ERR_CONNECTION_RESET';
      return `request:fail ${err.message}`;
  }
}

function toQueryString(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(isObject(v) ? JSON.stringify(v) : String(v))}`)
    .join('&');
}

function responseHeaders(res: http.IncomingMessage): { header: Record<string, string>; cookies: string[] } {
  const header: Record<string, string> = {};
  const cookies: string[] = [];
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i]!;
    const v = raw[i + 1]!;
    if (k.toLowerCase() === 'set-cookie') cookies.push(v);
    header[k] = header[k] === undefined ? v : `${header[k]},${v}`;
  }
  return { header, cookies };
}

export class RequestEngine {
  private pending = new Set<Pending>();
  private active = 0;
  private queue: (() => void)[] = [];

  constructor(
    private host: RequestHost,
    private stats: RequestStats,
  ) {}

  get inFlight(): number {
    return this.pending.size;
  }

  /** Fails every unsettled request with `errMsg` (offline, background interruption). */
  failAll(errMsg: string): void {
    for (const p of [...this.pending]) p.fail(errMsg);
  }

  /** The process died: sockets are destroyed, no callback will ever run. */
  dropAll(): void {
    for (const p of [...this.pending]) p.drop();
    this.queue = [];
  }

  request(opts: RequestOptions): RequestTask {
    const headerListeners: ((r: HeadersReceived) => void)[] = [];
    let pending: Pending | undefined;
    const task: RequestTask = {
      abort: () => pending?.fail('request:fail abort', true),
      onHeadersReceived: (cb) => {
        if (typeof cb === 'function') headerListeners.push(cb);
      },
      offHeadersReceived: (cb) => {
        if (cb === undefined) headerListeners.length = 0;
        else if (headerListeners.indexOf(cb) >= 0) headerListeners.splice(headerListeners.indexOf(cb), 1);
      },
    };
    if (!this.host.alive) {
      this.stats.deadCalls++;
      return task;
    }
    this.stats.calls++;
    const host = this.host;
    const stats = this.stats;
    // wx.request has no Promise style: always callback mode
    const callbacks = {
      success: typeof opts?.success === 'function' ? opts.success : () => undefined,
      fail: opts?.fail,
      complete: opts?.complete,
    } as unknown as Callbacks;
    const c = completion(host, 'request', callbacks);

    const method = String(opts?.method ?? 'GET').toUpperCase();
    const record: RequestRecord = { url: String(opts?.url), method, body: undefined };
    stats.log.push(record);

    let settled = false;
    let req: http.ClientRequest | undefined;
    let timer: unknown;
    const clearTimer = globalThis.clearTimeout;
    let dispatched = false;
    let start: (() => void) | undefined;

    const settle = (ok: boolean, res: ErrMsgResult, kind: 'ok' | 'fail' | 'abort' | 'drop'): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimer(timer as ReturnType<typeof setTimeout>);
      this.pending.delete(pending!);
      pendingGlobal--;
      stats.inFlight--;
      if (dispatched) {
        this.active--;
        const next = this.queue.shift();
        if (next) next();
      } else if (start !== undefined) {
        const i = this.queue.indexOf(start);
        if (i >= 0) this.queue.splice(i, 1);
      }
      if (kind === 'ok') {
        stats.succeeded++;
        record.statusCode = (res as RequestSuccess).statusCode;
      } else if (kind === 'abort') stats.aborted++;
      else if (kind === 'fail') stats.failed++;
      record.errMsg = res.errMsg;
      if (kind !== 'drop') c.done(ok, res);
    };
    const destroy = (): void => {
      if (req && !req.destroyed) req.destroy();
    };
    pending = {
      fail: (errMsg, aborted) => {
        settle(false, { errMsg }, aborted ? 'abort' : 'fail');
        destroy();
      },
      drop: () => {
        settle(false, { errMsg: 'request:fail process killed' }, 'drop');
        destroy();
      },
    };
    this.pending.add(pending);
    pendingGlobal++;
    stats.inFlight++;

    const failSoon = (errMsg: string): RequestTask => {
      microtask(() => pending!.fail(errMsg));
      return task;
    };

    if (!host.online) return failSoon(ERR_OFFLINE);
    if (host.suspendedErrMsg !== undefined) return failSoon(host.suspendedErrMsg);

    let url: URL;
    try {
      url = new URL(String(opts.url));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    } catch {
      return failSoon(`request:fail invalid url "${String(opts?.url)}"`);
    }
    const domains = stats.requestDomains;
    if (domains && (url.protocol !== 'https:' || !domains.includes(url.host))) return failSoon(ERR_DOMAIN);

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.header ?? {})) {
      if (k.toLowerCase() === 'referer') continue; // not settable in WeChat
      headers[k] = String(v);
    }
    const ctKey = Object.keys(headers).find((k) => k.toLowerCase() === 'content-type');
    if (ctKey === undefined) headers['content-type'] = 'application/json';
    const contentType = headers[ctKey ?? 'content-type']!.toLowerCase();

    let body: Buffer | undefined;
    const data = opts.data;
    if (data !== undefined && data !== null) {
      if (method === 'GET' || method === 'HEAD') {
        const qs = typeof data === 'string' ? data : isObject(data) ? toQueryString(data) : String(data);
        if (qs) url.search = url.search ? `${url.search}&${qs}` : `?${qs}`;
      } else if (typeof data === 'string') {
        body = Buffer.from(data, 'utf8');
      } else if (data instanceof ArrayBuffer) {
        body = Buffer.from(data);
      } else if (ArrayBuffer.isView(data)) {
        body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      } else if (contentType.includes('application/x-www-form-urlencoded') && isObject(data)) {
        body = Buffer.from(toQueryString(data), 'utf8');
      } else {
        body = Buffer.from(JSON.stringify(data) ?? '', 'utf8');
      }
    }
    record.url = url.toString();
    record.body = body?.toString('utf8');
    headers['Referer'] = `https://servicewechat.com/${host.appId}/0/page-frame.html`;
    headers['Connection'] = 'close';
    if (body !== undefined) headers['Content-Length'] = String(body.length);

    const timeoutMs = typeof opts.timeout === 'number' && opts.timeout > 0 ? opts.timeout : 60000;
    timer = globalThis.setTimeout(() => pending!.fail('request:fail timeout'), timeoutMs);

    const responseType = opts.responseType;
    const dataType = opts.dataType ?? 'json';

    start = (): void => {
      if (settled) return;
      dispatched = true;
      this.active++;
      stats.sent++;
      const mod = url.protocol === 'https:' ? https : http;
      const r = mod.request(url, { method, headers, agent: false });
      req = r;
      r.on('error', (err: NodeJS.ErrnoException) => pending!.fail(socketErrMsg(err)));
      r.on('response', (res) => {
        const { header, cookies } = responseHeaders(res);
        const statusCode = res.statusCode ?? 0;
        if (!settled && host.alive) {
          for (const l of [...headerListeners]) {
            guarded(host, 'RequestTask.onHeadersReceived', () => l({ header: { ...header }, statusCode, cookies: [...cookies] }));
          }
        }
        const chunks: Buffer[] = [];
        res.on('data', (ch: Buffer) => chunks.push(ch));
        res.on('error', (err: NodeJS.ErrnoException) => pending!.fail(socketErrMsg(err)));
        res.on('close', () => {
          if (!res.complete) pending!.fail('request:fail -101:net::ERR_CONNECTION_RESET');
        });
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          let out: unknown;
          if (responseType === 'arraybuffer') {
            out = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
          } else {
            let text = buf.toString('utf8');
            if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
            out = text;
            if (dataType === 'json') {
              try {
                out = JSON.parse(text);
              } catch {
                out = text;
              }
            }
          }
          const success: RequestSuccess = { data: out, statusCode, header, cookies, errMsg: 'request:ok' };
          settle(true, success, 'ok');
        });
      });
      r.end(body);
    };

    if (this.active < MAX_CONCURRENT) start();
    else this.queue.push(start);
    return task;
  }
}
