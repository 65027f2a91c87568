// NodeHandle: what a transport (the CLI now; the API server, Telegram and the terminal monitor later) can ask
// of a running node: its status, positions and working orders, a subscription to its updates, and the operator
// commands (pause = halt, resume, stop, kill with optional flatten, cancel-all, flatten). Every command goes
// through the store's `commands` table, so each one is recorded with the node's answer (docs/operations.md).
// Implementations: in-process (local-node-handle.ts), over the node's local control endpoint and over the store
// (remote-node-handle.ts). Inputs and outputs are zod schemas; errors name fields, never CLI flags.
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { OrderSchema } from './dto/order.ts';
import { PositionSchema } from './dto/position.ts';
import { COMMAND_KINDS, COMMAND_STATUSES, type CommandKind, type CommandRecord } from '../store/store.ts';
import { NodeHealthSchema } from './node-health.ts';

export const CommandKindSchema = z.enum(COMMAND_KINDS as [CommandKind, ...CommandKind[]]);
export const CommandArgsSchema = z.strictObject({
  /** kill: also close every position with reduce-only market orders. */
  flatten: z.boolean().optional(),
});
export type CommandArgs = z.infer<typeof CommandArgsSchema>;

/** A command as a transport sends it to the node. */
export const CommandRequestSchema = z.strictObject({
  kind: CommandKindSchema,
  args: CommandArgsSchema.default({}),
  /** Who asks (recorded with the command). */
  requester: z.string().min(1).max(500),
  /** When the requester asked (epoch ms). */
  requestedMs: z.number().int().positive(),
  /** The node must take the command by then (epoch ms); later it expires unexecuted. */
  expiresMs: z.number().int().positive(),
});
export type CommandRequest = z.infer<typeof CommandRequestSchema>;

/** A working order of a running node: the app's one Order schema (dto/order.ts), the fields a live order has. */
export const OrderViewSchema = OrderSchema.pick({
  clientOrderId: true, strategyId: true, symbol: true, side: true, type: true, qty: true, limitPrice: true, stopPrice: true, tag: true,
  reduceOnly: true, status: true, filledQty: true, avgFillPrice: true, reason: true,
});
export type OrderView = z.infer<typeof OrderViewSchema>;

/**
 * An open position of one strategy: the app's Position schema (dto/position.ts) with its strategy; the last
 * price and unrealized PnL are null where they are not known (read from the store, or before a first price).
 */
export const PositionViewSchema = PositionSchema.pick({ symbol: true, qty: true, avgPrice: true }).extend({
  strategyId: z.string(),
  lastPrice: z.number().nullable(),
  unrealizedPnl: z.number().nullable(),
});
export type PositionView = z.infer<typeof PositionViewSchema>;

/** A position a flatten closed (or tried to): the position before, and its closing order as it stands. */
export const FlattenedSchema = z.object({
  strategyId: z.string(),
  symbol: z.string(),
  /** The position before the flatten (signed). */
  qty: z.number(),
  orderId: z.string().nullable(),
  /** The closing order's status when the node answered (filled, or still working when no price came in time). */
  status: z.string(),
  filledQty: z.number(),
  avgFillPrice: z.number().nullable(),
});
export type Flattened = z.infer<typeof FlattenedSchema>;

/** What the node did for a command. */
export const CommandOutcomeSchema = z.object({
  message: z.string(),
  halted: z.boolean(),
  ordersCanceled: z.array(OrderViewSchema),
  positionsFlattened: z.array(FlattenedSchema),
});
export type CommandOutcome = z.infer<typeof CommandOutcomeSchema>;

export const CommandReplySchema = z.object({
  id: z.string(),
  runId: z.string(),
  kind: CommandKindSchema,
  status: z.enum(COMMAND_STATUSES as ['pending', ...CommandRecord['status'][]]),
  requester: z.string(),
  requestedMs: z.number(),
  node: z.object({ pid: z.number(), host: z.string() }).nullable(),
  /** The node's account of what it did (status done), else null. */
  outcome: CommandOutcomeSchema.nullable(),
  /** One line: the outcome's message, the failure, or why it expired. */
  message: z.string(),
});
export type CommandReply = z.infer<typeof CommandReplySchema>;

