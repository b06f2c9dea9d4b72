/**
 * createObservers (src/exposure/observers.ts) against hand-made scopes: a fake IntersectionObserver
 * and SelectorQuery that record what the code asks of them, and that deliver reports and query
 * answers only when the test says so. WeChat delivers both asynchronously (they come from the
 * render thread), so the test decides the order in which they arrive.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bag } from '../../src/autocapture/hook';
import { createObservers, type Scope } from '../../src/exposure/observers';
import type { ResolvedExposure } from '../../src/exposure/options';

type Report = { dataset?: Bag; intersectionRatio: number; intersectionRect?: { height: number } };

class FakeObserver {
  margins?: object;
  selector?: string;
  disconnected = false;
  private cb?: (res: Report) => void;
  constructor(readonly options: { observeAll?: boolean; thresholds?: number[] }) {}
  relativeToViewport(margins?: object) {
    this.margins = margins;
    return this;
  }
  observe(selector: string, cb: (res: Report) => void) {
    this.selector = selector;
    this.cb = cb;
  }
  disconnect() {
    this.disconnected = true;
  }
  /**
   * A report, delivered even after disconnect(): one already on its way from the render thread
   * when the observer was disconnected (and j-component 1.4.10 keeps calling disconnected ones).
   */
  report(dataset: Bag | undefined, ratio: number, height = ratio * 100) {
    this.cb!({ dataset, intersectionRatio: ratio, intersectionRect: { height } });
  }
}

/** A page or component: its slots (the datasets its selector query finds), what it was asked. */
class FakeScope implements Scope {
  observers: FakeObserver[] = [];
  /** The selectors of its queries, and their answers still to deliver. */
  selectors: string[] = [];
  pending: (() => void)[] = [];
  /** The datasets a query finds now; null stands for a query that answers nothing at all. */
  nodes: Bag[] | null = [];
  setDataCalls: object[] = [];
  createSelectorQuery?: () => ReturnType<NonNullable<Scope['createSelectorQuery']>>;
  setData?: (data: object, cb?: () => void) => void;

  constructor(queryable = true) {
    if (queryable) this.createSelectorQuery = () => this.query();
    // The host's setData: renders, then calls back (asynchronously in WeChat: here when answered).
    this.setData = (data: object, cb?: () => void) => {
      this.setDataCalls.push(data);
      if (cb) this.pending.push(() => cb.call(this));
    };
  }
  createIntersectionObserver(options: object) {
    const ob = new FakeObserver(options);
    this.observers.push(ob);
    return ob;
  }
  private query() {
    const q = {
      selectAll: (selector: string) => ({
        fields: (fields: object, cb: (nodes: { dataset?: Bag }[]) => void) => {
          expect(fields).toEqual({ dataset: true });
          this.selectors.push(selector);
          // what is there when the query runs
          const found = this.nodes && this.nodes.map((dataset) => ({ dataset }));
          this.pending.push(() => cb(found as { dataset?: Bag }[]));
          return q;
        },
      }),
      exec: () => {},
    };
    return q;
  }
  /** Delivers what WeChat has not delivered yet (query answers, setData callbacks), in order. */
  answer() {
    const all = this.pending;
    this.pending = [];
    all.forEach((f) => f());
  }
  get live() {
    return this.observers.filter((o) => !o.disconnected);
  }
}

const rules: ResolvedExposure = { selector: '.wt-exposure', minRatio: 0.5, minDwellMs: 1000 };

