const orders = require('../../utils/orders');

Page({
  data: {
    order: null,
  },

  onLoad(query) {
    this.setData({ order: orders.get(query.order) });
  },

  onContinue() {
    wx.switchTab({ url: '/pages/home/index' });
  },
});
