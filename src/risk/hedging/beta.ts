// Betas to an index by ordinary least squares, the equal-weight market index, and clusters of
// highly correlated assets. Pure functions over return histories (docs/hedging.md).
import { InputError } from '../../core/errors.ts';
import type { Matrix } from '../var/linalg.ts';
import { mean } from '../var/linalg.ts';
import type { ReturnHistories } from '../var/var.ts';

/** The regression r_asset = alpha + beta × r_index + e over aligned periods. */
export interface BetaFit {
  readonly beta: number;
  readonly alpha: number;
  /** Pearson correlation of the asset with the index. */
  readonly correlation: number;
  /** R² of the regression (= correlation²). */
  readonly r2: number;
  readonly observations: number;
}

/** Which index betas are measured against. */
export type IndexSpec =
  /** The mean return of `symbols` (default: every symbol of the return histories) each period. */
  | { readonly kind: 'equal-weight'; readonly symbols?: readonly string[] }
  /** A named series of the return histories, e.g. an index ETF. */
  | { readonly kind: 'symbol'; readonly symbol: string };

function finiteSeries(xs: ArrayLike<number>, what: string): void {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]!)) throw new InputError(`return ${i} of ${what} is not finite: ${xs[i]}`, { field: what });
  }
}

/**
 * OLS of `y` on `x` with an intercept: beta = cov(x, y) / var(x), alpha = mean(y) − beta × mean(x).
 * Both series must have the same length (≥ 2) and `x` must vary.
 */
export function olsBeta(y: ArrayLike<number>, x: ArrayLike<number>, names: { y?: string; x?: string } = {}): BetaFit {
  const yName = names.y ?? 'asset';
  const xName = names.x ?? 'index';
  const n = x.length;
  if (y.length !== n) throw new InputError(`${yName} has ${y.length} returns, ${xName} has ${n}: they must be aligned`, { field: yName });
  if (n < 2) throw new InputError(`a beta needs at least 2 returns, got ${n}`, { field: yName });
  finiteSeries(y, yName);
  finiteSeries(x, xName);
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let t = 0; t < n; t++) {
    const dx = x[t]! - mx;
    const dy = y[t]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0)) throw new InputError(`the returns of ${xName} do not vary: no beta can be measured against it`, { field: xName });
  const beta = sxy / sxx;
  const correlation = syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
  return { beta, alpha: my - beta * mx, correlation, r2: correlation * correlation, observations: n };
}

/** The index's return series: a named series, or the equal-weight mean of several. */
export function indexReturns(returns: ReturnHistories, index: IndexSpec): Float64Array {
  if (index.kind === 'symbol') {
    const r = Object.hasOwn(returns, index.symbol) ? returns[index.symbol] : undefined;
    if (r === undefined) throw new InputError(`no return history for the index ${index.symbol}`, { field: index.symbol });
    return Float64Array.from(r as ArrayLike<number>);
  }
  const symbols = index.symbols ?? Object.keys(returns);
  if (symbols.length === 0) throw new InputError('the equal-weight index needs at least one return history');
  const series = symbols.map((s) => {
    const r = Object.hasOwn(returns, s) ? returns[s] : undefined;
    if (r === undefined) throw new InputError(`no return history for ${s}`, { field: s });
    return r;
  });
  const n = series[0]!.length;
  const out = new Float64Array(n);
  series.forEach((r, j) => {
    if (r.length !== n) throw new InputError(`return history of ${symbols[j]} has ${r.length} observations, expected ${n} like ${symbols[0]}`, { field: symbols[j]! });
    for (let t = 0; t < n; t++) out[t]! += r[t]!;
  });
  for (let t = 0; t < n; t++) out[t]! /= series.length;
  return out;
}

/** A short label for an index: its symbol, or `equal-weight(A,B,…)`. */
export function indexLabel(returns: ReturnHistories, index: IndexSpec): string {
  return index.kind === 'symbol' ? index.symbol : `equal-weight(${(index.symbols ?? Object.keys(returns)).join(',')})`;
}

/** Pearson correlation matrix of series of equal length (a constant series correlates 0 with others, 1 with itself). */
export function correlationMatrix(series: readonly ArrayLike<number>[]): number[][] {
  const k = series.length;
  const n = k ? series[0]!.length : 0;
  if (k > 0 && n < 2) throw new InputError(`correlation needs at least 2 observations, got ${n}`);
  const dev = series.map((s) => {
    const m = mean(s);
    return Float64Array.from({ length: n }, (_, t) => s[t]! - m);
  });
  const norm = dev.map((d) => Math.sqrt(d.reduce((a, x) => a + x * x, 0)));
  const c: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    c[i]![i] = 1;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += dev[i]![t]! * dev[j]![t]!;
      const d = norm[i]! * norm[j]!;
      c[i]![j] = c[j]![i] = d > 0 ? Math.max(-1, Math.min(1, s / d)) : 0;
    }
  }
  return c;
}

/**
 * Clusters by complete linkage: start with one cluster per asset, and repeatedly merge the two
 * clusters whose least-correlated pair is the most correlated, while that correlation is at least
 * `threshold`. Every pair inside a cluster is then correlated ≥ threshold (no chaining through a
 * middleman, unlike single linkage). Returns index lists, each sorted, in order of first member.
 */
export function clusterByCorrelation(corr: Matrix, threshold: number): number[][] {
  if (!(threshold > -1 && threshold <= 1)) throw new InputError(`cluster threshold must be in (-1, 1], got ${threshold}`, { field: 'clusterThreshold' });
  let clusters: number[][] = corr.map((_, i) => [i]);
  for (;;) {
    let best = -Infinity;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        let link = Infinity;
        for (const a of clusters[i]!) for (const b of clusters[j]!) link = Math.min(link, corr[a]![b]!);
        if (link > best) {
          best = link;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0 || best < threshold) break;
    const merged = [...clusters[bi]!, ...clusters[bj]!].sort((a, b) => a - b);
    clusters = clusters.filter((_, k) => k !== bi && k !== bj);
    clusters.push(merged);
  }
  return clusters.sort((a, b) => a[0]! - b[0]!);
}
