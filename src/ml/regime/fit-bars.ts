// Fitting the regime HMM straight from a bar series: its observations (log return, log realized
// volatility) built, warm-up skipped, states numbered by ascending mean return (orderBy 1: by volatility).
import type { BarSeries } from '../../model/bar.ts';
import { type HmmFitConfig, type HmmFitResult, fitGaussianHmm } from './hmm-fit.ts';
import { hmmObservations } from './observations.ts';

/** Fits a regime HMM over `bars` (fit on a training window only: the filter may run on later bars). */
export function fitRegimeHmm(bars: BarSeries, config: HmmFitConfig & { volWindow?: number } = {}): HmmFitResult {
  const { volWindow, ...fit } = config;
  const obs = hmmObservations(bars, volWindow);
  return fitGaussianHmm(obs.values, obs.rows, obs.names, fit);
}
