/**
 * What the collector answers, word for word: each refusal's status, JSON body and headers (the SDK
 * and operators act on them: 4xx isolates a bad event, 415 and 503 are retried, 401 and 429 say
 * what to send), the counters /health keeps of refused requests, the token's forms (bearer header,
 * cookie, the live view's /?token=), the rate limit's Retry-After, the API's checks of tz and funnel
 * definitions, a port given explicitly, and the warning printed when listening beyond loopback.
 * access.test.ts and attacks.test.ts test which requests are refused; this file, what they are told.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base, batch, event, post, raw, start, statusOf, type Running } from './helpers';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown> | undefined;
}

/** A request with any headers (fetch will not send Host or Origin as given). */
function request(port: number, target: string, headers: Record<string, string> = {}, method = 'GET', body?: string, localAddress?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, method, headers: { host: `127.0.0.1:${port}`, ...headers }, agent: false, localAddress }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** /health, from another loopback address than the tests' requests: a bucket of its own under a rate limit. */
const health = async (r: Running) => (await request(r.c.port, '/health', {}, 'GET', undefined, '127.0.0.2')).json as { refused: { rateLimited: number; unauthorized: number; hostOrOrigin: number } };

describe('refusals of a batch: status, body and headers', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start();
  });
  afterAll(() => r.close());

  it('GET /v1/batch: 405, Allow: POST, "POST a batch here"', async () => {
    const a = await request(r.c.port, '/v1/batch');
    expect(a.status).toBe(405);
    expect(a.headers.allow).toBe('POST');
    expect(a.headers['content-type']).toBe('application/json');
    expect(a.headers['cache-control']).toBe('no-store');
    expect(a.json).toEqual({ error: 'method not allowed', message: 'POST a batch here' });
  });

  it('a body that is not JSON by its content-type: 415 naming the type sent', async () => {
    const a = await request(r.c.port, '/v1/batch', { 'content-type': 'text/plain' }, 'POST', '{}');
    expect(a.status).toBe(415);
    expect(a.json).toEqual({ error: 'unsupported media type', message: 'content-type must be application/json, got "text/plain"' });
  });

  it('content-encoding other than identity: 415 naming it; gzip bytes without the header: 415 saying so', async () => {
    const enc = await request(r.c.port, '/v1/batch', { 'content-type': 'application/json', 'content-encoding': ' GZip ' }, 'POST', '{}');
    expect(enc.status).toBe(415);
    expect(enc.json).toEqual({ error: 'unsupported media type', message: 'content-encoding "gzip": send the JSON uncompressed' });
    const plain = await request(r.c.port, '/v1/batch', { 'content-type': 'application/json', 'content-encoding': 'identity' }, 'POST', JSON.stringify(batch([event()])));
    expect(plain.status).toBe(200);
    const res = await post(r.c, new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]));
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ error: 'unsupported media type', message: 'the body is gzip data without content-encoding: send the JSON uncompressed' });
  });

  it('malformed JSON: 400 "malformed JSON"; an invalid event: 400 "invalid batch" with its index and field', async () => {
    const bad = await post(r.c, '{"events": [');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'malformed JSON', field: '(body)', message: '(body) Unexpected end of JSON input' });
    const invalid = await post(r.c, batch([event(), event({ seq: 0 })]));
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ error: 'invalid batch', index: 1, field: 'events[1].seq', message: 'events[1].seq must be a positive integer, got 0' });
  });

  it('an unknown path: 404 telling where the SDK posts and where the live view is; a POST elsewhere: 405 Allow: GET', async () => {
    const a = await request(r.c.port, '/nothing');
    expect(a.status).toBe(404);
    expect(a.json).toEqual({ error: 'not found', message: 'the SDK posts to /v1/batch; the live view is at /' });
    const p = await request(r.c.port, '/api/events', {}, 'POST', '');
    expect(p.status).toBe(405);
    expect(p.headers.allow).toBe('GET');
    expect(p.json).toEqual({ error: 'method not allowed' });
  });

  it('the live view and the dashboard are HTML; text answers are text/plain', async () => {
    for (const path of ['/', '/index.html', '/dashboard']) {
      const a = await request(r.c.port, path);
      expect(a.status).toBe(200);
      expect(a.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(a.text.startsWith('<!doctype html>') || a.text.startsWith('<!DOCTYPE html>')).toBe(true);
    }
  });

  it('/api/analytics: tz from -840 to 840 minutes, else 400 naming tz', async () => {
    for (const tz of ['840', '-840', '0']) expect((await request(r.c.port, `/api/analytics?tz=${tz}`)).status).toBe(200);
    for (const tz of ['841', '-841', '1.5', 'x']) {
      const a = await request(r.c.port, `/api/analytics?tz=${tz}`);
      expect(a.status).toBe(400);
      expect(a.json).toEqual({ error: 'bad request', field: 'tz', message: 'tz must be minutes east of UTC, -840 to 840' });
    }
  });

  it('/api/funnel: a def that is not JSON, and one the check refuses, each a 400 naming def; a good one, the counts', async () => {
    const notJson = await request(r.c.port, '/api/funnel?def=%7Bsteps');
    expect(notJson.status).toBe(400);
    expect(notJson.json).toEqual({ error: 'bad request', field: 'def', message: 'def must be JSON: { "steps": [{ "name": "…", "where": { … } }], "within": "session" | days }' });
    const missing = await request(r.c.port, '/api/funnel');
    expect(missing.json).toEqual(notJson.json);
    const refused = await request(r.c.port, `/api/funnel?def=${encodeURIComponent(JSON.stringify({ steps: [], within: 'session' }))}`);
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: 'bad request', field: 'def', message: 'steps: 1 to 12' });
    const ok = await request(r.c.port, `/api/funnel?def=${encodeURIComponent(JSON.stringify({ steps: [{ name: 'add_to_cart' }], within: 'session' }))}`);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ within: 'session', steps: [{ step: 'add_to_cart' }] });
  });
});

