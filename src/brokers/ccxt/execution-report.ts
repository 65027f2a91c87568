// Binance spot executionReport frames read here instead of by ccxt. ccxt.pro stays the client library of the
// user-data stream (connection, signing, subscription, reconnects); only its handler of the `executionReport`
// event is replaced on this exchange object. ccxt's own handling turned each frame into a unified order and a
// unified trade through its generic helpers (safeOrder's string arithmetic, fee accumulation on the cached
// order, two ArrayCacheBySymbolById appends, watch futures resolved and re-awaited): 0.26 ms of the node's
// thread per order in the orders/s bench. Here a frame's fields are checked by hand, naming the field, and turned
// into the same unified shapes (the fields the client reads: parse.ts's CcxtOrderSchema and CcxtTradeSchema,
// which still validate them), handed to the client at once: the trade of a TRADE frame first, then the order's
// state, as ccxt resolved them. Every other event (balances, list status, other exchanges) goes to ccxt as
// before. Duplicates and reports out of order are the order tracker's to handle, as before.
//
// The same values as ccxt's parseWsOrder/parseWsTrade for what the client reads (test: ccxt-execution-report),
// except: an order's `timestamp` is the frame's `O` (order creation, always sent by Binance spot), or its `T`
// when `O` is missing (ccxt then took the cached order's or left it undefined, and the order was dropped);
// `average` is Z / z in float arithmetic (ccxt: a decimal string division), equal to within 1e-12 relative.
import type { Exchange } from 'ccxt';
import { VenuePayloadError } from './parse.ts';

export interface ExecutionReportHandlers {
  onOrders(orders: readonly unknown[]): void;
  onTrades(trades: readonly unknown[]): void;
  /** A frame that failed its checks (nothing of it was handed on). */
  onBad(e: Error): void;
}

type Frame = Record<string, unknown>;
type Host = {
  handleOrderUpdate(client: unknown, message: unknown): void;
  safeSymbol(marketId: string, market?: unknown, delimiter?: string, marketType?: string): string;
  safeCurrencyCode(id: string): string;
  id: string;
};

const STATUS: Readonly<Record<string, string>> = {
  NEW: 'open', PARTIALLY_FILLED: 'open', FILLED: 'closed', CANCELED: 'canceled', PENDING_CANCEL: 'canceling',
  REJECTED: 'rejected', EXPIRED: 'expired', EXPIRED_IN_MATCH: 'expired',
};
// ccxt's spot order types as parseOrderTypeByMarket names them (a stop's type is its execution's).
const SPOT_TYPE: Readonly<Record<string, string>> = { limit_maker: 'limit', stop_loss_limit: 'limit', stop_loss: 'market', take_profit_limit: 'limit', take_profit: 'market' };

const patched = new WeakSet<object>();

/** Reads this exchange's Binance spot executionReports here and hands them to `h` (idempotent per exchange). */
export function useOwnExecutionReports(ex: Exchange, h: ExecutionReportHandlers): void {
  const host = ex as unknown as Host;
  if (!host.id.startsWith('binance') || patched.has(ex) || typeof host.handleOrderUpdate !== 'function') return;
  patched.add(ex);
  const original = host.handleOrderUpdate;
  const symbols = new Map<string, string>();
  const currencies = new Map<string, string>();
  const names = {
    symbol(id: string): string {
      let s = symbols.get(id);
      if (s === undefined) symbols.set(id, (s = host.safeSymbol(id, undefined, undefined, 'spot')));
      return s;
    },
    currency(id: string): string {
      let c = currencies.get(id);
      if (c === undefined) currencies.set(id, (c = host.safeCurrencyCode(id)));
      return c;
    },
  };
  host.handleOrderUpdate = function (this: unknown, client: unknown, message: unknown): void {
    const m = message as Frame | null;
    if (m === null || typeof m !== 'object' || m.e !== 'executionReport' || 'ps' in m) return original.call(this, client, message);
    let read: { order: Frame; trade: Frame | null };
    try {
      read = readExecutionReport(m, names);
    } catch (e) {
      return h.onBad(e instanceof Error ? e : new Error(String(e)));
    }
    if (read.trade !== null) h.onTrades([read.trade]);
    h.onOrders([read.order]);
  };
}

// The unified field each frame key becomes (errors name it, as parse.ts's do, with the frame's key).
const FIELD: Readonly<Record<string, string>> = {
  s: 'symbol', i: 'id', S: 'side', x: 'execution type', X: 'status', o: 'type', T: 'timestamp', O: 'timestamp', q: 'amount', z: 'filled',
  Z: 'cost', p: 'price', P: 'triggerPrice', c: 'clientOrderId', C: 'clientOrderId', f: 'timeInForce', R: 'reduceOnly',
  n: 'fee.cost', N: 'fee.currency', m: 'takerOrMaker', l: 'amount', L: 'price', t: 'id', Y: 'cost',
};
const TRADE_KEYS = new Set(['n', 'N', 'm', 'l', 'L', 't', 'Y']);

