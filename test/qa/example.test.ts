/**
 * The example mini-program as a project DevTools opens: its configuration, its files, WXML that
 * WeChat's own compiler (wcc, from miniprogram-compiler) accepts, exposure slots that CTR can join,
 * wetrack loaded from miniprogram_npm, and one place for the collector's URL.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMiniprogramBundle } from './build';
import { readApp } from './miniapp';
import type { WxmlNode } from './wxml';

const PROJECT = path.resolve(__dirname, '../../example-miniprogram');
const ROOT = path.join(PROJECT, 'miniprogram');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');
const json = (f: string) => JSON.parse(readFileSync(f, 'utf8'));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('example-miniprogram', () => {
  const app = readApp(ROOT);

  it('is a DevTools project with the tourist app id, its pages and a tab bar', () => {
    const config = json(path.join(PROJECT, 'project.config.json'));
    expect(config).toMatchObject({ appid: 'touristappid', compileType: 'miniprogram', miniprogramRoot: 'miniprogram/', setting: { urlCheck: false } });
    expect(app.appJson.pages[0]).toBe('pages/home/index');
    expect(app.appJson.pages).toHaveLength(7);
    for (const route of app.appJson.pages) for (const ext of ['js', 'json', 'wxml', 'wxss']) expect(statSync(path.join(ROOT, `${route}.${ext}`)).isFile(), `${route}.${ext}`).toBe(true);
    for (const tab of app.appJson.tabBar!.list) expect(app.appJson.pages).toContain(tab.pagePath);
    expect(json(path.join(ROOT, 'sitemap.json')).rules).toEqual([{ action: 'allow', page: '*' }]);
  });

  it("has WXML that WeChat's compiler accepts", () => {
    const wcc = createRequire(__filename)('miniprogram-compiler') as { wxmlToJs(root: string, o?: { wxmlList?: string[] }): string };
    const code = wcc.wxmlToJs(ROOT, { wxmlList: app.appJson.pages.map((p) => p + '.wxml') });
    for (const route of app.appJson.pages) expect(code).toContain(`'${route}.wxml'`);
  });

  it('marks every exposure slot with data-wt-slot, and taps on a slot carry the same slot', () => {
    const slots: string[] = [];
    const walk = (n: WxmlNode, route: string) => {
      const cls = typeof n.attrs.class === 'string' ? n.attrs.class : '';
      if (/(^|\s)wt-exposure(\s|$)/.test(cls)) {
        expect(n.attrs['data-wt-slot'], `${route} <${n.tag} class="${cls}">`).toEqual(expect.any(String));
        slots.push(`${route} ${n.attrs['data-wt-slot']}`);
        // The element that is exposed is the one tapped: its bindtap sees its own data-wt-slot.
        expect(n.attrs.bindtap, `${route} ${n.attrs['data-wt-slot']}`).toEqual(expect.any(String));
      }
      for (const c of n.children) if (typeof c !== 'string') walk(c, route);
    };
    for (const [route, tree] of app.wxml) walk(tree, route);
    expect(slots).toEqual([
      'pages/home/index home.banner.{{index + 1}}',
      'pages/home/index home.rec.{{index + 1}}',
      'pages/category/index category.item.{{index + 1}}',
    ]);
  });

  it('loads wetrack as an installed app does, from miniprogram_npm (the miniprogram build)', async () => {
    const entries = files(ROOT).filter((f) => f.endsWith('.js') && !f.includes('miniprogram_npm'));
    const users = entries.filter((f) => /require\(['"][./]*miniprogram_npm\/wetrack\/index['"]\)\.default/.test(readFileSync(f, 'utf8')));
    expect(users.map((f) => path.relative(ROOT, f)).sort()).toEqual(['app.js', 'pages/checkout/index.js', 'pages/product/index.js', 'pages/profile/index.js']);
    for (const f of entries) expect(readFileSync(f, 'utf8'), path.relative(ROOT, f)).not.toMatch(/require\(['"]wetrack['"]\)/);

    const load = (f: string) => createRequire(__filename)(f) as { default: Record<string, unknown> };
    const committed = load(path.join(ROOT, 'miniprogram_npm/wetrack/index.js')).default;
    const fresh = load(await buildMiniprogramBundle()).default;
    expect(Object.keys(committed).sort()).toEqual(Object.keys(fresh).sort());
    for (const k of ['init', 'track', 'identify', 'reset', 'setConsent', 'page']) expect(typeof committed[k], k).toBe('function');
    expect(Object.keys(committed.exposure as object).sort()).toEqual(['observe', 'refresh', 'stop']);
  });

  it('says where events go in one place: config.js', () => {
    const config = createRequire(__filename)(path.join(ROOT, 'config.js')) as { serverUrl: string };
    expect(config.serverUrl).toBe('http://127.0.0.1:8787/v1/batch');
    const others = files(ROOT).filter((f) => /\.(js|json|wxml)$/.test(f) && !f.includes('miniprogram_npm') && !f.endsWith('config.js'));
    for (const f of others) expect(readFileSync(f, 'utf8'), path.relative(ROOT, f)).not.toMatch(/https?:\/\/|127\.0\.0\.1|:8787/);
    expect(read('app.js')).toMatch(/serverUrl: config\.serverUrl/);
  });

  it('tracks the core business steps by hand, with product code, price and quantity', () => {
    const all = ['pages/product/index.js', 'pages/checkout/index.js'].map(read).join('\n');
    expect(all).toMatch(/track\('view_product', \{ product_code: [^}]*price/);
    expect(all).toMatch(/track\('add_to_cart', \{ product_code: [^}]*price: [^}]*quantity/);
    expect(all).toMatch(/trackLines\('checkout'/);
    expect(all).toMatch(/trackLines\('pay_success'/);
    expect(all).toMatch(/track\(name, \{ order_id: [^}]*product_code: [^}]*price: [^}]*quantity/);
  });
});
