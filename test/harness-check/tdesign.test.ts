// @vitest-environment jsdom
/**
 * Real tdesign-miniprogram components (the npm package's miniprogram_dist, unmodified) nested in an
 * app-style page (test/fixtures/tdesign-app), rendered with miniprogram-simulate inside a test/sim
 * process (wx, getApp, getCurrentPages). Proves: they render, a tap on an inner element reaches the
 * page handler exactly once, and records what each level receives - the facts the SDK's tap dedupe
 * must cope with. No SDK involved: a recording wrapper stands in for it.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRuntime, mp, type Runtime } from '../sim';
import {
  cleanupSimulate,
  fakePageStack,
  fillMissingWxApis,
  find,
  loadComponentDir,
  loadPage,
  loadPageDir,
  loadingFile,
  npmComponentDir,
  renderPage,
  stageProject,
  tap,
  type MpEvent,
  type MpOptions,
  type SimInstance,
  type SimRoot,
  type WrapFn,
} from '../support/mp-simulate';

const ROUTE = 'pages/goods/details/index';
const TDESIGN = npmComponentDir('tdesign-miniprogram');

interface Level {
  /** 'page' or the tdesign component directory name ('button', 'dialog', …) */
  who: string;
  method: string;
  type: string;
  timeStamp: number;
  currentTargetId: string;
  hasTouches: boolean;
  event: MpEvent;
}

const levels: Level[] = [];

/** stands in for an SDK: wraps every method and records calls that receive an event object */
function recorder(kind: 'Component' | 'Page'): WrapFn {
  return (o: MpOptions) => {
    const file = loadingFile() ?? '';
    const who = file.includes('tdesign-miniprogram') ? path.basename(path.dirname(file)) : 'page';
    const target = (kind === 'Page' ? o : (o.methods ?? {})) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(target)) {
      if (typeof fn !== 'function') continue;
      const original = fn as (...a: unknown[]) => unknown;
      target[name] = function (this: unknown, ...args: unknown[]) {
        const e = args[0] as MpEvent | undefined;
        if (e && typeof e === 'object' && 'currentTarget' in e && 'timeStamp' in e) {
          levels.push({ who, method: name, type: e.type, timeStamp: e.timeStamp, currentTargetId: e.currentTarget.id, hasTouches: Array.isArray(e.touches), event: e });
        }
        return original.apply(this, args);
      };
    }
  };
}

const chain = () => levels.map((l) => `${l.who}.${l.method}:${l.type}`);
const pageCalls = (page: SimInstance) => page.calls as string[];

