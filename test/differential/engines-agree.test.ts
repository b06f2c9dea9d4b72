/**
 * The simulator against WeChat's own framework: every shape both engines run, without wetrack,
 * gives the same host log on test/sim as on glass-easel-miniprogram-adapter 0.12.1. This is what
 * keeps test/sim/pages.ts honest about Behaviors, Page behaviors, lifetimes, definitionFilter,
 * observers and custom fields. Differences that are the engines' and not WeChat's are normalised:
 * - the event object of a tap (the simulator builds its own; glass-easel's is its Event);
 * - where and how the framework words a caught error (the error itself must match);
 * - when a definitionFilter runs (glass-easel: at Component(); the simulator: at first load);
 * - bubbling: the simulator renders no template, so a tap reaches only the element's own handler.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { glassEaselEngine } from './glass-easel-engine';
import { firstDifference } from './host-log';
import { simEngine } from './sim-engine';
import { SHAPES } from './shapes';

/** Shapes whose logs differ between the engines for a reason listed above. */
const BUBBLING = new Set(['page: nested tap handlers on one gesture (inner and outer element)']);
/** glass-easel 0.12.1 throws out of attach on a null lifetime; WeChat's exparser skips it (test/sim/pages.ts). */
const CONTRADICTORY = new Set(['component page: null and undefined lifetimes']);

function normalise(log: string[]): { main: string[]; filters: string[] } {
  const filters: string[] = [];
  const main: string[] = [];
  for (const line of log) {
    if (/^(call|return) \S+\.definitionFilter /.test(line)) {
      // its argument holds the behaviors, which the engines represent differently
      filters.push(line.replace(/ this=.*$/, ''));
      continue;
    }
    if (line.startsWith('event after dispatch')) continue;
    main.push(
      line
        .replace(/args=\[(Event\{|event:).*$/, 'args=[<tap event>]')
        .replace(/^framework caught TypeError\(.*$/, 'framework caught TypeError(not a function)')
        .replace(/^(framework caught .*) in .*$/, '$1'),
    );
  }
  // identities renumbered by first appearance here, so that objects seen only in a filter's argument do not shift them
  const ids = new Map<string, string>();
  const renumbered = main.map((l) => l.replace(/#\d+/g, (m) => ids.get(m) ?? (ids.set(m, `#${ids.size + 1}`), ids.get(m)!)));
  return { main: renumbered, filters: filters.sort() };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: Date.UTC(2024, 0, 15, 8, 0, 0) });
});
afterEach(() => {
  vi.useRealTimers();
});

const both = SHAPES.filter((s) => !s.engines || s.engines.length === 2);

it('has the shapes of the matrix on both engines', () => {
  expect(both.length).toBeGreaterThanOrEqual(40);
});

for (const shape of both) {
  const skip = BUBBLING.has(shape.name) || CONTRADICTORY.has(shape.name);
  it.skipIf(skip)(`${shape.name}: the simulator logs what glass-easel logs`, async () => {
    const ge = normalise((await glassEaselEngine.run(shape, 'none')).log);
    const sim = normalise((await simEngine.run(shape, 'none')).log);
    expect(sim.main, firstDifference(ge.main, sim.main)?.replace('(without wetrack)', '(glass-easel)').replace('(with wetrack)', '(test/sim)')).toEqual(ge.main);
    expect(sim.filters).toEqual(ge.filters);
  });
}
