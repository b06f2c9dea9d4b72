/**
 * QA coverage of a tracking plan (测: how QA signs a release off; 埋: how a reviewer sees the plan
 * implemented), from the events the collector stored and the violations it stored with them
 * (`--plan`: server.ts checks every event with plan/validate.ts):
 *
 * - per planned event: seen or not, how many, the share valid (of those checked against the plan),
 *   the planned properties never seen, the same per app version;
 * - per planned slot (home.banner.*): the slot ids seen, exposures, taps, the share valid, the
 *   planned data-wt-* attributes never seen on an exposure;
 * - events and slots that arrived but are not in the plan;
 * - the violations, grouped by event, field and rule, with a message and an event id to look at.
 */
import { AUTO_EVENTS, slotEntry, type PlanSlot, type Status, type TrackingPlanFile } from '../src/plan/shape';
import type { Store } from './store';

export interface VersionCount {
  /** The batch context's appVersion; '' when the batch had none. */
  appVersion: string;
  events: number;
  checked: number;
  valid: number;
}

export interface EventCoverage {
  name: string;
  status: Status;
  owner?: string;
  seen: boolean;
  events: number;
  /** Events checked against the plan when they were stored (the collector ran with --plan). */
  checked: number;
  valid: number;
  /** valid / checked; null when none was checked. */
  validShare: number | null;
  propertiesNeverSeen: string[];
  byVersion: VersionCount[];
}

export interface SlotCoverage {
  /** The plan's key: an id or a pattern. */
  slot: string;
  pages: string[];
  status: Status;
  seen: boolean;
  /** The slot ids seen that this entry covers. */
  ids: string[];
  exposures: number;
  taps: number;
  checked: number;
  valid: number;
  validShare: number | null;
  attributesNeverSeen: string[];
  byVersion: VersionCount[];
}

export interface ViolationGroup {
  name: string;
  field: string;
  rule: string;
  /** Events with this violation. */
  events: number;
  /** The message of the example event (its first by text, when it has several for this field and rule). */
  message: string;
  /** An event that has it, the first by id: GET /api/events/<id>. */
  exampleId: string;
}

export interface PlanCoverage {
  /** App versions seen, oldest first. */
  versions: string[];
  /** All stored events, those checked against the plan, and those checked with a violation. */
  total: number;
  checked: number;
  invalid: number;
  events: EventCoverage[];
  slots: SlotCoverage[];
  unplanned: { name: string; events: number }[];
  unplannedSlots: { slot: string; events: number }[];
  violations: ViolationGroup[];
}

interface Counted {
  n: number;
  checked: number;
  ok: number;
}

const share = (c: { checked: number; valid: number }) => (c.checked ? c.valid / c.checked : null);
const pagesOf = (s: PlanSlot) => (s.page === undefined ? [] : Array.isArray(s.page) ? s.page : [s.page]);

/**
 * Oldest first, in semver's order: dotted numbers as numbers (1.10.0 after 1.9.2), a pre-release
 * before its release (1.0.0-beta before 1.0.0), and its dotted identifiers in the same way (beta.2
 * before beta.11 before beta.x). A part that is not all digits is compared as text, by character
 * code (digits before letters, whatever the machine's locale), and a missing part comes before any
 * other (1.2 before 1.2.1).
 */
export function compareVersions(a: string, b: string): number {
  const [releaseA, preA] = splitPreRelease(a);
  const [releaseB, preB] = splitPreRelease(b);
  const byRelease = compareDotted(releaseA, releaseB);
  if (byRelease || preA === preB) return byRelease;
  // A release comes after each of its pre-releases.
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return compareDotted(preA, preB);
}

/** '1.0.0-rc.1' → ['1.0.0', 'rc.1']; a pre-release starts at the first '-'. */
function splitPreRelease(version: string): [string, string | undefined] {
  const dash = version.indexOf('-');
  return dash < 0 ? [version, undefined] : [version.slice(0, dash), version.slice(dash + 1)];
}

