// The API server end to end, on the embedded store (PGlite) and on Postgres: a real server on a free port, a
// paper bot trading the live synthetic market, every bot route through real HTTP and every WebSocket topic
// through a real WebSocket client, with values checked against each other (the account against the fills,
// the WebSocket's events against the REST orders, a resumed subscription against what was missed).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { postgresForTests, TEST_PG_URL } from '../helpers/postgres.ts';
import { startApiServer, TRADING_BOT, waitFor, type ApiServer } from '../helpers/api-server.ts';

interface WsMessage { type: string; bot?: string; topic?: string; epoch?: string; seq?: number; time?: string; data?: Record<string, unknown> & { kind?: string }; status?: number; field?: string }

/** A WebSocket client that keeps every message it gets. */
async function wsClient(api: ApiServer, token: string): Promise<{ ws: WebSocket; got: WsMessage[]; send(m: unknown): void; next(pred: (m: WsMessage) => boolean, what: string): Promise<WsMessage> }> {
  const ws = new WebSocket(`${api.url.replace('http', 'ws')}/api/v1/ws`, { headers: { authorization: `Bearer ${token}` } });
  const got: WsMessage[] = [];
  ws.on('message', (raw) => got.push(JSON.parse(raw.toString()) as WsMessage));
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res());
    ws.once('error', rej);
  });
  return {
    ws, got, send: (m) => ws.send(JSON.stringify(m)),
    next: (pred, what) => waitFor(what, () => Promise.resolve(got.find(pred) ?? null), 20_000),
  };
}

const cases: [string, () => Promise<Parameters<typeof startApiServer>[0] | null>][] = [
  ['PGlite', () => Promise.resolve({ url: 'memory://' })],
  ['Postgres', async () => ((await postgresForTests('api server')) ? { url: TEST_PG_URL, schema: `api_${process.pid}_${Date.now() % 100_000}` } : null)],
];

