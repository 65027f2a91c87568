// Bot tools: what a bot holds and did (the reads of GET /api/v1/bots/:id/…, read scope) and the operator's
// controls (trade scope): start, pause, resume, stop, kill with optional flatten, cancel one or every order,
// a manual order through the bot's pre-trade risk checks. The same BotService and BotQueries calls the REST
// routes make, so scopes, risk checks and the commands table hold here as there.
import { z } from 'zod';
import { BotIdSchema } from '../app/bots/bot-config.ts';
import { ManualOrderSchema } from '../app/bots/bot-queries.ts';
import type { BotView } from '../app/bots/bot-service.ts';
import { BotRiskQuerySchema } from '../app/bots/bot-risk-report.ts';
import type { CommandReply } from '../app/node-handle.ts';
import { READ_ONLY, tool, type ToolDef, type ToolOutput } from './tool.ts';

const BotId = BotIdSchema.describe('The bot id (list_bots).');
const BotArgs = z.strictObject({ botId: BotId });
const ID_FIELDS = { id: 'botId', 'body.': '' };

const iso = (ms: number): string => new Date(ms).toISOString();
const money = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(2));

function botView(v: BotView): Record<string, unknown> {
  return { id: v.id, name: v.name, mode: v.mode, state: v.state, desired: v.desired, error: v.error, createdTime: iso(v.createdMs), updatedTime: iso(v.updatedMs), config: v.config, status: v.status };
}

function botLine(v: BotView): string {
  const s = v.status;
  const running = s === null ? '' : `: equity ${money(s.equity)}, ${s.positions.length} position${s.positions.length === 1 ? '' : 's'}, ${s.openOrders} open order${s.openOrders === 1 ? '' : 's'}${s.halted ? ', HALTED' : ''}`;
  return `${v.id} (${v.mode}, ${v.state}${v.error === null ? '' : `, error: ${v.error}`})${running}`;
}

/** A command's answer: the node's own account of what it did. */
function commandOutput(reply: CommandReply): ToolOutput {
  return { data: { reply }, summary: `${reply.kind} of bot ${reply.runId}: ${reply.status} — ${reply.message}` };
}

const TRADE_ANNOTATIONS = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true } as const;

function command(name: string, title: string, description: string, run: (botId: string, requester: string, ctx: Parameters<ToolDef['run']>[1]) => Promise<CommandReply>, idempotent: boolean): ToolDef {
  return tool({
    name, title, description: `${description} Needs the trade scope; recorded on the audit trail.`, scope: 'trade', mutates: true, input: BotArgs, fields: ID_FIELDS,
    annotations: { ...TRADE_ANNOTATIONS, idempotentHint: idempotent }, target: (a) => a.botId,
    run: async (a, ctx) => commandOutput(await run(a.botId, ctx.requester, ctx)),
  });
}

