// The Sextant server's HTTP application: fastify with zod schemas as the one source of request and response
// types (validation, serialization and the OpenAPI 3.1 document at /api/openapi.json, its UI at /api/docs),
// authentication and per-route scopes, rate limits, CORS for explicit origins only, security headers, body
// limits, one problem shape for every error, the audit of every mutation, Prometheus metrics and the
// WebSocket. A thin transport: every handler calls the app layer (ServerServices).
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { Registry } from 'prom-client';
import { packageVersion } from '../app/version.ts';
import type { ServerServices } from '../app/server-services.ts';
import { registerAudit } from './audit-hook.ts';
import { registerAuth } from './auth.ts';
import { registerDashboard, sendDashboardIndex, type Dashboard } from './dashboard.ts';
import { BotMetrics } from './metrics/bot-metrics.ts';
import { registerHttpMetrics } from './metrics/http-metrics.ts';
import { registerServerMetrics } from './metrics/server-metrics.ts';
import { errorHandler, problem, problemOf, sendProblem } from './problem.ts';
import { registerInputGuard } from './input-guard.ts';
import { API_HEADERS, registerSecurityHeaders } from './security-headers.ts';
import { serializerCompiler } from './serializer.ts';
import { openApiTransform } from './openapi-transform.ts';
import { accessRoutes } from './routes/access.ts';
import { authRoutes } from './routes/auth.ts';
import { botDataRoutes } from './routes/bot-data.ts';
import { botRoutes } from './routes/bots.ts';
import { candleRoutes } from './routes/candles.ts';
import { researchRoutes } from './routes/research.ts';
import { settingsRoutes } from './routes/settings.ts';
import { systemRoutes } from './routes/system.ts';
import { wsRoutes } from './ws/routes.ts';
import { Fanout } from './ws/fanout.ts';
import type { RouteContext } from './types.ts';


export interface ServerOptions {
  /** Requests per minute per token (or per IP without one); login has its own, stricter limit. */
  readonly rateLimitPerMinute?: number;
  /** Login attempts per minute per IP. */
  readonly loginPerMinute?: number;
  /** Requests with a bad or missing credential per minute per IP before 429s (default AUTH_FAILURES_PER_MINUTE). */
  readonly authFailuresPerMinute?: number;
  /** Origins allowed to call the API from a browser (exact `https://host:port`); none by default. */
  readonly corsOrigins?: readonly string[];
  /** Largest request body in bytes. */
  readonly bodyLimit?: number;
  /** The session cookie needs HTTPS (`Secure`): on when served over TLS or behind an HTTPS proxy. */
  readonly secureCookies?: boolean;
  /** fastify's logger (false in tests). */
  readonly logger?: boolean | { level: string };
  /** The built dashboard's folder (default: dist/web); null serves none (a page saying how to build it). */
  readonly dashboardDir?: string | null;
  /** How the server is bound: shown by /info. */
  readonly listen?: { host: string; port: number };
}

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 6000;
export const DEFAULT_LOGIN_PER_MINUTE = 10;
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** A route of the server as registered (the docs UI's, the WebSocket's and hidden ones too). */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
}
const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();
/** Every route `buildServer` registered, for the tests that walk the route table (security, fuzz, OpenAPI). */
export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  return routeTables.get(app) ?? [];
}

