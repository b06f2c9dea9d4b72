/** Which auto-captured events are on, and how. Every flag defaults to true. */
export interface AutocaptureOptions {
  /** Replace the global App, Page, Component and Behavior. Off where the app uses plugins; then wrap explicitly. */
  patchGlobals?: boolean;
  /** $app_launch, $app_show, $app_hide */
  app?: boolean;
  pageView?: boolean;
  pageLeave?: boolean;
  tap?: boolean;
  share?: boolean;
  tabTap?: boolean;
  /** Add the sharer and share depth to shared paths, and report them at launch. */
  shareChain?: boolean;
  /** Routes (without leading slash) or patterns whose page events and taps are not captured. */
  excludePages?: (string | RegExp)[];
  /** Page titles by route, for $page_view. */
  titles?: { [route: string]: string };
}

export type Resolved = Required<Omit<AutocaptureOptions, 'titles' | 'excludePages'>> & AutocaptureOptions;

export function resolveAutocapture(input: boolean | AutocaptureOptions | undefined): Resolved | undefined {
  if (input === false) return;
  const on = { patchGlobals: true, app: true, pageView: true, pageLeave: true, tap: true, share: true, tabTap: true, shareChain: true };
  // Object.assign skips null and false.
  return Object.assign(on, typeof input == 'object' && input);
}
