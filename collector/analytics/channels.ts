/**
 * Channels: each install is credited to the channel of its first tracked $app_launch: its
 * utm_source, else `share` (opened from a share link: share_from is set), else `scene:<scene>`.
 * Per channel: installs, buyers (a pay_success), conversion = buyers / installs, revenue (price ×
 * quantity of its pay_success lines), and revenue per install over the first 7 and 30 days from the
 * install's first event (the lifetime value). Installs without a launch of their own (made by logout's
 * reset, before the next start) are `(none)`. The share chain: installs per share depth, and the
 * sharers who brought the most installs.
 */
import type { Store } from '../store';
import { DAY_MS, PAID_LINES } from './sql';

export interface ChannelRow {
  channel: string;
  users: number;
  buyers: number;
  conversion: number;
  revenue: number;
  ltv7: number;
  ltv30: number;
}

export interface Channels {
  channels: ChannelRow[];
  shareDepth: { depth: number; users: number }[];
  sharers: { sharer: string; users: number }[];
}

const FIRST_LAUNCH = `
  first AS (SELECT anonymous_id, min(time_ms) AS t0 FROM events GROUP BY 1),
  launch AS (SELECT anonymous_id, arg_min(properties, seq) AS p FROM events WHERE name = '$app_launch' GROUP BY 1),
  ch AS (SELECT first.anonymous_id, first.t0,
                coalesce(launch.p->>'utm_source', CASE WHEN (launch.p->>'share_from') IS NOT NULL THEN 'share' END,
                         CASE WHEN launch.p IS NOT NULL THEN 'scene:' || coalesce((launch.p->>'scene'), '?') END, '(none)') AS channel,
                (launch.p->>'share_from') AS sharer, TRY_CAST(launch.p->>'share_depth' AS INTEGER) AS depth
         FROM first LEFT JOIN launch USING (anonymous_id))`;

export async function channels(s: Store): Promise<Channels> {
  const rows = await s.rows<ChannelRow>(`
    WITH ${FIRST_LAUNCH}, paid AS (${PAID_LINES}),
    per AS (SELECT ch.anonymous_id, any_value(ch.channel) AS channel, count(paid.order_id) AS lines, coalesce(sum(paid.revenue), 0) AS revenue,
                   coalesce(sum(paid.revenue) FILTER (WHERE paid.time_ms < ch.t0 + ${7 * DAY_MS}), 0) AS r7,
                   coalesce(sum(paid.revenue) FILTER (WHERE paid.time_ms < ch.t0 + ${30 * DAY_MS}), 0) AS r30
            FROM ch LEFT JOIN paid USING (anonymous_id) GROUP BY 1)
    SELECT channel, count(*)::DOUBLE AS users, count(*) FILTER (WHERE lines > 0)::DOUBLE AS buyers,
           (count(*) FILTER (WHERE lines > 0) / count(*))::DOUBLE AS conversion, sum(revenue)::DOUBLE AS revenue,
           (sum(r7) / count(*))::DOUBLE AS ltv7, (sum(r30) / count(*))::DOUBLE AS ltv30
    FROM per GROUP BY 1 ORDER BY revenue DESC, channel`);
  const shareDepth = await s.rows<{ depth: number; users: number }>(`WITH ${FIRST_LAUNCH} SELECT depth::DOUBLE AS depth, count(*)::DOUBLE AS users FROM ch WHERE depth IS NOT NULL GROUP BY 1 ORDER BY 1`);
  const sharers = await s.rows<{ sharer: string; users: number }>(`WITH ${FIRST_LAUNCH} SELECT sharer, count(*)::DOUBLE AS users FROM ch WHERE sharer IS NOT NULL GROUP BY 1 ORDER BY users DESC, sharer LIMIT 10`);
  return { channels: rows, shareDepth, sharers };
}
