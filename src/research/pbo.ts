// Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV, Bailey,
// Borwein, López de Prado & Zhu 2015).
//
// The per-bar returns of N trials over T bars (an N x T matrix) are cut into S consecutive blocks
// (S even). For each of the C(S, S/2) ways to pick half the blocks as the training set (the other
// half is the test set):
//   1. measure every trial on the training blocks and take the best one, n*;
//   2. measure every trial on the test blocks; ω = rank of n* among them / (N + 1), ranks 1..N from
//      the worst, ties sharing the average rank;
//   3. λ = ln(ω / (1 − ω)).
// PBO = share of combinations with λ <= 0: how often the in-sample winner is no better than the
// median trial out of sample. The default measure is the Sharpe ratio of the concatenated blocks,
// which only needs each block's moments (n, Σr, Σr²), so trials are reduced to S x 3 numbers.
import { InputError } from '../core/errors.ts';

export interface CscvResult {
  /** Probability of backtest overfitting: share of logits <= 0. */
  readonly pbo: number;
  readonly blocks: number;
  readonly combinations: number;
  readonly trials: number;
  /** λ per combination, in enumeration order. */
  readonly logits: Float64Array;
  /** Mean λ. */
  readonly meanLogit: number;
  /** Per combination: the train-best trial's measure in sample and out of sample. */
  readonly inSample: Float64Array;
  readonly outOfSample: Float64Array;
  /** Share of combinations where the train-best trial's test measure is below zero. */
  readonly probOosLoss: number;
  /** Slope of OLS out-of-sample on in-sample measure across combinations (performance degradation). */
  readonly degradationSlope: number | null;
}

/** Boundaries of S nearly equal consecutive blocks over `n` items: S + 1 ascending indices. */
export function blockBounds(n: number, blocks: number): Int32Array {
  const b = new Int32Array(blocks + 1);
  for (let k = 0; k <= blocks; k++) b[k] = Math.floor((k * n) / blocks);
  return b;
}

/** [n, Σx, Σx²] of each of `blocks` consecutive blocks of `x` (3 x blocks values). */
export function blockMoments(x: ArrayLike<number>, blocks: number, out: Float64Array = new Float64Array(3 * blocks)): Float64Array {
  const b = blockBounds(x.length, blocks);
  for (let k = 0; k < blocks; k++) {
    let s = 0;
    let sq = 0;
    for (let i = b[k]!; i < b[k + 1]!; i++) {
      const v = x[i]!;
      s += v;
      sq += v * v;
    }
    out[3 * k] = b[k + 1]! - b[k]!;
    out[3 * k + 1] = s;
    out[3 * k + 2] = sq;
  }
  return out;
}

/** Sharpe ratio (per period, sample std) from pooled moments; 0 without variance and mean. */
export function sharpeFromMoments(n: number, s: number, sq: number): number {
  if (n < 2) return 0;
  const mean = s / n;
  const variance = (sq - s * mean) / (n - 1);
  if (!(variance > 1e-24 * (sq / n))) return mean === 0 ? 0 : mean > 0 ? Infinity : -Infinity;
  return mean / Math.sqrt(variance);
}

/** All k-subsets of 0..n-1 as bit masks, in lexicographic order. */
export function combinations(n: number, k: number): number[] {
  const out: number[] = [];
  const idx = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    let mask = 0;
    for (const i of idx) mask |= 1 << i;
    out.push(mask);
    let j = k - 1;
    while (j >= 0 && idx[j] === n - k + j) j--;
    if (j < 0) return out;
    idx[j]!++;
    for (let i = j + 1; i < k; i++) idx[i] = idx[i - 1]! + 1;
  }
}

export function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/**
 * The largest even S <= `max` (default 16) with C(S, S/2) x trials <= `budget` measures, so a
 * large study stays fast; at least 2. Also at most bars / 4 so every block holds some bars.
 */
export function chooseBlocks(trials: number, bars: number, max = 16, budget = 2e7): number {
  let s = max - (max % 2);
  while (s > 2 && (binomial(s, s / 2) * Math.max(1, trials) > budget || s * 4 > bars)) s -= 2;
  return Math.max(2, s);
}

/**
 * CSCV over block moments: `moments[i]` holds trial i's [n, Σr, Σr²] for each of `blocks` blocks,
 * all trials cut at the same bars. The measure is the Sharpe ratio of the pooled blocks.
 */
