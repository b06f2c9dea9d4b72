import wetrack from '../../plan';

// Explicit wrapper under the patched global: counted once.
Page(
  wetrack.page({
    data: { quantity: 1, code: 'VG-3' },
    onBuy() {
      wetrack.track('add_to_cart', { product_code: this.data.code, price: 12.9, quantity: this.data.quantity });
      this.setData({ quantity: this.data.quantity + 1 });
    },
    onOpen() {
      wx.navigateTo({ url: '/pages/detail/index?code=' + this.data.code });
    },
  }),
);
