// A venue-agnostic matching engine behind the protocol fakes (Binance, Alpaca, IB): each fake server
// translates its venue's paths, payloads, error codes and stream messages onto this one, so every
// adapter is tested against the same market behaviour the ExecutionClient contract describes:
// - quotes set by the test move the market; working orders execute against them: buys at the ask,
//   sells at the bid, never more than the size shown; a limit at its price or better; a stop (buy at
//   or above / sell at or below its trigger) becomes a market order, a stop-limit a limit order; a
//   trailing stop's trigger follows the best price by its offset;
// - market orders execute at once against the current quote (the rest waits for the next one);
// - cash, average-cost positions and a fill log with trade ids; commission as a fraction of notional;
// - client order ids unique among open orders (Binance) or for ever (Alpaca), and a log of every order
//   request with whether it was accepted, so a test proves no client id was accepted twice.
// It is deliberately independent of Sextant's own simulated venue: a fake that shared its code would
// agree with it by construction.
import { EventEmitter } from 'node:events';

export type FakeSide = 'buy' | 'sell';
export type FakeType = 'market' | 'limit' | 'stop' | 'stop-limit' | 'trailing-stop';
export type FakeStatus = 'new' | 'partially-filled' | 'filled' | 'canceled' | 'expired' | 'rejected';

export interface FakeOrderRequest {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: FakeSide;
  readonly type: FakeType;
  /** Venue spelling is the protocol fake's business; 'IOC' and 'FOK' change matching here. */
  readonly tif: string;
  readonly qty: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly trailing?: { readonly kind: 'amount' | 'percent'; readonly value: number };
}

export interface FakeOrder {
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly symbol: string;
  readonly side: FakeSide;
  readonly type: FakeType;
  readonly tif: string;
  qty: number;
  limitPrice: number | null;
  /** Current trigger (a trailing stop's moves). */
  stopPrice: number | null;
  readonly trailing: FakeOrderRequest['trailing'] | null;
  status: FakeStatus;
  filledQty: number;
  avgFillPrice: number;
  triggered: boolean;
  reason: string;
  readonly createdMs: number;
  updatedMs: number;
  /** Best price seen since a trailing stop was placed. */
  extreme: number | null;
}

export interface FakeFill {
  readonly tradeId: string;
  readonly venueOrderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: FakeSide;
  readonly qty: number;
  readonly price: number;
  readonly commission: number;
  readonly liquidity: 'maker' | 'taker';
  readonly tsMs: number;
}

export interface FakeQuote {
  readonly bid: number;
  readonly ask: number;
  readonly bidSize?: number;
  readonly askSize?: number;
}

export type FakeRefusal = 'duplicate' | 'insufficient-funds' | 'insufficient-position' | 'invalid' | 'unknown-symbol' | 'unknown-order' | 'finished';

export type FakeResult = { readonly ok: true; readonly order: FakeOrder } | { readonly ok: false; readonly code: FakeRefusal; readonly message: string };

export interface FakeRequestLogEntry {
  readonly tsMs: number;
  readonly clientOrderId: string;
  readonly accepted: boolean;
  readonly code?: FakeRefusal;
}

export interface FakeExchangeOptions {
  readonly symbols: readonly string[];
  readonly cash: number;
  readonly currency: string;
  /** 'open-orders': an id may be reused once its order is finished (Binance); 'forever' (Alpaca, IB). */
  readonly clientIds: 'open-orders' | 'forever';
  readonly shorting?: boolean;
  readonly fractional?: boolean;
  /** Fraction of notional charged per fill, in the account currency. */
  readonly commissionRate?: number;
  /** Buys must be covered by cash (spot); false lets cash go negative (margin). */
  readonly cashOnly?: boolean;
  readonly now?: () => number;
}

export interface FakePosition {
  readonly symbol: string;
  readonly qty: number;
  readonly avgPrice: number;
}

type Events = { order: [FakeOrder]; fill: [FakeFill, FakeOrder] };
type Ref = { readonly clientOrderId?: string; readonly venueOrderId?: string };

const EPS = 1e-9;

export class FakeExchange extends EventEmitter<Events> {
  readonly requests: FakeRequestLogEntry[] = [];
  readonly #orders = new Map<string, FakeOrder>();
  /** Client id -> venue id of the latest order with that id. */
  readonly #byClientId = new Map<string, string>();
  readonly #fills: FakeFill[] = [];
  readonly #quotes = new Map<string, FakeQuote>();
  readonly #positions = new Map<string, { qty: number; avgPrice: number }>();
  #cash: number;
  #seq = 0;
  #trades = 0;
  #time: number;

