/**
 * The collector's database against the crowd's own account (crowd.ts): returns the differences, one
 * line each; empty when everything matches.
 */
import type { Report } from '../../collector/report';
import type { Store } from '../../collector/store';
import type { Truth } from './crowd';

export async function compareWithScript(store: Store, report: Report, truth: Truth): Promise<string[]> {
  const out: string[] = [];
  const eq = (what: string, got: unknown, want: unknown) => got !== want && out.push(`${what}: collector ${String(got)}, script ${String(want)}`);

  const stored = await store.query((s) => s.rows<{ id: string }>('SELECT id FROM events'));
  const ids = new Set(stored.map((r) => r.id));
  eq('events stored', stored.length, truth.tracked.size);
  const missing = [...truth.tracked.values()].filter((e) => !ids.has(e.id));
  if (missing.length) out.push(`${missing.length} queued events never stored, e.g. ${missing.slice(0, 3).map((e) => `${e.name} seq ${e.seq}`).join(', ')}`);
  const extra = stored.filter((r) => !truth.tracked.has(r.id));
  if (extra.length) out.push(`${extra.length} stored events the SDK never queued`);
  eq('seq gaps', report.quality.gaps, 0);

  const names = new Map<string, number>();
  for (const e of truth.tracked.values()) names.set(e.name, (names.get(e.name) ?? 0) + 1);
  for (const n of new Set([...names.keys(), ...report.names.map((r) => r.name)])) eq(`events named ${n}`, report.names.find((r) => r.name === n)?.events ?? 0, names.get(n) ?? 0);

  for (const route of new Set([...truth.pageViews.keys(), ...report.pages.map((p) => p.page)])) {
    const p = report.pages.find((x) => x.page === route);
    eq(`PV ${route}`, p?.pv ?? 0, truth.pageViews.get(route) ?? 0);
    eq(`UV ${route}`, p?.uv ?? 0, truth.visitors.get(route)?.size ?? 0);
  }
  for (const slot of new Set([...truth.exposuresBySlot.keys(), ...truth.tapsBySlot.keys(), ...report.slots.map((s) => s.slot)])) {
    const s = report.slots.find((x) => x.slot === slot);
    eq(`exposures ${slot}`, s?.exposures ?? 0, truth.exposuresBySlot.get(slot) ?? 0);
    eq(`taps ${slot}`, s?.taps ?? 0, truth.tapsBySlot.get(slot) ?? 0);
  }
  report.funnel.forEach((f, i) => eq(`funnel ${f.step}`, f.sessions, truth.funnel[i]));
  return out;
}
