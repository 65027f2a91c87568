// Candles for charts: a running bot's bars of a symbol (from its node's memory) and a stored data set's, in
// a chosen timeframe, with indicator columns and (for a bot) its fills in the window. docs/api.md "Candles".
import { isUserError } from '../../core/errors.ts';
import { BotCandles } from '../../app/bots/bot-candles.ts';
import { BotCandlesQuerySchema, CandlesSchema, DataCandlesQuerySchema } from '../../app/candles.ts';
import { DataCandles } from '../../app/data-candles.ts';
import { HttpProblem, problemOf, ProblemSchema } from '../problem.ts';
import { IdParams } from './bots.ts';
import type { RouteContext, ZApp } from '../types.ts';

const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const read = { scope: 'read' as const };

/** The app names the query's fields (`timeframe`); the API's problems say `query.timeframe`, as validation does. */
async function inQuery<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!isUserError(e) || e.where.field === undefined || e.where.field === 'id') throw e;
    throw new HttpProblem({ ...problemOf(e), field: `query.${e.where.field}` });
  }
}

export function candleRoutes(app: ZApp, ctx: RouteContext): void {
  const bots = new BotCandles(ctx.services.bots);
  const data = new DataCandles(ctx.services.jobs.warehouse);

  app.get('/api/v1/bots/:id/candles', {
    config: read,
    schema: {
      tags: ['bot data'], summary: "A running bot's bars of a symbol (from its node's memory), aggregated to a timeframe, with indicators and the bot's fills in the window",
      params: IdParams, querystring: BotCandlesQuerySchema, response: { 200: CandlesSchema, ...errors },
    },
  }, (request) => inQuery(() => bots.candles(request.params.id, request.query)));

  app.get('/api/v1/data/candles', {
    config: read,
    schema: {
      tags: ['data'], summary: 'Bars of a stored data set (the warehouse, or the synthetic market) in a window and timeframe, with indicators: the latest `limit`',
      querystring: DataCandlesQuerySchema, response: { 200: CandlesSchema, ...errors },
    },
  }, (request) => inQuery(() => data.candles(request.query)));
}
