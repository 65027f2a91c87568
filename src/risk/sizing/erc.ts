// Equal risk contribution (risk parity) weights: each position contributes the same share of
// portfolio variance. Solved by cyclical coordinate descent on the convex problem
// min ½ yᵀΣy − Σ bᵢ ln yᵢ (y > 0), whose solution normalized to Σw = 1 has risk contributions
// wᵢ(Σw)ᵢ proportional to the budgets b (Griveau-Billion, Richard and Roncalli 2013).
import { InputError } from '../../core/errors.ts';
import { floorToLot } from './sizing.ts';

export interface ErcOptions {
  /** Risk budgets (positive, normalized internally); equal budgets when omitted. */
  readonly budgets?: readonly number[];
  /** Stop when every risk-contribution share is within this of its budget (default 1e-12). */
  readonly tolerance?: number;
  /** Sweep limit (default 10 000). */
  readonly maxIterations?: number;
}

export interface ErcResult {
  /** Long-only weights summing to 1. */
  readonly weights: number[];
  /** Each position's share of portfolio variance, wᵢ(Σw)ᵢ / wᵀΣw (sums to 1). */
  readonly riskShares: number[];
  /** Portfolio volatility √(wᵀΣw) of the weights, in the units of the covariance. */
  readonly volatility: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Risk-parity weights for a covariance matrix (symmetric, positive semi-definite, positive diagonal). */
export function equalRiskContribution(cov: readonly (readonly number[])[], opts: ErcOptions = {}): ErcResult {
  const n = cov.length;
  if (n === 0) throw new InputError('equalRiskContribution needs at least one asset');
  for (let i = 0; i < n; i++) {
    const row = cov[i]!;
    if (row.length !== n) throw new InputError(`covariance row ${i} has ${row.length} entries, expected ${n}`);
    if (!(row[i]! > 0)) throw new InputError(`variance of asset ${i} must be positive, got ${row[i]}`);
    for (let j = 0; j < n; j++) {
      if (!Number.isFinite(row[j]!)) throw new InputError(`covariance [${i}][${j}] is not finite`);
      if (Math.abs(row[j]! - cov[j]![i]!) > 1e-12 * Math.max(Math.abs(row[j]!), Math.abs(cov[j]![i]!), 1e-300)) {
        throw new InputError(`covariance is not symmetric at [${i}][${j}]`);
      }
    }
  }
  const raw = opts.budgets ?? new Array<number>(n).fill(1);
  if (raw.length !== n || raw.some((b) => !(b > 0 && Number.isFinite(b)))) throw new InputError(`budgets must be ${n} positive numbers`);
  const bSum = raw.reduce((s, b) => s + b, 0);
  const b = raw.map((x) => x / bSum);
  const tol = opts.tolerance ?? 1e-12;
  const maxIterations = opts.maxIterations ?? 10_000;

  // Start from inverse-volatility weights, exact for a diagonal covariance.
  const y = cov.map((row, i) => Math.sqrt(b[i]! / row[i]!));
  const sy = new Array<number>(n).fill(0); // Σy, kept up to date
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sy[i]! += cov[i]![j]! * y[j]!;

  const shares = (): number[] => {
    let total = 0;
    for (let i = 0; i < n; i++) total += y[i]! * sy[i]!;
    return y.map((yi, i) => (yi * sy[i]!) / total);
  };

  let iterations = 0;
  let converged = false;
  for (;;) {
    const s = shares();
    if (s.every((si, i) => Math.abs(si - b[i]!) <= tol)) {
      converged = true;
      break;
    }
    if (iterations >= maxIterations) break;
    iterations++;
    for (let i = 0; i < n; i++) {
      const sii = cov[i]![i]!;
      const c = sy[i]! - sii * y[i]!; // Σ_{j≠i} Σij yj
      // Positive root of Σii yi² + c yi − bi = 0.
      const next = (-c + Math.sqrt(c * c + 4 * sii * b[i]!)) / (2 * sii);
      const d = next - y[i]!;
      if (d !== 0) {
        for (let k = 0; k < n; k++) sy[k]! += cov[k]![i]! * d;
        y[i] = next;
      }
    }
  }
  const sum = y.reduce((s, v) => s + v, 0);
  const weights = y.map((v) => v / sum);
  let variance = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) variance += weights[i]! * cov[i]![j]! * weights[j]!;
  return { weights, riskShares: shares(), volatility: Math.sqrt(variance), iterations, converged };
}

export interface WeightsToQtyInput {
  /** Capital to allocate. */
  readonly equity: number;
  readonly weights: readonly number[];
  readonly prices: readonly number[];
  /** One lot size for all, or one per position. */
  readonly lotSize: number | readonly number[];
}

/** Quantities for target weights: ⌊equity × wᵢ / priceᵢ⌋ in lots (never above the capital). */
export function weightsToQty(i: WeightsToQtyInput): number[] {
  if (i.weights.length !== i.prices.length) throw new InputError(`${i.weights.length} weights but ${i.prices.length} prices`);
  return i.weights.map((w, k) => {
    const price = i.prices[k]!;
    if (!(price > 0)) throw new InputError(`price ${k} must be positive, got ${price}`, { field: 'prices' });
    const lot = typeof i.lotSize === 'number' ? i.lotSize : i.lotSize[k];
    if (lot === undefined) throw new InputError(`no lot size for position ${k}`, { field: 'lotSize' });
    return floorToLot((Math.max(i.equity, 0) * w) / price, lot);
  });
}
