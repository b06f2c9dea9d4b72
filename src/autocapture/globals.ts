import { str, type Logger } from '../log';
import { MARK, type Fn } from './hook';

type Ctor = Fn;
declare let Page: Ctor;
declare let Component: Ctor;
declare let Behavior: Ctor;

/**
 * Replaces the global Page, Component and Behavior with ones that wrap their options first and then
 * call the constructor that was there (another SDK's wrapper, or WeChat's), so both keep working.
 * A constructor already replaced by wetrack (a second init or a second copy of the bundle) is left alone.
 * Where replacing is forbidden (an app that uses plugins) the error is caught and explained.
 */
export function patchGlobals(wraps: { page: (o: unknown) => unknown; component: (o: unknown) => unknown; behavior: (o: unknown) => unknown }, log: Logger) {
  const wrapped = (prev: Ctor, wrap: (o: unknown) => unknown): Ctor => {
    const f: Ctor = function (this: unknown, options: unknown) {
      return prev.call(this, wrap(options));
    };
    f[MARK] = 1;
    return f;
  };
  const fail = (name: string, e: unknown) =>
    log.warn('autocapture: cannot replace global ' + name + ' (' + str(e) + '); set autocapture.patchGlobals to false and use ' + name + '(wetrack.' + name.toLowerCase() + '({...}))');
  try {
    if (typeof Page == 'function' && !Page[MARK]) Page = wrapped(Page, wraps.page);
  } catch (e) {
    fail('Page', e);
  }
  try {
    if (typeof Component == 'function' && !Component[MARK]) Component = wrapped(Component, wraps.component);
  } catch (e) {
    fail('Component', e);
  }
  try {
    if (typeof Behavior == 'function' && !Behavior[MARK]) Behavior = wrapped(Behavior, wraps.behavior);
  } catch (e) {
    fail('Behavior', e);
  }
}
