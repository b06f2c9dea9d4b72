/**
 * The collector's plan coverage (collector/coverage.ts) against the crowd's own account
 * (test/qa/crowd.ts): every figure recomputed from the events the script saw the SDK queue, its
 * slot tallies and its one deliberate mistake. Returns the differences, one line each; empty when
 * everything matches. Used by test/plan/e2e.test.ts and `npm run demo`.
 */
import type { PlanCoverage } from '../../collector/coverage';
import { AUTO_EVENTS, slotEntry, type TrackingPlanFile } from '../../src/plan/shape';
import type { Truth } from '../qa/crowd';

export function comparePlanCoverage(c: PlanCoverage, truth: Truth, plan: TrackingPlanFile): string[] {
  const out: string[] = [];
  const eq = (what: string, got: unknown, want: unknown) => JSON.stringify(got) !== JSON.stringify(want) && out.push(`${what}: collector ${JSON.stringify(got)}, script ${JSON.stringify(want)}`);
  const tracked = [...truth.tracked.values()];
  const mistakes = new Map<string, number>();
  for (const m of truth.planMistakes) mistakes.set(m.name, (mistakes.get(m.name) ?? 0) + 1);

  eq('events checked', c.checked, tracked.length);
  eq('events with violations', c.invalid, truth.planMistakes.length);
  for (const [name, ev] of Object.entries(plan.events)) {
    const mine = tracked.filter((e) => e.name === name);
    const got = c.events.find((e) => e.name === name);
    if (!got) {
      out.push(`event ${name}: not in the coverage`);
      continue;
    }
    eq(`${name} seen`, got.seen, mine.length > 0);
    eq(`${name} events`, got.events, mine.length);
    eq(`${name} valid`, got.valid, mine.length - (mistakes.get(name) ?? 0));
    eq(`${name} events over the app versions`, got.byVersion.reduce((a, v) => a + v.events, 0), mine.length);
    const keys = new Set(mine.flatMap((e) => Object.keys(e.properties)));
    eq(`${name} properties never seen`, got.propertiesNeverSeen, Object.keys(ev.properties ?? {}).filter((k) => !keys.has(k)));
  }

  for (const [key] of Object.entries(plan.slots ?? {})) {
    const got = c.slots.find((s) => s.slot === key);
    if (!got) {
      out.push(`slot ${key}: not in the coverage`);
      continue;
    }
    const covers = (id: string) => slotEntry(plan, id)?.[0] === key;
    const sum = (m: Map<string, number>) => [...m].filter(([id]) => covers(id)).reduce((a, [, n]) => a + n, 0);
    eq(`slot ${key} exposures`, got.exposures, sum(truth.exposuresBySlot));
    eq(`slot ${key} taps`, got.taps, sum(truth.tapsBySlot));
    eq(`slot ${key} ids`, [...got.ids].sort(), [...new Set([...truth.exposuresBySlot.keys(), ...truth.tapsBySlot.keys()].filter(covers))].sort());
  }

  const unplanned = new Map<string, number>();
  for (const e of tracked) if (!(e.name in plan.events) && !AUTO_EVENTS.includes(e.name)) unplanned.set(e.name, (unplanned.get(e.name) ?? 0) + 1);
  eq('events not in the plan', Object.fromEntries(c.unplanned.map((u) => [u.name, u.events])), Object.fromEntries(unplanned));

  const groups = new Map<string, { name: string; field: string; rule: string; events: number; ids: string[] }>();
  for (const m of truth.planMistakes) {
    const k = `${m.name} ${m.field} ${m.rule}`;
    const g = groups.get(k) ?? { name: m.name, field: m.field, rule: m.rule, events: 0, ids: [] };
    g.events++;
    g.ids.push(m.id);
    groups.set(k, g);
  }
  eq(
    'violations',
    c.violations.map((v) => ({ name: v.name, field: v.field, rule: v.rule, events: v.events })),
    [...groups.values()].map(({ ids, ...g }) => (void ids, g)),
  );
  for (const v of c.violations) {
    const g = groups.get(`${v.name} ${v.field} ${v.rule}`);
    if (g && !g.ids.includes(v.exampleId)) out.push(`violation ${v.name} ${v.field}: example ${v.exampleId} is not one the script made`);
  }
  return out;
}
