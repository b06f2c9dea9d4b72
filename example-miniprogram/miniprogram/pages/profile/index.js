const wetrack = require('../../miniprogram_npm/wetrack/index').default;
const account = require('../../utils/account');
const favourites = require('../../utils/favourites');

Page({
  data: {
    user: null,
    consent: true,
    favourites: 0,
  },

  onShow() {
    this.setData({ user: account.current(), consent: account.consent() === 'granted', favourites: favourites.list().length });
  },

  onLogin() {
    account.login().then((user) => {
      // Later events carry the userId; the traits go out as a $set.
      wetrack.identify(user.id, { level: user.level });
      this.setData({ user });
    });
  },

  onLogout() {
    account.logout();
    wetrack.reset();
    this.setData({ user: null });
  },

  /** The privacy switch: stored by the app and handed to wetrack at every launch (app.js). */
  onConsentChange(e) {
    const granted = !!e.detail.value;
    account.setConsent(granted);
    wetrack.setConsent(granted ? 'granted' : 'denied');
    this.setData({ consent: granted });
  },
});
