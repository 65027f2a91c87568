// Short sales need a locate (Reg SHO 203(b)(1) style): a short sale of a symbol that is not on the
// easy-to-borrow list must be covered by a locate, a quantity the broker found to borrow. Locates are used
// up by the shorts their fills open, so after a restart the restored fills use them up again.
import type { Order } from '../../model/order.ts';
import { ConfigError } from '../../core/errors.ts';
import type { PreTradeCheck, RiskFill, RiskView } from '../risk-engine.ts';
import { trim } from './format.ts';

export interface LocateOptions {
  /** Symbols the broker lends freely: no locate needed. */
  readonly easyToBorrow?: Iterable<string>;
  /** Located quantity per symbol at the start of the run. */
  readonly locates?: Readonly<Record<string, number>>;
}

/**
 * `short-locate`: a short sale (a sell leaving the position below zero) of a symbol off the easy-to-borrow
 * list passes only when the short it and the account's working sells would open fits in the symbol's
 * remaining locate. Needs RiskView.workingOrders. Fills opening a short use the locate up.
 */
export class LocateCheck implements PreTradeCheck {
  readonly name = 'short-locate';
  readonly #etb: Set<string>;
  readonly #remaining = new Map<string, number>();

  constructor(opts: LocateOptions = {}) {
    this.#etb = new Set(opts.easyToBorrow ?? []);
    for (const [symbol, qty] of Object.entries(opts.locates ?? {})) this.addLocate(symbol, qty);
  }

  /** Records a locate of `qty` more units of `symbol` (an operator, a broker's locate reply). */
  addLocate(symbol: string, qty: number): void {
    if (!(qty > 0 && Number.isFinite(qty))) throw new ConfigError(`a locate must be a positive quantity, got ${qty}`, { field: `shortSale.locates.${symbol}` });
    this.#remaining.set(symbol, (this.#remaining.get(symbol) ?? 0) + qty);
  }

  /** Located units of `symbol` not used yet. */
  remaining(symbol: string): number {
    return this.#remaining.get(symbol) ?? 0;
  }

  isEasyToBorrow(symbol: string): boolean {
    return this.#etb.has(symbol);
  }

  check(order: Order, _refPrice: number, view: RiskView): string | null {
    if (order.side !== 'sell') return null;
    const symbol = order.symbol;
    const pos = view.positionQty(symbol);
    if (pos - order.qty >= -1e-9 || this.#etb.has(symbol)) return null;
    if (view.workingOrders === undefined) return 'the risk view does not provide workingOrders(symbol)';
    let sells = 0;
    for (const o of view.workingOrders(symbol)) if (o.side === 'sell') sells += o.leavesQty;
    // The short this order and the working sells would open together, beyond any short already held.
    const needed = Math.max(0, -(pos - sells - order.qty)) - Math.max(0, -pos);
    const have = this.remaining(symbol);
    if (needed <= have + 1e-9) return null;
    const working = sells > 0 ? ` with working sells of ${trim(sells)}` : '';
    return `${symbol} is not on the easy-to-borrow list: a short sale of ${trim(order.qty)}${working} opens ${trim(needed)} short, located ${trim(have)}`;
  }

  onFill(f: RiskFill): void {
    if (f.side !== 'sell' || this.#etb.has(f.symbol)) return;
    const before = f.positionAfter + f.qty;
    const opened = Math.max(0, -f.positionAfter) - Math.max(0, -before);
    if (opened <= 0) return;
    const left = this.#remaining.get(f.symbol);
    if (left !== undefined) this.#remaining.set(f.symbol, Math.max(0, left - opened));
  }
}

/** The locate check in a check list (riskChecksFromConfig adds one with shortSale.requireLocate). */
export function locateCheckOf(checks: readonly PreTradeCheck[]): LocateCheck | undefined {
  for (const c of checks) if (c instanceof LocateCheck) return c;
  return undefined;
}
