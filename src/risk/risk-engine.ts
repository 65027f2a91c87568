// Pre-trade risk: every check sees the order and the account, and a failure is a denial with a reason
// (an OrderDenied event upstream), never an exception.
import type { AccountType } from '../model/account.ts';
import type { Order, OrderSide } from '../model/order.ts';

/** What the checks may ask about the account and market. */
export interface RiskView {
  readonly accountType: AccountType;
  cash(): number;
  equity(): number;
  buyingPower(): number;
  positionQty(symbol: string): number;
  /** Last traded price of the symbol (NaN when unknown). */
  lastPrice(symbol: string): number;
  multiplier(symbol: string): number;
  /** Initial margin per unit of a symbol margined futures-style (0 or absent: the whole notional is paid). */
  marginPerUnit?(symbol: string): number;
  /** Notional already committed by open orders that add exposure. */
  pendingExposure(): number;

  // Optional extensions used by the checks in ./checks (a check that needs a missing one denies and
  // names it, it never guesses). See docs/risk.md, "What the kernel provides".
  /** Current time, epoch ms (simulated in backtests). Order-rate limit, circuit-breaker cool-downs. */
  nowMs?(): number;
  /** Sector of the symbol (Instrument.sector). Sector exposure limit. */
  sectorOf?(symbol: string): string;
  /** Orders working at the venue now (submitted and not yet terminal). Max open orders. */
  openOrderCount?(): number;
  /** Σ |qty × last price × multiplier| over open positions. Gross leverage (else summed over symbols()). */
  grossExposure?(): number;
  /** Σ |qty × last price × multiplier| over open positions in the sector (else summed over symbols()). */
  sectorExposure?(sector: string): number;
  /** Every symbol that may hold a position: the fallback for grossExposure and sectorExposure. */
  symbols?(): readonly string[];
  /** Issuer of the symbol (Instrument.issuer), undefined when unknown. Restricted list by issuer. */
  issuerOf?(symbol: string): string | undefined;
  /** The account's working orders in the symbol (sent and not finished), oldest first. Self-cross, locates. */
  workingOrders?(symbol: string): readonly Order[];
}

/** A fill the account booked, as the checks that keep trade history see it (RiskEngine.onFill). */
export interface RiskFill {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly qty: number;
  readonly price: number;
  readonly tsMs: number;
  /** The account's signed position in the symbol after this fill. */
  readonly positionAfter: number;
}

/** An order that passed a check close to its limit (a near miss for the compliance report). */
export interface NearMiss {
  /** The check's name: the same code its denials carry. */
  readonly check: string;
  /** Share of the limit the order uses (0.93 = 93%). */
  readonly usage: number;
  /** What was measured, phrased as the check's denial would be. */
  readonly text: string;
}

/** Where a check notes a near miss; the RiskEngine keeps it only if the order passes every check. */
export interface NearMissSink {
  note(check: string, usage: number, text: string): void;
}

export interface PreTradeCheck {
  readonly name: string;
  /** Reason to deny, or null to pass. */
  check(order: Order, refPrice: number, view: RiskView): string | null;
  /** Market data for checks that keep price state (the short-sale uptick rule); via RiskEngine.onMarketData. */
  onMarketData?(symbol: string, tsMs: number, price: number): void;
  /** Every fill the account books, for checks that keep trade history (day trades, locates); via RiskEngine.onFill. */
  onFill?(fill: RiskFill): void;
}

/**
 * How checks that report near misses take the engine's sink (null: nobody listens, report nothing), kept
 * beside the checks rather than as a member: the engine's call over its checks stays fast while their
 * objects keep few shapes (a member on some made that call site megamorphic: +25% on the risk bench).
 */
const nearMissHooks = new WeakMap<PreTradeCheck, (sink: NearMissSink | null) => void>();

/** Registers `check` as one that notes near misses: `attach` receives the engine's sink, or null. */
export function reportsNearMisses(check: PreTradeCheck, attach: (sink: NearMissSink | null) => void): void {
  nearMissHooks.set(check, attach);
}

export interface RiskLimits {
  /** Deny orders whose notional exceeds this (account currency). */
  readonly maxOrderNotional?: number;
  /** Deny orders that would leave a position worth more than this (absolute). */
  readonly maxPositionValue?: number;
  /** Deny orders that would leave a position larger than this (absolute quantity). */
  readonly maxPositionQty?: number;
}

/** Quantity of `order` that adds to exposure (the rest only reduces the current position). */
export function exposureIncreasingQty(order: Order, positionQty: number): number {
  const after = positionQty + order.sign * order.qty;
  return Math.max(0, Math.abs(after) - Math.abs(positionQty));
}

