// Reports an ExecutionClient hands back (docs/architecture.md, "The execution port"): plain data, one
// type per concept, validated at the boundary. A report that fails its schema is an InvalidReportError
// naming the report, the field and the venue; it never reaches the order cache or the portfolio.
import { z } from 'zod';
import { InvariantError } from '../core/errors.ts';
import type { OrderType, TimeInForce } from '../model/order.ts';

/** Quantities and prices are compared with this tolerance (float64 sums of partial fills). */
const EPS = 1e-9;

const id = z.string().min(1);
const timeMs = z.number().int().nonnegative();
const positive = z.number().positive();
const side = z.enum(['buy', 'sell']);
export const ALL_ORDER_TYPES = ['market', 'limit', 'stop', 'stop-limit', 'trailing-stop'] as const satisfies readonly OrderType[];
export const ALL_TIME_IN_FORCE = ['DAY', 'GTC', 'IOC', 'FOK', 'GTD'] as const satisfies readonly TimeInForce[];
// Compile-time: both lists name every member of their model type (add a new order type or TIF here too).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const LISTS_COMPLETE: Same<(typeof ALL_ORDER_TYPES)[number], OrderType> & Same<(typeof ALL_TIME_IN_FORCE)[number], TimeInForce> = true;

/** Order states a venue reports (the engine's own 'initialized' and 'denied' never reach a venue). */
export const VENUE_ORDER_STATUSES = ['submitted', 'accepted', 'triggered', 'pending-update', 'pending-cancel', 'partially-filled', 'filled', 'canceled', 'expired', 'rejected'] as const;

export const OrderStatusReportSchema = z
  .strictObject({
    clientOrderId: id,
    venueOrderId: id,
    symbol: id,
    side,
    type: z.enum(ALL_ORDER_TYPES),
    tif: z.enum(ALL_TIME_IN_FORCE),
    status: z.enum(VENUE_ORDER_STATUSES),
    /** Total quantity ordered. */
    qty: positive,
    filledQty: z.number().nonnegative(),
    /** Average price of the fills; 0 while nothing has filled. */
    avgFillPrice: z.number().nonnegative(),
    limitPrice: positive.nullable(),
    /** Current trigger (a trailing stop's moves with the market); null when the order has none yet. */
    stopPrice: positive.nullable(),
    reduceOnly: z.boolean(),
    /** Why the order was rejected, canceled or expired ('' otherwise). */
    reason: z.string(),
    createdMs: timeMs,
    updatedMs: timeMs,
  })
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string): void => void ctx.addIssue({ code: 'custom', path: [path], message });
    if (r.filledQty > r.qty + EPS) issue('filledQty', `${r.filledQty} exceeds the order quantity ${r.qty}`);
    if (r.status === 'filled' && Math.abs(r.filledQty - r.qty) > EPS) issue('filledQty', `a filled order has filled ${r.filledQty} of ${r.qty}`);
    if (r.status === 'partially-filled' && !(r.filledQty > 0 && r.filledQty < r.qty)) issue('filledQty', `a partially filled order has filled ${r.filledQty} of ${r.qty}`);
    if (r.filledQty > 0 && !(r.avgFillPrice > 0)) issue('avgFillPrice', 'must be positive once something has filled');
    if ((r.type === 'limit' || r.type === 'stop-limit') && r.limitPrice === null) issue('limitPrice', `a ${r.type} order needs one`);
    if ((r.type === 'stop' || r.type === 'stop-limit') && r.stopPrice === null) issue('stopPrice', `a ${r.type} order needs one`);
    if (r.updatedMs < r.createdMs) issue('updatedMs', `${r.updatedMs} is before createdMs ${r.createdMs}`);
  });

export const FillReportSchema = z.strictObject({
  /** The venue's id of this execution (unique per venue; a repeated id is the same fill reported again). */
  tradeId: id,
  clientOrderId: id,
  venueOrderId: id,
  symbol: id,
  side,
  qty: positive,
  price: positive,
  /** In the account currency; negative for a rebate. */
  commission: z.number(),
  /** The fee as the venue charged it when not in the account currency: commissionQty units of commissionAsset. */
  commissionAsset: id.optional(),
  commissionQty: z.number().optional(),
  liquidity: z.enum(['maker', 'taker']),
  tsEventMs: timeMs,
});

