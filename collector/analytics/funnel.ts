/**
 * Funnels the operator defines: any sequence of events, each with property filters (equality on the
 * property's text), counted per session or per install within N days. A session (or install)
 * reaches step i when it has a matching event after (in seq order) the one that reached step i−1;
 * in the N-day form, no later than N days after its first step-1 event (the first one: a later
 * start that would still finish in time is not looked for). Drop-off = reached the step before − this one.
 */
import { sqlLiteral } from '../clickhouse';
import type { SqlValue, Store } from '../store';
import { chProp, DAY_MS, ratio } from './sql';

export interface FunnelStepDef {
  /** Event name. */
  name: string;
  /** Properties the event must have, compared as text ({ path: 'pages/home/index' }). */
  where?: Record<string, string | number | boolean>;
  label?: string;
}

export interface FunnelDef {
  steps: FunnelStepDef[];
  /** 'session', or a number of days per install. */
  within: 'session' | number;
}

export interface FunnelResult {
  within: 'session' | number;
  steps: { step: string; count: number; conversion: number | null; ofFirst: number | null; dropOff: number }[];
}

export const MAX_STEPS = 12;
const KEY = /^[A-Za-z_][\w]{0,63}$/;

/** Checks a definition from outside (the API): a message naming what is wrong, or undefined. */
export function funnelProblem(d: unknown): string | undefined {
  const f = d as Partial<FunnelDef> | null;
  if (!f || typeof f !== 'object' || !Array.isArray(f.steps)) return 'steps must be a list of { name, where? }';
  if (f.steps.length < 1 || f.steps.length > MAX_STEPS) return `steps: 1 to ${MAX_STEPS}`;
  if (!(f.within === 'session' || (typeof f.within === 'number' && Number.isInteger(f.within) && f.within >= 1 && f.within <= 366))) return "within must be 'session' or a number of days from 1 to 366";
  for (const [i, s] of f.steps.entries()) {
    if (!s || typeof s.name !== 'string' || !s.name || s.name.length > 200) return `steps[${i}].name must be an event name`;
    for (const [k, v] of Object.entries(s.where ?? {})) {
      if (!KEY.test(k)) return `steps[${i}].where: ${JSON.stringify(k)} is not a property name (letters, digits, _)`;
      if (!['string', 'number', 'boolean'].includes(typeof v)) return `steps[${i}].where.${k} must be a string, number or boolean`;
    }
  }
  return undefined;
}

/**
 * The step counts from ClickHouse: the same steps, each nesting the one before (one JOIN per SELECT
 * in 18.16), counted by one scalar subquery each.
 */
function clickhouseSql(d: FunnelDef): string {
  const key = d.within === 'session' ? 'session_id' : 'anonymous_id';
  const match = (st: FunnelStepDef) =>
    [`name = ${sqlLiteral(st.name)}`, ...Object.entries(st.where ?? {}).map(([k, v]) => `has(prop_keys, ${sqlLiteral(k)}) AND ${chProp(k)} = ${sqlLiteral(String(v))}`)].join(' AND ');
  const window = d.within === 'session' ? '' : ` AND time_ms <= pt0 + ${d.within * DAY_MS}`;
  const steps: string[] = [];
  d.steps.forEach((st, i) => {
    steps.push(
      i === 0
        ? `SELECT ${key} AS k, min(seq) AS m, argMin(time_ms, seq) AS t0 FROM events FINAL WHERE ${match(st)} GROUP BY k`
        : `SELECT k, min(seq) AS m, any(pt0) AS t0 FROM (SELECT ${key} AS k, seq, time_ms FROM events FINAL WHERE ${match(st)})
           ALL INNER JOIN (SELECT k, m AS prev, t0 AS pt0 FROM (${steps[i - 1]})) USING k WHERE seq > prev${window} GROUP BY k`,
    );
  });
  return `SELECT ${steps.map((q, i) => `(SELECT count() FROM (${q})) AS n${i}`).join(', ')}`;
}

export async function funnel(s: Store, d: FunnelDef): Promise<FunnelResult> {
  const key = d.within === 'session' ? 'session_id' : 'anonymous_id';
  const params: SqlValue[] = [];
  const match = (st: FunnelStepDef) => {
    params.push(st.name);
    const props = Object.entries(st.where ?? {}).map(([k, v]) => {
      params.push('$.' + k, String(v));
      return 'json_extract_string(e.properties, ?) = ?';
    });
    return ['e.name = ?', ...props].join(' AND ');
  };
  const window = d.within === 'session' ? '' : ` AND e.time_ms <= p.t0 + ${d.within * DAY_MS}`;
  const ctes = d.steps.map((st, i) =>
    i === 0
      ? `s0 AS (SELECT e.${key} AS k, min(e.seq) AS seq, arg_min(e.time_ms, e.seq) AS t0 FROM events e WHERE ${match(st)} GROUP BY 1)`
      : `s${i} AS (SELECT e.${key} AS k, min(e.seq) AS seq, any_value(p.t0) AS t0 FROM events e JOIN s${i - 1} p ON p.k = e.${key} WHERE ${match(st)} AND e.seq > p.seq${window} GROUP BY 1)`,
  );
  const [counts] =
    s.dialect === 'clickhouse'
      ? await s.rows<Record<string, number>>(clickhouseSql(d))
      : await s.rows<Record<string, number>>(`WITH ${ctes.join(',\n')} SELECT ${d.steps.map((_, i) => `(SELECT count(*) FROM s${i})::DOUBLE AS n${i}`).join(', ')}`, params);
  const n = d.steps.map((_, i) => counts[`n${i}`]);
  return {
    within: d.within,
    steps: d.steps.map((st, i) => ({
      step: st.label ?? [st.name, ...Object.entries(st.where ?? {}).map(([k, v]) => `${k}=${v}`)].join(' '),
      count: n[i],
      conversion: i ? ratio(n[i], n[i - 1]) : null,
      ofFirst: ratio(n[i], n[0]),
      dropOff: i ? n[i - 1] - n[i] : 0,
    })),
  };
}

/** The example shop's funnel per session, as the report has it, in this form. */
export const SHOP_FUNNEL_DEF: FunnelDef = {
  within: 'session',
  steps: [
    { name: '$page_view', where: { path: 'pages/home/index' }, label: 'home' },
    { name: 'view_product', label: 'product' },
    { name: 'add_to_cart', label: 'cart' },
    { name: 'checkout', label: 'checkout' },
    { name: 'pay_success', label: 'pay' },
  ],
};
