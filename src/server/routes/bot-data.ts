// What a bot holds and did: account, positions, orders (open or all, paginated), fills, closed trades, equity,
// strategies with their params, risk state and breakers, its log; and the direct actions: a manual order
// (through the bot's risk checks), cancel one or all orders, reset a tripped circuit breaker.
import { z } from 'zod';
import {
  AccountSchema, BotFillSchema, BotStrategySchema, EquityRowSchema, LogEntrySchema, ManualOrderResultSchema, ManualOrderSchema, RiskStateSchema,
} from '../../app/bots/bot-queries.ts';
import { CommandReplySchema, OrderViewSchema, PositionViewSchema } from '../../app/node-handle.ts';
import { BotRiskQuerySchema, BotRiskReportSchema } from '../../app/bots/bot-risk-report.ts';
import { TradeSchema } from '../../app/dto/trade.ts';
import { HttpProblem, problem, ProblemSchema } from '../problem.ts';
import { principalOf, requesterOf } from '../auth.ts';
import { IdParams } from './bots.ts';
import { BotSchema, botDto } from '../bot-dto.ts';
import type { RouteContext, ZApp } from '../types.ts';

const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(5000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
const OrdersQuery = PageQuery.extend({ status: z.enum(['open', 'all']).default('open') });

export function botDataRoutes(app: ZApp, ctx: RouteContext): void {
  const q = ctx.services.queries;
  const bots = ctx.services.bots;
  const read = { scope: 'read' as const };
  const trade = { scope: 'trade' as const };

  app.get('/api/v1/bots/:id/account', {
    config: read, schema: { tags: ['bot data'], summary: 'Equity, cash, buying power, exposure, PnL today and total', params: IdParams, response: { 200: AccountSchema, ...errors } },
  }, (request) => q.account(request.params.id));

  app.get('/api/v1/bots/:id/positions', {
    config: read, schema: { tags: ['bot data'], summary: 'Open positions per strategy (with unrealized PnL while running)', params: IdParams, response: { 200: z.array(PositionViewSchema), ...errors } },
  }, (request) => q.positions(request.params.id));

  app.get('/api/v1/bots/:id/orders', {
    config: read, schema: { tags: ['bot data'], summary: 'Orders, newest first: working ones (status=open) or all the node has seen', params: IdParams, querystring: OrdersQuery, response: { 200: z.array(OrderViewSchema), ...errors } },
  }, (request) => q.orders(request.params.id, request.query.status, request.query));

  app.post('/api/v1/bots/:id/orders', {
    config: trade, schema: { tags: ['bot data'], summary: "A manual order, booked in one of the bot's strategies, through its pre-trade risk checks", params: IdParams, body: ManualOrderSchema, response: { 201: ManualOrderResultSchema, ...errors } },
  }, (request, reply) => {
    reply.code(201);
    return q.submitOrder(request.params.id, request.body);
  });

  app.delete('/api/v1/bots/:id/orders', {
    config: trade, schema: { tags: ['bot data'], summary: 'Cancel every working order (the node answers with what it canceled)', params: IdParams, response: { 200: CommandReplySchema, ...errors } },
  }, (request) => bots.cancelAll(request.params.id, requesterOf(request)));

  app.delete('/api/v1/bots/:id/orders/:orderId', {
    config: trade, schema: { tags: ['bot data'], summary: 'Cancel one working order', params: IdParams.extend({ orderId: z.string().min(1).max(100) }), response: { 200: z.object({ orderId: z.string(), status: z.string() }), ...errors } },
  }, (request) => q.cancelOrder(request.params.id, request.params.orderId));

  app.get('/api/v1/bots/:id/fills', {
    config: read, schema: { tags: ['bot data'], summary: "The run's fills, newest first", params: IdParams, querystring: PageQuery, response: { 200: z.array(BotFillSchema), ...errors } },
  }, (request) => q.fills(request.params.id, request.query));

  app.get('/api/v1/bots/:id/trades', {
    config: read, schema: { tags: ['bot data'], summary: 'Closed round-trip trades with PnL, newest first', params: IdParams, querystring: PageQuery, response: { 200: z.array(TradeSchema), ...errors } },
  }, (request) => q.trades(request.params.id, request.query));

  app.get('/api/v1/bots/:id/equity', {
    config: read, schema: { tags: ['bot data'], summary: 'Equity history, oldest first (the last `limit` points)', params: IdParams, querystring: PageQuery, response: { 200: z.array(EquityRowSchema), ...errors } },
  }, (request) => q.equity(request.params.id, request.query));

  app.get('/api/v1/bots/:id/strategies', {
    config: read, schema: { tags: ['bot data'], summary: "The bot's strategies with their parameter schemas and values", params: IdParams, response: { 200: z.array(BotStrategySchema), ...errors } },
  }, (request) => q.strategies(request.params.id));

  app.get('/api/v1/bots/:id/risk', {
    config: read, schema: { tags: ['bot data'], summary: 'Risk config, tripped circuit breakers and risk events', params: IdParams, response: { 200: RiskStateSchema, ...errors } },
  }, (request) => q.risk(request.params.id));

  app.put('/api/v1/bots/:id/risk', {
    config: trade, schema: { tags: ['bot data'], summary: "Change the bot's risk config (a live bot's: admin scope): a running bot is stopped gracefully and started again with it (its run resumes)", params: IdParams, body: z.strictObject({ risk: z.record(z.string(), z.unknown()).nullable() }), response: { 200: BotSchema, ...errors } },
  }, async (request) => {
    // A live bot's limits bound real money, and starting it is the admin's call: so is changing them.
    if (bots.get(request.params.id).mode === 'live' && principalOf(request).scope !== 'admin') throw new HttpProblem(problem(403, "a live bot's risk limits need the admin scope", 'body.risk'));
    return botDto(await bots.reconfigure(request.params.id, (c) => ({ ...c, risk: request.body.risk ?? undefined }), requesterOf(request)));
  });

  app.put('/api/v1/bots/:id/params', {
    config: trade, schema: { tags: ['bot data'], summary: "Change the strategies' parameters (checked against their schemas): a running bot is stopped gracefully and started again with them", params: IdParams, body: z.strictObject({ params: z.record(z.string().min(1).max(100), z.union([z.string().max(200), z.number(), z.boolean()])) }), response: { 200: BotSchema, ...errors } },
  }, async (request) => botDto(await bots.reconfigure(request.params.id, (c) => ({ ...c, params: { ...c.params, ...request.body.params } }), requesterOf(request))));

  app.get('/api/v1/bots/:id/risk/report', {
    config: read, schema: { tags: ['bot data'], summary: "VaR/CVaR (historical, parametric, Monte Carlo), stress scenarios and limit usage of the bot's book now, on its equity curve", params: IdParams, querystring: BotRiskQuerySchema, response: { 200: BotRiskReportSchema, ...errors } },
  }, (request) => q.riskReport(request.params.id, request.query));

  app.post('/api/v1/bots/:id/risk/breakers/:name/reset', {
    config: trade, schema: { tags: ['bot data'], summary: 'Reset a tripped circuit breaker', params: IdParams.extend({ name: z.string().min(1).max(100) }), response: { 200: z.object({ reset: z.boolean() }), ...errors } },
  }, (request) => q.resetBreaker(request.params.id, request.params.name));

  app.get('/api/v1/bots/:id/logs', {
    config: read, schema: { tags: ['bot data'], summary: 'Strategy errors, risk events and operator commands, oldest first', params: IdParams, querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(5000).default(200) }), response: { 200: z.array(LogEntrySchema), ...errors } },
  }, (request) => q.logs(request.params.id, request.query.limit));
}
