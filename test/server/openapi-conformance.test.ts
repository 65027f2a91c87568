// The OpenAPI document against the running server: it is OpenAPI 3.1, it lists every route of the server
// (but the docs UI, the document itself and the WebSocket), and every answer the server gives (each
// documented GET with a bot trading, the main mutations, and the error statuses) has a documented status
// whose schema the body satisfies, checked by an independent validator (ajv, JSON Schema draft 2020-12).
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../../src/server/app.ts';
import { isDashboardPath } from '../../src/server/dashboard.ts';
import { startApiServer, startTradingBot, type Answer, type ApiServer, type CallOptions } from '../helpers/api-server.ts';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  requestBody?: { required?: boolean };
}
interface OpenApiDoc {
  openapi: string;
  components?: unknown;
  paths: Record<string, Record<string, Operation>>;
}

// ajv-formats is CommonJS: its plugin is module.exports and module.exports.default.
const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv2020) => Ajv2020 }).default;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

let api: ApiServer;
let doc: OpenApiDoc;
let bot: string;
/** Every answer checked, for the coverage assertions: "METHOD /doc/path status". */
const checked: string[] = [];
const problems: string[] = [];

const docPath = (url: string): string => url.replace(/:([A-Za-z]+)/g, '{$1}');

/** Calls the server and checks the answer against the document: documented status, body valid for it. */
async function conform(method: string, template: string, path: string, opts: CallOptions = {}): Promise<Answer> {
  const a = await api.call(method, path, opts);
  const op = doc.paths[template]?.[method.toLowerCase()];
  const where = `${method} ${path} → ${a.status}`;
  checked.push(`${method} ${template} ${a.status}`);
  if (op === undefined) {
    problems.push(`${where}: ${method} ${template} is not in the document`);
    return a;
  }
  const documented = op.responses?.[String(a.status)] ?? op.responses?.default;
  if (documented === undefined) {
    problems.push(`${where}: status ${a.status} is not documented (documented: ${Object.keys(op.responses ?? {}).join(', ')}); body ${a.text.slice(0, 200)}`);
    return a;
  }
  const type = (a.headers.get('content-type') ?? '').split(';')[0]!;
  if (!type.endsWith('json')) return a;
  const media = documented.content?.['application/json'] ?? documented.content?.['application/problem+json'];
  if (media?.schema === undefined) {
    problems.push(`${where}: a JSON body, but no JSON schema documented for ${a.status}`);
    return a;
  }
  const key = `${method} ${template} ${a.status}`;
  let validate = compiled.get(key);
  if (validate === undefined) {
    // References (#/components/schemas/...) resolve against the document's components.
    validate = ajv.compile({ ...(media.schema as object), components: doc.components });
    compiled.set(key, validate);
  }
  if (!validate(a.json)) problems.push(`${where}: body does not match the documented schema: ${ajv.errorsText(validate.errors)}; body ${a.text.slice(0, 300)}`);
  return a;
}

beforeAll(async () => {
  api = await startApiServer({});
  await api.server.services.users.add('alice', 'trade', 'correct horse battery');
  bot = await startTradingBot(api);
  // Some fills, positions and equity rows to validate (not only empty arrays).
  await api.call('POST', `/api/v1/bots/${bot}/orders`, { token: api.tokens.trade, body: { symbol: 'BTC-USD', side: 'buy', qty: 0.01 } });
  await new Promise((r) => setTimeout(r, 1000));
  doc = (await api.call('GET', '/api/openapi.json', { token: api.tokens.read })).json as OpenApiDoc;
}, 60_000);

