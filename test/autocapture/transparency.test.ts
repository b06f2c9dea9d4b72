/**
 * Issue 9, points 1, 2, 3, 7 and 12: app shapes WeChat documents on which wetrack used to change
 * what the host app does, or count a page view twice. Each is run without wetrack and with it,
 * and the host's own log must be the same.
 */
import { describe, expect, it, vi } from 'vitest';
import { createRuntime, mp, type SimProcess } from '../sim';
import { forbidGlobalReplacement } from '../sim/plugins';
import { useSimSuite } from '../support/suite';
import { APP_CONFIG, startApp, type Recorded } from './harness';

const suite = useSimSuite();
const HOME = 'pages/home/index';

type Mode = 'none' | 'globals' | 'explicit' | 'both';
const MODES: Mode[] = ['none', 'globals', 'explicit', 'both'];

/** Starts the simulated app without wetrack, or with it in one of its modes (exposure included). */
function start(mode: Mode) {
  if (mode == 'none') {
    const rt = createRuntime({ appConfig: APP_CONFIG, printErrors: false, suspendAfterHideMs: null });
    return { proc: rt.start(), events: [] as Recorded[], wt: undefined };
  }
  const s = startApp({ withExposure: true, autocapture: mode == 'explicit' ? { patchGlobals: false } : true });
  const wt = mode == 'globals' ? undefined : (s.tracker as unknown as { page<T>(o: T): T; component<T>(o: T): T; behavior<T>(o: T): T });
  return { proc: s.proc, events: s.events, wt };
}

/** The constructors as a page file calls them in this mode. */
function ctors(wt: ReturnType<typeof start>['wt']) {
  return {
    Page: (o: Record<string, unknown>) => mp.Page(wt ? wt.page(o) : o),
    Component: (o: Record<string, unknown>) => mp.Component(wt ? wt.component(o) : o),
    Behavior: (o: Record<string, unknown>) => mp.Behavior(wt ? wt.behavior(o) : o),
  };
}

/** Runs a page through load, show, a navigation away and back, and unload; returns the host's log. */
async function visit(proc: SimProcess, log?: string[]) {
  // Errors the framework reports (a lifecycle that threw, an entry it could not call) are part of what the host sees.
  mp.App({ onError: (e: unknown) => log?.push('onError ' + String(e).split('\n')[0]) });
  proc.launch();
  await suite.clock.advance(1000);
  await proc.navigateTo('/pages/product/index');
  await suite.clock.advance(1000);
  await proc.navigateBack();
  await suite.clock.advance(1000);
  await proc.reLaunch('/pages/product/index');
}

const count = (events: Recorded[], name: string) => events.filter((e) => e.name == name).length;

describe('the host app behaves the same with wetrack (points 1, 2, 12)', () => {
  it("point 1: a Component page whose onLoad/onShow come from a Behavior still runs the Behavior's", async () => {
    const logs: Record<string, string[]> = {};
    for (const mode of MODES) {
      const { proc, events, wt } = start(mode);
      const log: string[] = (logs[mode] = []);
      const c = ctors(wt);
      proc.definePage('pages/product/index', () => c.Page({}));
      proc.definePage(HOME, () => {
        const refresh = c.Behavior({
          methods: {
            onLoad(this: { route: string }, q: unknown) {
              log.push('behavior onLoad ' + this.route + ' ' + JSON.stringify(q));
            },
            onShow() {
              log.push('behavior onShow');
            },
            onHide() {
              log.push('behavior onHide');
            },
          },
        });
        c.Component({ behaviors: [refresh], methods: { onUnload: () => log.push('own onUnload') } });
      });
      await visit(proc);
      if (mode != 'none') expect([mode, count(events, '$page_view')]).toEqual([mode, 4]);
    }
    expect(logs.none).toEqual(['behavior onLoad pages/home/index {}', 'behavior onShow', 'behavior onHide', 'behavior onShow', 'own onUnload']);
    for (const mode of MODES) expect([mode, logs[mode]]).toEqual([mode, logs.none]);
  });

  it('point 1: the same when the Behavior was made before init (not wrapped): the host wins, nothing is hidden', async () => {
    const log: string[] = [];
    let early: unknown;
    const { proc } = startApp({ withExposure: true, beforeInit: () => (early = mp.Behavior({ methods: { onShow: () => log.push('behavior onShow') } })) });
    proc.definePage('pages/product/index', () => mp.Page({}));
    proc.definePage(HOME, () => mp.Component({ behaviors: [early] }));
    await visit(proc);
    expect(log).toEqual(['behavior onShow', 'behavior onShow']);
  });

  it('point 2: a lifetime given as a method name is passed on untouched: the framework decides, the same with wetrack', async () => {
    // WeChat's frameworks call such an entry and report their own TypeError (test/sim/pages.ts
    // header); the SDK must neither call it itself nor change what the framework sees.
    const logs: Record<string, string[]> = {};
    for (const mode of MODES) {
      const { proc, wt } = start(mode);
      const log: string[] = (logs[mode] = []);
      const c = ctors(wt);
      proc.definePage('pages/product/index', () => c.Page({}));
      proc.definePage(HOME, () =>
        c.Component({
          lifetimes: { attached: 'setUp', ready: 42, detached: null },
          attached: () => log.push('top-level attached (lifetimes wins)'),
          methods: {
            setUp: () => log.push('setUp'),
            onShow: () => log.push('onShow'),
          },
        }),
      );
      await visit(proc, log);
    }
    expect(logs.none.filter((l) => l == 'onShow')).toHaveLength(2);
    for (const mode of MODES) expect([mode, logs[mode]]).toEqual([mode, logs.none]);
  });

  it('point 12: a page whose onLoad calls this.onShow() itself is one page view, and one leave', async () => {
    const logs: Record<string, string[]> = {};
    for (const mode of MODES) {
      const { proc, events, wt } = start(mode);
      const log: string[] = (logs[mode] = []);
      const c = ctors(wt);
      proc.definePage('pages/product/index', () => c.Page({}));
      proc.definePage(HOME, () =>
        c.Page({
          onLoad(this: { onShow(): void }) {
            log.push('onLoad');
            this.onShow();
          },
          onShow() {
            log.push('onShow');
          },
        }),
      );
      await visit(proc);
      if (mode == 'none') continue;
      // home: the first show (with the manual call) and the show after navigateBack; product twice.
      expect([mode, events.filter((e) => e.name == '$page_view').map((e) => e.properties.path)]).toEqual([mode, [HOME, 'pages/product/index', HOME, 'pages/product/index']]);
      expect([mode, events.filter((e) => e.name == '$page_leave').map((e) => [e.properties.path, e.properties.duration_ms])]).toEqual([
        mode,
        [
          [HOME, 1000],
          ['pages/product/index', 1000],
          [HOME, 1000],
        ],
      ]);
    }
    for (const mode of MODES) expect([mode, logs[mode]]).toEqual([mode, ['onLoad', 'onShow', 'onShow', 'onShow']]);
  });
});

