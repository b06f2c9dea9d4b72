/**
 * createRuntime(): the simulated phone + WeChat client for one mini-program. It owns what
 * outlives a process (storage, network state, request counters, device) and starts
 * processes (`rt.start()`), one live process at a time.
 *
 * Documented behaviour followed here (WeChat docs "小程序运行机制"): a mini-program runs in
 * one process at a time; a cold start after the process was destroyed begins from scratch
 * (new JS context: App and page files run again) while local storage persists. Starting
 * a new process while one is alive destroys the old one first (as the client does on a
 * cold restart).
 * appConfig mirrors app.json: `pages` (routes without leading slash, the first is the home
 * page) and `tabBar.list[]` ({ pagePath, text }).
 */
import { resolveDevice, type AccountOptions, type DeviceOptions, type DeviceProfile } from './device';
import type { NativeFlowOptions } from './native-flows';
import { SimNetwork } from './network';
import { SimProcess } from './process';
import { RequestStats } from './request';
import { SimStorage, type StorageLimits } from './storage';
import { SINGLE_PAGE_SCENE, type IndependentOptions, type SinglePageApis } from './subpackages';
import type { AppConfig, NetworkType, StartOptions } from './types';

export interface RuntimeOptions {
  appConfig?: AppConfig;
  storage?: StorageLimits;
  device?: DeviceOptions;
  appId?: string;
  /** wx.getAccountInfoSync().miniProgram.{envVersion, version} */
  account?: AccountOptions;
  /** initial network state (default online, wifi) */
  network?: { online?: boolean; type?: NetworkType };
  /** background time after which requests are interrupted; null = never (default 5000) */
  suspendAfterHideMs?: number | null;
  /** print errors caught from app/page code to the console (default true) */
  printErrors?: boolean;
  /** how wx.previewImage, requestPayment… hide and show the app (native-flows.ts) */
  nativeFlows?: NativeFlowOptions;
  /** where the independent-subpackage docs are silent (subpackages.ts) */
  independent?: IndependentOptions;
  /** how the APIs Moments single-page mode disables behave (subpackages.ts; default 'fail') */
  singlePageApis?: SinglePageApis;
}

export interface Runtime {
  readonly storage: SimStorage;
  /** the storage of Moments single-page mode (scene 1154), not shared with the normal one (subpackages.ts) */
  readonly singlePageStorage: SimStorage;
  readonly network: SimNetwork;
  /** counters and log of wx.request across processes */
  readonly requests: RequestStats;
  readonly device: DeviceProfile;
  readonly appId: string;
  readonly appConfig: AppConfig | undefined;
  /** the live process, if any */
  readonly current: SimProcess | undefined;
  /** every process started so far */
  readonly processes: readonly SimProcess[];
  /** boots a new process (killing the live one): installs globals, does not launch yet */
  start(opts?: StartOptions): SimProcess;
  /** kills everything, restores globals, closes sockets */
  dispose(): void;
}

const liveRuntimes = new Set<Runtime>();

/** Disposes every runtime not yet disposed (handy in afterEach). */
export function disposeAllRuntimes(): void {
  for (const rt of [...liveRuntimes].reverse()) rt.dispose();
}

export function createRuntime(opts: RuntimeOptions = {}): Runtime {
  const storage = new SimStorage(opts.storage);
  const singlePageStorage = new SimStorage(opts.storage);
  const network = new SimNetwork(opts.network);
  const requests = new RequestStats();
  const device = resolveDevice(opts.device);
  const appId = opts.appId ?? 'wx0000000000000000';
  const processes: SimProcess[] = [];
  let current: SimProcess | undefined;
  let disposed = false;

  const rt: Runtime = {
    storage,
    singlePageStorage,
    network,
    requests,
    device,
    appId,
    appConfig: opts.appConfig,
    get current() {
      return current;
    },
    get processes() {
      return processes;
    },
    start(startOpts: StartOptions = {}) {
      if (disposed) throw new Error('runtime was disposed');
      current?.kill();
      const p = new SimProcess(
        {
          storage: startOpts.scene === SINGLE_PAGE_SCENE ? singlePageStorage : storage,
          network,
          requests,
          device,
          appId,
          account: opts.account ?? {},
          appConfig: opts.appConfig,
          suspendAfterHideMs: opts.suspendAfterHideMs === undefined ? 5000 : opts.suspendAfterHideMs,
          printErrors: opts.printErrors ?? true,
          nativeFlows: opts.nativeFlows,
          independent: opts.independent ?? {},
          singlePageApis: opts.singlePageApis ?? 'fail',
          onDeath: (dead) => {
            if (current === dead) current = undefined;
          },
        },
        startOpts,
      );
      processes.push(p);
      current = p;
      return p;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      // kill in reverse start order so the globals unwind to what was there before
      for (const p of [...processes].reverse()) p.kill();
      liveRuntimes.delete(rt);
    },
  };
  liveRuntimes.add(rt);
  return rt;
}
