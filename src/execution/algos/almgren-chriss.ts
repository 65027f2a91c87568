// Almgren-Chriss optimal execution (Almgren & Chriss 2000, "Optimal execution of portfolio
// transactions"): the trajectory that minimises E[cost] + lambda x Var[cost] under linear temporary
// impact eta, linear permanent impact gamma and arithmetic Brownian prices with volatility sigma.
import { ConfigError } from '../../core/errors.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import { checkParent, equalIntervals, scheduleFromWeights } from './schedule.ts';
import type { ParentOrder, Schedule } from './types.ts';

export interface AlmgrenChrissParams {
  /** X: shares to trade (any sign convention: the trajectory is for |X|). */
  readonly shares: number;
  /** N: number of trading intervals. */
  readonly periods: number;
  /** tau: length of one interval, in the time unit of sigma and eta (T = N tau). */
  readonly tau: number;
  /** sigma: absolute price volatility, currency per share per sqrt(time unit). */
  readonly sigma: number;
  /** eta: temporary impact, currency per share per (share per time unit). */
  readonly eta: number;
  /** gamma: permanent impact, currency per share per share traded. Default 0. */
  readonly gamma?: number;
  /** epsilon: fixed cost per share (half spread + fees). Default 0. */
  readonly epsilon?: number;
  /** lambda: risk aversion, per currency unit (>= 0; 0 = risk neutral = linear/TWAP). */
  readonly lambda: number;
}

export interface AlmgrenChrissResult {
  /** kappa from the discrete model: cosh(kappa tau) = 1 + tau^2 lambda sigma^2 / (2 etaTilde). */
  readonly kappa: number;
  /** The continuous-time limit sqrt(lambda sigma^2 / etaTilde) (kappa -> it as tau -> 0). */
  readonly kappaContinuous: number;
  /** etaTilde = eta - gamma tau / 2. */
  readonly etaTilde: number;
  /** Trade half-life 1 / kappa in time units (Infinity when lambda = 0). */
  readonly halfLife: number;
  /** x_0..x_N: holdings still to trade at t_k = k tau; x_0 = X, x_N = 0. */
  readonly holdings: Float64Array;
  /** n_1..n_N: n_k = x_{k-1} - x_k traded in interval k. */
  readonly trades: Float64Array;
  /** E[cost] of this trajectory: gamma X^2 / 2 + epsilon sum |n_k| + (etaTilde / tau) sum n_k^2. */
  readonly expectedCost: number;
  /** Var[cost] of this trajectory: sigma^2 tau sum_{k=1..N} x_k^2. */
  readonly variance: number;
  /** expectedCost + lambda x variance: what the trajectory minimises. */
  readonly objective: number;
}

interface Checked {
  X: number;
  N: number;
  tau: number;
  sigma: number;
  eta: number;
  gamma: number;
  epsilon: number;
  lambda: number;
  etaTilde: number;
}

function check(p: AlmgrenChrissParams): Checked {
  const X = Math.abs(p.shares);
  const gamma = p.gamma ?? 0;
  const epsilon = p.epsilon ?? 0;
  const bad = (field: string, v: number, want: string): never => {
    throw new ConfigError(`Almgren-Chriss ${field} must be ${want}, got ${v}`, { field });
  };
  if (!(X > 0) || !Number.isFinite(X)) bad('shares', p.shares, 'a non-zero finite number');
  if (!Number.isInteger(p.periods) || p.periods < 1) bad('periods', p.periods, 'a whole number >= 1');
  if (!(p.tau > 0) || !Number.isFinite(p.tau)) bad('tau', p.tau, '> 0');
  if (!(p.sigma >= 0) || !Number.isFinite(p.sigma)) bad('sigma', p.sigma, '>= 0');
  if (!(p.eta > 0) || !Number.isFinite(p.eta)) bad('eta', p.eta, '> 0');
  if (!(gamma >= 0) || !Number.isFinite(gamma)) bad('gamma', gamma, '>= 0');
  if (!(epsilon >= 0) || !Number.isFinite(epsilon)) bad('epsilon', epsilon, '>= 0');
  if (!(p.lambda >= 0) || !Number.isFinite(p.lambda)) bad('lambda', p.lambda, '>= 0');
  const etaTilde = p.eta - (gamma * p.tau) / 2;
  if (!(etaTilde > 0)) bad('eta', p.eta, `> gamma tau / 2 = ${(gamma * p.tau) / 2} (etaTilde must be positive)`);
  return { X, N: p.periods, tau: p.tau, sigma: p.sigma, eta: p.eta, gamma, epsilon, lambda: p.lambda, etaTilde };
}

/** kappa of the discrete model: acosh(1 + y) with y = tau^2 lambda sigma^2 / (2 etaTilde), over tau. */
function discreteKappa(c: Checked): number {
  const y = (c.tau * c.tau * c.lambda * c.sigma * c.sigma) / (2 * c.etaTilde);
  // acosh(1 + y) = log1p(y + sqrt(y (2 + y))) keeps precision for tiny y.
  return Math.log1p(y + Math.sqrt(y * (2 + y))) / c.tau;
}

/** sinh(a) / sinh(b) for 0 <= a <= b, b > 0, without overflow. */
function sinhRatio(a: number, b: number): number {
  if (b < 20) return Math.sinh(a) / Math.sinh(b);
  return (Math.exp(a - b) * -Math.expm1(-2 * a)) / -Math.expm1(-2 * b);
}

