import { attempt, str, type Logger } from '../log';
import { MARK, type Fn } from './hook';

type Ctor = Fn;
declare let Page: Ctor;
declare let Component: Ctor;
declare let Behavior: Ctor;

/** Registers a behavior with the Behavior there is; undefined where there is none (a ReferenceError, or not a function), or it failed. */
export function makeBehavior(options: object): unknown {
  return attempt(() => Behavior(options));
}

/**
 * Replaces the global Page, Component and Behavior with ones that wrap their options first and then
 * call the constructor that was there (another SDK's wrapper, or WeChat's), so both keep working.
 * A constructor already replaced by wetrack (a second init or a second copy of the bundle) is left alone.
 * Where replacing is forbidden (an app that uses plugins) WeChat throws or only logs
 * "[non-writable] modification of global variable "Page" is not allowed when using plugins at
 * app.json" and keeps its own (developers' reports: both happen), so the global is read back.
 */
export function patchGlobals(wraps: { page: (o: unknown) => unknown; component: (o: unknown) => unknown; behavior: (o: unknown) => unknown }, log: Logger) {
  const patch = (name: string, get: () => Ctor, set: (f: Ctor) => void, wrap: (o: unknown) => unknown) => {
    try {
      const prev = get();
      if (typeof prev != 'function' || prev[MARK]) return;
      const f: Ctor = function (this: unknown, options: unknown) {
        return prev.call(this, wrap(options));
      };
      f[MARK] = 1;
      // Static members of the constructor stay reachable (glass-easel's Behavior.trait()).
      Object.setPrototypeOf(f, prev);
      set(f);
      if (get() !== f) throw 'refused';
    } catch (e) {
      log.warn('autocapture: cannot replace global ' + name + ' (' + str(e) + '); set autocapture.patchGlobals to false and use ' + name + '(wetrack.' + name.toLowerCase() + '({...}))');
    }
  };
  patch('Page', () => Page, (f) => (Page = f), wraps.page);
  patch('Component', () => Component, (f) => (Component = f), wraps.component);
  patch('Behavior', () => Behavior, (f) => (Behavior = f), wraps.behavior);
}