function bad(key: string, detail: string, m: Frame): never {
  const id = typeof m.i === 'number' || typeof m.i === 'string' ? ` (order ${String(m.i)})` : '';
  throw new VenuePayloadError('binance', TRADE_KEYS.has(key) ? 'trade' : 'order', FIELD[key] ?? key, `executionReport "${key}": ${detail}${id}`);
}

function text(m: Frame, k: string): string {
  const v = m[k];
  if (typeof v !== 'string' || v.length === 0) bad(k, `expected a non-empty string, got ${JSON.stringify(v)}`, m);
  return v;
}

/** A decimal Binance sends as a string ("0.10264410"); finite and not negative. */
function decimal(m: Frame, k: string): number {
  const v = m[k];
  const x = typeof v === 'string' && v.length > 0 ? Number(v) : Number.NaN;
  if (!(x >= 0) || !Number.isFinite(x)) bad(k, `expected a non-negative decimal string, got ${JSON.stringify(v)}`, m);
  return x;
}

function optDecimal(m: Frame, k: string): number | undefined {
  return m[k] === undefined || m[k] === null ? undefined : decimal(m, k);
}

function time(m: Frame, k: string): number {
  const v = m[k];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) bad(k, `expected a time in ms, got ${JSON.stringify(v)}`, m);
  return v;
}

function idOf(m: Frame, k: string): string {
  const v = m[k];
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'string' && v.length > 0) return v;
  return bad(k, `expected an id, got ${JSON.stringify(v)}`, m);
}

/** The unified order (and, for a TRADE frame, trade) of one spot executionReport, checked field by field. */
export function readExecutionReport(m: Frame, names: { symbol(id: string): string; currency(id: string): string }): { order: Frame; trade: Frame | null } {
  const symbol = names.symbol(text(m, 's'));
  const id = idOf(m, 'i');
  const sideRaw = text(m, 'S');
  if (sideRaw !== 'BUY' && sideRaw !== 'SELL') bad('S', `expected BUY or SELL, got ${JSON.stringify(sideRaw)}`, m);
  const side = sideRaw === 'BUY' ? 'buy' : 'sell';
  const x = text(m, 'x');
  const X = text(m, 'X');
  const status = STATUS[X] ?? bad('X', `unknown order status ${JSON.stringify(X)}`, m);
  const lowType = text(m, 'o').toLowerCase();
  const T = time(m, 'T');
  const created = m.O === undefined || m.O === null ? T : time(m, 'O');
  const amount = decimal(m, 'q');
  const filled = decimal(m, 'z');
  const cost = optDecimal(m, 'Z');
  const price = optDecimal(m, 'p');
  const trigger = optDecimal(m, 'P');
  const C = m.C;
  const c = m.c;
  if (c !== undefined && c !== null && typeof c !== 'string') bad('c', `expected a string, got ${JSON.stringify(c)}`, m);
  if (C !== undefined && C !== null && typeof C !== 'string') bad('C', `expected a string, got ${JSON.stringify(C)}`, m);
  const clientOrderId = typeof C === 'string' && C.length > 0 ? C : (c ?? undefined);
  const f = m.f;
  if (f !== undefined && f !== null && typeof f !== 'string') bad('f', `expected a string, got ${JSON.stringify(f)}`, m);
  if (m.R !== undefined && typeof m.R !== 'boolean') bad('R', `expected true or false, got ${JSON.stringify(m.R)}`, m);
  const average = cost !== undefined && filled > 0 ? cost / filled : undefined;
  const type = SPOT_TYPE[lowType] ?? lowType;
  const ownPrice = price === 0 ? undefined : price;
  const order: Frame = {
    info: m,
    symbol,
    id,
    clientOrderId,
    timestamp: created,
    lastTradeTimestamp: x === 'TRADE' ? T : undefined,
    lastUpdateTimestamp: T,
    type,
    timeInForce: f === 'GTX' ? 'PO' : (f ?? undefined),
    reduceOnly: m.R,
    side,
    price: ownPrice === undefined && type === 'market' ? average : ownPrice,
    stopPrice: trigger,
    triggerPrice: trigger,
    amount: amount === 0 ? undefined : amount,
    cost,
    average,
    filled,
    status,
  };
  if (x !== 'TRADE') return { order, trade: null };
  const n = optDecimal(m, 'n');
  const N = m.N;
  if (N !== undefined && N !== null && typeof N !== 'string') bad('N', `expected an asset name, got ${JSON.stringify(N)}`, m);
  if (typeof m.m !== 'boolean') bad('m', `expected true or false, got ${JSON.stringify(m.m)}`, m);
  const last = decimal(m, 'l');
  const lastPrice = decimal(m, 'L');
  const trade: Frame = {
    info: m,
    timestamp: T,
    symbol,
    id: idOf(m, 't'),
    order: id,
    type: lowType,
    takerOrMaker: m.m ? 'maker' : 'taker',
    side,
    price: lastPrice,
    amount: last,
    cost: optDecimal(m, 'Y') ?? lastPrice * last,
    fee: n === undefined ? undefined : { cost: n, currency: typeof N === 'string' && N.length > 0 ? names.currency(N) : undefined },
  };
  return { order, trade };
}
