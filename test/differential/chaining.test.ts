/**
 * Issue 9 point 10: glass-easel's chaining API (D/framework/custom-component/glass-easel/
 * chaining-api.html) with wetrack's patched globals, on glass-easel-miniprogram-adapter 0.12.1.
 * `Component()` with no argument returns a builder; wetrack's global wrapper passes the call on
 * (its wrap of `undefined` is `undefined`), so the builder is the framework's own and nothing of
 * it is wrapped. The matrix (glass-easel.test.ts, shapes "chaining: …") checks the host log;
 * this file records what wetrack captures from such a page, which the README states.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { glassEaselEngine } from './glass-easel-engine';
import { countEvents, type Mode, type Shape } from './harness';
import { SHAPES } from './shapes';

const chained = (prefix: string): Shape => {
  const s = SHAPES.find((x) => x.name.startsWith(prefix));
  if (!s) throw new Error(`no shape ${prefix}`);
  return s;
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: Date.UTC(2024, 0, 15, 8, 0, 0) });
});
afterEach(() => {
  vi.useRealTimers();
});

describe.each(['global', 'both'] as Mode[])('chaining API with the globals patched (%s)', (mode) => {
  it('Component().data().lifetime().pageLifetime().methods().register(): runs as without wetrack, and wetrack captures none of its page events or taps', async () => {
    const shape = chained('chaining: Component().data()');
    const without = await glassEaselEngine.run(shape, 'none');
    const withWt = await glassEaselEngine.run(shape, mode);
    // no crash: the framework caught nothing, nothing escaped, every lifecycle ran
    expect(withWt.log.filter((l) => /^(uncaught|framework caught)/.test(l))).toEqual([]);
    expect(withWt.log.filter((l) => l.startsWith('call ')).map((l) => l.split(' ')[1])).toEqual([
      'chain.lifetime.attached',
      'chain.methods.onLoad',
      'chain.methods.onShow',
      'chain.pageLifetime.show',
      'chain.methods.onBuy',
      'chain.methods.onHide',
      'chain.pageLifetime.hide',
      'chain.methods.onShow',
      'chain.pageLifetime.show',
    ]);
    expect(withWt.log).toEqual(without.log);
    // what is captured: the app events only; the chained page shows twice and is tapped once
    expect(withWt.events.map((e) => e.name)).toEqual(['$app_launch']);
    expect({ pageViews: countEvents(withWt, '$page_view'), taps: countEvents(withWt, '$tap') }).toEqual({ pageViews: 0, taps: 0 });
  });

  it('.definition({...}) inside a chain: runs as without wetrack; nothing of it is captured either', async () => {
    const shape = chained('chaining: .definition');
    const without = await glassEaselEngine.run(shape, 'none');
    const withWt = await glassEaselEngine.run(shape, mode);
    expect(withWt.log.filter((l) => /^(uncaught|framework caught)/.test(l))).toEqual([]);
    expect(withWt.log).toEqual(without.log);
    expect(withWt.events.map((e) => e.name)).toEqual(['$app_launch']);
  });

  it('a chained Behavior whose methods hold onShow, in a component page built from a definition object: runs as without wetrack', async () => {
    const shape = chained('chaining: a chained Behavior');
    const without = await glassEaselEngine.run(shape, 'none');
    const withWt = await glassEaselEngine.run(shape, mode);
    expect(withWt.log).toEqual(without.log);
  });
});
