/* Part of the platform adapter: which of WeChat's native full-screen flows the user is in. */
import { attempt } from '../log';
import type { Platform } from './types';

/**
 * The wx APIs whose native screen (image viewer, pickers, camera, payment, map, settings)
 * makes WeChat fire page and App onHide when it opens and App and page onShow when the user comes
 * back, while the user never left the page. WeChat documents none of it; developers report it
 * (the sources are cited in test/sim/native-flows.ts).
 */
const APIS = 'previewImage previewMedia chooseImage chooseMedia chooseVideo chooseMessageFile openDocument requestPayment scanCode chooseLocation openLocation chooseAddress openSetting'.split(' ');

/**
 * A flow that has not hidden the app this long after the call never opened: refused at once (a
 * payment declined, a permission denied) or cancelled in an action sheet before any screen. Long
 * enough for a user to pick "album" in chooseImage's sheet or to answer a permission prompt.
 */
const OPEN_MS = 10_000;

type Fn = (this: unknown, ...args: unknown[]) => unknown;

declare const wx: { [api: string]: unknown };

/**
 * Gives the platform its `flow()`, watching WeChat's `wx`: what auto-capture needs, so an app that
 * imports only the core does not carry it.
 */
export function addNativeFlows(platform: Platform): void {
  // No wx here: no native flows either.
  attempt(() => (platform.flow = watchFlows(wx, platform.onAppHide, platform.onAppShow)));
}

/**
 * Replaces each flow API of `w` with a function that notes the API's name and the time, then calls
 * the original with the same `this` and arguments, returning what it returns (a Promise too) and
 * throwing what it throws. APIs the base library lacks stay absent; where `wx` refuses the
 * replacement (frozen, non-writable: apps that use plugins) that flow just stays unknown.
 *
 * Returns `flow()`: the name from the call, through the hide it causes (page and App onHide, in
 * either order), until the app has shown again; undefined when the flow did not hide the app
 * within OPEN_MS of the call.
 */
export function watchFlows(w: { [api: string]: unknown }, onHide: (l: () => void) => unknown, onShow: (l: () => void) => unknown): () => string | undefined {
  let name: string | undefined;
  /** When the flow was called; Infinity once it hid the app, until the app has shown again. */
  let at = 0;
  const open = () => Date.now() - at < OPEN_MS;
  for (const api of APIS) {
    try {
      const host = w[api] as Fn;
      if (typeof host != 'function') continue;
      const wrapped = function (this: unknown, ...args: unknown[]) {
        name = api;
        at = Date.now();
        return host.apply(this, args);
      };
      w[api] = wrapped;
      // Where WeChat refuses, it logs an error for each attempt and keeps its own (apps that use
      // plugins, see test/sim/plugins.ts): one refusal is enough to know, so stop there.
      if (w[api] !== wrapped) break;
    } catch (e) {
      // Refused: calls go to WeChat's own functions, and flows stay unknown.
      break;
    }
  }
  onHide(() => open() && (at = Infinity));
  // Ended a microtask after the show: every listener of this show, and a page onShow that WeChat
  // runs with it, still sees the flow; a route the app starts on the return (wx.navigateTo from
  // the success callback) hides the page later, as the end of its page view. A flow called again
  // meanwhile (at is a time again) is kept.
  // Stryker disable next-line ConditionalExpression: the check inside repeats it; the two differ only for a hide in
  // the same task as the show, and WeChat fires them from separate native events
  onShow(() => at == Infinity && Promise.resolve().then(() => at == Infinity && (at = 0)));
  return () => (open() ? name : undefined);
}
