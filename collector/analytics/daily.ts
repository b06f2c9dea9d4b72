/**
 * Daily PV, UV, new users and sessions. PV: $page_view events that day; UV: installs with a page
 * view that day; new users: installs first seen that day; sessions: sessions whose first event is
 * that day (a session across midnight counts once, on its first day).
 */
import type { EventStore } from '../store';
import { chDate, chDay, dayOf, type AnalyticsOptions } from './sql';

export interface DailyRow {
  day: string;
  pv: number;
  uv: number;
  newUsers: number;
  sessions: number;
}

export function dailySql(o: AnalyticsOptions = {}): string {
  return `
    WITH pv AS (SELECT ${dayOf('time_ms', o)} AS day, count(*) AS pv, count(DISTINCT anonymous_id) AS uv FROM events WHERE name = '$page_view' GROUP BY 1),
         nu AS (SELECT day, count(*) AS n FROM (SELECT ${dayOf('min(time_ms)', o)} AS day FROM events GROUP BY anonymous_id) GROUP BY 1),
         se AS (SELECT day, count(*) AS n FROM (SELECT ${dayOf('min(time_ms)', o)} AS day FROM events GROUP BY session_id) GROUP BY 1),
         days AS (SELECT day FROM pv UNION SELECT day FROM nu UNION SELECT day FROM se)
    SELECT strftime(days.day, '%Y-%m-%d') AS day, coalesce(pv.pv, 0)::DOUBLE AS pv, coalesce(pv.uv, 0)::DOUBLE AS uv,
           coalesce(nu.n, 0)::DOUBLE AS "newUsers", coalesce(se.n, 0)::DOUBLE AS sessions
    FROM days LEFT JOIN pv USING (day) LEFT JOIN nu USING (day) LEFT JOIN se USING (day) ORDER BY days.day`;
}

/** The same in ClickHouse: the three counts per day side by side (UNION ALL), then summed per day. */
export function dailyClickHouseSql(o: AnalyticsOptions = {}): string {
  return `
    SELECT ${chDate('dn')} AS day, sum(pv) AS pv, sum(uv) AS uv, sum(nu) AS newUsers, sum(se) AS sessions FROM (
      SELECT dn, count() AS pv, uniqExact(anonymous_id) AS uv, toUInt64(0) AS nu, toUInt64(0) AS se
      FROM (SELECT ${chDay('time_ms', o)} AS dn, anonymous_id FROM events FINAL WHERE name = '$page_view') GROUP BY dn
      UNION ALL
      SELECT dn, toUInt64(0), toUInt64(0), count(), toUInt64(0) FROM (SELECT ${chDay('min(time_ms)', o)} AS dn FROM events FINAL GROUP BY anonymous_id) GROUP BY dn
      UNION ALL
      SELECT dn, toUInt64(0), toUInt64(0), toUInt64(0), count() FROM (SELECT ${chDay('min(time_ms)', o)} AS dn FROM events FINAL GROUP BY session_id) GROUP BY dn)
    GROUP BY dn ORDER BY dn`;
}

export const daily = (s: EventStore, o?: AnalyticsOptions) => s.rows<DailyRow>(s.dialect === 'clickhouse' ? dailyClickHouseSql(o) : dailySql(o));