/** The reports createObservers passes on: slot id, ratio, visible px. */
let seen: [unknown, number, number][];
let observers: ReturnType<typeof createObservers>;
const make = (r: ResolvedExposure = rules) => {
  seen = [];
  // safe() lets faults through: a fault in the code under test fails the test.
  observers = createObservers(r, (ds, ratio, px) => void seen.push([ds.wtSlot, ratio, px]), (f) => f());
  return observers;
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A scope watched on a page in view, with these slots, its first look answered. */
function shown(datasets: Bag[], r: ResolvedExposure = rules) {
  const o = make(r);
  const page = {};
  const scope = new FakeScope();
  scope.nodes = datasets;
  o.startView(page);
  o.watch(scope, page);
  scope.answer();
  return { o, page, scope };
}

describe('thresholds', () => {
  it('a per-slot min ratio adds a threshold when it is within 0..1 (both ends included) and not there yet', () => {
    const { scope } = shown([
      { wtSlot: 'a', wtMinRatio: '0.2' },
      { wtSlot: 'b', wtMinRatio: '1' },
      { wtSlot: 'c', wtMinRatio: '0' },
      { wtSlot: 'd', wtMinRatio: '1.5' },
      { wtSlot: 'e', wtMinRatio: '-0.5' },
      { wtSlot: 'f', wtMinRatio: '0.5' }, // the rule's own
      { wtSlot: 'g', wtMinRatio: '0.2' }, // one already added
      { wtSlot: 'h', wtMinRatio: 'x' },
      { wtSlot: 'i' },
    ]);
    expect(scope.observers.map((o) => o.options)).toEqual([{ observeAll: true, thresholds: [0.5, 0.2, 1, 0] }]);
  });
});

describe('reports', () => {
  it('a report of a node without data-wt-slot (or without a dataset) is not passed on; one with is, with ratio and visible px', () => {
    const { scope } = shown([{ wtSlot: 'a' }]);
    const [ob] = scope.observers;
    ob.report({}, 1);
    ob.report(undefined, 1);
    ob.report({ wtSlot: 'a' }, 0.75, 60);
    expect(seen).toEqual([['a', 0.75, 60]]);
  });

  it('a report that arrives after the page view ended is not passed on', () => {
    const { o, scope } = shown([{ wtSlot: 'a' }]);
    const [ob] = scope.observers;
    o.endView();
    expect(ob.disconnected).toBe(true);
    ob.report({ wtSlot: 'a' }, 1);
    expect(seen).toEqual([]);
  });

  it('the old observer stays connected while only it reports; it is released 100 ms after the new one first reports', () => {
    const { scope } = shown([{ wtSlot: 'a' }]);
    const [first] = scope.observers;
    first.report({ wtSlot: 'a' }, 1); // the only observer reporting: nothing to release
    scope.nodes = [{ wtSlot: 'a' }, { wtSlot: 'b' }];
    scope.setData!({ more: 1 });
    scope.answer(); // setData's callback: a look
    scope.answer(); // its answer: a new observer
    const [, second] = scope.observers;
    expect(scope.live).toEqual([first, second]);
    // The old one reports a slot leaving before the new one has measured: it must stay on.
    first.report({ wtSlot: 'a' }, 0);
    vi.advanceTimersByTime(1000);
    expect(scope.live).toEqual([first, second]);
    second.report({ wtSlot: 'b' }, 1);
    vi.advanceTimersByTime(99);
    expect(scope.live).toEqual([first, second]);
    vi.advanceTimersByTime(1);
    expect(scope.live).toEqual([second]);
    expect(seen).toEqual([
      ['a', 1, 100],
      ['a', 0, 0],
      ['b', 1, 100],
    ]);
  });
});

describe('looks', () => {
  it('a scope that cannot be queried is observed with the selector at once', () => {
    const o = make();
    const page = {};
    const scope = new FakeScope(false);
    o.startView(page);
    o.watch(scope, page);
    expect(scope.observers.map((ob) => ob.selector)).toEqual(['.wt-exposure']);
    scope.observers[0].report({ wtSlot: 'a' }, 1);
    expect(seen).toEqual([['a', 1, 100]]);
  });

  it('a query that answers null (not a list) finds no slots: no observer, and no fault', () => {
    const { scope } = shown([]);
    scope.nodes = null;
    scope.setData!({});
    scope.answer();
    scope.answer();
    expect(scope.selectors).toEqual(['.wt-exposure', '.wt-exposure']);
    expect(scope.observers).toEqual([]);
  });

  it('a query answered after the scope was forgotten makes no observer', () => {
    const o = make();
    const page = {};
    const scope = new FakeScope();
    scope.nodes = [{ wtSlot: 'a' }];
    o.startView(page);
    o.watch(scope, page);
    o.forget(scope); // a component detached before the answer of its first look
    scope.answer();
    expect(scope.selectors).toEqual(['.wt-exposure']);
    expect(scope.observers).toEqual([]);
  });

  it('a scope watched again keeps its selector and its observer: same slots, no new observer', () => {
    const o = make();
    const page = {};
    const scope = new FakeScope();
    scope.nodes = [{ wtSlot: 'ad.1' }];
    o.startView(page);
    o.watch(scope, page, '.ad'); // exposure.observe(page, '.ad')
    scope.answer();
    o.watch(scope); // exposure.refresh(page)
    scope.answer();
    expect(scope.selectors).toEqual(['.ad', '.ad']);
    expect(scope.observers).toHaveLength(1);
    expect(scope.live).toEqual(scope.observers);
  });

  it("a scope of a page not in view is looked at, but gets no observer until its page's view starts", () => {
    const o = make();
    const page = {};
    const scope = new FakeScope();
    scope.nodes = [{ wtSlot: 'a' }];
    o.watch(scope, page); // rendered before shown (onReady, then the view starts)
    scope.answer();
    expect(scope.selectors).toEqual(['.wt-exposure']);
    expect(scope.observers).toEqual([]);
    o.startView(page);
    expect(scope.observers).toHaveLength(1);
  });
});

describe('slots that go', () => {
  it('slots a setData removed are reported out of view, those kept are not', () => {
    const { scope } = shown([{ wtSlot: 'a' }, { wtSlot: 'b' }]);
    scope.nodes = [{ wtSlot: 'a' }, { wtSlot: 'c' }];
    scope.setData!({});
    scope.answer();
    scope.answer();
    expect(seen).toEqual([['b', 0, 0]]);
    expect(scope.observers).toHaveLength(2);
  });

  it('a setData that removes every slot reports each out of view and releases the observers', () => {
    const { scope } = shown([{ wtSlot: 'a' }, { wtSlot: 'b' }]);
    scope.nodes = [];
    scope.setData!({});
    scope.answer();
    scope.answer();
    expect(seen).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
    expect(scope.live).toEqual([]);
  });

  it('while its page is not in view, a scope that loses slots or is forgotten reports nothing (another page may have slots of the same id)', () => {
    const { o, scope } = shown([{ wtSlot: 'a' }, { wtSlot: 'b' }]);
    o.endView(); // the page is hidden
    scope.nodes = [{ wtSlot: 'a' }];
    scope.setData!({});
    scope.answer();
    scope.answer();
    expect(scope.selectors).toHaveLength(2);
    o.forget(scope);
    expect(seen).toEqual([]);
  });

  it('a scope forgotten while its page is in view reports its slots out of view and releases its observer', () => {
    const { o, scope } = shown([{ wtSlot: 'a' }, { wtSlot: 'b' }]);
    o.forget(scope);
    expect(seen).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
    expect(scope.live).toEqual([]);
  });

  // The key that tells whether the slots changed strings ids and min ratios together: lists that
  // read the same once strung without separators are still different lists.
  it.each([
    { name: 'a at min ratio 0.5, then a0 at .5', before: [{ wtSlot: 'a', wtMinRatio: '0.5' }], after: [{ wtSlot: 'a0', wtMinRatio: '.5' }], gone: ['a'] },
    { name: 'a and b at min ratio 1, then "a 1b" at 1', before: [{ wtSlot: 'a', wtMinRatio: '1' }, { wtSlot: 'b', wtMinRatio: '1' }], after: [{ wtSlot: 'a 1b', wtMinRatio: '1' }], gone: ['a', 'b'] },
  ])('slots $name: a change, so a new observer and the old slots out of view', ({ before, after, gone }) => {
    const { scope } = shown(before);
    scope.nodes = after;
    scope.setData!({});
    scope.answer();
    scope.answer();
    expect(scope.observers).toHaveLength(2);
    expect(seen).toEqual(gone.map((id) => [id, 0, 0]));
  });
});

describe('setData', () => {
  it("the wrapped setData passes the host's data, and calls the caller's callback with the scope as this, once", () => {
    const { scope } = shown([]);
    const calls: unknown[] = [];
    scope.setData!({ x: 1 }, function (this: unknown) {
      calls.push(this);
    });
    scope.answer();
    expect(scope.setDataCalls).toEqual([{ x: 1 }]);
    expect(calls).toEqual([scope]);
    // and a setData without a callback still looks again
    scope.setData!({ y: 2 });
    scope.answer();
    expect(scope.selectors).toHaveLength(3);
  });
});
