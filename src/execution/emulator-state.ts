// What the OrderEmulator (./order-emulator.ts) holds, as plain JSON a restarted node stores and hands back:
// every emulated order that is not finished (its request, links, trigger state, quantities armed and
// released, and the orders released for it at the venue) and the exit groups it manages. Validated with
// zod at restore: a damaged snapshot is an InvariantError naming the field, never half a restore.
import { z } from 'zod';
import { InvariantError } from '../core/errors.ts';
import { ALL_ORDER_TYPES, ALL_TIME_IN_FORCE } from './reports.ts';

const num = z.number().finite();
const level = z.strictObject({ price: num.optional(), pct: num.optional() });

const RequestSchema = z.strictObject({
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  type: z.enum(ALL_ORDER_TYPES),
  qty: num.positive(),
  limitPrice: num.optional(),
  stopPrice: num.optional(),
  trailing: z.strictObject({ kind: z.enum(['amount', 'percent']), value: num }).optional(),
  tif: z.enum(ALL_TIME_IN_FORCE).optional(),
  expireTimeMs: num.optional(),
  reduceOnly: z.boolean().optional(),
  fillAtClose: z.boolean().optional(),
  tag: z.string().optional(),
  exits: z
    .strictObject({
      stopLoss: level.optional(),
      takeProfit: level.optional(),
      trailing: z.strictObject({ amount: num.optional(), pct: num.optional() }).optional(),
      timeExitBars: num.optional(),
      breakEven: z.strictObject({ triggerPct: num, offsetPct: num.optional() }).optional(),
    })
    .optional(),
});

/** One order released to the venue for an emulated order (`<id>-E<n>`), as last heard. */
const PieceSchema = z.strictObject({ id: z.string().min(1), qty: num.positive(), filledQty: num.nonnegative(), avgFillPrice: num.nonnegative(), open: z.boolean() });

export const EmulatedOrderStateSchema = z.strictObject({
  id: z.string().min(1),
  strategyId: z.string(),
  createdMs: num,
  request: RequestSchema,
  links: z.strictObject({ parentId: z.string().optional(), ocoGroup: z.string().optional() }),
  status: z.enum(['accepted', 'triggered', 'partially-filled']),
  filledQty: num.nonnegative(),
  avgFillPrice: num.nonnegative(),
  commission: num,
  stopPrice: num.nullable(),
  limitPrice: num.nullable(),
  triggered: z.boolean(),
  updatedMs: num,
  /** How much of it its parent's fills allow (its quantity when it has no emulated parent). */
  armedQty: num.nonnegative(),
  releasedQty: num.nonnegative(),
  nextPiece: z.number().int().nonnegative(),
  /** Best price of a held trailing stop (null before the first price). */
  best: num.nullable(),
  cancelling: z.boolean(),
  cancelReason: z.string(),
  pieces: z.array(PieceSchema),
});

export const ExitGroupStateSchema = z.strictObject({
  id: z.string().min(1),
  entryId: z.string().min(1),
  dir: z.union([z.literal(1), z.literal(-1)]),
  qty: num.positive(),
  /** Break-even trigger and stop, and the time exit's bar count, when the entry asked for them. */
  breakEven: z.strictObject({ trigger: num, stop: num }).nullable(),
  timeExitBars: z.number().int().positive().nullable(),
  memberIds: z.array(z.string()),
  stopId: z.string().nullable(),
  barsHeld: z.number().int().nonnegative(),
  best: num,
  breakEvenDone: z.boolean(),
  timeExitPlaced: z.boolean(),
});

export const EmulatorStateSchema = z.strictObject({
  version: z.literal(1),
  orders: z.array(EmulatedOrderStateSchema),
  exitGroups: z.array(ExitGroupStateSchema),
});

export type EmulatedOrderState = z.infer<typeof EmulatedOrderStateSchema>;
export type ExitGroupState = z.infer<typeof ExitGroupStateSchema>;
export type EmulatorState = z.infer<typeof EmulatorStateSchema>;

/** Parses a stored snapshot; a bad one is an InvariantError naming the field (the node must not trade on it). */
export function parseEmulatorState(data: unknown): EmulatorState {
  const r = EmulatorStateSchema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new InvariantError(`invalid order emulator state: field "${issue.path.join('.')}": ${issue.message}`);
}
