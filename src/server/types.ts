// Types shared by the server's route modules.
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import type { ServerServices } from '../app/server-services.ts';
import type { Fanout } from './ws/fanout.ts';

/** The fastify instance with zod schemas as route types. */
export type ZApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** What every route module gets. */
export interface RouteContext {
  readonly services: ServerServices;
  /** The Prometheus registry /metrics serves. */
  readonly metrics: Registry;
  readonly fanout: Fanout;
  readonly startedMs: number;
  readonly listen: { host: string; port: number } | undefined;
  readonly secureCookies: boolean;
  readonly loginPerMinute: number;
}
