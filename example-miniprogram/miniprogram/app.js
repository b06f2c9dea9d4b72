// wetrack as an app installs it: DevTools' "Build npm" output (here refreshed by `npm run example:sync`).
const wetrack = require('./miniprogram_npm/wetrack/index').default;
const config = require('./config');
const account = require('./utils/account');

// Before App() and before any page file runs, so that every page is auto-captured.
wetrack.init({
  serverUrl: config.serverUrl,
  appVersion: config.appVersion,
  debug: config.debug,
  // The user's answer from the profile page's switch: the SDK does not persist it.
  consent: account.consent(),
  autocapture: {
    titles: {
      'pages/home/index': '首页',
      'pages/category/index': '分类',
      'pages/product/index': '商品详情',
      'pages/cart/index': '购物车',
      'pages/checkout/index': '确认订单',
      'pages/pay-result/index': '支付成功',
      'pages/profile/index': '我的',
    },
  },
});

App({
  globalData: {},
});
