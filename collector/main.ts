/**
 * npm run collector -- [--host 127.0.0.1] [--port 8787] [--db .tmp/collector/events.duckdb | --db clickhouse://host:8123/wetrack] [--max-body 1048576]
 *                      [--token T | --insecure] [--allow-host NAME]... [--rate-limit 100] [--rate-limit-loopback]
 *                      [--plan tracking-plan.json]
 * npm run report    -- [--db FILE | --db clickhouse://… | --url http://127.0.0.1:8787] [--json] [--plan tracking-plan.json]
 *   The report ends with the operators' view (analytics/), under `analytics` in --json.
 * npm run collector -- clickhouse-schema --cluster NAME [--replicated] [--local-database DB]
 *   The DDL of a ClickHouse cluster for the collectors (docs/deploy.md).
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { formatErrors, loadPlan } from '../plan/load';
import type { TrackingPlanFile } from '../src/plan/shape';
import { buildAnalytics, formatAnalytics, type Analytics } from './analytics';
import { clusterSchema } from './clickhouse';
import { isClickHouse, openStore } from './open';
import { buildReport, formatReport, type Report } from './report';
import { startCollector } from './server';
import type { EventStore } from './store';

export const DEFAULT_DB = '.tmp/collector/events.duckdb';

const USAGE = `usage:
  npm run collector -- [--host 127.0.0.1] [--port 8787] [--db ${DEFAULT_DB}] [--max-body 1048576]
                       [--token T | --insecure] [--allow-host NAME]... [--rate-limit 100] [--rate-limit-loopback]
    --token     required on every request (Authorization: Bearer T; the live view: open /?token=T);
                needed to listen beyond loopback (also WETRACK_COLLECTOR_TOKEN)
    --insecure  listen beyond loopback without a token
    --allow-host  another name the collector answers to in the Host header ('*': any)
    --rate-limit  requests per second per client address (0: off); loopback only with --rate-limit-loopback
    --plan      check every event against this tracking plan: violations are stored with the event
                (never refused), shown in the live view, counted in the report with the plan's coverage
    --db        a DuckDB file (one collector), or clickhouse://[user[:password]@]host[:port]/database: a
                ClickHouse server that any number of collectors share (docs/deploy.md)
  npm run report -- [--db ${DEFAULT_DB} | --db clickhouse://… | --url http://127.0.0.1:8787] [--json] [--plan tracking-plan.json]
    --plan      (with --db) the plan's coverage; from --url, the collector's own plan is used
  npm run collector -- clickhouse-schema --cluster NAME [--replicated] [--local-database DB]
    prints the DDL of a ClickHouse cluster: _local tables on every shard (Replicated… engines with
    --replicated), Distributed tables where the collectors connect (docs/deploy.md)`;

async function main() {
  const [command = 'serve', ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      host: { type: 'string', default: process.env.WETRACK_COLLECTOR_HOST ?? '127.0.0.1' },
      port: { type: 'string', default: process.env.WETRACK_COLLECTOR_PORT ?? '8787' },
      db: { type: 'string', default: DEFAULT_DB },
      'max-body': { type: 'string', default: String(1024 * 1024) },
      token: { type: 'string', default: process.env.WETRACK_COLLECTOR_TOKEN },
      insecure: { type: 'boolean', default: false },
      'allow-host': { type: 'string', multiple: true, default: [] },
      'rate-limit': { type: 'string', default: '100' },
      'rate-limit-loopback': { type: 'boolean', default: false },
      url: { type: 'string' },
      plan: { type: 'string' },
      json: { type: 'boolean', default: false },
      cluster: { type: 'string' },
      replicated: { type: 'boolean', default: false },
      'local-database': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  let plan: TrackingPlanFile | undefined;
  if (values.plan) {
    const loaded = loadPlan(values.plan);
    if (!loaded.plan) throw new Error(`the tracking plan has errors:\n${formatErrors(loaded)}`);
    plan = loaded.plan;
  }

  if (command === 'serve') {
    if (!isClickHouse(values.db)) mkdirSync(path.dirname(path.resolve(values.db)), { recursive: true });
    const perSecond = Number(values['rate-limit']);
    const c = await startCollector({
      host: values.host,
      port: Number(values.port),
      db: values.db,
      maxBodyBytes: Number(values['max-body']),
      token: values.token,
      insecure: values.insecure,
      allowedHosts: values['allow-host'],
      rateLimit: perSecond > 0 ? { perSecond, loopback: values['rate-limit-loopback'] } : false,
      plan,
    });
    console.log(`wetrack collector\n  SDK serverUrl  ${c.url}\n  live view      ${c.liveUrl}\n  database       ${isClickHouse(values.db) ? c.store.file : path.resolve(values.db)}\n  report         npm run report -- --url ${c.liveUrl.replace(/\/$/, '')}${plan ? `\n  tracking plan  ${path.resolve(values.plan!)} (${Object.keys(plan.events).length} events)` : ''}`);
    const stop = async () => {
      await c.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return;
  }

  if (command === 'clickhouse-schema') {
    if (!values.cluster) throw new Error('clickhouse-schema needs --cluster NAME (a cluster of remote_servers in the servers\' config)');
    const ddl = clusterSchema({ cluster: values.cluster, replicated: values.replicated, localDatabase: values['local-database'] });
    console.log(`-- On every shard of ${values.cluster}:\n${ddl.shards.join(';\n\n')};\n\n-- Where the collectors connect, in the database their --db clickhouse://host:port/<database> names:\n${ddl.collectors.join(';\n\n')};`);
    return;
  }

  if (command === 'report') {
    let report: Report;
    let analytics: Analytics;
    if (values.url) {
      const get = async <T>(route: string) => {
        const res = await fetch(values.url!.replace(/\/$/, '') + route, values.token ? { headers: { authorization: `Bearer ${values.token}` } } : {});
        if (!res.ok) throw new Error(`${values.url} answered ${res.status}`);
        return (await res.json()) as T;
      };
      report = await get<Report>('/api/report');
      analytics = await get<Analytics>('/api/analytics');
    } else {
      let store: EventStore;
      try {
        store = await openStore(values.db, { readOnly: true });
      } catch (e) {
        if (isClickHouse(values.db)) throw e;
        throw new Error(`cannot open ${values.db} (${(e as Error).message.split('\n')[0]}). While the collector runs it holds the file: use --url http://127.0.0.1:8787`);
      }
      try {
        report = await buildReport(store, undefined, plan);
        analytics = await buildAnalytics(store);
      } finally {
        await store.close();
      }
    }
    console.log(values.json ? JSON.stringify({ ...report, analytics }, null, 2) : formatReport(report) + "\n\nOperators' view\n" + formatAnalytics(analytics));
    return;
  }
  console.error(USAGE);
  process.exit(2);
}

main().catch((e) => {
  console.error('collector: ' + ((e as Error).message ?? e));
  process.exit(1);
});
