// The WebSocket protocol of /api/v1/ws (docs/api.md, "WebSocket"): JSON text frames. The client subscribes
// to topics of a bot (or to `bots`, every bot's state); the server sends messages stamped with the bot's
// bus sequence number (`seq`) and the bot's session (`epoch`: a new one each time the bot starts, when its
// bus starts again at 1). A client that reconnects subscribes with `since` to get what it missed of the
// `events` and `logs` topics; when that is older than what the server keeps it gets a `gap` message and
// reads the missing part through the REST API.
import { z } from 'zod';
import { BotIdSchema } from '../../app/bots/bot-config.ts';

export const WS_TOPICS = ['events', 'equity', 'positions', 'logs', 'candles', 'bots', 'jobs'] as const;
export type WsTopic = (typeof WS_TOPICS)[number];
/** Topics of the whole server, subscribed without a bot: bot states, research jobs' progress and states. */
export const SERVER_TOPICS: ReadonlySet<WsTopic> = new Set(['bots', 'jobs']);

export const IndicatorAskSchema = z.strictObject({
  /** A registered indicator (GET /api/v1/indicators is `sextant indicator --list`). */
  name: z.string().min(1).max(40),
  params: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
});

export const ClientMessageSchema = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('subscribe'),
    /** Required for every topic but `bots` and `jobs`. */
    bot: BotIdSchema.optional(),
    topics: z.array(z.enum(WS_TOPICS)).min(1).max(WS_TOPICS.length),
    /** Resume: replay buffered `events` and `logs` after this sequence number (of `epoch`). */
    since: z.number().int().min(0).optional(),
    epoch: z.string().max(100).optional(),
    /** `candles`: indicator values computed on the bot's bars, sent with each candle. */
    indicators: z.array(IndicatorAskSchema).max(10).optional(),
  }),
  z.strictObject({ op: z.literal('unsubscribe'), bot: BotIdSchema.optional(), topics: z.array(z.enum(WS_TOPICS)).min(1).max(WS_TOPICS.length) }),
  z.strictObject({ op: z.literal('ping'), id: z.string().max(100).optional() }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/** A server message: `type` says which. */
export type ServerMessage =
  | { type: 'hello'; version: string; topics: readonly string[] }
  | { type: 'subscribed'; bot: string | null; topics: readonly string[]; epoch: string | null; seq: number | null }
  | { type: 'unsubscribed'; bot: string | null; topics: readonly string[] }
  | { type: 'pong'; id?: string }
  | { type: 'message'; bot: string; topic: WsTopic; epoch: string; seq: number; time: string; data: unknown }
  | { type: 'gap'; bot: string; epoch: string; from: number; to: number; message: string }
  | { type: 'error'; status: number; code: string; message: string; field: string | null };

/** WebSocket close codes of ours (4000-4999 are the application's). */
export const CLOSE = {
  /** The client read too slowly: its queue passed the limit. */
  TOO_SLOW: 4008,
  /** Not logged in, or the session/token ended. */
  UNAUTHORIZED: 4001,
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** A message that is not JSON or not of the protocol, too often. */
  PROTOCOL: 4002,
} as const;
