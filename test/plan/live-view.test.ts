/**
 * The live view with a tracking plan, in chromium (test/support/browser.ts): the coverage panel
 * (per event and slot, per app version, never seen, not in the plan, the violations), events that
 * differ from the plan marked with their violations, the "plan violations only" filter, and the
 * panel following the stream. Without a plan the panel and the filter stay hidden.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../collector/server';
import { loadPlan } from '../../plan/load';
import { launchChromium } from '../support/browser';

const plan = loadPlan(path.resolve(__dirname, '../../example-miniprogram/tracking-plan.json')).plan!;
let dir: string;
let c: Collector;
let bare: Collector;
let browser: Browser;
let page: Page;
let n = 0;

const ev = (name: string, properties: Record<string, unknown>, over: Record<string, unknown> = {}) => ({ id: 'lv' + String(++n).padStart(6, '0'), seq: n, name, time: Date.now(), anonymousId: 'anon-lv', sessionId: 's', page: 'pages/product/index', properties, ...over });
const good = { product_code: 'VG-101', price: 12.9, quantity: 1 };
async function post(to: Collector, events: unknown[], appVersion = '1.0.0') {
  const res = await fetch(to.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sentAt: Date.now(), context: { lib: 'wetrack', appVersion }, events }) });
  expect(res.status).toBe(200);
}
const cells = (sel: string) => page.$$eval(sel, (tds) => tds.map((t) => (t.textContent ?? '').trim()));

describe('live view with a tracking plan (chromium)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wetrack-plan-live-'));
    c = await startCollector({ port: 0, db: path.join(dir, 'live.duckdb'), plan, log: { info: () => {}, warn: () => {} } });
    bare = await startCollector({ port: 0, db: path.join(dir, 'bare.duckdb'), log: { info: () => {}, warn: () => {} } });
    await post(c, [ev('add_to_cart', good), ev('add_to_cart', { ...good, quantity: '1' }), ev('view_product', { product_code: 'VG-101', price: 12.9, category: 'assets' })]);
    await post(c, [ev('add_to_cart', good), ev('$exposure', { slot: 'home.rec.1', path: 'pages/home/index', code: 'VG-102' }, { page: 'pages/home/index' })], '1.1.0');
    browser = (await launchChromium()).browser;
    page = await browser.newPage();
    await page.goto(c.liveUrl);
    await page.waitForSelector('#status.on');
    await page.waitForFunction(() => document.querySelectorAll('#events tr.event').length === 5);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await c?.close();
    await bare?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the coverage: events seen, valid share, never seen, slots, the violation', async () => {
    await page.waitForSelector('#plan:not([hidden])');
    expect(await page.textContent('#cov-summary')).toBe('5 of 5 events checked against the plan, 1 with violations');
    expect(await cells('#cov-events tr[data-event="add_to_cart"] td')).toEqual(['add_to_cart implemented', '3', '66.7%', 'cart_quantity, from']);
    expect(await cells('#cov-events tr[data-event="favourite_product"] td')).toEqual(['favourite_product approved', '0', '—', 'never seen']);
    expect(await cells('#cov-slots tr[data-slot="home.rec.*"] td')).toEqual(['home.rec.*', '1', '1', '0', '100.0%']);
    expect(await cells('#cov-slots tr[data-slot="category.item.*"] td')).toEqual(['category.item.*', '0', '0', '0', 'never seen']);
    expect(await page.textContent('#cov-unplanned')).toBe('Not in the plan: events none; slots none');
    expect(await cells('#cov-violations li')).toEqual(['add_to_cart properties.quantity must be integer, got "1" · 1 event']);
  });

  it('shows one app version at a time', async () => {
    await page.selectOption('#cov-version', '1.1.0');
    expect(await cells('#cov-events tr[data-event="add_to_cart"] td')).toEqual(['add_to_cart implemented', '1', '100.0%', 'cart_quantity, from']);
    await page.selectOption('#cov-version', '*');
    expect((await cells('#cov-events tr[data-event="add_to_cart"] td'))[1]).toBe('3');
  });

  it('marks the event that differs from the plan, says how in its details, and filters on it', async () => {
    const row = '#events tr.event.violation[data-id="lv000002"]';
    expect(await page.textContent(`${row} .badge.plan`)).toBe('✕ plan 1');
    expect(await page.$$eval('#events tr.event.violation', (trs) => trs.length)).toBe(1);
    await page.click(row);
    const details = await page.waitForSelector('#events tr.details[data-for="lv000002"] .violations');
    expect(await details.textContent()).toBe('✕ not as planned: properties.quantity must be integer, got "1"');
    await page.check('#f-violations');
    await page.waitForFunction(() => document.querySelectorAll('#events tr.event').length === 1);
    // The stream respects the filter: a good event stays out, a bad one comes in.
    await post(c, [ev('add_to_cart', good), ev('add_to_card', good)]);
    await page.waitForSelector('#events tr.event[data-id="lv000007"]');
    expect(await page.$$eval('#events tr.event', (trs) => trs.map((t) => (t as HTMLElement).dataset.id))).toEqual(['lv000007', 'lv000002']);
    await page.click('#f-clear');
    await page.waitForFunction(() => document.querySelectorAll('#events tr.event').length === 7);
    expect(await page.isChecked('#f-violations')).toBe(false);
  });

  it('follows the stream, and a violation in the panel filters the events to it', async () => {
    await page.waitForFunction(() => document.getElementById('cov-summary')!.textContent!.startsWith('7 of 7 events checked against the plan, 2 with violations'));
    expect(await page.textContent('#cov-unplanned')).toBe('Not in the plan: events add_to_card (1); slots none');
    await page.click('#cov-violations li[data-name="add_to_card"]');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#events tr.event')).map((t) => (t as HTMLElement).dataset.id).join() === 'lv000007');
    expect(await page.inputValue('#f-name')).toBe('add_to_card');
    expect(await page.isChecked('#f-violations')).toBe(true);
  });

  it('hides the panel and the filter without a plan', async () => {
    await post(bare, [ev('add_to_cart', good)]);
    const other = await browser.newPage();
    try {
      await other.goto(bare.liveUrl);
      await other.waitForFunction(() => document.querySelectorAll('#events tr.event').length === 1);
      await other.waitForLoadState('networkidle');
      expect(await other.isHidden('#plan')).toBe(true);
      expect(await other.isHidden('#f-violations-label')).toBe(true);
    } finally {
      await other.close();
    }
  });
});
