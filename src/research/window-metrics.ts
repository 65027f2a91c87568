// Trial metrics of an equity curve over [from, to), computed with exactly the operations of
// `computeMetrics` (so the fast kernel and the engine agree to the bit), plus the block moments of
// the per-bar returns for CSCV. Allocation-free: the caller passes scratch arrays.
import { calmarRatio } from '../analytics/risk-ratios.ts';
import { cagrFrom, yearsBetween } from '../analytics/returns.ts';
import { isNegligibleVariance } from '../analytics/stats.ts';
import { blockBounds } from './pbo.ts';
import type { TrialMetrics } from './types.ts';

/** Numeric row layout of TrialMetrics (null stored as NaN) used between workers and the main thread. */
export const METRIC_FIELDS = ['finalValue', 'totalReturn', 'cagr', 'annualVolatility', 'sharpe', 'sortino', 'maxDrawdown', 'calmar', 'tradeCount', 'periodsPerYear', 'bars'] as const;
export const METRIC_COUNT = METRIC_FIELDS.length;

/** Pass-one sums of the per-bar returns of a window, as `computeMetrics` accumulates them. */
export class ReturnSums {
  sumX = 0;
  sumSq = 0;
  downSq = 0;
  /** Worst drawdown so far (<= 0). */
  mdd = 0;
  reset(): void {
    this.sumX = 0;
    this.sumSq = 0;
    this.downSq = 0;
    this.mdd = 0;
  }
}

/**
 * Pass one over equity[from..to): the returns into `ret` (ret[i - from - 1] for bar i) and the sums,
 * in `computeMetrics`' order of operations. (The fast kernel does the same inside its bar loop.)
 */
export function returnPass(equity: Float64Array, from: number, to: number, ret: Float64Array, acc: ReturnSums): void {
  acc.reset();
  let peak = to > from ? equity[from]! : NaN;
  for (let i = from + 1; i < to; i++) {
    const e = equity[i]!;
    const x = e / equity[i - 1]! - 1 - 0;
    ret[i - from - 1] = x;
    acc.sumX += x;
    acc.sumSq += x * x;
    if (x < 0) acc.downSq += x * x;
    if (e >= peak) peak = e;
    else {
      const dd = e / peak - 1;
      if (dd < acc.mdd) acc.mdd = dd;
    }
  }
}

/**
 * Finishes the metrics of a window of n = to − from bars from its pass-one sums and returns
 * (pass two: the variance around the mean, and the block moments when `blocks` > 0), writing
 * METRIC_COUNT values (NaN for null) into `row` at `at` and 3 × blocks moments into `moments` at `mAt`.
 */
export function finishMetrics(
  timeMs: Float64Array, first: number, last: number, from: number, to: number, ppy: number, tradeCount: number,
  acc: ReturnSums, ret: Float64Array, row: Float64Array, at: number, blocks: number, moments: Float64Array | null, mAt: number,
): void {
  const n = to - from;
  const nr = n - 1;
  const m = n > 1 ? acc.sumX / (n - 1) : NaN;
  let ss = 0;
  if (blocks > 0 && moments !== null && nr > 0) {
    const b = blockBounds(nr, blocks);
    for (let k = 0; k < blocks; k++) {
      let s = 0;
      let sq = 0;
      const hi = b[k + 1]!;
      for (let i = b[k]!; i < hi; i++) {
        const v = ret[i]!;
        const d = v - m;
        ss += d * d;
        s += v;
        sq += v * v;
      }
      moments[mAt + 3 * k] = hi - b[k]!;
      moments[mAt + 3 * k + 1] = s;
      moments[mAt + 3 * k + 2] = sq;
    }
  } else {
    for (let i = 0; i < nr; i++) {
      const d = ret[i]! - m;
      ss += d * d;
    }
    if (blocks > 0 && moments !== null) moments.fill(0, mAt, mAt + 3 * blocks);
  }
  const years = n > 0 ? yearsBetween(timeMs[from]!, timeMs[to - 1]!) : 0;
  const variance = nr >= 2 ? ss / (nr - 1) : NaN;
  const flat = !(nr >= 2) || isNegligibleVariance(variance, acc.sumSq / nr);
  const annualVolatility = nr >= 2 ? (flat ? 0 : Math.sqrt(variance) * Math.sqrt(ppy)) : NaN;
  const sharpe = flat ? NaN : (m / Math.sqrt(variance)) * Math.sqrt(ppy);
  const sortino = nr >= 1 && acc.downSq > 0 ? (m * ppy) / (Math.sqrt(acc.downSq / nr) * Math.sqrt(ppy)) : NaN;
  const cagr = n > 1 ? cagrFrom(first, last, years) : null;
  const maxDrawdown = n > 0 ? acc.mdd : null;
  row[at] = n > 0 ? last : NaN;
  row[at + 1] = n > 0 ? last / first - 1 : NaN;
  row[at + 2] = cagr ?? NaN;
  row[at + 3] = annualVolatility;
  row[at + 4] = sharpe;
  row[at + 5] = sortino;
  row[at + 6] = maxDrawdown ?? NaN;
  row[at + 7] = calmarRatio(cagr, maxDrawdown) ?? NaN;
  row[at + 8] = tradeCount;
  row[at + 9] = ppy;
  row[at + 10] = n;
}

const nn = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** Reads a metrics row written by `writeWindowMetrics`. */
export function readMetrics(row: Float64Array, at: number): TrialMetrics {
  return {
    finalValue: row[at]!,
    totalReturn: nn(row[at + 1]!),
    cagr: nn(row[at + 2]!),
    annualVolatility: nn(row[at + 3]!),
    sharpe: nn(row[at + 4]!),
    sortino: nn(row[at + 5]!),
    maxDrawdown: nn(row[at + 6]!),
    calmar: nn(row[at + 7]!),
    tradeCount: row[at + 8]!,
    periodsPerYear: row[at + 9]!,
    bars: row[at + 10]!,
  };
}
