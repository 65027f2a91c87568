// Alpaca's payloads at the boundary (Trading API v2: orders, trade_updates, FILL activities, positions,
// the account), checked with zod on their wire (snake_case) names before anything uses them. A payload
// that breaks its schema is an AlpacaPayloadError naming the payload and the field, never a crash deeper
// in. Alpaca sends quantities and prices as decimal strings; they become numbers here and nowhere else.
import { z } from 'zod';
import { InvariantError } from '../../core/errors.ts';
import type { OrderSide, OrderType, TimeInForce } from '../../model/order.ts';
import type { OrderStatusReport, VenueOrderStatus } from '../../execution/reports.ts';
import { fromAlpacaSymbol } from './symbols.ts';

export const VENUE = 'alpaca';

/** A payload from Alpaca that is not what its API promises. */
export class AlpacaPayloadError extends InvariantError {
  constructor(
    readonly payload: string,
    readonly field: string,
    detail: string,
  ) {
    super(`invalid ${VENUE} ${payload}: field "${field}": ${detail}`);
  }
}

const decimal = z.string().regex(/^-?\d+(\.\d+)?(e-?\d+)?$/i, 'expected a decimal string').transform(Number);
const positiveDecimal = decimal.refine((x) => x > 0, 'must be positive');
const optDecimal = decimal.nullish().transform((x) => x ?? null);
const isoTime = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'expected an ISO 8601 time').transform((s) => Date.parse(s));
/** The SDK turns some times into Date objects before we see them; accept both, reject garbage. */
const timeOrDate = z.union([z.date().refine((d) => Number.isFinite(d.getTime()), 'invalid date').transform((d) => d.getTime()), isoTime]);

export const ALPACA_ORDER_STATUSES = [
  'new', 'partially_filled', 'filled', 'done_for_day', 'canceled', 'expired', 'replaced', 'pending_cancel', 'pending_replace',
  'accepted', 'pending_new', 'accepted_for_bidding', 'stopped', 'rejected', 'suspended', 'calculated', 'held',
] as const;
export type AlpacaOrderStatus = (typeof ALPACA_ORDER_STATUSES)[number];
export const ALPACA_TIFS = ['day', 'gtc', 'opg', 'cls', 'ioc', 'fok'] as const;
export const ALPACA_TYPES = ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'] as const;

const OrderSchema = z.looseObject({
  id: z.string().min(1),
  client_order_id: z.string().min(1),
  symbol: z.string().min(1),
  asset_class: z.string().nullish(),
  side: z.enum(['buy', 'sell']),
  type: z.enum(ALPACA_TYPES),
  time_in_force: z.enum(ALPACA_TIFS),
  status: z.enum(ALPACA_ORDER_STATUSES),
  qty: positiveDecimal,
  filled_qty: decimal.refine((x) => x >= 0, 'must not be negative'),
  filled_avg_price: optDecimal,
  limit_price: optDecimal,
  stop_price: optDecimal,
  trail_price: optDecimal,
  trail_percent: optDecimal,
  hwm: optDecimal,
  created_at: timeOrDate,
  updated_at: timeOrDate.nullish(),
  replaced_by: z.string().nullish(),
  replaces: z.string().nullish(),
  /** '' or 'simple' for a plain order; 'bracket', 'oto', 'oco' for a parent and its legs alike. */
  order_class: z.string().nullish(),
  /** A parent's legs (in answers to submits and single-order reads, and in nested lists); read by `legsOf`. */
  legs: z.array(z.unknown()).nullish(),
});
export type AlpacaOrder = z.infer<typeof OrderSchema>;

/** A parent order's legs, each checked as an order (an error names `legs.<i>.<field>`). */
export function legsOf(o: AlpacaOrder): AlpacaOrder[] {
  return (o.legs ?? []).map((leg, i) => {
    try {
      return parseOrder(leg);
    } catch (e) {
      if (e instanceof AlpacaPayloadError) throw new AlpacaPayloadError('order', `legs.${i}.${e.field}`, `${e.message.replace(/^.*?: field "[^"]*": /, '')} (legs of ${o.client_order_id})`);
      throw e;
    }
  });
}

