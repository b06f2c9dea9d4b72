/**
 * The three SDKs as an app ships them, loaded into one simulated process at a time.
 *
 * Each copy is evaluated from its (minified) file text in a module wrapper, the way WeChat's
 * runtime wraps every file: `wx` is the process's own wx, and the timers are the process's own, so
 * that killing the process stops every timer of that copy (in WeChat a killed process has no JS
 * left running). App, Page, Component, getCurrentPages stay globals: the SDKs replace the global
 * constructors, and the app code must see their wrappers. A restart evaluates a fresh copy, since
 * every one of these SDKs keeps module state.
 */
import type { SimProcess } from '../test/sim';

export interface Copy {
  /** the SDK's own tracking call */
  track(name: string, props: Record<string, unknown>): void;
  /** anything the copy needs once the app launched (e.g. exposure registration) */
  afterLaunch?(): void;
  /** Stops every timer of this copy (the process is gone). */
  stop(): void;
  /** Real ms the SDK's init call took (its own init, not the evaluation of its file). */
  initMs: number;
}

export interface BootOptions {
  /** collector endpoint, http://127.0.0.1:port/collect */
  url: string;
  batch: number;
  intervalMs: number;
}

/** Runs an SDK's init call and times it (real ms). */
function timed(init: () => void): number {
  const t0 = performance.now();
  init();
  return performance.now() - t0;
}

/** One delivered event as the bench counts it: the key the bench put in its properties, and the SDK's event id. */
export interface Delivered {
  k?: string;
  id?: string;
  seq?: number;
  name: string;
}

export interface SdkSpec {
  name: string;
  /** files an app ships for page views, taps, exposure and batched sending */
  files: string[];
  /** how the files are counted, for BENCHMARKS.md */
  counted: string;
  /** how it was configured, for BENCHMARKS.md */
  config: string;
  /** class an element needs for exposure, and its dataset for a slot */
  exposure: { className: string; dataset(i: number): Record<string, unknown> };
  boot(proc: SimProcess, code: string[], o: BootOptions): Copy;
  /** events in a request body; undefined when the request carries none (e.g. an id request) */
  decode(path: string, raw: string): Delivered[] | undefined;
  /** answers of the vendor's own endpoints other than event upload */
  answer?(path: string): { status: number; body: unknown } | undefined;
}

interface Timers {
  setTimeout: typeof setTimeout;
  clearTimeout: typeof clearTimeout;
  setInterval: typeof setInterval;
  clearInterval: typeof clearInterval;
  stop(): void;
}

/** Timers that belong to one process: they delegate to the current (fake) global timers and all stop on kill. */
export function scopedTimers(): Timers {
  const live = new Set<ReturnType<typeof setTimeout>>();
  let alive = true;
  const g = globalThis;
  const st = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const h = g.setTimeout(() => {
      live.delete(h);
      if (alive && typeof fn == 'function') fn(...args);
    }, ms);
    live.add(h);
    return h;
  }) as unknown as typeof setTimeout;
  const si = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const h = g.setInterval(() => alive && typeof fn == 'function' && fn(...args), ms);
    live.add(h);
    return h;
  }) as unknown as typeof setInterval;
  const clear = (h: ReturnType<typeof setTimeout> | undefined) => {
    if (h === undefined) return;
    live.delete(h);
    g.clearTimeout(h);
  };
  return {
    setTimeout: st,
    clearTimeout: clear as typeof clearTimeout,
    setInterval: si,
    clearInterval: ((h: ReturnType<typeof setInterval>) => {
      live.delete(h);
      g.clearInterval(h);
    }) as typeof clearInterval,
    stop() {
      alive = false;
      for (const h of live) g.clearTimeout(h);
      live.clear();
    },
  };
}

