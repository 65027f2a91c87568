// A small market for the hedging tests: three stocks driven by one market factor (betas 1.2, 0.9, 1.5)
// plus their own noise, and the index itself (INDEX), daily bars from epoch 0, seeded.
import { Rng } from '../../src/core/rng.ts';
import { BarSeries } from '../../src/model/bar.ts';

export const DAY = 86_400_000;

export function market(n: number): BarSeries[] {
  const rng = new Rng(21);
  const names = ['AAA', 'BBB', 'CCC', 'INDEX'];
  const betas = [1.2, 0.9, 1.5, 1];
  const px = [50, 80, 30, 100];
  const bars: { tsEventMs: number; open: number; high: number; low: number; close: number; volume: number }[][] = names.map(() => []);
  for (let i = 0; i < n; i++) {
    const m = 0.01 * rng.normal();
    for (let k = 0; k < names.length; k++) {
      const r = betas[k]! * m + (k === 3 ? 0 : 0.004 * rng.normal());
      const o = px[k]!;
      px[k] = o * Math.exp(r);
      bars[k]!.push({ tsEventMs: i * DAY, open: o, high: Math.max(o, px[k]!) * 1.001, low: Math.min(o, px[k]!) * 0.999, close: px[k]!, volume: 1e6 });
    }
  }
  return names.map((s, k) => BarSeries.fromBars(s, bars[k]!, DAY));
}
