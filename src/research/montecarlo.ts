// Monte Carlo of a backtest: many alternative histories made by resampling what the run produced,
// to see how much of its final equity, drawdown and Sharpe was luck of the order and draw.
//   trades   i.i.d. bootstrap of closed trades (with replacement)
//   shuffle  the same trades in a random order (a permutation: compounded final equity is unchanged,
//            only the path, hence the drawdown, moves)
//   returns  stationary (or fixed-length circular) block bootstrap of per-bar returns, keeping
//            volatility clustering and autocorrelation within blocks
// Every path is drawn from one seeded Rng: the same seed gives the same result everywhere.
// Definitions and caveats: docs/montecarlo-and-overfitting.md.
import { ConfigError, InputError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { inferPeriodsPerYear } from '../analytics/periods.ts';
import { MS_PER_YEAR } from '../analytics/returns.ts';
import { isNegligibleVariance } from '../analytics/stats.ts';
import { fixedBlockIndices, iidIndices, permutationIndices, stationaryIndices, type BlockKind } from './montecarlo-bootstrap.ts';
import type { BacktestRunData } from './montecarlo-input.ts';

export type MonteCarloMethod = 'trades' | 'shuffle' | 'returns';
export type ResampleScheme = 'iid' | 'permutation' | BlockKind;

/** What is resampled: a start and a sequence of steps in historical order. */
export interface MonteCarloSample {
  /** Equity before the first step (> 0). */
  readonly startEquity: number;
  /** Simple returns (compounded) or cash PnLs (added), one per step. */
  readonly steps: Float64Array;
  /** Steps are cash PnLs added to equity, not returns. */
  readonly additive: boolean;
  /** Steps per year, to annualize Sharpe (bars per year, or closed trades per year). */
  readonly stepsPerYear: number;
}

export interface MonteCarloOptions {
  readonly scheme: ResampleScheme;
  /** Paths to simulate. Default 10 000. */
  readonly paths?: number;
  /** Seed of the random stream. Default 1. */
  readonly seed?: number;
  /** Block length (mean length for `stationary`). Default 20. Block schemes only. */
  readonly block?: number;
  /** Ruin: equity at or below this fraction of the start at any step. Default 0.5. */
  readonly ruin?: number;
  /** Percentiles of each distribution, in (0, 100). Default 5, 50, 95. */
  readonly percentiles?: readonly number[];
  /** Points of the equity fan (percentiles of equity along the path). Default 21. */
  readonly fanPoints?: number;
}

/** The distribution of one statistic over the paths, beside its historical value. */
export interface Distribution {
  /** The statistic of the historical path (the steps in their original order). */
  historical: number | null;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  /** By name: `p5`, `p50`, `p95`, ... (linear interpolation between order statistics). */
  percentiles: Record<string, number | null>;
  /** Paths where the statistic is defined (Sharpe is not for a path without volatility). */
  defined: number;
  /** Fraction of defined paths at or below the historical value. */
  historicalRank: number | null;
}

export interface MonteCarloResult {
  scheme: ResampleScheme;
  paths: number;
  seed: number;
  /** Block length used (null for trade schemes). */
  block: number | null;
  steps: number;
  additive: boolean;
  stepsPerYear: number;
  startEquity: number;
  ruin: {
    /** Threshold as a fraction of the starting equity. */
    level: number;
    equity: number;
    /** Paths whose equity touched the threshold / paths. */
    probability: number;
    ruinedPaths: number;
    /** Did the historical path touch it? */
    historical: boolean;
  };
  finalEquity: Distribution;
  totalReturn: Distribution;
  /** Worst peak-to-trough fall, a negative fraction. */
  maxDrawdown: Distribution;
  /** Mean / std (ddof 1) of step returns × √stepsPerYear. */
  sharpe: Distribution;
  /** Percentiles of equity after `step` steps, at evenly spaced steps. */
  fan: { step: number; percentiles: Record<string, number> }[];
}

/** Per-path statistics; a path that reaches zero equity stops there (a wiped-out account trades no more). */
class PathStats {
  final = 0;
  maxDrawdown = 0;
  sharpe: number | null = null;
  ruined = false;

  run(sample: MonteCarloSample, idx: Int32Array, ruinEquity: number, fanAt: Int32Array, fanOut: Float64Array, fanBase: number): void {
    const steps = sample.steps;
    const n = idx.length;
    const additive = sample.additive;
    let e = sample.startEquity;
    let peak = e;
    let mdd = 0;
    let ruined = false;
    // Mean and variance of step returns from sums shifted by the first return (stable, no division per step).
    let count = 0;
    let shift = 0;
    let s1 = 0;
    let s2 = 0;
    let sq = 0;
    let f = 0;
    if (fanAt.length > 0 && fanAt[0] === 0) fanOut[fanBase + f++] = e;
    for (let i = 0; i < n; i++) {
      if (e > 0) {
        const x = steps[idx[i]!]!;
        const next = additive ? e + x : e * (1 + x);
        const ne = next > 0 ? next : 0;
        const r = additive || ne === 0 ? ne / e - 1 : x;
        if (count === 0) shift = r;
        count++;
        const d = r - shift;
        s1 += d;
        s2 += d * d;
        sq += r * r;
        e = ne;
        if (e > peak) peak = e;
        else {
          const dd = e / peak - 1;
          if (dd < mdd) mdd = dd;
        }
        if (e <= ruinEquity) ruined = true;
      }
      if (f < fanAt.length && fanAt[f] === i + 1) fanOut[fanBase + f++] = e;
    }
    this.final = e;
    this.maxDrawdown = mdd;
    this.ruined = ruined;
    const variance = count > 1 ? Math.max(0, (s2 - (s1 * s1) / count) / (count - 1)) : NaN;
    const m = shift + s1 / count;
    this.sharpe = count > 1 && !isNegligibleVariance(variance, sq / count) ? (m / Math.sqrt(variance)) * Math.sqrt(sample.stepsPerYear) : null;
  }
}

function checkOptions(sample: MonteCarloSample, o: MonteCarloOptions): { paths: number; seed: number; block: number; ruin: number; percentiles: number[]; fanPoints: number } {
  const paths = o.paths ?? 10_000;
  if (!Number.isSafeInteger(paths) || paths < 1 || paths > 10_000_000) throw new ConfigError(`paths must be an integer in [1, 10000000], got ${paths}`, { field: '--paths' });
  const seed = o.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ConfigError(`seed must be an integer in [0, 4294967295], got ${seed}`, { field: '--seed' });
  const block = o.block ?? 20;
  if (!(block >= 1) || !Number.isFinite(block) || (o.scheme === 'fixed' && !Number.isInteger(block))) {
    throw new ConfigError(`block must be ${o.scheme === 'fixed' ? 'an integer' : 'a number'} >= 1, got ${block}`, { field: '--block' });
  }
  const ruin = o.ruin ?? 0.5;
  if (!(ruin >= 0 && ruin < 1)) throw new ConfigError(`ruin is a fraction of the starting equity in [0, 1), got ${ruin}`, { field: '--ruin' });
  const percentiles = [...(o.percentiles ?? [5, 50, 95])];
  if (percentiles.length === 0) throw new ConfigError('percentiles must not be empty', { field: '--percentiles' });
  for (const p of percentiles) if (!(p > 0 && p < 100)) throw new ConfigError(`percentiles must lie in (0, 100), got ${p}`, { field: '--percentiles' });
  const fanPoints = o.fanPoints ?? 21;
  if (!Number.isSafeInteger(fanPoints) || fanPoints < 0) throw new ConfigError(`fanPoints must be a non-negative integer, got ${fanPoints}`, { field: 'fanPoints' });
  if (sample.steps.length === 0) throw new ConfigError('nothing to resample: the sample has no steps', { field: 'steps' });
  if (!(sample.startEquity > 0)) throw new ConfigError(`starting equity must be positive, got ${sample.startEquity}`, { field: 'startEquity' });
  if (!(sample.stepsPerYear > 0)) throw new ConfigError(`stepsPerYear must be positive, got ${sample.stepsPerYear}`, { field: 'stepsPerYear' });
  return { paths, seed, block, ruin, percentiles, fanPoints };
}

/** Percentile `p` (0..100) of ascending `sorted` by linear interpolation (numpy's default). */
export function percentileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const pos = ((n - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const pKey = (p: number): string => `p${p}`;

function distribution(values: Float64Array, historical: number | null, percentiles: readonly number[]): Distribution {
  const sorted = values.slice().sort();
  const n = sorted.length;
  const pct: Record<string, number | null> = {};
  for (const p of percentiles) pct[pKey(p)] = n === 0 ? null : percentileSorted(sorted, p);
  if (n === 0) return { historical, mean: null, std: null, min: null, max: null, percentiles: pct, defined: 0, historicalRank: null };
  let s = 0;
  for (let i = 0; i < n; i++) s += sorted[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i]! - mean) ** 2;
  let rank: number | null = null;
  if (historical !== null) {
    // Count of values <= historical in the sorted array (upper bound).
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= historical) lo = mid + 1;
      else hi = mid;
    }
    rank = lo / n;
  }
  return { historical, mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : null, min: sorted[0]!, max: sorted[n - 1]!, percentiles: pct, defined: n, historicalRank: rank };
}

