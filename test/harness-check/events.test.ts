// @vitest-environment jsdom
/**
 * The event facts written at the top of test/support/mp-simulate.ts, checked against
 * miniprogram-simulate (the SDK's tap dedupe relies on them). No SDK involved.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanupSimulate, find, flush, loadComponent, longpress, render, tap, type MpEvent, type SimInstance, type TriggerEventOptions } from '../support/mp-simulate';

afterEach(() => {
  cleanupSimulate();
  vi.useRealTimers();
});

type Log = { at: string; e: MpEvent }[];
const handler = (log: Log, at: string) =>
  function (e: MpEvent) {
    log.push({ at, e });
  };

/** page > outer view > <inner-comp> (view#inner > button#btn) */
function nested(log: Log, opts: { innerBind?: string; triggerFromTap?: TriggerEventOptions | false } = {}) {
  const inner = loadComponent({
    template: `<view id="inner" data-level="inner" bindtap="onInnerView"><button id="btn" data-foo-bar="{{n}}" data-label="buy" ${opts.innerBind ?? 'bindtap'}="onBtn">Buy</button></view>`,
    data: { n: 7 },
    methods: {
      onInnerView: handler(log, 'inner.view'),
      onBtn(this: SimInstance, e: MpEvent) {
        log.push({ at: 'inner.btn', e });
        if (opts.triggerFromTap) this.triggerEvent('picked', { sku: 'A1' }, opts.triggerFromTap);
      },
    },
  });
  const page = loadComponent({
    usingComponents: { 'inner-comp': inner },
    // capture binding on its own element: simulate keeps one binding per event name per element
    template: `<view id="cap" capture-bind:tap="onOuterCapture"><view id="outer" data-level="outer" bindtap="onOuter" bind:picked="onOuterPicked"><inner-comp id="host" data-level="host" bindtap="onHost" bind:picked="onPicked"/></view></view>`,
    methods: {
      onOuter: handler(log, 'page.outer'),
      onOuterCapture: handler(log, 'page.outer.capture'),
      onHost: handler(log, 'page.host'),
      onPicked: handler(log, 'page.host.picked'),
      onOuterPicked: handler(log, 'page.outer.picked'),
    },
  });
  return render(page);
}

