/**
 * Moments single-page mode, scene 1154 (issue 9, point 8): a storage of its own and a reduced API
 * set (test/sim/subpackages.ts). What wetrack reports there, and that nothing breaks.
 */
import { describe, expect, it, vi } from 'vitest';
import { createRuntime, mp, type Runtime, type SimProcess } from '../sim';
import { SINGLE_PAGE_TOAST, type SinglePageApis } from '../sim/subpackages';
import { useSimSuite } from '../support/suite';
import { startCollector, type Collector } from '../support/collector';

let collector: Collector | undefined;
const suite = useSimSuite(async () => {
  await collector?.close();
  collector = undefined;
});

const HOME = 'pages/home/index';
const ARTICLE = 'pages/article/index';
const appConfig = { pages: [HOME, ARTICLE], tabBar: { list: [{ pagePath: HOME, text: 'Home' }] } };

const tap = (id: string) => {
  const el = { id, dataset: {}, offsetLeft: 0, offsetTop: 0 };
  return { type: 'tap', timeStamp: 1, target: el, currentTarget: el, detail: { x: 1, y: 1 }, touches: [], changedTouches: [{ identifier: 0 }], mark: {} };
};

type Event = Record<string, unknown> & { properties: Record<string, unknown> };

/**
 * One launch: a fresh copy of the package (a new process evaluates it again), app.js with init,
 * the article page (shareable to Moments, its "related" link navigates), and the events it delivered.
 */
async function launch(rt: Runtime, start: { scene?: number; path: string }, beforeInit?: (p: SimProcess) => void) {
  const p = rt.start(start);
  vi.resetModules();
  const wetrack = (await import('../../src/index')).default;
  const c = collector!;
  const from = c.events().length;
  const host: unknown[] = [];
  beforeInit?.(p);
  // Exposure off: the simulator's pages have IntersectionObservers only in the exposure harness.
  wetrack.init({ serverUrl: c.url, batchSize: 1000, flushIntervalMs: 3_600_000, exposure: false });
  mp.App({ onLaunch: (o: unknown) => void host.push((o as { scene: number }).scene) });
  p.definePage(HOME, () => mp.Page({}));
  p.definePage(ARTICLE, () =>
    mp.Page({
      onRelated() {
        // Route APIs are disabled in single-page mode: the host's own call fails, as it would without wetrack.
        if (typeof p.wx.navigateTo != 'function') return void host.push('no navigateTo'), 'related';
        (p.wx.navigateTo({ url: '/' + HOME }) as Promise<unknown>).catch((e: unknown) => void host.push(e));
        return 'related';
      },
      onShareAppMessage: () => ({ title: 'article' }),
      onShareTimeline: () => ({ title: 'article', query: 'id=7' }),
    }),
  );
  p.launch();
  const page = p.currentPage() as unknown as { onRelated(e: unknown): unknown };
  if (p.currentPage()!.route === ARTICLE) expect(page.onRelated(tap('related'))).toBe('related');
  await suite.clock.advance(1000);
  p.hide();
  // Until the queue is empty, answers included: the next launch then has nothing of this one to send again.
  let drained = false;
  void wetrack.flush().then(() => (drained = true));
  await suite.clock.runUntil(() => drained, { label: 'launch delivered' });
  return { p, host, events: c.events().slice(from) as Event[], wetrack };
}

describe('Moments single-page mode (scene 1154)', () => {
  for (const apis of ['fail', 'absent'] as SinglePageApis[])
    it(`flags the launch, claims no first launch, captures the page, and breaks nothing (disabled APIs: ${apis})`, async () => {
      collector = await startCollector();
      const warn = vi.mocked(console.warn);
      const rt = createRuntime({ appConfig, printErrors: false, suspendAfterHideMs: null, singlePageApis: apis });

      // An existing user of the mini-program…
      const first = await launch(rt, { path: HOME });
      expect(first.events[0].properties).toMatchObject({ is_first_launch: true });
      const user = first.events[0].anonymousId;

      // …opens an article shared to Moments. In 'absent' mode the split device APIs are removed too, so
      // the SDK falls back to getSystemInfoSync, which the report says answers undefined there.
      const moments = await launch(rt, { scene: 1154, path: ARTICLE + '?id=7' }, (p) => {
        if (apis === 'absent') delete p.wx.getDeviceInfo;
      });
      const names = moments.events.map((e) => e.name);
      expect(names).toEqual(['$app_launch', '$app_show', '$page_view', '$tap', '$page_leave', '$app_hide']);
      const launchProps = moments.events[0].properties;
      expect(launchProps).toMatchObject({ scene: 1154, path: ARTICLE, query: { id: '7' }, single_page: true });
      expect('is_first_launch' in launchProps).toBe(false);
      // Its storage is its own: an id of its own, unrelated to the user's.
      expect(moments.events[0].anonymousId).not.toBe(user);
      expect(rt.singlePageStorage.keys().filter((k) => k.startsWith('wt_'))).toContain('wt_id');
      expect(moments.events.find((e) => e.name === '$tap')!.properties).toMatchObject({ path: ARTICLE, handler: 'onRelated', element_id: 'related' });
      // The host's failed navigation is its own business; nothing else failed, nothing threw.
      await suite.clock.advance(0);
      expect(moments.host).toEqual([1154, apis === 'fail' ? { errMsg: 'navigateTo:fail ' + SINGLE_PAGE_TOAST } : 'no navigateTo']);
      expect(moments.p.errors).toEqual([]);
      expect(warn.mock.calls.flat().filter((m) => /failed/.test(String(m)))).toEqual([]);

      // A second open from Moments: the same single-page id, still no first-launch claim.
      const again = await launch(rt, { scene: 1154, path: ARTICLE });
      expect(again.events[0].anonymousId).toBe(moments.events[0].anonymousId);
      expect('is_first_launch' in again.events[0].properties).toBe(false);

      // 前往小程序 (scene 1155): the mini-program itself, with the user's own storage and id.
      const full = await launch(rt, { scene: 1155, path: ARTICLE });
      expect(full.events[0].properties).toMatchObject({ scene: 1155, is_first_launch: false });
      expect('single_page' in full.events[0].properties).toBe(false);
      expect(full.events[0].anonymousId).toBe(user);
    });
});
