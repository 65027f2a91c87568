// Who may be traded and how: restricted symbols, short-sale restrictions, account-wide reduce-only.
import type { Order } from '../../model/order.ts';
import { exposureIncreasingQty, type PreTradeCheck, type RiskView } from '../risk-engine.ts';
import { money, trim } from './format.ts';
import { restrictedListCheck } from './restricted-list.ts';

export interface RestrictedSymbolsOptions {
  /** Let orders that only reduce a position in a restricted symbol through (default false). */
  readonly allowReducing?: boolean;
}

/**
 * Denies every order in a restricted symbol (or, with allowReducing, every order adding exposure): the
 * restricted list (restricted-list.ts) with undated symbol entries.
 */
export function restrictedSymbolsCheck(symbols: Iterable<string>, opts: RestrictedSymbolsOptions = {}): PreTradeCheck {
  return restrictedListCheck([...symbols].map((symbol) => ({ symbol })), opts);
}

export interface ShortSaleOptions {
  /** Symbols that may not be sold short at all. */
  readonly noShortSymbols?: Iterable<string>;
  /**
   * Tick test (after the old US uptick rule, SEC 10a-1): after a down move (the last price below the
   * previous different price: a minus or zero-minus tick) a short sale must be a limit order priced
   * above the last price. Needs prices through onMarketData.
   */
  readonly uptickRule?: boolean;
}

/** Per symbol: the last price and the sign of the last non-zero move (0 before any move). */
interface Tape {
  last: number;
  direction: number;
}

/**
 * Short-sale restrictions. A short sale is a sell that leaves the position below zero (opening or
 * adding to a short, or flipping a long); a sell of no more than the long position is not one.
 */
export class ShortSaleCheck implements PreTradeCheck {
  readonly name = 'short-sale';
  readonly #noShort: ReadonlySet<string>;
  readonly #uptick: boolean;
  readonly #tape = new Map<string, Tape>();

  constructor(opts: ShortSaleOptions = {}) {
    this.#noShort = new Set(opts.noShortSymbols ?? []);
    this.#uptick = opts.uptickRule ?? false;
  }

  onMarketData(symbol: string, _tsMs: number, price: number): void {
    if (!this.#uptick || !(price > 0)) return;
    const t = this.#tape.get(symbol);
    if (t === undefined) {
      this.#tape.set(symbol, { last: price, direction: 0 });
      return;
    }
    if (price > t.last) t.direction = 1;
    else if (price < t.last) t.direction = -1;
    t.last = price;
  }

  /** -1 after a down move, +1 after an up move, 0 before any move (a zero tick keeps the last sign). */
  direction(symbol: string): number {
    return this.#tape.get(symbol)?.direction ?? 0;
  }

  check(order: Order, _refPrice: number, view: RiskView): string | null {
    if (order.side !== 'sell') return null;
    const pos = view.positionQty(order.symbol);
    if (pos - order.qty >= -1e-9) return null;
    if (this.#noShort.has(order.symbol)) return `${order.symbol} may not be sold short (position ${trim(pos)}, sell ${trim(order.qty)})`;
    if (!this.#uptick) return null;
    const t = this.#tape.get(order.symbol);
    if (t === undefined || t.direction >= 0) return null;
    const limit = order.type === 'limit' ? order.request.limitPrice : undefined;
    if (limit !== undefined && limit > t.last) return null;
    return limit === undefined
      ? `uptick rule: after a down move to ${money(t.last)} a ${order.type} short sale of ${order.symbol} is not allowed; use a limit above ${money(t.last)}`
      : `uptick rule: after a down move to ${money(t.last)} a short sale of ${order.symbol} must be priced above it, limit ${money(limit)}`;
  }
}

/**
 * Account-wide reduce-only switch: while on, every order that would add exposure is denied.
 * Flip it with `enable()` / `disable()` (operators, kill switches) or start it on from config.
 */
export class ReduceOnlyMode implements PreTradeCheck {
  readonly name = 'reduce-only-mode';
  #on: boolean;
  #why: string;

  constructor(on = false, why = 'account is in reduce-only mode') {
    this.#on = on;
    this.#why = why;
  }

  get enabled(): boolean {
    return this.#on;
  }

  enable(why = 'account is in reduce-only mode'): void {
    this.#on = true;
    this.#why = why;
  }

  disable(): void {
    this.#on = false;
  }

  check(order: Order, _refPrice: number, view: RiskView): string | null {
    if (!this.#on) return null;
    const pos = view.positionQty(order.symbol);
    if (exposureIncreasingQty(order, pos) === 0) return null;
    return `${this.#why}: ${order.side} ${trim(order.qty)} ${order.symbol} would increase the position (${trim(pos)} -> ${trim(pos + order.sign * order.qty)})`;
  }
}
