import type { Bag } from '../autocapture/hook';
import type { ResolvedExposure } from './options';

/** The part of WeChat's IntersectionObserver we use. */
interface Observer {
  relativeToViewport(margins?: object): Observer;
  observe(selector: string, cb: (res: { dataset?: Bag; intersectionRatio: number; intersectionRect?: { height: number } }) => void): void;
  disconnect(): void;
}
interface Query {
  selectAll(selector: string): { fields(fields: object, cb: (nodes: { dataset?: Bag }[]) => void): Query };
  exec(): void;
}
/** A page or component instance: both observe and query in their own scope. */
export interface Scope {
  createIntersectionObserver(options: object): Observer;
  createSelectorQuery?(): Query;
  setData?: SetData;
}
/** Marked once wrapped (MARK), so that a scope watched again is not wrapped twice. */
type SetData = ((data: object, cb?: () => void) => void) & { [MARK]?: 1 };

interface State {
  page: object;
  selector: string;
  /** The datasets of the slots found at the last look, in document order. */
  slots: Bag[];
  /** Their ids and min ratios: a change of it means new observers. '' no slots, undefined not looked yet. */
  key?: string;
  /** The scope's observer, and the one it replaces until shortly after the new one has reported. */
  ob?: Observer;
  old?: Observer;
}

// Stryker disable next-line StringLiteral: any key no other code sets works, '' too (autocapture's mark is '__wt')
const MARK = '__wtx';
/** Reports of one frame may come in any order: the old observer stays this long after the new one's first. */
const HANDOVER_MS = 100;

/**
 * Observers for exposure, one per page or component scope that has slots, and none for the others.
 * WeChat on IntersectionObserver (wx.createIntersectionObserver and IntersectionObserver.* pages,
 * developers.weixin.qq.com/miniprogram/dev/api/wxml/): `observeAll` "selecting too many nodes
 * affects rendering performance"; targets are the nodes the selector finds when observe() is
 * called (glass-easel-miniprogram-adapter's IntersectionObserver: querySelectorAll at observe), so
 * new content needs a new observer; a new observer reports a node at start only when its ratio
 * differs from `initialRatio` (0) across a threshold: a node out of view is not reported.
 *
 * So, after render and after each setData, one selector query (fields: dataset, no layout) lists
 * the scope's slots; the observer is made or remade only when that list changed. One query per
 * scope, from the scope itself: WeChat does not say whether several `.in(component)` in one query
 * each keep their own scope (SelectorQuery.in). A page-wide observer with `>>>` is not used either:
 * the selector docs list `>>>` for queries, and developers' reports on observers disagree
 * (developers.weixin.qq.com/community/develop/doc/000ce6fadb0cc8d4706d5fd3351c00).
 *
 * A remade observer would not report a slot that left view before its first measurement (the ratio is then 0, equal
 * to initialRatio): the old observer stays connected until a moment after the new one's first
 * report, and hears that leave; until then both report, which the scheduler takes as one. Slots
 * gone from the scope end their dwell (an observer reports nothing about a removed node).
 *
 * Skyline's list-builder / grid-builder build items while scrolling without setData
 * (developers.weixin.qq.com/miniprogram/dev/component/list-builder.html): those are observed after
 * `wetrack.exposure.refresh(this)`, e.g. from `bind:itembuild`.
 */
