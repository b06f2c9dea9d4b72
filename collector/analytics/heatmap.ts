/**
 * Tap heat map per page: $tap events that carry the tap's position `x`, `y` in page coordinates
 * (px from the page's top-left corner, scroll included), with the window's width from the batch
 * context (`windowWidth`, else `screenWidth`). Cells are squares of width / columns: column
 * = x / width · columns, row = y / width · columns, so phones of any width share one grid. The SDK
 * does not send x and y yet (the mini-program bundle is at its size limit): until it does, taps
 * without them are counted as `unplaced` and the grid stays empty.
 */
import type { Store } from '../store';
import { chNum, num } from './sql';

export interface HeatPage {
  page: string;
  taps: number;
  unplaced: number;
  columns: number;
  rows: number;
  /** [row, column, taps] per cell with taps. */
  cells: [number, number, number][];
}

export async function heatmap(s: Store, o: { columns?: number; maxRows?: number } = {}): Promise<HeatPage[]> {
  const columns = Math.max(1, Math.floor(o.columns ?? 10));
  const maxRows = Math.max(1, Math.floor(o.maxRows ?? 60));
  // ClickHouse keeps the batch's widths with each event (clickhouse.ts): no join.
  const placed = (v: string, max: number) => `if(x >= 0 AND y >= 0 AND w > 0, least(floor(${v} / w * ${columns}), ${max}), NULL)`;
  const clickhouse = `
    SELECT pg AS page, r, c, count() AS n FROM (
      SELECT pg, ${placed('x', columns - 1)} AS c, ${placed('y', maxRows - 1)} AS r FROM (
        SELECT coalesce(path, page, '?') AS pg, ${chNum('x')} AS x, ${chNum('y')} AS y,
               coalesce(toFloat64OrNull(window_width), toFloat64OrNull(screen_width)) AS w
        FROM events FINAL WHERE name = '$tap'))
    GROUP BY page, r, c ORDER BY page, r, c`;
  const rows = await s.rows<{ page: string; r: number | null; c: number | null; n: number }>(s.dialect === 'clickhouse' ? clickhouse : `
    WITH t AS (SELECT coalesce(e.path, e.page, '?') AS page, ${num('x')} AS x, ${num('y')} AS y,
                      coalesce(TRY_CAST(b.context->>'windowWidth' AS DOUBLE), TRY_CAST(b.context->>'screenWidth' AS DOUBLE)) AS w
               FROM events e LEFT JOIN batches b USING (batch_id) WHERE e.name = '$tap'),
         p AS (SELECT page, CASE WHEN x >= 0 AND y >= 0 AND w > 0 THEN least(floor(x / w * ${columns}), ${columns - 1}) END AS c,
                      CASE WHEN x >= 0 AND y >= 0 AND w > 0 THEN least(floor(y / w * ${columns}), ${maxRows - 1}) END AS r FROM t)
    SELECT page, r::DOUBLE AS r, c::DOUBLE AS c, count(*)::DOUBLE AS n FROM p GROUP BY ALL ORDER BY page, r, c`);
  const pages = new Map<string, HeatPage>();
  for (const x of rows) {
    let p = pages.get(x.page);
    if (!p) pages.set(x.page, (p = { page: x.page, taps: 0, unplaced: 0, columns, rows: 0, cells: [] }));
    p.taps += x.n;
    if (x.r === null || x.c === null) p.unplaced += x.n;
    else {
      p.cells.push([x.r, x.c, x.n]);
      p.rows = Math.max(p.rows, x.r + 1);
    }
  }
  return [...pages.values()];
}