function compareDotted(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  // Stryker disable next-line EqualityOperator: `<=` adds one step past both ends, comparing '' with '' (0), which never decides
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) {
      // 01 and 1 are the same number: the next part decides.
      const d = Number(x) - Number(y);
      if (d) return d;
    } else if (x !== y) {
      // Stryker disable next-line EqualityOperator: `<=` is the same, as x !== y here
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

const COUNTS = `count(*)::DOUBLE AS n, count(violations)::DOUBLE AS checked, count(*) FILTER (WHERE json_array_length(violations) = 0)::DOUBLE AS ok`;

/** The coverage's queries in ClickHouse's words (clickhouse.ts: violations as three arrays, keys as two). */
const CH_COUNTS = `count() AS n, count(violations) AS checked, countIf(violations IS NOT NULL AND length(violation_fields) = 0) AS ok`;
const CH_KEYS = `arrayConcat(prop_keys, prop_nulls)`;
async function clickhouseRows(s: Store, planned: string[]) {
  return {
    byName: await s.rows<Counted & { name: string; v: string }>(`SELECT name, ifNull(app_version, '') AS v, ${CH_COUNTS} FROM events FINAL GROUP BY name, v`),
    keys: planned.length
      ? await s.rows<{ name: string; k: string }>(`SELECT DISTINCT name, k FROM events FINAL ARRAY JOIN ${CH_KEYS} AS k WHERE name IN (${planned.map(() => '?').join(', ')})`, planned)
      : [],
    bySlot: await s.rows<Counted & { slot: string; name: string; v: string }>(
      `SELECT slot, name, ifNull(app_version, '') AS v, ${CH_COUNTS} FROM events FINAL WHERE slot IS NOT NULL AND name IN ('$exposure', '$tap') GROUP BY slot, name, v`,
    ),
    slotKeys: await s.rows<{ slot: string; k: string }>(`SELECT DISTINCT slot, k FROM events FINAL ARRAY JOIN ${CH_KEYS} AS k WHERE name = '$exposure' AND slot IS NOT NULL`),
    violations: await s.rows<ViolationGroup>(`
      SELECT name, vf AS field, vr AS rule, uniqExact(id) AS events, argMin(vm, (id, vm)) AS message, min(id) AS exampleId
      FROM events FINAL ARRAY JOIN violation_fields AS vf, violation_rules AS vr, violation_messages AS vm
      GROUP BY name, field, rule ORDER BY events DESC, name, field, rule LIMIT 100`),
  };
}

/** The coverage's queries in DuckDB. */
async function duckdbRows(s: Store, planned: string[]) {
  return {
    byName: await s.rows<Counted & { name: string; v: string }>(`SELECT name, coalesce(app_version, '') AS v, ${COUNTS} FROM events GROUP BY 1, 2`),
    keys: planned.length
      ? await s.rows<{ name: string; k: string }>(`SELECT DISTINCT name, k FROM (SELECT name, unnest(json_keys(properties)) AS k FROM events WHERE name IN (${planned.map(() => '?').join(', ')}))`, planned)
      : [],
    bySlot: await s.rows<Counted & { slot: string; name: string; v: string }>(
      `SELECT slot, name, coalesce(app_version, '') AS v, ${COUNTS} FROM events WHERE slot IS NOT NULL AND name IN ('$exposure', '$tap') GROUP BY 1, 2, 3`,
    ),
    slotKeys: await s.rows<{ slot: string; k: string }>(`SELECT DISTINCT slot, k FROM (SELECT slot, unnest(json_keys(properties)) AS k FROM events WHERE name = '$exposure' AND slot IS NOT NULL)`),
    violations: await s.rows<ViolationGroup>(`
      SELECT name, x.field AS field, x.rule AS rule, count(DISTINCT id)::DOUBLE AS events, arg_min(x.message, (id, x.message)) AS message, min(id) AS exampleId
      FROM (SELECT id, name, unnest(from_json(violations, '[{"field":"VARCHAR","rule":"VARCHAR","message":"VARCHAR"}]')) AS x FROM events WHERE json_array_length(violations) > 0)
      GROUP BY 1, 2, 3 ORDER BY events DESC, name, field, rule LIMIT 100`),
  };
}

/** Runs inside store.query (serialised with the writes). Needs the violations column (Store.open adds it). */
export async function buildCoverage(s: Store, plan: TrackingPlanFile): Promise<PlanCoverage> {
  const planned = Object.keys(plan.events);
  const { byName, keys, bySlot, slotKeys, violations } = s.dialect === 'clickhouse' ? await clickhouseRows(s, planned) : await duckdbRows(s, planned);

  const versions = [...new Set(byName.map((r) => r.v))].sort(compareVersions);
  const add = (to: VersionCount[], r: Counted & { v: string }) => {
    let c = to.find((x) => x.appVersion === r.v);
    if (!c) to.push((c = { appVersion: r.v, events: 0, checked: 0, valid: 0 }));
    c.events += r.n;
    c.checked += r.checked;
    c.valid += r.ok;
  };
  const sum = (list: VersionCount[]) => list.reduce((a, c) => ({ events: a.events + c.events, checked: a.checked + c.checked, valid: a.valid + c.valid }), { events: 0, checked: 0, valid: 0 });
  const sortVersions = (list: VersionCount[]) => list.sort((a, b) => compareVersions(a.appVersion, b.appVersion));

  const events: EventCoverage[] = Object.entries(plan.events).map(([name, ev]) => {
    const byVersion: VersionCount[] = [];
    for (const r of byName) if (r.name === name) add(byVersion, r);
    const t = sum(byVersion);
    const seenKeys = new Set(keys.filter((k) => k.name === name).map((k) => k.k));
    return {
      name,
      status: ev.status ?? 'proposed',
      ...(ev.owner !== undefined && { owner: ev.owner }),
      seen: t.events > 0,
      ...t,
      validShare: share(t),
      propertiesNeverSeen: Object.keys(ev.properties ?? {}).filter((p) => !seenKeys.has(p)),
      byVersion: sortVersions(byVersion),
    };
  });

  const slots = new Map<string, SlotCoverage>();
  for (const [key, s] of Object.entries(plan.slots ?? {})) {
    slots.set(key, { slot: key, pages: pagesOf(s), status: s.status ?? 'proposed', seen: false, ids: [], exposures: 0, taps: 0, checked: 0, valid: 0, validShare: null, attributesNeverSeen: [], byVersion: [] });
  }
  const unplannedSlots = new Map<string, number>();
  const entryOf = new Map<string, string | undefined>();
  const entry = (id: string) => (entryOf.has(id) ? entryOf.get(id) : entryOf.set(id, slotEntry(plan, id)?.[0]).get(id));
  for (const r of bySlot) {
    const key = entry(r.slot);
    if (key === undefined) {
      unplannedSlots.set(r.slot, (unplannedSlots.get(r.slot) ?? 0) + r.n);
      continue;
    }
    const c = slots.get(key)!;
    c.seen = true;
    if (!c.ids.includes(r.slot)) c.ids.push(r.slot);
    if (r.name === '$exposure') c.exposures += r.n;
    else c.taps += r.n;
    c.checked += r.checked;
    c.valid += r.ok;
    add(c.byVersion, r);
  }
  for (const [key, c] of slots) {
    c.ids.sort((a, b) => compareVersions(a, b));
    c.validShare = share(c);
    sortVersions(c.byVersion);
    const seen = new Set(slotKeys.filter((k) => entry(k.slot) === key).map((k) => k.k));
    c.attributesNeverSeen = Object.keys(plan.slots![key].properties ?? {}).filter((p) => !seen.has(p));
  }

  const unplanned = new Map<string, number>();
  for (const r of byName) if (!(r.name in plan.events) && !AUTO_EVENTS.includes(r.name)) unplanned.set(r.name, (unplanned.get(r.name) ?? 0) + r.n);
  const all = byName.reduce((a, r) => ({ n: a.n + r.n, checked: a.checked + r.checked, ok: a.ok + r.ok }), { n: 0, checked: 0, ok: 0 });

  return {
    versions,
    total: all.n,
    checked: all.checked,
    invalid: all.checked - all.ok,
    events,
    slots: [...slots.values()],
    unplanned: [...unplanned].map(([name, n]) => ({ name, events: n })).sort((a, b) => b.events - a.events || a.name.localeCompare(b.name)),
    unplannedSlots: [...unplannedSlots].map(([slot, n]) => ({ slot, events: n })).sort((a, b) => b.events - a.events || a.slot.localeCompare(b.slot)),
    violations,
  };
}

const pct = (x: number | null) => (x === null ? '—' : (x * 100).toFixed(1) + '%');

function table(head: string[], rows: (string | number)[][], indent = '  '): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  // Figures to the right: a column of numbers, percentages and dashes with at least one figure.
  const figure = (v: string | number | undefined) => typeof v === 'number' || /^[\d.]+%?$/.test(String(v));
  const right = head.map((_, i) => i > 0 && rows.some((r) => figure(r[i])) && rows.every((r) => figure(r[i]) || r[i] === '—'));
  return cells.map((r) => indent + r.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('   ').trimEnd()).join('\n');
}

