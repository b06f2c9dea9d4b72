// @vitest-environment jsdom
/**
 * @vant/weapp 1.11.7: a goods page (test/fixtures/vant-app, our page code) built from the
 * library's real, unmodified components (the npm package's `lib`, linked as miniprogram_npm),
 * rendered with miniprogram-simulate (WeChat's exparser + j-component) inside a test/sim process
 * for page context. The same gestures run without wetrack and with it (globals patched, the
 * default init): the host log (what the page's handlers received, from which instance), the
 * page data and the rendered tree must be the same, and each gesture is exactly one $tap.
 */
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRuntime, mp } from '../sim';
import { cleanupSimulate, fillMissingWxApis, find, flush, loadPageDir, npmComponentDir, renderPage, stageProject, tap, useSimulateGlobals, type SimNode, type SimRoot } from '../support/mp-simulate';
import { firstDifference } from './host-log';
import { countEvents, startWetrack, type RunResult } from './harness';

const ROUTE = 'pages/shop/index';

interface Gesture {
  name: string;
  target: string | ((root: SimRoot) => SimNode);
  /** the id of the element the page's handler is bound on (what the app developer named) */
  app: string;
}

/**
 * The i-th node matching a selector in the rendered tree; exparser's own `>>>` crosses every
 * component boundary below (test/support/mp-simulate's find() goes one boundary per `>>>`).
 */
const deep = (root: SimRoot, selector: string, i = 0): SimNode => {
  const all = root.querySelectorAll(selector);
  if (!all[i]) throw new Error(`no node #${i} for ${selector}`);
  return all[i]!;
};

/** One gesture per real component (the element a finger would touch inside it). */
const GESTURES: Gesture[] = [
  { name: 'van-cell (is-link, bind:click)', target: '#addr-cell >>> .van-cell', app: 'addr-cell' },
  { name: 'van-tabs: the second tab (bind:change)', target: (root) => deep(root, '#tabs >>> .van-tab', 1), app: 'tabs' },
  { name: 'van-card (bind:tap on the card)', target: '#card >>> .van-card', app: 'card' },
  { name: 'van-stepper: plus (bind:change)', target: '#stepper >>> .van-stepper__plus', app: 'stepper' },
  { name: 'van-button (bind:click), opens van-dialog', target: '#buy >>> .van-button', app: 'buy' },
  { name: 'van-dialog: confirm button (bind:confirm)', target: (root) => deep(root, '#dialog >>> .van-button', 1), app: 'dialog' },
  { name: 'plain view (bindtap)', target: '#plain', app: 'plain' },
  { name: 'van-goods-action-icon (bind:click)', target: (root) => deep(root, '#shop-icon >>> .van-button'), app: 'shop-icon' },
  { name: 'van-goods-action-button (bind:click)', target: (root) => deep(root, '#add-cart >>> .van-button'), app: 'add-cart' },
];

interface VantRun {
  log: string[];
  renders: string[];
  events: RunResult['events'];
  tapsPerGesture: number[];
}

const g = globalThis as unknown as { __vantHostLog?: string[] };
let projectRoot: string;

/**
 * miniprogram-simulate's component instances lack `groupSetData` (component instance method,
 * base library 2.4.0+, developers.weixin.qq.com/miniprogram/dev/reference/api/Component.html),
 * which van-tabs calls on a base library that has it. It runs the callback, whose setData calls
 * the base library applies together; here they apply one by one, which renders the same.
 */
function polyfillGroupSetData(): void {
  const exparser = createRequire(import.meta.url)('miniprogram-exparser') as { Component: { prototype: Record<string, unknown> } };
  exparser.Component.prototype.groupSetData ??= function (this: unknown, cb?: () => void) {
    if (typeof cb === 'function') cb.call(this);
  };
}