export async function buildServer(services: ServerServices, opts: ServerOptions = {}, https: { cert: Buffer; key: Buffer } | null = null): Promise<FastifyInstance> {
  const app = Fastify({
    ...(https === null ? {} : { https }),
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Request ids of our own (no client-supplied ids in logs), and no prototype poisoning from JSON bodies.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    trustProxy: false,
    // The router's own refusals (a malformed URL component, a parameter over maxParamLength) as problems too.
    // (they skip the hooks, so the security headers are set here).
    frameworkErrors: (err, _request, reply) => {
      void sendProblem(reply.headers(API_HEADERS), problemOf(err));
    },
  }) as unknown as FastifyInstance;
  const routes: RouteEntry[] = [];
  routeTables.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  let dashboard: Dashboard = { index: null };
  app.setNotFoundHandler((request, reply) => {
    if (sendDashboardIndex(dashboard, request, reply)) return reply;
    return sendProblem(reply, problem(404, `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  const registry = new Registry();
  registerHttpMetrics(app, registry);
  registerServerMetrics(registry, { bots: () => services.bots.list(), storeWrites: () => services.storeWrites() });
  const metrics = new BotMetrics(registry);
  const fanout = new Fanout(services);
  const detach = new Map<string, () => void>();
  const attach = (id: string, node: Parameters<BotMetrics['attach']>[1]): void => {
    detach.get(id)?.();
    detach.set(id, metrics.attach(id, node));
  };
  for (const b of services.bots.list()) {
    const s = b.state === 'running' ? services.bots.sessionOrNull(b.id) : null;
    if (s !== null) attach(b.id, s.node);
  }
  const unwatch = services.bots.watch({
    started: (id, session) => attach(id, session.node),
    stopped: (id) => {
      detach.get(id)?.();
      detach.delete(id);
    },
    feed: (id, kind) => metrics.feedStatus(id, kind),
  });
  app.addHook('onClose', async () => {
    unwatch();
    for (const d of detach.values()) d();
    fanout.close();
  });

  await app.register(cookie);
  await app.register(cors, {
    // Only the listed origins, never a wildcard: credentials (the session cookie) are allowed for them.
    origin: opts.corsOrigins === undefined || opts.corsOrigins.length === 0 ? false : [...opts.corsOrigins],
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', 'x-csrf-token'],
    maxAge: 600,
  });
  await app.register(rateLimit, {
    global: true,
    max: opts.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    // Per token when one is sent (its first 24 characters: the id part), else per client address.
    keyGenerator: (request) => {
      const auth = request.headers.authorization;
      return typeof auth === 'string' && auth.startsWith('Bearer ') ? `t:${auth.slice(7, 31)}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => {
      const err = Object.assign(new Error(`rate limit: at most ${context.max} requests per minute; retry in ${Math.ceil(context.ttl / 1000)} s`), { statusCode: 429 });
      return err;
    },
  });
  registerSecurityHeaders(app);
  // Before the auth hook: the plugin's own onRequest marks upgrade requests so that its onResponse destroys
  // the socket of a refused one (401, 403, 429); registered after, a refused upgrade's socket stayed open and
  // app.close() waited for it.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  registerAuth(app, services, opts.authFailuresPerMinute);
  registerAudit(app, services);
  registerInputGuard(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Sextant API', version: packageVersion(), description: 'Run, watch and control Sextant bots; research jobs; settings. Errors are one problem shape (status, code, message, field).' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A token from `sextant token create` or POST /api/v1/tokens' },
          session: { type: 'apiKey', in: 'cookie', name: 'sextant_session', description: 'The dashboard session (POST /api/v1/auth/login); changes also need the x-csrf-token header' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: openApiTransform,
  });
  // The docs UI's own routes need a login like the rest (read scope).
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs') && route.config?.scope === undefined) route.config = { ...route.config, scope: 'read' };
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' }, staticCSP: false });

  const z = app.withTypeProvider<ZodTypeProvider>();
  const ctx: RouteContext = { services, metrics: registry, fanout, startedMs: Date.now(), listen: opts.listen, secureCookies: opts.secureCookies === true, loginPerMinute: opts.loginPerMinute ?? DEFAULT_LOGIN_PER_MINUTE };
  systemRoutes(z, ctx);
  authRoutes(z, ctx);
  botRoutes(z, ctx);
  botDataRoutes(z, ctx);
  settingsRoutes(z, ctx);
  researchRoutes(z, ctx);
  accessRoutes(z, ctx);
  candleRoutes(z, ctx);
  wsRoutes(z, ctx, opts.corsOrigins ?? []);
  app.get('/api/openapi.json', { config: { scope: 'read' }, schema: { hide: true } }, () => app.swagger());
  dashboard = await registerDashboard(app, opts.dashboardDir);
  return app;
}

