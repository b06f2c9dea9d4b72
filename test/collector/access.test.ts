/**
 * Issue 11, point 5: who may talk to the collector. A Host it does not answer to (DNS rebinding:
 * a page under another name that resolves to 127.0.0.1) and a foreign Origin get 403; beyond
 * loopback it will not start without a token unless forced; with a token every request needs it
 * (the live view gets it as a cookie); each client address has a rate limit answered 429 with
 * Retry-After.
 */
import * as http from 'node:http';
import { describe, expect, it } from 'vitest';
import { base, batch, event, post, start } from './helpers';

/** A GET with the headers given (fetch does not let a test set Host). */
function get(port: number, target: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Host and Origin', () => {
  it('answers loopback names, refuses other names (DNS rebinding) with 403, takes names it is given', async () => {
    const r = await start({ allowedHosts: ['collector.test'] });
    try {
      const port = r.c.port;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'LOCALHOST', `collector.test:${port}`]) {
        expect((await get(port, '/api/events', { host })).status, host).toBe(200);
      }
      for (const host of [`evil.example:${port}`, 'rebind.127.0.0.1.nip.example', `localhost.evil.example:${port}`, `127.0.0.2:${port}`]) {
        const res = await get(port, '/api/events', { host });
        expect(res.status, host).toBe(403);
        expect(res.body).not.toContain('anon-');
      }
      expect((await get(port, '/api/events', { host: `127.0.0.1:${port}`, origin: 'http://evil.example' })).status).toBe(403);
      expect((await get(port, '/api/events', { host: `127.0.0.1:${port}`, origin: `http://localhost:${port}` })).status).toBe(200);
      const health = await (await fetch(base(r.c) + '/health')).json();
      expect(health.refused.hostOrOrigin).toBe(5);
    } finally {
      await r.close();
    }
  });

  it("takes any name with allowedHosts: ['*']", async () => {
    const r = await start({ allowedHosts: ['*'] });
    try {
      expect((await get(r.c.port, '/health', { host: 'anything.example' })).status).toBe(200);
    } finally {
      await r.close();
    }
  });
});

describe('token', () => {
  it('refuses to listen beyond loopback without a token, unless forced', async () => {
    await expect(start({ host: '0.0.0.0' })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without a token[\s\S]*--insecure/);
    const forced = await start({ host: '0.0.0.0', insecure: true });
    expect(forced.warnings.join('\n')).toMatch(/no authentication \(--insecure\)/);
    await forced.close();
    const withToken = await start({ host: '0.0.0.0', token: 's3cret-token' });
    expect(withToken.warnings.join('\n')).toMatch(/they need the token/);
    await withToken.close();
  });

  it('needs the token on every request: bearer header for the SDK, a cookie for the live view', async () => {
    const token = 'tok-' + 'x'.repeat(30);
    const r = await start({ token });
    try {
      const port = r.c.port;
      const host = `127.0.0.1:${port}`;
      const none = await post(r.c, batch([event()]));
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect((await post(r.c, batch([event()]), { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await post(r.c, batch([event()]), { authorization: `Bearer ${token}x` })).status).toBe(401);
      expect((await post(r.c, batch([event()]), { authorization: `Bearer ${token}` })).body).toMatchObject({ stored: 1 });
      for (const target of ['/', '/api/events', '/api/stream', '/api/report', '/health']) expect((await get(port, target, { host })).status, target).toBe(401);

      // The live view: /?token=… sets an HttpOnly cookie and sends the browser back to /.
      expect((await get(port, '/?token=wrong', { host })).status).toBe(401);
      const opened = await get(port, '/?token=' + token, { host });
      expect(opened.status).toBe(303);
      expect(opened.headers.location).toBe('/');
      const cookie = String(opened.headers['set-cookie']);
      expect(cookie).toMatch(/^wetrack_token=tok-x+; HttpOnly; SameSite=Strict; Path=\//);
      const pair = cookie.split(';')[0]!;
      expect((await get(port, '/', { host, cookie: pair })).status).toBe(200);
      const events = await get(port, '/api/events', { host, cookie: pair });
      expect(JSON.parse(events.body)).toHaveLength(1);
      expect((await get(port, '/api/events', { host, cookie: 'wetrack_token=nope' })).status).toBe(401);
    } finally {
      await r.close();
    }
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the burst, per client address, and stores nothing of those', async () => {
    const r = await start({ rateLimit: { perSecond: 1, burst: 3, loopback: true } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const res = await post(r.c, batch([event()]));
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      // The bucket refills at 1 a second: a slow machine may earn one more request during the loop.
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses.at(-1)).toBe(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      const [{ n }] = await r.c.store.query((s) => s.rows<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM events'));
      expect(n).toBe(statuses.filter((s) => s === 200).length);
    } finally {
      await r.close();
    }
  });

  it('leaves loopback clients alone by default', async () => {
    const r = await start({ rateLimit: { perSecond: 1, burst: 1 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await post(r.c, batch([event()]))).status);
      expect(statuses).toEqual([200, 200, 200, 200]);
    } finally {
      await r.close();
    }
  });
});
