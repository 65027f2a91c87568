// Black-Scholes-Merton prices and Greeks of European options on an asset with a continuous dividend
// yield q (Merton 1973). Units and conventions are in docs/options.md.
import { InputError } from '../../core/errors.ts';
import { normCdf, normPdf } from '../../core/normal.ts';

export type OptionRight = 'call' | 'put';

export interface BsmParams {
  readonly right: OptionRight;
  /** Price of the underlying now (> 0). */
  readonly spot: number;
  /** Strike (> 0). */
  readonly strike: number;
  /** Time to expiry in years (>= 0; 0 = at expiry). */
  readonly timeYears: number;
  /** Risk-free rate, continuously compounded, per year (0.05 = 5%). */
  readonly rate: number;
  /** Continuous dividend yield (or foreign rate, or carry), per year; 0 when omitted. */
  readonly dividendYield?: number;
  /** Volatility of log returns, per year (0.2 = 20%; >= 0). */
  readonly vol: number;
}

/** Every sensitivity of one option (one unit of the underlying, no contract multiplier). */
export interface Greeks {
  readonly price: number;
  /** ∂V/∂S. */
  readonly delta: number;
  /** ∂²V/∂S². */
  readonly gamma: number;
  /** ∂V/∂σ per 1.00 (100 vol points) of volatility. */
  readonly vega: number;
  /** Vega per 1 vol point (σ + 0.01): vega / 100. */
  readonly vegaPct: number;
  /** ∂V/∂t per year as calendar time passes (= −∂V/∂T); usually negative. */
  readonly theta: number;
  /** Theta per calendar day: theta / 365. */
  readonly thetaPerDay: number;
  /** ∂V/∂r per 1.00 (100%) of rate. */
  readonly rho: number;
  /** ∂V/∂q per 1.00 of dividend yield (sometimes called psi or phi). */
  readonly psi: number;
}

/** Calendar days a year used by `thetaPerDay`. */
export const DAYS_PER_YEAR = 365;

/** Shared terms of the formulas. */
interface Terms {
  readonly isCall: boolean;
  readonly s: number;
  readonly k: number;
  readonly t: number;
  readonly r: number;
  readonly q: number;
  readonly vol: number;
  /** S·e^{-qT} */
  readonly sDisc: number;
  /** K·e^{-rT} */
  readonly kDisc: number;
  /** σ√T */
  readonly volSqrtT: number;
  readonly d1: number;
  readonly d2: number;
}

function check(name: string, x: number, ok: boolean): void {
  if (!ok) throw new InputError(`invalid ${name}: ${x}`, { field: name });
}

function terms(p: BsmParams): Terms {
  const q = p.dividendYield ?? 0;
  check('spot', p.spot, p.spot > 0 && Number.isFinite(p.spot));
  check('strike', p.strike, p.strike > 0 && Number.isFinite(p.strike));
  check('timeYears', p.timeYears, p.timeYears >= 0 && Number.isFinite(p.timeYears));
  check('vol', p.vol, p.vol >= 0 && Number.isFinite(p.vol));
  check('rate', p.rate, Number.isFinite(p.rate));
  check('dividendYield', q, Number.isFinite(q));
  check('right', NaN, p.right === 'call' || p.right === 'put');
  const t = p.timeYears;
  const sDisc = p.spot * Math.exp(-q * t);
  const kDisc = p.strike * Math.exp(-p.rate * t);
  const volSqrtT = p.vol * Math.sqrt(t);
  // ln(F/K) with F = S e^{(r-q)T}, computed from the inputs to avoid rounding in sDisc/kDisc.
  const lnFk = Math.log(p.spot / p.strike) + (p.rate - q) * t;
  let d1: number;
  let d2: number;
  if (volSqrtT > 0) {
    d1 = lnFk / volSqrtT + 0.5 * volSqrtT;
    d2 = d1 - volSqrtT;
  } else {
    // No diffusion left: the option is worth its discounted forward intrinsic value.
    d1 = d2 = lnFk > 0 ? Infinity : lnFk < 0 ? -Infinity : 0;
  }
  return { isCall: p.right === 'call', s: p.spot, k: p.strike, t, r: p.rate, q, vol: p.vol, sDisc, kDisc, volSqrtT, d1, d2 };
}

function priceOf(m: Terms): number {
  const v = m.isCall ? m.sDisc * normCdf(m.d1) - m.kDisc * normCdf(m.d2) : m.kDisc * normCdf(-m.d2) - m.sDisc * normCdf(-m.d1);
  // Cancellation can leave a deep out-of-the-money value a few ulps below zero.
  return v > 0 ? v : 0;
}

/** Option value. With σ√T = 0 (expiry or zero vol) it is the discounted forward intrinsic value. */
export function bsmPrice(p: BsmParams): number {
  return priceOf(terms(p));
}

/** Delta ∂V/∂S: e^{-qT} N(d1) for a call, −e^{-qT} N(−d1) for a put. */
export function bsmDelta(p: BsmParams): number {
  const m = terms(p);
  const dq = m.sDisc / m.s;
  return m.isCall ? dq * normCdf(m.d1) : -dq * normCdf(-m.d1);
}

