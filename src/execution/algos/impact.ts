// Market impact (square-root law) and a liquidity score.
import { InputError } from '../../core/errors.ts';

export interface SqrtImpactInput {
  /** Y, the dimensionless impact coefficient (of order 1 for equities). */
  readonly coefficient: number;
  /** Volatility of returns over the volume's horizon (daily sigma with daily volume), e.g. 0.02. */
  readonly sigma: number;
  /** Order quantity Q (sign ignored). */
  readonly qty: number;
  /** Market volume V over the same horizon (e.g. average daily volume), > 0. */
  readonly volume: number;
}

/** Square-root law: expected impact as a fraction of price, Y x sigma x sqrt(|Q| / V). */
export function sqrtImpact(p: SqrtImpactInput): number {
  if (!(p.volume > 0)) throw new InputError(`volume must be > 0, got ${p.volume}`, { field: 'volume' });
  if (!(p.sigma >= 0)) throw new InputError(`sigma must be >= 0, got ${p.sigma}`, { field: 'sigma' });
  return p.coefficient * p.sigma * Math.sqrt(Math.abs(p.qty) / p.volume);
}

/** Expected impact cost in currency: impact fraction x price x |Q| x multiplier. */
export function sqrtImpactCost(p: SqrtImpactInput & { readonly price: number; readonly multiplier?: number }): number {
  return sqrtImpact(p) * p.price * Math.abs(p.qty) * (p.multiplier ?? 1);
}

export interface ImpactObservation {
  readonly sigma: number;
  readonly qty: number;
  readonly volume: number;
  /** Observed impact as a fraction of price (e.g. (avg fill - arrival) / arrival, signed so a cost is > 0). */
  readonly impact: number;
}

export interface ImpactCalibration {
  /** Least-squares Y: sum(x y) / sum(x^2) with x = sigma sqrt(Q / V), y = observed impact (a line through 0). */
  readonly coefficient: number;
  /** Standard error of Y: sqrt(SSR / (n - 1) / sum(x^2)); NaN for one observation. */
  readonly stdError: number;
  /** Uncentred R^2 of a line through the origin: 1 - SSR / sum(y^2). */
  readonly rSquared: number;
  readonly n: number;
}

/** Fits the square-root law's Y by least squares on (sigma sqrt(Q/V), impact) pairs. */
export function calibrateSqrtImpact(observations: readonly ImpactObservation[]): ImpactCalibration {
  const n = observations.length;
  if (n === 0) throw new InputError('impact calibration needs at least one observation', { field: 'observations' });
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const o = observations[i]!;
    if (!(o.volume > 0)) throw new InputError(`observation ${i}: volume must be > 0, got ${o.volume}`, { field: 'volume' });
    if (!(o.sigma >= 0) || !Number.isFinite(o.sigma)) throw new InputError(`observation ${i}: sigma must be a finite number >= 0, got ${o.sigma}`, { field: 'sigma' });
    if (!Number.isFinite(o.qty) || !Number.isFinite(o.impact)) throw new InputError(`observation ${i}: qty and impact must be finite numbers`, { field: 'impact' });
    const x = o.sigma * Math.sqrt(Math.abs(o.qty) / o.volume);
    sxx += x * x;
    sxy += x * o.impact;
    syy += o.impact * o.impact;
  }
  if (!(sxx > 0)) throw new InputError('impact calibration needs an observation with sigma > 0 and qty != 0', { field: 'observations' });
  const coefficient = sxy / sxx;
  const ssr = Math.max(0, syy - (sxy * sxy) / sxx);
  return {
    coefficient,
    stdError: n > 1 ? Math.sqrt(ssr / (n - 1) / sxx) : NaN,
    rSquared: syy > 0 ? 1 - ssr / syy : 1,
    n,
  };
}

export interface LiquidityInput {
  /** Quoted spread in basis points of the mid. */
  readonly spreadBps: number;
  /** Average daily traded value in currency (ADV x price). */
  readonly advNotional: number;
  /** Daily volatility of returns, e.g. 0.02. */
  readonly volatility: number;
}

export interface LiquidityOptions {
  /** Spread at which the spread factor is 1/2 (default 10 bps). */
  readonly spreadHalfBps?: number;
  /** Daily traded value at which the volume factor is 1/2 (default 10 000 000). */
  readonly advHalf?: number;
  /** Volatility at which the volatility factor is 1/2 (default 0.02). */
  readonly volHalf?: number;
  /** Exponents of the spread, volume and volatility factors (default 0.4, 0.4, 0.2). */
  readonly weights?: readonly [number, number, number];
}

export interface LiquidityScore {
  /** 0 (untradeable) to 100 (deep): 100 x fSpread^w1 x fVolume^w2 x fVol^w3. */
  readonly score: number;
  readonly spreadFactor: number;
  readonly volumeFactor: number;
  readonly volatilityFactor: number;
}

/**
 * Liquidity score from spread, traded value and volatility. Each factor maps to (0, 1] and is strictly
 * monotone: fSpread = 1 / (1 + spread / s0), fVolume = 1 / (1 + sqrt(v0 / adv)), fVol = 1 / (1 + sigma / sigma0);
 * the score is their weighted geometric mean x 100, so one bad dimension pulls the score down.
 * Tighter spread, more volume or lower volatility never lowers it.
 */
export function liquidityScore(input: LiquidityInput, opts: LiquidityOptions = {}): LiquidityScore {
  const { spreadBps, advNotional, volatility } = input;
  if (!(spreadBps >= 0) || !Number.isFinite(spreadBps)) throw new InputError(`spread must be a finite number of bps >= 0, got ${spreadBps}`, { field: 'spreadBps' });
  if (!(advNotional >= 0)) throw new InputError(`average daily value must be >= 0, got ${advNotional}`, { field: 'advNotional' });
  if (!(volatility >= 0) || !Number.isFinite(volatility)) throw new InputError(`volatility must be a finite number >= 0, got ${volatility}`, { field: 'volatility' });
  const s0 = opts.spreadHalfBps ?? 10;
  const v0 = opts.advHalf ?? 10_000_000;
  const sig0 = opts.volHalf ?? 0.02;
  const [w1, w2, w3] = opts.weights ?? [0.4, 0.4, 0.2];
  if (!(s0 > 0 && v0 > 0 && sig0 > 0)) throw new InputError('liquidity half-points must be > 0', { field: 'options' });
  if (!(w1 >= 0 && w2 >= 0 && w3 >= 0) || !(w1 + w2 + w3 > 0)) throw new InputError('liquidity weights must be >= 0 and not all 0', { field: 'weights' });
  const spreadFactor = 1 / (1 + spreadBps / s0);
  const volumeFactor = advNotional === Infinity ? 1 : advNotional === 0 ? 0 : 1 / (1 + Math.sqrt(v0 / advNotional));
  const volatilityFactor = 1 / (1 + volatility / sig0);
  const sum = w1 + w2 + w3;
  const score = 100 * spreadFactor ** (w1 / sum) * volumeFactor ** (w2 / sum) * volatilityFactor ** (w3 / sum);
  return { score, spreadFactor, volumeFactor, volatilityFactor };
}
