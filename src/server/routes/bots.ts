// Bots: list, create (paper, or live on a venue: admin only), read, change (stopped), delete (stopped),
// start, stop, pause (no new orders), resume, kill (halt, cancel every working order, optionally flatten).
// Operator commands answer with the node's own account of what it did (CommandReply).
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BotConfigSchema, BotIdSchema } from '../../app/bots/bot-config.ts';
import { CommandReplySchema } from '../../app/node-handle.ts';
import { fileParamIn } from '../../app/file-param-scope.ts';
import { BotSchema, botDto } from '../bot-dto.ts';
import { principalOf, requesterOf } from '../auth.ts';
import { HttpProblem, problem, ProblemSchema } from '../problem.ts';
import type { RouteContext, ZApp } from '../types.ts';

export const IdParams = z.object({ id: BotIdSchema });

/**
 * What a trade scope may not define: a live bot (real money) and a replay of a file on the server's disk
 * (a client naming server paths) need admin.
 */
function checkScope(request: FastifyRequest, body: { mode: string; replay?: string; strategies: readonly { name: string }[]; params: Record<string, unknown> }): void {
  if (principalOf(request).scope === 'admin') return;
  if (body.mode === 'live') throw new HttpProblem(problem(403, 'a live bot trades real money: it needs the admin scope', 'body.mode'));
  if (body.replay?.startsWith('csv:') === true) throw new HttpProblem(problem(403, 'a replay of a file on the server needs the admin scope (synthetic:<seed> does not)', 'body.replay'));
  const file = fileParamIn(body.strategies.map((s) => s.name), body.params);
  if (file !== null) throw new HttpProblem(problem(403, `param ${file} names a file on the server (a model or policy file): it needs the admin scope`, `body.params.${file}`));
}
const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const KillSchema = z.strictObject({ flatten: z.boolean().default(false) });

export function botRoutes(app: ZApp, ctx: RouteContext): void {
  const { services } = ctx;
  const bots = services.bots;

  app.get('/api/v1/bots', {
    config: { scope: 'read' },
    schema: { tags: ['bots'], summary: 'Every bot with its state and, when running, its status', response: { 200: z.array(BotSchema), ...errors } },
  }, () => bots.list().map(botDto));

  app.post('/api/v1/bots', {
    config: { scope: 'trade' },
    schema: { tags: ['bots'], summary: 'Create a bot (stopped); live bots need the admin scope', body: BotConfigSchema, response: { 201: BotSchema, ...errors } },
  }, async (request, reply) => {
    const body = request.body;
    checkScope(request, body);
    // A bot that brings no risk config gets the server's defaults (GET /api/v1/settings/risk).
    const risk = body.risk ?? (await services.settings.riskDefaults()).risk ?? undefined;
    return reply.code(201).send(botDto(await bots.create({ ...body, risk })));
  });

  app.get('/api/v1/bots/:id', {
    config: { scope: 'read' },
    schema: { tags: ['bots'], summary: 'One bot', params: IdParams, response: { 200: BotSchema, ...errors } },
  }, (request) => botDto(bots.get(request.params.id)));

  app.put('/api/v1/bots/:id', {
    config: { scope: 'trade' },
    schema: { tags: ['bots'], summary: "Replace a stopped bot's definition", params: IdParams, body: BotConfigSchema, response: { 200: BotSchema, ...errors } },
  }, async (request) => {
    checkScope(request, request.body);
    return botDto(await bots.update(request.params.id, request.body));
  });

  app.delete('/api/v1/bots/:id', {
    config: { scope: 'trade' },
    schema: { tags: ['bots'], summary: "Delete a stopped bot (its run's orders, fills and equity stay in the store)", params: IdParams, response: { 200: z.object({ deleted: z.string() }), ...errors } },
  }, async (request) => {
    await bots.remove(request.params.id);
    return { deleted: request.params.id };
  });

  app.post('/api/v1/bots/:id/start', {
    config: { scope: 'trade' },
    schema: { tags: ['bots'], summary: 'Start a bot: answers once it is restored and trading', params: IdParams, response: { 200: BotSchema, ...errors } },
  }, async (request) => {
    const view = bots.get(request.params.id);
    if (view.mode === 'live' && principalOf(request).scope !== 'admin') throw new HttpProblem(problem(403, 'starting a live bot needs the admin scope', null));
    return botDto(await bots.start(request.params.id));
  });

  const command = (path: string, summary: string, run: (id: string, by: string) => Promise<z.infer<typeof CommandReplySchema>>): void => {
    app.post(`/api/v1/bots/:id/${path}`, {
      config: { scope: 'trade' },
      schema: { tags: ['bots'], summary, params: IdParams, response: { 200: CommandReplySchema, ...errors } },
    }, (request) => run(request.params.id, requesterOf(request)));
  };
  command('stop', 'Stop gracefully (intents sent, rows committed); answers once stopped', (id, by) => bots.stop(id, by));
  command('pause', 'Halt new orders (working orders stay); kept across restarts', (id, by) => bots.pause(id, by));
  command('resume', 'Lift a halt', (id, by) => bots.resume(id, by));

  app.post('/api/v1/bots/:id/kill', {
    config: { scope: 'trade' },
    schema: { tags: ['bots'], summary: 'Kill switch: halt, cancel every working order and, with flatten, close every position', params: IdParams, body: KillSchema.optional(), response: { 200: CommandReplySchema, ...errors } },
  }, (request) => bots.kill(request.params.id, request.body?.flatten === true, requesterOf(request)));
}
