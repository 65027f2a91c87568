// The MCP server against the app's ServerServices on an in-memory store, through the SDK's own client: the
// in-memory transport (sessions of a read, a trade and an admin token) and the streamable HTTP transport.
// Tools listed per scope, a backtest job drafted, submitted, polled and read (its result equal to runBacktest
// of the same request), a paper bot's portfolio and positions, a read token's kill refused and audited, a
// trade token's kill with flatten done and audited, manual orders and cancels, a revoked token cut off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/app/backtest.ts';
import { openServerServices, type ServerServices } from '../../src/app/server-services.ts';
import { bridge, endpointOf } from '../../src/mcp/bridge.ts';
import { serveMcpHttp, type RunningMcpHttp } from '../../src/mcp/http.ts';
import { tokenSession } from '../../src/mcp/stdio.ts';
import { TRADING_BOT, waitFor } from '../helpers/api-server.ts';

const READ_TOOLS = [
  'list_strategies', 'list_data', 'draft_backtest', 'get_job', 'list_jobs', 'get_job_result',
  'list_bots', 'get_bot', 'get_portfolio', 'get_positions', 'get_orders', 'get_trades', 'get_risk', 'get_bot_logs',
];
const TRADE_TOOLS = [
  'run_backtest', 'run_optimization', 'run_walkforward', 'cancel_job',
  'start_bot', 'pause_bot', 'resume_bot', 'stop_bot', 'kill_bot', 'cancel_order', 'cancel_all_orders', 'submit_order',
];
const JOB_REQUEST = { strategy: 'sma-cross', params: { fast: 5, slow: 20 }, data: ['synthetic:7'], from: '2020-01-01', to: '2020-12-31' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- structured answers of many shapes, checked field by field
type Loose = any;

let dir: string;
let services: ServerServices;
const tokens = { read: { token: '', id: '' }, trade: { token: '', id: '' }, admin: { token: '', id: '' } };
const clients: Client[] = [];
let read: Client;
let trade: Client;

async function connect(token: string): Promise<Client> {
  const { server } = await tokenSession(services, token);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'sextant-test', version: '1.0.0' });
  await client.connect(clientSide);
  clients.push(client);
  return client;
}