describe('tap event object', () => {
  it('a finger tap: type, timeStamp, target/currentTarget {id, dataset, offsetLeft, offsetTop}, detail {x,y}, touch arrays; no mark', async () => {
    const log: Log = [];
    const root = nested(log);
    await tap(root, '#host >>> #btn', { x: 12, y: 34 });
    const { e } = log.find((l) => l.at === 'inner.btn')!;
    expect(Object.keys(e).sort()).toEqual(['changedTouches', 'currentTarget', 'detail', 'mut', 'target', 'timeStamp', 'touches', 'type']);
    expect(e.type).toBe('tap');
    expect(Number.isInteger(e.timeStamp)).toBe(true);
    expect(e.target).toEqual({ id: 'btn', offsetLeft: 0, offsetTop: 0, dataset: { fooBar: 7, label: 'buy' } });
    expect(e.currentTarget).toEqual(e.target);
    expect(e.detail).toEqual({ x: 12, y: 34 });
    expect(e.mark).toBeUndefined();
    const touches = e.touches as Record<string, unknown>[];
    expect(Array.isArray(touches)).toBe(true);
    expect(touches[0]).toMatchObject({ pageX: 12, pageY: 34, clientX: 12, clientY: 34 });
    expect(Array.isArray(e.changedTouches)).toBe(true);
  });

  it('dispatching "tap" directly (not a gesture) gives touches {} and detail {} - unlike WeChat', async () => {
    const log: Log = [];
    const root = nested(log);
    find(root, '#host >>> #btn').dispatchEvent('tap');
    await flush();
    const { e } = log.find((l) => l.at === 'inner.btn')!;
    expect(e.touches).toEqual({});
    expect(e.detail).toEqual({});
  });

  it('bubbles across the component boundary; target retargeted to the host outside; same timeStamp everywhere; capture first', async () => {
    const log: Log = [];
    const root = nested(log);
    await tap(root, '#host >>> #btn');
    expect(log.map((l) => l.at)).toEqual(['page.outer.capture', 'inner.btn', 'inner.view', 'page.host', 'page.outer']);
    expect(new Set(log.map((l) => l.e.timeStamp)).size).toBe(1);
    const byAt = Object.fromEntries(log.map((l) => [l.at, l.e]));
    expect(byAt['inner.view']!.target.id).toBe('btn');
    expect(byAt['inner.view']!.currentTarget.id).toBe('inner');
    expect(byAt['page.host']!.target).toMatchObject({ id: 'host', dataset: { level: 'host' } });
    expect(byAt['page.outer']!.target.id).toBe('host');
    expect(byAt['page.outer']!.currentTarget).toMatchObject({ id: 'outer', dataset: { level: 'outer' } });
    // one object per handler call, but detail/touches are shared references
    expect(byAt['page.host']).not.toBe(byAt['page.outer']);
    expect(byAt['page.host']!.detail).toBe(byAt['page.outer']!.detail);
  });

  it('catchtap stops the bubble phase at that element (also for the page outside the component)', async () => {
    const log: Log = [];
    const root = nested(log, { innerBind: 'catchtap' });
    await tap(root, '#host >>> #btn');
    expect(log.map((l) => l.at)).toEqual(['page.outer.capture', 'inner.btn']);
  });

  it('capture-catch stops everything after it, bubble phase included', async () => {
    const log: Log = [];
    const comp = loadComponent({
      template: `<view id="a" capture-catch:tap="onA"><view id="b" bindtap="onB">x</view></view>`,
      methods: { onA: handler(log, 'a.capture-catch'), onB: handler(log, 'b') },
    });
    const root = render(comp);
    await tap(root, '#b');
    expect(log.map((l) => l.at)).toEqual(['a.capture-catch']);
  });

  it('mut-bind: an inner mut-bind handler suppresses outer mut-bind handlers, not plain bind ones', async () => {
    const log: Log = [];
    const comp = loadComponent({
      template: `<view id="a" mut-bind:tap="onA"><view id="b" bindtap="onB"><view id="c" mut-bind:tap="onC">x</view></view></view>`,
      methods: { onA: handler(log, 'a.mut'), onB: handler(log, 'b'), onC: handler(log, 'c.mut') },
    });
    const root = render(comp);
    await tap(root, '#c');
    expect(log.map((l) => l.at)).toEqual(['c.mut', 'b']);
    expect(log[1]!.e.mut).toBe(true);
  });

  it('simulate keeps ONE binding per event name per element (the last attribute wins)', async () => {
    const log: Log = [];
    const comp = loadComponent({
      template: `<view id="a" bindtap="onBind" capture-bind:tap="onCapture">x</view>`,
      methods: { onBind: handler(log, 'bind'), onCapture: handler(log, 'capture') },
    });
    const root = render(comp);
    await tap(root, '#a');
    expect(log.map((l) => l.at)).toEqual(['capture']);
  });

  it('longpress: held 350 ms+ fires longpress and no tap, even without a longpress handler', async () => {
    vi.useFakeTimers();
    const log: Log = [];
    const comp = loadComponent({
      template: `<view id="a" bindtap="onTap">x</view><view id="b" bindtap="onTap" bindlongpress="onLong">y</view>`,
      methods: { onTap: handler(log, 'tap'), onLong: handler(log, 'longpress') },
    });
    const root = render(comp);
    const wait = (ms: number) => vi.advanceTimersByTimeAsync(ms);
    await longpress(root, '#a', { wait });
    await longpress(root, '#b', { wait });
    expect(log.map((l) => `${l.at}:${l.e.currentTarget.id}`)).toEqual(['longpress:b']);
    expect(log[0]!.e.detail).toEqual({ x: 10, y: 10 });
  });
});

