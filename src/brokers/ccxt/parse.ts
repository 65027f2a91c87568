// The boundary between ccxt's unified structures and Sextant's reports. ccxt reads venue JSON leniently
// (a missing field becomes undefined, an unknown status passes through as its raw text), so every order
// and trade is checked here with zod before it touches an order: a bad one is a VenuePayloadError naming
// the field, never a crash and never a half-applied update.
import { z } from 'zod';
import { RetryableVenueError } from '../../core/errors.ts';
import type { OrderStatusReport, FillReport, VenueOrderStatus } from '../../execution/reports.ts';
import type { OrderType, TimeInForce } from '../../model/order.ts';

/** A venue payload that is not what ccxt's unified structure promises. Retryable: a garbled reply may be transient. */
export class VenuePayloadError extends RetryableVenueError {
  constructor(
    readonly venue: string,
    readonly what: string,
    readonly field: string,
    detail: string,
  ) {
    super(`invalid ${what} from ${venue}: field "${field}": ${detail}`);
  }
}

const num = z.number().finite();
const optNum = num.nullish();
const str = z.string().min(1);
/**
 * ccxt's raw venue payload, read field by field where it is used (infoString): any object but a list, taken
 * as it is. (A record schema copied every key of it: 17.5 us to parse an order and a trade, 1.6 us now.)
 */
const info = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'Invalid input: expected an object' })
  .nullish();

const ORDER_STATUS = ['open', 'closed', 'canceled', 'cancelled', 'canceling', 'expired', 'rejected'] as const;

export const CcxtOrderSchema = z.object({
  id: str,
  clientOrderId: z.string().nullish(),
  symbol: str,
  type: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  status: z.enum(ORDER_STATUS),
  amount: num.positive(),
  filled: num.nonnegative(),
  average: optNum,
  cost: optNum,
  price: optNum,
  triggerPrice: optNum,
  stopPrice: optNum,
  timeInForce: z.string().nullish(),
  timestamp: num.nonnegative(),
  lastUpdateTimestamp: optNum,
  lastTradeTimestamp: optNum,
  reduceOnly: z.boolean().nullish(),
  info,
});
export type CcxtOrder = z.infer<typeof CcxtOrderSchema>;

export const CcxtTradeSchema = z.object({
  id: str,
  order: str,
  symbol: str,
  side: z.enum(['buy', 'sell']),
  price: num.positive(),
  amount: num.positive(),
  timestamp: num.nonnegative(),
  takerOrMaker: z.enum(['taker', 'maker']).nullish(),
  fee: z.object({ cost: optNum, currency: z.string().nullish() }).nullish(),
  info,
});
export type CcxtTrade = z.infer<typeof CcxtTradeSchema>;

export const CcxtBalanceSchema = z.object({
  free: z.record(z.string(), optNum),
  used: z.record(z.string(), optNum),
  total: z.record(z.string(), optNum),
});

function fieldOf(e: z.ZodError): [string, string] {
  const issue = e.issues[0]!;
  return [issue.path.length === 0 ? '(payload)' : issue.path.map(String).join('.'), issue.message];
}

/** Parses with `schema` or throws VenuePayloadError naming the first bad field. */
export function parseVenue<T>(schema: z.ZodType<T>, venue: string, what: string, data: unknown): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const [field, detail] = fieldOf(r.error);
  const o = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const about = typeof o.id === 'string' ? ` (id ${o.id})` : '';
  throw new VenuePayloadError(venue, what, field, `${detail}${about}`);
}

/** The order type a ccxt type names (Binance spot: MARKET, LIMIT, LIMIT_MAKER, STOP_LOSS, STOP_LOSS_LIMIT, TAKE_PROFIT*). */
export function orderTypeOf(type: string): OrderType | null {
  switch (type.toLowerCase()) {
    case 'market':
      return 'market';
    case 'limit':
    case 'limit_maker':
      return 'limit';
    case 'stop_loss':
    case 'stop_market':
    case 'take_profit':
    case 'take_profit_market':
      return 'stop';
    case 'stop_loss_limit':
    case 'take_profit_limit':
    case 'stop':
      return 'stop-limit';
    default:
      return null;
  }
}

function tifOf(tif: string | null | undefined): TimeInForce {
  switch (tif) {
    case 'IOC':
      return 'IOC';
    case 'FOK':
      return 'FOK';
    case null:
    case undefined:
    default:
      // GTC, PO (post-only) and market orders (Binance reports GTC or nothing).
      return 'GTC';
  }
}

function statusOf(o: CcxtOrder): VenueOrderStatus {
  switch (o.status) {
    case 'open':
      return o.filled > 0 ? 'partially-filled' : 'accepted';
    case 'closed':
      return 'filled';
    case 'canceled':
    case 'cancelled':
      return 'canceled';
    case 'canceling':
      return 'pending-cancel';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
  }
}

