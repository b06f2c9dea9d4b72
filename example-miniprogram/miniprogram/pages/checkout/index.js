const wetrack = require('../../miniprogram_npm/wetrack/index').default;
const cart = require('../../utils/cart');
const orders = require('../../utils/orders');

/** The order's lines as events: one per product, with its code, unit price and quantity. */
function trackLines(name, order) {
  order.lines.forEach((l) => wetrack.track(name, { order_id: order.id, product_code: l.code, price: l.price, quantity: l.quantity, amount: order.amount }));
}

Page({
  data: {
    order: null,
  },

  onLoad() {
    const lines = cart.items();
    if (!lines.length) return wx.navigateBack();
    const order = orders.create(lines);
    this.setData({ order });
    trackLines('checkout', order);
  },

  onPay() {
    if (this.paying) return;
    this.paying = true;
    orders.pay(this.data.order.id).then(
      (order) => {
        trackLines('pay_success', order);
        cart.clear();
        wx.redirectTo({ url: '/pages/pay-result/index?order=' + order.id });
      },
      () => {
        this.paying = false;
        wx.showToast({ title: '支付失败，请重试', icon: 'none' });
      },
    );
  },
});