/** Simulates `paths` resampled histories of `sample` and summarizes them. */
export function simulate(sample: MonteCarloSample, options: MonteCarloOptions): MonteCarloResult {
  const o = checkOptions(sample, options);
  const n = sample.steps.length;
  const ruinEquity = o.ruin * sample.startEquity;
  const fanAt = fanSteps(n, o.fanPoints);
  const fan = new Float64Array(o.paths * fanAt.length);
  const finals = new Float64Array(o.paths);
  const mdds = new Float64Array(o.paths);
  const sharpes = new Float64Array(o.paths);
  let sharpeCount = 0;
  let ruined = 0;
  const rng = new Rng(o.seed);
  const idx = new Int32Array(n);
  const path = new PathStats();
  for (let p = 0; p < o.paths; p++) {
    switch (options.scheme) {
      case 'iid':
        iidIndices(rng, n, idx);
        break;
      case 'permutation':
        permutationIndices(rng, idx);
        break;
      case 'stationary':
        stationaryIndices(rng, n, o.block, idx);
        break;
      case 'fixed':
        fixedBlockIndices(rng, n, o.block, idx);
        break;
    }
    path.run(sample, idx, ruinEquity, fanAt, fan, p * fanAt.length);
    finals[p] = path.final;
    mdds[p] = path.maxDrawdown;
    if (path.sharpe !== null) sharpes[sharpeCount++] = path.sharpe;
    if (path.ruined) ruined++;
  }
  const hist = new PathStats();
  hist.run(sample, Int32Array.from({ length: n }, (_, i) => i), ruinEquity, new Int32Array(0), new Float64Array(0), 0);
  const start = sample.startEquity;
  const returns = finals.map((e) => e / start - 1);
  const fanOut = Array.from(fanAt, (step, j) => {
    const col = new Float64Array(o.paths);
    for (let p = 0; p < o.paths; p++) col[p] = fan[p * fanAt.length + j]!;
    col.sort();
    const percentiles: Record<string, number> = {};
    for (const q of o.percentiles) percentiles[pKey(q)] = percentileSorted(col, q);
    return { step, percentiles };
  });
  return {
    scheme: options.scheme,
    paths: o.paths,
    seed: o.seed,
    block: options.scheme === 'stationary' || options.scheme === 'fixed' ? o.block : null,
    steps: n,
    additive: sample.additive,
    stepsPerYear: sample.stepsPerYear,
    startEquity: start,
    ruin: { level: o.ruin, equity: ruinEquity, probability: ruined / o.paths, ruinedPaths: ruined, historical: hist.ruined },
    finalEquity: distribution(finals, hist.final, o.percentiles),
    totalReturn: distribution(returns, hist.final / start - 1, o.percentiles),
    maxDrawdown: distribution(mdds, hist.maxDrawdown, o.percentiles),
    sharpe: distribution(sharpes.subarray(0, sharpeCount), hist.sharpe, o.percentiles),
    fan: fanOut,
  };
}

