// `sextant stress`: a strategy through the worst windows of its data and through injected shocks.
import { ConfigError } from '../core/errors.ts';
import { runStressTest, type StressOptions, type StressReport } from '../research/stress.ts';
import { parseWindow } from '../research/stress-windows.ts';
import { prepareStrategyRun, stressResultOf, type StrategyFactory, type StrategyRunRequest } from './analysis.ts';
import { parseDateFlag } from './market-data.ts';

export interface StressRequest extends StrategyRunRequest {
  /** `YYYY-MM-DD:YYYY-MM-DD` windows; when none, the `autoWindows` worst drawdowns of the underlying. */
  readonly windows?: readonly string[];
  readonly autoWindows?: number;
  readonly gap?: number | null;
  readonly volK?: number | null;
  readonly droughtVolume?: number | null;
  readonly participation?: number;
  readonly shockBars?: number;
  /** `YYYY-MM-DD` (or ISO time) where shocks start; default chosen from the baseline. */
  readonly shockAt?: string;
}

export interface StressAnalysisReport extends StressReport {
  params: Record<string, unknown>;
}

export async function runStress(req: StressRequest, factory?: StrategyFactory): Promise<StressAnalysisReport> {
  const prep = await prepareStrategyRun(req, factory);
  const windows = req.windows?.length ? req.windows.map((w) => parseWindow(w, '--window')) : undefined;
  const shockAtMs = parseDateFlag(req.shockAt, '--shock-at');
  const series = prep.market.series;
  if (shockAtMs !== undefined && !series.some((s) => s.length > 0 && s.time[0]! < shockAtMs && s.time[s.length - 1]! >= shockAtMs)) {
    throw new ConfigError(`--shock-at ${req.shockAt} is not inside the data (after its first bar, at or before its last)`, { field: '--shock-at' });
  }
  const options: StressOptions = {
    windows, autoWindows: req.autoWindows, gap: req.gap, volK: req.volK, droughtVolume: req.droughtVolume,
    participation: req.participation, shockBars: req.shockBars, shockAtMs,
  };
  const report = runStressTest(series, (data, venue) => stressResultOf(prep.run(data, { volumeCap: venue.volumeCap })), options);
  return { params: prep.params, ...report };
}