describe('tdesign components in an app page (with a test/sim process for page context)', () => {
  let rt: Runtime;
  let projectRoot: string;
  let pageId: string;

  beforeAll(() => {
    rt = createRuntime({ appConfig: { pages: [ROUTE] }, printErrors: false });
    const p = rt.start();
    p.definePage(ROUTE, () => mp.Page({}));
    mp.App({});
    p.launch();
    // tdesign calls wx.nextTick, which test/sim's wx does not model
    expect(fillMissingWxApis(p.wx, ['nextTick'])).toEqual(['nextTick']);
    projectRoot = stageProject(path.resolve(__dirname, '../fixtures/tdesign-app'), { 'tdesign-miniprogram': TDESIGN });
    pageId = loadPageDir(projectRoot, ROUTE, { wrap: { Component: recorder('Component'), Page: recorder('Page') } });
  });
  afterAll(() => {
    cleanupSimulate();
    rt.dispose();
  });
  beforeEach(() => {
    levels.length = 0;
  });

  function open(): { root: SimRoot; page: SimInstance } {
    const r = renderPage(pageId);
    levels.length = 0;
    return r;
  }

  it('renders the real components (virtualHost: their hosts have no DOM node of their own)', () => {
    const { root, page } = open();
    expect(page.route).toBe(ROUTE);
    expect(mp.getCurrentPages().map((p) => p.route)).toEqual([ROUTE]);
    expect(find(root, '#buy-now >>> .t-button').dom.textContent).toContain('立即购买');
    expect(find(root, '#coupon-cell >>> .t-cell').dom.textContent).toContain('优惠券');
    expect(find(root, '#tabs').querySelectorAll('.t-tabs__item')).toHaveLength(2);
    // tdesign sets options.virtualHost when SDKVersion >= 2.19.2 (sim: 3.6.0)
    expect(find(root, '#buy-now').dom).toBeUndefined();
  });

  it('t-button: inner catch:tap + triggerEvent("tap", nativeEvent) → page bind:tap once, with a custom event', async () => {
    const { root, page } = open();
    await tap(root, '#buy-now >>> .t-button', { x: 30, y: 40 });
    expect(pageCalls(page)).toEqual(['toBuyNow']);
    expect(chain()).toEqual(['button.handleTap:tap', 'page.toBuyNow:tap']);
    const [inner, outer] = levels;
    // level 1: the native tap inside t-button
    expect(inner!.hasTouches).toBe(true);
    expect(inner!.currentTargetId).toBe('');
    expect(inner!.event.detail).toEqual({ x: 30, y: 40 });
    // level 2: what the page receives is t-button's custom 'tap'
    expect(outer!.event.type).toBe('tap');
    expect(outer!.hasTouches).toBe(false);
    expect(outer!.event.touches).toBeUndefined();
    expect(outer!.event.currentTarget).toMatchObject({ id: 'buy-now', dataset: { sku: 'SKU-1001' } });
    expect(outer!.event.target.id).toBe('buy-now');
    expect((outer!.event.detail as MpEvent).type).toBe('tap');
    expect(Array.isArray((outer!.event.detail as MpEvent).touches)).toBe(true);
    // a new event: its timeStamp is taken when triggerEvent runs (same ms or a bit later)
    expect(outer!.timeStamp).toBeGreaterThanOrEqual(inner!.timeStamp);
    expect(outer!.timeStamp - inner!.timeStamp).toBeLessThan(50);
    expect(page.data.showDialog).toBe(true);
  });

  it('t-button inside a t-cell slot: the cell never sees the tap (caught), page gets only bind:tap of the button', async () => {
    const { root, page } = open();
    await tap(root, '#coupon-btn >>> .t-button');
    expect(pageCalls(page)).toEqual(['onGetCoupon']);
    expect(chain()).toEqual(['button.handleTap:tap', 'page.onGetCoupon:tap']);
    expect(levels[1]!.event.currentTarget.dataset).toEqual({ coupon: 'CP-20' });
  });

  it('t-cell: bind:tap (not catch) inside → triggerEvent("click", detail) → page bind:click once; the native tap keeps bubbling', async () => {
    const { root, page } = open();
    await tap(root, '#spec-cell >>> .t-cell', { x: 5, y: 6 });
    expect(pageCalls(page)).toEqual(['onClickCell']);
    expect(chain()).toEqual(['cell.onClick:tap', 'page.onClickCell:click']);
    const click = levels[1]!.event;
    expect(click.currentTarget).toMatchObject({ id: 'spec-cell', dataset: { type: 'specs' } });
    expect(click.detail).toEqual({ x: 5, y: 6 });
    expect(Array.isArray(click.touches)).toBe(false);
  });

  it('t-icon inside a view with bindtap: ONE gesture reaches TWO page handlers (custom click + bubbling native tap)', async () => {
    const { root, page } = open();
    await tap(root, '#share-icon >>> .t-icon');
    expect(pageCalls(page)).toEqual(['onShare', 'onShareArea']);
    expect(chain()).toEqual(['icon.onTap:tap', 'page.onShare:click', 'page.onShareArea:tap']);
    const [native, click, area] = levels;
    // the native tap: same timeStamp at every level; its target is retargeted to the t-icon host
    expect(area!.timeStamp).toBe(native!.timeStamp);
    expect(area!.hasTouches).toBe(true);
    expect(area!.event.target.id).toBe('share-icon');
    expect(area!.event.currentTarget).toMatchObject({ id: 'share-area', dataset: { ele: 'share' } });
    // the custom click is dispatched synchronously, nested, before the native tap bubbles on
    expect(click!.hasTouches).toBe(false);
    expect(click!.event.currentTarget.id).toBe('share-icon');
  });

  it('plain view bindtap inside the page: one call, no component in between', async () => {
    const { root, page } = open();
    await tap(root, '.bar-separately');
    expect(pageCalls(page)).toEqual(['toAddCart']);
    expect(levels[0]!.event.currentTarget).toEqual({ id: '', offsetLeft: 0, offsetTop: 0, dataset: { ele: 'add-cart' } });
    expect(page.data.cart).toBe(1);
  });

  it('t-tabs: tap on another tab → page bind:change once; tap on the active tab → no page handler at all', async () => {
    const { root, page } = open();
    const items = find(root, '#tabs').querySelectorAll('.t-tabs__item');
    await tap(root, items[1]!);
    expect(pageCalls(page)).toEqual(['onTabsChange']);
    expect(chain()).toEqual(['tabs.onTabTap:tap', 'page.onTabsChange:change']);
    expect(levels[1]!.event.detail).toEqual({ value: 'comments', label: '评价' });
    expect(page.data.tab).toBe('comments');
    levels.length = 0;
    await tap(root, items[1]!);
    expect(pageCalls(page)).toEqual(['onTabsChange']);
    expect(chain()).toEqual(['tabs.onTabTap:tap']);
  });

  it('t-dialog confirm: t-button custom tap → dialog onTplButtonTap → page bind:confirm, once', async () => {
    const { root, page } = open();
    await tap(root, '#buy-now >>> .t-button');
    expect(page.data.showDialog).toBe(true);
    levels.length = 0;
    const dialog = find(root, '#confirm-dialog');
    const confirmButton = dialog.querySelectorAll('.t-dialog__button--confirm')[0]!;
    await tap(root, confirmButton.querySelector('.t-button')!);
    expect(pageCalls(page)).toEqual(['toBuyNow', 'onConfirm']);
    expect(chain()).toEqual(['button.handleTap:tap', 'dialog.onTplButtonTap:tap', 'page.onConfirm:confirm']);
    expect(levels[1]!.event.target.dataset).toEqual({ type: 'confirm', extra: '' });
    expect(levels[2]!.event.currentTarget.id).toBe('confirm-dialog');
    expect(page.data).toMatchObject({ showDialog: false, orders: 1 });
  });
});

