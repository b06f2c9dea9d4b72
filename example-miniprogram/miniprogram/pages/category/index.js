const catalog = require('../../utils/catalog');

const PAGE_SIZE = 6;

Page({
  data: {
    categories: catalog.categories(),
    current: 'assets',
    list: [],
    page: 0,
    hasMore: true,
    loading: false,
  },

  onLoad(query) {
    this.select(query.category || 'assets');
  },

  onSelectCategory(e) {
    const id = e.currentTarget.dataset.id;
    if (id !== this.data.current) this.select(id);
  },

  select(id) {
    this.request = (this.request || 0) + 1; // answers for an earlier choice are ignored
    this.setData({ current: id, list: [], page: 0, hasMore: true, loading: false });
    wx.pageScrollTo({ scrollTop: 0, duration: 0 });
    this.loadMore();
  },

  onReachBottom() {
    this.loadMore();
  },

  /** Appends the next page with data paths (list[6], list[7]…): only the new rows are sent to the view. */
  loadMore() {
    if (this.data.loading || !this.data.hasMore) return;
    const page = this.data.page + 1;
    const request = this.request;
    this.setData({ loading: true });
    catalog.fetchPage(this.data.current, page, PAGE_SIZE).then(({ items, hasMore }) => {
      if (request !== this.request) return;
      const patch = { page, hasMore, loading: false };
      const offset = this.data.list.length;
      items.forEach((item, i) => (patch['list[' + (offset + i) + ']'] = item));
      this.setData(patch);
    });
  },

  onOpenProduct(e) {
    const { code, wtSlot } = e.currentTarget.dataset;
    wx.navigateTo({ url: '/pages/product/index?code=' + code + '&from=' + wtSlot });
  },

  onShareAppMessage() {
    return { title: '链动小铺 · 全部分类', path: '/pages/category/index?category=' + this.data.current };
  },
});
