const KEY = 'shop_favourites';

function read() {
  const v = wx.getStorageSync(KEY);
  return Array.isArray(v) ? v : [];
}

module.exports = {
  list: read,
  has: (code) => read().indexOf(code) >= 0,
  /** Toggles; returns whether the product is a favourite now. */
  toggle(code) {
    const list = read();
    const i = list.indexOf(code);
    if (i >= 0) list.splice(i, 1);
    else list.push(code);
    wx.setStorageSync(KEY, list);
    return i < 0;
  },
};