describe('tdesign standalone (no sim process): fakePageStack + simulate wx', () => {
  afterAll(() => cleanupSimulate());

  it('a t-button loaded from its directory renders and emits its custom tap', async () => {
    fakePageStack([{ route: 'pages/demo/index' }]);
    const button = loadComponentDir(path.join(TDESIGN, 'button/button'), { rootPath: TDESIGN, tagName: 't-button' });
    const seen: MpEvent[] = [];
    // an inline page using the real t-button
    const pageId = loadPage(
      {
        template: `<view bindtap="onOuter"><t-button id="ok" data-x="1" bind:tap="onOk">OK</t-button></view>`,
        usingComponents: { 't-button': button },
        onOk(e: MpEvent) {
          seen.push(e);
        },
        onOuter(e: MpEvent) {
          seen.push(e);
        },
      },
      { route: 'pages/demo/index' },
    );
    const { root } = renderPage(pageId);
    expect((globalThis as unknown as { getCurrentPages(): { route: string }[] }).getCurrentPages().map((p) => p.route)).toEqual(['pages/demo/index', 'pages/demo/index']);
    await tap(root, '#ok >>> .t-button');
    expect(seen.map((e) => `${e.type}:${e.currentTarget.id}`)).toEqual(['tap:ok']);
  });
});