export const BOT_TOOLS: readonly ToolDef[] = [
  tool({
    name: 'list_bots', title: 'List bots', scope: 'read', mutates: false, annotations: READ_ONLY, input: z.strictObject({}),
    description: 'Every trading bot of the server (paper or live) with its state (running, stopped, failed, …) and, when running, equity, positions, open orders and whether it is halted.',
    run: (_a, ctx) => {
      const bots = ctx.services.bots.list();
      return {
        data: { bots: bots.map((v) => ({ id: v.id, name: v.name, mode: v.mode, state: v.state, desired: v.desired, error: v.error, strategies: v.config.strategies.map((s) => s.name), equity: v.status?.equity ?? null, halted: v.status?.halted ?? null, openOrders: v.status?.openOrders ?? null, positions: v.status?.positions.length ?? null })) },
        summary: bots.length === 0 ? 'no bots' : bots.map(botLine).join('\n'),
      };
    },
  }),
  tool({
    name: 'get_bot', title: 'Get a bot', scope: 'read', mutates: false, annotations: READ_ONLY, input: BotArgs, fields: ID_FIELDS,
    description: "One bot: its definition (strategies, params, symbols, risk config), state and, when running, the node's status (equity, cash, positions, order and fill counts, strategy errors, market data and venue health), and its strategies with their parameter values.",
    run: (a, ctx) => {
      const v = ctx.services.bots.get(a.botId);
      return { data: { bot: botView(v), strategies: ctx.services.queries.strategies(a.botId) }, summary: botLine(v) };
    },
  }),
  tool({
    name: 'get_portfolio', title: "Get a bot's portfolio", scope: 'read', mutates: false, annotations: READ_ONLY, input: BotArgs, fields: ID_FIELDS,
    description: "A bot's account: equity, cash, buying power, gross and net exposure, PnL today and since start, open positions and orders, halted or not (from the running node, or the store when stopped).",
    run: async (a, ctx) => {
      const acc = await ctx.services.queries.account(a.botId);
      return { data: { account: acc }, summary: `${a.botId}: equity ${money(acc.equity)}, cash ${money(acc.cash)}, PnL today ${money(acc.pnlToday)}, total ${money(acc.pnlTotal)}, gross exposure ${money(acc.grossExposure)}, ${acc.openPositions} positions, ${acc.openOrders} open orders${acc.halted ? ', HALTED' : ''}` };
    },
  }),
  tool({
    name: 'get_positions', title: "Get a bot's positions", scope: 'read', mutates: false, annotations: READ_ONLY, input: BotArgs, fields: ID_FIELDS,
    description: "A bot's open positions per strategy: symbol, signed quantity, average price, last price and unrealized PnL (last price and PnL are null for a stopped bot).",
    run: async (a, ctx) => {
      const positions = await ctx.services.queries.positions(a.botId);
      return { data: { positions }, summary: positions.length === 0 ? `${a.botId}: no open positions` : `${a.botId}: ${positions.map((p) => `${p.strategyId} ${p.symbol} ${p.qty} @ ${p.avgPrice.toFixed(4)}${p.unrealizedPnl === null ? '' : ` (uPnL ${p.unrealizedPnl.toFixed(2)})`}`).join('; ')}` };
    },
  }),
  tool({
    name: 'get_orders', title: "Get a bot's orders", scope: 'read', mutates: false, annotations: READ_ONLY, fields: ID_FIELDS,
    description: "A bot's orders, newest first: the working ones (status open, default) or every order of its run (status all), with their state, fills and rejection reasons. The clientOrderId is what cancel_order takes.",
    input: z.strictObject({
      botId: BotId,
      status: z.enum(['open', 'all']).default('open').describe('open (working orders, default) or all.'),
      limit: z.number().int().min(1).max(500).default(50).describe('At most this many (default 50).'),
      offset: z.number().int().min(0).max(10_000_000).default(0).describe('Skip this many newest first.'),
    }),
    run: async (a, ctx) => {
      const orders = await ctx.services.queries.orders(a.botId, a.status, a);
      return { data: { orders }, summary: `${a.botId}: ${orders.length} ${a.status === 'open' ? 'working ' : ''}order${orders.length === 1 ? '' : 's'}${orders.length > 0 ? `: ${orders.slice(0, 5).map((o) => `${o.clientOrderId} ${o.side} ${o.qty} ${o.symbol} ${o.type} ${o.status}`).join('; ')}${orders.length > 5 ? '; …' : ''}` : ''}` };
    },
  }),
  tool({
    name: 'get_trades', title: "Get a bot's trades", scope: 'read', mutates: false, annotations: READ_ONLY, fields: ID_FIELDS,
    description: "A bot's closed round-trip trades with their PnL, newest first.",
    input: z.strictObject({ botId: BotId, limit: z.number().int().min(1).max(500).default(20).describe('At most this many (default 20).') }),
    run: async (a, ctx) => {
      const trades = await ctx.services.queries.trades(a.botId, { limit: a.limit, offset: 0 });
      const pnl = trades.reduce((s, t) => s + t.pnl, 0);
      return { data: { trades }, summary: `${a.botId}: ${trades.length} closed trade${trades.length === 1 ? '' : 's'} shown, PnL ${pnl.toFixed(2)}` };
    },
  }),
  tool({
    name: 'get_risk', title: "Get a bot's risk", scope: 'read', mutates: false, annotations: READ_ONLY, fields: ID_FIELDS,
    description: "A bot's risk state: halted or not, its pre-trade checks and circuit breakers as configured, which breakers are tripped, and recent risk events. With report: true also VaR/CVaR (historical, parametric, Monte Carlo), stress scenarios and limit usage of its book now.",
    input: z.strictObject({
      botId: BotId,
      report: z.boolean().default(false).describe('Also compute the VaR, stress and limit report (slower).'),
      confidence: z.number().gt(0).lt(1).default(0.99).describe('VaR confidence (report only; default 0.99).'),
    }),
    run: async (a, ctx) => {
      const risk = await ctx.services.queries.risk(a.botId);
      const report = a.report ? await ctx.services.queries.riskReport(a.botId, BotRiskQuerySchema.parse({ confidence: a.confidence })) : null;
      const tripped = risk.tripped.map((t) => t.breaker);
      return {
        data: { risk: { ...risk, events: risk.events.slice(-20) }, report },
        summary: `${a.botId}: ${risk.halted ? 'HALTED' : 'trading'}, ${risk.breakers.length} breaker${risk.breakers.length === 1 ? '' : 's'}${tripped.length > 0 ? `, tripped: ${tripped.join(', ')}` : ', none tripped'}, ${risk.events.length} risk events${report === null ? '' : `; 1-bar historical VaR ${(report.var.historical.varPct * 100).toFixed(2)}% of equity at ${report.confidence}`}`,
      };
    },
  }),
  tool({
    name: 'get_bot_logs', title: "Get a bot's log", scope: 'read', mutates: false, annotations: READ_ONLY, fields: ID_FIELDS,
    description: "A bot's log, oldest first: strategy errors, risk events (breaker trips, kill switch, feed trouble) and operator commands with who asked and what the node answered.",
    input: z.strictObject({ botId: BotId, limit: z.number().int().min(1).max(1000).default(50).describe('The last this many entries (default 50).') }),
    run: async (a, ctx) => {
      const logs = await ctx.services.queries.logs(a.botId, a.limit);
      return { data: { logs }, summary: `${a.botId}: ${logs.length} log entr${logs.length === 1 ? 'y' : 'ies'}; ${logs.filter((l) => l.level === 'error').length} errors` };
    },
  }),

  tool({
    name: 'start_bot', title: 'Start a bot', scope: 'trade', mutates: true, input: BotArgs, fields: ID_FIELDS, annotations: TRADE_ANNOTATIONS, target: (a) => a.botId,
    description: 'Starts a stopped bot (it resumes its run from the store) and answers once it is trading. A live bot (real money) needs the admin scope. Recorded on the audit trail.',
    needs: (a, ctx) => (ctx.services.bots.get(a.botId).mode === 'live' ? { scope: 'admin', why: 'starting a live bot (real money)' } : null),
    run: async (a, ctx) => {
      const v = await ctx.services.bots.start(a.botId);
      return { data: { bot: botView(v) }, summary: `started ${botLine(v)}` };
    },
  }),
  command('pause_bot', 'Pause a bot', 'Halts new orders of a running bot (working orders stay; kept across restarts). resume_bot lifts it.', (id, by, ctx) => ctx.services.bots.pause(id, by), true),
  command('resume_bot', 'Resume a bot', 'Lifts a halt (pause_bot, a kill, a tripped breaker\'s halt) so the bot trades again.', (id, by, ctx) => ctx.services.bots.resume(id, by), true),
  command('stop_bot', 'Stop a bot', 'Stops a running bot gracefully (orders sent, rows committed) and answers once it has stopped; start_bot starts it again.', (id, by, ctx) => ctx.services.bots.stop(id, by), false),
  tool({
    name: 'kill_bot', title: 'Kill switch', scope: 'trade', mutates: true, fields: ID_FIELDS, annotations: TRADE_ANNOTATIONS, target: (a) => a.botId,
    description: "The kill switch of a running bot: halts it, cancels every working order and, with flatten: true, closes every position at market. Answers with what the node did (orders canceled, positions flattened). resume_bot lifts the halt afterwards. Needs the trade scope; recorded on the audit trail. Confirm with the user before calling it.",
    input: z.strictObject({ botId: BotId, flatten: z.boolean().default(false).describe('Also close every position at market (default false).') }),
    run: async (a, ctx) => commandOutput(await ctx.services.bots.kill(a.botId, a.flatten, ctx.requester)),
  }),
  tool({
    name: 'cancel_order', title: 'Cancel an order', scope: 'trade', mutates: true, fields: ID_FIELDS, annotations: { ...TRADE_ANNOTATIONS, idempotentHint: true }, target: (a) => a.botId,
    description: 'Cancels one working order of a running bot, by its clientOrderId (get_orders). Needs the trade scope; recorded on the audit trail.',
    input: z.strictObject({ botId: BotId, orderId: z.string().min(1).max(100).describe('The clientOrderId of a working order (get_orders).') }),
    run: (a, ctx) => {
      const r = ctx.services.queries.cancelOrder(a.botId, a.orderId);
      return { data: r, summary: `cancel of order ${r.orderId} of bot ${a.botId} sent (order is ${r.status})` };
    },
  }),
  command('cancel_all_orders', 'Cancel every order', 'Cancels every working order of a running bot (positions stay; the bot keeps trading).', (id, by, ctx) => ctx.services.bots.cancelAll(id, by), true),
  tool({
    name: 'submit_order', title: 'Submit a manual order', scope: 'trade', mutates: true, fields: ID_FIELDS, annotations: TRADE_ANNOTATIONS, target: (a) => a.botId,
    description: "Sends a manual order through a running bot, booked in one of its strategies (default: the first), through the bot's pre-trade risk checks: a denial is an answer (outcome denied, with the reason), not an error. A live bot sends it to its venue with real money: confirm with the user first. Needs the trade scope; recorded on the audit trail.",
    input: z.strictObject({ botId: BotId, ...ManualOrderSchema.shape }).describe('The bot and the order: symbol, side (buy|sell), type (market default, limit, stop, stop-limit), qty, limitPrice, stopPrice, tif, reduceOnly, strategyId.'),
    run: (a, ctx) => {
      const { botId, ...order } = a;
      const r = ctx.services.queries.submitOrder(botId, order);
      const o = r.order;
      return { data: r, summary: r.outcome === 'submitted' ? `order ${o!.clientOrderId} ${o!.side} ${o!.qty} ${o!.symbol} ${o!.type} submitted to bot ${botId} (${o!.status})` : `order not sent: ${r.outcome}${r.reason === null ? '' : ` — ${r.reason}`}` };
    },
  }),
];