export const TRADE_UPDATE_EVENTS = [
  'new', 'fill', 'partial_fill', 'canceled', 'expired', 'done_for_day', 'replaced', 'rejected', 'pending_new', 'stopped',
  'pending_cancel', 'pending_replace', 'calculated', 'suspended', 'order_replace_rejected', 'order_cancel_rejected', 'held',
] as const;

const TradeUpdateSchema = z.looseObject({
  event: z.enum(TRADE_UPDATE_EVENTS),
  order: OrderSchema,
  timestamp: timeOrDate.nullish(),
  execution_id: z.string().nullish(),
  price: optDecimal,
  qty: optDecimal,
});
export type AlpacaTradeUpdate = z.infer<typeof TradeUpdateSchema>;

const FillActivitySchema = z.looseObject({
  id: z.string().min(1),
  activity_type: z.literal('FILL'),
  transaction_time: isoTime,
  type: z.enum(['fill', 'partial_fill']),
  price: positiveDecimal,
  qty: positiveDecimal,
  side: z.enum(['buy', 'sell', 'sell_short']),
  symbol: z.string().min(1),
  order_id: z.string().min(1),
  cum_qty: positiveDecimal,
  leaves_qty: decimal,
});
export type AlpacaFillActivity = z.infer<typeof FillActivitySchema>;

const PositionSchema = z.looseObject({
  symbol: z.string().min(1),
  asset_class: z.string().nullish(),
  qty: decimal,
  side: z.enum(['long', 'short']),
  avg_entry_price: decimal.refine((x) => x >= 0, 'must not be negative'),
});
export type AlpacaPosition = z.infer<typeof PositionSchema>;

const AccountSchema = z.looseObject({
  currency: z.string().min(1).max(12),
  cash: decimal,
  buying_power: decimal,
});
export type AlpacaAccount = z.infer<typeof AccountSchema>;

function parseWith<T>(schema: z.ZodType<T>, payload: string, data: unknown): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length === 0 ? '(payload)' : issue.path.map(String).join('.');
  const o = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const inner = typeof o.order === 'object' && o.order !== null ? (o.order as Record<string, unknown>) : o;
  const about = typeof inner.client_order_id === 'string' ? ` (order ${inner.client_order_id})` : typeof o.id === 'string' ? ` (${o.id})` : '';
  throw new AlpacaPayloadError(payload, field, `${issue.message}${about}`);
}

export const parseOrder = (data: unknown): AlpacaOrder => parseWith(OrderSchema, 'order', data);
export const parseTradeUpdate = (data: unknown): AlpacaTradeUpdate => parseWith(TradeUpdateSchema, 'trade update', data);
export const parseFillActivity = (data: unknown): AlpacaFillActivity => parseWith(FillActivitySchema, 'FILL activity', data);
export const parsePosition = (data: unknown): AlpacaPosition => parseWith(PositionSchema, 'position', data);
export const parseAccount = (data: unknown): AlpacaAccount => parseWith(AccountSchema, 'account', data);

export function parseList<T>(parse: (d: unknown) => T, payload: string, data: unknown): T[] {
  if (!Array.isArray(data)) throw new AlpacaPayloadError(payload, '(list)', `expected an array, got ${data === null ? 'null' : typeof data}`);
  return data.map(parse);
}

// --- Client order ids ------------------------------------------------------------------------------
// Alpaca keeps a client order id for ever and gives a replacing order (PATCH) a new one. Sextant's order
// keeps its id across a modify, so the replacement is sent as `<id>~r<n>`: deterministic (an ambiguous
// replace is looked up by it, and Alpaca refuses a second replace with the same id) and reversible.

const REPLACE = /^(.*)~r(\d+)$/;

export function replaceClientId(baseId: string, seq: number): string {
  return `${baseId}~r${seq}`;
}

