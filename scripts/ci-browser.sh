#!/usr/bin/env bash
# Checks that the browser tests have a chromium (test/support/browser.ts): the binary the npm package
# @sparticuz/chromium ships, installed by `npm ci` (no root, no apt); a system chromium only where that
# one cannot start, or with WETRACK_BROWSER=system. Prints which one; fails when none launches.
set -euo pipefail
cd "$(dirname "$0")/.."
node --import tsx -e "
  const { launchChromium } = require('./test/support/browser.ts');
  launchChromium().then(async ({ browser, source }) => {
    console.log('ci-browser: ' + source + ', chromium ' + browser.version());
    await browser.close();
  }, (e) => { console.error('ci-browser: ' + e.message); process.exit(1); });
"
