/**
 * Page stack and route transitions of the simulator.
 *
 * Documented behaviour followed here (WeChat docs "页面路由" and the route APIs
 * wx.navigateTo / redirectTo / navigateBack / switchTab / reLaunch):
 *
 *   route kind        | page stack                          | before-route page | after-route page
 *   ------------------|-------------------------------------|-------------------|------------------
 *   launch (初始化)    | new page pushed                     |                   | onLoad, onShow
 *   navigateTo        | new page pushed                     | onHide            | onLoad, onShow
 *   redirectTo        | current popped, new pushed          | onUnload          | onLoad, onShow
 *   navigateBack      | popped until the target             | onUnload          | onShow
 *   switchTab         | all popped, only the new tab page   | see table below   |
 *   reLaunch          | all popped, only the new page       | onUnload          | onLoad, onShow
 *
 *   switchTab (A, B tab pages; C opened from A; D opened from C), in this order:
 *   A -> A: nothing | A -> B: A.onHide, B.onLoad, B.onShow | A -> B again: A.onHide, B.onShow
 *   C -> A: C.onUnload, A.onShow | C -> B: C.onUnload, B.onLoad, B.onShow
 *   D -> B: D.onUnload, C.onUnload, B.onLoad, B.onShow
 *   D (entered from a share) -> A: D.onUnload, A.onLoad, A.onShow
 *
 * getCurrentPages() already contains a new page during its onLoad, and no longer contains a
 * popped page during its onUnload.
 * onReady follows the first onShow of a page (Page lifecycle diagram: onLoad -> onShow ->
 * onReady); the simulator runs it synchronously right after that onShow.
 * Tab pages, once loaded, stay alive while other tabs are shown (hence "B 再次打开" gets
 * only onShow); reLaunch unloads every page, alive tab pages included; redirectTo away from
 * a tab page unloads it (its "before-route page: onUnload").
 * Rules: navigateTo/redirectTo can only open non-tabBar pages, switchTab only tabBar pages
 * (its URL takes no query), reLaunch any page; the stack holds at most 10 pages.
 * navigateBack's delta defaults to 1 and, when larger than the stack allows, returns to the
 * first page. Popped pages are unloaded from the top down.
 */
import type { PageDefinition, PageRuntime, SimPage } from './pages';
import type { Query } from './types';

export const MAX_STACK = 10;

export class Router {
  readonly stack: SimPage[] = [];
  /** tab pages that are loaded (in the stack or hidden behind another tab) */
  readonly aliveTabs = new Map<string, SimPage>();

  constructor(
    private pages: PageRuntime,
    private isTab: (route: string) => boolean,
    private definition: (route: string) => PageDefinition,
  ) {}

  current(): SimPage | undefined {
    return this.stack[this.stack.length - 1];
  }

  private open(route: string, query: Query): SimPage {
    const def = this.definition(route);
    const page = this.pages.load(route, def, query, (p) => {
      if (this.isTab(route)) this.aliveTabs.set(route, p);
      this.stack.push(p);
    });
    this.pages.show(page);
    return page;
  }

  private unload(page: SimPage): void {
    if (this.aliveTabs.get(page.route) === page) this.aliveTabs.delete(page.route);
    this.pages.unload(page);
  }

  launch(route: string, query: Query): SimPage {
    return this.open(route, query);
  }

  navigateTo(route: string, query: Query): SimPage {
    const cur = this.current();
    if (cur) this.pages.hide(cur);
    return this.open(route, query);
  }

  redirectTo(route: string, query: Query): SimPage {
    const cur = this.stack.pop();
    if (cur) this.unload(cur);
    return this.open(route, query);
  }

  /** @returns the revealed page */
  navigateBack(delta: number): SimPage {
    const n = Math.min(Math.max(1, Math.floor(delta) || 1), this.stack.length - 1);
    for (let i = 0; i < n; i++) this.unload(this.stack.pop()!);
    const top = this.current()!;
    this.pages.show(top);
    return top;
  }

  switchTab(route: string): SimPage {
    const cur = this.current();
    if (cur && cur.route === route && this.stack.length === 1) return cur; // A -> A: nothing
    if (cur && this.stack.length === 1 && this.aliveTabs.get(cur.route) === cur) {
      this.pages.hide(cur);
      this.stack.pop();
    } else {
      while (this.stack.length) {
        const p = this.stack.pop()!;
        if (this.aliveTabs.get(p.route) === p) continue; // tab pages stay alive (already hidden)
        this.unload(p);
      }
    }
    const alive = this.aliveTabs.get(route);
    if (alive) {
      this.stack.push(alive);
      this.pages.show(alive);
      return alive;
    }
    return this.open(route, {});
  }

  reLaunch(route: string, query: Query): SimPage {
    while (this.stack.length) this.unload(this.stack.pop()!);
    for (const p of [...this.aliveTabs.values()]) this.unload(p);
    return this.open(route, query);
  }

  /** Pages alive in this process (stack plus hidden tab pages). */
  alivePages(): SimPage[] {
    const out = [...this.stack];
    for (const p of this.aliveTabs.values()) if (!out.includes(p)) out.push(p);
    return out;
  }
}
