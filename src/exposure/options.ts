/** Exposure rules; per slot, `data-wt-min-ratio` and `data-wt-dwell` override the first and the third. */
export interface ExposureOptions {
  /** Elements matching this selector are slots when they carry data-wt-slot. Default '.wt-exposure'. */
  selector?: string;
  /** Share of the element that must be inside the viewport. Default 0.5. */
  minRatio?: number;
  /** Or this many pixels of its height, whichever comes first. Default: off. */
  minVisiblePx?: number;
  /** For this long without a break. Default 1000. */
  minDwellMs?: number;
  /** 'pageview' (default): once per slot per page view; 'session': once per slot per session; 'always': every entry into view. */
  once?: 'pageview' | 'session' | 'always';
}

export type ResolvedExposure = Required<Omit<ExposureOptions, 'minVisiblePx'>> & Pick<ExposureOptions, 'minVisiblePx'>;

export function resolveExposure(input: boolean | ExposureOptions | undefined): ResolvedExposure | undefined {
  if (input === false) return;
  return Object.assign({ selector: '.wt-exposure', minRatio: 0.5, minDwellMs: 1000, once: 'pageview' as const }, input && typeof input == 'object' ? input : {});
}
