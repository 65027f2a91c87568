// Absolute size limits, account-wide with per-symbol overrides: the position per symbol (quantity and
// value) and one order's quantity and notional (fat-finger limits). A symbol's override replaces the
// account-wide limit for that symbol; an override of null lifts the limit for it.
import { exposureIncreasingQty, type PreTradeCheck } from '../risk-engine.ts';
import { requirePositive } from './exposure.ts';
import { money, trim } from './format.ts';
import { NearMissPort, withNearMisses } from './near-miss.ts';

/** Per-symbol overrides of the account-wide size limits (RiskConfig.symbolLimits). */
export interface SymbolLimits {
  readonly maxPositionQty?: number | null;
  readonly maxPositionValue?: number | null;
  readonly maxOrderQty?: number | null;
  readonly maxOrderNotional?: number | null;
}

type LimitKey = keyof SymbolLimits;

/** One limit per symbol: the symbol's override when it has one, else the account-wide limit; Infinity = none. */
export class LimitTable {
  readonly #overrides = new Map<string, number>();
  readonly #default: number;

  constructor(key: LimitKey, accountWide: number | null | undefined, perSymbol: Readonly<Record<string, SymbolLimits>> = {}) {
    if (accountWide !== null && accountWide !== undefined) requirePositive(key, accountWide);
    this.#default = accountWide ?? Infinity;
    for (const [symbol, limits] of Object.entries(perSymbol)) {
      const v = limits[key];
      if (v === undefined) continue;
      if (v !== null) requirePositive(`symbolLimits.${symbol}.${key}`, v);
      this.#overrides.set(symbol, v ?? Infinity);
    }
  }

  /** Whether any symbol has a limit. */
  get any(): boolean {
    if (this.#default !== Infinity) return true;
    for (const v of this.#overrides.values()) if (v !== Infinity) return true;
    return false;
  }

  of(symbol: string): number {
    if (this.#overrides.size === 0) return this.#default;
    return this.#overrides.get(symbol) ?? this.#default;
  }
}

export interface PositionLimitOptions {
  readonly maxQty?: number | null;
  readonly maxValue?: number | null;
  readonly perSymbol?: Readonly<Record<string, SymbolLimits>>;
  readonly nearMissPct?: number | null;
}

/**
 * `max-position`: the absolute position left by the order may hold at most `maxQty` units and be worth at
 * most `maxValue` (at the order's reference price × multiplier). Orders that only reduce pass.
 */
export function positionLimitCheck(opts: PositionLimitOptions): PreTradeCheck {
  const qtyLimit = new LimitTable('maxPositionQty', opts.maxQty, opts.perSymbol);
  const valueLimit = new LimitTable('maxPositionValue', opts.maxValue, opts.perSymbol);
  const near = new NearMissPort(opts.nearMissPct);
  const name = 'max-position';
  return withNearMisses({
    name,
    check(order, refPrice, view) {
      const symbol = order.symbol;
      const pos = view.positionQty(symbol);
      if (exposureIncreasingQty(order, pos) === 0) return null;
      const after = Math.abs(pos + order.sign * order.qty);
      const maxQty = qtyLimit.of(symbol);
      if (after > maxQty) return `${symbol} position ${trim(after)} would exceed max quantity ${trim(maxQty)}`;
      const maxValue = valueLimit.of(symbol);
      const value = maxValue === Infinity ? 0 : after * refPrice * view.multiplier(symbol);
      if (value > maxValue) return `${symbol} position value ${money(value)} would exceed max ${money(maxValue)}`;
      if (near.sink !== null) notePosition(near, name, symbol, after, maxQty, value, maxValue);
      return null;
    },
  }, near);
}

/** The nearer of the two position limits is the near miss. */
function notePosition(near: NearMissPort, name: string, symbol: string, after: number, maxQty: number, value: number, maxValue: number): void {
  const qtyUse = maxQty === Infinity ? 0 : after / maxQty;
  const valueUse = maxValue === Infinity ? 0 : value / maxValue;
  if (qtyUse >= valueUse) {
    if (near.isNear(after, maxQty)) near.note(name, after, maxQty, `${symbol} position would be ${trim(after)}, max quantity ${trim(maxQty)}`);
  } else if (near.isNear(value, maxValue)) near.note(name, value, maxValue, `${symbol} position value would be ${money(value)}, max ${money(maxValue)}`);
}

export interface OrderLimitOptions {
  readonly max?: number | null;
  readonly perSymbol?: Readonly<Record<string, SymbolLimits>>;
  readonly nearMissPct?: number | null;
}

/** `max-order-qty`: one order's quantity may be at most the limit (every order, reductions included). */
export function orderQtyCheck(opts: OrderLimitOptions): PreTradeCheck {
  const limit = new LimitTable('maxOrderQty', opts.max, opts.perSymbol);
  const near = new NearMissPort(opts.nearMissPct);
  const name = 'max-order-qty';
  return withNearMisses({
    name,
    check(order) {
      const max = limit.of(order.symbol);
      if (order.qty > max) return `order quantity ${trim(order.qty)} ${order.symbol} exceeds max ${trim(max)}`;
      if (near.isNear(order.qty, max)) near.note(name, order.qty, max, `order quantity ${trim(order.qty)} ${order.symbol}, max ${trim(max)}`);
      return null;
    },
  }, near);
}

/**
 * `max-order-notional`: qty × reference price × multiplier of one order may be at most the limit (every
 * order, reductions included). The same check and text as RiskLimits.maxOrderNotional, with overrides.
 */
export function orderNotionalCheck(opts: OrderLimitOptions): PreTradeCheck {
  const limit = new LimitTable('maxOrderNotional', opts.max, opts.perSymbol);
  const near = new NearMissPort(opts.nearMissPct);
  const name = 'max-order-notional';
  return withNearMisses({
    name,
    check(order, refPrice, view) {
      const max = limit.of(order.symbol);
      if (max === Infinity) return null;
      const notional = order.qty * refPrice * view.multiplier(order.symbol);
      if (notional > max) return `order notional ${notional.toFixed(2)} exceeds max ${max.toFixed(2)}`;
      if (near.isNear(notional, max)) near.note(name, notional, max, `order notional ${money(notional)}, max ${money(max)}`);
      return null;
    },
  }, near);
}