async function run(mode: 'none' | 'global'): Promise<VantRun> {
  g.__vantHostLog = [];
  const out: VantRun = { log: g.__vantHostLog, renders: [], events: [], tapsPerGesture: [] };
  const rt = createRuntime({ appConfig: { pages: [ROUTE] }, printErrors: false, suspendAfterHideMs: null });
  try {
    const p = rt.start();
    p.definePage(ROUTE, () => mp.Page({}));
    mp.App({});
    p.launch(); // page context for the rendered page: getCurrentPages(), getApp()
    fillMissingWxApis(p.wx); // nextTick, getSystemInfoSync fields … that the sim does not model
    if (mode === 'global') {
      useSimulateGlobals(); // Page/Component/Behavior feed miniprogram-simulate …
      startWetrack('global', out.events); // … and wetrack replaces them, as on WeChat
    }
    const id = loadPageDir(projectRoot, ROUTE, { wrap: mode === 'global' ? 'global' : undefined });
    const { root, page } = renderPage(id);
    await vi.advanceTimersByTimeAsync(1000);
    out.renders.push(`after render: ${root.dom.innerHTML}`);
    out.log.push(`data ${JSON.stringify(page.data)}`);
    for (const gesture of GESTURES) {
      const before = countEvents({ ...out, members: [], warnings: [] }, '$tap');
      out.log.push(`gesture ${gesture.name}`);
      const target = typeof gesture.target === 'string' ? gesture.target : gesture.target(root);
      await tap(root, target);
      await flush();
      await vi.advanceTimersByTimeAsync(1000);
      out.log.push(`data ${JSON.stringify(page.data)}`);
      out.renders.push(`after ${gesture.name}: ${root.dom.innerHTML}`);
      out.tapsPerGesture.push(countEvents({ ...out, members: [], warnings: [] }, '$tap') - before);
    }
  } finally {
    cleanupSimulate();
    rt.dispose();
  }
  return out;
}

describe('@vant/weapp components in a page, without and with wetrack', () => {
  let without: VantRun;
  let withWt: VantRun;
  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: Date.UTC(2024, 0, 15, 8, 0, 0) });
    polyfillGroupSetData();
    projectRoot = stageProject(path.resolve(__dirname, '../fixtures/vant-app'), { '@vant/weapp': npmComponentDir('@vant/weapp') });
    without = await run('none');
    withWt = await run('global');
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  it('every gesture reaches the page handler the fixture binds (the components really work)', () => {
    const handlers = without.log.filter((l) => /^on[A-Z]\w+ this=/.test(l)).map((l) => l.split(' ')[0]);
    expect(handlers).toEqual(['onLoad', 'onShow', 'onCellClick', 'onTabChange', 'onCardTap', 'onCountChange', 'onBuy', 'onConfirm', 'onPlainTap', 'onShop', 'onAddCart']);
    // the stepper changed the count, the dialog opened and closed again
    expect(without.log.at(-1)).toBe('data {"activeTab":1,"count":2,"showDialog":false}');
  });

  it('the host log (handler calls, instance, event type, element, detail) and the page data are the same with wetrack', () => {
    expect(withWt.log, firstDifference(without.log, withWt.log)).toEqual(without.log);
  });

  it('the rendered tree is the same with wetrack after every gesture', () => {
    expect(withWt.renders, firstDifference(without.renders, withWt.renders)?.slice(0, 2000)).toEqual(without.renders);
  });

  it('one $tap per gesture, one $page_view', () => {
    expect(Object.fromEntries(GESTURES.map((x, i) => [x.name, withWt.tapsPerGesture[i]]))).toEqual(Object.fromEntries(GESTURES.map((x) => [x.name, 1])));
    expect(countEvents({ ...withWt, members: [], warnings: [] }, '$page_view', ROUTE)).toBe(1);
  });

  it("each $tap names the app's element (the one the page's handler is bound on), not the library's inner one, where the component emits while the tap is dispatched", () => {
    const taps = withWt.events.filter((e) => e.name === '$tap').map((e) => `${String(e.properties.element_id)} ${JSON.stringify(e.properties.dataset)}`);
    const dataset = (id: string) => JSON.stringify(id === 'addr-cell' ? { type: 'address' } : id === 'card' || id === 'buy' || id === 'add-cart' ? { sku: 'SKU-1' } : id === 'plain' ? { k: 'v' } : {});
    // van-tabs emits click and change in a nextTick after the tap (lib/tabs/index.js onTap), after
    // the gesture's $tap is written: that tap names vant's inner tab element and its data-index.
    // Every other component emits while the tap is dispatched, and the $tap names the app's element.
    const want = (x: Gesture) => (x.app === 'tabs' ? `undefined ${JSON.stringify({ index: 1 })}` : `${x.app} ${dataset(x.app)}`);
    expect(taps).toEqual(GESTURES.map(want));
  });
});