export const buyingPowerCheck: PreTradeCheck = {
  name: 'buying-power',
  check(order, refPrice, view) {
    const pos = view.positionQty(order.symbol);
    // A futures-style contract is sold short on margin in any account; it commits its margin per unit.
    const margin = view.marginPerUnit?.(order.symbol) ?? 0;
    if (view.accountType === 'cash' && margin === 0 && order.side === 'sell' && order.qty > Math.max(0, pos) + 1e-9) {
      return `short selling is not allowed in a cash account (position ${pos}, sell ${order.qty})`;
    }
    const adding = exposureIncreasingQty(order, pos);
    if (adding === 0) return null;
    const needed = adding * (margin > 0 ? margin : refPrice * view.multiplier(order.symbol));
    const available = view.buyingPower() - view.pendingExposure();
    return needed > available + 1e-9 ? `insufficient buying power: needs ${needed.toFixed(2)}, available ${available.toFixed(2)}` : null;
  },
};

export function maxOrderNotionalCheck(limit: number): PreTradeCheck {
  return {
    name: 'max-order-notional',
    check(order, refPrice, view) {
      const notional = order.qty * refPrice * view.multiplier(order.symbol);
      return notional > limit ? `order notional ${notional.toFixed(2)} exceeds max ${limit.toFixed(2)}` : null;
    },
  };
}

export function maxPositionCheck(limits: { value?: number; qty?: number }): PreTradeCheck {
  return {
    name: 'max-position',
    check(order, refPrice, view) {
      const pos = view.positionQty(order.symbol);
      if (exposureIncreasingQty(order, pos) === 0) return null;
      const after = Math.abs(pos + order.sign * order.qty);
      if (limits.qty !== undefined && after > limits.qty) return `position ${after} would exceed max quantity ${limits.qty}`;
      const value = after * refPrice * view.multiplier(order.symbol);
      if (limits.value !== undefined && value > limits.value) return `position value ${value.toFixed(2)} would exceed max ${limits.value.toFixed(2)}`;
      return null;
    },
  };
}

export const reduceOnlyCheck: PreTradeCheck = {
  name: 'reduce-only',
  check(order, _refPrice, view) {
    if (!order.request.reduceOnly) return null;
    return exposureIncreasingQty(order, view.positionQty(order.symbol)) > 0 ? 'reduce-only order would increase the position' : null;
  },
};

export class RiskEngine {
  readonly checks: PreTradeCheck[];
  /** Near misses noted by the checks of the order being checked (kept only if it passes them all). */
  readonly #noted: NearMiss[] = [];
  #onNearMisses: ((order: Order, misses: readonly NearMiss[]) => void) | null = null;
  readonly #sink: NearMissSink = { note: (check, usage, text) => void this.#noted.push({ check, usage, text }) };

  constructor(limits: RiskLimits = {}, extra: readonly PreTradeCheck[] = []) {
    this.checks = [reduceOnlyCheck, buyingPowerCheck];
    if (limits.maxOrderNotional !== undefined) this.checks.push(maxOrderNotionalCheck(limits.maxOrderNotional));
    if (limits.maxPositionValue !== undefined || limits.maxPositionQty !== undefined) {
      this.checks.push(maxPositionCheck({ value: limits.maxPositionValue, qty: limits.maxPositionQty }));
    }
    this.checks.push(...extra);
  }

  /** Passes a price update to every check that keeps market state (call once per bar close or trade). */
  onMarketData(symbol: string, tsMs: number, price: number): void {
    const checks = this.checks;
    for (let i = 0; i < checks.length; i++) checks[i]!.onMarketData?.(symbol, tsMs, price);
  }

  /** Passes a booked fill to every check that keeps trade history (call once per fill, restored ones too). */
  onFill(fill: RiskFill): void {
    const checks = this.checks;
    for (let i = 0; i < checks.length; i++) checks[i]!.onFill?.(fill);
  }

  /** Whether some check keeps trade history (the kernel skips onFill otherwise). */
  get wantsFills(): boolean {
    return this.checks.some((c) => c.onFill !== undefined);
  }

  /** Whether some check can report near misses. */
  get reportsNearMisses(): boolean {
    return this.checks.some((c) => nearMissHooks.has(c));
  }

  /**
   * Hears the near misses of every order that passes (after its last check, before it goes out); null
   * stops it. Without a listener the checks are not asked to note any (the default path pays nothing).
   */
  onNearMisses(listener: ((order: Order, misses: readonly NearMiss[]) => void) | null): void {
    this.#onNearMisses = listener;
    for (const c of this.checks) nearMissHooks.get(c)?.(listener === null ? null : this.#sink);
  }

  /** The first failing check's reason, or null when the order may go to the venue. */
  check(order: Order, refPrice: number, view: RiskView): string | null {
    if (!(refPrice > 0)) return `no reference price for ${order.symbol}`;
    for (const c of this.checks) {
      const reason = c.check(order, refPrice, view);
      // A denied order is a violation, not a near miss: what the checks before noted is dropped.
      if (reason !== null) return this.#noted.length === 0 ? `${c.name}: ${reason}` : this.#denied(c, reason);
    }
    if (this.#noted.length !== 0) this.#passed(order);
    return null;
  }

  #denied(c: PreTradeCheck, reason: string): string {
    this.#noted.length = 0;
    return `${c.name}: ${reason}`;
  }

  #passed(order: Order): void {
    const misses = this.#noted.splice(0);
    this.#onNearMisses?.(order, misses);
  }

}
