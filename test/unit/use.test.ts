/**
 * use(): what counts as a plugin. An object with a known type and an execute function; anything else
 * is refused at once with one warning naming the call, and never runs (its setup included), so a
 * plugin missing its execute cannot fail later on every event.
 */
import { describe, expect, it } from 'vitest';
import type { Plugin } from '../../src/types';
import { setupTracker, useTrackerFrame } from '../support/tracker-frame';

const warnings = useTrackerFrame();

describe('use()', () => {
  /** What is passed, and the warning: the value as String() shows it (an object as [object Object]). */
  const notPlugins: [string, unknown, string][] = [
    ['undefined', undefined, '[wetrack] use: invalid plugin: undefined'],
    ['null', null, '[wetrack] use: invalid plugin: null'],
    ['a before plugin without execute', { name: 'no_execute', type: 'before' }, '[wetrack] use: invalid plugin: [object Object]'],
    ['an enrichment plugin whose execute is a string', { name: 'text_execute', type: 'enrichment', execute: 'run' }, '[wetrack] use: invalid plugin: [object Object]'],
    ['a destination whose execute is null', { name: 'null_execute', type: 'destination', execute: null }, '[wetrack] use: invalid plugin: [object Object]'],
  ];

  it.each(notPlugins)('refuses %s with one warning naming the call, runs nothing of it, and every event still goes', async (_, plugin, warning) => {
    const { t, fake, init } = setupTracker({ batchSize: 100 });
    init();
    let setups = 0;
    const withSetup = plugin && typeof plugin == 'object' ? { ...plugin, setup: () => setups++ } : plugin;
    t.use(withSetup as Plugin);
    expect(warnings()).toEqual([warning]);
    t.track('a');
    t.track('b');
    fake.state.autoRespond = () => ({ status: 200 });
    await t.flush();
    expect(fake.delivered.map((e) => [e.name, e.seq])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(setups).toBe(0);
    expect(warnings()).toEqual([warning]);
  });
});
