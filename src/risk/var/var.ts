// Value at risk and expected shortfall of a portfolio of linear positions, by historical simulation,
// the normal (parametric) model and Monte Carlo. Sign convention: a loss is a positive number.
// Definitions and examples: docs/risk-math.md.
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { normInv, normPdf } from '../../core/normal.ts';
import { choleskyPsd, mean, meanVector, sampleCovariance, sampleStd } from './linalg.ts';

/** A position by its signed market value (short < 0), in the portfolio currency. */
export interface VarPosition {
  readonly symbol: string;
  readonly value: number;
}

/**
 * Simple returns per period (0.01 = +1%) by symbol, aligned by index (row t is the same date for
 * every symbol) and of equal length.
 */
export type ReturnHistories = Readonly<Record<string, ArrayLike<number>>>;

export type VarMethod = 'historical' | 'parametric' | 'monte-carlo';

export interface RiskEstimate {
  readonly method: VarMethod;
  /** Confidence level c, e.g. 0.99. */
  readonly confidence: number;
  /** Value at risk: the loss exceeded with probability at most 1 − c (positive = loss). */
  readonly var: number;
  /** Expected shortfall (CVaR): the average loss in the worst 1 − c of outcomes (positive = loss); ≥ var. */
  readonly cvar: number;
  /** Observations used (historical, parametric) or scenarios simulated (Monte Carlo). */
  readonly samples: number;
  /** Horizon in return periods. */
  readonly horizonPeriods: number;
}

export interface VarOptions {
  /** Confidence level in (0, 1), e.g. 0.95 or 0.99. */
  readonly confidence: number;
}

export interface ParametricVarOptions extends VarOptions {
  /** Horizon in return periods, scaled by the i.i.d. rule (mean × h, std × √h). Default 1. */
  readonly horizonPeriods?: number;
  /** Subtract the expected PnL (default true); false gives the zero-mean VaR z·σ. */
  readonly includeMean?: boolean;
}

export interface MonteCarloVarOptions extends ParametricVarOptions {
  /** Number of scenarios (default 10 000). */
  readonly simulations?: number;
  /** Seed of the random stream (default 1): the same seed gives the same result everywhere. */
  readonly seed?: number;
  /**
   * Full revaluation: portfolio PnL for one scenario of simulated simple returns, in the order of
   * `symbols` (default Σ value × return). Use it for non-linear positions such as options.
   */
  readonly revalue?: (returns: Float64Array, symbols: readonly string[]) => number;
}

function checkConfidence(c: number): void {
  if (!(c > 0 && c < 1)) throw new InputError(`confidence must be in (0, 1), got ${c}`, { field: 'confidence' });
}

function checkHorizon(h: number): void {
  if (!(h > 0 && Number.isFinite(h))) throw new InputError(`horizonPeriods must be positive, got ${h}`, { field: 'horizonPeriods' });
}

/** Tail size n(1 − c), snapped to an integer when binary rounding put it a hair off one. */
function tailSize(n: number, c: number): number {
  const tail = n * (1 - c);
  const r = Math.round(tail);
  return Math.abs(tail - r) < 1e-9 * Math.max(1, n) ? r : tail;
}

/**
 * Empirical VaR and expected shortfall of a PnL sample (gains > 0). With n outcomes and tail size
 * a = n(1 − c), VaR is the (⌊a⌋ + 1)-th worst loss and ES the Acerbi-Tasche tail mean
 * (sum of the ⌊a⌋ worst losses + (a − ⌊a⌋) × the next one) / a. For n = 100 at 95%: VaR is the
 * 6th worst loss and ES the mean of the 5 worst.
 */
export function empiricalVarCvar(pnl: ArrayLike<number>, confidence: number): { readonly var: number; readonly cvar: number } {
  checkConfidence(confidence);
  const n = pnl.length;
  if (n === 0) throw new InputError('VaR needs at least one PnL observation');
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = pnl[i]!;
    if (!Number.isFinite(x)) throw new InputError(`PnL observation ${i} is not finite: ${x}`);
    losses[i] = -x;
  }
  losses.sort().reverse(); // worst (largest loss) first
  const a = tailSize(n, confidence);
  const k = Math.floor(a);
  let sum = 0;
  for (let i = 0; i < k; i++) sum += losses[i]!;
  const next = losses[k]!; // k < n because confidence > 0
  const cvar = a > 0 ? (sum + (a - k) * next) / a : next;
  return { var: next, cvar };
}

/** VaR and ES of a normal PnL with the given mean and standard deviation (losses positive). */
export function normalVarCvar(pnlMean: number, pnlStd: number, confidence: number): { readonly var: number; readonly cvar: number } {
  checkConfidence(confidence);
  if (!(pnlStd >= 0)) throw new InputError(`standard deviation must be non-negative, got ${pnlStd}`);
  const z = normInv(confidence);
  return { var: -pnlMean + z * pnlStd, cvar: -pnlMean + (pnlStd * normPdf(z)) / (1 - confidence) };
}