describe('the token', () => {
  const TOKEN = 's3cret-token';
  let r: Running;
  beforeAll(async () => {
    r = await start({ token: TOKEN });
  });
  afterAll(() => r.close());

  it('without it: 401, WWW-Authenticate: Bearer, and how to send it; each counted in /health', async () => {
    const before = (await request(r.c.port, '/health', { authorization: `Bearer ${TOKEN}` })).json as { refused: { unauthorized: number } };
    const a = await request(r.c.port, '/api/events');
    expect(a.status).toBe(401);
    expect(a.headers['www-authenticate']).toBe('Bearer');
    expect(a.json).toEqual({ error: 'unauthorized', message: 'this collector needs its token: Authorization: Bearer <token> (the live view: open /?token=<token>)' });
    await request(r.c.port, '/api/events', { authorization: 'Bearer wrong' });
    const after = (await request(r.c.port, '/health', { authorization: `Bearer ${TOKEN}` })).json as { refused: { unauthorized: number } };
    expect(after.refused.unauthorized - before.refused.unauthorized).toBe(2);
  });

  it('the bearer header in any case and spacing; not after another scheme', async () => {
    expect((await request(r.c.port, '/api/events', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await request(r.c.port, '/api/events', { authorization: `bearer   ${TOKEN}` })).status).toBe(200);
    expect((await request(r.c.port, '/api/events', { authorization: `Basic Bearer ${TOKEN}` })).status).toBe(401);
    expect((await request(r.c.port, '/api/events', { authorization: TOKEN })).status).toBe(401);
  });

  it('the live view at /?token=: 303 to / with an HttpOnly cookie, which alone then opens the API', async () => {
    const a = await request(r.c.port, `/?token=${TOKEN}`);
    expect(a.status).toBe(303);
    expect(a.headers.location).toBe('/');
    expect(a.headers['set-cookie']).toEqual([`wetrack_token=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`]);
    expect(a.text).toBe('');
    expect((await request(r.c.port, `/?token=wrong`)).status).toBe(401);
    expect((await request(r.c.port, `/api/events?token=${TOKEN}`)).status).toBe(401);
    // No Authorization header at all: the cookie decides.
    expect((await request(r.c.port, '/api/events', { cookie: `other=1; wetrack_token=${TOKEN}` })).status).toBe(200);
    expect((await request(r.c.port, '/api/events', { cookie: 'wetrack_token=nope' })).status).toBe(401);
  });
});

describe('the rate limit', () => {
  it('429 with the rate in the message, Retry-After in whole seconds at least 1, the connection closed; counted in /health', async () => {
    const r = await start({ rateLimit: { perSecond: 0.5, burst: 1, loopback: true } });
    try {
      expect((await request(r.c.port, '/api/slots')).status).toBe(200);
      const a = await request(r.c.port, '/api/slots');
      expect(a.status).toBe(429);
      expect(a.json).toEqual({ error: 'too many requests', message: 'over 0.5 requests per second from this address' });
      // One token at 0.5 a second: 2 s to wait.
      expect(a.headers['retry-after']).toBe('2');
      expect(a.headers.connection).toBe('close');
      const b = await request(r.c.port, '/api/slots');
      expect(b.status).toBe(429);
      expect((await health(r)).refused.rateLimited).toBe(2);
    } finally {
      await r.close();
    }
    const fast = await start({ rateLimit: { perSecond: 4, burst: 1, loopback: true } });
    try {
      await request(fast.c.port, '/api/slots');
      const a = await request(fast.c.port, '/api/slots');
      expect(a.status).toBe(429);
      // A quarter of a second to wait: said as 1 s, never 0.
      expect(a.headers['retry-after']).toBe('1');
    } finally {
      await fast.close();
    }
  });
});

describe('origin', () => {
  it('a foreign Origin on a read: 403 naming it, counted; the same host, or the opaque origin null, served; batches are judged by Host and token only', async () => {
    const r = await start();
    try {
      const a = await request(r.c.port, '/api/events', { origin: 'http://evil.example' });
      expect(a.status).toBe(403);
      expect(a.json).toEqual({ error: 'origin not allowed', message: 'requests from http://evil.example are not served' });
      expect((await request(r.c.port, '/api/events', { origin: 'not a url' })).status).toBe(403);
      expect((await request(r.c.port, '/api/events', { origin: `http://127.0.0.1:${r.c.port}` })).status).toBe(200);
      expect((await request(r.c.port, '/api/events', { origin: `chrome-extension://localhost` })).status).toBe(200);
      expect((await request(r.c.port, '/api/events', { origin: 'null' })).status).toBe(200);
      const h = await request(r.c.port, '/health', { host: 'evil.example' });
      expect(h.status).toBe(403);
      expect(h.json).toEqual({ error: 'host not allowed', message: 'this collector does not answer to "evil.example"; add it with --allow-host' });
      expect((await health(r)).refused.hostOrOrigin).toBe(3);
      const sent = await request(r.c.port, '/v1/batch', { origin: 'http://evil.example', 'content-type': 'application/json' }, 'POST', JSON.stringify(batch([event()])));
      expect(sent.status).toBe(200);
    } finally {
      await r.close();
    }
  });
});

describe('listening', () => {
  it('on the port given', async () => {
    const free = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const r = await start({ port: free });
    try {
      expect(r.c.port).toBe(free);
      expect(r.c.url).toBe(`http://127.0.0.1:${free}/v1/batch`);
      expect(base(r.c)).toBe(`http://127.0.0.1:${free}`);
    } finally {
      await r.close();
    }
  });

  it('beyond loopback without a token: refused, saying why and both ways out', async () => {
    await expect(start({ host: '0.0.0.0' })).rejects.toThrow(
      new Error(
        'refusing to listen on 0.0.0.0 without a token: anyone who reaches it could read user ids in the live view. ' +
          'Set one (--token, or WETRACK_COLLECTOR_TOKEN) and send it from the SDK as headers: { Authorization: "Bearer <token>" }, ' +
          'or pass --insecure on a network you trust.',
      ),
    );
  });

  it('beyond loopback: the warning in full, with a token and without', async () => {
    const bar = '!'.repeat(78);
    const insecure = await start({ host: '0.0.0.0', insecure: true });
    try {
      expect(insecure.warnings).toEqual([
        [
          bar,
          `!! WARNING: the collector listens on 0.0.0.0:${insecure.c.port}, not on 127.0.0.1.`,
          '!! Anyone who can reach this address can try to post events and open the live view, which',
          '!! shows user ids and event properties. There is no authentication (--insecure): use this only on a',
          '!! network you trust (e.g. to reach a phone on your Wi-Fi), never on a public one.',
          bar,
        ].join('\n'),
      ]);
      expect(insecure.c.liveUrl).toBe(`http://127.0.0.1:${insecure.c.port}/`);
    } finally {
      await insecure.close();
    }
    const withToken = await start({ host: '0.0.0.0', token: 's3cret-token' });
    try {
      expect(withToken.warnings).toEqual([
        [
          bar,
          `!! WARNING: the collector listens on 0.0.0.0:${withToken.c.port}, not on 127.0.0.1.`,
          '!! Anyone who can reach this address can try to post events and open the live view, which',
          '!! shows user ids and event properties: they need the token, which travels unencrypted (plain HTTP).',
          '!! Use this only on a network you trust (e.g. to reach a phone on your Wi-Fi).',
          bar,
        ].join('\n'),
      ]);
    } finally {
      await withToken.close();
    }
  });
});

describe("requests Node's parser refuses", () => {
  it('a malformed request line: 400 and the connection closed; a head past the limit: 431', async () => {
    const r = await start();
    try {
      const bad = await raw(r.c, 'GARBAGE\r\n\r\n');
      expect(bad).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      const big = await raw(r.c, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(statusOf(big)).toBe(431);
      expect(big).toBe('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    } finally {
      await r.close();
    }
  });
});
