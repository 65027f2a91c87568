// Binance spot account payloads built from the shared FakeExchange's orders and fills: REST order
// replies (ACK / RESULT / FULL), GET order, myTrades, account, and the user-data stream's
// executionReport and outboundAccountPosition. Field names, order and string-encoded decimals follow
// Binance's spot API docs (github.com/binance/binance-spot-api-docs: rest-api.md "Trading endpoints",
// "Account endpoints"; user-data-stream.md) and the recorded replies in ccxt's static test fixtures
// (github.com/ccxt/ccxt ts/src/test/static/response/binance.json, MIT).
import type { FakeFill, FakeOrder, FakeType } from '../fake-exchange.ts';

export interface SpotSymbol {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
}

/** Binance writes decimals as strings with 8 places. */
export const dec = (x: number): string => x.toFixed(8);

const STATUS: Record<FakeOrder['status'], string> = {
  new: 'NEW', 'partially-filled': 'PARTIALLY_FILLED', filled: 'FILLED', canceled: 'CANCELED', expired: 'EXPIRED', rejected: 'REJECTED',
};
const TYPE: Record<FakeType, string> = { market: 'MARKET', limit: 'LIMIT', stop: 'STOP_LOSS', 'stop-limit': 'STOP_LOSS_LIMIT', 'trailing-stop': 'STOP_LOSS' };

export const binanceStatus = (o: FakeOrder): string => STATUS[o.status];
export const binanceType = (o: FakeOrder): string => (o.tif === 'MAKER' ? 'LIMIT_MAKER' : TYPE[o.type]);
const tifOf = (o: FakeOrder): string => (o.tif === 'MAKER' ? 'GTC' : o.tif);
const cumQuote = (o: FakeOrder): number => o.filledQty * o.avgFillPrice;
const num = (id: string): number => Number(id);

/** The fields every order reply shares. */
function orderCore(o: FakeOrder, workingTime: number): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: num(o.venueOrderId),
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: dec(o.limitPrice ?? 0),
    origQty: dec(o.qty),
    executedQty: dec(o.filledQty),
    origQuoteOrderQty: dec(0),
    cummulativeQuoteQty: dec(cumQuote(o)),
    status: binanceStatus(o),
    timeInForce: tifOf(o),
    type: binanceType(o),
    side: o.side.toUpperCase(),
    ...(o.stopPrice !== null && { stopPrice: dec(o.stopPrice) }),
    workingTime,
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** POST /api/v3/order's reply for newOrderRespType ACK, RESULT or FULL (FULL lists the fills the order made on arrival). */
export function newOrderReply(o: FakeOrder, respType: string, fills: readonly FakeFill[], commissionAsset: string): Record<string, unknown> {
  const ack = { symbol: o.symbol, orderId: num(o.venueOrderId), orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.createdMs };
  if (respType === 'ACK') return ack;
  const { symbol: _s, orderId: _o, orderListId: _l, clientOrderId: _c, ...rest } = orderCore(o, o.createdMs);
  const result = { ...ack, ...rest };
  if (respType === 'RESULT') return result;
  return {
    ...result,
    fills: fills.map((f) => ({ price: dec(f.price), qty: dec(f.qty), commission: dec(f.commission), commissionAsset, tradeId: num(f.tradeId) })),
  };
}

/** GET /api/v3/order, /openOrders and /allOrders entries. */
export function orderInfo(o: FakeOrder): Record<string, unknown> {
  const core = orderCore(o, o.createdMs);
  return {
    ...core,
    stopPrice: dec(o.stopPrice ?? 0),
    icebergQty: dec(0),
    time: o.createdMs,
    updateTime: o.updatedMs,
    isWorking: o.type === 'market' || o.type === 'limit' || o.triggered,
  };
}

