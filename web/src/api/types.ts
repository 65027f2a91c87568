// Named types of the API's answers and bodies, read from the generated schema (schema.d.ts, from the server's
// zod schemas): nothing here is written by hand but the names.
import type { paths } from './schema';

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
/** The 200 (or 201) answer of `GET path`. */
export type GetOk<P extends keyof paths> = paths[P] extends { get: { responses: infer R } } ? (R extends { 200: infer A } ? Json<A> : never) : never;
/** The body of `POST path`. */
export type PostBody<P extends keyof paths> = paths[P] extends { post: { requestBody?: infer B } } ? Json<NonNullable<B>> : never;
export type PutBody<P extends keyof paths> = paths[P] extends { put: { requestBody?: infer B } } ? Json<NonNullable<B>> : never;

export type Bot = GetOk<'/api/v1/bots/{id}'>;
export type BotStatus = NonNullable<Bot['status']>;
export type Account = GetOk<'/api/v1/bots/{id}/account'>;
export type Position = GetOk<'/api/v1/bots/{id}/positions'>[number];
export type Order = GetOk<'/api/v1/bots/{id}/orders'>[number];
export type Fill = GetOk<'/api/v1/bots/{id}/fills'>[number];
export type Trade = GetOk<'/api/v1/bots/{id}/trades'>[number];
export type EquityPoint = GetOk<'/api/v1/bots/{id}/equity'>[number];
export type RiskState = GetOk<'/api/v1/bots/{id}/risk'>;
export type LogLine = GetOk<'/api/v1/bots/{id}/logs'>[number];
export type StrategyInfo = GetOk<'/api/v1/strategies'>[number];
export type Me = GetOk<'/api/v1/auth/me'>;
export type Scope = Me['scope'];
