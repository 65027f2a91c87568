// What the HMM observes per bar: the log return and the log of realized volatility over a short window.
// Row i reads bars 0..i only; rows before the first full window are NaN.
import { ConfigError } from '../../core/errors.ts';
import type { BarSeries } from '../../model/bar.ts';
import type { FeatureMatrix } from '../types.ts';

/** Column names of `hmmObservations(bars, volWindow)`: the window is part of the name, so a model fitted on
 * one window refuses observations built with another. */
export function hmmObservationNames(volWindow = 20): string[] {
  return ['logret', `logvol_${volWindow}`];
}

/** Log return and log realized volatility (root mean square of the last `volWindow` log returns). */
export function hmmObservations(bars: BarSeries, volWindow = 20): FeatureMatrix {
  if (!Number.isInteger(volWindow) || volWindow < 2) throw new ConfigError(`HMM volatility window must be an integer >= 2, got ${volWindow}`);
  const n = bars.length;
  const c = bars.close;
  const values = new Float64Array(n * 2).fill(NaN);
  const r = new Float64Array(n).fill(NaN);
  for (let i = 1; i < n; i++) r[i] = Math.log(c[i]! / c[i - 1]!);
  for (let i = volWindow; i < n; i++) {
    // Summed afresh per row (w multiply-adds) so one bad bar cannot poison a running sum for good.
    let sumSq = 0;
    for (let j = i - volWindow + 1; j <= i; j++) sumSq += r[j]! * r[j]!;
    values[i * 2] = r[i]!;
    values[i * 2 + 1] = Math.log(Math.max(Math.sqrt(sumSq / volWindow), 1e-8));
  }
  return { rows: n, cols: 2, names: hmmObservationNames(volWindow), values, time: bars.time.slice(0, n) };
}
