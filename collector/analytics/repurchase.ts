/**
 * Repurchase rate: of the installs that paid at least once, the share that paid in two or more
 * orders (distinct order_id of their pay_success events).
 */
import type { Store } from '../store';
import { CH_PAID_LINES, PAID_LINES } from './sql';

export interface Repurchase {
  buyers: number;
  repeatBuyers: number;
  rate: number | null;
  orders: number;
}

export async function repurchase(s: Store): Promise<Repurchase> {
  const [r] = await s.rows<Repurchase>(
    s.dialect === 'clickhouse'
      ? `SELECT count() AS buyers, countIf(n >= 2) AS repeatBuyers, sum(n) AS orders
         FROM (SELECT anonymous_id, uniqExact(order_id) AS n FROM (${CH_PAID_LINES}) GROUP BY anonymous_id)`
      : `
    WITH b AS (SELECT anonymous_id, count(DISTINCT order_id) AS n FROM (${PAID_LINES}) GROUP BY 1)
    SELECT count(*)::DOUBLE AS buyers, count(*) FILTER (WHERE n >= 2)::DOUBLE AS "repeatBuyers", coalesce(sum(n), 0)::DOUBLE AS orders FROM b`);
  return { ...r, rate: r.buyers ? r.repeatBuyers / r.buyers : null };
}
