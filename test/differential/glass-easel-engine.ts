/**
 * Engine 2: WeChat's own component framework, glass-easel + glass-easel-miniprogram-adapter 0.12.1
 * (MIT, the wechat-miniprogram organisation), in Node with its empty composed backend.
 *
 * What the adapter gives and what this file adds (the part of WeChat's base library that is not
 * open source):
 * - The adapter implements Page/Component/Behavior (definition objects and the chaining API),
 *   method merging, lifetimes, pageLifetimes, observers, relations, export, definitionFilter,
 *   templates (compiled with glass-easel-template-compiler) and event dispatch. In a code space
 *   the constructors are parameters of `componentEnv(path, cb)`; an app's page file calls the
 *   *globals*. So for the run the globals Page/Component/Behavior are forwarders to the
 *   constructors of the file being defined, installed before wetrack's init, which replaces them
 *   as it replaces WeChat's.
 * - The adapter leaves page lifecycles to the host (it has no router): this engine plays the
 *   base library's part in the order the simulator documents (test/sim/pages.ts): created
 *   (createRoot), attached, onLoad(query), onShow, pageLifetimes.show, ready, onReady; hide:
 *   onHide, pageLifetimes.hide; unload: onUnload, detached. Page methods are looked up on the
 *   instance and called through glass-easel's safeCallback, so a throw is reported like a
 *   lifetime's. `route` and `options` are set on the instance before attached, and
 *   getCurrentPages() returns the page, as WeChat does.
 * - A finger tap is a `tap` Event dispatched at the element (bubbles, composed), with touches and
 *   changedTouches like WeChat's (docs, 事件对象 TouchEvent).
 * wx, getApp and storage come from a test/sim process started first (wetrack needs them).
 */
import * as ge from 'glass-easel';
import { MiniProgramEnv } from 'glass-easel-miniprogram-adapter';
import { TmplGroup } from 'glass-easel-template-compiler';
import { vi } from 'vitest';
import { createRuntime } from '../sim';
import { captureConsole, label, makeCtx, ROUTE, stepper, startWetrack, stepsOf, type Engine, type Mode, type RunResult, type Shape, type ShapeCtx, type Step } from './harness';
import { HostLog, type Inst } from './host-log';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyFn = (...a: any[]) => any;
interface CtorEnv {
  Page: AnyFn;
  Component: AnyFn;
  Behavior: AnyFn & { trait: AnyFn };
}
type GeComponent = ge.GeneralComponent;

const compiled = new Map<string, ge.template.ComponentTemplate>();

/** A WXML template compiled by glass-easel's own compiler (as the adapter's tests do). */
export function tmpl(src: string): ge.template.ComponentTemplate {
  let t = compiled.get(src);
  if (!t) {
    const group = new TmplGroup();
    group.addTmpl('', src);
    const code = group.getTmplGenObjectGroups();
    group.free();
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const groupList = new Function(`return ${code}`)() as Record<string, any>;
    t = { groupList, content: groupList[''] } as ge.template.ComponentTemplate;
    compiled.set(src, t);
  }
  return t;
}

export interface GlassEaselApp {
  env: MiniProgramEnv;
  codeSpace: ReturnType<MiniProgramEnv['createCodeSpace']>;
  /** defines one file: its code runs with the globals forwarding to this file's constructors */
  defineFile(path: string, template: string, config: Record<string, unknown>, code: () => void): void;
  /** the page stack getCurrentPages() returns */
  stack: Inst[];
}

/**
 * A glass-easel code space whose files are defined through the global constructors, plus
 * getCurrentPages. Call before wetrack's init; undo with the returned restore (the test/sim
 * process restores the globals it installed when it is disposed).
 */
export function glassEaselApp(): GlassEaselApp {
  const env = new MiniProgramEnv();
  const codeSpace = env.createCodeSpace('', true);
  let active: CtorEnv | undefined;
  const need = (): CtorEnv => {
    if (!active) throw new Error('a constructor was called outside a file being defined');
    return active;
  };
  // The adapter's constructors take the chaining form when called with no definition (undefined).
  const fwd = (name: 'Page' | 'Component' | 'Behavior') =>
    function (this: unknown, def?: unknown) {
      return def === undefined ? need()[name]() : need()[name](def);
    };
  const Behavior = Object.assign(fwd('Behavior'), { trait: (...a: unknown[]) => need().Behavior.trait(...a) });
  const stack: Inst[] = [];
  for (const [name, value] of Object.entries({ Page: fwd('Page'), Component: fwd('Component'), Behavior, getCurrentPages: () => [...stack] })) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
  return {
    env,
    codeSpace,
    stack,
    defineFile(path, template, config, code) {
      codeSpace.addComponentStaticConfig(path, config);
      codeSpace.addCompiledTemplate(path, tmpl(template));
      codeSpace.componentEnv(path, (e) => {
        const prev = active;
        active = e as unknown as CtorEnv;
        try {
          code();
        } finally {
          active = prev;
        }
      });
    },
  };
}

