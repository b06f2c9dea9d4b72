/**
 * A load balancer for the tests, in front of several setups of collectors at once. Each request the
 * SDK sends goes to every route (a list of collectors); within a route, to one collector after the
 * other (round robin: the SDK's traffic split by batch). The SDK gets the first route's answer; a
 * route that answered with another status is a mismatch. With `loseEvery: n`, every n-th request is
 * answered 503 after all routes have stored it, as a balancer that lost the answer would: the SDK
 * sends those events again, and the next collector in turn gets them.
 *
 * It forwards with node:http (real sockets, no timers of its own), so it runs beside the crowd's fake
 * clock, whose rule (time does not move while a request waits for its answer) covers it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Tee {
  /** Where the SDK posts (serverUrl). */
  url: string;
  /** Requests received, and per route the collector (index) each went to. */
  requests: { route: number[] }[];
  /** Answers a route gave that differ from the first route's. */
  mismatches: string[];
  /** Requests answered 503 on purpose. */
  lost: number;
  close(): Promise<void>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function forward(base: string, path: string, headers: http.IncomingHttpHeaders, body: Buffer): Promise<{ status: number; type: string; body: Buffer }> {
  const u = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(u, { method: 'POST', agent, headers: { 'content-type': String(headers['content-type'] ?? 'application/json'), 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function startTee(routes: string[][], opts: { loseEvery?: number } = {}): Promise<Tee> {
  const next = routes.map(() => 0);
  const tee: Tee = { url: '', requests: [], mismatches: [], lost: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const n = tee.requests.length + 1;
      const picks = routes.map((r, i) => next[i]++ % r.length);
      tee.requests.push({ route: picks });
      try {
        const answers = await Promise.all(routes.map((r, i) => forward(r[picks[i]!]!, req.url ?? '/', req.headers, body)));
        answers.forEach((a, i) => {
          if (i && a.status !== answers[0]!.status) tee.mismatches.push(`request ${n}: route ${i} answered ${a.status}, route 0 ${answers[0]!.status} (${a.body.toString().slice(0, 200)})`);
        });
        if (opts.loseEvery && n % opts.loseEvery === 0 && answers[0]!.status === 200) {
          tee.lost++;
          res.writeHead(503, { 'content-type': 'application/json', connection: 'close' });
          res.end('{"error":"the balancer lost the answer"}');
          return;
        }
        res.writeHead(answers[0]!.status, { 'content-type': answers[0]!.type, connection: 'close' });
        res.end(answers[0]!.body);
      } catch (e) {
        tee.mismatches.push(`request ${n}: ${e}`);
        res.writeHead(502, { connection: 'close' });
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  tee.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/batch`;
  tee.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return tee;
}
