/**
 * Retention by first-launch cohort: installs grouped by the day they were first seen (their first
 * event: an install made by logout's reset has no $app_launch of its own until the next start);
 * day N = how many of them had any event N days later. Days after the last day with data are null.
 */
import type { EventStore } from '../store';
import { chDate, chDay, dayOf, type AnalyticsOptions } from './sql';

export interface RetentionRow {
  cohort: string;
  users: number;
  /** Installs active on day 0, 1, … after the cohort's day (null: that day has no data yet). */
  retained: (number | null)[];
}

/** The same rows from ClickHouse: active days per install joined to its cohort, then to the cohort's size. */
function clickhouseSql(n: number, o: AnalyticsOptions): string {
  const act = `SELECT DISTINCT anonymous_id, ${chDay('time_ms', o)} AS day FROM events FINAL`;
  const co = `SELECT anonymous_id, min(day) AS c FROM (${act}) GROUP BY anonymous_id`;
  return `
    SELECT ${chDate('c')} AS cohort, users, k, active, (SELECT max(${chDay('time_ms', o)}) FROM events FINAL) - c AS last FROM (
      SELECT c, day - c AS k, count() AS active FROM (${act}) ALL INNER JOIN (${co}) USING anonymous_id
      WHERE day - c <= ${Math.floor(n)} GROUP BY c, k)
    ALL INNER JOIN (SELECT c, count() AS users FROM (${co}) GROUP BY c) USING c
    ORDER BY c, k`;
}

export async function retention(s: EventStore, o: AnalyticsOptions & { days?: number } = {}): Promise<RetentionRow[]> {
  const n = o.days ?? 7;
  const rows = await s.rows<{ cohort: string; users: number; k: number; active: number; last: number }>(s.dialect === 'clickhouse' ? clickhouseSql(n, o) : `
    WITH act AS (SELECT DISTINCT anonymous_id, ${dayOf('time_ms', o)} AS day FROM events),
         co AS (SELECT anonymous_id, min(day) AS cohort FROM act GROUP BY 1),
         size AS (SELECT cohort, count(*) AS users FROM co GROUP BY 1),
         last AS (SELECT max(day) AS d FROM act)
    SELECT strftime(co.cohort, '%Y-%m-%d') AS cohort, any_value(size.users)::DOUBLE AS users, (act.day - co.cohort)::DOUBLE AS k,
           count(*)::DOUBLE AS active, (any_value(last.d) - co.cohort)::DOUBLE AS last
    FROM act JOIN co USING (anonymous_id) JOIN size USING (cohort), last
    WHERE act.day - co.cohort <= ${Math.floor(n)}
    GROUP BY co.cohort, act.day ORDER BY co.cohort, k`);
  const out = new Map<string, RetentionRow>();
  for (const r of rows) {
    let row = out.get(r.cohort);
    if (!row) out.set(r.cohort, (row = { cohort: r.cohort, users: r.users, retained: Array.from({ length: n + 1 }, (_, k) => (k <= r.last ? 0 : null)) }));
    row.retained[r.k] = r.active;
  }
  return [...out.values()];
}
