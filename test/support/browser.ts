/**
 * Chromium for the browser tests, with no root or apt step: the binary the npm package
 * @sparticuz/chromium ships (a devDependency, unpacked to the temp dir on first use; 147.0.0 is the
 * last release for Node 20), launched by playwright-core. If it cannot start here, a system chromium
 * is used instead. Never skipped: no browser at all is an error naming what was tried.
 *
 * CHROMIUM_PATH picks a browser. WETRACK_BROWSER=bundled uses only the npm package (to prove a
 * machine without a system chromium passes), WETRACK_BROWSER=system only a system one.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];

export async function launchChromium(): Promise<{ browser: Browser; source: string }> {
  const only = process.env.WETRACK_BROWSER;
  const tried: string[] = [];
  const attempt = async (source: string, executablePath: string, args: string[]) => {
    try {
      return { browser: await chromium.launch({ executablePath, headless: true, args }), source };
    } catch (e) {
      tried.push(`${source}: ${String((e as Error).message).split('\n')[0]}`);
    }
  };
  if (process.env.CHROMIUM_PATH) {
    const r = await attempt(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH}`, process.env.CHROMIUM_PATH, ARGS);
    if (r) return r;
  }
  if (only !== 'system') {
    try {
      const pkg = (await import('@sparticuz/chromium')).default;
      const r = await attempt('@sparticuz/chromium', await pkg.executablePath(), [...pkg.args, ...ARGS]);
      if (r) return r;
    } catch (e) {
      tried.push(`@sparticuz/chromium: ${String((e as Error).message).split('\n')[0]}`);
    }
  }
  if (only !== 'bundled') {
    for (const p of SYSTEM.filter((f) => existsSync(f))) {
      const r = await attempt(p, p, ARGS);
      if (r) return r;
    }
    if (!SYSTEM.some((f) => existsSync(f))) tried.push(`system: none of ${SYSTEM.join(', ')}`);
  }
  throw new Error(`no chromium could be launched (${tried.join('; ')}): run npm ci (it installs @sparticuz/chromium)`);
}