export const PositionReportSchema = z
  .strictObject({
    symbol: id,
    /** Signed: negative for a short. */
    qty: z.number(),
    /** Average entry price of the open quantity. */
    avgPrice: z.number().nonnegative(),
    tsMs: timeMs,
  })
  .refine((p) => p.qty === 0 || p.avgPrice > 0, { path: ['avgPrice'], message: 'must be positive for an open position' });

export const BalanceReportSchema = z
  .strictObject({
    currency: z.string().min(1).max(12),
    total: z.number(),
    /** What new orders may use. */
    free: z.number(),
    /** Held for working orders or margin. */
    locked: z.number().nonnegative(),
    tsMs: timeMs,
  })
  .refine((b) => Math.abs(b.free + b.locked - b.total) <= EPS * Math.max(1, Math.abs(b.total)), { path: ['total'], message: 'must equal free + locked' });

export const CapabilitiesSchema = z.strictObject({
  orderTypes: z.array(z.enum(ALL_ORDER_TYPES)).min(1),
  timeInForce: z.array(z.enum(ALL_TIME_IN_FORCE)).min(1),
  fractionalQty: z.boolean(),
  shorting: z.boolean(),
  reduceOnly: z.boolean(),
  nativeModify: z.boolean(),
  nativeBrackets: z.boolean(),
  nativeOco: z.boolean(),
  exitAttachments: z.boolean(),
  partialNative: z.array(z.enum(['nativeBrackets', 'nativeOco', 'exitAttachments'])).optional(),
}).superRefine((c, ctx) => {
  // A capability taken in part is one whose flag says no: the emulator holds what the client does not take.
  for (const f of c.partialNative ?? []) if (c[f]) ctx.addIssue({ code: 'custom', path: ['partialNative'], message: `${f} is true: only a flag that is false can be taken in part` });
});

export type VenueOrderStatus = (typeof VENUE_ORDER_STATUSES)[number];
export type OrderStatusReport = Readonly<z.infer<typeof OrderStatusReportSchema>>;
export type FillReport = Readonly<z.infer<typeof FillReportSchema>>;
export type PositionReport = Readonly<z.infer<typeof PositionReportSchema>>;
export type BalanceReport = Readonly<z.infer<typeof BalanceReportSchema>>;

export type ReportKind = 'OrderStatusReport' | 'FillReport' | 'PositionReport' | 'BalanceReport' | 'ExecutionCapabilities';

const SCHEMAS: Record<ReportKind, z.ZodType> = {
  OrderStatusReport: OrderStatusReportSchema,
  FillReport: FillReportSchema,
  PositionReport: PositionReportSchema,
  BalanceReport: BalanceReportSchema,
  ExecutionCapabilities: CapabilitiesSchema,
};

/** A venue sent a report that is not what the port promises: stop before it corrupts any state. */
export class InvalidReportError extends InvariantError {
  constructor(
    readonly venue: string,
    readonly report: ReportKind,
    readonly field: string,
    detail: string,
  ) {
    super(`invalid ${report} from ${venue}: field "${field}": ${detail}`);
  }
}

/** Validates one report; throws InvalidReportError naming the first bad field (and the order or trade it is about). */
export function parseReport(kind: 'OrderStatusReport', venue: string, data: unknown): OrderStatusReport;
export function parseReport(kind: 'FillReport', venue: string, data: unknown): FillReport;
export function parseReport(kind: 'PositionReport', venue: string, data: unknown): PositionReport;
export function parseReport(kind: 'BalanceReport', venue: string, data: unknown): BalanceReport;
export function parseReport(kind: ReportKind, venue: string, data: unknown): unknown;
export function parseReport(kind: ReportKind, venue: string, data: unknown): unknown {
  const r = SCHEMAS[kind].safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length === 0 ? '(report)' : issue.path.map(String).join('.');
  const o = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const about = typeof o.tradeId === 'string' ? ` (trade ${o.tradeId})` : typeof o.clientOrderId === 'string' ? ` (order ${o.clientOrderId})` : typeof o.symbol === 'string' ? ` (${o.symbol})` : '';
  throw new InvalidReportError(venue, kind, field, `${issue.message}${about}`);
}

/** Validates a list of reports of one kind. */
export function parseReports<T>(kind: ReportKind, venue: string, data: unknown): T[] {
  if (!Array.isArray(data)) throw new InvalidReportError(venue, kind, '(list)', `expected an array of ${kind}, got ${data === null ? 'null' : typeof data}`);
  return data.map((d) => parseReport(kind, venue, d) as T);
}
