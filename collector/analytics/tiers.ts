/**
 * User tiers by recency, frequency, spend and share activity, per install. Recency: days from its last
 * active day to the last day with data; frequency: days active; spend: price × quantity of its
 * pay_success lines; shares: its $share events. The first rule that holds names the tier
 * (the operators' 鲸鱼用户 / 贡献者 / 观察者, with buyers and the dormant apart):
 *   whale     spend ≥ TIERS.whaleSpend
 *   sharer    shares ≥ 1 (brings friends: the share links carry the sharer)
 *   buyer     spend > 0
 *   dormant   not active in the last TIERS.dormantDays days
 *   observer  the rest: active, never bought, never shared
 */
import type { Store } from '../store';
import { chDay, chNum, dayOf, num, type AnalyticsOptions } from './sql';

export const TIERS = { whaleSpend: 150, dormantDays: 7 } as const;
export const TIER_NAMES = ['whale', 'sharer', 'buyer', 'dormant', 'observer'] as const;

export interface TierRow {
  tier: (typeof TIER_NAMES)[number];
  users: number;
  recency: number;
  frequency: number;
  spend: number;
  shares: number;
}

export function tiersSql(o: AnalyticsOptions = {}): string {
  return `
    WITH u AS (
      SELECT anonymous_id, max(${dayOf('time_ms', o)}) AS last, count(DISTINCT ${dayOf('time_ms', o)}) AS frequency,
             coalesce(sum(${num('price')} * ${num('quantity')}) FILTER (WHERE name = 'pay_success'), 0) AS spend,
             count(*) FILTER (WHERE name = '$share') AS shares
      FROM events GROUP BY 1),
    t AS (SELECT *, ((SELECT max(last) FROM u) - last) AS recency,
                 CASE WHEN spend >= ${TIERS.whaleSpend} THEN 'whale' WHEN shares >= 1 THEN 'sharer' WHEN spend > 0 THEN 'buyer'
                      WHEN (SELECT max(last) FROM u) - last >= ${TIERS.dormantDays} THEN 'dormant' ELSE 'observer' END AS tier FROM u)
    SELECT tier, count(*)::DOUBLE AS users, avg(recency)::DOUBLE AS recency, avg(frequency)::DOUBLE AS frequency,
           avg(spend)::DOUBLE AS spend, avg(shares)::DOUBLE AS shares
    FROM t GROUP BY 1 ORDER BY array_position(['${TIER_NAMES.join("','")}'], tier)`;
}

/** The same in ClickHouse (inner columns named apart from the output's: an alias there names a column everywhere). */
export function tiersClickHouseSql(o: AnalyticsOptions = {}): string {
  return `
    SELECT tr AS tier, count() AS users, avg(rec) AS recency, avg(freq) AS frequency, avg(sp) AS spend, avg(sh) AS shares FROM (
      SELECT freq, sp, sh, maxd - lastd AS rec,
             multiIf(sp >= ${TIERS.whaleSpend}, 'whale', sh >= 1, 'sharer', sp > 0, 'buyer', maxd - lastd >= ${TIERS.dormantDays}, 'dormant', 'observer') AS tr
      FROM (SELECT anonymous_id, max(dd) AS lastd, uniqExact(dd) AS freq, ifNull(sumIf(amount, name = 'pay_success'), 0) AS sp,
                   countIf(name = '$share') AS sh, (SELECT max(${chDay('time_ms', o)}) FROM events FINAL) AS maxd
            FROM (SELECT anonymous_id, name, ${chDay('time_ms', o)} AS dd, ${chNum('price')} * ${chNum('quantity')} AS amount FROM events FINAL)
            GROUP BY anonymous_id))
    GROUP BY tier ORDER BY indexOf(['${TIER_NAMES.join("','")}'], tier)`;
}

export const tiers = (s: Store, o?: AnalyticsOptions) => s.rows<TierRow>(s.dialect === 'clickhouse' ? tiersClickHouseSql(o) : tiersSql(o));
