// Engine throughput: SMA cross over 1M bars of one symbol; 100 symbols x 10k bars; memory per loaded bar.
// The SMA cross reads its SMAs as indicator lines, computed over the whole series before the run (the
// default in backtests); a second line gives the same run with the lines folded bar by bar.
// Two more lines break the one-symbol figure down: the engine's own cost per bar (a strategy that does
// nothing) and the cost of one order round trip (market buy, filled next open, closed later).
import { BacktestNode } from '../src/engine/backtest-node.ts';
import { FractionCommission } from '../src/execution/commission.ts';
import { SmaCross } from '../src/strategies/builtin/sma-cross.ts';
import { randomWalk } from './random-walk.ts';
import { bestOf, peakRssMb, type BenchResult } from './types.ts';
import type { BarSeries } from '../src/model/bar.ts';
import { sizers, type Sizer } from '../src/strategies/sizing.ts';
import { Strategy } from '../src/strategies/strategy.ts';
import type { Bar } from '../src/model/bar.ts';
import type { StrategyContext } from '../src/strategies/context.ts';

/** Buys 100 units every `every` bars and closes them `every / 2` bars later (every = NEVER: no trades). */
const NEVER = 2 ** 30;
class Cycle extends Strategy<Record<string, never>> {
  #n = 0;
  constructor(readonly every: number) {
    super({});
  }
  override onBar(bar: Bar, ctx: StrategyContext): void {
    const k = this.#n++ % this.every;
    if (k === 0) ctx.buy(bar.symbol, 100);
    else if (k === this.every >> 1) ctx.close(bar.symbol);
  }
}

function runCycle(series: BarSeries[], every: number): { seconds: number; fills: number } {
  const node = new BacktestNode({ series, cash: 1e9, venue: { commission: new FractionCommission(0.001) }, strategies: [{ strategy: new Cycle(every) }] });
  const out = node.run();
  return { seconds: out.runSeconds, fills: out.kernel.fills.length };
}

function runOnce(series: BarSeries[], sizer?: Sizer, lines: 'whole-series' | 'streaming' = 'whole-series'): number {
  const node = new BacktestNode({
    series, cash: 1e6, venue: { commission: new FractionCommission(0.001) }, sizer, lines,
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
  // The same run with the strategy's SMA lines folded bar by bar, as a live run computes them.
  let streaming = Infinity;
  for (let i = 0; i < 6; i++) streaming = Math.min(streaming, runOnce(one, undefined, 'streaming'));
  out.push({ name: 'engine.sma-cross.1-symbol.streaming-lines', work: '1,000,000 bars, indicator lines folded per bar', seconds: streaming, rate: 1e6 / streaming, peakRssMb: peakRssMb() });

  // Breakdown, interleaved so both see the same machine state: the engine alone, and per order.
  let idle = Infinity;
  let trading = Infinity;
  let fills = 0;
  for (let i = 0; i < 6; i++) {
    idle = Math.min(idle, runCycle(one, NEVER).seconds);
    const c = runCycle(one, 20);
    trading = Math.min(trading, c.seconds);
    fills = c.fills;
  }
  out.push({ name: 'engine.floor.1-symbol', work: '1,000,000 bars, a strategy that does nothing', seconds: idle, rate: 1e6 / idle, nsPerBar: Math.round(idle * 1e4) / 10, peakRssMb: peakRssMb() });
  const perOrder = (trading - idle) / fills;
  out.push({ name: 'engine.order-round-trip', work: `${fills} market orders filled at the next open (buy, then close)`, seconds: trading - idle, rate: 1 / perOrder, unit: 'orders/s', usPerOrder: Math.round(perOrder * 1e8) / 100, peakRssMb: peakRssMb() });

  const many = Array.from({ length: 100 }, (_, i) => randomWalk(`S${i}`, 10_000, 100 + i));
  let multi = Infinity;
  // Each symbol sized at 0.9% of equity (a portfolio of 100 names), so orders are filled, not denied.
  for (let i = 0; i < 6; i++) multi = Math.min(multi, runOnce(many, sizers.pctEquity(0.9)));
  out.push({ name: 'engine.sma-cross.100-symbols', work: '100 x 10,000 bars, pct-equity:0.9 each', seconds: multi, rate: 1e6 / multi, peakRssMb: peakRssMb(), target: '>= 5M bars/s' });

  // Memory of loaded history: what 2M bars add to typed-array memory (exact: the columns), plus the heap
  // objects of a series (a constant per series, read as the average over 1,000 small series: one
  // heap reading wanders by ±150 KB, which over 2M bars alone would be ±0.08 bytes/bar of noise).
  // RSS is noisy too: the allocator may reuse pages freed by the runs above. Typed-array memory is
  // freed by a background sweeper after a collection, so each reading waits for it to settle.
  const bars = 2_000_000;
  const m0 = await settledMemory();
  const held = [randomWalk('MEM', bars, 7)];
  const m1 = await settledMemory();
  const small = await settledMemory();
  const smallSeries: BarSeries[] = Array.from({ length: 1000 }, (_, i) => randomWalk(`M${i}`, 100, i));
  const smallAfter = await settledMemory();
  const heapPerSeries = Math.max(0, smallAfter.heapUsed - small.heapUsed) / smallSeries.length;
  const columns = (m1.arrayBuffers - m0.arrayBuffers) / bars;
  out.push({
    name: 'memory.loaded-history', work: `${bars.toLocaleString('en-US')} bars of ${held[0]!.symbol}`, seconds: 0, rate: columns + heapPerSeries / bars, unit: 'bytes/bar',
    columnBytesPerBar: columns, heapBytesPerSeries: Math.round(heapPerSeries),
    rssBytesPerBar: (m1.rss - m0.rss) / bars, peakRssMb: peakRssMb(), target: '<= 48 bytes/bar',
  });
  return out;
}

/** Memory after full collections, once typed-array memory has stopped shrinking (needs --expose-gc). */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  let last = process.memoryUsage();
  for (let i = 0; i < 20; i++) {
    global.gc?.();
    await new Promise((r) => setTimeout(r, 20));
    const now = process.memoryUsage();
    if (now.arrayBuffers === last.arrayBuffers && now.heapUsed <= last.heapUsed) return now;
    last = now;
  }
  return last;
}
