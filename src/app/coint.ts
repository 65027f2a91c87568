// `sextant coint`: unit-root tests of each log-price series and the Engle-Granger test of the pair,
// over the dates both series have (statsmodels' adfuller(autolag='AIC', regression='c') and coint).
import { ConfigError } from '../core/errors.ts';
import { toIso } from '../core/time.ts';
import type { BarSeries } from '../model/bar.ts';
import { adfuller, coint, type AdfResult, type CointResult } from '../analytics/stationarity/index.ts';
import { loadMarketData } from './market-data.ts';

export interface CointReport {
  series: { symbol: string; source: string; bars: number; adf: { stat: number; pValue: number; usedLag: number; nobs: number; criticalValues: AdfResult['criticalValues'] } }[];
  overlap: { bars: number; from: string; to: string };
  engleGranger: { stat: number; pValue: number; criticalValues: CointResult['criticalValues']; hedgeRatio: number; intercept: number; usedLag: number | null };
}

/** Closes of `a` and `b` on the times both have, as log prices. */
export function alignLogCloses(a: BarSeries, b: BarSeries): { time: number[]; x: Float64Array; y: Float64Array } {
  const time: number[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ta = a.time[i]!;
    const tb = b.time[j]!;
    if (ta === tb) {
      time.push(ta);
      xs.push(Math.log(a.close[i]!));
      ys.push(Math.log(b.close[j]!));
      i++;
      j++;
    } else if (ta < tb) i++;
    else j++;
  }
  return { time, x: Float64Array.from(xs), y: Float64Array.from(ys) };
}

export function runCoint(sources: readonly string[], opts: { skipBadRows?: boolean } = {}): CointReport {
  if (sources.length !== 2) throw new ConfigError(`coint needs exactly two --data sources, got ${sources.length}`, { field: '--data' });
  const loaded = sources.map((s) => loadMarketData([s], { skipBadRows: opts.skipBadRows ?? false }).series);
  if (loaded.some((l) => l.length !== 1)) throw new ConfigError('each --data source for coint must hold one series', { field: '--data' });
  const [a, b] = [loaded[0]![0]!, loaded[1]![0]!];
  const series = [a, b].map((s, k) => {
    const r = adfuller(Float64Array.from(s.close, Math.log), { regression: 'c', autolag: 'AIC' });
    return { symbol: s.symbol, source: sources[k]!, bars: s.length, adf: { stat: r.stat, pValue: r.pValue, usedLag: r.usedLag, nobs: r.nobs, criticalValues: r.criticalValues } };
  });
  const al = alignLogCloses(a, b);
  if (al.time.length < 20) throw new ConfigError(`the two series overlap on ${al.time.length} dates; coint needs at least 20`, { field: '--data' });
  const eg = coint(al.x, al.y, { trend: 'c', autolag: 'AIC' });
  return {
    series,
    overlap: { bars: al.time.length, from: toIso(al.time[0]!), to: toIso(al.time[al.time.length - 1]!) },
    engleGranger: { stat: eg.stat, pValue: eg.pValue, criticalValues: eg.criticalValues, hedgeRatio: eg.hedgeRatio, intercept: eg.intercept, usedLag: eg.usedLag },
  };
}
