import { afterEach, describe, expect, it } from 'vitest';
import { createWxPlatform } from '../../src/platform/wx';
import { createTrackerWith } from '../../src/tracker';
import { createRuntime, ERR_DOMAIN } from '../sim';
import { useSimSuite } from '../support/suite';
import { startSession, type Session } from './harness';

/**
 * WeChat sends requests only to https URLs whose domain is in the admin console's request domain list
 * (D/framework/ability/network.html; modelled by `rt.requests.requestDomains` in test/sim/request.ts).
 */
let s: Session | undefined;
const suite = useSimSuite(async () => {
  await s?.dispose();
  s = undefined;
});

const warnings = () => (console.warn as unknown as { mock: { calls: unknown[][] } }).mock.calls.map((c) => String(c[0]));

describe('a serverUrl WeChat will refuse', () => {
  /** The SDK's warnings at init of a build of this envVersion, offline so nothing is sent. */
  const initIn = (envVersion: 'develop' | 'trial' | 'release', serverUrl: string) => {
    const rt = createRuntime({ printErrors: false, account: { envVersion }, network: { online: false } });
    rt.start().launch();
    createTrackerWith(createWxPlatform).init({ serverUrl });
    return warnings();
  };

  it.each(['release', 'trial'] as const)('an http serverUrl in a %s build: one warning at init naming init, serverUrl and why', (env) => {
    expect(initIn(env, 'http://collect.example.com/v1/batch')).toEqual([
      "[wetrack] init: serverUrl http://collect.example.com/v1/batch is not https: WeChat needs https and the domain in the console's request list",
    ]);
  });

  it('no warning for https, nor for http in a develop build (DevTools may run with the domain check off)', () => {
    expect(initIn('release', 'https://collect.example.com/v1/batch')).toEqual([]);
    expect(initIn('develop', 'http://127.0.0.1:8787/v1/batch')).toEqual([]);
  });

  it('"url not in domain list" at run time: one warning naming the cause, events kept with backoff, delivered once the domain is allowed', async () => {
    s = await startSession({ batchSize: 10 }, { account: { envVersion: 'develop' } });
    s.rt.requests.requestDomains = ['collect.example.com']; // the collector's 127.0.0.1 is not in the list
    for (let i = 0; i < 25; i++) s.tracker.track('e', { i });
    await suite.clock.advance(5 * 60_000);
    const log = s.rt.requests.log;
    expect(log.length).toBeGreaterThan(3);
    expect(log.every((r) => r.errMsg === ERR_DOMAIN)).toBe(true);
    // backoff up to retryMaxMs (60 s): a handful of attempts in five minutes, not a loop
    expect(log.length).toBeLessThan(15);
    expect(s.collector.requests).toEqual([]);
    expect(warnings()).toEqual([
      `[wetrack] init: serverUrl ${s.collector.url} refused (request:fail url not in domain list): WeChat needs https and the domain in the console's request list; events kept, retrying`,
    ]);
    // kept in storage: a new process (after the console was fixed) delivers every one of them
    s.restart();
    s.rt.requests.requestDomains = null;
    await suite.clock.runUntil(() => s!.collector.events().length >= 25, { label: 'delivered', maxMs: 60_000 });
    expect(s.collector.events().map((e) => (e.properties as { i: number }).i)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(s.collector.batches.some((b) => 'dropped' in (b as object))).toBe(false);
  });
});

describe('the platform tells a refused URL from a network failure', () => {
  const g = globalThis as { wx?: unknown };
  afterEach(() => void delete g.wx);
  const postFailing = (errMsg: string) => {
    g.wx = { request: (o: { fail: (r: { errMsg: string }) => void }) => o.fail({ errMsg }) };
    let result: unknown;
    createWxPlatform().post('http://x.example/', '{}', {}, 1000, (r) => (result = r));
    return result;
  };

  // Developers report the text bare and with the host after it (see ERR_DOMAIN in test/sim/request.ts).
  it.each([ERR_DOMAIN, ERR_DOMAIN + ':101.36.73.140'])('%s is a refusal', (errMsg) => {
    expect(postFailing(errMsg)).toEqual({ status: 0, refused: errMsg });
  });

  it('a timeout or a reset is not', () => {
    expect(postFailing('request:fail timeout')).toEqual({ status: 0, refused: undefined });
    expect(postFailing('request:fail -101:net::ERR_CONNECTION_RESET')).toEqual({ status: 0, refused: undefined });
  });
});

describe('simulator: the request domain list', () => {
  it('refuses http and unlisted hosts with WeChat\'s errMsg; no list, no check', async () => {
    const rt = createRuntime({ printErrors: false });
    const p = rt.start();
    const errOf = (url: string) =>
      new Promise<string>((resolve) => p.wx.request({ url, success: () => resolve('ok'), fail: (r: { errMsg: string }) => resolve(r.errMsg) }));
    rt.requests.requestDomains = ['collect.example.com'];
    expect(await errOf('http://collect.example.com/v1')).toBe(ERR_DOMAIN);
    expect(await errOf('https://other.example.com/v1')).toBe(ERR_DOMAIN);
    expect(await errOf('https://collect.example.com:8443/v1')).toBe(ERR_DOMAIN);
    rt.requests.requestDomains = null;
    expect(await errOf('http://127.0.0.1:9/v1')).not.toBe(ERR_DOMAIN);
  });
});
