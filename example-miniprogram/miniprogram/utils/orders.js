/**
 * Orders and payment. A real app creates the order on its server and calls wx.requestPayment with the
 * parameters the server signed; payment here always succeeds so that the example runs without one.
 */
const KEY = 'shop_orders';

function all() {
  const v = wx.getStorageSync(KEY);
  return Array.isArray(v) ? v : [];
}

module.exports = {
  create(lines) {
    const order = {
      id: 'O' + Date.now().toString(36) + Math.floor(Math.random() * 1296).toString(36),
      lines: lines.map((l) => ({ code: l.code, title: l.title, price: l.price, quantity: l.quantity })),
      status: 'created',
    };
    order.amount = Math.round(order.lines.reduce((s, l) => s + l.price * l.quantity, 0) * 100) / 100;
    wx.setStorageSync(KEY, all().concat(order).slice(-20));
    return order;
  },
  get(id) {
    return all().find((o) => o.id === id) || null;
  },
  pay(id) {
    const list = all();
    const order = list.find((o) => o.id === id);
    if (!order) return Promise.reject(new Error('no order ' + id));
    order.status = 'paid';
    wx.setStorageSync(KEY, list);
    return Promise.resolve(order);
  },
};
