// Test runners: a runner whose trial Sharpe ratio is a known function of the params, with per-bar
// returns drawn around that Sharpe (so CSCV and the deflated Sharpe ratio have data to work on).
import { computeMetrics } from '../../src/analytics/metrics.ts';
import { Rng } from '../../src/core/rng.ts';
import { blockMoments } from '../../src/research/pbo.ts';
import type { EvaluateRequest, Params, Runner, TrialMetrics, TrialOutcome } from '../../src/research/types.ts';
import { MS_PER_DAY } from '../../src/core/time.ts';

export const T0 = Date.UTC(2020, 0, 1);

export interface FunctionRunner extends Runner {
  /** Parameter sets evaluated, in order (curve re-runs included). */
  readonly calls: Params[];
}

/** Per-bar returns with mean sharpe/√252 × 1% and std 1%, seeded by the params. */
export function returnsFor(p: Params, sharpe: number, bars: number): Float64Array {
  let seed = 17;
  for (const [k, v] of Object.entries(p).sort()) for (const ch of `${k}=${String(v)}`) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) >>> 0;
  const rng = new Rng(seed);
  const mu = (sharpe / Math.sqrt(252)) * 0.01;
  return Float64Array.from({ length: bars }, () => mu + 0.01 * rng.normal());
}

/**
 * With `realized`, the metrics are computeMetrics of the drawn curve (a noise trial gets a lucky or
 * unlucky Sharpe ratio); otherwise the Sharpe ratio is exactly sharpeOf(params).
 */
export function functionRunner(sharpeOf: (p: Params) => number | null, bars = 400, realized = false): FunctionRunner {
  const timeline = Float64Array.from({ length: bars }, (_, i) => T0 + i * MS_PER_DAY);
  const calls: Params[] = [];
  const one = (p: Params, req: EvaluateRequest): TrialOutcome => {
    calls.push(p);
    const s = sharpeOf(p);
    const ret = returnsFor(p, s ?? 0, bars - 1);
    const equity = new Float64Array(bars);
    equity[0] = 100_000;
    for (let i = 1; i < bars; i++) equity[i] = equity[i - 1]! * (1 + ret[i - 1]!);
    const m = computeMetrics({ timeMs: timeline, equity, periodsPerYear: 252 });
    const metrics: TrialMetrics = realized ? {
      finalValue: equity[bars - 1]!, totalReturn: m.totalReturn, cagr: m.cagr, annualVolatility: m.annualVolatility, sharpe: m.sharpe, sortino: m.sortino,
      maxDrawdown: m.maxDrawdown, calmar: m.calmar, tradeCount: 10, periodsPerYear: 252, bars,
    } : {
      finalValue: equity[bars - 1]!, totalReturn: equity[bars - 1]! / equity[0]! - 1, cagr: null, annualVolatility: 0.16, sharpe: s, sortino: s,
      maxDrawdown: -0.1, calmar: null, tradeCount: 10, periodsPerYear: 252, bars,
    };
    return { metrics, moments: req.blocks > 0 ? blockMoments(ret, req.blocks) : null, ...(req.keepCurve ? { curve: { timeMs: timeline, equity } } : {}) };
  };
  return { timeline, calls, evaluate: (ps, req) => Promise.resolve(ps.map((p) => one(p, req))) };
}
