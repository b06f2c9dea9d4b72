// @vitest-environment jsdom
/**
 * The tap matrix: one gesture is one $tap, and the host's behaviour is unchanged, over
 * miniprogram-simulate (WeChat's own component framework) with the SDK's real wrappers, both
 * explicit and as patched globals.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addAutocapture } from '../../src/autocapture/index';
import { createWxPlatform } from '../../src/platform/wx';
import { createTrackerWith } from '../../src/tracker';
import { createRuntime, mp, type Runtime } from '../sim';
import { cleanupSimulate, find, flush, loadComponent, loadPage, renderPage, tap, useSimulateGlobals, type MpOptions, type SimInstance, type WrapMode } from '../support/mp-simulate';

type Props = Record<string, unknown>;
let rt: Runtime;
let taps: Props[];
let tracker: ReturnType<typeof addAutocapture>;
let errors: unknown[];

function boot(autocapture: object = {}) {
  rt = createRuntime({ appConfig: { pages: ['pages/index/index'] }, printErrors: false, suspendAfterHideMs: null });
  const p = rt.start();
  p.definePage('pages/index/index', () => mp.Page({}));
  p.launch();
  tracker = addAutocapture(createTrackerWith(createWxPlatform));
  taps = [];
  tracker.use({ name: 'r', type: 'destination', execute: (e) => void (e.name === '$tap' && taps.push(e.properties)) });
  tracker.init({ serverUrl: 'http://127.0.0.1:9/c', autocapture: { patchGlobals: false, ...autocapture } });
}
const explicit = (): WrapMode => ({ Component: (o: MpOptions) => tracker.component(o), Page: (o: MpOptions) => tracker.page(o) });

beforeEach(() => {
  errors = [];
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a));
  boot();
});
afterEach(() => {
  cleanupSimulate();
  rt.dispose();
  vi.restoreAllMocks();
});

/** A page and its effects log; `calls` is what the host's handlers did, to compare with and without the SDK. */
function shopPage(template: string, methods: Record<string, (this: SimInstance, e: { type: string }) => unknown>, usingComponents: Record<string, string> = {}) {
  return { template, usingComponents, data: { calls: [] as string[] }, ...methods };
}

async function run(def: ReturnType<typeof shopPage>, selector: string, wrap: WrapMode) {
  const id = loadPage(def, { wrap, route: 'pages/index/index' });
  const { root, page } = renderPage(id);
  await tap(root, selector);
  return page;
}