export function cscvFromMoments(moments: readonly Float64Array[], blocks: number): CscvResult {
  const n = moments.length;
  checkShape(n, blocks);
  for (const m of moments) if (m.length !== 3 * blocks) throw new InputError(`each trial needs ${3 * blocks} block moments, got ${m.length}`, { field: 'moments' });
  return run(n, blocks, (mask, out) => {
    for (let i = 0; i < n; i++) {
      const m = moments[i]!;
      let c = 0;
      let s = 0;
      let sq = 0;
      for (let k = 0; k < blocks; k++) {
        if ((mask & (1 << k)) === 0) continue;
        c += m[3 * k]!;
        s += m[3 * k + 1]!;
        sq += m[3 * k + 2]!;
      }
      out[i] = sharpeFromMoments(c, s, sq);
    }
  });
}

/**
 * CSCV over a returns matrix (one Float64Array of per-bar returns per trial, equal lengths) with
 * any measure of the concatenated blocks (default: the Sharpe ratio).
 */
export function cscv(returns: readonly Float64Array[], opts: { blocks?: number; measure?: (r: Float64Array) => number } = {}): CscvResult {
  const n = returns.length;
  const t = returns[0]?.length ?? 0;
  for (const r of returns) if (r.length !== t) throw new InputError('every trial needs the same number of returns', { field: 'returns' });
  const blocks = opts.blocks ?? chooseBlocks(n, t);
  checkShape(n, blocks);
  if (t < blocks) throw new InputError(`${t} returns cannot make ${blocks} blocks`, { field: 'blocks' });
  const measure = opts.measure;
  if (measure === undefined) return cscvFromMoments(returns.map((r) => blockMoments(r, blocks)), blocks);
  const bounds = blockBounds(t, blocks);
  const buf = new Float64Array(t);
  return run(n, blocks, (mask, out) => {
    for (let i = 0; i < n; i++) {
      const r = returns[i]!;
      let len = 0;
      for (let k = 0; k < blocks; k++) {
        if ((mask & (1 << k)) === 0) continue;
        buf.set(r.subarray(bounds[k]!, bounds[k + 1]!), len);
        len += bounds[k + 1]! - bounds[k]!;
      }
      out[i] = measure(buf.subarray(0, len));
    }
  });
}

function checkShape(trials: number, blocks: number): void {
  if (trials < 2) throw new InputError(`CSCV needs at least 2 trials, got ${trials}`, { field: 'trials' });
  if (!(blocks >= 2 && blocks % 2 === 0 && blocks <= 30)) throw new InputError(`blocks must be even, from 2 to 30; got ${blocks}`, { field: 'blocks' });
}

function run(n: number, blocks: number, measureAll: (mask: number, out: Float64Array) => void): CscvResult {
  const full = (1 << blocks) - 1;
  const combos = combinations(blocks, blocks / 2);
  const train = new Float64Array(n);
  const test = new Float64Array(n);
  const logits = new Float64Array(combos.length);
  const inSample = new Float64Array(combos.length);
  const outOfSample = new Float64Array(combos.length);
  let below = 0;
  let losses = 0;
  combos.forEach((mask, c) => {
    measureAll(mask, train);
    measureAll(full & ~mask, test);
    let best = 0;
    for (let i = 1; i < n; i++) if (train[i]! > train[best]!) best = i;
    const v = test[best]!;
    let less = 0;
    let equal = 0;
    for (let i = 0; i < n; i++) {
      if (i === best) continue;
      if (test[i]! < v) less++;
      else if (test[i]! === v) equal++;
    }
    const rank = 1 + less + equal / 2;
    const omega = rank / (n + 1);
    const lambda = Math.log(omega / (1 - omega));
    logits[c] = lambda;
    inSample[c] = train[best]!;
    outOfSample[c] = v;
    if (lambda <= 0) below++;
    if (v < 0) losses++;
  });
  let sum = 0;
  for (const l of logits) sum += l;
  return {
    pbo: below / combos.length, blocks, combinations: combos.length, trials: n, logits, meanLogit: sum / combos.length,
    inSample, outOfSample, probOosLoss: losses / combos.length, degradationSlope: slope(inSample, outOfSample),
  };
}

function slope(x: Float64Array, y: Float64Array): number | null {
  const n = x.length;
  let mx = 0;
  let my = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) continue;
    mx += x[i]!;
    my += y[i]!;
    k++;
  }
  if (k < 2) return null;
  mx /= k;
  my /= k;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) continue;
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : null;
}
