// Cash, positions and equity of one account. Positions are stable objects per symbol so the kernel
// can mark them without lookups; `open` lists only non-flat ones so equity costs O(open positions).
import { Position } from '../model/position.ts';
import type { AccountState, AccountType } from '../model/account.ts';

export interface PortfolioOptions {
  readonly type: AccountType;
  readonly startingCash: number;
  readonly currency?: string;
  /** Max gross exposure / equity for margin accounts (ignored for cash accounts). */
  readonly leverage?: number;
}

export class Portfolio {
  readonly type: AccountType;
  readonly currency: string;
  readonly leverage: number;
  cash: number;
  /** Commission paid over the life of the account. */
  commissionPaid = 0;
  /** Borrow fees and margin interest paid. */
  financingPaid = 0;
  realizedPnl = 0;
  readonly #positions = new Map<string, Position>();
  readonly #open: Position[] = [];

  constructor(opts: PortfolioOptions) {
    this.type = opts.type;
    this.currency = opts.currency ?? 'USD';
    this.leverage = opts.type === 'cash' ? 1 : (opts.leverage ?? 2);
    this.cash = opts.startingCash;
  }

  /** The position object for `symbol` (created flat on first use; the same object thereafter). */
  position(symbol: string, multiplier = 1): Position {
    let p = this.#positions.get(symbol);
    if (p === undefined) {
      p = new Position(symbol, multiplier);
      this.#positions.set(symbol, p);
    }
    return p;
  }

  positions(): IterableIterator<Position> {
    return this.#positions.values();
  }

  openPositions(): readonly Position[] {
    return this.#open;
  }

  /** Books a fill: moves cash, updates the position, returns the realized PnL (gross of commission). */
  applyFill(symbol: string, signedQty: number, price: number, commission: number, tsMs: number, multiplier = 1): number {
    const p = this.position(symbol, multiplier);
    const wasFlat = p.qty === 0;
    const realized = p.applyFill(signedQty, price, commission, tsMs);
    this.cash -= signedQty * price * multiplier + commission;
    this.commissionPaid += commission;
    this.realizedPnl += realized;
    if (wasFlat && p.qty !== 0) this.#open.push(p);
    else if (!wasFlat && p.qty === 0) this.#open.splice(this.#open.indexOf(p), 1);
    return realized;
  }

  /** Marks a position to a new price (no-op for symbols never traded). */
  mark(symbol: string, price: number): void {
    const p = this.#positions.get(symbol);
    if (p !== undefined) p.lastPrice = price;
  }

  /** Signed marked value of all positions. */
  positionsValue(): number {
    let v = 0;
    const open = this.#open;
    for (let i = 0; i < open.length; i++) {
      const p = open[i]!;
      v += p.qty * p.lastPrice * p.multiplier;
    }
    return v;
  }

  grossExposure(): number {
    let v = 0;
    const open = this.#open;
    for (let i = 0; i < open.length; i++) {
      const p = open[i]!;
      v += Math.abs(p.qty * p.lastPrice * p.multiplier);
    }
    return v;
  }

  equity(): number {
    return this.cash + this.positionsValue();
  }

  /** What new orders may still commit: cash for a cash account; leverage x equity - exposure for margin. */
  buyingPower(): number {
    if (this.type === 'cash') return Math.max(0, this.cash);
    return Math.max(0, this.equity() * this.leverage - this.grossExposure());
  }

  /**
   * Charges `days` of financing: shorts pay `borrowRate` on their value, a negative cash balance pays
   * `marginRate` (annual rates, actual/365). Returns the amount charged.
   */
  accrueFinancing(days: number, borrowRate: number, marginRate: number): number {
    if (days <= 0 || (borrowRate === 0 && marginRate === 0)) return 0;
    let shortValue = 0;
    for (const p of this.#open) if (p.qty < 0) shortValue += -p.qty * p.lastPrice * p.multiplier;
    const charge = (shortValue * borrowRate + Math.max(0, -this.cash) * marginRate) * (days / 365);
    this.cash -= charge;
    this.financingPaid += charge;
    return charge;
  }

  state(): AccountState {
    const equity = this.equity();
    const gross = this.grossExposure();
    return {
      type: this.type,
      currency: this.currency,
      cash: this.cash,
      equity,
      marginUsed: this.type === 'cash' ? 0 : gross / this.leverage,
      buyingPower: this.buyingPower(),
      leverage: this.leverage,
    };
  }
}