  constructor(readonly opts: FakeExchangeOptions) {
    super();
    this.#cash = opts.cash;
    this.#time = Date.UTC(2024, 0, 2, 14, 30);
  }

  now(): number {
    return this.opts.now?.() ?? this.#time;
  }

  /** Moves the fake's own clock (when no `now` was given). */
  advance(ms: number): void {
    this.#time += ms;
  }

  get cash(): number {
    return this.#cash;
  }

  quoteOf(symbol: string): FakeQuote | undefined {
    return this.#quotes.get(symbol);
  }

  place(req: FakeOrderRequest): FakeResult {
    const refuse = (code: FakeRefusal, message: string): FakeResult => {
      this.requests.push({ tsMs: this.now(), clientOrderId: req.clientOrderId, accepted: false, code });
      return { ok: false, code, message };
    };
    const known = this.order({ clientOrderId: req.clientOrderId });
    if (known !== undefined && (this.opts.clientIds === 'forever' || isWorking(known))) return refuse('duplicate', `client order id ${req.clientOrderId} is already in use`);
    if (!this.opts.symbols.includes(req.symbol)) return refuse('unknown-symbol', `unknown symbol ${req.symbol}`);
    const problem = invalid(req, this.opts.fractional ?? false);
    if (problem !== null) return refuse('invalid', problem);
    if (req.side === 'sell' && !(this.opts.shorting ?? false)) {
      const held = this.#positions.get(req.symbol)?.qty ?? 0;
      const committed = this.openOrders(req.symbol).filter((o) => o.side === 'sell').reduce((a, o) => a + o.qty - o.filledQty, 0);
      if (req.qty > held - committed + EPS) return refuse('insufficient-position', `sell of ${req.qty} ${req.symbol} exceeds the ${held - committed} available`);
    }
    if (req.side === 'buy' && (this.opts.cashOnly ?? true)) {
      const q = this.#quotes.get(req.symbol);
      const px = req.limitPrice ?? req.stopPrice ?? q?.ask ?? 0;
      if (req.qty * px > this.#freeCash() + EPS) return refuse('insufficient-funds', `buy of ${req.qty} ${req.symbol} at ${px} needs ${req.qty * px}, ${this.#freeCash()} free`);
    }
    const t = this.now();
    const order: FakeOrder = {
      clientOrderId: req.clientOrderId,
      venueOrderId: String(1_000_000 + ++this.#seq),
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      tif: req.tif,
      qty: req.qty,
      limitPrice: req.limitPrice ?? null,
      stopPrice: req.stopPrice ?? null,
      trailing: req.trailing ?? null,
      status: 'new',
      filledQty: 0,
      avgFillPrice: 0,
      triggered: false,
      reason: '',
      createdMs: t,
      updatedMs: t,
      extreme: null,
    };
    this.requests.push({ tsMs: t, clientOrderId: req.clientOrderId, accepted: true });
    this.#orders.set(order.venueOrderId, order);
    this.#byClientId.set(order.clientOrderId, order.venueOrderId);
    this.emit('order', order);
    const q = this.#quotes.get(order.symbol);
    if (q !== undefined) {
      if (order.type === 'trailing-stop') this.#trail(order, q);
      this.#match(order, q, true);
    }
    if (isWorking(order) && (order.tif === 'IOC' || order.tif === 'FOK')) this.#end(order, 'expired', 'not filled at once');
    return { ok: true, order };
  }

  cancel(ref: Ref): FakeResult {
    const o = this.order(ref);
    if (o === undefined) return { ok: false, code: 'unknown-order', message: `unknown order ${ref.clientOrderId ?? ref.venueOrderId}` };
    if (!isWorking(o)) return { ok: false, code: 'finished', message: `order ${o.clientOrderId} is already ${o.status}` };
    this.#end(o, 'canceled', 'canceled by the client');
    return { ok: true, order: o };
  }

  cancelAll(symbol?: string): FakeOrder[] {
    const open = this.openOrders(symbol);
    for (const o of open) this.#end(o, 'canceled', 'canceled by the client');
    return open;
  }

  /** Changes a working order in place (venue id kept); a new quantity must stay above what has filled. */
  modify(ref: Ref, m: { readonly qty?: number; readonly limitPrice?: number; readonly stopPrice?: number }): FakeResult {
    const o = this.order(ref);
    if (o === undefined) return { ok: false, code: 'unknown-order', message: `unknown order ${ref.clientOrderId ?? ref.venueOrderId}` };
    if (!isWorking(o)) return { ok: false, code: 'finished', message: `order ${o.clientOrderId} is already ${o.status}` };
    if (m.qty !== undefined && !(m.qty > o.filledQty + EPS)) return { ok: false, code: 'invalid', message: `qty ${m.qty} is not above the ${o.filledQty} filled` };
    if (m.limitPrice !== undefined && !(m.limitPrice > 0)) return { ok: false, code: 'invalid', message: `limit price ${m.limitPrice} must be positive` };
    if (m.stopPrice !== undefined && !(m.stopPrice > 0)) return { ok: false, code: 'invalid', message: `stop price ${m.stopPrice} must be positive` };
    if (m.qty !== undefined) o.qty = m.qty;
    if (m.limitPrice !== undefined) o.limitPrice = m.limitPrice;
    if (m.stopPrice !== undefined) o.stopPrice = m.stopPrice;
    o.updatedMs = this.now();
    this.emit('order', o);
    const q = this.#quotes.get(o.symbol);
    if (q !== undefined) this.#match(o, q, true);
    return { ok: true, order: o };
  }

  /** The latest order with this client id, or the order with this venue id. */
  order(ref: Ref): FakeOrder | undefined {
    const venueId = ref.venueOrderId ?? (ref.clientOrderId === undefined ? undefined : this.#byClientId.get(ref.clientOrderId));
    return venueId === undefined ? undefined : this.#orders.get(venueId);
  }

  openOrders(symbol?: string): FakeOrder[] {
    return [...this.#orders.values()].filter((o) => isWorking(o) && (symbol === undefined || o.symbol === symbol));
  }

  allOrders(symbol?: string): FakeOrder[] {
    return [...this.#orders.values()].filter((o) => symbol === undefined || o.symbol === symbol);
  }

  fills(sinceMs = 0, symbol?: string): FakeFill[] {
    return this.#fills.filter((f) => f.tsMs >= sinceMs && (symbol === undefined || f.symbol === symbol));
  }

  positions(): FakePosition[] {
    return [...this.#positions].filter(([, p]) => Math.abs(p.qty) > EPS).map(([symbol, p]) => ({ symbol, qty: p.qty, avgPrice: p.avgPrice }));
  }

  /** Cash in the account currency: total, and what open buy orders have not reserved. */
  balance(): { readonly currency: string; readonly total: number; readonly free: number; readonly locked: number } {
    const free = this.#freeCash();
    return { currency: this.opts.currency, total: this.#cash, free, locked: this.#cash - free };
  }

  /** Client ids accepted more than once while an earlier order with the id was still working, or at all ('forever'). */
  duplicateAcceptances(): string[] {
    const seen = new Map<string, number>();
    for (const r of this.requests) if (r.accepted) seen.set(r.clientOrderId, (seen.get(r.clientOrderId) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  }

  /** Sets a symbol's best bid and ask and executes what can. */
  quote(symbol: string, q: FakeQuote): void {
    if (!this.opts.symbols.includes(symbol)) throw new Error(`FakeExchange: unknown symbol ${symbol}`);
    if (this.opts.now === undefined) this.#time += 1000;
    const book = { bid: q.bid, ask: q.ask, bidSize: q.bidSize ?? 1e6, askSize: q.askSize ?? 1e6 };
    this.#quotes.set(symbol, book);
    for (const o of this.openOrders(symbol)) {
      if (o.type === 'trailing-stop') this.#trail(o, book);
      this.#match(o, book, false);
    }
  }

  #freeCash(): number {
    let reserved = 0;
    for (const o of this.#orders.values()) {
      if (!isWorking(o) || o.side !== 'buy') continue;
      const px = o.limitPrice ?? o.stopPrice ?? this.#quotes.get(o.symbol)?.ask ?? 0;
      reserved += (o.qty - o.filledQty) * px;
    }
    return this.#cash - reserved;
  }

  #trail(o: FakeOrder, q: Required<FakeQuote> | FakeQuote): void {
    const t = o.trailing!;
    // A sell trails the bid from below, a buy the ask from above.
    const px = o.side === 'sell' ? q.bid : q.ask;
    o.extreme = o.extreme === null ? px : o.side === 'sell' ? Math.max(o.extreme, px) : Math.min(o.extreme, px);
    const offset = t.kind === 'amount' ? t.value : (o.extreme * t.value) / 100;
    const stop = o.side === 'sell' ? o.extreme - offset : o.extreme + offset;
    if (o.stopPrice !== stop) {
      o.stopPrice = stop;
      o.updatedMs = this.now();
    }
  }

  /** Executes `o` against the quote as far as its terms and the shown size allow. */
  #match(o: FakeOrder, q: FakeQuote, onArrival: boolean): void {
    const ask = q.ask;
    const bid = q.bid;
    const buy = o.side === 'buy';
    const px = buy ? ask : bid;
    if ((o.type === 'stop' || o.type === 'stop-limit' || o.type === 'trailing-stop') && !o.triggered) {
      const stop = o.stopPrice!;
      const reached = buy ? ask >= stop - EPS : bid <= stop + EPS;
      // A trailing stop placed this instant has its trigger set from this very quote: it waits for a move.
      if (!reached || (o.type === 'trailing-stop' && onArrival)) return;
      o.triggered = true;
      o.updatedMs = this.now();
      this.emit('order', o);
    }
    const limited = o.type === 'limit' || o.type === 'stop-limit';
    if (limited && (buy ? px > o.limitPrice! + EPS : px < o.limitPrice! - EPS)) return;
    const shown = (buy ? q.askSize : q.bidSize) ?? 1e6;
    if (o.tif === 'FOK' && shown + EPS < o.qty - o.filledQty) return;
    const qty = Math.min(o.qty - o.filledQty, shown);
    if (!(qty > EPS)) return;
    // A limit resting before this quote earns the maker side; anything crossing on arrival is taker.
    this.#fill(o, qty, px, limited && !onArrival ? 'maker' : 'taker');
  }

  #fill(o: FakeOrder, qty: number, price: number, liquidity: 'maker' | 'taker'): void {
    const t = this.now();
    const commission = qty * price * (this.opts.commissionRate ?? 0);
    const total = o.filledQty + qty;
    o.avgFillPrice = (o.avgFillPrice * o.filledQty + price * qty) / total;
    o.filledQty = total;
    o.status = o.qty - total <= EPS ? 'filled' : 'partially-filled';
    o.updatedMs = t;
    const signed = o.side === 'buy' ? qty : -qty;
    this.#cash -= signed * price + commission;
    const p = this.#positions.get(o.symbol) ?? { qty: 0, avgPrice: 0 };
    const next = p.qty + signed;
    if (p.qty === 0 || Math.sign(p.qty) === Math.sign(signed)) p.avgPrice = (p.avgPrice * Math.abs(p.qty) + price * qty) / Math.abs(next);
    else if (Math.sign(next) !== Math.sign(p.qty) && Math.abs(next) > EPS) p.avgPrice = price;
    p.qty = Math.abs(next) <= EPS ? 0 : next;
    if (p.qty === 0) p.avgPrice = 0;
    this.#positions.set(o.symbol, p);
    const fill: FakeFill = { tradeId: String(5_000_000 + ++this.#trades), venueOrderId: o.venueOrderId, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, qty, price, commission, liquidity, tsMs: t };
    this.#fills.push(fill);
    this.emit('fill', fill, o);
    this.emit('order', o);
  }

  #end(o: FakeOrder, status: 'canceled' | 'expired', reason: string): void {
    o.status = status;
    o.reason = reason;
    o.updatedMs = this.now();
    this.emit('order', o);
  }
}

export function isWorking(o: FakeOrder): boolean {
  return o.status === 'new' || o.status === 'partially-filled';
}

function invalid(r: FakeOrderRequest, fractional: boolean): string | null {
  if (!(r.qty > 0) || !Number.isFinite(r.qty)) return `quantity ${r.qty} must be a positive number`;
  if (!fractional && !Number.isInteger(r.qty)) return `quantity ${r.qty} must be whole`;
  if ((r.type === 'limit' || r.type === 'stop-limit') && !(r.limitPrice !== undefined && r.limitPrice > 0 && Number.isFinite(r.limitPrice))) return `a ${r.type} order needs a positive limit price`;
  if ((r.type === 'stop' || r.type === 'stop-limit') && !(r.stopPrice !== undefined && r.stopPrice > 0 && Number.isFinite(r.stopPrice))) return `a ${r.type} order needs a positive stop price`;
  if (r.type === 'trailing-stop' && !(r.trailing !== undefined && r.trailing.value > 0)) return 'a trailing stop needs a positive offset';
  return null;
}
