/**
 * `wetrack/plan`: the tracking plan checked on the phone, in development. A plugin the app adds only
 * there; it is not part of the mini-program bundle (`wetrack`), which costs nothing for it:
 *
 *   if (wx.getAccountInfoSync().miniProgram.envVersion !== 'release') {
 *     wetrack.use(require('wetrack/plan').checkPlan(require('./tracking-plan.js')));
 *   }
 *
 * At every event (a track() call, and the auto-captured ones) it warns on the console about an event
 * not in the plan, a missing or wrong-typed property, a slot not in the plan or on another page,
 * naming the event and the field, once per event, field and rule (and slot). The event goes on unchanged.
 * In a release build it stays silent unless `checkPlan(plan, { debug: true })`.
 */
import { appEnv } from '../platform/env';
import type { Plugin, TrackedEvent } from '../types';
import { checkShape } from './check';
import { shapeOf, type TrackingPlanFile, type Violation } from './shape';

export type * from './shape';
export { checkShape, checkValue } from './check';
export { shapeOf } from './shape';

/** The violations of one event against the plan (what the plugin warns about). */
export function checkEvent(plan: TrackingPlanFile, e: Pick<TrackedEvent, 'name' | 'page' | 'properties'>): Violation[] {
  const { shape, found } = shapeOf(plan, e.name, e.properties, e.page);
  return shape ? found.concat(checkShape(shape, e.properties)) : found;
}

export interface CheckPlanOptions {
  /** Check in a release build too (for a debug session on a released version). Default false. */
  debug?: boolean;
}

// The SDK's own console channel. This entry is a separate bundle: it reads nothing of the tracker's
// internals, whose property names the mini-program build mangles.
const warn = (m: string) => {
  try {
    console.warn('[wetrack] ' + m);
  } catch (e) {
    // no console: nothing to tell
  }
};

export function checkPlan(plan: TrackingPlanFile, options?: CheckPlanOptions): Plugin {
  let on = false;
  const seen: { [key: string]: 1 } = {};
  return {
    name: 'wetrack-plan',
    type: 'before',
    setup() {
      if (!plan || typeof plan != 'object' || !plan.events || typeof plan.events != 'object') return warn('checkPlan: not a tracking plan (no events)');
      on = appEnv() != 'release' || !!(options && options.debug);
    },
    execute(e) {
      if (!on) return e;
      for (const v of checkEvent(plan, e)) {
        // Once per event, field and rule; an unknown slot or a slot on another page once per slot.
        const key = e.name + '\n' + v.field + '\n' + v.rule + (v.rule == 'slot' || v.rule == 'page' ? '\n' + v.message : '');
        if (seen[key]) continue;
        seen[key] = 1;
        warn((e.name.charAt(0) == '$' ? e.name : 'track("' + e.name + '")') + ': plan: ' + v.field + ' ' + v.message);
      }
      return e;
    },
  };
}
