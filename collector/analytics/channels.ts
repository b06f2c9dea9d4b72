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
import { CH_PAID_LINES, DAY_MS, PAID_LINES } from './sql';

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

/**
 * FIRST_LAUNCH in ClickHouse: each install's first event time and the fields of its first launch
 * (taken out of the arrays on the launch's side of the join: an outer join fills scalars with NULL,
 * never arrays).
 */
const pick = (key: string) => `if(has(lk, '${key}'), lv[indexOf(lk, '${key}')], NULL)`;
const CH_FIRST_LAUNCH = `
  SELECT anonymous_id, t0,
         coalesce(utm, if(sharer IS NOT NULL, 'share', NULL), if(launched = 1, concat('scene:', ifNull(scene, '?')), NULL), '(none)') AS chan,
         sharer, depth
  FROM (SELECT anonymous_id, min(time_ms) AS t0 FROM events FINAL GROUP BY anonymous_id)
  ALL LEFT JOIN (
    SELECT anonymous_id, ${pick('utm_source')} AS utm, ${pick('share_from')} AS sharer, ${pick('scene')} AS scene,
           toInt32OrNull(${pick('share_depth')}) AS depth, 1 AS launched
    FROM (SELECT anonymous_id, argMin(prop_keys, seq) AS lk, argMin(prop_values, seq) AS lv FROM events FINAL WHERE name = '$app_launch' GROUP BY anonymous_id)
  ) USING anonymous_id`;

async function clickhouseChannels(s: Store): Promise<Channels> {
  const rows = await s.rows<ChannelRow>(`
    SELECT pchan AS channel, count() AS users, countIf(lines > 0) AS buyers, countIf(lines > 0) / count() AS conversion,
           sum(rv) AS revenue, sum(r7) / count() AS ltv7, sum(r30) / count() AS ltv30
    FROM (SELECT anonymous_id, any(chan) AS pchan, count(order_id) AS lines, ifNull(sum(revenue), 0) AS rv,
                 ifNull(sumIf(revenue, time_ms < t0 + ${7 * DAY_MS}), 0) AS r7, ifNull(sumIf(revenue, time_ms < t0 + ${30 * DAY_MS}), 0) AS r30
          FROM (${CH_FIRST_LAUNCH}) ALL LEFT JOIN (SELECT anonymous_id, order_id, time_ms, revenue FROM (${CH_PAID_LINES})) USING anonymous_id
          GROUP BY anonymous_id)
    GROUP BY channel ORDER BY revenue DESC, channel`);
  const shareDepth = await s.rows<{ depth: number; users: number }>(`SELECT depth, count() AS users FROM (${CH_FIRST_LAUNCH}) WHERE depth IS NOT NULL GROUP BY depth ORDER BY depth`);
  const sharers = await s.rows<{ sharer: string; users: number }>(`SELECT sharer, count() AS users FROM (${CH_FIRST_LAUNCH}) WHERE sharer IS NOT NULL GROUP BY sharer ORDER BY users DESC, sharer LIMIT 10`);
  return { channels: rows, shareDepth, sharers };
}

export async function channels(s: Store): Promise<Channels> {
  if (s.dialect === 'clickhouse') return clickhouseChannels(s);
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