/** Gamma ∂²V/∂S² = e^{-qT} φ(d1) / (S σ √T); 0 when σ√T = 0. Same for calls and puts. */
export function bsmGamma(p: BsmParams): number {
  const m = terms(p);
  return m.volSqrtT > 0 ? (m.sDisc * normPdf(m.d1)) / (m.s * m.s * m.volSqrtT) : 0;
}

/** Vega ∂V/∂σ per 1.00 of volatility (σ from 0.20 to 1.20): S e^{-qT} φ(d1) √T. */
export function bsmVega(p: BsmParams): number {
  const m = terms(p);
  return m.volSqrtT > 0 ? m.sDisc * normPdf(m.d1) * Math.sqrt(m.t) : 0;
}

/** Vega per one volatility point (σ from 0.20 to 0.21): bsmVega / 100. */
export function bsmVegaPct(p: BsmParams): number {
  return bsmVega(p) / 100;
}

function thetaOf(m: Terms): number {
  const decay = m.volSqrtT > 0 ? -(m.sDisc * normPdf(m.d1) * m.vol) / (2 * Math.sqrt(m.t)) : 0;
  return m.isCall
    ? decay - m.r * m.kDisc * normCdf(m.d2) + m.q * m.sDisc * normCdf(m.d1)
    : decay + m.r * m.kDisc * normCdf(-m.d2) - m.q * m.sDisc * normCdf(-m.d1);
}

/** Theta ∂V/∂t per year of calendar time passing (−∂V/∂T). */
export function bsmTheta(p: BsmParams): number {
  return thetaOf(terms(p));
}

/** Theta per calendar day: bsmTheta / 365 (or / `daysPerYear`). */
export function bsmThetaPerDay(p: BsmParams, daysPerYear = DAYS_PER_YEAR): number {
  return bsmTheta(p) / daysPerYear;
}

/** Rho ∂V/∂r per 1.00 of rate: K T e^{-rT} N(d2) for a call, −K T e^{-rT} N(−d2) for a put. */
export function bsmRho(p: BsmParams): number {
  const m = terms(p);
  return m.isCall ? m.t * m.kDisc * normCdf(m.d2) : -m.t * m.kDisc * normCdf(-m.d2);
}

/** ∂V/∂q per 1.00 of dividend yield: −S T e^{-qT} N(d1) for a call, S T e^{-qT} N(−d1) for a put. */
export function bsmPsi(p: BsmParams): number {
  const m = terms(p);
  return m.isCall ? -m.t * m.sDisc * normCdf(m.d1) : m.t * m.sDisc * normCdf(-m.d1);
}

/** Price and every Greek at once, sharing the work. */
export function bsmGreeks(p: BsmParams, daysPerYear = DAYS_PER_YEAR): Greeks {
  const m = terms(p);
  const nd1 = normCdf(m.d1);
  const nmd1 = normCdf(-m.d1);
  const nd2 = normCdf(m.d2);
  const nmd2 = normCdf(-m.d2);
  const pdf = m.volSqrtT > 0 ? normPdf(m.d1) : 0;
  const sqrtT = Math.sqrt(m.t);
  const raw = m.isCall ? m.sDisc * nd1 - m.kDisc * nd2 : m.kDisc * nmd2 - m.sDisc * nmd1;
  const vega = m.sDisc * pdf * sqrtT;
  const decay = m.volSqrtT > 0 ? -(m.sDisc * pdf * m.vol) / (2 * sqrtT) : 0;
  const theta = m.isCall ? decay - m.r * m.kDisc * nd2 + m.q * m.sDisc * nd1 : decay + m.r * m.kDisc * nmd2 - m.q * m.sDisc * nmd1;
  return {
    price: raw > 0 ? raw : 0,
    delta: m.isCall ? (m.sDisc / m.s) * nd1 : -(m.sDisc / m.s) * nmd1,
    gamma: m.volSqrtT > 0 ? (m.sDisc * pdf) / (m.s * m.s * m.volSqrtT) : 0,
    vega,
    vegaPct: vega / 100,
    theta,
    thetaPerDay: theta / daysPerYear,
    rho: m.isCall ? m.t * m.kDisc * nd2 : -m.t * m.kDisc * nmd2,
    psi: m.isCall ? -m.t * m.sDisc * nd1 : m.t * m.sDisc * nmd1,
  };
}

/** Arbitrage-free bounds of a European option's value: [discounted intrinsic, S e^{-qT} or K e^{-rT}]. */
export function bsmBounds(p: Omit<BsmParams, 'vol'>): { readonly lower: number; readonly upper: number } {
  const m = terms({ ...p, vol: 0 });
  return m.isCall ? { lower: Math.max(m.sDisc - m.kDisc, 0), upper: m.sDisc } : { lower: Math.max(m.kDisc - m.sDisc, 0), upper: m.kDisc };
}
