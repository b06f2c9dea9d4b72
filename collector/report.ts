/**
 * The report: what operators read and QA checks against the script. All figures are SQL over the
 * events and batches tables (store.ts). Counts and sums come back as DOUBLE: a sum of 64-bit
 * columns is a 128-bit integer in DuckDB, and no cast to a 32-bit type may fail on accepted data.
 *
 * - PV and UV per page: $page_view events by `path`; UV = distinct anonymous ids.
 * - Exposures, taps and CTR per slot: $exposure and $tap events by `slot`; CTR = taps / exposures.
 * - Funnel, per session: a session reaches a step when it has the step's event after (in seq order)
 *   the event of the step before: home page view → view_product → add_to_cart → checkout →
 *   pay_success. Step conversion = sessions at the step / sessions at the step before.
 * - Events per name; duplicates dropped (events received again, by id); seq gaps (per anonymous id,
 *   seqs missing between two that arrived); events the phones reported as dropped; refused requests.
 * - With a tracking plan: its coverage (coverage.ts), under `plan`.
 *
 * The same figures from either store: DuckDB's SQL here, ClickHouse's in clickhouseReport (which
 * reads `events FINAL`, each event once, and counts duplicates at read: the events of accepted
 * batches minus the events stored, exact even when two collectors both took the same batch).
 */
import type { TrackingPlanFile } from '../src/plan/shape';
import { sqlLiteral } from './clickhouse';
import { buildCoverage, formatCoverage, type PlanCoverage } from './coverage';
import { SLOTS_SQL, type EventStore, type SlotRow } from './store';

export interface FunnelStep {
  label: string;
  name: string;
  /** For page views: the page. */
  path?: string;
}

export const SHOP_FUNNEL: FunnelStep[] = [
  { label: 'home', name: '$page_view', path: 'pages/home/index' },
  { label: 'product', name: 'view_product' },
  { label: 'cart', name: 'add_to_cart' },
  { label: 'checkout', name: 'checkout' },
  { label: 'pay', name: 'pay_success' },
];

export interface Report {
  totals: { events: number; installs: number; users: number; sessions: number; batches: number };
  pages: { page: string; pv: number; uv: number }[];
  slots: SlotRow[];
  funnel: { step: string; sessions: number; conversion: number | null }[];
  names: { name: string; events: number }[];
  quality: { duplicates: number; gaps: number; missing: number; installsWithGaps: number; droppedOnPhone: number; rejected: number };
  /** The tracking plan's coverage, when the collector (or the report) was given one. */
  plan?: PlanCoverage;
}

