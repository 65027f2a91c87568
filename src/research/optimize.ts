// Parameter optimization: grid, seeded random and TPE search over a space, any objective, constraints
// (invalid parameter sets are skipped and counted), a results table sorted by the objective, and the
// two overfitting checks every report carries: the deflated Sharpe ratio of the best trial (number
// of trials = parameter sets evaluated, variance of their Sharpe ratios) and the probability of
// backtest overfitting by CSCV over the trials' per-bar returns.
import { deflatedSharpeRatio } from '../analytics/sharpe-inference.ts';
import { ConfigError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import type { Constraint } from './constraints.ts';
import type { Objective } from './objective.ts';
import { chooseBlocks, cscvFromMoments } from './pbo.ts';
import { formatSpace, gridPoints, gridSize, paramsKey, samplePoint, type ParamSpace } from './space.ts';
import { TpeSampler, type Observation, type TpeOptions } from './tpe.ts';
import type { Params, ProgressFn, Runner, TimeWindow, TrialMetrics, TrialOutcome } from './types.ts';

export type SearchMethod = 'grid' | 'random' | 'tpe';
export const SEARCH_METHODS: readonly SearchMethod[] = ['grid', 'random', 'tpe'];

export interface OptimizeOptions {
  readonly space: ParamSpace;
  readonly objective: Objective;
  readonly method?: SearchMethod;
  /** Parameter sets to evaluate for random and tpe (default 100); grid runs the whole grid. */
  readonly trials?: number;
  readonly seed?: number;
  /** Parameter sets that fail are skipped and counted. */
  readonly constraint?: Constraint;
  /** Params added to every set (not searched). */
  readonly fixed?: Params;
  readonly window?: TimeWindow;
  /** CSCV blocks (even); default chosen from the trial count (see chooseBlocks). */
  readonly pboBlocks?: number;
  /** Skip the deflated Sharpe ratio and PBO (walk-forward folds). */
  readonly analyze?: boolean;
  /** Random draws before TPE starts modelling (default min(trials, max(10, trials / 10))). */
  readonly startupTrials?: number;
  readonly tpe?: TpeOptions;
  /** Parameter sets per runner call for grid and random (default: the runner's, else 512). */
  readonly batchSize?: number;
  readonly onProgress?: ProgressFn;
}

export interface TrialRow {
  /** Evaluation order, from 1. */
  readonly id: number;
  readonly params: Params;
  readonly score: number | null;
  readonly metrics: TrialMetrics;
}

export interface OptimizationReport {
  readonly method: SearchMethod;
  readonly objective: string;
  readonly space: string;
  readonly seed: number;
  /** Parameter sets evaluated (the trial count of the deflated Sharpe ratio). */
  readonly evaluated: number;
  /** Parameter sets skipped by a constraint: grid points, random draws, or TPE proposals. */
  readonly skipped: number;
  readonly skippedReasons: Record<string, number>;
  /** Every evaluated trial, best score first (unscored trials last). */
  readonly trials: TrialRow[];
  readonly best: TrialRow | null;
  readonly deflatedSharpe: {
    readonly dsr: number | null;
    readonly sharpe: number | null;
    readonly expectedMaxSharpe: number;
    readonly numTrials: number;
    readonly trialSharpeVariance: number;
  } | null;
  readonly pbo: {
    readonly pbo: number;
    readonly blocks: number;
    readonly combinations: number;
    readonly meanLogit: number;
    readonly probOosLoss: number;
    readonly degradationSlope: number | null;
  } | null;
  readonly seconds: number;
}

/** Number of bars the runner measures in `window` (all of its timeline when absent). */
export function barsIn(timeline: Float64Array, window?: TimeWindow): number {
  if (window === undefined) return timeline.length;
  let n = 0;
  for (const t of timeline) if (t >= window.fromMs && t < window.toMs) n++;
  return n;
}

function sampleVariance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
}