/** DELETE /api/v3/order's reply: `clientOrderId` is the cancel's own id, the order's is `origClientOrderId`. */
export function cancelReply(o: FakeOrder, cancelId: string, transactTime: number): Record<string, unknown> {
  const core = orderCore(o, o.createdMs);
  return { symbol: o.symbol, origClientOrderId: o.clientOrderId, orderId: num(o.venueOrderId), orderListId: -1, clientOrderId: cancelId, transactTime, ...omit(core, ['symbol', 'orderId', 'orderListId', 'clientOrderId', 'workingTime']) };
}

/** GET /api/v3/myTrades entries. */
export function myTrade(f: FakeFill, commissionAsset: string): Record<string, unknown> {
  return {
    symbol: f.symbol,
    id: num(f.tradeId),
    orderId: num(f.venueOrderId),
    orderListId: -1,
    price: dec(f.price),
    qty: dec(f.qty),
    quoteQty: dec(f.price * f.qty),
    commission: dec(f.commission),
    commissionAsset,
    time: f.tsMs,
    isBuyer: f.side === 'buy',
    isMaker: f.liquidity === 'maker',
    isBestMatch: true,
  };
}

export type ExecType = 'NEW' | 'CANCELED' | 'REPLACED' | 'REJECTED' | 'TRADE' | 'EXPIRED';

/** One executionReport (user-data stream), as the order stands after `exec`; a TRADE carries its fill. */
export function executionReport(o: FakeOrder, exec: ExecType, eventMs: number, fill?: FakeFill, commissionAsset?: string, cancelId?: string): Record<string, unknown> {
  const canceled = exec === 'CANCELED';
  return {
    e: 'executionReport',
    E: eventMs,
    s: o.symbol,
    c: canceled ? (cancelId ?? `cancel-${o.venueOrderId}`) : o.clientOrderId,
    S: o.side.toUpperCase(),
    o: binanceType(o),
    f: tifOf(o),
    q: dec(o.qty),
    p: dec(o.limitPrice ?? 0),
    P: dec(o.stopPrice ?? 0),
    F: dec(0),
    g: -1,
    C: canceled ? o.clientOrderId : '',
    x: exec,
    X: binanceStatus(o),
    r: 'NONE',
    i: num(o.venueOrderId),
    l: dec(fill?.qty ?? 0),
    z: dec(o.filledQty),
    L: dec(fill?.price ?? 0),
    n: dec(fill?.commission ?? 0),
    N: fill === undefined ? null : (commissionAsset ?? null),
    T: fill?.tsMs ?? o.updatedMs,
    t: fill === undefined ? -1 : num(fill.tradeId),
    v: 0,
    I: 0,
    w: o.status === 'new' || o.status === 'partially-filled',
    m: fill?.liquidity === 'maker',
    M: false,
    O: o.createdMs,
    Z: dec(cumQuote(o)),
    Y: dec(fill === undefined ? 0 : fill.qty * fill.price),
    Q: dec(0),
    W: o.createdMs,
    V: 'EXPIRE_MAKER',
  };
}

export interface AssetBalance {
  readonly asset: string;
  readonly free: number;
  readonly locked: number;
}

export function accountInfo(balances: readonly AssetBalance[], updateTime: number, rate: number): Record<string, unknown> {
  const bips = Math.round(rate * 10_000);
  return {
    makerCommission: bips,
    takerCommission: bips,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: dec(rate), taker: dec(rate), buyer: dec(0), seller: dec(0) },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime,
    accountType: 'SPOT',
    balances: balances.map((b) => ({ asset: b.asset, free: dec(b.free), locked: dec(b.locked) })),
    permissions: ['SPOT'],
    uid: 354937868,
  };
}

export function accountPosition(balances: readonly AssetBalance[], eventMs: number): Record<string, unknown> {
  return { e: 'outboundAccountPosition', E: eventMs, u: eventMs, B: balances.map((b) => ({ a: b.asset, f: dec(b.free), l: dec(b.locked) })) };
}

function omit(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}
