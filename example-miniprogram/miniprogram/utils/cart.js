/** The cart, kept in the app's own storage key (wetrack's keys start with `wt_`). */
const catalog = require('./catalog');

const KEY = 'shop_cart';

function read() {
  const v = wx.getStorageSync(KEY);
  return Array.isArray(v) ? v : [];
}

function write(items) {
  wx.setStorageSync(KEY, items);
}

module.exports = {
  items: read,
  /** Adds one; returns the line as it is now. */
  add(code) {
    const items = read();
    let line = items.find((l) => l.code === code);
    if (!line) {
      const p = catalog.product(code);
      line = { code, title: p.title, price: p.price, color: p.color, quantity: 0 };
      items.push(line);
    }
    line.quantity += 1;
    write(items);
    return line;
  },
  setQuantity(code, quantity) {
    const items = read()
      .map((l) => (l.code === code ? Object.assign({}, l, { quantity }) : l))
      .filter((l) => l.quantity > 0);
    write(items);
    return items;
  },
  clear() {
    wx.removeStorageSync(KEY);
  },
  total(items) {
    return Math.round(items.reduce((s, l) => s + l.price * l.quantity, 0) * 100) / 100;
  },
  count(items) {
    return items.reduce((s, l) => s + l.quantity, 0);
  },
};
