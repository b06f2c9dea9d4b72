import { describe, expect, it } from 'vitest';
import { disposeAllRuntimes, mp } from '../sim';
import { useSimSuite } from '../support/suite';
import { definePages, startApp } from './harness';

useSimSuite();

const SHARE = { title: '限时特价 ¥9.9', imageUrl: 'https://img.example.com/a.png', path: '/pages/product/index?sku=VG-3' };

describe('shares', () => {
  it('only the path gains the share parameter; everything else the handler returns is unchanged', async () => {
    const { proc, events, tracker } = startApp();
    const self: unknown[] = [];
    proc.definePage('pages/home/index', () =>
      mp.Page({
        onShareAppMessage(this: unknown, arg: unknown) {
          self.push(this, arg);
          return { ...SHARE, extra: { keep: [1, 2] } };
        },
      }),
    );
    proc.launch();
    const out = (await proc.share('button', { id: 'share-btn' })) as Record<string, unknown>;
    const token = tracker.getAnonymousId().slice(0, 12);
    expect(out).toEqual({ ...SHARE, extra: { keep: [1, 2] }, path: SHARE.path + '&wts=' + token + '.1' });
    expect(self[0]).toBe(proc.currentPage());
    expect(self[1]).toMatchObject({ from: 'button' });
    expect(events.find((e) => e.name === '$share')!.properties).toEqual({ method: 'message', from: 'button', path: 'pages/home/index', share_depth: 1 });
  });

  it('async shares: a returned promise and the `promise` field are extended too', async () => {
    const { proc } = startApp();
    proc.definePage('pages/home/index', () =>
      mp.Page({
        onShareAppMessage() {
          return { title: 'sync', path: '/pages/home/index', promise: Promise.resolve({ title: 'later', path: '/pages/product/index?sku=1', imageUrl: 'x.png' }) };
        },
      }),
    );
    proc.definePage('pages/category/index', () => mp.Page({ onShareAppMessage: async () => ({ title: 'async fn', path: '/pages/category/index' }) }));
    proc.launch();
    const page = proc.currentPage() as unknown as { onShareAppMessage: (a: unknown) => { title: string; path: string; promise: Promise<{ path: string; title: string; imageUrl: string }> } };
    const r = page.onShareAppMessage({ from: 'menu' });
    expect(r.title).toBe('sync');
    expect(r.path).toMatch(/^\/pages\/home\/index\?wts=[0-9a-z]{12}\.1$/);
    expect(await r.promise).toEqual({ title: 'later', imageUrl: 'x.png', path: expect.stringMatching(/^\/pages\/product\/index\?sku=1&wts=[0-9a-z]{12}\.1$/) });
    await proc.switchTab('/pages/category/index');
    const page2 = proc.currentPage() as unknown as { onShareAppMessage: (a: unknown) => Promise<{ title: string; path: string }> };
    expect(await page2.onShareAppMessage({ from: 'menu' })).toEqual({ title: 'async fn', path: expect.stringMatching(/^\/pages\/category\/index\?wts=/) });
  });

  it('a launch from a shared link carries the sharer and depth, and this user shares one level deeper', async () => {
    const { proc, events } = startApp({ start: { path: 'pages/product/index', scene: 1007, query: { sku: 'VG-3', wts: 'abcdef012345.2' } } });
    proc.definePage('pages/product/index', () => mp.Page({ onShareAppMessage: () => ({ title: 't' }) }));
    proc.launch();
    expect(events.find((e) => e.name === '$app_launch')!.properties).toMatchObject({ share_from: 'abcdef012345', share_depth: 2 });
    const out = (await proc.share()) as { path: string; title: string };
    // no path returned: the current page with its query is shared
    expect(out.path).toMatch(/^\/pages\/product\/index\?sku=VG-3&wts=[0-9a-z]{12}\.3$/);
    expect(events.find((e) => e.name === '$share')!.properties.share_depth).toBe(3);
  });

  it('timeline shares extend the query; shareChain: false leaves the result untouched', async () => {
    const a = startApp();
    a.proc.definePage('pages/home/index', () => mp.Page({ onShareTimeline: () => ({ title: 'tl', query: 'a=1' }) }));
    a.proc.launch();
    expect(await a.proc.shareTimeline()).toEqual({ title: 'tl', query: expect.stringMatching(/^a=1&wts=[0-9a-z]{12}\.1$/) });
    disposeAllRuntimes();
    const b = startApp({ autocapture: { shareChain: false } });
    const ret = { title: 'x', path: '/pages/home/index' };
    b.proc.definePage('pages/home/index', () => mp.Page({ onShareAppMessage: () => ret }));
    b.proc.launch();
    expect(await b.proc.share()).toBe(ret);
    expect(b.events.find((e) => e.name === '$share')!.properties.share_depth).toBeUndefined();
  });

  it('a page without a share handler does not become shareable', async () => {
    const { proc } = startApp();
    definePages(proc);
    proc.launch();
    expect((proc.currentPage() as unknown as Record<string, unknown>).onShareAppMessage).toBeUndefined();
  });

  it('a share handler that throws still throws, and no $share is recorded', async () => {
    const { proc, names } = startApp();
    proc.definePage('pages/home/index', () =>
      mp.Page({
        onShareAppMessage() {
          throw new Error('host bug');
        },
      }),
    );
    proc.launch();
    const page = proc.currentPage() as unknown as { onShareAppMessage: (a: unknown) => unknown };
    expect(() => page.onShareAppMessage({ from: 'menu' })).toThrow('host bug');
    expect(names()).not.toContain('$share');
  });
});

describe('tab bar', () => {
  it('$tab_tap carries index, pagePath and text', async () => {
    const { proc, events } = startApp();
    definePages(proc);
    proc.launch();
    await proc.tapTab(2);
    expect(events.find((e) => e.name === '$tab_tap')!.properties).toEqual({ index: 2, pagePath: 'pages/profile/index', text: 'Me' });
  });
});