/** Up to `points` evenly spaced step counts from 0 to n, ascending and distinct. */
function fanSteps(n: number, points: number): Int32Array {
  if (points === 0) return new Int32Array(0);
  if (points === 1) return Int32Array.of(n);
  const set = new Set<number>();
  for (let j = 0; j < points; j++) set.add(Math.round((j * n) / (points - 1)));
  return Int32Array.from([...set].sort((a, b) => a - b));
}

/** Per-bar simple returns of the run's equity curve; bars per year inferred from the times. */
export function returnSample(run: BacktestRunData): MonteCarloSample {
  const eq = run.equity;
  if (eq.length < 2) throw new InputError(`the equity curve has ${eq.length} point(s); resampling returns needs at least 2`, { file: run.file, field: 'equity' });
  const steps = new Float64Array(eq.length - 1);
  for (let i = 1; i < eq.length; i++) steps[i - 1] = eq[i]! / eq[i - 1]! - 1;
  return { startEquity: eq[0]!, steps, additive: false, stepsPerYear: inferPeriodsPerYear(run.timeMs) };
}

/**
 * Closed trades in exit order, as returns on the closed-trade equity before each trade (compounded;
 * fits percent-of-equity sizing) or as cash PnLs (added; fits fixed-quantity sizing). Trades per
 * year annualize Sharpe (one per trade when the run spans no time).
 */
