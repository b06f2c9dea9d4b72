/**
 * Login, logout and the privacy choice. A real app exchanges wx.login()'s code for a user id on its
 * server; this example makes a demo account number once per install instead.
 */
const USER_KEY = 'shop_user';
const CONSENT_KEY = 'shop_consent';

module.exports = {
  /** The logged-in user, or null. */
  current() {
    return wx.getStorageSync(USER_KEY) || null;
  },
  login() {
    const user = { id: 'user-' + (1000 + Math.floor(Math.random() * 9000)), level: 'silver' };
    wx.setStorageSync(USER_KEY, user);
    return Promise.resolve(user);
  },
  logout() {
    wx.removeStorageSync(USER_KEY);
  },
  /** The user's answer to the privacy prompt, for wetrack's `consent`: granted unless they turned it off. */
  consent() {
    return wx.getStorageSync(CONSENT_KEY) === 'denied' ? 'denied' : 'granted';
  },
  setConsent(granted) {
    wx.setStorageSync(CONSENT_KEY, granted ? 'granted' : 'denied');
  },
};