describe.each(cases)('the API server on %s', (_name, options) => {
  let api: ApiServer | null = null;
  const A = (): ApiServer => api!;
  const get = async (path: string, token = A().tokens.read): Promise<unknown> => {
    const r = await A().call('GET', path, { token });
    expect(r.status, `${path}: ${r.text}`).toBe(200);
    return r.json;
  };

  beforeAll(async () => {
    const opts = await options();
    if (opts !== null) api = await startApiServer(opts);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  }, 60_000);

  it('runs a bot through its life: create, start, trade, read everything, manual orders, pause, kill, stop, delete', async (ctx) => {
    if (api === null) return ctx.skip();
    const admin = A().tokens.admin;
    const watcher = await wsClient(A(), A().tokens.read);
    watcher.send({ op: 'subscribe', topics: ['bots'] });
    await watcher.next((m) => m.type === 'subscribed', 'subscribed to bots');

    const created = await A().call('POST', '/api/v1/bots', { token: A().tokens.trade, body: TRADING_BOT });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({ id: 'b1', state: 'stopped', desired: 'stopped', mode: 'paper' });
    expect((await A().call('POST', '/api/v1/bots', { token: admin, body: TRADING_BOT })).status).toBe(409);
    const started = await A().call('POST', '/api/v1/bots/b1/start', { token: A().tokens.trade });
    expect(started.status, started.text).toBe(200);
    expect(started.json).toMatchObject({ state: 'running', desired: 'running' });
    await watcher.next((m) => m.topic === 'bots' && (m.data as { state?: string }).state === 'running', 'bots topic: running');

    const ws = await wsClient(A(), A().tokens.read);
    ws.send({ op: 'subscribe', bot: 'b1', topics: ['events', 'equity', 'positions', 'logs', 'candles'], indicators: [{ name: 'sma', params: { period: 3 } }] });
    const sub = await ws.next((m) => m.type === 'subscribed', 'subscribed');
    expect(sub.epoch).toMatch(/^[0-9a-f-]{36}$/);

    // The strategy trades: a fill shows in the REST API and as an event on the WebSocket.
    const fills = await waitFor('a fill', async () => {
      const f = (await get('/api/v1/bots/b1/fills')) as { orderId: string; price: number; qty: number; side: string }[];
      return f.length > 0 ? f : null;
    });
    const filled = await ws.next((m) => m.topic === 'events' && m.data?.kind === 'OrderFilled', 'an OrderFilled event');
    const orders = (await get('/api/v1/bots/b1/orders?status=all&limit=1000')) as { clientOrderId: string; status: string; filledQty: number }[];
    expect(orders.map((o) => o.clientOrderId)).toContain(filled.data!.orderId);
    // Every fill read before belongs to an order read after (which may hold newer fills too).
    const orderIds = new Set(orders.map((o) => o.clientOrderId));
    expect(fills.every((f) => orderIds.has(f.orderId))).toBe(true);
    expect(orders.some((o) => o.filledQty > 0)).toBe(true);
    await ws.next((m) => m.topic === 'equity' && typeof m.data?.equity === 'number', 'an equity tick');
    await ws.next((m) => m.topic === 'positions' && Array.isArray(m.data), 'positions');
    const candles = await waitFor('a candle with its SMA', () => Promise.resolve(ws.got.filter((m) => m.topic === 'candles' && (m.data?.indicators as Record<string, unknown> | null)?.['sma:3'] != null).at(0) ?? null));
    expect(candles.data).toMatchObject({ symbol: 'BTC-USD' });
    expect(typeof (candles.data!.indicators as Record<string, number>)['sma:3']).toBe('number');

    // Account: equity = cash + positions at their last price; the positions agree with the fills.
    const account = (await get('/api/v1/bots/b1/account')) as { equity: number; cash: number; grossExposure: number; netExposure: number; startingCash: number; pnlTotal: number; source: string };
    expect(account.source).toBe('node');
    expect(account.startingCash).toBe(100_000);
    expect(account.pnlTotal).toBeCloseTo(account.equity - 100_000, 6);
    // Two reads are two moments: a fill may land between them, so the check is retried until one pair agrees.
    await waitFor('positions equal to the fills', async () => {
      const positions = (await get('/api/v1/bots/b1/positions')) as { symbol: string; qty: number; strategyId: string }[];
      const fillQty = ((await get('/api/v1/bots/b1/fills?limit=5000')) as { side: string; qty: number }[]).reduce((s, f) => s + (f.side === 'buy' ? f.qty : -f.qty), 0);
      return Math.abs(positions.reduce((s, p) => s + p.qty, 0) - fillQty) < 1e-6;
    });
    expect((await get('/api/v1/bots/b1/equity')) as unknown[]).toBeInstanceOf(Array);
    expect(((await get('/api/v1/bots/b1/strategies')) as { name: string; params: Record<string, unknown> }[])[0]).toMatchObject({ name: 'sma-cross', params: { fast: 2, slow: 4 } });
    expect(await get('/api/v1/bots/b1/risk')).toMatchObject({ halted: false, tripped: [] });
    // VaR and stress of the book now, on the bot's equity curve.
    const report = await waitFor('a risk report', async () => {
      const r = await A().call('GET', '/api/v1/bots/b1/risk/report?confidence=0.95', { token: A().tokens.read });
      return r.status === 200 ? (r.json as { equity: number; basis: string; var: { historical: { var: number; confidence: number } }; stress: unknown[]; positions: { symbol: string }[] }) : null;
    });
    expect(report.basis).toBe('equity-curve');
    expect(report.var.historical.confidence).toBe(0.95);
    expect(Number.isFinite(report.var.historical.var)).toBe(true);
    expect(report.stress.length).toBeGreaterThan(0);

    // A manual limit order far below the market rests; cancel it by id.
    const limit = await A().call('POST', '/api/v1/bots/b1/orders', { token: A().tokens.trade, body: { symbol: 'BTC-USD', side: 'buy', type: 'limit', qty: 0.01, limitPrice: 1 } });
    expect(limit.status, limit.text).toBe(201);
    const limitId = (limit.json as { order: { clientOrderId: string }; outcome: string }).order.clientOrderId;
    expect((limit.json as { outcome: string }).outcome).toBe('submitted');
    await waitFor('the limit order working', async () => ((await get('/api/v1/bots/b1/orders?status=open')) as { clientOrderId: string }[]).some((o) => o.clientOrderId === limitId));
    const canceled = await A().call('DELETE', `/api/v1/bots/b1/orders/${limitId}`, { token: A().tokens.trade });
    expect(canceled.status, canceled.text).toBe(200);
    await waitFor('the limit order canceled', async () => ((await get('/api/v1/bots/b1/orders?status=all&limit=1000')) as { clientOrderId: string; status: string }[]).find((o) => o.clientOrderId === limitId)?.status === 'canceled');
    expect((await A().call('DELETE', `/api/v1/bots/b1/orders/${limitId}`, { token: A().tokens.trade })).status).toBe(409);
    const noSuch = await A().call('POST', '/api/v1/bots/b1/orders', { token: A().tokens.trade, body: { symbol: 'NOPE', side: 'buy', qty: 1 } });
    expect(noSuch.status).toBe(404);
    expect(noSuch.json).toMatchObject({ field: 'body.symbol' });

    // Pause: a manual order is denied by the kill switch (an answer, not an error); resume lifts it.
    const paused = await A().call('POST', '/api/v1/bots/b1/pause', { token: A().tokens.trade });
    expect(paused.json).toMatchObject({ kind: 'halt', status: 'done', outcome: { halted: true } });
    expect((paused.json as { requester: string }).requester).toMatch(/^api: token:.* from 127\.0\.0\.1$/);
    const denied = await A().call('POST', '/api/v1/bots/b1/orders', { token: A().tokens.trade, body: { symbol: 'BTC-USD', side: 'buy', qty: 0.01 } });
    expect(denied.json).toMatchObject({ outcome: 'denied', reason: 'kill switch: trading is halted' });
    expect(await get('/api/v1/bots/b1/risk')).toMatchObject({ halted: true });
    await ws.next((m) => m.topic === 'logs' && String(m.data?.source) === 'command:halt', 'the halt in the logs topic');
    // The kill switch's own risk event reaches the live logs too, not only the store.
    await ws.next((m) => m.topic === 'logs' && String(m.data?.source) === 'risk:kill-switch' && /operator halt/.test(String(m.data?.message)), 'the kill-switch risk event in the logs topic');
    expect((await A().call('POST', '/api/v1/bots/b1/resume', { token: A().tokens.trade })).json).toMatchObject({ kind: 'resume', status: 'done', outcome: { halted: false } });

    // A client that reconnects with `since` gets what it missed of the events, in order, without gaps.
    const seen = ws.got.filter((m) => m.topic === 'events');
    const from = seen[0]!.seq!;
    const again = await wsClient(A(), A().tokens.read);
    again.send({ op: 'subscribe', bot: 'b1', topics: ['events'], since: from, epoch: sub.epoch });
    await again.next((m) => m.topic === 'events' && m.seq === seen.at(-1)!.seq, 'the replayed events');
    const replayed = again.got.filter((m) => m.topic === 'events').map((m) => m.seq!);
    expect(replayed[0]).toBe(seen.find((m) => m.seq! > from)!.seq);
    expect(replayed.slice(0, seen.length - 1)).toEqual(seen.slice(1).map((m) => m.seq));
    // Another epoch (the bot restarted since): a gap message says to read the REST API.
    const other = await wsClient(A(), A().tokens.read);
    other.send({ op: 'subscribe', bot: 'b1', topics: ['events'], since: 5, epoch: 'an-old-epoch' });
    expect((await other.next((m) => m.type === 'gap', 'a gap')).bot).toBe('b1');

    // Parameters and risk of a running bot: checked first (a bad one leaves the bot running, untouched), then
    // the bot is stopped gracefully and started again with them, resuming its run.
    const fillsBefore = ((await get('/api/v1/bots/b1/fills?limit=5000')) as unknown[]).length;
    const badParam = await A().call('PUT', '/api/v1/bots/b1/params', { token: A().tokens.trade, body: { params: { fast: 'quick' } } });
    expect(badParam.status, badParam.text).toBe(400);
    expect(badParam.json).toMatchObject({ field: 'body.params.fast' });
    const unknownParam = await A().call('PUT', '/api/v1/bots/b1/params', { token: A().tokens.trade, body: { params: { period: 3 } } });
    expect(unknownParam.json).toMatchObject({ status: 400, field: 'body.params.period' });
    const badRiskCfg = await A().call('PUT', '/api/v1/bots/b1/risk', { token: A().tokens.trade, body: { risk: { checks: { maxOrderNotional: -1 } } } });
    expect(badRiskCfg.status, badRiskCfg.text).toBe(400);
    expect(await get('/api/v1/bots/b1')).toMatchObject({ state: 'running', config: { params: { fast: 2, slow: 4 } } });
    const reparam = await A().call('PUT', '/api/v1/bots/b1/params', { token: A().tokens.trade, body: { params: { fast: 3 } } });
    expect(reparam.status, reparam.text).toBe(200);
    expect(reparam.json).toMatchObject({ state: 'running', config: { params: { fast: 3, slow: 4 } } });
    const rerisk = await A().call('PUT', '/api/v1/bots/b1/risk', { token: A().tokens.trade, body: { risk: { checks: { maxOrderNotional: 1_000_000 } } } });
    expect(rerisk.json).toMatchObject({ state: 'running', config: { risk: { checks: { maxOrderNotional: 1_000_000 } } } });
    expect(await get('/api/v1/bots/b1/risk')).toMatchObject({ config: { checks: { maxOrderNotional: 1_000_000 } } });
    // The same run resumed: its fills are all still there.
    expect(((await get('/api/v1/bots/b1/fills?limit=5000')) as unknown[]).length).toBeGreaterThanOrEqual(fillsBefore);
    await ws.next((m) => m.type === 'message' && m.topic === 'logs' && String(m.data?.source) === 'command:stop', 'the restart in the logs');

    // The kill switch with flatten: no position, no working order afterwards.
    const killed = await A().call('POST', '/api/v1/bots/b1/kill', { token: A().tokens.trade, body: { flatten: true } });
    expect(killed.status, killed.text).toBe(200);
    expect(killed.json).toMatchObject({ kind: 'kill', status: 'done', outcome: { halted: true } });
    await waitFor('flat', async () => ((await get('/api/v1/bots/b1/positions')) as unknown[]).length === 0);
    expect(await get('/api/v1/bots/b1/orders?status=open')).toEqual([]);
    const trades = (await get('/api/v1/bots/b1/trades?limit=5000')) as { pnl: number }[];
    expect(trades.length).toBeGreaterThan(0);

    // Stop: the bot's history stays readable from the store; a stopped bot can be deleted.
    const stopped = await A().call('POST', '/api/v1/bots/b1/stop', { token: A().tokens.trade });
    expect(stopped.json).toMatchObject({ kind: 'stop', status: 'done' });
    expect(await get('/api/v1/bots/b1')).toMatchObject({ state: 'stopped', desired: 'stopped', status: null });
    const after = (await get('/api/v1/bots/b1/account')) as { source: string; equity: number };
    expect(after.source).toBe('store');
    expect(((await get('/api/v1/bots/b1/fills?limit=5000')) as unknown[]).length).toBeGreaterThanOrEqual(fills.length);
    expect(((await get('/api/v1/bots/b1/logs')) as { source: string }[]).map((l) => l.source)).toEqual(expect.arrayContaining(['command:halt', 'command:resume', 'command:kill', 'command:stop']));
    expect((await A().call('POST', '/api/v1/bots/b1/pause', { token: A().tokens.trade })).status).toBe(409);
    // Its run keeps its strategies: a definition with others is refused (it could not start), one with the same is taken.
    const twoStrategies = await A().call('PUT', '/api/v1/bots/b1', { token: A().tokens.trade, body: { ...TRADING_BOT, params: { fast: 3, slow: 4 }, strategies: [{ name: 'sma-cross' }, { name: 'macd' }] } });
    expect(twoStrategies.json).toMatchObject({ status: 409, field: 'body.strategies' });
    const renamed = await A().call('PUT', '/api/v1/bots/b1', { token: A().tokens.trade, body: { ...TRADING_BOT, name: 'b1 renamed', params: { fast: 3, slow: 4 } } });
    expect(renamed.json).toMatchObject({ name: 'b1 renamed', config: { strategies: [{ name: 'sma-cross' }] } });
    expect((await A().call('DELETE', '/api/v1/bots/b1', { token: A().tokens.trade })).status).toBe(200);
    expect((await A().call('GET', '/api/v1/bots/b1', { token: A().tokens.read })).status).toBe(404);
    for (const c of [watcher, ws, again, other]) c.ws.close();
  }, 120_000);

  it('keeps settings, audits every mutation and serves its OpenAPI document, metrics and health', async (ctx) => {
    if (api === null) return ctx.skip();
    const admin = A().tokens.admin;
    const risk = { risk: { checks: { maxOrderNotional: 50_000 } } };
    expect((await A().call('PUT', '/api/v1/settings/risk', { token: admin, body: risk })).status).toBe(200);
    expect(await get('/api/v1/settings/risk')).toEqual(risk);
    const badRisk = await A().call('PUT', '/api/v1/settings/risk', { token: admin, body: { risk: { checks: { noSuchCheck: 1 } } } });
    expect(badRisk.status).toBe(400);
    const notify = await A().call('PUT', '/api/v1/settings/notifications', { token: admin, body: { enabled: true, events: ['fill'], telegramChatIds: ['12345'] } });
    expect(notify.json).toMatchObject({ enabled: true, events: ['fill'], telegramChatIds: ['12345'], webhookUrl: null });
    // A new bot without risk config gets the defaults.
    const b2 = await A().call('POST', '/api/v1/bots', { token: admin, body: { ...TRADING_BOT, name: 'with defaults' } });
    expect(b2.json).toMatchObject({ id: 'with-defaults', config: { risk: risk.risk } });
    // The bot definition docs/api.md shows is accepted as written.
    const docs = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    const example = JSON.parse(/A bot's definition[\s\S]*?```json\n([\s\S]*?)```/.exec(docs)![1]!) as Record<string, unknown>;
    const fromDocs = await A().call('POST', '/api/v1/bots', { token: admin, body: example });
    expect(fromDocs.status, fromDocs.text).toBe(201);
    expect(fromDocs.json).toMatchObject({ id: 'btc-trend', state: 'stopped' });
    expect((await A().call('DELETE', '/api/v1/bots/btc-trend', { token: admin })).status).toBe(200);
    const audit = (await get('/api/v1/audit?limit=5000&kind=api.*', admin)) as { kind: string; actorKind: string; source: string; payload: { target: string } }[];
    expect(audit.map((e) => e.kind)).toEqual(expect.arrayContaining(['api.POST /api/v1/bots', 'api.POST /api/v1/bots/:id/start', 'api.PUT /api/v1/settings/risk']));
    expect(audit.find((e) => e.kind === 'api.POST /api/v1/bots/:id/kill')).toMatchObject({ actorKind: 'token', source: '127.0.0.1', payload: { target: 'b1' } });
    // The kill switch's command, the bot's run and its orders are on the same chain, which verifies.
    const trail = (await get('/api/v1/audit?limit=5000', admin)) as { kind: string }[];
    expect(trail.map((e) => e.kind)).toEqual(expect.arrayContaining(['run.start', 'command.requested', 'command.done']));
    expect(await get('/api/v1/audit/verify', admin)).toMatchObject({ ok: true, entries: expect.any(Number), problem: null, checkpoint: 'none' });
    const cp = (await get('/api/v1/audit/checkpoint', admin)) as { format: string; count: number; hash: string };
    expect(cp).toMatchObject({ format: 'sextant-audit-checkpoint', version: 1, count: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(cp.count).toBeGreaterThanOrEqual(trail.length);
    const doc = (await get('/api/openapi.json')) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/bots', '/api/v1/bots/{id}/account', '/api/v1/health']));
    const metrics = await A().call('GET', '/metrics', { token: A().tokens.read });
    expect(metrics.text).toMatch(/^sextant_http_request_duration_seconds_count\{.*route="\/api\/v1\/bots\/:id\/account".*\} \d+/m);
    expect(await get('/api/v1/health', '')).toMatchObject({ status: 'ok' });
    expect(await get('/api/v1/info')).toMatchObject({ store: _name === 'PGlite' ? 'pglite' : 'postgres', bots: { total: 1, running: 0 } });
  }, 60_000);
});
