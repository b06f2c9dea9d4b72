/**
 * WeChat's IntersectionObserver as far as exposure uses it, for a simulated page (test/sim pages
 * have none): every slot in `SLOTS` is fully visible and reported in the first frame (16 ms) after
 * observe(); disconnect() stops reports (IntersectionObserver.disconnect in WeChat's docs).
 */
export const SLOTS = ['home.rec.1', 'home.rec.2'];

export function createIntersectionObserver() {
  let live = true;
  const ob = {
    relativeToViewport: () => ob,
    observe(_selector: string, cb: (res: { dataset: Record<string, unknown>; intersectionRatio: number; intersectionRect: { height: number } }) => void) {
      setTimeout(() => live && SLOTS.forEach((slot) => cb({ dataset: { wtSlot: slot }, intersectionRatio: 1, intersectionRect: { height: 100 } })), 16);
    },
    disconnect: () => void (live = false),
  };
  return ob;
}
