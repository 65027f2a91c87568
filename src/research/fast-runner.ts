// A Runner over the fast sweep kernel (sma-cross and rsi on one series), evaluating batches of
// parameter sets in parallel worker threads over shared memory.
import { InputError } from '../core/errors.ts';
import { RULE_PARAMS, runRecorded, type SweepRule, type SweepSeries, type SweepSettings } from './fast-sweep.ts';
import { ParallelSweep } from './parallel-sweep.ts';
import type { EvaluateRequest, Params, Runner, TimeWindow, TrialOutcome } from './types.ts';

export interface FastRunnerOptions {
  readonly rule: SweepRule;
  readonly series: SweepSeries;
  readonly settings: SweepSettings;
  /** Indicator periods to precompute (others are added on first use). */
  readonly periods?: Iterable<number>;
  /** Worker threads (default: available parallelism; 0 = in-process). */
  readonly threads?: number;
}

export interface FastRunner extends Runner {
  readonly sweep: ParallelSweep;
  close(): Promise<void>;
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The parameter row of a set, in RULE_PARAMS order; every value must be a number. */
export function paramRow(rule: SweepRule, p: Params): number[] {
  return RULE_PARAMS[rule].map((name) => {
    const v = p[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${rule} needs a number for ${name}, got ${String(v)}`, { field: `param ${name}` });
    return v;
  });
}

export async function createFastRunner(o: FastRunnerOptions): Promise<FastRunner> {
  const sweep = await ParallelSweep.create(o.rule, [o.series], o.periods ?? [], { threads: o.threads });
  const width = RULE_PARAMS[o.rule].length;
  const indices = (w: TimeWindow | undefined): { from: number; to: number } =>
    w === undefined ? { from: 0, to: o.series.close.length } : { from: lowerBound(o.series.time, w.fromMs), to: lowerBound(o.series.time, w.toMs) };
  return {
    sweep,
    timeline: o.series.time,
    async evaluate(params: readonly Params[], req: EvaluateRequest): Promise<TrialOutcome[]> {
      const rows = new Float64Array(params.length * width);
      const periods = new Set<number>();
      params.forEach((p, i) => {
        const row = paramRow(o.rule, p);
        rows.set(row, i * width);
        periods.add(row[0]!);
        if (o.rule === 'sma-cross') periods.add(row[1]!);
      });
      await sweep.ensurePeriods(periods);
      const res = await sweep.run(rows, { window: req.window, settings: o.settings, blocks: req.blocks });
      return params.map((p, i) => {
        const outcome: TrialOutcome = { metrics: res.metricsOf(0, i), moments: res.momentsOf(0, i) };
        if (!req.keepCurve) return outcome;
        const w = indices(req.window);
        const rec = runRecorded(o.rule, o.series, paramRow(o.rule, p), o.settings, w);
        return { ...outcome, curve: { timeMs: o.series.time.slice(w.from, w.to), equity: Float64Array.from(rec.equity) } };
      });
    },
    close: () => sweep.close(),
  };
}