/** The Sextant order id behind an Alpaca client order id, and which replacement it is (0: the original). */
export function splitClientId(clientOrderId: string): { readonly baseId: string; readonly seq: number } {
  const m = REPLACE.exec(clientOrderId);
  return m === null ? { baseId: clientOrderId, seq: 0 } : { baseId: m[1]!, seq: Number(m[2]) };
}

// --- Mapping to Sextant ------------------------------------------------------------------------------

const TYPES: Record<AlpacaOrder['type'], OrderType> = { market: 'market', limit: 'limit', stop: 'stop', stop_limit: 'stop-limit', trailing_stop: 'trailing-stop' };
// 'opg' and 'cls' are day orders for the opening and closing auctions: Sextant has no TIF for them.
const TIFS: Record<AlpacaOrder['time_in_force'], TimeInForce> = { day: 'DAY', gtc: 'GTC', opg: 'DAY', cls: 'DAY', ioc: 'IOC', fok: 'FOK' };

export const ALPACA_TYPE_OF: Record<OrderType, AlpacaOrder['type']> = { market: 'market', limit: 'limit', stop: 'stop', 'stop-limit': 'stop_limit', 'trailing-stop': 'trailing_stop' };
export const ALPACA_TIF_OF: Partial<Record<TimeInForce, AlpacaOrder['time_in_force']>> = { DAY: 'day', GTC: 'gtc', IOC: 'ioc', FOK: 'fok' };

/** Alpaca's order status in Sextant's words ('replaced' is resolved by following the chain before this). */
export function reportStatus(o: Pick<AlpacaOrder, 'status' | 'qty' | 'filled_qty'>, filledQty: number, qty: number): VenueOrderStatus {
  const working: VenueOrderStatus = filledQty > 0 ? 'partially-filled' : 'accepted';
  switch (o.status) {
    case 'pending_new':
      return 'submitted';
    case 'new':
    case 'accepted':
    case 'accepted_for_bidding':
    case 'held':
    case 'stopped':
    case 'suspended':
    case 'done_for_day':
    case 'partially_filled':
    case 'replaced':
      return working;
    case 'calculated':
    case 'filled':
      return filledQty >= qty - 1e-9 ? 'filled' : working;
    case 'pending_cancel':
      return 'pending-cancel';
    case 'pending_replace':
      return 'pending-update';
    case 'canceled':
      return 'canceled';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
  }
}

/** What the earlier orders of a replace chain filled: their quantity and notional. */
export interface Carried {
  readonly qty: number;
  readonly notional: number;
}
export const NOTHING_CARRIED: Carried = { qty: 0, notional: 0 };

/**
 * The report of one Sextant order from the Alpaca order that currently stands for it. A replacing order
 * is sent for what was left, so the fills of the orders it replaced (`carried`) are added back.
 */
export function orderReport(o: AlpacaOrder, carried: Carried = NOTHING_CARRIED, clientOrderId?: string): OrderStatusReport {
  const filledQty = carried.qty + o.filled_qty;
  const qty = carried.qty + o.qty;
  const notional = carried.notional + o.filled_qty * (o.filled_avg_price ?? 0);
  const type = TYPES[o.type];
  const created = o.created_at;
  return {
    // A bracket leg's Alpaca client order id is Alpaca's own: the caller names it (`<entry>-sl`, order-class.ts).
    clientOrderId: clientOrderId ?? splitClientId(o.client_order_id).baseId,
    venueOrderId: o.id,
    symbol: fromAlpacaSymbol(o.symbol, o.asset_class),
    side: o.side satisfies OrderSide,
    type,
    tif: TIFS[o.time_in_force],
    status: reportStatus(o, filledQty, qty),
    qty,
    filledQty,
    avgFillPrice: filledQty > 0 ? notional / filledQty : 0,
    limitPrice: o.limit_price,
    stopPrice: o.stop_price,
    reduceOnly: false,
    reason: '',
    createdMs: created,
    updatedMs: Math.max(created, o.updated_at ?? created),
  };
}

/** A stable id for one execution, the same whether heard on the stream or read from the activities. */
export function tradeIdOf(venueOrderId: string, cumQty: number): string {
  return `${venueOrderId}@${cumQty}`;
}