export function createObservers(rules: ResolvedExposure, see: (dataset: Bag, ratio: number, visiblePx: number) => void, safe: (f: () => void) => void) {
  const states = new WeakMap<Scope, State>();
  const scopes = new WeakMap<object, Set<Scope>>();
  /** The page whose view is on. */
  let view: object | undefined;

  const gone = (slot: Bag) => see(slot, 0, 0);

  const stop = (st: State) => {
    if (st.ob) st.ob.disconnect();
    if (st.old) st.old.disconnect();
    st.ob = st.old = undefined;
  };

  const observe = (scope: Scope, st: State) => {
    if (!st.key) return stop(st);
    if (st.old) st.old.disconnect();
    st.old = st.ob;
    // Thresholds only where a rule decides: the ratios, or tenths for a height in px.
    const th = [rules.minRatio];
    st.slots.forEach((d) => {
      const r = +(d.wtMinRatio as string);
      if (r >= 0 && r <= 1 && th.indexOf(r) < 0) th.push(r);
    });
    if (rules.minVisiblePx !== undefined) for (let i = 1; i < 10; i++) th.push(i / 10);
    const ob = (st.ob = scope.createIntersectionObserver({ observeAll: true, thresholds: th }));
    ob.relativeToViewport(rules.viewportMargins).observe(st.selector, (res) =>
      safe(() => {
        const old = st.old;
        if (ob == st.ob && old) {
          st.old = undefined;
          setTimeout(() => safe(() => old.disconnect()), HANDOVER_MS);
        }
        const ds = res.dataset || {};
        // Nothing from an observer released with its page view.
        if (st.ob && ds.wtSlot != null) see(ds, res.intersectionRatio, res.intersectionRect ? res.intersectionRect.height : 0);
      }),
    );
  };

  /** What one look found in the scope; undefined when the scope cannot be queried: observe anew. */
  const found = (scope: Scope, st: State, nodes?: { dataset?: Bag }[]) => {
    if (states.get(scope) !== st) return;
    const slots: Bag[] = [];
    if (nodes) nodes.forEach((n) => n.dataset && n.dataset.wtSlot != null && slots.push(n.dataset));
    const key = nodes ? slots.map((d) => d.wtSlot + ' ' + d.wtMinRatio).join('\n') : '?';
    if (nodes && key === st.key) return;
    if (nodes && st.page === view) st.slots.forEach((d) => slots.some((e) => String(e.wtSlot) == String(d.wtSlot)) || gone(d));
    st.slots = slots;
    st.key = key;
    if (st.page === view) observe(scope, st);
  };

  /** Looks at the scope's slots: one query, without layout. */
  const look = (scope: Scope) => {
    const st = states.get(scope);
    const q = st && scope.createSelectorQuery && scope.createSelectorQuery();
    if (!q) return st && found(scope, st);
    q.selectAll(st.selector)
      // Stryker disable next-line ArrayDeclaration: a list of no nodes finds no slot, as [] does
      .fields({ dataset: true }, (nodes) => safe(() => found(scope, st, nodes || [])))
      .exec();
  };

  return {
    /**
     * A page (onReady) or a component (ready) of `page` has rendered, or the manual API: observes
     * its slots while `page` is in view, and looks again after each of its setData. Again on a
     * scope already watched: looks again now (content that came without setData).
     */
    watch(scope: Scope, page = view, selector?: string) {
      let st = states.get(scope);
      if (!st) {
        if (!page) return;
        states.set(scope, (st = { page, selector: rules.selector, slots: [] }));
        let set = scopes.get(page);
        if (!set) scopes.set(page, (set = new Set()));
        set.add(scope);
        const setData = scope.setData;
        if (typeof setData == 'function' && !setData[MARK]) {
          const wrapped: SetData = function (this: Scope, data: object, cb?: () => void) {
            return setData.call(this, data, function (this: unknown, ...args: unknown[]) {
              safe(() => look(scope));
              return cb && cb.apply(this, args as []);
            });
          };
          wrapped[MARK] = 1;
          scope.setData = wrapped;
        }
      }
      if (selector) st.selector = selector;
      look(scope);
    },
    /** A component detached, or the manual stop: no more observing there; its slots left view. */
    forget(scope: Scope) {
      const st = states.get(scope);
      if (!st) return;
      stop(st);
      states.delete(scope);
      scopes.get(st.page)!.delete(scope);
      if (st.page === view) st.slots.forEach(gone);
    },
    /** A page view starts (or resumes), the one before ended (endView): its scopes that have slots are observed. */
    startView(page: object) {
      view = page;
      const set = scopes.get(page);
      if (set) set.forEach((scope) => observe(scope, states.get(scope)!));
    },
    /** The page view pauses or ends: every observer is released. */
    endView() {
      const set = view && scopes.get(view);
      if (set) set.forEach((scope) => stop(states.get(scope)!));
      view = undefined;
    },
  };
}
