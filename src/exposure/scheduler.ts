import type { Properties } from '../types';
import type { ResolvedExposure } from './options';

/** One report from an IntersectionObserver about one slot. */
export interface Sighting {
  slot: string;
  /** The element's dataset: data-wt-* become event properties; min-ratio and dwell override the rules. */
  dataset: { [key: string]: unknown };
  ratio: number;
  /** Visible height in px. */
  visiblePx: number;
}

interface Slot {
  /** When the slot last became visible enough; 0 (or unset) while it is not. */
  since?: number;
  dwell: number;
  ratio: number;
  props: Properties;
}

/**
 * Decides exposures for one page view: a slot counts once it has been visible enough for its dwell
 * time without a break. One timer serves every slot (the earliest deadline), so a long list does
 * not start a timer per element; state is kept only for slots that were seen, and dropped with
 * the page view.
 */
export function createScheduler(rules: ResolvedExposure, emit: (props: Properties) => void, counted: Set<string>, safe: (f: () => void) => void) {
  const slots = new Map<string, Slot>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let paused = false;

  // timer is only ever cleared, never tested: clearing one that fired or was cleared does nothing.
  const due = () => {
    const now = Date.now();
    let next = Infinity;
    slots.forEach((s, id) => {
      if (!s.since || counted.has(id)) return;
      const at = s.since + s.dwell;
      if (at <= now) {
        counted.add(id);
        emit(Object.assign({ slot: id, ratio: Math.round(s.ratio * 100) / 100, dwell_ms: now - s.since }, s.props));
        if (rules.once == 'always') s.since = 0;
      } else next = Math.min(next, at);
    });
    if (next < Infinity) timer = setTimeout(() => safe(due), next - now);
  };

  return {
    see(s: Sighting) {
      const ds = s.dataset;
      const minRatio = ds.wtMinRatio !== undefined ? +(ds.wtMinRatio as string) : rules.minRatio;
      // Out of view is never enough, also with a min ratio of 0. Without minVisiblePx, >= undefined is false.
      const enough = s.ratio > 0 && (s.ratio >= minRatio || s.visiblePx >= (rules.minVisiblePx as number));
      let slot = slots.get(s.slot);
      if (!slot) {
        if (!enough) return;
        const props: Properties = {};
        for (const k in ds) if (/^wt./.test(k) && !/^wt(Slot|MinRatio|Dwell|Ignore)$/.test(k)) props[k[2].toLowerCase() + k.slice(3)] = ds[k];
        slots.set(s.slot, (slot = { dwell: ds.wtDwell !== undefined ? +(ds.wtDwell as string) : rules.minDwellMs, props } as Slot));
      }
      slot.ratio = +s.ratio || 0;
      if (!enough) {
        // Left view before the dwell: it starts again next time. In 'always' mode leaving allows a new count.
        slot.since = 0;
        if (rules.once == 'always') counted.delete(s.slot);
      } else if (!slot.since && !paused) {
        slot.since = Date.now();
        clearTimeout(timer);
        due();
      }
    },
    /** Page or app hidden: nothing counts, and every dwell starts again on show. */
    pause() {
      paused = true;
      clearTimeout(timer);
      slots.forEach((s) => (s.since = 0));
    },
    /** Shown again (back from a native flow): sightings count again. */
    resume() {
      paused = false;
    },
    /** Done with this page view: release everything. */
    stop() {
      clearTimeout(timer);
      slots.clear();
    },
  };
}
