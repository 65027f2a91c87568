// Implied volatility: the σ at which the Black-Scholes-Merton value equals a market price.
// Safeguarded Newton-Raphson on vega inside a shrinking bracket, bisecting whenever a Newton step
// would leave the bracket or vega is too small to trust (the "rtsafe" scheme).
import { bsmBounds, type BsmParams } from './bsm.ts';
import { normCdf, normPdf } from '../../core/normal.ts';

export interface ImpliedVolOptions {
  /** Lowest volatility searched (default 1e-6). */
  readonly volMin?: number;
  /** Highest volatility searched (default 5 = 500%). */
  readonly volMax?: number;
  /**
   * Price tolerance: stop when |model − market| is at most this. Default 1e-12 × (S e^{-qT} + K e^{-rT}),
   * about the rounding noise of the price formula.
   */
  readonly priceTol?: number;
  /** Iteration limit (default 100; bisection alone needs about 60 over [1e-6, 5]). */
  readonly maxIterations?: number;
}

export type ImpliedVolFailure =
  /** No time value left to invert (T = 0). */
  | 'expired'
  /** Price below the discounted intrinsic value: an arbitrage, no volatility fits. */
  | 'below-intrinsic'
  /** Price at or above S e^{-qT} (call) or K e^{-rT} (put): an arbitrage, no volatility fits. */
  | 'above-upper-bound'
  /** Within the no-arbitrage bounds but needs σ < volMin. */
  | 'below-vol-range'
  /** Within the no-arbitrage bounds but needs σ > volMax. */
  | 'above-vol-range'
  | 'not-finite'
  | 'no-convergence';

export type ImpliedVolResult =
  | { readonly ok: true; readonly vol: number; readonly iterations: number }
  | { readonly ok: false; readonly reason: ImpliedVolFailure; readonly message: string };

function fail(reason: ImpliedVolFailure, message: string): ImpliedVolResult {
  return { ok: false, reason, message };
}

/** Solves for implied volatility and explains any failure. Throws InputError only for invalid option parameters. */
export function solveImpliedVol(price: number, p: Omit<BsmParams, 'vol'>, opts: ImpliedVolOptions = {}): ImpliedVolResult {
  const { lower, upper } = bsmBounds(p); // validates the parameters
  if (!Number.isFinite(price)) return fail('not-finite', `price ${price} is not a finite number`);
  const volMin = opts.volMin ?? 1e-6;
  const volMax = opts.volMax ?? 5;
  const maxIterations = opts.maxIterations ?? 100;
  const t = p.timeYears;
  const q = p.dividendYield ?? 0;
  const sDisc = p.spot * Math.exp(-q * t);
  const kDisc = p.strike * Math.exp(-p.rate * t);
  const tol = opts.priceTol ?? 1e-12 * (sDisc + kDisc);
  if (t === 0) return fail('expired', 'the option is at expiry: its value does not depend on volatility');
  if (price < lower - tol) return fail('below-intrinsic', `price ${price} is below the no-arbitrage lower bound ${lower}`);
  if (price >= upper) return fail('above-upper-bound', `price ${price} is at or above the no-arbitrage upper bound ${upper}`);

  const isCall = p.right === 'call';
  const sqrtT = Math.sqrt(t);
  const lnFk = Math.log(p.spot / p.strike) + (p.rate - q) * t;
  // Model price minus target and vega at σ (inline: this loop is the hot part).
  let f = 0;
  let vega = 0;
  const evaluate = (vol: number): void => {
    const vs = vol * sqrtT;
    const d1 = lnFk / vs + 0.5 * vs;
    const d2 = d1 - vs;
    const v = isCall ? sDisc * normCdf(d1) - kDisc * normCdf(d2) : kDisc * normCdf(-d2) - sDisc * normCdf(-d1);
    f = v - price;
    vega = sDisc * normPdf(d1) * sqrtT;
  };

  evaluate(volMin);
  if (f > tol) return fail('below-vol-range', `price ${price} needs a volatility below ${volMin}`);
  if (Math.abs(f) <= tol) return { ok: true, vol: volMin, iterations: 1 };
  evaluate(volMax);
  if (f < -tol) return fail('above-vol-range', `price ${price} needs a volatility above ${volMax}`);
  if (Math.abs(f) <= tol) return { ok: true, vol: volMax, iterations: 2 };

  let lo = volMin;
  let hi = volMax;
  // Start at the inflection point σ² = 2|ln(F/K)|/T (Manaster and Koehler 1982), where vega is largest;
  // at the money forward use the Brenner-Subrahmanyam approximation.
  let vol = lnFk !== 0 ? Math.sqrt((2 * Math.abs(lnFk)) / t) : (Math.sqrt((2 * Math.PI) / t) * price) / sDisc;
  if (!(vol > lo && vol < hi)) vol = 0.5 * (lo + hi);
  for (let i = 1; i <= maxIterations; i++) {
    evaluate(vol);
    if (f > 0) hi = vol;
    else lo = vol;
    let next = vol - f / vega;
    if (Math.abs(f) <= tol) {
      // Within tolerance: one last Newton step costs nothing and brings the vol to near full precision.
      return { ok: true, vol: next > lo && next < hi ? next : vol, iterations: i };
    }
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - vol) <= 1e-15 * vol || hi - lo <= 4e-16 * hi) return { ok: true, vol: next, iterations: i };
    vol = next;
  }
  return fail('no-convergence', `no convergence in ${maxIterations} iterations (bracket [${lo}, ${hi}])`);
}

/** Implied volatility, or null when the price is outside the no-arbitrage bounds or no σ in [volMin, volMax] fits. */
export function impliedVol(price: number, p: Omit<BsmParams, 'vol'>, opts: ImpliedVolOptions = {}): number | null {
  const r = solveImpliedVol(price, p, opts);
  return r.ok ? r.vol : null;
}
