// `sextant indicator`: an indicator over one data source, values aligned with the bars.
import { ConfigError } from '../core/errors.ts';
import { runIndicator, type IndicatorRun } from '../indicators/run.ts';
import { listIndicators } from '../indicators/registry.ts';
import { loadMarketData } from './market-data.ts';

export interface IndicatorRequest {
  readonly name: string;
  readonly data: string;
  readonly params: Readonly<Record<string, string>>;
  /** A second series for pair indicators (correlation, beta, crossover). */
  readonly other?: string;
  readonly skipBadRows?: boolean;
}

export function runIndicatorRequest(req: IndicatorRequest): IndicatorRun {
  const main = loadMarketData([req.data], { skipBadRows: req.skipBadRows ?? false }).series;
  if (main.length !== 1) throw new ConfigError(`--data must hold one series for an indicator, it holds ${main.length}`, { field: '--data' });
  const series = main[0]!;
  const other = req.other === undefined ? undefined : loadMarketData([req.other], { skipBadRows: req.skipBadRows ?? false }).series[0];
  if (other !== undefined && other.length !== series.length) {
    throw new ConfigError(`--other has ${other.length} bars, --data ${series.length}: they must be aligned bar for bar`, { field: '--other' });
  }
  return runIndicator(req.name, req.params, series, { other });
}

export { listIndicators };