export async function buildReport(store: EventStore, funnel: FunnelStep[] = SHOP_FUNNEL, plan?: TrackingPlanFile): Promise<Report> {
  if (store.dialect === 'clickhouse') return clickhouseReport(store, funnel, plan);
  return store.query(async (s) => {
    if (plan) {
      const [col] = await s.rows<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'violations'`);
      if (!col?.n) throw new Error(`${store.file} was written before tracking plans: open it once with the collector (npm run collector -- --db ${store.file}) to add the column`);
    }
    const [totals] = await s.rows<Report['totals']>(`
      SELECT (SELECT count(*) FROM events)::DOUBLE AS events,
             (SELECT count(DISTINCT anonymous_id) FROM events)::DOUBLE AS installs,
             (SELECT count(DISTINCT user_id) FROM events)::DOUBLE AS users,
             (SELECT count(DISTINCT session_id) FROM events)::DOUBLE AS sessions,
             (SELECT count(*) FROM batches WHERE status < 300)::DOUBLE AS batches`);
    const pages = await s.rows<Report['pages'][number]>(`
      SELECT path AS page, count(*)::DOUBLE AS pv, count(DISTINCT anonymous_id)::DOUBLE AS uv
      FROM events WHERE name = '$page_view' AND path IS NOT NULL GROUP BY path ORDER BY pv DESC, page`);
    const slots = await s.rows<SlotRow>(SLOTS_SQL);

    // Each step: the first matching event of the session after the previous step's.
    const ctes = funnel.map((f, i) => {
      const match = `e.name = ?` + (f.path ? ` AND e.path = ?` : '');
      return i === 0
        ? `s0 AS (SELECT e.session_id, min(e.seq) AS seq FROM events e WHERE ${match} GROUP BY 1)`
        : `s${i} AS (SELECT e.session_id, min(e.seq) AS seq FROM events e JOIN s${i - 1} p ON p.session_id = e.session_id WHERE ${match} AND e.seq > p.seq GROUP BY 1)`;
    });
    const params = funnel.flatMap((f) => (f.path ? [f.name, f.path] : [f.name]));
    const [counts] = await s.rows<Record<string, number>>(
      `WITH ${ctes.join(',\n')} SELECT ${funnel.map((_, i) => `(SELECT count(*) FROM s${i})::DOUBLE AS n${i}`).join(', ')}`,
      params,
    );
    const funnelRows = conversions(funnel, counts);

    const names = await s.rows<Report['names'][number]>(`SELECT name, count(*)::DOUBLE AS events FROM events GROUP BY name ORDER BY events DESC, name`);
    const [gaps] = await s.rows<{ gaps: number; missing: number; installs: number }>(`
      WITH s AS (SELECT anonymous_id, seq, lag(seq) OVER (PARTITION BY anonymous_id ORDER BY seq) AS prev FROM events)
      SELECT count(*)::DOUBLE AS gaps, coalesce(sum(seq - prev - 1), 0)::DOUBLE AS missing, count(DISTINCT anonymous_id)::DOUBLE AS installs
      FROM s WHERE seq > prev + 1`);
    const [b] = await s.rows<{ duplicates: number; dropped: number; rejected: number }>(`
      SELECT coalesce(sum(duplicates), 0)::DOUBLE AS duplicates, coalesce(sum(dropped), 0)::DOUBLE AS dropped,
             count(*) FILTER (WHERE status >= 400)::DOUBLE AS rejected FROM batches`);
    return {
      totals: totals,
      pages,
      slots,
      funnel: funnelRows,
      names,
      quality: { duplicates: b.duplicates, gaps: gaps.gaps, missing: gaps.missing, installsWithGaps: gaps.installs, droppedOnPhone: b.dropped, rejected: b.rejected },
      ...(plan && { plan: await buildCoverage(s, plan) }),
    };
  });
}

/** Step conversions from the sessions at each step. */
function conversions(funnel: FunnelStep[], counts: Record<string, number>): Report['funnel'] {
  const steps = funnel.map((f, i) => ({ step: f.label, sessions: counts[`n${i}`] }));
  return steps.map((st, i) => ({ ...st, conversion: i === 0 ? null : steps[i - 1].sessions ? st.sessions / steps[i - 1].sessions : null }));
}

/** The report from ClickHouse (clickhouse.ts): the same figures in its SQL. */
async function clickhouseReport(s: EventStore, funnel: FunnelStep[], plan?: TrackingPlanFile): Promise<Report> {
  const [totals] = await s.rows<Report['totals']>(`
    SELECT count() AS events, uniqExact(anonymous_id) AS installs, ifNull(uniqExact(user_id), 0) AS users, uniqExact(session_id) AS sessions,
           (SELECT count() FROM batches WHERE status < 300) AS batches
    FROM events FINAL`);
  const pages = await s.rows<Report['pages'][number]>(`
    SELECT assumeNotNull(path) AS page, count() AS pv, uniqExact(anonymous_id) AS uv
    FROM events FINAL WHERE name = '$page_view' AND path IS NOT NULL GROUP BY page ORDER BY pv DESC, page`);
  const slots = await s.slots();

  // Step i: per session, the first seq of a matching event after the step before's (one JOIN per
  // SELECT in 18.16: each step nests the one before).
  const steps: string[] = [];
  funnel.forEach((f, i) => {
    const match = `name = ${sqlLiteral(f.name)}` + (f.path ? ` AND path = ${sqlLiteral(f.path)}` : '');
    steps.push(
      i === 0
        ? `SELECT session_id AS k, min(seq) AS m FROM events FINAL WHERE ${match} GROUP BY k`
        : `SELECT k, min(seq) AS m FROM (SELECT session_id AS k, seq FROM events FINAL WHERE ${match})
           ALL INNER JOIN (SELECT k, m AS prev FROM (${steps[i - 1]})) USING k WHERE seq > prev GROUP BY k`,
    );
  });
  const [counts] = await s.rows<Record<string, number>>(`SELECT ${steps.map((q, i) => `(SELECT count() FROM (${q})) AS n${i}`).join(', ')}`);

  const names = await s.rows<Report['names'][number]>(`SELECT name, count() AS events FROM events FINAL GROUP BY name ORDER BY events DESC, name`);
  // Per install, its seqs in order; a gap is a step of more than 1 between neighbours.
  const [gaps] = await s.rows<{ gaps: number; missing: number; installs: number }>(`
    SELECT sum(g) AS gaps, sum(n) AS missing, countIf(g > 0) AS installs FROM (
      SELECT length(arrayFilter(x -> x > 0, d)) AS g, arraySum(arrayFilter(x -> x > 0, d)) AS n FROM (
        SELECT arrayMap((a, b) -> b - a - 1, arrayPopBack(s), arrayPopFront(s)) AS d FROM (
          SELECT arraySort(groupArray(seq)) AS s FROM events FINAL GROUP BY anonymous_id)))`);
  const [b] = await s.rows<{ duplicates: number; dropped: number; rejected: number }>(`
    SELECT toInt64(sumIf(events, status < 300)) - toInt64((SELECT count() FROM events FINAL)) AS duplicates,
           sum(dropped) AS dropped, countIf(status >= 400) AS rejected FROM batches`);
  return {
    totals,
    pages,
    slots,
    funnel: conversions(funnel, counts),
    names,
    quality: { duplicates: b.duplicates, gaps: gaps.gaps, missing: gaps.missing, installsWithGaps: gaps.installs, droppedOnPhone: b.dropped, rejected: b.rejected },
    ...(plan && { plan: await buildCoverage(s, plan) }),
  };
}

const pct = (x: number | null) => (x === null ? '—' : (x * 100).toFixed(1) + '%');

function table(head: string[], rows: (string | number)[][], indent = '  '): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => indent + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ').trimEnd()).join('\n');
}

/** The report as text, for the terminal and the README. */
export function formatReport(r: Report): string {
  const t = r.totals;
  const q = r.quality;
  return [
    `${t.events} events from ${t.installs} installs (${t.users} logged-in users), ${t.sessions} sessions, ${t.batches} batches`,
    '',
    'Pages',
    table(['page', 'PV', 'UV'], r.pages.map((p) => [p.page, p.pv, p.uv])),
    '',
    'Slots',
    table(['slot', 'exposures', 'taps', 'CTR'], r.slots.map((s) => [s.slot, s.exposures, s.taps, pct(s.ctr)])),
    '',
    'Funnel (per session)',
    table(['step', 'sessions', 'step conversion', 'of first step'], r.funnel.map((f) => [f.step, f.sessions, pct(f.conversion), pct(r.funnel[0].sessions ? f.sessions / r.funnel[0].sessions : null)])),
    '',
    'Events by name',
    table(['name', 'events'], r.names.map((n) => [n.name, n.events])),
    '',
    'Delivery',
    `  duplicates dropped ${q.duplicates} · seq gaps ${q.gaps} (${q.missing} events missing, ${q.installsWithGaps} installs) · dropped on phones ${q.droppedOnPhone} · requests refused ${q.rejected}`,
    ...(r.plan ? ['', formatCoverage(r.plan)] : []),
  ].join('\n');
}
