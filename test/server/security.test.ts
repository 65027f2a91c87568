// The API server's security, tested through real HTTP against `serve` with a bot trading the synthetic market:
// a walk of the server's whole route table (every route but the public ones refuses anonymous callers, every
// mutating route refuses a read token: routes added later are covered without editing this file), a stolen
// read token cannot trade, CSRF for cookie sessions, the login rate limit, revoked tokens, CORS, security
// headers, the body limit, credentials never returned in clear, and the warning when bound off loopback.
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { routeTable } from '../../src/server/app.ts';
import { isDashboardPath } from '../../src/server/dashboard.ts';
import { serve } from '../../src/server/serve.ts';
import { manualOrders, startApiServer, startTradingBot, type ApiServer } from '../helpers/api-server.ts';

const ALLOWED_ORIGIN = 'https://dash.example:8443';
/** The routes anyone may call: everything else needs a login or a token. */
const PUBLIC = new Set(['GET /api/v1/health', 'HEAD /api/v1/health', 'POST /api/v1/auth/login']);
/** Mutating routes a read token may call: logging in, and ending one's own session. */
const READ_MAY_POST = new Set(['POST /api/v1/auth/login', 'POST /api/v1/auth/logout']);
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PROBLEM_KEYS = ['code', 'field', 'message', 'status'];

let api: ApiServer;
let bot: string;
const said: string[] = [];

/** A concrete path for a route pattern: the trading bot for `:id`, a plain word for other parameters and wildcards. */
function pathOf(url: string): string {
  const p = url.replace(/:id\b/g, bot).replace(/:[A-Za-z]+/g, 'x').replace(/\*/g, 'x');
  return p.startsWith('/') ? p : `/${p}`;
}

