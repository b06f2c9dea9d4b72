/**
 * Engine 1: the project's simulator (test/sim). The shape's page file is the entry page of a
 * simulated process; `hide`/`show` send the app to the background and back (WeChat then runs the
 * page's onHide/onShow), `unload` redirects to another page, and a tap calls the handler bound on
 * the element with a finger-tap event object, as the framework does (the simulator renders no
 * templates, so shapes with child components run on glass-easel only).
 */
import { vi } from 'vitest';
import { createRuntime, mp, type SimPage } from '../sim';
import { HostLog, type Inst } from './host-log';
import { captureConsole, label, makeCtx, ROUTE, stepper, startWetrack, stepsOf, tapTarget, type Engine, type RunResult, type Shape, type Step } from './harness';

const OTHER = 'pages/other/index';

async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(1000);
}

export const simEngine: Engine = {
  name: 'sim',
  async run(shape: Shape, mode): Promise<RunResult> {
    const log = new HostLog();
    const result: RunResult = { log: log.entries, members: [], events: [], warnings: [] };
    const undoConsole = captureConsole(result.warnings);
    const rt = createRuntime({ appConfig: { pages: [ROUTE, OTHER] }, printErrors: false, suspendAfterHideMs: null });
    try {
      const proc = rt.start(shape.query ? { query: shape.query } : {});
      const tracker = startWetrack(mode, result.events);
      const c = makeCtx(log, mode, tracker);
      proc.definePage(ROUTE, () => shape.define(c));
      proc.definePage(OTHER, () => mp.Page({}));
      mp.App({});
      // Errors the framework catches are logged when it catches them, in order with the calls.
      const errors = proc.errors;
      const push = errors.push.bind(errors);
      errors.push = (...e) => {
        for (const x of e) log.push(`framework caught ${log.describe(x.error)} in ${x.where.replace(/^.*?\.(?=[a-zA-Z]+(\.[a-z]+)?$)/, '')}`);
        return push(...e);
      };
      let page: SimPage | undefined;
      let taps = 0;
      // an event's timeStamp counts from the page's opening (WeChat docs, 事件对象)
      const openedAt = Date.now();
      // What the framework saw at the end of a step: errors it caught, the data, the instance's own keys.
      const step = stepper(log, result, settle, () => page as unknown as Inst | undefined);
      await step('launch', () => {
        page = proc.launch();
        log.push(`instance ${log.id(page)}`);
      });
      for (const s of stepsOf(shape)) await step(label(s), () => doStep(s));

      async function doStep(s: Step): Promise<void> {
        if (!page) throw new Error('no page');
        if (s === 'hide') return proc.hide();
        if (s === 'show') return void proc.show();
        if (s === 'unload') return void (await proc.redirectTo(`/${OTHER}`));
        if ('tap' in s) {
          const type = s.type ?? 'tap';
          const target = tapTarget(shape.template ?? '', s.tap, type);
          if (!target) throw new Error(`shape ${shape.name}: no ${type} binding on #${s.tap} in the template`);
          const el = { id: s.tap, dataset: target.dataset, offsetLeft: 0, offsetTop: 0 };
          const touch = { identifier: 0, pageX: 10, pageY: 10, clientX: 10, clientY: 10 };
          // One object per dispatch, named so that "the handler got the framework's object" shows in the log.
          const ev = log.name({ type, timeStamp: Date.now() - openedAt, target: el, currentTarget: { ...el }, detail: { x: 10, y: 10 }, touches: [touch], changedTouches: [touch] }, `event:${type}${++taps}`);
          proc.pageEvent(target.handler, ev);
          log.push(`event after dispatch ${log.describe({ ...ev })}`);
          return;
        }
        const f = page[s.call];
        if (typeof f !== 'function') return void log.push(`host finds ${s.call} = ${log.describe(f)}`);
        try {
          log.push(`host got ${log.describe((f as (...a: unknown[]) => unknown).apply(page, s.args ? s.args(c) : []))}`);
        } catch (e) {
          log.push(`host caught ${log.describe(e)}`);
        }
      }
    } finally {
      rt.dispose();
      undoConsole();
    }
    return result;
  },
};
