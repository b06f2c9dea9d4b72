import { addAutocapture } from '../../src/autocapture/index';
import { createTracker } from '../../src/index';
import type { AutocaptureOptions } from '../../src/autocapture/options';
import { createWxPlatform } from '../../src/platform/wx';
import { createTrackerWith } from '../../src/tracker';
import type { Options, TrackedEvent } from '../../src/types';
import { createRuntime, mp, type Runtime, type RuntimeOptions, type SimProcess } from '../sim';

export const APP_CONFIG = {
  pages: ['pages/home/index', 'pages/category/index', 'pages/product/index', 'pages/cart/index', 'pages/pay/index', 'pages/profile/index'],
  tabBar: {
    list: [
      { pagePath: 'pages/home/index', text: 'Home' },
      { pagePath: 'pages/category/index', text: 'Category' },
      { pagePath: 'pages/profile/index', text: 'Me' },
    ],
  },
};

export type Recorded = Pick<TrackedEvent, 'name' | 'properties' | 'time' | 'page'>;

/**
 * A simulated app with the SDK initialised (auto-capture on) before the app's code runs, as
 * `app.js` would do, and every event the tracker accepts recorded in order.
 */
export function startApp(opts: { autocapture?: boolean | AutocaptureOptions; options?: Partial<Options>; runtime?: RuntimeOptions; start?: Parameters<Runtime['start']>[0]; pages?: string[]; withExposure?: boolean; beforeInit?: () => void } = {}) {
  const rt = createRuntime({ appConfig: APP_CONFIG, printErrors: false, suspendAfterHideMs: null, ...opts.runtime });
  const proc: SimProcess = rt.start(opts.start);
  opts.beforeInit?.();
  // The whole SDK (auto-capture and exposure, as `import wetrack` gives it) or auto-capture alone.
  const tracker = opts.withExposure ? createTracker() : addAutocapture(createTrackerWith(createWxPlatform));
  const events: Recorded[] = [];
  tracker.use({ name: 'recorder', type: 'destination', execute: (e) => void events.push({ name: e.name, properties: e.properties, time: e.time, page: e.page }) });
  tracker.init({ serverUrl: 'http://127.0.0.1:9/collect', autocapture: opts.autocapture ?? true, flushIntervalMs: 3_600_000, batchSize: 10_000, ...opts.options });
  return { rt, proc, tracker, events, names: () => events.map((e) => e.name) };
}

/** Registers simple pages whose lifecycles log into `log`. */
export function definePages(proc: SimProcess, log: string[] = [], routes = APP_CONFIG.pages) {
  for (const route of routes) {
    proc.definePage(route, () =>
      mp.Page({
        data: {},
        onLoad() {
          log.push(route + ':load');
        },
        onShow() {
          log.push(route + ':show');
        },
        onHide() {
          log.push(route + ':hide');
        },
        onUnload() {
          log.push(route + ':unload');
        },
      }),
    );
  }
  return log;
}

/** The page events only, as `name path [duration]` lines, for whole-sequence comparisons. */
export function pageTrail(events: Recorded[]) {
  return events
    .filter((e) => /^\$(page_view|page_leave|app_show|app_hide|app_launch)$/.test(e.name))
    .map((e) => [e.name, e.properties.path, e.properties.duration_ms].filter((x) => x !== undefined).join(' '));
}
