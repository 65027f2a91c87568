// Pattern day trader rule (after FINRA Rule 4210(f)(8)(B)): a margin account with less than $25,000 of
// equity may make at most 3 day trades in any 5 business days. A day trade is an order that closes or
// reduces a position in a symbol while that position holds units opened the same trading day (buy then
// sell, or sell short then buy, on one day); each such order counts once however many fills it has.
// Simplifications (docs/compliance.md): current equity rather than the previous close; business days are
// Monday to Friday (no holiday calendar); trading days are UTC days shifted by dayOffsetMs; the 6% share
// of all trades that FINRA also requires is not tested; working orders count only once they fill.
import type { Order } from '../../model/order.ts';
import type { PreTradeCheck, RiskFill, RiskView } from '../risk-engine.ts';
import { requirePositive, requirePositiveInt } from './exposure.ts';
import { money, trim } from './format.ts';
import { NearMissPort, withNearMisses } from './near-miss.ts';

export const DEFAULT_PDT_MIN_EQUITY = 25_000;
export const DEFAULT_PDT_MAX_DAY_TRADES = 3;
export const DEFAULT_PDT_WINDOW_DAYS = 5;

const DAY_MS = 86_400_000;

export interface PatternDayTraderOptions {
  /** Accounts with equity at or above this are not limited (default 25 000). */
  readonly minEquity?: number;
  /** Day trades allowed within the window (default 3: the 4th is denied). */
  readonly maxDayTrades?: number;
  /** Business days in the window, today included (default 5). */
  readonly windowDays?: number;
  /** Shift of the trading day's boundary from 00:00 UTC, ms (default 0; US regular hours lie within one UTC day). */
  readonly dayOffsetMs?: number;
  readonly nearMissPct?: number | null;
}

/** Business days since Monday 1970-01-05 of a day number (days since the epoch); a weekend day is its Friday's. */
export function businessDayIndex(day: number): number {
  const m = day - 4;
  const w = Math.floor(m / 7);
  return 5 * w + Math.min(m - 7 * w, 4);
}

interface SymbolDay {
  /** Trading day (days since the epoch) this state is of. */
  day: number;
  /** Units of the current position opened that day (LIFO: closings use them first). */
  opened: number;
  /** Orders already counted as a day trade that day. */
  readonly counted: Set<string>;
}

interface DayTrade {
  readonly business: number;
  readonly day: number;
  readonly orderId: string;
  readonly symbol: string;
}

export class PatternDayTraderCheck implements PreTradeCheck {
  readonly name = 'pattern-day-trader';
  readonly minEquity: number;
  readonly maxDayTrades: number;
  readonly windowDays: number;
  readonly #offsetMs: number;
  readonly #symbols = new Map<string, SymbolDay>();
  /** Day trades in time order; older than the window are dropped as time moves on. */
  readonly #trades: DayTrade[] = [];
  readonly #near: NearMissPort;

  constructor(opts: PatternDayTraderOptions = {}) {
    this.minEquity = opts.minEquity ?? DEFAULT_PDT_MIN_EQUITY;
    this.maxDayTrades = opts.maxDayTrades ?? DEFAULT_PDT_MAX_DAY_TRADES;
    this.windowDays = opts.windowDays ?? DEFAULT_PDT_WINDOW_DAYS;
    this.#offsetMs = opts.dayOffsetMs ?? 0;
    requirePositive('patternDayTrader.minEquity', this.minEquity);
    requirePositiveInt('patternDayTrader.maxDayTrades', this.maxDayTrades);
    requirePositiveInt('patternDayTrader.windowDays', this.windowDays);
    this.#near = new NearMissPort(opts.nearMissPct);
    withNearMisses(this, this.#near);
  }

  dayOf(tsMs: number): number {
    return Math.floor((tsMs + this.#offsetMs) / DAY_MS);
  }

  /** Day trades (order ids and symbols) in the window that ends on the trading day of `tsMs`. */
  dayTrades(tsMs: number): { readonly day: string; readonly orderId: string; readonly symbol: string }[] {
    const first = businessDayIndex(this.dayOf(tsMs)) - this.windowDays + 1;
    return this.#trades.filter((t) => t.business >= first).map((t) => ({ day: isoDay(t.day), orderId: t.orderId, symbol: t.symbol }));
  }

  check(order: Order, _refPrice: number, view: RiskView): string | null {
    if (view.accountType !== 'margin') return null;
    const pos = view.positionQty(order.symbol);
    // Only an order that closes or reduces a position can be a day trade.
    if (pos === 0 || Math.sign(pos) === order.sign) return null;
    if (view.nowMs === undefined) return 'the risk view does not provide nowMs()';
    const day = this.dayOf(view.nowMs());
    const s = this.#symbols.get(order.symbol);
    if (s === undefined || s.day !== day || !(s.opened > 1e-9)) return null;
    const equity = view.equity();
    if (equity >= this.minEquity) return null;
    const count = this.#countFrom(businessDayIndex(day) - this.windowDays + 1);
    if (count + 1 > this.maxDayTrades) {
      const days = this.#trades.slice(-count).map((t) => isoDay(t.day)).join(', ');
      return `${order.side} ${trim(order.qty)} ${order.symbol} would be day trade ${count + 1} within ${this.windowDays} business days (max ${this.maxDayTrades}; earlier: ${days}) in a margin account with equity ${money(equity)} under ${money(this.minEquity)}`;
    }
    if (this.#near.isNear(count + 1, this.maxDayTrades)) {
      this.#near.note(this.name, count + 1, this.maxDayTrades, `${order.side} ${trim(order.qty)} ${order.symbol} is day trade ${count + 1} within ${this.windowDays} business days (max ${this.maxDayTrades}) with equity ${money(equity)} under ${money(this.minEquity)}`);
    }
    return null;
  }

  onFill(f: RiskFill): void {
    const day = this.dayOf(f.tsMs);
    let s = this.#symbols.get(f.symbol);
    if (s === undefined) {
      s = { day, opened: 0, counted: new Set() };
      this.#symbols.set(f.symbol, s);
    } else if (s.day !== day) {
      s.day = day;
      s.opened = 0;
      s.counted.clear();
    }
    const signed = f.side === 'buy' ? f.qty : -f.qty;
    const before = f.positionAfter - signed;
    const closing = before !== 0 && Math.sign(before) !== Math.sign(signed) ? Math.min(f.qty, Math.abs(before)) : 0;
    if (closing > 0) {
      if (s.opened > 1e-9 && !s.counted.has(f.orderId)) {
        s.counted.add(f.orderId);
        this.#record({ business: businessDayIndex(day), day, orderId: f.orderId, symbol: f.symbol });
      }
      s.opened = Math.max(0, s.opened - closing);
    }
    const opening = f.qty - closing;
    // A flip opens a new position, all of it today; otherwise the opened units add up.
    if (opening > 1e-9) s.opened = closing > 0 ? opening : s.opened + opening;
  }

  #record(t: DayTrade): void {
    const trades = this.#trades;
    trades.push(t);
    const first = t.business - this.windowDays + 1;
    let drop = 0;
    while (drop < trades.length && trades[drop]!.business < first) drop++;
    if (drop > 0) trades.splice(0, drop);
  }

  #countFrom(firstBusinessDay: number): number {
    let n = 0;
    for (let i = this.#trades.length - 1; i >= 0 && this.#trades[i]!.business >= firstBusinessDay; i--) n++;
    return n;
  }
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
