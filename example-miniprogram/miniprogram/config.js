/**
 * The one place to point the example at a collector.
 *
 * Default: the collector of this repository (`npm run collector`, http://127.0.0.1:8787) as seen from
 * WeChat DevTools on the same computer (DevTools must not check request domains: project.config.json
 * sets urlCheck to false). On a phone, use your computer's LAN address and start the collector with
 * `npm run collector -- --host 0.0.0.0`; a released app needs an https collector on a domain listed
 * in the mini-program's request legal domains.
 */
module.exports = {
  serverUrl: 'http://127.0.0.1:8787/v1/batch',
  appVersion: '1.0.0',
  debug: false,
};
