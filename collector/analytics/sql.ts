/**
 * What the analyses share. Days are calendar days of the phone's clock (`time_ms`) in the operators'
 * time zone (default UTC+8, China Standard Time): the corrected `server_time_ms` moves an event by the
 * batch's delay, and a day is what the user lived. A user is an install (`anonymous_id`): logout
 * (reset) starts a new one. Counts come back as DOUBLE (store.ts: BIGINT would come back as text).
 *
 * Each analysis has its SQL for DuckDB and for ClickHouse (the `ch…` helpers below; clickhouse.ts
 * says what its tables hold and why the SQL is that of ClickHouse 18.16). ClickHouse queries read
 * `events FINAL`: each event once, also before the background merge removed a duplicate.
 */
import { sqlLiteral } from '../clickhouse';

export const DAY_MS = 86_400_000;

export interface AnalyticsOptions {
  /** Minutes east of UTC for calendar days. Default 480 (UTC+8). */
  tzMinutes?: number;
}

/** SQL for the calendar day (DATE) of a time in ms. */
export const dayOf = (ms: string, o: AnalyticsOptions = {}) => `(epoch_ms((${ms}) + ${Math.round((o.tzMinutes ?? 480) * 60_000)}))::DATE`;

/** SQL for a property as a number (NULL when absent or not numeric). */
export const num = (key: string) => `TRY_CAST(properties->>'${key}' AS DOUBLE)`;

/** Paid order lines: one row per pay_success event (the example tracks one per product of the order). */
export const PAID_LINES = `
  SELECT anonymous_id, time_ms, (properties->>'order_id') AS order_id, (properties->>'product_code') AS product,
         coalesce(${num('price')} * ${num('quantity')}, 0) AS revenue
  FROM events WHERE name = 'pay_success' AND (properties->>'order_id') IS NOT NULL`;

/** Proportion or null when there is nothing to divide by. */
export const ratio = (a: number, b: number) => (b ? a / b : null);

/** ClickHouse: the day number (days since 1970-01-01) of a time in ms, in the operators' time zone. */
export const chDay = (ms: string, o: AnalyticsOptions = {}) => `toInt64(floor(((${ms}) + ${Math.round((o.tzMinutes ?? 480) * 60_000)}) / ${DAY_MS}))`;

/** ClickHouse: a day number as 'YYYY-MM-DD'. */
export const chDate = (day: string) => `toString(toDate('1970-01-01') + ${day})`;

/** ClickHouse: a property as text, as DuckDB's `->>` gives it (NULL when absent or null). */
export const chProp = (key: string) => `if(has(prop_keys, ${sqlLiteral(key)}), prop_values[indexOf(prop_keys, ${sqlLiteral(key)})], NULL)`;

/** ClickHouse: a property as a number (NULL when absent or not numeric). */
export const chNum = (key: string) => `toFloat64OrNull(${chProp(key)})`;

/** PAID_LINES in ClickHouse's words. */
export const CH_PAID_LINES = `
  SELECT anonymous_id, time_ms, assumeNotNull(${chProp('order_id')}) AS order_id, ${chProp('product_code')} AS product,
         ifNull(${chNum('price')} * ${chNum('quantity')}, 0) AS revenue
  FROM events FINAL WHERE name = 'pay_success' AND has(prop_keys, 'order_id')`;