/** Finds an element by id; 'child >>> inner' looks inside the child component's shadow tree. */
export function findElement(page: GeComponent, selector: string): ge.Element {
  let scope: GeComponent = page;
  let found: ge.Element | undefined;
  for (const part of selector.split('>>>').map((s) => s.trim())) {
    found = scope.getShadowRoot()?.getElementById(part) ?? undefined;
    if (!found) throw new Error(`no element #${part} (in "${selector}")`);
    scope = found as GeComponent;
  }
  return found!;
}

/** A finger gesture at an element, as WeChat dispatches it (bubbles and crosses component boundaries). */
export function fingerTap(el: ge.Element, type = 'tap'): void {
  const touch = { identifier: 0, pageX: 10, pageY: 10, clientX: 10, clientY: 10 };
  ge.Event.dispatchEvent(el, new ge.Event(type, { x: 10, y: 10 }, { bubbles: true, composed: true, extraFields: { touches: [touch], changedTouches: [touch] } }));
}

const settle = () => vi.advanceTimersByTimeAsync(1000);

export const glassEaselEngine: Engine = {
  name: 'glass-easel',
  async run(shape: Shape, mode: Mode): Promise<RunResult> {
    const log = new HostLog();
    const result: RunResult = { log: log.entries, members: [], events: [], warnings: [] };
    const undoConsole = captureConsole(result.warnings);
    const onError = (err: unknown, method?: string) => {
      // glass-easel names the place and the function (`Page onLoad onLoad`); the function's name is
      // left out: a wrapper's name differs from the host's, which only shows in this console text.
      log.push(`framework caught ${log.describe(err)} in ${String(method).replace(/ [^ ]*$/, '')}`);
      return false; // handled: glass-easel does not print it
    };
    const onWarning = (msg: unknown) => {
      log.push(`framework warned ${String(msg)}`);
      return false;
    };
    ge.addGlobalErrorListener(onError);
    ge.addGlobalWarningListener(onWarning);
    const rt = createRuntime({ appConfig: { pages: [ROUTE] }, printErrors: false, suspendAfterHideMs: null });
    try {
      rt.start(shape.query ? { query: shape.query } : {});
      const app = glassEaselApp();
      const tracker = startWetrack(mode, result.events);
      const c: ShapeCtx = makeCtx(log, mode, tracker);
      const guard = (what: string, f: () => void) => {
        try {
          f();
        } catch (e) {
          log.push(`uncaught ${log.describe(e)} in ${what}`);
        }
      };
      const using: Record<string, string> = {};
      for (const child of shape.children ?? []) {
        const path = `components/${child.tag}/index`;
        using[child.tag] = `/${path}`;
        guard(`define ${path}`, () => app.defineFile(path, child.template, { component: true }, () => child.define(c)));
      }
      guard(`define ${ROUTE}`, () => app.defineFile(ROUTE, shape.template ?? '<view />', { usingComponents: using }, () => shape.define(c)));

      const query = shape.query ?? {};
      const qs = Object.entries(query)
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      let comp: GeComponent | undefined;
      let page: Inst | undefined;
      const callPage = (name: string, args: unknown[] = []) => {
        const f = page?.[name];
        if (typeof f === 'function') ge.safeCallback(`Page ${name}`, f as AnyFn, page, args, comp);
      };
      // What the framework saw at the end of a step: errors it caught, the data, the instance's own keys.
      const step = stepper(log, result, settle, () => page);
      await step('launch', () => {
        const root = app.env.associateBackend(new ge.EmptyComposedBackendContext()).createRoot('body', app.codeSpace, qs ? `${ROUTE}?${qs}` : ROUTE);
        comp = root.getComponent();
        page = comp.getMethodCaller() as unknown as Inst;
        page.route = ROUTE;
        page.options = { ...query };
        app.stack.push(page);
        ge.Element.pretendAttached(comp);
        callPage('onLoad', [{ ...query }]);
        callPage('onShow');
        comp.triggerPageLifetime('show', []);
        comp.triggerLifetime('ready', []);
        callPage('onReady');
        log.push(`instance ${log.id(page)}`);
      });
      for (const s of stepsOf(shape)) await step(label(s), () => doStep(s));

      function doStep(s: Step): void {
        if (!comp || !page) throw new Error('no page');
        if (s === 'hide') {
          callPage('onHide');
          comp.triggerPageLifetime('hide', []);
        } else if (s === 'show') {
          callPage('onShow');
          comp.triggerPageLifetime('show', []);
        } else if (s === 'unload') {
          callPage('onUnload');
          ge.Element.pretendDetached(comp);
          app.stack.splice(app.stack.indexOf(page), 1);
        } else if ('tap' in s) {
          fingerTap(findElement(comp, s.tap), s.type ?? 'tap');
        } else {
          const f = page[s.call];
          if (typeof f !== 'function') return void log.push(`host finds ${s.call} = ${log.describe(f)}`);
          try {
            log.push(`host got ${log.describe((f as AnyFn).apply(page, s.args ? s.args(c) : []))}`);
          } catch (e) {
            log.push(`host caught ${log.describe(e)}`);
          }
        }
      }
    } finally {
      rt.dispose();
      ge.removeGlobalErrorListener(onError);
      ge.removeGlobalWarningListener(onWarning);
      undoConsole();
    }
    return result;
  },
};
