// Health (for load balancers and probes: no login, no secrets), version, server info, the strategy catalog
// and Prometheus metrics.
import { z } from 'zod';
import { describeStrategies, StrategyInfoSchema } from '../../app/strategy-catalog.ts';
import { packageVersion } from '../../app/version.ts';
import { ProblemSchema } from '../problem.ts';
import type { RouteContext, ZApp } from '../types.ts';

const errors = { 401: ProblemSchema, 403: ProblemSchema };

export function systemRoutes(app: ZApp, ctx: RouteContext): void {
  app.get('/api/v1/health', {
    config: { scope: 'public' },
    schema: { tags: ['system'], summary: 'Is the server up (no login; says nothing secret)', security: [], response: { 200: z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }) } },
  }, () => ({ status: 'ok' as const, uptimeSeconds: Math.round((Date.now() - ctx.startedMs) / 1000) }));

  app.get('/api/v1/version', {
    config: { scope: 'read' },
    schema: { tags: ['system'], summary: 'Sextant and Node.js versions', response: { 200: z.object({ version: z.string(), node: z.string(), api: z.literal('v1') }), ...errors } },
  }, () => ({ version: packageVersion(), node: process.versions.node, api: 'v1' as const }));

  app.get('/api/v1/info', {
    config: { scope: 'read' },
    schema: {
      tags: ['system'], summary: 'What this server runs: store, bots, uptime, where it listens',
      response: {
        200: z.object({
          version: z.string(), startedTime: z.string(), uptimeSeconds: z.number(), store: z.enum(['pglite', 'postgres']),
          bots: z.object({ total: z.number().int(), running: z.number().int() }), listen: z.object({ host: z.string(), port: z.number() }).nullable(),
          pid: z.number().int(),
        }),
        ...errors,
      },
    },
  }, () => {
    const bots = ctx.services.bots.list();
    return {
      version: packageVersion(), startedTime: new Date(ctx.startedMs).toISOString(), uptimeSeconds: Math.round((Date.now() - ctx.startedMs) / 1000),
      store: ctx.services.storeKind, bots: { total: bots.length, running: bots.filter((b) => b.state === 'running').length }, listen: ctx.listen ?? null, pid: process.pid,
    };
  });

  app.get('/api/v1/strategies', {
    config: { scope: 'read' },
    schema: { tags: ['strategies'], summary: 'Built-in strategies with their parameters and JSON Schemas (render a form from them)', response: { 200: z.array(StrategyInfoSchema), ...errors } },
  }, () => describeStrategies());

  app.get('/metrics', {
    config: { scope: 'read' },
    schema: { tags: ['system'], summary: 'Prometheus metrics (text exposition format): per-bot trading metrics, HTTP and process metrics', produces: ['text/plain'] },
  }, async (_request, reply) => {
    const text = await ctx.metrics.metrics();
    return reply.type(ctx.metrics.contentType).send(text);
  });
}
