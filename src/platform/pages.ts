/* Part of the platform adapter: the page stack. */

import { attempt } from '../log';

declare const getCurrentPages: () => { route?: string }[];

/** The route of the page on top of the stack, if any (none before the first page, or outside a mini-program). */
export function topRoute(): string | undefined {
  return attempt(() => {
    const stack = getCurrentPages();
    return stack[stack.length - 1].route;
  });
}