describe('one gesture, one $tap', () => {
  it('plain page: the handler gets the same this, event and return value; one $tap with the element', async () => {
    const seen: unknown[] = [];
    const def = shopPage(`<view id="buy" data-sku="VG-3" data-wt-slot="home.rec.2" bindtap="onBuy">Buy</view>`, {
      onBuy(e) {
        seen.push(this, e.type);
        return 'ret';
      },
    });
    const page = await run(def, '#buy', explicit());
    expect(seen).toEqual([page, 'tap']);
    expect(taps).toEqual([{ path: 'pages/index/index', type: 'tap', handler: 'onBuy', element_id: 'buy', dataset: { sku: 'VG-3', wtSlot: 'home.rec.2' }, slot: 'home.rec.2' }]);
  });

  it('nested custom components with bubbling: one $tap, from the innermost handler', async () => {
    const inner = loadComponent({ template: `<view id="inner-btn" data-level="inner" bindtap="onInner">+</view>`, methods: { onInner() {} } }, (o) => tracker.component(o));
    const outer = loadComponent({ template: `<view id="outer-box" bindtap="onOuter"><inner-btn id="ib" /></view>`, usingComponents: { 'inner-btn': inner }, methods: { onOuter() {} } }, (o) => tracker.component(o));
    const log: string[] = [];
    const def = shopPage(`<view id="page-area" bindtap="onArea"><outer-box id="ob" bindtap="onHost" /></view>`, {
      onArea() {
        log.push('area');
      },
      onHost() {
        log.push('host');
      },
    }, { 'outer-box': outer });
    await run(def, '#ob >>> #ib >>> #inner-btn', explicit());
    expect(log).toEqual(['host', 'area']); // the tap bubbled through every level
    expect(taps).toHaveLength(1);
    expect(taps[0]).toMatchObject({ handler: 'onInner', element_id: 'inner-btn', dataset: { level: 'inner' } });
  });

  it('catchtap inside a component: one $tap, nothing outside runs', async () => {
    const comp = loadComponent({ template: `<view id="c" catchtap="onCatch">x</view>`, methods: { onCatch() {} } }, (o) => tracker.component(o));
    const log: string[] = [];
    const def = shopPage(`<view bindtap="onArea"><c-x id="cx" /></view>`, { onArea: () => void log.push('area') }, { 'c-x': comp });
    await run(def, '#cx >>> #c', explicit());
    expect(log).toEqual([]);
    expect(taps.map((t) => t.handler)).toEqual(['onCatch']);
  });

  it('custom events a tap triggers are part of that tap: one $tap, named by the app\'s binding on the component', async () => {
    const comp = loadComponent(
      {
        template: `<view id="opt" catchtap="onPick">pick</view>`,
        methods: {
          onPick(this: { triggerEvent(n: string, d: unknown): void }, e: unknown) {
            this.triggerEvent('select', { value: 1 });
            this.triggerEvent('tap', e); // as tdesign's t-button does
          },
        },
      },
      (o) => tracker.component(o),
    );
    const log: string[] = [];
    const def = shopPage(`<picker-x id="px" bindselect="onSelect" bindtap="onTapHost" />`, {
      onSelect: () => void log.push('select'),
      onTapHost: () => void log.push('tap'),
    }, { 'picker-x': comp });
    await run(def, '#px >>> #opt', explicit());
    expect(log).toEqual(['select', 'tap']);
    // One $tap, named by the app's binding on the component: the first re-emitted event that reaches a named element.
    expect(taps.map((t) => [t.handler, t.element_id, t.type])).toEqual([['onSelect', 'px', 'tap']]);
  });

  it('an unwrapped component that re-emits "tap" (a library the app cannot wrap) still gives one $tap, at the page handler', async () => {
    const lib = loadComponent({ template: `<view id="lib" catchtap="onLib">lib</view>`, methods: { onLib(this: { triggerEvent(n: string, d: unknown): void }, e: unknown) { this.triggerEvent('tap', e); } } });
    const def = shopPage(`<lib-btn id="lb" data-sku="L1" bindtap="onBuy" />`, { onBuy() {} }, { 'lib-btn': lib });
    await run(def, '#lb >>> #lib', explicit());
    expect(taps).toEqual([expect.objectContaining({ handler: 'onBuy', element_id: 'lb', dataset: { sku: 'L1' } })]);
  });

  it('Component-as-page: taps and page events like a Page', async () => {
    const views: unknown[] = [];
    tracker.use({ name: 'v', type: 'destination', execute: (e) => void (e.name === '$page_view' && views.push(e.properties.path)) });
    const id = loadPage({ template: `<view id="go" bindtap="onGo">go</view>`, methods: { onGo() {} } }, { wrap: explicit(), route: 'pages/index/index', kind: 'component' });
    const { root } = renderPage(id);
    await tap(root, '#go');
    expect(taps.map((t) => t.handler)).toEqual(['onGo']);
    expect(views).toEqual(['pages/index/index']);
  });

  it('double wrapping (explicit under patched globals, and wrapping twice) gives one $tap', async () => {
    cleanupSimulate();
    rt.dispose();
    rt = createRuntime({ appConfig: { pages: ['pages/index/index'] }, printErrors: false, suspendAfterHideMs: null });
    const p = rt.start();
    p.definePage('pages/index/index', () => mp.Page({}));
    p.launch();
    const undo = useSimulateGlobals();
    tracker = addAutocapture(createTrackerWith(createWxPlatform));
    taps = [];
    tracker.use({ name: 'r', type: 'destination', execute: (e) => void (e.name === '$tap' && taps.push(e.properties)) });
    tracker.init({ serverUrl: 'http://127.0.0.1:9/c' }); // patches the globals
    const comp = loadComponent({ template: `<view id="x" bindtap="onX">x</view>`, methods: { onX() {} } }, 'global');
    const twice = (o: MpOptions) => tracker.page(tracker.page(o));
    const def = shopPage(`<c-x id="cx" bindtap="onHost" />`, { onHost() {} }, { 'c-x': comp });
    const id = loadPage(tracker.page(def) as typeof def, { wrap: { Page: twice }, route: 'pages/index/index' });
    const { root } = renderPage(id);
    await tap(root, '#cx >>> #x');
    expect(taps.map((t) => t.handler)).toEqual(['onX']);
    undo();
  });

  it('async handlers: the promise is returned as it is; one $tap', async () => {
    let returned: unknown;
    const def = shopPage(`<view id="a" bindtap="onAsync">a</view>`, {
      async onAsync() {
        await Promise.resolve();
        return 'done';
      },
    });
    const id = loadPage(def, { wrap: explicit(), route: 'pages/index/index' });
    const { root, page } = renderPage(id);
    await tap(root, '#a');
    returned = (page as unknown as { onAsync(e: unknown): Promise<string> }).onAsync({ type: 'tap', timeStamp: 1e9, currentTarget: { id: 'a', dataset: {} }, target: { id: 'a', dataset: {} }, touches: [], changedTouches: [{}] });
    expect(returned).toBeInstanceOf(Promise);
    await expect(returned).resolves.toBe('done');
    expect(taps).toHaveLength(2);
  });

  it('throwing handlers: the exception reaches the framework as it was; the $tap is recorded first', async () => {
    const boom = new Error('host bug');
    const def = shopPage(`<view id="t" bindtap="onThrow">t</view>`, {
      onThrow() {
        throw boom;
      },
    });
    const page = await run(def, '#t', explicit());
    expect(taps.map((t) => t.handler)).toEqual(['onThrow']);
    let caught: unknown;
    try {
      (page as unknown as { onThrow(e: unknown): void }).onThrow({ type: 'tap', timeStamp: 1e9, currentTarget: { id: 't', dataset: {} }, touches: [], changedTouches: [{}] });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(boom);
    // exparser catches handler errors and logs them: ours is the host's own error, untouched
    expect(errors.flat().some((x) => x === boom || String((x as Error)?.stack ?? x).includes('host bug'))).toBe(true);
  });

  it('data-wt-ignore skips the element', async () => {
    const def = shopPage(`<view id="secret" data-wt-ignore bindtap="onSecret">s</view><view id="ok" bindtap="onOk">ok</view>`, { onSecret() {}, onOk() {} });
    const id = loadPage(def, { wrap: explicit(), route: 'pages/index/index' });
    const { root } = renderPage(id);
    await tap(root, '#secret');
    await new Promise((r) => setTimeout(r, 3)); // two fingers cannot tap in the same millisecond
    await tap(root, '#ok');
    expect(taps.map((t) => t.handler)).toEqual(['onOk']);
  });

  it('long press is its own gesture type', async () => {
    const def = shopPage(`<view id="lp" bindlongpress="onLong">lp</view>`, { onLong() {} });
    const id = loadPage(def, { wrap: explicit(), route: 'pages/index/index' });
    const { root } = renderPage(id);
    const { longpress } = await import('../support/mp-simulate');
    await longpress(root, '#lp');
    expect(taps).toEqual([expect.objectContaining({ type: 'longpress', handler: 'onLong' })]);
  });

  it('an input event and its typed value are never captured: a tap after it records only its own dataset', async () => {
    const all: unknown[] = [];
    tracker.use({ name: 'all', type: 'destination', execute: (e) => void all.push(e) });
    const typed: unknown[] = [];
    const def = shopPage(`<input id="pwd" value="hunter2" bindinput="onInput" /><view id="go" data-ok="1" bindtap="onGo">go</view>`, {
      onInput(e: { type: string; detail?: unknown }) {
        typed.push((e.detail as { value: string }).value);
      },
      onGo() {},
    });
    const id = loadPage(def, { wrap: explicit(), route: 'pages/index/index' });
    const { root } = renderPage(id);
    find(root, '#pwd').dispatchEvent('input', { detail: { value: 'hunter2x', cursor: 8, keyCode: 120 } });
    await flush();
    expect(typed).toEqual(['hunter2x']); // the input did reach the page, through the wrapped method
    await tap(root, '#go');
    expect(taps).toEqual([{ type: 'tap', handler: 'onGo', element_id: 'go', dataset: { ok: '1' }, path: 'pages/index/index' }]);
    expect(all.map((e) => (e as { name: string }).name)).toEqual(['$page_view', '$tap']);
    expect(JSON.stringify(all)).not.toContain('hunter2');
  });
});
