/**
 * The report, in-process:
 * - as text (formatReport), which the CLI prints (`npm run report`) and the tests that run the CLI
 *   see only from a child process: every line of a small report, the columns' alignment, the CTR and
 *   conversions with nothing to divide by, and the plan's coverage after a blank line;
 * - with a tracking plan on a DuckDB file written before plans (no `violations` column, opened read
 *   only, as `npm run report` opens it): a clear error saying how to add the column, not an SQL one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { formatCoverage, type PlanCoverage } from '../../collector/coverage';
import { buildReport, formatReport, type Report } from '../../collector/report';
import { DuckStore } from '../../collector/store';
import type { TrackingPlanFile } from '../../src/plan/shape';

const REPORT: Report = {
  totals: { events: 120, installs: 7, users: 3, sessions: 9, batches: 14 },
  pages: [
    { page: 'pages/home/index', pv: 40, uv: 7 },
    { page: 'pages/cart/index', pv: 5, uv: 2 },
  ],
  slots: [
    { slot: 'home.banner.1', exposures: 8, taps: 2, ctr: 0.25 },
    { slot: 'home.grid', exposures: 0, taps: 1, ctr: null },
  ],
  funnel: [
    { step: 'home', sessions: 8, conversion: null },
    { step: 'product', sessions: 6, conversion: 0.75 },
    { step: 'pay', sessions: 3, conversion: 0.5 },
  ],
  names: [
    { name: '$page_view', events: 45 },
    { name: 'pay_success', events: 3 },
  ],
  quality: { duplicates: 2, gaps: 1, missing: 4, installsWithGaps: 1, droppedOnPhone: 5, rejected: 6 },
};

const TEXT = [
  '120 events from 7 installs (3 logged-in users), 9 sessions, 14 batches',
  '',
  'Pages',
  '  page               PV   UV',
  '  pages/home/index   40    7',
  '  pages/cart/index    5    2',
  '',
  'Slots',
  '  slot            exposures   taps     CTR',
  '  home.banner.1           8      2   25.0%',
  '  home.grid               0      1       —',
  '',
  'Funnel (per session)',
  '  step      sessions   step conversion   of first step',
  '  home             8                 —          100.0%',
  '  product          6             75.0%           75.0%',
  '  pay              3             50.0%           37.5%',
  '',
  'Events by name',
  '  name          events',
  '  $page_view        45',
  '  pay_success        3',
  '',
  'Delivery',
  '  duplicates dropped 2 · seq gaps 1 (4 events missing, 1 installs) · dropped on phones 5 · requests refused 6',
].join('\n');

describe('formatReport', () => {
  it('every line: totals, pages, slots, funnel, names and delivery, columns aligned (first left, the others right)', () => {
    expect(formatReport(REPORT)).toBe(TEXT);
  });

  it('a funnel whose first step has no session: "of first step" is a dash, not a division by zero', () => {
    const r: Report = { ...REPORT, funnel: [{ step: 'home', sessions: 0, conversion: null }, { step: 'pay', sessions: 0, conversion: null }] };
    const lines = formatReport(r).split('\n');
    const at = lines.indexOf('Funnel (per session)');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 4)).toEqual([
      '  step   sessions   step conversion   of first step',
      '  home          0                 —               —',
      '  pay           0                 —               —',
    ]);
  });

  it('empty lists: each table is its header alone', () => {
    const r: Report = { ...REPORT, pages: [], slots: [], funnel: [], names: [] };
    expect(formatReport(r).split('\n').slice(2, 12)).toEqual(['Pages', '  page   PV   UV', '', 'Slots', '  slot   exposures   taps   CTR', '', 'Funnel (per session)', '  step   sessions   step conversion   of first step', '', 'Events by name']);
  });

  it("with a plan: the plan's coverage after a blank line, as formatCoverage prints it", () => {
    const plan: PlanCoverage = { versions: ['1.0.0'], total: 120, checked: 100, invalid: 0, events: [], slots: [], unplanned: [{ name: 'debug_ping', events: 20 }], unplannedSlots: [], violations: [] };
    const coverage = formatCoverage(plan);
    expect(coverage).toContain('debug_ping');
    expect(formatReport({ ...REPORT, plan })).toBe(`${TEXT}\n\n${coverage}`);
  });
});

describe('buildReport with a plan on a file written before plans', () => {
  const plan: TrackingPlanFile = { version: 1, events: { checkout: { description: 'the order confirmed', properties: { order_id: { type: 'string' } } } } };

  it('read only and without the violations column: the error names the file and the command that adds the column; without a plan the report is built', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wetrack-report-'));
    const file = path.join(dir, 'old.duckdb');
    try {
      await (await DuckStore.open(file)).close();
      // The file as a collector before tracking plans left it: the same tables, no violations column.
      const raw = await DuckDBInstance.create(file);
      const c = await raw.connect();
      await c.run('ALTER TABLE events DROP COLUMN violations');
      c.closeSync();
      raw.closeSync();

      const old = await DuckStore.open(file, { readOnly: true });
      try {
        await expect(buildReport(old, undefined, plan)).rejects.toThrow(
          `${file} was written before tracking plans: open it once with the collector (npm run collector -- --db ${file}) to add the column`,
        );
        const report = await buildReport(old);
        expect(report.totals).toEqual({ events: 0, installs: 0, users: 0, sessions: 0, batches: 0 });
        expect(report.plan).toBeUndefined();
      } finally {
        await old.close();
      }

      // Opened once for writing (as the collector does), the column is back and the plan's coverage is in the report.
      await (await DuckStore.open(file)).close();
      const mended = await DuckStore.open(file, { readOnly: true });
      try {
        const report = await buildReport(mended, undefined, plan);
        expect(report.plan?.total).toBe(0);
        expect(report.plan?.events.map((e) => e.name)).toEqual(['checkout']);
      } finally {
        await mended.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
