// Turns fills into round-trip trades: a trade opens when a position leaves flat and closes when it
// returns to flat; a flip closes one trade and opens the next with the remainder.

export interface RoundTrip {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly entryTimeMs: number;
  readonly entryPrice: number;
  readonly exitTimeMs: number;
  readonly exitPrice: number;
  /** Largest absolute quantity held during the trade. */
  readonly qty: number;
  /** Net of all commissions of the trade. */
  readonly pnl: number;
  readonly commission: number;
  readonly bars: number;
}

interface OpenTrade {
  side: 1 | -1;
  entryTimeMs: number;
  entryQty: number;
  entryValue: number;
  exitQty: number;
  exitValue: number;
  maxQty: number;
  qty: number;
  commission: number;
  grossPnl: number;
  openBar: number;
}

export class TradeTracker {
  readonly closed: RoundTrip[] = [];
  /**
   * The open trade of each symbol; null once it closed. A symbol's entry is kept (set to null, not
   * deleted): a Map that is emptied and refilled for every round trip reallocates its table each time.
   */
  readonly #open = new Map<string, OpenTrade | null>();

  constructor(private readonly multiplierOf: (symbol: string) => number = () => 1) {}

  onFill(symbol: string, signedQty: number, price: number, commission: number, tsMs: number, barIndex: number): void {
    let t = this.#open.get(symbol) ?? undefined;
    let qty = signedQty;
    let comm = commission;
    if (t !== undefined && Math.sign(qty) !== t.side) {
      const closing = Math.min(Math.abs(qty), t.qty);
      const share = closing / Math.abs(qty);
      t.exitQty += closing;
      t.exitValue += closing * price;
      t.commission += comm * share;
      t.grossPnl += (price - t.entryValue / t.entryQty) * closing * t.side * this.multiplierOf(symbol);
      t.qty -= closing;
      comm -= comm * share;
      qty += closing * t.side;
      if (t.qty <= 1e-12) {
        this.#close(symbol, t, tsMs, barIndex);
        t = undefined;
      }
    }
    if (Math.abs(qty) <= 1e-12) return;
    if (t === undefined) {
      t = {
        side: qty > 0 ? 1 : -1, entryTimeMs: tsMs, entryQty: 0, entryValue: 0, exitQty: 0, exitValue: 0,
        maxQty: 0, qty: 0, commission: 0, grossPnl: 0, openBar: barIndex,
      };
      this.#open.set(symbol, t);
    }
    t.entryQty += Math.abs(qty);
    t.entryValue += Math.abs(qty) * price;
    t.qty += Math.abs(qty);
    t.maxQty = Math.max(t.maxQty, t.qty);
    t.commission += comm;
  }

  #close(symbol: string, t: OpenTrade, tsMs: number, barIndex: number): void {
    this.#open.set(symbol, null);
    this.closed.push({
      symbol,
      side: t.side === 1 ? 'long' : 'short',
      entryTimeMs: t.entryTimeMs,
      entryPrice: t.entryValue / t.entryQty,
      exitTimeMs: tsMs,
      exitPrice: t.exitValue / t.exitQty,
      qty: t.maxQty,
      pnl: t.grossPnl - t.commission,
      commission: t.commission,
      bars: barIndex - t.openBar,
    });
  }
}
