/* Part of the platform adapter: the page stack. */

declare const getCurrentPages: () => { route?: string }[];

/** The page on top of the stack, if any (none before the first page, or outside a mini-program). */
export function topPage(): { route?: string } | undefined {
  try {
    const stack = getCurrentPages();
    return stack[stack.length - 1];
  } catch (e) {
    return undefined;
  }
}
