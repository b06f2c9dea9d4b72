/**
 * A/B test on an experiment super property: per variant, the installs that reached the exposure
 * event with that variant (n) and, of them, those with the goal event in the same variant (x).
 * Conversion x / n with a 95% Wilson score interval (good at small n and near 0 or 1, where the
 * normal approximation is not); each variant against the control (the first in sort order unless
 * given) as a difference of proportions with Newcombe's hybrid score interval (his method 10, built
 * from the two Wilson intervals; Statistics in Medicine 17, 873–890, 1998). A difference whose
 * interval excludes 0 is significant at 5%.
 */
import { sqlLiteral } from '../clickhouse';
import type { Store } from '../store';
import { chProp } from './sql';

export interface AbOptions {
  property?: string;
  exposure?: string;
  goal?: string;
  control?: string;
}

export interface AbVariant {
  variant: string;
  users: number;
  converted: number;
  rate: number;
  low: number;
  high: number;
  /** Against the control (null for the control itself). */
  diff: { value: number; low: number; high: number } | null;
}

export interface AbResult {
  property: string;
  exposure: string;
  goal: string;
  control: string | null;
  variants: AbVariant[];
}

const Z95 = 1.959963984540054;

/** The Wilson score interval of x successes in n trials. */
export function wilson(x: number, n: number, z = Z95): [number, number] {
  if (!n) return [0, 1];
  const p = x / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

/** Newcombe's hybrid score interval for p1 − p2 (method 10). */
export function newcombe(x1: number, n1: number, x2: number, n2: number, z = Z95): { value: number; low: number; high: number } {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilson(x1, n1, z);
  const [l2, u2] = wilson(x2, n2, z);
  const d = p1 - p2;
  return { value: d, low: d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), high: d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2) };
}

export async function ab(s: Store, o: AbOptions = {}): Promise<AbResult> {
  const property = o.property ?? 'exp_pay_default';
  const exposure = o.exposure ?? 'checkout';
  const goal = o.goal ?? 'pay_success';
  const variantOf = (name: string, extra = '') =>
    `SELECT DISTINCT anonymous_id, assumeNotNull(${chProp(property)}) AS variant${extra} FROM events FINAL WHERE name = ${sqlLiteral(name)} AND has(prop_keys, ${sqlLiteral(property)})`;
  const rows = await s.rows<{ variant: string; users: number; converted: number }>(
    s.dialect === 'clickhouse'
      ? `SELECT variant, count() AS users, count(g) AS converted FROM (${variantOf(exposure)})
         ALL LEFT JOIN (${variantOf(goal, ', 1 AS g')}) USING (anonymous_id, variant) GROUP BY variant ORDER BY variant`
      : `WITH v AS (SELECT DISTINCT anonymous_id, json_extract_string(properties, ?) AS variant, name FROM events WHERE name IN (?, ?) AND json_extract_string(properties, ?) IS NOT NULL)
     SELECT e.variant, count(*)::DOUBLE AS users, count(g.anonymous_id)::DOUBLE AS converted
     FROM v e LEFT JOIN v g ON g.anonymous_id = e.anonymous_id AND g.variant = e.variant AND g.name = ?
     WHERE e.name = ? GROUP BY 1 ORDER BY 1`,
    // Stryker disable next-line StringLiteral: DuckDB reads a path without `$.` as the top-level key of that name, the same value as `$.name` for a property name without dots or brackets (the only A/B properties: set in code, none from a request)
    s.dialect === 'clickhouse' ? [] : ['$.' + property, exposure, goal, '$.' + property, goal, exposure],
  );
  const control = rows.find((r) => r.variant === o.control) ?? rows[0];
  return {
    property,
    exposure,
    goal,
    control: control?.variant ?? null,
    variants: rows.map((r) => {
      const [low, high] = wilson(r.converted, r.users);
      return { ...r, rate: r.converted / r.users, low, high, diff: r === control ? null : newcombe(r.converted, r.users, control.converted, control.users) };
    }),
  };
}
