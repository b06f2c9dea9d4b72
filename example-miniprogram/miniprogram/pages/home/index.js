const catalog = require('../../utils/catalog');

// Page views, taps on the slots and their exposures are auto-captured: this page has no tracking code.
Page({
  data: {
    banners: [],
    recommendations: [],
  },

  onLoad() {
    Promise.all([catalog.banners(), catalog.recommendations()]).then(([banners, recommendations]) => {
      this.setData({ banners, recommendations });
    });
  },

  onOpenProduct(e) {
    const { code, wtSlot } = e.currentTarget.dataset;
    wx.navigateTo({ url: '/pages/product/index?code=' + code + '&from=' + wtSlot });
  },

  onAllCategories() {
    wx.switchTab({ url: '/pages/category/index' });
  },

  onShareAppMessage() {
    return { title: '链动小铺 · 好用的虚拟好物', path: '/pages/home/index' };
  },
});
