// @vitest-environment jsdom
/**
 * The framework fixtures render, a tap on "buy" has the host effect it should, the number of
 * mini-program handler calls per gesture is what the fixture declares, and the raw event data the
 * dispatcher receives matches the fixture's `expected.raw*` fields (so SDK tests can rely on them).
 * No SDK involved: a recording wrapper stands in for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fixtures } from '../fixtures/frameworks';
import { cleanupSimulate, componentInstances, renderPage, tap, type MpEvent, type MpOptions, type SimRoot, type WrapFn } from '../support/mp-simulate';

interface Call {
  method: string;
  event: MpEvent;
}

/** wraps every function in methods / top level (Page) to record calls that receive an event object */
function recorder(calls: Call[]): WrapFn {
  const wrapFns = (obj: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v !== 'function' || k === 'lifetimes') continue;
      const fn = v as (...a: unknown[]) => unknown;
      obj[k] = function (this: unknown, ...args: unknown[]) {
        const e = args[0] as MpEvent | undefined;
        if (e && typeof e === 'object' && 'currentTarget' in e && 'type' in e) calls.push({ method: k, event: e });
        return fn.apply(this, args);
      };
    }
  };
  return (o: MpOptions) => {
    wrapFns(o);
    if (o.methods && typeof o.methods === 'object') wrapFns(o.methods as Record<string, unknown>);
  };
}

/** instance-level dispatchers (uni-app e0…): recorded by wrapping them on every instance after attach */
function recordInstanceHandlers(root: SimRoot, calls: Call[]): void {
  for (const inst of componentInstances(root)) recordOwn(inst as Record<string, unknown>, calls);
}
function recordOwn(page: Record<string, unknown>, calls: Call[]): void {
  for (const [k, v] of Object.entries(page)) {
    if (!/^e\d+/.test(k) || typeof v !== 'function') continue;
    const fn = v as ((...a: unknown[]) => unknown) & { value?: unknown };
    const wrapped = Object.assign(function (this: unknown, e: MpEvent) {
      calls.push({ method: k, event: e });
      return fn.call(this, e);
    }, { value: fn.value });
    page[k] = wrapped;
  }
}

afterEach(() => cleanupSimulate());

for (const fw of fixtures) {
  describe(`${fw.framework} fixtures`, () => {
    for (const s of fw.scenarios) {
      it(`${s.name}: one buy tap → host effect, handler calls and raw event data as declared`, async () => {
        const calls: Call[] = [];
        const wrap = { Component: recorder(calls), Page: recorder(calls) };
        const { root, page } = renderPage(s.load(wrap));
        expect(page.route).toBe(s.route);
        recordInstanceHandlers(root, calls);
        await tap(root, s.buySelector);
        await s.settle();
        expect(s.effect(page, root)).toEqual(s.effectAfterOneTap);
        const counted = calls.filter((c) => !c.event.type.startsWith('touch'));
        expect(counted.map((c) => `${c.method}:${c.event.type}`)).toHaveLength(s.mpHandlerCallsPerTap);
        const first = calls.find((c) => c.method === s.expected.rawHandler && c.event.type === 'tap');
        expect(first, `a ${s.expected.rawHandler} call for the tap`).toBeDefined();
        expect(first!.event.currentTarget.id).toBe(s.expected.rawElementId);
        expect(first!.event.currentTarget.dataset).toEqual(s.expected.rawDataset);
        // every handler call of the native gesture saw the same timeStamp
        const tapCalls = calls.filter((c) => c.event.type === 'tap' && Array.isArray(c.event.touches));
        expect(new Set(tapCalls.map((c) => c.event.timeStamp)).size).toBe(1);
      });

      it(`${s.name}: renders and behaves the same without any wrapper`, async () => {
        const { root, page } = renderPage(s.load());
        await tap(root, s.buySelector);
        await s.settle();
        expect(s.effect(page, root)).toEqual(s.effectAfterOneTap);
      });
    }
  });
}