/** Calls a tool: its structured data, the summary line, and whether it is an error. */
async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ data: Loose; text: string; isError: boolean }> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  if (r.isError !== true) expect(JSON.parse((r.content[1] as { text: string }).text)).toEqual(r.structuredContent);
  return { data: r.structuredContent, text, isError: r.isError === true };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sextant-mcp-'));
  services = await openServerServices({ stateDir: dir, url: 'memory://' });
  for (const scope of ['read', 'trade', 'admin'] as const) {
    const t = await services.tokens.create({ name: `test-${scope}`, scope });
    tokens[scope] = { token: t.token, id: t.id };
  }
  await services.bots.create(TRADING_BOT);
  await services.bots.start('b1');
  [read, trade] = await Promise.all([connect(tokens.read.token), connect(tokens.trade.token)]);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MCP server (in-memory transport)', () => {
  it('lists the tools a token\'s scope allows: read tools for read, trading and job tools from trade up', async () => {
    const admin = await connect(tokens.admin.token);
    const names = async (c: Client): Promise<string[]> => (await c.listTools()).tools.map((t) => t.name).sort();
    expect(await names(read)).toEqual([...READ_TOOLS].sort());
    expect(await names(trade)).toEqual([...READ_TOOLS, ...TRADE_TOOLS].sort());
    expect(await names(admin)).toEqual([...READ_TOOLS, ...TRADE_TOOLS].sort());
    const kill = (await trade.listTools()).tools.find((t) => t.name === 'kill_bot')!;
    expect(kill.inputSchema).toMatchObject({ type: 'object', properties: { botId: { type: 'string' }, flatten: { type: 'boolean', default: false } }, required: ['botId'] });
    expect(kill.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
  });

  it('lists strategies with their parameter schemas and drafts requests with every default resolved', async () => {
    const s = await call(read, 'list_strategies', { name: 'sma-cross' });
    expect(s.data.strategies).toHaveLength(1);
    expect(s.data.strategies[0].params.map((p: { name: string; default: unknown }) => [p.name, p.default])).toEqual([['fast', 10], ['slow', 30]]);
    expect(s.data.strategies[0].schema.properties.fast).toMatchObject({ type: 'integer', default: 10 });

    const d = await call(read, 'draft_backtest', { request: { strategy: 'sma-cross', params: { fast: 5 } } });
    expect(d.isError).toBe(false);
    expect(d.data.resolved).toMatchObject({ strategy: 'sma-cross', data: ['synthetic'], cash: 100_000, commission: 0, size: 'pct-cash:95', params: { fast: 5, slow: 30 }, benchmark: true });
    expect(d.data.defaulted).toEqual(['cash', 'commission', 'slippageBps', 'size', 'fill', 'account', 'leverage', 'asset', 'data']);
    expect(d.text).toMatch(/^valid backtest of sma-cross on synthetic; .*slow=30/);

    const opt = await call(read, 'draft_backtest', { kind: 'walkforward', request: { strategy: 'sma-cross', space: 'fast=5:20:5,slow=30:60:10' } });
    expect(opt.data.resolved).toMatchObject({ parameterSets: 16, evaluated: 16, method: 'grid', objective: 'sharpe', folds: 5, trainFraction: 0.75, fixedParams: {} });

    const cases: [Record<string, unknown>, string][] = [
      [{ request: { strategy: 'nope' } }, 'field "request.strategy": no built-in strategy "nope"'],
      [{ request: { strategy: 'sma-cross', params: { fast: 'x' } } }, 'field "request.params.fast"'],
      [{ kind: 'optimize', request: { strategy: 'sma-cross', space: 'fast=5:20:5,speed=1:2' } }, 'field "request.space": strategy sma-cross has no parameter "speed"'],
      [{ request: { strategy: 'sma-cross', data: ['csv:/etc/passwd'] } }, 'refused: draft_backtest (a csv: source reads a file on the server'],
      [{ request: { strategy: 'ml-ensemble', params: { model: '/etc/passwd' } } }, 'refused: draft_backtest (param model names a file on the server'],
    ];
    for (const [args, message] of cases) {
      const r = await call(read, 'draft_backtest', args);
      expect([r.isError, r.text]).toEqual([true, expect.stringContaining(message)]);
    }
  });

  it('runs a backtest as a job: submitted, polled until done, its result equal to runBacktest of the same request', async () => {
    const refused = await call(read, 'run_backtest', JOB_REQUEST);
    expect(refused).toMatchObject({ isError: true, text: expect.stringMatching(/^refused: run_backtest needs the trade scope; this session's token "test-read" \([0-9a-f]{16}\) has the read scope/) });
    expect(services.jobs.list()).toHaveLength(0);

    const submitted = await call(trade, 'run_backtest', JOB_REQUEST);
    const id = submitted.data.job.id as string;
    expect(submitted.data.job).toMatchObject({ kind: 'backtest', by: `token:${tokens.trade.id}`, request: JOB_REQUEST });
    const done = await waitFor('the job to finish', async () => {
      const j = await call(read, 'get_job', { jobId: id });
      return j.data.job.state === 'queued' || j.data.job.state === 'running' ? null : j;
    });
    expect(done.data.job).toMatchObject({ state: 'done', resultAvailable: true, progress: { fraction: 1 } });

    const expected = await runBacktest(JOB_REQUEST);
    const r = await call(read, 'get_job_result', { jobId: id, trades: 3 });
    expect(r.data).toMatchObject({ id, kind: 'backtest', bars: expected.bars, finalValue: expected.finalValue, metrics: expected.metrics });
    expect(r.data.trades).toEqual({ closed: expected.trades.length, last: expected.trades.slice(-3) });
    expect(r.data.equity.points).toBe(expected.equity.length);
    expect(r.data.equity.sample).toHaveLength(20);
    expect(r.data.tearsheet.drawdowns).toEqual(expected.analysis!.drawdowns.slice(0, 5));
    expect(r.data.tearsheet.tradeStats).toEqual(expected.analysis!.tradeStats);
    expect(r.text).toContain(`${expected.metrics.tradeCount} trades`);

    const listed = await call(read, 'list_jobs', {});
    expect(listed.data.jobs.map((j: { id: string; state: string }) => [j.id, j.state])).toEqual([[id, 'done']]);
    const unknown = await call(read, 'get_job', { jobId: 'j-000000000000' });
    expect([unknown.isError, unknown.text]).toEqual([true, 'field "jobId": no job "j-000000000000"']);
    const badArgs = await call(trade, 'run_optimization', { ...JOB_REQUEST, space: 'fast=5:20:5', cash: -5 });
    expect([badArgs.isError, badArgs.text]).toEqual([true, 'invalid arguments for run_optimization: field "cash": Too small: expected number to be >0']);
  });

  it("reads a trading bot's portfolio, positions, orders and risk; refuses a read token's kill; audits a trade token's kill with flatten", async () => {
    await waitFor('b1 to hold a position', async () => (await services.queries.positions('b1')).length > 0);
    const bots = await call(read, 'list_bots');
    expect(bots.data.bots).toEqual([expect.objectContaining({ id: 'b1', mode: 'paper', state: 'running', strategies: ['sma-cross'], halted: false })]);
    const acc = await call(read, 'get_portfolio', { botId: 'b1' });
    expect(acc.data.account).toMatchObject({ botId: 'b1', source: 'node', startingCash: 100_000, halted: false });
    expect(acc.data.account.equity).toBeGreaterThan(0);
    const pos = await call(read, 'get_positions', { botId: 'b1' });
    expect(pos.data.positions.length).toBeGreaterThan(0);
    for (const p of pos.data.positions) expect(p).toMatchObject({ strategyId: 'sma-cross', symbol: 'BTC-USD', qty: expect.any(Number), avgPrice: expect.any(Number) });
    const orders = await call(read, 'get_orders', { botId: 'b1', status: 'all', limit: 5 });
    expect(orders.data.orders.length).toBeGreaterThan(0);
    expect(orders.data.orders.length).toBeLessThanOrEqual(5);
    const risk = await call(read, 'get_risk', { botId: 'b1' });
    expect(risk.data).toMatchObject({ risk: { halted: false, tripped: [] }, report: null });
    const missing = await call(read, 'get_bot', { botId: 'zzz' });
    expect([missing.isError, missing.text]).toEqual([true, 'field "botId": no bot "zzz"']);

    // A read token's kill: refused, the bot untouched, the attempt on the audit trail.
    const refused = await call(read, 'kill_bot', { botId: 'b1', flatten: true });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/^refused: kill_bot needs the trade scope; this session's token "test-read" .* has the read scope/);
    expect(services.bots.get('b1').status!.halted).toBe(false);

    const killed = await call(trade, 'kill_bot', { botId: 'b1', flatten: true });
    expect(killed.isError).toBe(false);
    expect(killed.data.reply).toMatchObject({ kind: 'kill', runId: 'b1', status: 'done', requester: `mcp: token:${tokens.trade.id}` });
    expect(killed.text).toMatch(/^kill of bot b1: done — /);
    expect((await call(read, 'get_positions', { botId: 'b1' })).data.positions).toEqual([]);
    // The flatten order is reduce-only: when a strategy's exit filled at the venue before the kill but was booked after
    // the flatten was sent, the flatten finds nothing to reduce and is canceled at the venue's next match (a tick here).
    await waitFor('the flatten order to fill or cancel', async () => (await call(read, 'get_portfolio', { botId: 'b1' })).data.account.openOrders === 0);
    expect((await call(read, 'get_portfolio', { botId: 'b1' })).data.account).toMatchObject({ halted: true, openPositions: 0, openOrders: 0 });

    const entries = await services.audit.list({ kind: 'mcp.kill_bot', limit: 10 });
    expect(entries.map((e) => [e.actorKind, e.actor, e.source, e.kind, (e.payload as Loose).target, (e.payload as Loose).outcome, (e.payload as Loose).args])).toEqual([
      ['token', tokens.read.id, 'mcp', 'mcp.kill_bot', 'b1', 'refused', { botId: 'b1', flatten: true }],
      ['token', tokens.trade.id, 'mcp', 'mcp.kill_bot', 'b1', 'done', { botId: 'b1', flatten: true }],
    ]);
    // Reads are not audited.
    expect(await services.audit.list({ kind: 'mcp.get_positions', limit: 10 })).toEqual([]);
  });

  it('sends manual orders through the bot\'s risk checks and cancels them', async () => {
    // Still halted by the kill: a denial is an answer, not an error.
    const denied = await call(trade, 'submit_order', { botId: 'b1', symbol: 'BTC-USD', side: 'buy', qty: 0.01 });
    expect(denied).toMatchObject({ isError: false, data: { outcome: 'denied' } });
    expect((await call(trade, 'resume_bot', { botId: 'b1' })).data.reply).toMatchObject({ kind: 'resume', status: 'done' });
    const placed = await call(trade, 'submit_order', { botId: 'b1', symbol: 'BTC-USD', side: 'buy', type: 'limit', limitPrice: 1, qty: 0.01 });
    expect(placed.data).toMatchObject({ outcome: 'submitted', order: { symbol: 'BTC-USD', side: 'buy', type: 'limit', limitPrice: 1, tag: 'manual' } });
    const orderId = placed.data.order.clientOrderId as string;
    await waitFor('the manual order to work', async () => (await services.queries.orders('b1', 'open', { limit: 100, offset: 0 })).some((o) => o.clientOrderId === orderId));
    const canceled = await call(trade, 'cancel_order', { botId: 'b1', orderId });
    expect(canceled.data).toMatchObject({ orderId });
    await waitFor('the cancel', async () => !(await services.queries.orders('b1', 'open', { limit: 100, offset: 0 })).some((o) => o.clientOrderId === orderId));

    const cases: [Record<string, unknown>, string][] = [
      [{ botId: 'b1', orderId: 'nope' }, 'field "orderId": bot "b1" has no order "nope"'],
      [{ botId: 'b1', orderId: orderId }, `field "orderId": order "${orderId}" is canceled, not working`],
    ];
    for (const [args, message] of cases) expect(await call(trade, 'cancel_order', args)).toMatchObject({ isError: true, text: message });
    const noPrice = await call(trade, 'submit_order', { botId: 'b1', symbol: 'BTC-USD', side: 'buy', type: 'limit', qty: 1 });
    expect(noPrice).toMatchObject({ isError: true, text: 'field "limitPrice": a limit order needs limitPrice' });
    const kinds = (await services.audit.list({ kind: 'mcp.', limit: 100 })).filter((e) => e.kind !== 'mcp.kill_bot').map((e) => [e.kind, (e.payload as Loose).outcome]);
    expect(kinds).toEqual([
      ['mcp.run_backtest', 'refused'], ['mcp.run_backtest', 'done'], ['mcp.run_optimization', 'invalid'],
      ['mcp.submit_order', 'done'], ['mcp.resume_bot', 'done'], ['mcp.submit_order', 'done'], ['mcp.cancel_order', 'done'],
      ['mcp.cancel_order', 'failed'], ['mcp.cancel_order', 'failed'], ['mcp.submit_order', 'failed'],
    ]);
  });

  it('cuts a session off once its token is revoked', async () => {
    const t = await services.tokens.create({ name: 'short-lived', scope: 'read' });
    const client = await connect(t.token);
    expect((await call(client, 'list_bots')).isError).toBe(false);
    await services.tokens.revoke(t.id);
    await expect(client.callTool({ name: 'list_bots', arguments: {} })).rejects.toThrow(`the session's token (${t.id}) is no longer valid`);
    await expect(client.listTools()).rejects.toThrow('no longer valid');
  });
});

describe('MCP server (streamable HTTP)', () => {
  let http: RunningMcpHttp;
  beforeAll(async () => {
    http = await serveMcpHttp(services, { port: 0 });
  });
  afterAll(async () => {
    await http.close();
  });

  const httpClient = async (token: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> => {
    const transport = new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
    const client = new Client({ name: 'sextant-http-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  };

  it('serves a session per token: tools by scope, calls audited with the client address, other tokens and no token refused', async () => {
    const { client, transport } = await httpClient(tokens.read.token);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS].sort());
    const bot = await call(client, 'get_bot', { botId: 'b1' });
    expect(bot.data.bot).toMatchObject({ id: 'b1', state: 'running' });
    expect(bot.data.strategies).toEqual([expect.objectContaining({ name: 'sma-cross', params: { fast: 2, slow: 4 } })]);

    const { client: tradeClient } = await httpClient(tokens.trade.token);
    const paused = await call(tradeClient, 'pause_bot', { botId: 'b1' });
    expect(paused.data.reply).toMatchObject({ kind: 'halt', status: 'done', requester: `mcp: token:${tokens.trade.id} from 127.0.0.1` });
    const [entry] = await services.audit.list({ kind: 'mcp.pause_bot', limit: 10 });
    expect(entry!.payload).toMatchObject({ outcome: 'done', via: 'http', address: '127.0.0.1', principal: { name: 'test-trade', user: null, scope: 'trade' } });
    expect(http.sessions()).toBe(2);

    const post = (headers: Record<string, string>): Promise<Response> => fetch(http.url, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    const anonymous = await post({ 'mcp-session-id': transport.sessionId! });
    expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="sextant"']);
    const bogus = await post({ authorization: 'Bearer sxt_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'mcp-session-id': transport.sessionId! });
    expect(bogus.status).toBe(401);
    const stolen = await post({ authorization: `Bearer ${tokens.trade.token}`, 'mcp-session-id': transport.sessionId! });
    expect([stolen.status, ((await stolen.json()) as Loose).error.message]).toEqual([403, 'this MCP session was opened with another token']);
    const sessionless = await post({ authorization: `Bearer ${tokens.read.token}` });
    expect(sessionless.status).toBe(400);
  });

  it('answers 429 to an address after too many bad tokens in a minute, but not to a token verified moments ago', async () => {
    const strict = await serveMcpHttp(services, { port: 0, authFailuresPerMinute: 3 });
    try {
      const post = (token: string): Promise<number> => fetch(strict.url, {
        method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      }).then((r) => r.status);
      const forged = 'sxt_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push(await post(forged));
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      // The read token was verified by the sessions above: it gets through to the endpoint (400: no session yet).
      expect(await post(tokens.read.token)).toBe(400);
    } finally {
      await strict.close();
    }
  });

  it('bridges a stdio-style client to the endpoint (sextant mcp --server): the same tools and calls, errors named', async () => {
    const through = async (url: URL, token: string): Promise<Client> => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await bridge(serverSide, url, token);
      const client = new Client({ name: 'sextant-bridge-test', version: '1.0.0' });
      clients.push(client);
      await client.connect(clientSide);
      return client;
    };
    const client = await through(endpointOf(http.url.replace(/\/mcp$/, '')), tokens.trade.token);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...TRADE_TOOLS].sort());
    const resumed = await call(client, 'resume_bot', { botId: 'b1' });
    expect(resumed.data.reply).toMatchObject({ kind: 'resume', status: 'done', requester: `mcp: token:${tokens.trade.id} from 127.0.0.1` });
    expect((await call(client, 'get_bot', { botId: 'zzz' })).text).toBe('field "botId": no bot "zzz"');

    const forged = 'sxt_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    await expect(through(new URL(http.url), forged)).rejects.toThrow(`sextant server at ${http.url}: the token is unknown, revoked or expired`);
    await expect(through(new URL('http://127.0.0.1:9/mcp'), tokens.read.token)).rejects.toThrow('sextant server at http://127.0.0.1:9/mcp: fetch failed');
  });
});
