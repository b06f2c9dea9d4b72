/**
 * once: 'session' counts a slot once per session, and the session is the core's: a new one after
 * sessionTimeoutMs in the background (README, Sessions), not after a short hide.
 */
import { describe, expect, it } from 'vitest';
import { mp } from '../sim';
import { useSimSuite } from '../support/suite';
import { APP_CONFIG, startApp } from '../autocapture/harness';
import { createIntersectionObserver, SLOTS } from '../support/visible-slots';

const suite = useSimSuite();

describe("exposure once: 'session'", () => {
  it('a short stay in the background keeps the counts; one past sessionTimeoutMs starts a session that counts again', async () => {
    const s = startApp({ withExposure: true, options: { exposure: { once: 'session' }, sessionTimeoutMs: 60_000 } });
    for (const route of APP_CONFIG.pages) s.proc.definePage(route, () => mp.Page({ createIntersectionObserver }));
    mp.App({});
    s.proc.launch();
    const exposures = () => s.events.filter((e) => e.name === '$exposure').map((e) => e.properties.slot);
    await suite.clock.advance(1500);
    expect(exposures()).toEqual(SLOTS);
    s.proc.hide();
    await suite.clock.advance(30_000); // within the session
    s.proc.show();
    await suite.clock.advance(1500);
    expect(exposures()).toEqual(SLOTS);
    s.proc.hide();
    await suite.clock.advance(61_000); // past sessionTimeoutMs: a new session
    s.proc.show();
    await suite.clock.advance(1500);
    expect(exposures()).toEqual([...SLOTS, ...SLOTS]);
  });
});