/** E[cost] and Var[cost] of any trajectory x_0..x_N (x_0 = X, x_N = 0) under the model's parameters. */
export function executionCostMoments(holdings: ArrayLike<number>, params: AlmgrenChrissParams): { expectedCost: number; variance: number } {
  const c = check(params);
  if (holdings.length !== c.N + 1) throw new ConfigError(`need ${c.N + 1} holdings for ${c.N} periods, got ${holdings.length}`, { field: 'holdings' });
  let absN = 0;
  let sqN = 0;
  let sqX = 0;
  for (let k = 1; k <= c.N; k++) {
    const n = holdings[k - 1]! - holdings[k]!;
    absN += Math.abs(n);
    sqN += n * n;
    sqX += holdings[k]! * holdings[k]!;
  }
  const expectedCost = 0.5 * c.gamma * c.X * c.X + c.epsilon * absN + (c.etaTilde / c.tau) * sqN;
  return { expectedCost, variance: c.sigma * c.sigma * c.tau * sqX };
}

/** The optimal trajectory x_k = sinh(kappa (T - t_k)) / sinh(kappa T) X, its cost moments and kappa. */
export function almgrenChriss(params: AlmgrenChrissParams): AlmgrenChrissResult {
  const c = check(params);
  const { X, N, tau } = c;
  const kappa = discreteKappa(c);
  const T = N * tau;
  const holdings = new Float64Array(N + 1);
  holdings[0] = X;
  for (let k = 1; k < N; k++) {
    const x = kappa === 0 ? X * (1 - k / N) : X * sinhRatio(kappa * (T - k * tau), kappa * T);
    holdings[k] = Math.min(holdings[k - 1]!, x); // guards monotonicity against last-bit rounding
  }
  holdings[N] = 0;
  const trades = new Float64Array(N);
  for (let k = 1; k <= N; k++) trades[k - 1] = holdings[k - 1]! - holdings[k]!;
  const { expectedCost, variance } = executionCostMoments(holdings, params);
  return {
    kappa,
    kappaContinuous: Math.sqrt((c.lambda * c.sigma * c.sigma) / c.etaTilde),
    etaTilde: c.etaTilde,
    halfLife: kappa === 0 ? Infinity : 1 / kappa,
    holdings,
    trades,
    expectedCost,
    variance,
    objective: expectedCost + c.lambda * variance,
  };
}

/**
 * The paper's closed forms for the optimal trajectory (eq. 20):
 *   E = gamma X^2 / 2 + epsilon X + etaTilde X^2 tanh(kappa tau / 2) (tau sinh(2 kappa T) + 2 T sinh(kappa tau)) / (2 tau^2 sinh^2(kappa T))
 *   V = sigma^2 X^2 (tau sinh(kappa T) cosh(kappa (T - tau)) - T sinh(kappa tau)) / (2 sinh^2(kappa T) sinh(kappa tau))
 * and their lambda -> 0 limits (linear trajectory) E = gamma X^2 / 2 + epsilon X + etaTilde X^2 / T,
 * V = sigma^2 X^2 T (1 - 1/N)(1 - 1/(2N)) / 3, used when kappa T < 1e-4 (cancellation) or kappa T > 300 (overflow: sums instead).
 */
export function almgrenChrissClosedForm(params: AlmgrenChrissParams): { expectedCost: number; variance: number } {
  const c = check(params);
  const { X, N, tau, sigma, gamma, epsilon, etaTilde } = c;
  const kappa = discreteKappa(c);
  const T = N * tau;
  const kT = kappa * T;
  if (kT < 1e-4) {
    return {
      expectedCost: 0.5 * gamma * X * X + epsilon * X + (etaTilde * X * X) / T,
      variance: (sigma * sigma * X * X * T * (1 - 1 / N) * (1 - 1 / (2 * N))) / 3,
    };
  }
  if (kT > 300) {
    const r = almgrenChriss(params);
    return { expectedCost: r.expectedCost, variance: r.variance };
  }
  const sT = Math.sinh(kT);
  const st = Math.sinh(kappa * tau);
  const expectedCost = 0.5 * gamma * X * X + epsilon * X + (etaTilde * X * X * Math.tanh(0.5 * kappa * tau) * (tau * Math.sinh(2 * kT) + 2 * T * st)) / (2 * tau * tau * sT * sT);
  const variance = (0.5 * sigma * sigma * X * X * (tau * sT * Math.cosh(kappa * (T - tau)) - T * st)) / (sT * sT * st);
  return { expectedCost, variance };
}

export interface AlmgrenChrissPlanOptions {
  readonly periods: number;
  readonly sigma: number;
  readonly eta: number;
  readonly gamma?: number;
  readonly epsilon?: number;
  readonly lambda: number;
  /** Interval length in the unit of sigma and eta; default the interval in days ((end - start) / N / 1 day). */
  readonly tau?: number;
  readonly lotSize?: number;
}

export interface AlmgrenChrissPlan extends Schedule {
  /** The continuous-quantity model; the slices are its trades rounded to lots. */
  readonly model: AlmgrenChrissResult;
}

/** An Almgren-Chriss schedule: N equal intervals, slice k trading n_k rounded to lots (sum exact). */
export function planAlmgrenChriss(parent: ParentOrder, opts: AlmgrenChrissPlanOptions): AlmgrenChrissPlan {
  const lotSize = opts.lotSize ?? 1;
  checkParent(parent, lotSize);
  const edges = equalIntervals(parent.startMs, parent.endMs, opts.periods);
  const tau = opts.tau ?? (parent.endMs - parent.startMs) / opts.periods / MS_PER_DAY;
  const model = almgrenChriss({
    shares: parent.qty, periods: opts.periods, tau, sigma: opts.sigma, eta: opts.eta, gamma: opts.gamma, epsilon: opts.epsilon, lambda: opts.lambda,
  });
  return { ...scheduleFromWeights('almgren-chriss', parent, lotSize, edges, model.trades), model };
}