afterAll(async () => {
  await api?.close();
}, 30_000);

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists every route of the server (but the docs UI, the document itself and the WebSocket)', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    // The docs UI, the document itself, the WebSocket and the dashboard's files (not API routes).
    const internal = (url: string): boolean => url.startsWith('/api/docs') || url === '/api/openapi.json' || url === '/api/v1/ws' || url === '*' || isDashboardPath(url);
    const routes = routeTable(api.server.app).filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !internal(r.url));
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((r) => doc.paths[docPath(r.url)]?.[r.method.toLowerCase()] === undefined).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    // And nothing documented that the server does not have.
    const served = new Set(routes.map((r) => `${r.method.toLowerCase()} ${docPath(r.url)}`));
    const phantom = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)).filter((k) => !served.has(k));
    expect(phantom).toEqual([]);
  });

  it('describes every GET answer of a server with a trading bot', async () => {
    problems.length = 0;
    const orders = (await api.call('GET', `/api/v1/bots/${bot}/orders?status=all`, { token: api.tokens.read })).json as { clientOrderId: string }[];
    const fill = (template: string): string => template
      .replace('/api/v1/bots/{id}', `/api/v1/bots/${bot}`)
      .replace('{orderId}', orders[0]?.clientOrderId ?? 'none')
      .replace('{username}', 'alice')
      .replace(/\{[A-Za-z]+\}/g, 'no-such-thing');
    const gets = Object.entries(doc.paths).filter(([, ops]) => ops.get !== undefined).map(([p]) => p);
    expect(gets.length).toBeGreaterThan(25);
    for (const p of gets) await conform('GET', p, fill(p), { token: api.tokens.admin });
    // The bot's own GETs and the system ones answer 200 (not just some documented error); the risk report
    // needs more equity history than a bot a few seconds old has (a 400 then).
    const ok = new Set(checked.filter((c) => c.endsWith(' 200')).map((c) => c.split(' ')[1]));
    for (const p of gets.filter((g) => (g.startsWith('/api/v1/bots') && !g.endsWith('/risk/report')) || /\/(version|info|health|strategies|users|tokens|audit|credentials|settings\/)/.test(g))) expect(ok, p).toContain(p);
    expect(problems).toEqual([]);
  });

  it('describes the answers of the main mutations and of every error status', async () => {
    problems.length = 0;
    const admin = { token: api.tokens.admin };
    // A second bot: created, changed, deleted.
    await conform('POST', '/api/v1/bots', '/api/v1/bots', { ...admin, body: { name: 'conf', strategies: [{ name: 'rsi' }], symbols: ['BTC-USD'] } });
    await conform('PUT', '/api/v1/bots/{id}', '/api/v1/bots/conf', { ...admin, body: { name: 'conf', strategies: [{ name: 'sma-cross' }] } });
    await conform('DELETE', '/api/v1/bots/{id}', '/api/v1/bots/conf', admin);
    // The trading bot: a resting order, canceled; cancel all; pause and resume; a breaker reset.
    const placed = await conform('POST', '/api/v1/bots/{id}/orders', `/api/v1/bots/${bot}/orders`, { ...admin, body: { symbol: 'BTC-USD', side: 'buy', type: 'limit', qty: 0.01, limitPrice: 1 } });
    expect(placed.status).toBe(201);
    const orderId = (placed.json as { order: { clientOrderId: string } }).order.clientOrderId;
    await new Promise((r) => setTimeout(r, 300));
    await conform('DELETE', '/api/v1/bots/{id}/orders/{orderId}', `/api/v1/bots/${bot}/orders/${orderId}`, admin);
    await conform('DELETE', '/api/v1/bots/{id}/orders', `/api/v1/bots/${bot}/orders`, admin);
    await conform('POST', '/api/v1/bots/{id}/pause', `/api/v1/bots/${bot}/pause`, admin);
    await conform('POST', '/api/v1/bots/{id}/resume', `/api/v1/bots/${bot}/resume`, admin);
    await conform('POST', '/api/v1/bots/{id}/risk/breakers/{name}/reset', `/api/v1/bots/${bot}/risk/breakers/drawdown/reset`, admin);
    // Settings written back as read.
    for (const s of ['risk', 'notifications']) {
      const now = await api.call('GET', `/api/v1/settings/${s}`, admin);
      await conform('PUT', `/api/v1/settings/${s}`, `/api/v1/settings/${s}`, { ...admin, body: now.json });
    }
    // Users, tokens, credentials.
    await conform('POST', '/api/v1/users', '/api/v1/users', { ...admin, body: { username: 'carol', role: 'read' } });
    await conform('DELETE', '/api/v1/users/{username}', '/api/v1/users/carol', admin);
    const t = await conform('POST', '/api/v1/tokens', '/api/v1/tokens', { ...admin, body: { name: 'conf', scope: 'read', ttlDays: 1 } });
    await conform('DELETE', '/api/v1/tokens/{id}', `/api/v1/tokens/${(t.json as { id: string }).id}`, admin);
    const c = await conform('POST', '/api/v1/credentials', '/api/v1/credentials', { ...admin, body: { venue: 'binance', label: 'conf', secrets: { apiKey: 'key-0001', apiSecret: 'secret-0001' } } });
    const cid = (c.json as { id: string }).id;
    await conform('POST', '/api/v1/credentials/{id}/test', `/api/v1/credentials/${cid}/test`, { ...admin, body: { baseUrl: 'http://127.0.0.1:9' } });
    await conform('DELETE', '/api/v1/credentials/{id}', `/api/v1/credentials/${cid}`, admin);
    // A session: log in, who am I, log out.
    const login = await conform('POST', '/api/v1/auth/login', '/api/v1/auth/login', { body: { username: 'alice', password: 'correct horse battery' } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    await conform('GET', '/api/v1/auth/me', '/api/v1/auth/me', { cookie });
    await conform('POST', '/api/v1/auth/logout', '/api/v1/auth/logout', { cookie, csrf: (login.json as { csrfToken: string }).csrfToken });

    // Errors: each status a route gives must be documented for it, with the problem shape.
    await conform('GET', '/api/v1/bots', '/api/v1/bots');
    await conform('POST', '/api/v1/bots', '/api/v1/bots', { token: api.tokens.read, body: {} });
    await conform('GET', '/api/v1/bots/{id}', '/api/v1/bots/no-such-bot', admin);
    await conform('POST', '/api/v1/bots', '/api/v1/bots', { ...admin, body: { strategies: [] } });
    await conform('GET', '/api/v1/bots/{id}/orders', `/api/v1/bots/${bot}/orders?limit=0`, admin);
    await conform('DELETE', '/api/v1/bots/{id}', `/api/v1/bots/${bot}`, admin);
    await conform('POST', '/api/v1/bots/{id}/orders', `/api/v1/bots/${bot}/orders`, { ...admin, body: { symbol: 'NOPE-USD', side: 'buy', qty: 1 } });
    await conform('POST', '/api/v1/bots', '/api/v1/bots', { ...admin, body: { name: 'big', strategies: [{ name: 'rsi' }], params: { pad: 'x'.repeat(300 * 1024) } } });
    await conform('POST', '/api/v1/bots', '/api/v1/bots', { ...admin, body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    for (let i = 0; i < 11; i++) await conform('POST', '/api/v1/auth/login', '/api/v1/auth/login', { body: { username: 'alice', password: `wrong ${i}` } });
    // The kill switch last: it halts the bot.
    await conform('POST', '/api/v1/bots/{id}/kill', `/api/v1/bots/${bot}/kill`, { ...admin, body: { flatten: true } });

    const statuses = new Set(checked.map((c) => Number(c.split(' ')[2])));
    for (const s of [200, 201, 400, 401, 403, 404, 409, 413, 415, 429]) expect(statuses, `status ${s} exercised`).toContain(s);
    expect(problems).toEqual([]);
  }, 60_000);
});