/** Merges positions by symbol and returns the symbols, their net values and their return series. */
function gather(positions: readonly VarPosition[], returns: ReturnHistories): { symbols: string[]; values: number[]; series: ArrayLike<number>[] } {
  const net = new Map<string, number>();
  for (const p of positions) {
    if (!Number.isFinite(p.value)) throw new InputError(`position ${p.symbol}: value ${p.value} is not finite`, { field: 'value' });
    net.set(p.symbol, (net.get(p.symbol) ?? 0) + p.value);
  }
  if (net.size === 0) throw new InputError('VaR needs at least one position');
  const symbols = [...net.keys()];
  const series = symbols.map((s) => {
    const r = Object.hasOwn(returns, s) ? returns[s] : undefined;
    if (!r) throw new InputError(`no return history for ${s}`, { field: s });
    return r;
  });
  const n = series[0]!.length;
  series.forEach((r, j) => {
    if (r.length !== n) throw new InputError(`return history of ${symbols[j]} has ${r.length} observations, expected ${n} like ${symbols[0]}`);
    for (let t = 0; t < n; t++) {
      if (!Number.isFinite(r[t]!)) throw new InputError(`return ${t} of ${symbols[j]} is not finite: ${r[t]}`);
    }
  });
  if (n < 2) throw new InputError(`VaR needs at least 2 return observations, got ${n}`);
  return { symbols, values: symbols.map((s) => net.get(s)!), series };
}

/** Portfolio PnL per period, Σ value × return, from aligned return histories. */
export function portfolioPnl(positions: readonly VarPosition[], returns: ReturnHistories): Float64Array {
  const { values, series } = gather(positions, returns);
  return linearPnl(values, series);
}

function linearPnl(values: readonly number[], series: readonly ArrayLike<number>[]): Float64Array {
  const n = series[0]!.length;
  const pnl = new Float64Array(n);
  for (let j = 0; j < series.length; j++) {
    const v = values[j]!;
    const r = series[j]!;
    for (let t = 0; t < n; t++) pnl[t]! += v * r[t]!;
  }
  return pnl;
}

/** Historical simulation: today's positions revalued under each past period's returns (one-period horizon). */
export function historicalVar(positions: readonly VarPosition[], returns: ReturnHistories, opts: VarOptions): RiskEstimate {
  const pnl = portfolioPnl(positions, returns);
  const r = empiricalVarCvar(pnl, opts.confidence);
  return { method: 'historical', confidence: opts.confidence, var: r.var, cvar: r.cvar, samples: pnl.length, horizonPeriods: 1 };
}

/** Normal model: portfolio PnL ~ N(μ, σ²) with μ and the sample σ (n − 1) of historical portfolio PnL. */
export function parametricVar(positions: readonly VarPosition[], returns: ReturnHistories, opts: ParametricVarOptions): RiskEstimate {
  const h = opts.horizonPeriods ?? 1;
  checkHorizon(h);
  const pnl = portfolioPnl(positions, returns);
  const mu = opts.includeMean === false ? 0 : mean(pnl) * h;
  const sigma = sampleStd(pnl) * Math.sqrt(h);
  const r = normalVarCvar(mu, sigma, opts.confidence);
  return { method: 'parametric', confidence: opts.confidence, var: r.var, cvar: r.cvar, samples: pnl.length, horizonPeriods: h };
}

/**
 * Monte Carlo: asset returns drawn from a multivariate normal with the sample mean vector and
 * covariance of the histories (correlated through a Cholesky factor), portfolio revalued in each
 * scenario, then the empirical VaR and ES of the simulated PnL.
 */
export function monteCarloVar(positions: readonly VarPosition[], returns: ReturnHistories, opts: MonteCarloVarOptions): RiskEstimate {
  checkConfidence(opts.confidence);
  const h = opts.horizonPeriods ?? 1;
  checkHorizon(h);
  const sims = opts.simulations ?? 10_000;
  if (!(Number.isInteger(sims) && sims > 0)) throw new InputError(`simulations must be a positive integer, got ${sims}`, { field: 'simulations' });
  const { symbols, values, series } = gather(positions, returns);
  const k = symbols.length;
  const mu = opts.includeMean === false ? new Array<number>(k).fill(0) : meanVector(series);
  const l = choleskyPsd(sampleCovariance(series));
  const sqrtH = Math.sqrt(h);
  const rng = new Rng(opts.seed ?? 1);
  const z = new Float64Array(k);
  const r = new Float64Array(k);
  const pnl = new Float64Array(sims);
  const revalue = opts.revalue;
  for (let s = 0; s < sims; s++) {
    for (let j = 0; j < k; j++) z[j] = rng.normal();
    let p = 0;
    for (let i = 0; i < k; i++) {
      const row = l[i]!;
      let x = 0;
      for (let j = 0; j <= i; j++) x += row[j]! * z[j]!;
      r[i] = mu[i]! * h + sqrtH * x;
      p += values[i]! * r[i]!;
    }
    pnl[s] = revalue ? revalue(r, symbols) : p;
  }
  const est = empiricalVarCvar(pnl, opts.confidence);
  return { method: 'monte-carlo', confidence: opts.confidence, var: est.var, cvar: est.cvar, samples: sims, horizonPeriods: h };
}