/** Runs a search with `runner` and builds the report. */
export async function optimize(runner: Runner, o: OptimizeOptions): Promise<OptimizationReport> {
  const t0 = performance.now();
  const method = o.method ?? 'grid';
  if (!SEARCH_METHODS.includes(method)) throw new ConfigError(`unknown method "${String(method)}"; use grid, random or tpe`, { field: '--method' });
  const seed = o.seed ?? 1;
  const space = o.space;
  const fixed = o.fixed ?? {};
  const constraint = o.constraint ?? (() => null);
  const skippedReasons: Record<string, number> = {};
  let skipped = 0;
  const valid = (p: Params): boolean => {
    const reason = constraint({ ...fixed, ...p });
    if (reason === null) return true;
    skipped++;
    skippedReasons[reason] = (skippedReasons[reason] ?? 0) + 1;
    return false;
  };

  const size = gridSize(space);
  let gridValid: Params[] | null = null;
  if (method === 'grid') {
    if (size > 5_000_000) throw new ConfigError(`the grid has ${size} points; use --method random or tpe, or coarser steps`, { field: '--space' });
    gridValid = [...gridPoints(space)].filter(valid);
  }
  const requested = o.trials ?? 100;
  if (method !== 'grid' && !(Number.isInteger(requested) && requested >= 1)) throw new ConfigError(`trials must be a positive integer, got ${requested}`, { field: '--trials' });
  const target = gridValid !== null ? gridValid.length : Math.min(requested, size);
  if (target === 0) throw new ConfigError('no parameter set in the space passes the constraints', { field: '--space' });

  const analyze = o.analyze ?? true;
  const bars = barsIn(runner.timeline, o.window);
  const blocks = analyze ? (o.pboBlocks ?? chooseBlocks(target, bars - 1)) : 0;
  if (blocks !== 0 && !(blocks >= 2 && blocks % 2 === 0)) throw new ConfigError(`PBO blocks must be an even number >= 2, got ${blocks}`, { field: '--pbo-blocks' });

  const done: { params: Params; outcome: TrialOutcome; score: number | null }[] = [];
  const seen = new Set<string>();
  const evaluate = async (batch: Params[]): Promise<void> => {
    if (batch.length === 0) return;
    const full = batch.map((p) => ({ ...fixed, ...p }));
    const outcomes = await runner.evaluate(full, { window: o.window, blocks, keepCurve: false });
    outcomes.forEach((outcome, i) => done.push({ params: full[i]!, outcome, score: o.objective.score(outcome.metrics) }));
    o.onProgress?.(done.length, target);
  };
  const batchSize = Math.max(1, o.batchSize ?? runner.batchSize ?? 512);
  const rng = new Rng(seed);

  if (gridValid !== null) {
    for (let i = 0; i < gridValid.length; i += batchSize) await evaluate(gridValid.slice(i, i + batchSize));
  } else {
    // Random draws (all of random search; the start of TPE), distinct where the space is discrete.
    const startup = method === 'random' ? target : Math.min(target, o.startupTrials ?? Math.max(10, Math.ceil(target / 10)));
    const draws: Params[] = [];
    let attempts = 0;
    const maxAttempts = 100 * target + 1000;
    while (draws.length < startup && attempts++ < maxAttempts) {
      const p = samplePoint(space, rng);
      const key = paramsKey(space, p);
      if (seen.has(key)) continue;
      if (!valid(p)) {
        seen.add(key);
        continue;
      }
      seen.add(key);
      draws.push(p);
    }
    for (let i = 0; i < draws.length; i += batchSize) await evaluate(draws.slice(i, i + batchSize));
    if (method === 'tpe') {
      const sampler = new TpeSampler(space, rng, o.tpe);
      const history: Observation[] = done.map((d) => ({ params: d.params, score: d.score }));
      const rejected = new Set<string>();
      while (done.length < target) {
        const accept = (p: Params): boolean => {
          const key = paramsKey(space, p);
          if (seen.has(key) || rejected.has(key)) return false;
          if (!valid(p)) {
            rejected.add(key);
            return false;
          }
          return true;
        };
        let next = sampler.suggest(history, accept);
        // Nothing new and valid among the model's candidates: fall back to a random draw.
        for (let tries = 0; next === null && tries < 1000; tries++) {
          const p = samplePoint(space, rng);
          if (accept(p)) next = p;
        }
        if (next === null) break;
        seen.add(paramsKey(space, next));
        const before = done.length;
        await evaluate([next]);
        for (let i = before; i < done.length; i++) history.push({ params: done[i]!.params, score: done[i]!.score });
      }
    }
  }

  const trials: TrialRow[] = done.map((d, i) => ({ id: i + 1, params: d.params, score: d.score, metrics: d.outcome.metrics }));
  const order = trials.map((_, i) => i).sort((a, b) => (trials[b]!.score ?? -Infinity) - (trials[a]!.score ?? -Infinity) || a - b);
  const sorted = order.map((i) => trials[i]!);
  const best = sorted.length > 0 && sorted[0]!.score !== null ? sorted[0]! : null;

  let deflated: OptimizationReport['deflatedSharpe'] = null;
  let pbo: OptimizationReport['pbo'] = null;
  if (analyze && best !== null) {
    const sharpes = trials.map((t) => t.metrics.sharpe).filter((s): s is number => s !== null);
    const variance = sampleVariance(sharpes);
    const [curve] = await runner.evaluate([best.params], { window: o.window, blocks: 0, keepCurve: true });
    const eq = curve!.curve!.equity;
    const returns = new Float64Array(Math.max(0, eq.length - 1));
    for (let i = 1; i < eq.length; i++) returns[i - 1] = eq[i]! / eq[i - 1]! - 1;
    const d = deflatedSharpeRatio(returns, { numTrials: trials.length, trialSharpeVariance: variance, periodsPerYear: best.metrics.periodsPerYear });
    deflated = { ...d, numTrials: trials.length, trialSharpeVariance: variance };
    const moments = done.map((x) => x.outcome.moments).filter((m): m is Float64Array => m !== null);
    if (moments.length >= 2 && moments.length === done.length && bars - 1 >= blocks) {
      const r = cscvFromMoments(moments, blocks);
      pbo = { pbo: r.pbo, blocks: r.blocks, combinations: r.combinations, meanLogit: r.meanLogit, probOosLoss: r.probOosLoss, degradationSlope: r.degradationSlope };
    }
  }
  return {
    method, objective: o.objective.name, space: formatSpace(space), seed, evaluated: trials.length, skipped, skippedReasons,
    trials: sorted, best, deflatedSharpe: deflated, pbo, seconds: (performance.now() - t0) / 1000,
  };
}
