// Slippage models: how far a taker fill moves against the order. The venue clamps the result to the
// bar's range, so slippage never produces a price the market did not trade.

export interface SlippageContext {
  readonly price: number;
  readonly qty: number;
  /** Volume of the bar the fill happens in (0 when unknown). */
  readonly barVolume: number;
  /** Recent daily volatility of returns (e.g. 0.02), NaN when unknown. */
  readonly volatility: number;
}

export interface SlippageModel {
  readonly name: string;
  /** Adverse price move as a positive amount per unit. */
  slip(ctx: SlippageContext): number;
}

export class NoSlippage implements SlippageModel {
  readonly name = 'none';
  slip(): number {
    return 0;
  }
}

/** A fixed number of basis points of the price. */
export class FixedBpsSlippage implements SlippageModel {
  readonly name = 'fixed-bps';
  constructor(readonly bps: number) {}
  slip(ctx: SlippageContext): number {
    return (ctx.price * this.bps) / 10_000;
  }
}

/** Pays half of an assumed quoted spread (in bps of price). */
export class HalfSpreadSlippage implements SlippageModel {
  readonly name = 'half-spread';
  constructor(readonly spreadBps: number) {}
  slip(ctx: SlippageContext): number {
    return (ctx.price * this.spreadBps) / 20_000;
  }
}

/**
 * Square-root market impact: slip = coef x sigma x sqrt(qty / volume) x price (Almgren et al.;
 * coef about 1 for US equities). Falls back to `fallbackBps` without volume or volatility.
 */
export class SqrtImpactSlippage implements SlippageModel {
  readonly name = 'sqrt-impact';
  constructor(
    readonly coef = 1,
    readonly fallbackBps = 0,
  ) {}
  slip(ctx: SlippageContext): number {
    if (!(ctx.barVolume > 0) || !(ctx.volatility > 0)) return (ctx.price * this.fallbackBps) / 10_000;
    return this.coef * ctx.volatility * Math.sqrt(Math.abs(ctx.qty) / ctx.barVolume) * ctx.price;
  }
}