/** At most this many app versions get a column in the text (the newest); --json has them all. */
const VERSION_COLUMNS = 4;

/** The coverage section of the text report. */
export function formatCoverage(c: PlanCoverage): string {
  const shown = c.versions.slice(-VERSION_COLUMNS);
  const label = (v: string) => (v ? `v${v}` : '(no version)');
  const out = [
    `Tracking plan: ${c.checked} of ${c.total} events checked against it, ${c.invalid} with violations`,
    table(
      ['event', 'status', 'events', 'valid', ...shown.map(label), 'properties never seen'],
      c.events.map((e) => [e.name, e.status, e.events, pct(e.validShare), ...shown.map((v) => e.byVersion.find((x) => x.appVersion === v)?.events ?? 0), e.seen ? e.propertiesNeverSeen.join(', ') || '—' : 'NEVER SEEN']),
    ),
  ];
  if (c.slots.length) {
    out.push(
      '',
      table(
        ['slot', 'page', 'ids seen', 'exposures', 'taps', 'valid', 'attributes never seen'],
        c.slots.map((s) => [s.slot, s.pages.join(', '), s.ids.length, s.exposures, s.taps, pct(s.validShare), s.seen ? s.attributesNeverSeen.join(', ') || '—' : 'NEVER SEEN']),
      ),
    );
  }
  out.push('', c.unplanned.length ? `  Events not in the plan: ${c.unplanned.map((u) => `${u.name} (${u.events})`).join(', ')}` : '  Events not in the plan: none');
  out.push(c.unplannedSlots.length ? `  Slots not in the plan: ${c.unplannedSlots.map((u) => `${u.slot} (${u.events})`).join(', ')}` : '  Slots not in the plan: none');
  if (c.violations.length) {
    out.push('  Violations');
    out.push(table(['event', 'field', 'rule', 'events', 'example'], c.violations.map((v) => [v.name, v.field, v.rule, v.events, `${v.message} (id ${v.exampleId})`]), '    '));
  } else out.push('  Violations: none');
  return out.join('\n');
}