/** Evaluates one CommonJS/UMD file with the process's wx and timers; returns module.exports. */
export function evaluate(code: string, wx: unknown, t: Timers): unknown {
  const module = { exports: {} as unknown };
  const fn = new Function('module', 'exports', 'require', 'wx', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', code);
  const req = (id: string) => {
    throw new Error('bench loader: unexpected require(' + id + ')');
  };
  fn.call(module.exports, module, module.exports, req, wx, t.setTimeout, t.clearTimeout, t.setInterval, t.clearInterval);
  return module.exports;
}

const nm = (p: string) => 'node_modules/' + p;

// ---- wetrack ----------------------------------------------------------------------------------

export const wetrack: SdkSpec = {
  name: 'wetrack',
  files: ['src/index.ts'],
  counted: 'src/index.ts bundled by rollup (core, transport, auto-capture, exposure) and minified with scripts/minify.mjs, as `npm run size` and the mini-program build do: one file',
  config: 'init({ serverUrl }): every option at its default (batches of up to 50 events and 60,000 bytes, a 5 s interval, saves within 200 ms); auto-capture and exposure on (defaults: 50% visible for 1 s)',
  exposure: { className: 'wt-exposure', dataset: (i) => ({ wtSlot: 'slot-' + i, wtPos: i }) },
  boot(proc, code, o) {
    const t = scopedTimers();
    const m = evaluate(code[0], proc.wx, t) as { default: { init(o: unknown): void; track(n: string, p: unknown): void } };
    const w = m.default;
    // At its defaults (issue 14: every row at default settings); the peers are set to batches of 20 and 5 s.
    const initMs = timed(() => w.init({ serverUrl: o.url }));
    return { track: (n, p) => w.track(n, p), stop: t.stop, initMs };
  },
  decode(_path, raw) {
    try {
      const body = JSON.parse(raw) as { events?: { id: string; seq: number; name: string; properties: { k?: string } }[] };
      if (!Array.isArray(body.events)) return undefined;
      return body.events.map((e) => ({ k: e.properties && e.properties.k, id: e.id, seq: e.seq, name: e.name }));
    } catch {
      return undefined;
    }
  },
};

// ---- Sensors Data (sa-sdk-miniprogram) ----------------------------------------------------------

const SA = 'sa-sdk-miniprogram/dist/wechat/';

/** Sensors' batch body: `data_list=` + URI-encoded base64 of the JSON array of events. */
function decodeSensors(raw: string): Delivered[] | undefined {
  const m = /(?:^|&)data_list=([^&]*)/.exec(raw);
  if (!m) return undefined;
  try {
    const json = Buffer.from(decodeURIComponent(m[1]), 'base64').toString('utf8');
    const list = JSON.parse(json) as { event?: string; _track_id?: number; properties?: { k?: string } }[];
    return list.map((e) => ({ k: e.properties && e.properties.k, id: String(e._track_id), name: String(e.event) }));
  } catch {
    return undefined;
  }
}

export const sensors: SdkSpec = {
  name: 'Sensors (sa-sdk-miniprogram 1.22.7)',
  files: [nm(SA + 'sensorsdata.cjs.js'), nm(SA + 'plugin/exposure/index.cmd.js')],
  counted: 'dist/wechat/sensorsdata.cjs.js (the package main: core, auto-track, batch sending) + dist/wechat/plugin/exposure/index.cmd.js, each minified with the same terser settings (without our property mangling) and gzipped',
  config:
    "usePlugin(exposure, { area_rate: 0.5, stay_duration: 1 }); init({ server_url, autoTrack: { pageShow, mpClick: true, pageLeave: true, ... }, batch_send: { max_length: 20, send_timeout: 5000 } }) (batch_send is the documented default, with its size and interval set to ours)",
  exposure: { className: 'sensors-exposure-track', dataset: (i) => ({ sensorsExposureEventName: 'exposure', sensorsExposurePropertyPos: String(i) }) },
  boot(proc, code, o) {
    const t = scopedTimers();
    const sa = evaluate(code[0], proc.wx, t) as {
      usePlugin(p: unknown, opts: unknown): void;
      init(o: unknown): void;
      track(n: string, p: unknown): void;
    };
    const exposure = evaluate(code[1], proc.wx, t);
    sa.usePlugin(exposure, { area_rate: 0.5, stay_duration: 1, repeated: false });
    const initMs = timed(() =>
      sa.init({
        name: 'sensors',
        server_url: o.url,
        show_log: false,
        autoTrack: { appLaunch: true, appShow: true, appHide: true, pageShow: true, pageShare: true, mpClick: true, mpFavorite: true, pageLeave: true },
        batch_send: { max_length: o.batch, send_timeout: o.intervalMs },
      }),
    );
    return { track: (n, p) => sa.track(n, p), stop: t.stop, initMs };
  },
  decode: (_path, raw) => decodeSensors(raw),
};

// ---- Volcengine DataRangers (@datarangers/sdk-mp) -----------------------------------------------

const DR = '@datarangers/sdk-mp/umd/';

export const datarangers: SdkSpec = {
  name: 'DataRangers (@datarangers/sdk-mp 2.15.1)',
  files: [nm(DR + 'wx.js'), nm(DR + 'plugin/auto.js'), nm(DR + 'plugin/exposure.js'), nm(DR + 'plugin/compensate.js')],
  counted:
    'umd/wx.js (the WeChat build: core, buffer, report) + umd/plugin/auto.js (page views, taps) + umd/plugin/exposure.js + umd/plugin/compensate.js (its storage cache of failed and unsent batches, `enable_cache`, on by default), each minified with the same terser settings and gzipped. The package main, index.umd.js, bundles every plugin but exposure',
  config:
    "SDK.usePlugin(auto | exposure | compensate); init({ app_id, channel_domain: <loopback>, auto_report: { pageShow, pageHide, click: true, ... }, enable_buffer: true, buffer_number: 20, buffer_interval: 5000, enable_exposure: true, exposure_config: { rate: 0.5, duration: 1 } }); send()",
  exposure: { className: 'logsdk-exposure', dataset: (i) => ({ logsdkExposureEventName: 'exposure', logsdkExposureEventPropertyPos: String(i) }) },
  boot(proc, code, o) {
    const t = scopedTimers();
    const SDK = evaluate(code[0], proc.wx, t) as { usePlugin(p: unknown): void; new (): { init(o: unknown): void; send(): void; event(n: string, p: unknown): void } };
    for (const c of code.slice(1)) SDK.usePlugin(evaluate(c, proc.wx, t));
    const sdk = new SDK();
    const initMs = timed(() => {
      sdk.init({
        app_id: 10000001,
        channel_domain: new URL(o.url).origin,
        log: false,
        auto_report: { appLaunch: true, appTerminate: true, pageShow: true, pageHide: true, pageShare: true, click: true },
        enable_buffer: true,
        buffer_number: o.batch,
        buffer_interval: o.intervalMs,
        enable_exposure: true,
        exposure_config: { rate: 0.5, duration: 1, bis: false },
      });
      sdk.send();
    });
    return { track: (n, p) => sdk.event(n, p), stop: t.stop, initMs };
  },
  decode(path, raw) {
    if (!/\/list\/?$/.test(path.split('?')[0])) return undefined;
    try {
      const body = JSON.parse(raw) as { events?: { event: string; params?: string; event_id?: number; local_time_ms?: number }[] }[];
      const out: Delivered[] = [];
      for (const item of body) {
        for (const e of item.events || []) {
          let p: { k?: string } = {};
          try {
            p = typeof e.params == 'string' ? JSON.parse(e.params) : e.params || {};
          } catch {
            p = {};
          }
          out.push({ k: p.k, id: String(e.event_id ?? ''), name: e.event });
        }
      }
      return out;
    } catch {
      return undefined;
    }
  },
  answer(path) {
    path = path.split('?')[0]!;
    if (/\/webid\/?$/.test(path)) return { status: 200, body: { e: 0, web_id: '7' + Math.floor(Math.random() * 1e15) } };
    if (/\/tobid\/?$/.test(path)) return { status: 200, body: { e: 0, tobid: 't' + Math.floor(Math.random() * 1e9) } };
    return undefined;
  },
};

export const ALL: SdkSpec[] = [wetrack, sensors, datarangers];
