// Engine throughput: SMA cross over 1M bars of one symbol; 100 symbols x 10k bars; memory per loaded bar.
import { BacktestNode } from '../src/engine/backtest-node.ts';
import { FractionCommission } from '../src/execution/commission.ts';
import { SmaCross } from '../src/strategies/builtin/sma-cross.ts';
import { randomWalk } from './random-walk.ts';
import { bestOf, peakRssMb, type BenchResult } from './types.ts';
import type { BarSeries } from '../src/model/bar.ts';
import { sizers, type Sizer } from '../src/strategies/sizing.ts';

function runOnce(series: BarSeries[], sizer?: Sizer): number {
  const node = new BacktestNode({
    series, cash: 1e6, venue: { commission: new FractionCommission(0.001) }, sizer,
    strategies: [{ strategy: new SmaCross({ fast: 10, slow: 30 }) }],
  });
  return node.run().runSeconds;
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const one = [randomWalk('ONE', 1_000_000, 1)];
  let engine = Infinity;
  bestOf(1, () => undefined);
  for (let i = 0; i < 6; i++) engine = Math.min(engine, runOnce(one));
  out.push({ name: 'engine.sma-cross.1-symbol', work: '1,000,000 bars', seconds: engine, rate: 1e6 / engine, peakRssMb: peakRssMb(), target: '>= 10M bars/s' });

  const many = Array.from({ length: 100 }, (_, i) => randomWalk(`S${i}`, 10_000, 100 + i));
  let multi = Infinity;
  // Each symbol sized at 0.9% of equity (a portfolio of 100 names), so orders are filled, not denied.
  for (let i = 0; i < 6; i++) multi = Math.min(multi, runOnce(many, sizers.pctEquity(0.9)));
  out.push({ name: 'engine.sma-cross.100-symbols', work: '100 x 10,000 bars, pct-equity:0.9 each', seconds: multi, rate: 1e6 / multi, peakRssMb: peakRssMb(), target: '>= 5M bars/s' });

  // Memory of loaded history: what 2M bars add to typed-array and heap memory (exact), and to RSS
  // (noisy: the allocator may reuse pages freed by the runs above).
  global.gc?.();
  const m0 = process.memoryUsage();
  const held = [randomWalk('MEM', 2_000_000, 7)];
  global.gc?.();
  const m1 = process.memoryUsage();
  const allocated = m1.arrayBuffers - m0.arrayBuffers + (m1.heapUsed - m0.heapUsed);
  out.push({
    name: 'memory.loaded-history', work: `2,000,000 bars of ${held[0]!.symbol}`, seconds: 0, rate: allocated / 2_000_000, unit: 'bytes/bar',
    rssBytesPerBar: (m1.rss - m0.rss) / 2_000_000, peakRssMb: peakRssMb(), target: '<= 48 bytes/bar',
  });
  return out;
}
