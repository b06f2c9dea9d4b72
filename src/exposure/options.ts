import type { Logger } from '../log';

/** Exposure rules; per slot, `data-wt-min-ratio` and `data-wt-dwell` override the first and the third. */
export interface ExposureOptions {
  /** Elements matching this selector are slots when they carry data-wt-slot. Default '.wt-exposure'. */
  selector?: string;
  /** Share of the element that must be inside the viewport. Default 0.5. */
  minRatio?: number;
  /** Or this many pixels of its height, whichever comes first (measured in tenths of the height). Default: off. */
  minVisiblePx?: number;
  /** For this long without a break. Default 1000. */
  minDwellMs?: number;
  /** 'pageview' (default): once per slot per page view; 'session': once per slot per session; 'always': every entry into view. */
  once?: 'pageview' | 'session' | 'always';
  /**
   * Moves the edges of the viewport the slots are measured against, in px: WeChat's
   * `IntersectionObserver.relativeToViewport(margins)`, where a negative value shrinks it. For a
   * custom navigation bar 88 px high and a custom tab bar 50 px high that stay over the page
   * (`position: fixed`), `{ top: -88, bottom: -50 }`: a slot under them is not seen. WeChat's own
   * navigation bar and tab bar lie outside the page's window already. Default: none. Each edge
   * given must be a finite number; otherwise a warning and none.
   */
  viewportMargins?: { top?: number; bottom?: number; left?: number; right?: number };
}

// `once` unset is 'pageview': the code only asks for 'session' and 'always'.
export type ResolvedExposure = Required<Omit<ExposureOptions, 'minVisiblePx' | 'viewportMargins' | 'once'>> & Pick<ExposureOptions, 'minVisiblePx' | 'viewportMargins' | 'once'>;

export function resolveExposure(input: boolean | ExposureOptions | undefined, log: Logger): ResolvedExposure | undefined {
  if (input === false) return;
  const resolved: ResolvedExposure = Object.assign({ selector: '.wt-exposure', minRatio: 0.5, minDwellMs: 1000 }, typeof input == 'object' && input);
  const margins = resolved.viewportMargins as { [edge: string]: unknown } | undefined;
  if (margins !== undefined && !(margins === Object(margins) && Object.keys(margins).every((k) => Number.isFinite(margins[k])))) {
    log.warn('init: options.exposure.viewportMargins is invalid; default used');
    resolved.viewportMargins = undefined;
  }
  return resolved;
}
