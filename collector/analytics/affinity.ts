/**
 * Product affinity: pairs of products bought in the same order (pay_success lines with the same
 * order_id). Over N paid orders, with n(A) orders holding A and n(AB) holding both:
 * support = n(AB) / N, confidence(A→B) = n(AB) / n(A), lift = n(AB)·N / (n(A)·n(B)) (above 1: bought
 * together more often than chance would have it).
 */
import type { Store } from '../store';
import { CH_PAID_LINES, PAID_LINES } from './sql';

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

/** The same pairs from ClickHouse: the pairs of each order, then each side's order count (a JOIN each). */
function clickhouseSql(n: number, limit: number): string {
  // The NULL test on a column of another name: in ClickHouse an alias replaces the column it shadows
  // everywhere in the query, so `assumeNotNull(product) AS product … WHERE product IS NOT NULL` kept
  // lines without a product, as the product ''.
  const lines = `SELECT DISTINCT order_id, assumeNotNull(p) AS product FROM (SELECT order_id, product AS p FROM (${CH_PAID_LINES})) WHERE p IS NOT NULL`;
  const one = `SELECT product, count() AS n FROM (${lines}) GROUP BY product`;
  const two = `SELECT a, b, count() AS orders FROM (SELECT order_id, product AS a FROM (${lines}))
               ALL INNER JOIN (SELECT order_id, product AS b FROM (${lines})) USING order_id WHERE a < b GROUP BY a, b`;
  return `
    SELECT a, b, orders, orders / ${n} AS support, orders / na AS confidenceAB, orders / nb AS confidenceBA, orders * ${n} / (na * nb) AS lift
    FROM (SELECT a, b, orders, na FROM (${two}) ALL INNER JOIN (SELECT product AS a, n AS na FROM (${one})) USING a)
    ALL INNER JOIN (SELECT product AS b, n AS nb FROM (${one})) USING b
    ORDER BY orders DESC, lift DESC, a, b LIMIT ${Math.floor(limit)}`;
}

export async function affinity(s: Store, limit = 20): Promise<Affinity> {
  if (s.dialect === 'clickhouse') {
    const [{ n } = { n: 0 }] = await s.rows<{ n: number }>(`SELECT uniqExact(order_id) AS n FROM (${CH_PAID_LINES})`);
    return { orders: n, pairs: n ? await s.rows<PairRow>(clickhouseSql(n, limit)) : [] };
  }
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