/** POST /api/v1/auth/login from a chosen loopback address (127.0.0.0/8), so each test has its own rate-limit key. */
function loginFrom(localAddress: string, username: string, password: string): Promise<{ status: number; body: string; setCookie: string[]; retryAfter: string | undefined }> {
  const url = new URL('/api/v1/auth/login', api.url);
  const payload = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers['set-cookie'] ?? [], retryAfter: res.headers['retry-after'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

beforeAll(async () => {
  api = await startApiServer({ corsOrigins: [ALLOWED_ORIGIN], say: (l) => said.push(l) });
  await api.server.services.users.add('alice', 'trade', 'correct horse battery');
  bot = await startTradingBot(api);
}, 60_000);

afterAll(async () => {
  await api?.close();
}, 30_000);

describe('the route table', () => {
  it('has the API routes, the hidden ones (docs UI, OpenAPI document, WebSocket) included', () => {
    const keys = new Set(routeTable(api.server.app).map((r) => `${r.method} ${r.url}`));
    for (const k of ['GET /api/v1/health', 'POST /api/v1/bots/:id/orders', 'GET /api/openapi.json', 'GET /api/v1/ws', 'GET /api/docs', 'GET /metrics', 'DELETE /api/v1/tokens/:id']) expect(keys).toContain(k);
    expect(keys.size).toBeGreaterThan(60);
  });

  it('refuses anonymous callers on every route but health and login (no credential, a bad token, a made-up session)', async () => {
    const routes = routeTable(api.server.app);
    const seen: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.url}`;
      const path = pathOf(r.url);
      for (const cred of [{}, { token: 'sxt_0123456789abcdef_not-a-real-token-but-well-formed-abcdefghij' }, { cookie: 'sextant_session=made-up-session-id' }]) {
        const a = await api.call(r.method, path, cred);
        if (PUBLIC.has(key)) {
          expect(a.status, `${key} is public`).not.toBe(401);
        } else if (isDashboardPath(r.url)) {
          // The dashboard's built files: public, and none of them is data (the API they call needs the login).
          expect(a.status, `${key} is a dashboard file`).toBe(200);
          expect(a.headers.get('content-type') ?? '', key).not.toMatch(/json/);
        } else if (r.method === 'OPTIONS') {
          // The CORS preflight catch-all: a request that is no preflight is refused, and a preflight carries no data.
          expect(a.status, key).toBe(400);
        } else {
          expect(a.status, `${key} (${JSON.stringify(cred)}) must need a login`).toBe(401);
          if (r.method !== 'HEAD') expect(Object.keys(a.json as object).sort(), key).toEqual(PROBLEM_KEYS);
        }
      }
      seen.push(key);
    }
    expect(seen.length).toBe(routes.length);
    // The public routes answer: health with 200, login with 400 (no body) rather than 401.
    expect((await api.call('GET', '/api/v1/health')).status).toBe(200);
  });

  it('refuses a read token on every mutating route but login and logout', async () => {
    const mutating = routeTable(api.server.app).filter((r) => MUTATING.has(r.method));
    expect(mutating.length).toBeGreaterThan(20);
    for (const r of mutating) {
      const key = `${r.method} ${r.url}`;
      const a = await api.call(r.method, pathOf(r.url), { token: api.tokens.read, body: {} });
      if (READ_MAY_POST.has(key)) expect(a.status, key).not.toBe(403);
      else {
        expect(a.status, `${key} must need more than read`).toBe(403);
        expect((a.json as { code: string }).code).toBe('forbidden');
      }
    }
  });
});

describe('a stolen read token', () => {
  it('cannot trade: a manual order is 403 and no order reaches the bot; nor can it pause, kill or cancel', async () => {
    const before = await manualOrders(api, bot);
    const order = { symbol: 'BTC-USD', side: 'buy', qty: 0.01 };
    const a = await api.call('POST', `/api/v1/bots/${bot}/orders`, { token: api.tokens.read, body: order });
    expect(a.status).toBe(403);
    expect(a.json).toMatchObject({ status: 403, code: 'forbidden' });
    for (const p of ['pause', 'kill', 'stop']) expect((await api.call('POST', `/api/v1/bots/${bot}/${p}`, { token: api.tokens.read })).status).toBe(403);
    expect((await api.call('DELETE', `/api/v1/bots/${bot}/orders`, { token: api.tokens.read })).status).toBe(403);
    expect(await manualOrders(api, bot)).toBe(before);
    const view = await api.call('GET', `/api/v1/bots/${bot}`, { token: api.tokens.read });
    expect(view.json).toMatchObject({ state: 'running', desired: 'running' });
    // The same order with a trade token is taken: the 403 was the scope, not the order.
    const ok = await api.call('POST', `/api/v1/bots/${bot}/orders`, { token: api.tokens.trade, body: order });
    expect(ok.status).toBe(201);
    expect(await manualOrders(api, bot)).toBe(before + 1);
  });

  it('stops working once revoked (401 on the next request)', async () => {
    const t = await api.call('POST', '/api/v1/tokens', { token: api.tokens.admin, body: { name: 'leaked', scope: 'read' } });
    expect(t.status).toBe(201);
    const { id, token } = t.json as { id: string; token: string };
    expect((await api.call('GET', '/api/v1/auth/me', { token })).status).toBe(200);
    expect((await api.call('DELETE', `/api/v1/tokens/${id}`, { token: api.tokens.admin })).status).toBe(200);
    const after = await api.call('GET', '/api/v1/auth/me', { token });
    expect(after.status).toBe(401);
    expect(after.json).toMatchObject({ code: 'unauthorized', field: 'headers.authorization' });
  });
});

describe('cookie sessions', () => {
  it('are httpOnly and SameSite=Strict, and change nothing without the CSRF header', async () => {
    const login = await loginFrom('127.0.0.2', 'alice', 'correct horse battery');
    expect(login.status).toBe(200);
    const set = login.setCookie.find((c) => c.startsWith('sextant_session='))!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    const cookie = set.split(';')[0]!;
    const { csrfToken } = JSON.parse(login.body) as { csrfToken: string };
    expect(csrfToken.length).toBeGreaterThanOrEqual(20);

    const def = { name: 'cookie-bot', strategies: [{ name: 'sma-cross' }] };
    const without = await api.call('POST', '/api/v1/bots', { cookie, body: def });
    expect(without.status).toBe(403);
    expect(without.json).toMatchObject({ code: 'csrf', field: 'headers.x-csrf-token' });
    const wrong = await api.call('POST', '/api/v1/bots', { cookie, csrf: 'not-the-token', body: def });
    expect(wrong.status).toBe(403);
    expect((await api.call('GET', '/api/v1/bots/cookie-bot', { cookie })).status).toBe(404);
    // Reading needs no CSRF token; changing with it works. A reloaded page gets it back from /auth/me (a token: none).
    expect((await api.call('GET', '/api/v1/auth/me', { cookie })).json).toMatchObject({ username: 'alice', via: 'session', scope: 'trade', csrfToken });
    expect((await api.call('GET', '/api/v1/auth/me', { token: api.tokens.read })).json).toMatchObject({ via: 'token', csrfToken: null, expiresTime: null });
    const withIt = await api.call('POST', '/api/v1/bots', { cookie, csrf: csrfToken, body: def });
    expect(withIt.status).toBe(201);
    expect((await api.call('DELETE', '/api/v1/bots/cookie-bot', { cookie, csrf: csrfToken })).status).toBe(200);
    // After logout the cookie is worth nothing.
    expect((await api.call('POST', '/api/v1/auth/logout', { cookie, csrf: csrfToken })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/auth/me', { cookie })).status).toBe(401);
  });

  it('cannot open the WebSocket from a page of another origin; an anonymous WebSocket is refused', async () => {
    const login = await loginFrom('127.0.0.2', 'alice', 'correct horse battery');
    const cookie = login.setCookie.find((c) => c.startsWith('sextant_session='))!.split(';')[0]!;
    const wsUrl = `${api.url.replace('http', 'ws')}/api/v1/ws`;
    const closed = await new Promise<{ code: number; messages: string[] }>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { headers: { cookie, origin: 'https://evil.example' } });
      const messages: string[] = [];
      ws.on('message', (m) => messages.push(m.toString()));
      ws.on('close', (code) => resolve({ code, messages }));
      ws.on('error', reject);
    });
    expect(closed.code).toBe(4001);
    expect(closed.messages.join('')).toContain('origin');
    const anon = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl);
      ws.on('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(anon).toBe(401);
  });
});

describe('login attempts', () => {
  it('are rate-limited per address: the 11th bad one within a minute is 429, and so is the right password until the window passes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await loginFrom('127.0.0.3', 'alice', `wrong password ${i}`)).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    const right = await loginFrom('127.0.0.3', 'alice', 'correct horse battery');
    expect(right.status).toBe(429);
    expect(right.setCookie).toEqual([]);
    expect(JSON.parse(right.body)).toMatchObject({ status: 429, code: 'rate_limited' });
    // The window is a minute: the server says when to retry.
    expect(Number(right.retryAfter)).toBeGreaterThan(30);
    expect(Number(right.retryAfter)).toBeLessThanOrEqual(60);
    // Another address is not locked out by this one's attempts.
    expect((await loginFrom('127.0.0.4', 'alice', 'correct horse battery')).status).toBe(200);
    // The failed attempts are in the audit trail, without the passwords tried.
    const audit = await api.call('GET', '/api/v1/audit?limit=5000', { token: api.tokens.admin });
    const failed = (audit.json as { kind: string; source: string }[]).filter((e) => e.kind === 'auth.login-failed' && e.source === '127.0.0.3');
    expect(failed.length).toBe(10);
    expect(audit.text).not.toContain('wrong password');
  });
});

describe('browsers', () => {
  it('CORS: a listed origin is allowed with credentials (never *), any other gets no allow-origin', async () => {
    const evil = await api.call('GET', '/api/v1/bots', { token: api.tokens.read, headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const evilPre = await api.call('OPTIONS', '/api/v1/bots', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(evilPre.headers.get('access-control-allow-origin')).toBeNull();
    const good = await api.call('GET', '/api/v1/bots', { token: api.tokens.read, headers: { origin: ALLOWED_ORIGIN } });
    expect(good.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(good.headers.get('access-control-allow-credentials')).toBe('true');
    expect(good.headers.get('vary')).toMatch(/origin/i);
    const pre = await api.call('OPTIONS', '/api/v1/bots', { headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-csrf-token' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(pre.headers.get('access-control-allow-headers')).toContain('x-csrf-token');
    expect(pre.text).toBe('');
    for (const a of [evil, evilPre, good, pre]) expect(a.headers.get('access-control-allow-origin')).not.toBe('*');
  });

  it('security headers on answers of every kind (200, 400, 401, 404, 414, the router\'s own refusals included)', async () => {
    const answers = [
      await api.call('GET', '/api/v1/health'),
      await api.call('GET', '/api/v1/bots'),
      await api.call('GET', '/api/v1/nothing-here', { token: api.tokens.read }),
      await api.call('GET', `/api/v1/bots/${bot}/account`, { token: api.tokens.read }),
      await api.call('GET', `/api/v1/bots/${'x'.repeat(300)}`, { token: api.tokens.read }),
      await api.call('GET', '/api/v1/bots/%E0%A4%A', { token: api.tokens.read }),
      await api.call('DELETE', '/api/v1/tokens/a%00b', { token: api.tokens.admin }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 401, 404, 200, 414, 400, 400]);
    expect(answers.slice(4).map((a) => (a.json as { code: string }).code)).toEqual(['uri_too_long', 'bad_request', 'bad_request']);
    // A NUL character (which the store cannot hold) is bad input, not a server error.
    expect(answers[6]!.json).toMatchObject({ field: 'params.id' });
    for (const a of answers) {
      expect(a.headers.get('x-content-type-options')).toBe('nosniff');
      expect(a.headers.get('x-frame-options')).toBe('DENY');
      expect(a.headers.get('referrer-policy')).toBe('no-referrer');
      expect(a.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(a.headers.get('cache-control')).toBe('no-store');
      expect(a.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('a body over the limit is a 413 problem, before anything is created', async () => {
    const big = { name: 'huge', strategies: [{ name: 'sma-cross' }], params: { pad: 'x'.repeat(300 * 1024) } };
    const a = await api.call('POST', '/api/v1/bots', { token: api.tokens.admin, body: big });
    expect(a.status).toBe(413);
    expect(a.json).toEqual({ status: 413, code: 'payload_too_large', message: 'the request body is too large', field: 'body' });
    expect(a.headers.get('content-type')).toContain('application/problem+json');
    expect((await api.call('GET', '/api/v1/bots/huge', { token: api.tokens.admin })).status).toBe(404);
  });
});

describe('broker credentials', () => {
  it('are never returned in clear: not on create, list or test, not in any answer, not in the audit trail', async () => {
    const secret = 'Zq8-THE-BROKER-SECRET-never-shown-4711';
    const apiKey = 'AKID-the-api-key-also-hidden-0042';
    const added = await api.call('POST', '/api/v1/credentials', { token: api.tokens.admin, body: { venue: 'binance', label: 'main account', secrets: { apiKey, apiSecret: secret } } });
    expect(added.status).toBe(201);
    const id = (added.json as { id: string }).id;
    const list = await api.call('GET', '/api/v1/credentials', { token: api.tokens.admin });
    expect(list.status).toBe(200);
    expect((list.json as { id: string }[]).map((c) => c.id)).toContain(id);
    // A connectivity test against a closed port fails, and its message does not carry the keys either.
    const tested = await api.call('POST', `/api/v1/credentials/${id}/test`, { token: api.tokens.admin, body: { baseUrl: 'http://127.0.0.1:9' } });
    expect(tested.status).toBeLessThan(500);
    const audit = await api.call('GET', '/api/v1/audit?limit=5000', { token: api.tokens.admin });
    const entry = (audit.json as { kind: string }[]).find((e) => e.kind === 'api.POST /api/v1/credentials');
    expect(entry).toBeDefined();
    for (const text of [...api.bodies, audit.text]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(apiKey);
    }
    expect((await api.call('DELETE', `/api/v1/credentials/${id}`, { token: api.tokens.admin })).json).toEqual({ deleted: true });
  }, 30_000);
});

describe('binding', () => {
  it('warns loudly when bound off loopback without TLS, and not on 127.0.0.1', async () => {
    expect(said.some((l) => l.includes('WARNING'))).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'sextant-bind-'));
    const lines: string[] = [];
    const s = await serve({ stateDir: dir, url: 'memory://', host: '0.0.0.0', port: 0, say: (l) => lines.push(l) });
    try {
      const warning = lines.find((l) => l.startsWith('WARNING'));
      expect(warning).toContain('0.0.0.0 without TLS');
      expect(warning).toContain('127.0.0.1');
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
