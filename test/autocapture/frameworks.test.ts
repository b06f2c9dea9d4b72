// @vitest-environment jsdom
/**
 * Taps in the shapes native pages, uni-app (Vue 3) and Taro 3 compile to, and in a page built from
 * the real tdesign-miniprogram components: one gesture is one $tap, attributed sensibly, and the
 * host app behaves as it does without the SDK.
 */
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addAutocapture } from '../../src/autocapture/index';
import { createWxPlatform } from '../../src/platform/wx';
import { createTrackerWith } from '../../src/tracker';
import { fixtures, type TapAttribution } from '../fixtures/frameworks';
import { createRuntime, mp, type Runtime } from '../sim';
import {
  cleanupSimulate,
  fillMissingWxApis,
  find,
  loadPageDir,
  npmComponentDir,
  renderPage,
  stageProject,
  tap,
  useSimulateGlobals,
  type MpOptions,
  type SimInstance,
  type SimRoot,
  type WrapMode,
} from '../support/mp-simulate';

type Props = Record<string, unknown>;
let rt: Runtime;
let taps: Props[];
let tracker: ReturnType<typeof addAutocapture>;

/** A sim process for page context, and the SDK: patched globals, or explicit wrappers. */
function boot(routes: string[], mode: 'global' | 'explicit'): WrapMode {
  rt = createRuntime({ appConfig: { pages: routes }, printErrors: false, suspendAfterHideMs: null });
  const p = rt.start();
  for (const r of routes) p.definePage(r, () => mp.Page({}));
  p.launch();
  fillMissingWxApis(p.wx, ['nextTick']);
  const undo = mode === 'global' ? useSimulateGlobals() : undefined;
  void undo;
  tracker = addAutocapture(createTrackerWith(createWxPlatform));
  taps = [];
  tracker.use({ name: 'r', type: 'destination', execute: (e) => void (e.name === '$tap' && taps.push(e.properties)) });
  tracker.init({ serverUrl: 'http://127.0.0.1:9/c', autocapture: { patchGlobals: mode === 'global' } });
  return mode === 'global' ? 'global' : { Component: (o: MpOptions) => tracker.component(o), Page: (o: MpOptions) => tracker.page(o) };
}

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  cleanupSimulate();
  rt?.dispose();
  vi.restoreAllMocks();
});

const attribution = (a: TapAttribution) => ({ path: a.route, type: 'tap', handler: a.handler, element_id: a.elementId, dataset: a.dataset });

for (const fw of fixtures) {
  describe(`${fw.framework}`, () => {
    for (const s of fw.scenarios) {
      for (const mode of ['global', 'explicit'] as const) {
        it(`${s.name} (${mode}): one $tap per gesture, attributed sensibly, host unchanged`, async () => {
          const wrap = boot([s.route], mode);
          const { root, page } = renderPage(s.load(wrap));
          await tap(root, s.buySelector);
          await s.settle();
          expect(s.effect(page, root)).toEqual(s.effectAfterOneTap);
          expect(taps).toHaveLength(1);
          const { slot, ...rest } = taps[0];
          expect(slot).toBeUndefined();
          expect(rest).toEqual(attribution(s.expected));
        });
      }
    }
  });
}

describe('a shop page built from real tdesign-miniprogram components', () => {
  const ROUTE = 'pages/goods/details/index';
  let root: SimRoot;
  let page: SimInstance;
  const open = () => {
    boot([ROUTE], 'global'); // library components cannot be wrapped by hand: only patched globals reach them
    const project = stageProject(path.resolve(__dirname, '../fixtures/tdesign-app'), { 'tdesign-miniprogram': npmComponentDir('tdesign-miniprogram') });
    ({ root, page } = renderPage(loadPageDir(project, ROUTE, { wrap: 'global' })));
    taps.length = 0;
  };
  const gesture = async (target: Parameters<typeof tap>[1]) => {
    const before = taps.length;
    await tap(root, target);
    await new Promise((r) => setTimeout(r, 3)); // the next gesture comes from a new finger, later
    return taps.slice(before);
  };

  it('every gesture is exactly one $tap, and the page handlers run as without the SDK', async () => {
    open();
    expect(await gesture('#buy-now >>> .t-button')).toEqual([expect.objectContaining({ path: ROUTE, element_id: 'buy-now', dataset: { sku: 'SKU-1001' } })]);
    expect(page.data.showDialog).toBe(true);
    const dialog = find(root, '#confirm-dialog');
    expect(await gesture(dialog.querySelectorAll('.t-dialog__button--confirm')[0]!.querySelector('.t-button')!)).toHaveLength(1);
    expect(await gesture('#coupon-btn >>> .t-button')).toEqual([expect.objectContaining({ dataset: { coupon: 'CP-20' } })]);
    expect(await gesture('#spec-cell >>> .t-cell')).toHaveLength(1);
    expect(await gesture('.bar-separately')).toEqual([expect.objectContaining({ handler: 'toAddCart', dataset: { ele: 'add-cart' } })]);
    expect(page.data.cart).toBe(1);
    // one gesture that reaches two page handlers (t-icon click, then the view's bindtap)
    expect(await gesture('#share-icon >>> .t-icon')).toHaveLength(1);
    const items = find(root, '#tabs').querySelectorAll('.t-tabs__item');
    expect(await gesture(items[1]!)).toHaveLength(1);
    expect(page.data.tab).toBe('comments');
    // tapping the active tab is still a user tap, though no page handler runs
    expect(await gesture(items[1]!)).toHaveLength(1);
    expect((page.calls as string[]).filter((c) => c === 'toAddCart')).toHaveLength(1);
  });
});