describe('custom events from a tap (triggerEvent)', () => {
  it('default options: only the host binding; dispatched synchronously inside the tap handler, before the tap bubbles on', async () => {
    const log: Log = [];
    const root = nested(log, { triggerFromTap: {} });
    await tap(root, '#host >>> #btn');
    expect(log.map((l) => l.at)).toEqual(['page.outer.capture', 'inner.btn', 'page.host.picked', 'inner.view', 'page.host', 'page.outer']);
    const picked = log.find((l) => l.at === 'page.host.picked')!.e;
    expect(Object.keys(picked).sort()).toEqual(['changedTouches', 'currentTarget', 'detail', 'mut', 'target', 'timeStamp', 'touches', 'type']);
    expect(picked.touches).toBeUndefined();
    expect(picked.changedTouches).toBeUndefined();
    expect(picked.target).toMatchObject({ id: 'host', dataset: { level: 'host' } });
    expect(picked.detail).toEqual({ sku: 'A1' });
  });

  it('bubbles: also the ancestors of the host in the page tree', async () => {
    const log: Log = [];
    const root = nested(log, { triggerFromTap: { bubbles: true } });
    await tap(root, '#host >>> #btn');
    expect(log.filter((l) => l.e.type === 'picked').map((l) => l.at)).toEqual(['page.host.picked', 'page.outer.picked']);
  });

  it('bubbles without composed stays in the tree where the host is written; composed crosses further boundaries', async () => {
    const run = async (opts: TriggerEventOptions) => {
      const log: Log = [];
      const leaf = loadComponent({
        template: `<view id="leaf" bindtap="go">x</view>`,
        methods: {
          go(this: SimInstance) {
            this.triggerEvent('custom', {}, opts);
          },
        },
      });
      const middle = loadComponent({
        usingComponents: { leaf },
        template: `<view id="mid-view" bind:custom="onMidView"><leaf id="leaf-host" bind:custom="onLeafHost"/></view>`,
        methods: { onMidView: handler(log, 'middle.view'), onLeafHost: handler(log, 'middle.leafHost') },
      });
      const page = loadComponent({
        usingComponents: { middle },
        template: `<view id="page-view" bind:custom="onPageView"><middle id="mid-host" bind:custom="onMidHost"/></view>`,
        methods: { onPageView: handler(log, 'page.view'), onMidHost: handler(log, 'page.midHost') },
      });
      const root = render(page);
      await tap(root, '#mid-host >>> #leaf-host >>> #leaf');
      cleanupSimulate();
      return log.map((l) => l.at);
    };
    expect(await run({})).toEqual(['middle.leafHost']);
    expect(await run({ bubbles: true })).toEqual(['middle.leafHost', 'middle.view']);
    expect(await run({ bubbles: true, composed: true })).toEqual(['middle.leafHost', 'middle.view', 'page.midHost', 'page.view']);
  });

  it('a custom event gets its own timeStamp: equal to the tap only within the same millisecond', async () => {
    vi.useFakeTimers();
    const log: Log = [];
    const comp = loadComponent({
      template: `<view id="btn" bindtap="onTap">x</view>`,
      methods: {
        onTap(this: SimInstance, e: MpEvent) {
          log.push({ at: 'tap', e });
          this.triggerEvent('sync', {});
          setTimeout(() => this.triggerEvent('later', {}), 20);
        },
      },
    });
    const page = loadComponent({
      usingComponents: { comp },
      template: `<comp id="c" bind:sync="onSync" bind:later="onLater"/>`,
      methods: { onSync: handler(log, 'sync'), onLater: handler(log, 'later') },
    });
    const root = render(page);
    await tap(root, '#c >>> #btn');
    await vi.advanceTimersByTimeAsync(25);
    const [t, sync, later] = log.map((l) => l.e.timeStamp);
    expect(sync).toBe(t);
    expect(later! - t!).toBe(20);
  });

  it('a component re-emitting a custom "tap" without an inner catch: the page bindtap runs TWICE for one gesture', async () => {
    const log: Log = [];
    const comp = loadComponent({
      template: `<view id="face" bindtap="onFace">x</view>`,
      methods: {
        onFace(this: SimInstance, e: MpEvent) {
          this.triggerEvent('tap', e);
        },
      },
    });
    const page = loadComponent({
      usingComponents: { comp },
      template: `<comp id="c" bindtap="onTap"/>`,
      methods: { onTap: handler(log, 'page') },
    });
    const root = render(page);
    await tap(root, '#c >>> #face');
    expect(log.map((l) => `${l.e.type}:${Array.isArray(l.e.touches) ? 'native' : 'custom'}`)).toEqual(['tap:custom', 'tap:native']);
    // The custom event is stamped when triggerEvent runs: the same millisecond as the tap, or the
    // next one on a loaded machine. Never equal by design, so dedupe must not rely on it.
    expect(Math.abs(log[0]!.e.timeStamp - log[1]!.e.timeStamp)).toBeLessThanOrEqual(5);
  });
});

describe('template compilers', () => {
  it('simulate compiler: bindtap="{{name}}" is NOT evaluated (no handler); official (wcc) evaluates it', async () => {
    const log: Log = [];
    const def = {
      template: `<view id="a" bindtap="{{h}}">x</view>`,
      data: { h: 'onA' },
      methods: { onA: handler(log, 'a') },
    };
    const simple = render(loadComponent(def));
    await tap(simple, '#a');
    expect(log).toHaveLength(0);
    const official = render(loadComponent({ ...def, compiler: 'official' }));
    await tap(official, '#a');
    expect(log.map((l) => l.at)).toEqual(['a']);
  });

  it('dataset values keep their type for a single {{expr}} with both compilers; data-a-b → aB', async () => {
    for (const compiler of ['simulate', 'official'] as const) {
      const log: Log = [];
      const root = render(
        loadComponent({
          compiler,
          template: `<view id="a" data-n="{{n}}" data-obj="{{obj}}" data-mixed="n={{n}}" data-foo-bar="x" bindtap="onA">x</view>`,
          data: { n: 3, obj: { k: 1 } },
          methods: { onA: handler(log, 'a') },
        }),
      );
      await tap(root, '#a');
      expect(log[0]!.e.currentTarget.dataset).toEqual({ n: 3, obj: { k: 1 }, mixed: 'n=3', fooBar: 'x' });
    }
  });
});
