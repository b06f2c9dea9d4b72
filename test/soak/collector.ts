/**
 * A fault-injecting collector on 127.0.0.1 for the soak. For each request, a seeded draw decides:
 * accept (200), 500, 503, 429 with or without Retry-After, 503 with Retry-After, 413 (only for a
 * batch of more than one event: a body too large), a connection reset before the body is read
 * (nothing kept), a reset after the events were kept (the answer is lost: the SDK must resend, and
 * dedupe by id must absorb it), or a stall past the SDK's timeout (nothing kept).
 *
 * Every event of an accepted request (including the lost-answer ones) is recorded as delivered.
 * Stalled requests are reported to the simulator (registerStallSource) so that fake time may run
 * on while they wait for their timeout.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerStallSource } from '../sim/request';

export interface DeliveredEvent {
  id: string;
  seq: number;
  name: string;
  anonymousId: string;
  /** the soak's own key, for events the soak tracked */
  k?: string;
}

export type Outcome = 'ok' | '500' | '503' | '429' | '429-retry-after' | '503-retry-after' | '413' | 'reset' | 'ok-answer-lost' | 'stall';

/** Relative weights of the outcomes while faults are on. */
export const FAULT_MIX: [Outcome, number][] = [
  ['ok', 40],
  ['500', 8],
  ['503', 5],
  ['429', 4],
  ['429-retry-after', 4],
  ['503-retry-after', 3],
  ['413', 6],
  ['reset', 6],
  ['ok-answer-lost', 4],
  ['stall', 2],
];

export interface FaultCollector {
  url: string;
  delivered: DeliveredEvent[];
  /** how many requests got each outcome */
  outcomes: Record<string, number>;
  requests: number;
  /** faults on (the mix above) or off (every request accepted) */
  faults: boolean;
  close(): Promise<void>;
}

export async function startFaultCollector(rnd: () => number): Promise<FaultCollector> {
  const stalled = new Set<http.ServerResponse>();
  const total = FAULT_MIX.reduce((n, [, w]) => n + w, 0);
  const draw = (events: number): Outcome => {
    let x = rnd() * total;
    for (const [o, w] of FAULT_MIX) {
      if ((x -= w) < 0) return o === '413' && events < 2 ? 'ok' : o;
    }
    return 'ok';
  };
  const c: FaultCollector = {
    url: '',
    delivered: [],
    outcomes: {},
    requests: 0,
    faults: true,
    close: async () => undefined,
  };
  const keep = (events: Record<string, unknown>[]) => {
    for (const e of events) {
      const props = (e.properties || {}) as { k?: string };
      c.delivered.push({ id: String(e.id), seq: Number(e.seq), name: String(e.name), anonymousId: String(e.anonymousId), k: props.k });
    }
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (ch: Buffer) => chunks.push(ch));
    req.on('error', () => undefined);
    req.on('end', () => {
      c.requests++;
      let events: Record<string, unknown>[] = [];
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events?: Record<string, unknown>[] };
        events = Array.isArray(body.events) ? body.events : [];
      } catch {
        events = [];
      }
      const o: Outcome = c.faults ? draw(events.length) : 'ok';
      c.outcomes[o] = (c.outcomes[o] ?? 0) + 1;
      const answer = (status: number, headers: Record<string, string> = {}) => {
        res.writeHead(status, { Connection: 'close', 'Content-Type': 'application/json', ...headers });
        res.end('{}');
      };
      switch (o) {
        case 'ok':
          keep(events);
          return answer(200);
        case 'ok-answer-lost':
          keep(events);
          return req.socket.destroy();
        case 'reset':
          return req.socket.destroy();
        case 'stall':
          stalled.add(res);
          res.on('close', () => stalled.delete(res));
          req.socket.on('close', () => stalled.delete(res));
          return;
        case '429-retry-after':
          return answer(429, { 'Retry-After': String(1 + Math.floor(rnd() * 4)) });
        case '503-retry-after':
          return answer(503, { 'Retry-After': String(1 + Math.floor(rnd() * 4)) });
        default:
          return answer(Number(o));
      }
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const unregister = registerStallSource(() => stalled.size);
  c.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/collect`;
  c.close = async () => {
    unregister();
    stalled.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  return c;
}
