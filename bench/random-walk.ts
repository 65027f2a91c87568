// Bench data that does not depend on the synthetic generator's tuning: a seeded geometric random walk.
import { Rng } from '../src/core/rng.ts';
import { BarSeries } from '../src/model/bar.ts';

export function randomWalk(symbol: string, bars: number, seed: number, startMs = Date.UTC(2000, 0, 3), stepMs = 60_000): BarSeries {
  const rng = new Rng(seed);
  const s = new BarSeries(symbol, bars, stepMs);
  let price = 100;
  for (let i = 0; i < bars; i++) {
    const open = price;
    const close = Math.max(0.01, open * Math.exp(0.001 * rng.normal()));
    const hi = Math.max(open, close) * (1 + 0.0005 * rng.next());
    const lo = Math.min(open, close) * (1 - 0.0005 * rng.next());
    s.time[i] = startMs + i * stepMs;
    s.open[i] = open;
    s.high[i] = hi;
    s.low[i] = lo;
    s.close[i] = close;
    s.volume[i] = 1000 + Math.floor(rng.next() * 1000);
    price = close;
  }
  return s;
}
