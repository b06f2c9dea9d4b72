/**
 * Product affinity: pairs of products bought in the same order (pay_success lines with the same
 * order_id). Over N paid orders, with n(A) orders holding A and n(AB) holding both:
 * support = n(AB) / N, confidence(A→B) = n(AB) / n(A), lift = n(AB)·N / (n(A)·n(B)) (above 1: bought
 * together more often than chance would have it).
 */
import type { Store } from '../store';
import { PAID_LINES } from './sql';

export interface PairRow {
  a: string;
  b: string;
  orders: number;
  support: number;
  confidenceAB: number;
  confidenceBA: number;
  lift: number;
}

export interface Affinity {
  orders: number;
  pairs: PairRow[];
}

export async function affinity(s: Store, limit = 20): Promise<Affinity> {
  const [{ n } = { n: 0 }] = await s.rows<{ n: number }>(`SELECT count(DISTINCT order_id)::DOUBLE AS n FROM (${PAID_LINES})`);
  const pairs = await s.rows<PairRow>(`
    WITH l AS (SELECT DISTINCT order_id, product FROM (${PAID_LINES}) WHERE product IS NOT NULL),
         one AS (SELECT product, count(*) AS n FROM l GROUP BY 1),
         two AS (SELECT x.product AS a, y.product AS b, count(*) AS n FROM l x JOIN l y ON x.order_id = y.order_id AND x.product < y.product GROUP BY 1, 2)
    SELECT a, b, two.n::DOUBLE AS orders, (two.n / ${n})::DOUBLE AS support, (two.n / oa.n)::DOUBLE AS "confidenceAB",
           (two.n / ob.n)::DOUBLE AS "confidenceBA", (two.n * ${n} / (oa.n * ob.n))::DOUBLE AS lift
    FROM two JOIN one oa ON oa.product = a JOIN one ob ON ob.product = b
    ORDER BY orders DESC, lift DESC, a, b LIMIT ${Math.floor(limit)}`);
  return { orders: n, pairs };
}