export function tradeSample(run: BacktestRunData, unit: 'return' | 'pnl' = 'return'): MonteCarloSample {
  const trades = run.trades;
  if (trades.length === 0) throw new InputError('no closed trades to resample; use --method returns', { file: run.file, field: 'trades' });
  const steps = new Float64Array(trades.length);
  let e = run.startEquity;
  for (let i = 0; i < trades.length; i++) {
    const pnl = trades[i]!.pnl;
    if (unit === 'pnl') steps[i] = pnl;
    else {
      if (!(e > 0)) throw new InputError(`closed-trade equity is ${e} before this trade, so trade returns are undefined (use --trade-unit pnl)`, { file: run.file, field: `trades[${i}].pnl` });
      steps[i] = pnl / e;
    }
    e += pnl;
  }
  const t = run.timeMs;
  const years = t.length > 1 ? (t[t.length - 1]! - t[0]!) / MS_PER_YEAR : 0;
  return { startEquity: run.startEquity, steps, additive: unit === 'pnl', stepsPerYear: years > 0 ? trades.length / years : 1 };
}

export interface MonteCarloRunOptions extends Omit<MonteCarloOptions, 'scheme'> {
  readonly method: MonteCarloMethod;
  /** For `returns`: stationary (default) or fixed-length blocks. */
  readonly blockKind?: BlockKind;
  /** For `trades` and `shuffle`: trade returns (default) or cash PnLs. */
  readonly tradeUnit?: 'return' | 'pnl';
}

export interface MonteCarloReport extends MonteCarloResult {
  method: MonteCarloMethod;
  source: { file: string; trades: number; bars: number; finalValue: number | null };
}

/** Monte Carlo of a parsed backtest run by one of the three methods. */
export function monteCarloOfRun(run: BacktestRunData, o: MonteCarloRunOptions): MonteCarloReport {
  const method = o.method;
  let sample: MonteCarloSample;
  let scheme: ResampleScheme;
  switch (method) {
    case 'returns':
      sample = returnSample(run);
      scheme = o.blockKind ?? 'stationary';
      break;
    case 'trades':
    case 'shuffle':
      sample = tradeSample(run, o.tradeUnit ?? 'return');
      scheme = method === 'trades' ? 'iid' : 'permutation';
      break;
    default:
      throw new ConfigError(`method must be trades, shuffle or returns, got "${String(method)}"`, { field: '--method' });
  }
  const result = simulate(sample, { ...o, scheme });
  return { method, ...result, source: { file: run.file, trades: run.trades.length, bars: run.equity.length, finalValue: run.finalValue } };
}
