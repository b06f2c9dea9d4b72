import { str, type Logger } from './log';
import type { Plugin, PluginType, TrackedEvent } from './types';

/** Plugins by stage, each list in the order the plugins were added. */
export type Stages = Record<PluginType, Plugin[]>;

export const newStages = (): Stages => ({ before: [], enrichment: [], destination: [] });

/**
 * Runs a chain of plugins (the before plugins, then the enrichment plugins). A plugin that throws
 * is skipped for that event; one that returns null drops the event.
 */
export function runTimeline(chain: Plugin[], event: TrackedEvent, log: Logger): TrackedEvent | null {
  let e: TrackedEvent | null = event;
  for (const p of chain) e = e && runPlugin(p, e, log);
  return e;
}

export function runPlugin(p: Plugin, e: TrackedEvent, log: Logger): TrackedEvent | null {
  try {
    const r = p.execute(e);
    return r === undefined ? e : r;
  } catch (err) {
    log.warn('plugin ' + str(p.name) + ' threw: ' + str(err));
    return e;
  }
}
