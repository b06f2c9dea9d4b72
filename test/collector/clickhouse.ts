/**
 * A throwaway ClickHouse server for the tests and `npm run bench:collector -- --store clickhouse`:
 * the binary of Debian's `clickhouse-server` package (or an official build's `clickhouse server`),
 * started with a config of its own in a temporary folder (data, logs), HTTP on a free port of
 * 127.0.0.1, no other listener, killed and removed after. No system service is needed.
 *
 * The folder is in /dev/shm where there is one (WETRACK_CLICKHOUSE_TMP overrides): every INSERT
 * writes a part, a folder of two files per column, and on this ext4 disk that took 20 ms against
 * 2 ms in memory; the tests send their batches one at a time, as one phone does.
 *
 * Where the binary is missing the ClickHouse tests are skipped, loudly, naming the command that
 * installs it; with WETRACK_REQUIRE_CLICKHOUSE=1 (set by .ci/run, which installs it) they fail instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const REQUIRE_CLICKHOUSE = process.env.WETRACK_REQUIRE_CLICKHOUSE === '1';
export const INSTALL_HINT = 'sudo apt-get install clickhouse-server (Debian, Ubuntu), or run bash .ci/run, which installs it';

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** How to start a server: Debian's clickhouse-server, else an official build's single `clickhouse` binary. */
export function clickhouseCommand(): { cmd: string; args: string[] } | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/sbin', '/usr/bin', '/usr/local/bin'];
  for (const d of dirs) if (executable(path.join(d, 'clickhouse-server'))) return { cmd: path.join(d, 'clickhouse-server'), args: [] };
  for (const d of dirs) if (executable(path.join(d, 'clickhouse'))) return { cmd: path.join(d, 'clickhouse'), args: ['server'] };
  return undefined;
}

/**
 * For a test file: true when ClickHouse can be started. When it cannot, says so loudly (once per
 * file) and returns false, so that the file's ClickHouse tests skip; under WETRACK_REQUIRE_CLICKHOUSE=1
 * it throws instead, and the file fails.
 */
export function clickhouseAvailable(what: string): boolean {
  if (clickhouseCommand()) return true;
  if (REQUIRE_CLICKHOUSE) throw new Error(`ClickHouse is not installed, and WETRACK_REQUIRE_CLICKHOUSE=1 says ${what} must run. Install it: ${INSTALL_HINT}.`);
  const message = `ClickHouse is not installed: ${what} SKIPPED. Install it: ${INSTALL_HINT}.`;
  const bar = '!'.repeat(Math.min(100, message.length + 6));
  console.warn(`\n${bar}\n!! ${message}\n${bar}\n`);
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ClickHouseServer {
  /** The server's version, as SELECT version() says. */
  version: string;
  httpPort: number;
  /** The store address of a database on this server (created by the store when it opens). */
  url(database: string): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/**
 * `tmp`: where its folder goes (default: /dev/shm where there is one, else the OS temp folder).
 * `cluster`: also a native (TCP) port and a cluster of that name in remote_servers, two shards on
 * this same server whose replicas name the databases shard1 and shard2 (what a Distributed table
 * with '' for its database reads and writes on each), for the tests of the cluster schema.
 */
export async function startClickHouse(opts: { tmp?: string; cluster?: string } = {}): Promise<ClickHouseServer> {
  const command = clickhouseCommand();
  if (!command) throw new Error(`ClickHouse is not installed. ${INSTALL_HINT}`);
  const dir = mkdtempSync(path.join(opts.tmp ?? process.env.WETRACK_CLICKHOUSE_TMP ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir()), 'wetrack-clickhouse-'));
  for (const d of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(path.join(dir, d));
  const httpPort = await freePort();
  const tcpPort = opts.cluster ? await freePort() : 0;
  const shard = (db: string) => `<shard><replica><host>127.0.0.1</host><port>${tcpPort}</port><default_database>${db}</default_database></replica></shard>`;
  const cluster = opts.cluster ? `<tcp_port>${tcpPort}</tcp_port><remote_servers><${opts.cluster}>${shard('shard1')}${shard('shard2')}</${opts.cluster}></remote_servers>` : '';
  // One listener (HTTP on loopback); small caches: several of these run at once on a laptop or CI.
  writeFileSync(
    path.join(dir, 'config.xml'),
    `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${httpPort}</http_port>${cluster}
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
</yandex>
`,
  );
  writeFileSync(
    path.join(dir, 'users.xml'),
    `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_threads>2</max_threads></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`,
  );
  const child = spawn(command.cmd, [...command.args, `--config-file=${path.join(dir, 'config.xml')}`], { cwd: dir, stdio: 'ignore' });
  running.add(child);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited (${code ?? signal})`;
    running.delete(child);
  });
  const base = `http://127.0.0.1:${httpPort}/`;
  // Killed: its data is thrown away, and a clean shutdown waits seconds for idle connections.
  const stop = async () => {
    if (!exited) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const t0 = performance.now();
  for (;;) {
    if (exited) {
      const errors = path.join(dir, 'server.err.log');
      const log = existsSync(errors) ? readFileSync(errors, 'utf8').slice(-2000) : '';
      await stop();
      throw new Error(`clickhouse-server ${exited} at start: ${log}`);
    }
    try {
      const res = await fetch(base + 'ping');
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 60_000) {
      await stop();
      throw new Error('clickhouse-server did not answer within 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const version = (await (await fetch(base, { method: 'POST', body: 'SELECT version()' })).text()).trim();
  return { version, httpPort, url: (database) => `clickhouse://127.0.0.1:${httpPort}/${database}`, stop };
}
