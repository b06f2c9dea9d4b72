/**
 * What the simulator does not have and the exposure code of every SDK needs: a page's layout, its
 * IntersectionObserver and SelectorQuery. A list of `count` slots, `slotPx` high each, scrolls past a
 * viewport `viewPx` high. Observers report an element when its visible share crosses one of the
 * observer's thresholds (WeChat's documented behaviour), synchronously inside scrollTo(): one call
 * of scrollTo() is one batch of observer callbacks.
 *
 * Stubs added (recorded in BENCHMARKS.md):
 * - page.createIntersectionObserver(options) (wetrack observes in the page's own scope),
 * - wx.createIntersectionObserver(page, options) and wx.createSelectorQuery() (Sensors and
 *   DataRangers look their elements up with a selector query, then observe relative to the viewport).
 */
export interface Slot {
  id: string;
  className: string;
  dataset: Record<string, unknown>;
}

interface Watch {
  className: string;
  thresholds: number[];
  cb: (res: unknown) => void;
  last: Map<number, number>;
}

export class Layout {
  private watches = new Set<Watch>();
  private y = 0;
  /** observer callbacks delivered so far */
  callbacks = 0;
  /** time spent inside the SDKs' observer callbacks (layout work of the stub itself is not counted) */
  sdkMs = 0;

  constructor(
    readonly slots: Slot[],
    readonly slotPx = 100,
    readonly viewPx = 700,
  ) {}

  private ratio(i: number): number {
    const top = i * this.slotPx - this.y;
    const visible = Math.min(top + this.slotPx, this.viewPx) - Math.max(top, 0);
    return Math.max(0, visible) / this.slotPx;
  }

  private rect(i: number) {
    const top = i * this.slotPx - this.y;
    return { left: 0, right: 375, top, bottom: top + this.slotPx, width: 375, height: this.slotPx };
  }

  private result(i: number, r: number) {
    const b = this.rect(i);
    const top = Math.max(b.top, 0);
    const bottom = Math.min(b.bottom, this.viewPx);
    const inter = r > 0 ? { left: 0, right: 375, top, bottom, width: 375, height: bottom - top } : { left: 0, right: 0, top: 0, bottom: 0, width: 0, height: 0 };
    const s = this.slots[i];
    return { id: s.id, dataset: s.dataset, intersectionRatio: r, intersectionRect: inter, boundingClientRect: b, relativeRect: { top: 0, bottom: this.viewPx, left: 0, right: 375 }, time: Date.now() };
  }

  /** How many thresholds a ratio has passed: crossing one of them is what an observer reports. */
  private static bucket(r: number, thresholds: number[]) {
    let n = 0;
    for (const t of thresholds) if (t === 0 ? r > 0 : r >= t) n++;
    return n;
  }

  private deliver(w: Watch) {
    for (let i = 0; i < this.slots.length; i++) {
      if (this.slots[i].className !== w.className) continue;
      const r = this.ratio(i);
      const b = Layout.bucket(r, w.thresholds);
      const was = w.last.get(i) ?? 0;
      if (b === was) continue;
      w.last.set(i, b);
      this.callbacks++;
      const res = this.result(i, r);
      const t0 = performance.now();
      w.cb(res);
      this.sdkMs += performance.now() - t0;
    }
  }

  /** An IntersectionObserver as page.createIntersectionObserver / wx.createIntersectionObserver return it. */
  observer(options: { thresholds?: number[] } = {}) {
    const thresholds = [...(options.thresholds || [0])].map(Number).sort((a, b) => a - b);
    const mine: Watch[] = [];
    const ob = {
      relativeToViewport: () => ob,
      relativeTo: () => ob,
      observe: (selector: string, cb: (res: unknown) => void) => {
        const w: Watch = { className: selector.replace(/^\./, ''), thresholds, cb, last: new Map() };
        mine.push(w);
        this.watches.add(w);
        // WeChat reports what is already in view once observation starts (after layout: a macrotask).
        setTimeout(() => this.watches.has(w) && this.deliver(w), 0);
      },
      disconnect: () => mine.forEach((w) => this.watches.delete(w)),
    };
    return ob;
  }

  /** wx.createSelectorQuery().selectAll('.x').boundingClientRect(cb).exec() */
  selectorQuery() {
    let cls = '';
    let cb: ((rects: unknown[]) => void) | undefined;
    const q = {
      in: () => q,
      selectAll: (selector: string) => {
        cls = selector.replace(/^\./, '');
        return q;
      },
      boundingClientRect: (f: (rects: unknown[]) => void) => {
        cb = f;
        return q;
      },
      exec: () => {
        setTimeout(() => {
          const out = [];
          for (let i = 0; i < this.slots.length; i++) {
            const s = this.slots[i];
            if (s.className === cls) out.push({ id: s.id, dataset: s.dataset, ...this.rect(i) });
          }
          if (cb) cb(out);
        }, 0);
      },
    };
    return q;
  }

  /** Scrolls to `y` px: every observer callback this causes runs now, synchronously. Returns the SDK ms of this batch. */
  scrollTo(y: number): number {
    this.y = y;
    const before = this.sdkMs;
    for (const w of [...this.watches]) this.deliver(w);
    return this.sdkMs - before;
  }

  get height() {
    return this.slots.length * this.slotPx;
  }
}
