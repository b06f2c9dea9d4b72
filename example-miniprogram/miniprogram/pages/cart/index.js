const cart = require('../../utils/cart');

Page({
  data: {
    items: [],
    total: 0,
    count: 0,
  },

  onShow() {
    this.refresh(cart.items());
  },

  refresh(items) {
    this.setData({ items, total: cart.total(items), count: cart.count(items) });
  },

  onSetQuantity(e) {
    const { code, quantity } = e.currentTarget.dataset;
    this.refresh(cart.setQuantity(code, quantity));
  },

  onCheckout() {
    wx.navigateTo({ url: '/pages/checkout/index' });
  },

  onGoShopping() {
    wx.switchTab({ url: '/pages/home/index' });
  },
});
