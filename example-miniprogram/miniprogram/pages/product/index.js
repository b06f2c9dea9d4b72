const wetrack = require('../../miniprogram_npm/wetrack/index').default;
const catalog = require('../../utils/catalog');
const cart = require('../../utils/cart');
const favourites = require('../../utils/favourites');

Page({
  data: {
    product: null,
    favourite: false,
  },

  /** query: code, and `from`, the slot the user came from (home.rec.3, category.item.5…), if any. */
  onLoad(query) {
    this.from = query.from || '';
    catalog.fetchProduct(query.code).then((product) => {
      if (!product) return this.setData({ product: null });
      this.setData({ product, favourite: favourites.has(product.code) });
      wx.setNavigationBarTitle({ title: product.title });
      // A core business step: tracked by hand, with the properties the funnel and the reports need.
      wetrack.track('view_product', { product_code: product.code, price: product.price, category: product.category, from: this.from || undefined });
    });
  },

  onToggleFavourite() {
    const on = favourites.toggle(this.data.product.code);
    this.setData({ favourite: on });
    wx.showToast({ title: on ? '已收藏' : '已取消收藏', icon: 'none' });
  },

  addLine() {
    const p = this.data.product;
    const line = cart.add(p.code);
    wetrack.track('add_to_cart', { product_code: p.code, price: p.price, quantity: 1, cart_quantity: line.quantity, from: this.from || undefined });
  },

  onAddToCart() {
    this.addLine();
    wx.showToast({ title: '已加入购物车', icon: 'success' });
  },

  onBuyNow() {
    this.addLine();
    wx.switchTab({ url: '/pages/cart/index' });
  },

  onShareAppMessage() {
    const p = this.data.product;
    return p ? { title: p.title + ' ¥' + p.price, path: '/pages/product/index?code=' + p.code } : {};
  },
});
