// Cash, positions and equity of one account. Positions are stable objects per symbol so the kernel
// can mark them without lookups; `open` lists only non-flat ones so equity costs O(open positions).
import { InvariantError } from '../core/errors.ts';
import { Position } from '../model/position.ts';
import type { AccountState, AccountType } from '../model/account.ts';

export interface PortfolioOptions {
  readonly type: AccountType;
  readonly startingCash: number;
  readonly currency?: string;
  /** Max gross exposure / equity for margin accounts (ignored for cash accounts). */
  readonly leverage?: number;
  /** Initial margin per unit of symbols margined futures-style (Instrument.margin); others pay the whole notional. */
  readonly margins?: ReadonlyMap<string, number>;
}

export class Portfolio {
  readonly type: AccountType;
  readonly currency: string;
  readonly leverage: number;
  /** Initial margin per unit by symbol, for symbols margined futures-style (see setMargin). */
  readonly margins: Map<string, number>;
  /**
   * The cash ledger as if every position had been paid in full: fills move it by qty x price x multiplier
   * plus commission, so equity = cash + Σ qty x last x multiplier for every kind of position. What the
   * account can spend is `freeCash()`, which differs only while futures-style positions are open.
   */
  cash: number;
  /** Commission paid over the life of the account. */
  commissionPaid = 0;
  /** Borrow fees and margin interest paid. */
  financingPaid = 0;
  realizedPnl = 0;
  readonly #positions = new Map<string, Position>();
  readonly #open: Position[] = [];
  /** Open positions margined futures-style (margin > 0): while 0, free cash is the ledger cash. */
  #marginedOpen = 0;

  constructor(opts: PortfolioOptions) {
    this.type = opts.type;
    this.currency = opts.currency ?? 'USD';
    this.leverage = opts.type === 'cash' ? 1 : (opts.leverage ?? 2);
    this.cash = opts.startingCash;
    this.margins = new Map(opts.margins ?? []);
  }

  /** The position object for `symbol` (created flat on first use; the same object thereafter). */
  position(symbol: string, multiplier = 1): Position {
    let p = this.#positions.get(symbol);
    if (p === undefined) {
      p = new Position(symbol, multiplier, this.margins.get(symbol) ?? 0);
      this.#positions.set(symbol, p);
    }
    return p;
  }

  /** Margins `symbol` futures-style from now on: opening blocks `margin` per unit (0: whole notional again). */
  setMargin(symbol: string, margin: number): void {
    const p = this.#positions.get(symbol);
    if (p !== undefined && p.qty !== 0 && p.margin !== margin) throw new InvariantError(`margin of ${symbol} cannot change while a position is open`);
    if (margin > 0) this.margins.set(symbol, margin);
    else this.margins.delete(symbol);
    if (p !== undefined) p.margin = margin > 0 ? margin : 0;
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
    if (wasFlat && p.qty !== 0) {
      this.#open.push(p);
      if (p.margin > 0) this.#marginedOpen++;
    } else if (!wasFlat && p.qty === 0) {
      this.#open.splice(this.#open.indexOf(p), 1);
      if (p.margin > 0) this.#marginedOpen--;
    }
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

  /** Cash blocked as initial margin by futures-style positions: Σ margin x |qty|. */
  blockedMargin(): number {
    if (this.#marginedOpen === 0) return 0;
    let m = 0;
    for (const p of this.#open) if (p.margin > 0) m += p.margin * Math.abs(p.qty);
    return m;
  }

  /**
   * Cash the account holds and can spend, as a futures broker (and backtrader) counts it: futures-style
   * positions block their margin and settle their P&L into cash at every mark, so
   * freeCash = cash + Σ over them of (qty x last x multiplier - margin x |qty|)
   *          = equity - blocked margin - value of fully paid positions.
   * Without open futures-style positions it is the ledger cash itself.
   */
  freeCash(): number {
    if (this.#marginedOpen === 0) return this.cash;
    let c = this.cash;
    for (const p of this.#open) if (p.margin > 0) c += p.qty * p.lastPrice * p.multiplier - p.margin * Math.abs(p.qty);
    return c;
  }

  /** What new orders may still commit: free cash for a cash account; leverage x equity - exposure for margin. */
  buyingPower(): number {
    if (this.type === 'cash') return Math.max(0, this.freeCash());
    if (this.#marginedOpen === 0) return Math.max(0, this.equity() * this.leverage - this.grossExposure());
    // Margin blocked by futures-style positions is not collateral for anything else.
    return Math.max(0, (this.equity() - this.blockedMargin()) * this.leverage - this.#grossFullyPaid());
  }

  /**
   * Charges `days` of financing: shorts pay `borrowRate` on their value, a negative cash balance pays
   * `marginRate` (annual rates, actual/365). Returns the amount charged.
   */
  accrueFinancing(days: number, borrowRate: number, marginRate: number): number {
    if (days <= 0 || (borrowRate === 0 && marginRate === 0)) return 0;
    let shortValue = 0;
    // Futures-style positions borrow nothing: no borrow fee on their shorts, and their notional is no loan.
    for (const p of this.#open) if (p.qty < 0 && p.margin === 0) shortValue += -p.qty * p.lastPrice * p.multiplier;
    const charge = (shortValue * borrowRate + Math.max(0, -this.freeCash()) * marginRate) * (days / 365);
    this.cash -= charge;
    this.financingPaid += charge;
    return charge;
  }

  /** Gross value of the positions paid in full (not futures-style). */
  #grossFullyPaid(): number {
    let v = 0;
    for (const p of this.#open) if (p.margin === 0) v += Math.abs(p.qty * p.lastPrice * p.multiplier);
    return v;
  }

  state(): AccountState {
    const equity = this.equity();
    return {
      type: this.type,
      currency: this.currency,
      cash: this.freeCash(),
      equity,
      marginUsed: (this.type === 'cash' ? 0 : this.#grossFullyPaid() / this.leverage) + this.blockedMargin(),
      buyingPower: this.buyingPower(),
      leverage: this.leverage,
    };
  }
}
