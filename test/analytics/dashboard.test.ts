/**
 * The dashboard (GET /dashboard) in chromium (test/support/browser.ts): a seeded crowd over 14 virtual
 * days through the SDK, plus fixture taps with x/y on the home page (the SDK does not send tap
 * positions yet). Every chart draws marks from the data, and the numbers it shows are the API's;
 * the funnel form runs a funnel the operator types. Each chart is captured as a PNG: into the
 * temp dir, or into docs/ (the README shows them) with WETRACK_SCREENSHOTS=1.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analytics } from '../../collector/analytics';
import { startCollector, type Collector } from '../../collector/server';
import { launchChromium } from '../support/browser';
import { buildMiniprogramBundle } from '../qa/build';
import { runCrowd } from '../qa/crowd';
import { ExampleApp } from '../qa/miniapp';
import { installClock, prng } from '../qa/time';

const APP = path.resolve(__dirname, '../../example-miniprogram/miniprogram');
const CHARTS = ['daily', 'retention', 'funnel', 'channels', 'affinity', 'ab', 'tiers', 'repurchase', 'heatmap'] as const;
const START = Date.UTC(2025, 5, 18, 2, 0, 0);

let dir: string;
let shots: string;
let c: Collector;
let browser: Browser;
let page: Page;
let api: Analytics;

/** Taps where a home page's fingers land: the banner, the category row, the first cards; some anywhere. */
function fixtureTaps(count: number) {
  const r = prng(77);
  const spots = [
    { x: 187, y: 110, dx: 150, dy: 60 },
    { x: 60, y: 250, dx: 30, dy: 25 },
    { x: 187, y: 250, dx: 30, dy: 25 },
    { x: 315, y: 250, dx: 30, dy: 25 },
    { x: 100, y: 420, dx: 70, dy: 70 },
    { x: 275, y: 420, dx: 70, dy: 70 },
  ];
  const events = [];
  for (let i = 0; i < count; i++) {
    const s = r.chance(0.1) ? { x: 187, y: 400, dx: 187, dy: 380 } : spots[Number(r.weighted({ 0: 5, 1: 2, 2: 2, 3: 2, 4: 3, 5: 3 }))]!;
    const x = Math.round(Math.min(374, Math.max(0, s.x + (r.next() * 2 - 1) * s.dx)));
    const y = Math.round(Math.max(0, s.y + (r.next() * 2 - 1) * s.dy));
    events.push({ id: 'heat' + i, seq: i + 1, name: '$tap', time: START + i * 60_000, anonymousId: 'fixture-heat', sessionId: 'fixture-heat-1', page: 'pages/home/index', properties: { path: 'pages/home/index', x, y } });
  }
  return events;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wetrack-dashboard-'));
  shots = process.env.WETRACK_SCREENSHOTS === '1' ? path.resolve(__dirname, '../../docs') : path.join(dir, 'shots');
  mkdirSync(shots, { recursive: true });
  const sdk = await buildMiniprogramBundle();
  c = await startCollector({ port: 0, db: path.join(dir, 'events.duckdb'), log: { info: () => {}, warn: (m) => console.error(m) } });
  const clock = installClock(START);
  const warn = console.warn;
  console.warn = () => {};
  try {
    await runCrowd({ app: new ExampleApp(APP, sdk, { serverUrl: c.url }), clock, sessions: 120, seed: 20250618, days: 14 });
  } finally {
    clock.uninstall();
    console.warn = warn;
  }
  const res = await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sentAt: Date.now(), context: { lib: 'wetrack', screenWidth: 375 }, events: fixtureTaps(400) }) });
  expect(res.status).toBe(200);
  api = (await (await fetch(new URL('/api/analytics', c.liveUrl))).json()) as Analytics;
  ({ browser } = await launchChromium());
  page = await browser.newPage({ viewport: { width: 720, height: 900 } });
  await page.goto(new URL('/dashboard', c.liveUrl).href);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await c?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const marks = (id: string) => page.$$eval(`#chart-${id} svg .mark`, (m) => m.length);
const texts = (id: string) => page.$$eval(`#chart-${id} svg text`, (t) => t.map((x) => x.textContent ?? ''));

describe('dashboard (chromium)', () => {
  it('draws every chart from data, and takes its picture', async () => {
    expect(await page.$eval('#error', (e) => (e as HTMLElement).hidden)).toBe(true);
    const want: Record<(typeof CHARTS)[number], number> = {
      daily: 4, // one line per series
      retention: api.retention.reduce((t, r) => t + r.retained.filter((x) => x !== null).length, 0),
      funnel: api.funnel.steps.length,
      channels: api.channels.channels.length,
      affinity: Math.min(12, api.affinity.pairs.length),
      ab: api.ab.variants.length,
      tiers: api.tiers.length,
      repurchase: 2,
      heatmap: api.heatmap.find((p) => p.page === 'pages/home/index')!.cells.length,
    };
    for (const id of CHARTS) {
      expect(want[id], id).toBeGreaterThan(0);
      expect(await marks(id), id).toBe(want[id]);
      const file = path.join(shots, `dashboard-${id}.png`);
      await page.locator(`#chart-${id}`).screenshot({ path: file });
      expect(statSync(file).size, id).toBeGreaterThan(3000);
    }
  });

  it('shows the API’s figures', async () => {
    expect(await texts('funnel')).toEqual(expect.arrayContaining(api.funnel.steps.map((s) => s.step)));
    const [card, wechat] = api.ab.variants;
    expect((await texts('ab')).join('\n')).toContain(`wechat (${wechat!.converted}/${wechat!.users})`);
    expect((await texts('ab')).join('\n')).toContain(`card (${card!.converted}/${card!.users})`);
    expect(await texts('tiers')).toEqual(expect.arrayContaining(api.tiers.map((t) => t.tier)));
    const daily = await page.$$eval('#chart-daily svg polyline', (p) => p.map((l) => l.getAttribute('points')!.split(' ').length));
    expect(daily).toEqual([1, 2, 3, 4].map(() => api.daily.length));
    expect(await page.textContent('#heat-note')).toContain('pages/home/index: 400 taps placed');
  });

  it('runs the funnel the operator types', async () => {
    await page.fill('#funnel-steps', 'view_product\nadd_to_cart\ncheckout exp_pay_default=wechat\npay_success');
    await page.selectOption('#funnel-within', '7');
    const def = { steps: [{ name: 'view_product', where: {} }, { name: 'add_to_cart', where: {} }, { name: 'checkout', where: { exp_pay_default: 'wechat' } }, { name: 'pay_success', where: {} }], within: 7 };
    const want = (await (await fetch(new URL('/api/funnel?def=' + encodeURIComponent(JSON.stringify(def)), c.liveUrl))).json()) as { steps: { step: string; count: number }[] };
    await page.click('#funnel-form button');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#chart-funnel svg text')).some((t) => t.textContent === 'checkout exp_pay_default=wechat'));
    const shown = await texts('funnel');
    for (const s of want.steps) expect(shown).toContain(s.step);
    expect(shown.filter((t) => /^\d+( ·|$)/.test(t)).map((t) => Number(t.split(' ')[0]))).toEqual(want.steps.map((s) => s.count));
    expect(want.steps[2]!.count).toBeGreaterThan(0);
  });
});
