/**
 * Daily PV, UV, new users and sessions. PV: $page_view events that day; UV: installs with a page
 * view that day; new users: installs first seen that day; sessions: sessions whose first event is
 * that day (a session across midnight counts once, on its first day).
 */
import type { Store } from '../store';
import { dayOf, type AnalyticsOptions } from './sql';

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

export const daily = (s: Store, o?: AnalyticsOptions) => s.rows<DailyRow>(dailySql(o));
