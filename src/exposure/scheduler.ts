import type { Bag } from '../autocapture/hook';
import type { Properties } from '../types';
import type { ResolvedExposure } from './options';

interface Slot {
  /** When the slot became visible enough. */
  since: number;
  dwell: number;
  /** The ratio of its last report. */
  ratio: number;
  /** Its dataset: data-wt-* become the event's properties. */
  dataset: Bag;
}

/**
 * Decides exposures for one page view: a slot counts once it has been visible enough for its dwell
 * time without a break. State is kept only for the slots visible enough now (a slot that leaves
 * drops its state), so the work per report and per deadline is bounded by what is on screen, not
 * by how many slots a long list has shown. One timer serves every slot (the earliest deadline).
 */
export function createScheduler(rules: ResolvedExposure, emit: (props: Properties) => void, counted: Set<string>, safe: (f: () => void) => void) {
  const slots = new Map<string, Slot>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer fires: the earliest deadline. Infinity: no timer. */
  let next = Infinity;
  let paused = false;

  const stop = () => {
    clearTimeout(timer);
    next = Infinity;
    slots.clear();
  };

  // timer is only ever cleared, never tested: clearing one that fired or was cleared does nothing.
  const due = () => {
    const now = Date.now();
    next = Infinity;
    slots.forEach((s, id) => {
      if (counted.has(id)) return;
      // A dwell that is not a number (data-wt-dwell="soon") makes `at` NaN: never due, and never the
      // next deadline, so that it cannot hold back the other slots.
      const at = s.since + s.dwell;
      if (at <= now) {
        counted.add(id);
        const props: Properties = { slot: id, ratio: Math.round(s.ratio * 100) / 100, dwell_ms: now - s.since };
        const ds = s.dataset;
        for (const k in ds) if (/^wt./.test(k) && !/^wt(Slot|MinRatio|Dwell|Ignore)$/.test(k)) props[k[2].toLowerCase() + k.slice(3)] = ds[k];
        emit(props);
        // Stryker disable next-line EqualityOperator: at == next would assign the value next already has
      } else if (at < next) next = at;
    });
    if (next < Infinity) timer = setTimeout(() => safe(due), next - now);
  };

  return {
    /** An observer's report: the slot's dataset (data-wt-slot and the rest), its ratio and visible height in px. */
    see(dataset: Bag, ratio: number, visiblePx: number) {
      const id = String(dataset.wtSlot);
      const minRatio = dataset.wtMinRatio !== undefined ? +(dataset.wtMinRatio as string) : rules.minRatio;
      const slot = slots.get(id);
      // Out of view is never enough, also with a min ratio of 0. Without minVisiblePx, >= undefined is false.
      if (!(ratio > 0 && (ratio >= minRatio || visiblePx >= (rules.minVisiblePx as number)))) {
        // Left view before the dwell: it starts again next time. In 'always' mode leaving allows a new count.
        slots.delete(id);
        if (rules.once == 'always') counted.delete(id);
      } else if (slot) slot.ratio = ratio;
      else if (!paused) {
        const dwell = dataset.wtDwell !== undefined ? +(dataset.wtDwell as string) : rules.minDwellMs;
        const since = Date.now();
        slots.set(id, { since, dwell, ratio, dataset });
        // The timer moves only for a deadline before its own.
        if (since + dwell < next) {
          clearTimeout(timer);
          due();
        }
      }
    },
    /** Page or app hidden: nothing counts, and every dwell starts again on show. */
    pause() {
      paused = true;
      stop();
    },
    /** Shown again (back from a native flow): sightings count again. */
    resume() {
      paused = false;
    },
    /** Done with this page view: release everything. */
    stop,
  };
}