export const NodeStatusSchema = z.object({
  runId: z.string(),
  node: z.object({ pid: z.number(), host: z.string() }).nullable(),
  /** Where this came from: the node itself, or the store (a remote node over Postgres). */
  source: z.enum(['node', 'store']),
  nowMs: z.number().nullable(),
  equity: z.number().nullable(),
  cash: z.number().nullable(),
  halted: z.boolean(),
  orders: z.number(),
  fills: z.number(),
  openOrders: z.number(),
  barsSeen: z.number().nullable(),
  positions: z.array(PositionViewSchema),
  strategyErrors: z.array(z.object({ strategyId: z.string(), message: z.string(), tsMs: z.number() })),
  abortReason: z.string().nullable(),
  /** How old the market data is and how the feed and broker links stand (node-health.ts). */
  health: NodeHealthSchema,
  /**
   * Set when the supervisor of `sextant paper` answers for a node thread that cannot (its strategy code is stuck,
   * or it is being restarted): the other fields are then the node's last status.
   */
  supervisor: z.object({ state: z.enum(['stuck', 'restarting']), message: z.string() }).optional(),
});
export type NodeStatus = z.infer<typeof NodeStatusSchema>;

export const TOPICS = ['status', 'command'] as const;
export const TopicSchema = z.enum(TOPICS);
export type Topic = z.infer<typeof TopicSchema>;
export const NodeMessageSchema = z.discriminatedUnion('topic', [
  z.object({ topic: z.literal('status'), status: NodeStatusSchema }),
  z.object({ topic: z.literal('command'), command: CommandReplySchema }),
]);
export type NodeMessage = z.infer<typeof NodeMessageSchema>;

export interface NodeHandle {
  readonly runId: string;
  status(): Promise<NodeStatus>;
  /** Open positions per strategy. */
  positions(): Promise<PositionView[]>;
  /** Working orders. */
  orders(): Promise<OrderView[]>;
  /** Calls `listener` with each message of the topics until the returned function is called. */
  subscribe(topics: readonly Topic[], listener: (message: NodeMessage) => void): Promise<() => void>;
  /** Halts new orders (the kill switch without cancel or flatten); working orders stay. Stored: a restart stays halted. */
  pause(): Promise<CommandReply>;
  /** Lifts a halt. */
  resume(): Promise<CommandReply>;
  /** Graceful stop of the node (as SIGTERM): intents sent, rows committed, the run stopped. */
  stop(): Promise<CommandReply>;
  /** Halt, cancel every working order and, with `flatten`, close every position. */
  kill(opts?: { flatten?: boolean }): Promise<CommandReply>;
  /** Any command. */
  command(kind: CommandKind, args?: CommandArgs): Promise<CommandReply>;
  /** Lets go of the connection (not the node). */
  close(): Promise<void>;
}

/** How long a node has to take a command before it expires. */
export const COMMAND_TTL_MS = 5_000;
/** How long a taken command may run (a flatten waits for its fills) before the requester stops waiting. */
export const COMMAND_RUN_MS = 30_000;

/** Parses `value` with `schema`; an invalid value is an InputError naming the first bad field under `what`. */
export function parseAt<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = [what, ...issue.path.map(String)].join('.');
  throw new InputError(issue.message, { field });
}

/** The reply for a stored command. */
export function replyOf(rec: CommandRecord): CommandReply {
  const result = rec.result as { message?: unknown } | null;
  const outcome = rec.status === 'done' ? CommandOutcomeSchema.safeParse(rec.result) : null;
  const message = typeof result?.message === 'string' ? result.message : rec.status === 'pending' ? 'pending: not taken by a node yet' : rec.status === 'acknowledged' ? 'taken by the node, not finished yet' : rec.status;
  return {
    id: rec.id, runId: rec.runId, kind: rec.kind, status: rec.status, requester: rec.requester, requestedMs: rec.requestedMs, node: rec.node,
    outcome: outcome?.success === true ? outcome.data : null, message,
  };
}
