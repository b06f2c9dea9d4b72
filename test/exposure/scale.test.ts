// @vitest-environment jsdom
/**
 * A list page with 2,000 slots, scrolled fast from top to bottom and then slowly through a few
 * places: exactly the slots that stayed in view for the dwell are counted, once, and the SDK keeps
 * state only for slots it has seen.
 */
import { expect, it, vi } from 'vitest';
import { layout, slots, startSdk, useExposureSuite } from './harness';

const suite = useExposureSuite();

let sdk: ReturnType<typeof startSdk>;

it('2,000 slots, fast scrolling: no double count, no miss, one timer', async () => {
  sdk = suite.sdk = startSdk();
  layout.viewport = 600; // six 100 px slots in view at a time
  const { root } = await sdk.open({ template: `<view>${slots('feed', 2000)}</view>` });
  const page = (root as unknown as { dom: Element }).dom;
  const scroll = async (y: number, ms: number) => {
    layout.scrollTop = y;
    page.dispatchEvent(new Event('scroll'));
    await vi.advanceTimersByTimeAsync(ms);
  };
  // The top six are in view from the start: stay 1 s.
  await vi.advanceTimersByTimeAsync(1000);
  // A fling to the bottom: 500 px every 16 ms (31 m/s on a phone), nothing stays a second.
  for (let y = 500; y <= 199_400; y += 500) await scroll(y, 16);
  // Slow reading at three places, 1.2 s each, and a glance (0.5 s) at a fourth.
  const stops = [50_000, 120_000, 180_050];
  for (const y of stops) await scroll(y, 1200);
  await scroll(90_000, 500);
  // Back to the top: those are already counted in this page view.
  await scroll(0, 1500);
  const counted = sdk.exposures().map((e) => e.slot as string);
  const expected = ['feed.1', 'feed.2', 'feed.3', 'feed.4', 'feed.5', 'feed.6'];
  for (const y of stops) {
    // slots whose 100 px box is at least half inside [y, y + 600)
    for (let i = 0; i < 2000; i++) {
      const top = i * 100;
      const visible = Math.max(0, Math.min(top + 100, y + 600) - Math.max(top, y));
      if (visible >= 50) expected.push('feed.' + (i + 1));
    }
  }
  expect([...counted].sort()).toEqual([...new Set(expected)].sort());
  expect(new Set(counted).size).toBe(counted.length);
});
