/**
 * `npm run demo`: the whole loop on one machine. Starts the collector (collector/) on a free port with
 * a fresh DuckDB file, runs the example shop's real pages (example-miniprogram/, the files DevTools
 * opens) in the runtime simulator with a scripted, seeded crowd, lets the SDK (the minified
 * mini-program build of src/) deliver over real HTTP, prints the collector's report, checks it
 * against what the script did, and says where the database and the live view are. The collector
 * checks every event against the example's tracking plan (example-miniprogram/tracking-plan.json):
 * the report's last section is the plan's coverage, with the crowd's one deliberate mistake. Then the
 * operators' view (collector/analytics/): the crowd's 14 virtual days by day, cohort, funnel,
 * channel, product pair, experiment variant, tier and repurchase, one line each.
 *
 *   npm run demo -- [--sessions 300] [--seed 20250618] [--serve]
 *   --serve keeps the collector (and its live view) running afterwards, until Ctrl-C.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildAnalytics, formatAnalytics } from '../collector/analytics';
import { buildReport, formatReport, type Report } from '../collector/report';
import { startCollector } from '../collector/server';
import { buildMiniprogramBundle } from '../test/qa/build';
import { loadPlan, formatErrors } from '../plan/load';
import { comparePlanCoverage } from '../test/plan/compare';
import { compareWithScript } from '../test/qa/compare';
import { runCrowd } from '../test/qa/crowd';
import { ExampleApp } from '../test/qa/miniapp';
import { installClock } from '../test/qa/time';

const ROOT = path.resolve(__dirname, '..');
const APP = path.join(ROOT, 'example-miniprogram/miniprogram');
const PLAN = path.join(ROOT, 'example-miniprogram/tracking-plan.json');

async function main() {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: '300' },
      seed: { type: 'string', default: '20250618' },
      serve: { type: 'boolean', default: false },
    },
  });
  const t0 = performance.now();
  const secs = () => ((performance.now() - t0) / 1000).toFixed(1) + ' s';

  const sdk = await buildMiniprogramBundle();
  const dir = path.join(ROOT, '.tmp/demo');
  const db = path.join(dir, 'wetrack-demo.duckdb');
  mkdirSync(dir, { recursive: true });
  rmSync(db, { force: true });
  rmSync(db + '.wal', { force: true });
  const collectorSaid: string[] = [];
  const loaded = loadPlan(PLAN);
  if (!loaded.plan) throw new Error(`the example's tracking plan has errors:\n${formatErrors(loaded)}`);
  const plan = loaded.plan;
  const log = {
    info: (m: string) => console.log(m),
    warn: (m: string) => {
      collectorSaid.push(m);
      console.error(m);
    },
  };
  const collector = await startCollector({ port: 0, db, plan, log });

  console.log('wetrack demo: the example shop, a scripted crowd, the collector\n');
  console.log(`  SDK        src/ built as miniprogram_dist/index.js (${secs()})`);
  console.log(`  collector  ${collector.url} → ${path.relative(ROOT, db)}, checking events against ${path.relative(ROOT, PLAN)}`);

  // The SDK's console warnings (a request interrupted in the background, …) are counted, not printed.
  const said = new Map<string, number>();
  const warn = console.warn;
  console.warn = (...a: unknown[]) => {
    const m = a.map(String).join(' ');
    if (m.startsWith('[wetrack]')) said.set(m, (said.get(m) ?? 0) + 1);
    else warn(...a);
  };
  const app = new ExampleApp(APP, sdk, { serverUrl: collector.url });
  const clock = installClock(Math.floor(Date.now() / 1000) * 1000);
  const sessions = Number(values.sessions);
  let truth;
  try {
    truth = await runCrowd({
      app,
      clock,
      sessions,
      seed: Number(values.seed),
      progress: (done, total) => done % 50 === 0 && done < total && process.stdout.write(`  … ${done} of ${total} sessions (${secs()})\n`),
    });
  } finally {
    clock.uninstall();
    console.warn = warn;
  }
  console.log(
    `  crowd      ${truth.sessions} sessions of ${truth.users} users (seed ${values.seed}): ${truth.offlineSessions} went offline, ` +
      `${truth.leftQueued} killed with events on the phone, ${truth.returnVisits} came back to deliver them, ${truth.hotStarts} hot starts, ` +
      `${truth.consentOff} turned data collection off (${secs()})`,
  );
  if (said.size) console.log('  SDK said   ' + [...said].map(([m, n]) => `${n}× ${m.replace('[wetrack] ', '')}`).join('; '));

  const report: Report = await buildReport(collector.store, undefined, plan);
  console.log('\n' + formatReport(report) + '\n');
  console.log("Operators' view (dashboard: /dashboard)\n" + formatAnalytics(await buildAnalytics(collector.store)).replace(/^/gm, '  ') + '\n');

  const problems = await compareWithScript(collector.store, report, truth);
  problems.push(...comparePlanCoverage(report.plan!, truth, plan));
  if (collectorSaid.length) problems.push(`the collector reported ${collectorSaid.length} internal error(s) (above)`);
  if (problems.length) {
    console.log('Check against the script: FAILED\n  ' + problems.join('\n  '));
  } else {
    console.log(
      `Check against the script: every one of the ${truth.tracked.size} events the SDK queued is stored once, no seq gaps; ` +
        `page views, exposures and taps per slot (so CTR) and the funnel equal what the script did; ` +
        `the plan's coverage (events, valid shares, properties never seen, slots) too, and the one violation is the script's deliberate mistake ` +
        `(${truth.planMistakes.map((m) => `${m.name} ${m.field}`).join(', ')}).`,
    );
  }

  const stale = staleExample(sdk);
  console.log(`\nDone in ${secs()}.`);
  const withPlan = `--plan ${path.relative(ROOT, PLAN)}`;
  console.log(`  database   ${path.relative(ROOT, db)} (DuckDB; npm run report -- --db ${path.relative(ROOT, db)} ${withPlan})`);
  if (values.serve) {
    console.log(`  live view  ${collector.liveUrl}  dashboard ${collector.liveUrl.replace(/\/$/, '')}/dashboard  (Ctrl-C to stop)`);
  } else {
    console.log(`  live view  npm run collector -- --db ${path.relative(ROOT, db)} ${withPlan}  then open http://127.0.0.1:8787/ and /dashboard (or npm run demo -- --serve)`);
    await collector.close();
  }
  if (stale) console.log(`\nNote: example-miniprogram/miniprogram/miniprogram_npm/wetrack is older than src/: run npm run example:sync before opening the example in DevTools.`);
  if (problems.length) process.exit(1);
  if (values.serve) process.on('SIGINT', () => collector.close().then(() => process.exit(0)));
}

/** True when the copy DevTools would load differs from the build of src/ just made. */
function staleExample(sdk: string): boolean {
  const copy = path.join(APP, 'miniprogram_npm/wetrack/index.js');
  return !existsSync(copy) || readFileSync(copy, 'utf8') !== readFileSync(sdk, 'utf8');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
