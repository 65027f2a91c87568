// A net position in one instrument: long (qty > 0) or short (qty < 0), average price and PnL.

export class Position {
  /** Signed quantity: > 0 long, < 0 short. */
  qty = 0;
  avgPrice = 0;
  realizedPnl = 0;
  /** Commission paid on fills of this position (not in realizedPnl). */
  commission = 0;
  openedMs = 0;
  lastPrice = NaN;

  constructor(
    readonly symbol: string,
    readonly multiplier = 1,
    /** Initial margin per unit when margined futures-style (Instrument.margin); 0 = whole notional paid. */
    public margin = 0,
  ) {}

  get isFlat(): boolean {
    return this.qty === 0;
  }
  get isLong(): boolean {
    return this.qty > 0;
  }
  get isShort(): boolean {
    return this.qty < 0;
  }
  /** Unrealized PnL at `mark` (defaults to the last price seen). */
  unrealizedPnl(mark = this.lastPrice): number {
    return this.qty === 0 ? 0 : (mark - this.avgPrice) * this.qty * this.multiplier;
  }
  /** Signed market value at `mark`. */
  marketValue(mark = this.lastPrice): number {
    return this.qty * mark * this.multiplier;
  }

  /**
   * Applies a fill of signed quantity `signedQty` at `price`. Returns the PnL it realized (gross of
   * commission). Reducing keeps the average price; flipping opens the remainder at the fill price.
   */
  applyFill(signedQty: number, price: number, commission: number, tsMs: number): number {
    this.commission += commission;
    this.lastPrice = price;
    const before = this.qty;
    if (before === 0 || Math.sign(before) === Math.sign(signedQty)) {
      const total = before + signedQty;
      this.avgPrice = (this.avgPrice * Math.abs(before) + price * Math.abs(signedQty)) / Math.abs(total);
      if (before === 0) this.openedMs = tsMs;
      this.qty = total;
      return 0;
    }
    const closing = Math.min(Math.abs(signedQty), Math.abs(before));
    const realized = (price - this.avgPrice) * closing * Math.sign(before) * this.multiplier;
    this.realizedPnl += realized;
    const after = before + signedQty;
    if (Math.abs(after) < 1e-12) {
      this.qty = 0;
      this.avgPrice = 0;
    } else if (Math.sign(after) !== Math.sign(before)) {
      this.qty = after;
      this.avgPrice = price;
      this.openedMs = tsMs;
    } else {
      this.qty = after;
    }
    return realized;
  }
}