describe('explicit and global wrappers together double nothing (point 3)', () => {
  it('Page(wetrack.page({...})) with the globals patched and exposure on: one $page_view per show', async () => {
    const { proc, events, wt } = start('both');
    const c = ctors(wt);
    proc.definePage('pages/product/index', () => c.Page({}));
    proc.definePage(HOME, () => c.Page({ onShow() {} }));
    await visit(proc);
    expect(events.filter((e) => /^\$page_(view|leave)$/.test(e.name)).map((e) => e.name + ' ' + e.properties.path)).toEqual([
      '$page_view pages/home/index',
      '$page_leave pages/home/index',
      '$page_view pages/product/index',
      '$page_leave pages/product/index',
      '$page_view pages/home/index',
      '$page_leave pages/home/index',
      '$page_view pages/product/index',
    ]);
  });

  it('Component(wetrack.component({...})) as a page, with the globals patched: one $page_view per show', async () => {
    const { proc, events, wt } = start('both');
    const c = ctors(wt);
    proc.definePage('pages/product/index', () => c.Page({}));
    proc.definePage(HOME, () => c.Component({ methods: { onShow() {} } }));
    await visit(proc);
    expect(count(events, '$page_view')).toBe(4);
    expect(count(events, '$page_leave')).toBe(3);
  });
});

describe('apps that use plugins: WeChat refuses a new global Page (point 7)', () => {
  for (const how of ['log', 'throw'] as const) {
    it(`refused ${how === 'log' ? 'with a console error, the old Page kept' : 'with an exception'}: init warns once per global with the way out; explicit wrappers still count`, async () => {
      const warnings: string[] = [];
      vi.mocked(console.warn).mockImplementation((m: unknown) => void warnings.push(String(m)));
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      // Plugins are declared in app.json: the refusal is in force before app.js runs init.
      const s = startApp({ withExposure: true, beforeInit: () => forbidGlobalReplacement(['Page', 'Component', 'Behavior'], how) });
      for (const name of ['Page', 'Component', 'Behavior']) {
        expect(warnings.filter((w) => w.includes('cannot replace global ' + name) && w.includes('patchGlobals') && w.includes(name + '(wetrack.'))).toHaveLength(1);
      }
      if (how == 'log') expect(error.mock.calls.map((a) => String(a[0])).filter((m) => m.startsWith('[non-writable] modification of global variable'))).toHaveLength(3);
      const wt = s.tracker as unknown as { page<T>(o: T): T };
      s.proc.definePage(HOME, () => mp.Page(wt.page({})));
      s.proc.definePage('pages/product/index', () => mp.Page(wt.page({})));
      await visit(s.proc);
      expect(count(s.events, '$page_view')).toBe(4);
    });
  }
});