const infoString = (o: { info?: Record<string, unknown> | null | undefined }, key: string): string | undefined => {
  const v = o.info?.[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
};

/**
 * The client order id an order payload is about. Binance names the canceled order's id
 * `origClientOrderId` in a cancel reply and `C` in the executionReport of a cancel (`c`/`clientOrderId`
 * is then the cancel request's own id).
 */
export function clientIdOf(o: CcxtOrder): string | undefined {
  return infoString(o, 'origClientOrderId') ?? (infoString(o, 'X') === 'CANCELED' ? infoString(o, 'C') : undefined) ?? (o.clientOrderId ?? undefined);
}

/** An OrderStatusReport from a ccxt order (validated by the caller with parseReport). */
export function orderReportOf(o: CcxtOrder, clientOrderId: string, carried?: { readonly qty: number; readonly notional: number }): OrderStatusReport {
  const type = orderTypeOf(o.type);
  const trigger = o.triggerPrice ?? o.stopPrice ?? null;
  // A cancel-replaced order carries the fills of the venue orders it replaced (same client order id).
  const before = carried?.qty ?? 0;
  const filled = o.filled + before;
  const ownAvg = o.average ?? (o.filled > 0 && o.cost != null ? o.cost / o.filled : 0);
  const avg = filled > 0 ? (o.filled * ownAvg + (carried?.notional ?? 0)) / filled : 0;
  let status = statusOf(o);
  if (status === 'accepted' && filled > 0) status = 'partially-filled';
  const updated = Math.max(o.timestamp, o.lastUpdateTimestamp ?? o.lastTradeTimestamp ?? o.timestamp);
  return {
    clientOrderId,
    venueOrderId: o.id,
    symbol: o.symbol,
    side: o.side,
    type: (type ?? o.type) as OrderType,
    tif: tifOf(o.timeInForce),
    status,
    qty: o.amount + before,
    filledQty: filled,
    avgFillPrice: avg,
    limitPrice: type === 'limit' || type === 'stop-limit' ? (o.price ?? null) : null,
    stopPrice: type === 'stop' || type === 'stop-limit' ? (trigger !== null && trigger > 0 ? trigger : null) : null,
    reduceOnly: o.reduceOnly === true,
    reason: status === 'rejected' ? (infoString(o, 'r') ?? 'rejected by the venue') : '',
    createdMs: Math.trunc(o.timestamp),
    updatedMs: Math.trunc(updated),
  };
}

/** The price of one unit of `asset` in `quote` now, if one is known (fee-prices.ts). */
export type FeePriceOf = (asset: string, quote: string) => number | undefined;

/**
 * The commission of a trade in the quote currency. Binance charges a buy's fee in the base asset (valued at
 * the trade's price) and, with "pay fees with BNB", any trade's fee in BNB: a fee in such a third asset is
 * valued at `priceOf(asset, quote)`; null when no price of it is known yet.
 */
export function commissionInQuote(t: CcxtTrade, base: string, quote: string, priceOf?: FeePriceOf): number | null {
  return feeInQuote(t.fee?.cost ?? 0, t.fee?.currency ?? quote, t.price, base, quote, priceOf);
}

/** A fee of `cost` units of `currency` on a trade at `price`, in the quote currency (null: no price of the asset yet). */
export function feeInQuote(cost: number, currency: string, price: number, base: string, quote: string, priceOf?: FeePriceOf): number | null {
  if (cost === 0 || currency === quote) return cost;
  if (currency === base) return cost * price;
  const px = priceOf?.(currency, quote);
  return px === undefined ? null : cost * px;
}

/** A trade's fee as charged when not in the quote currency (FillReport commissionAsset/commissionQty). */
export function chargedFee(cost: number, asset: string | undefined, quote: string | undefined): { commissionAsset: string; commissionQty: number } | null {
  return asset === undefined || asset === '' || asset === quote || cost === 0 ? null : { commissionAsset: asset, commissionQty: cost };
}

export function fillReportOf(t: CcxtTrade, clientOrderId: string, commission: number, quote?: string): FillReport {
  return {
    tradeId: t.id,
    clientOrderId,
    venueOrderId: t.order,
    symbol: t.symbol,
    side: t.side,
    qty: t.amount,
    price: t.price,
    commission,
    ...chargedFee(t.fee?.cost ?? 0, t.fee?.currency ?? undefined, quote),
    liquidity: t.takerOrMaker === 'maker' ? 'maker' : 'taker',
    tsEventMs: Math.trunc(t.timestamp),
  };
}

/** The client order id a stream trade carries (Binance executionReport `c`), if any. */
export function tradeClientId(t: CcxtTrade): string | undefined {
  return infoString(t, 'c');
}

/** Cumulative filled quantity an executionReport states (`z`), for a terminal status that may overtake its fills. */
export function cumFilledOf(o: CcxtOrder): number {
  return o.filled;
}
