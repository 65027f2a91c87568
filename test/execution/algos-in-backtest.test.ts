// Execution algorithms inside a real backtest: a strategy works a parent order through AlgoDesk over
// ctx (kernel -> risk -> simulated venue), on bars and on the synthetic market's L2 books.
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/model/bar.ts';
import { BarSeries } from '../../src/model/bar.ts';
import type { OrderEvent } from '../../src/model/events.ts';
import type { OrderBookSnapshot } from '../../src/model/market.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import { generateL2 } from '../../src/data/synthetic-l2.ts';
import { AlgoDesk } from '../../src/execution/algos/desk.ts';
import { makeAlgo, type AlgoSpec } from '../../src/execution/algos/factory.ts';
import { uShapedProfile } from '../../src/execution/algos/profile.ts';
import { BacktestNode } from '../../src/engine/backtest-node.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

/** Starts one parent order on its first market event and lets the desk work it. */
class WorkParent extends Strategy<{ spec: (startMs: number) => AlgoSpec }> {
  desk: AlgoDesk | null = null;
  override onStart(ctx: StrategyContext): void {
    this.desk = new AlgoDesk(ctx);
  }
  #begin(tsMs: number): void {
    if (this.desk!.algos().length === 0) this.desk!.add(makeAlgo(this.config.spec(tsMs), this.desk!));
  }
  override onBar(bar: Bar): void {
    this.#begin(bar.tsEventMs);
    this.desk!.onBar(bar);
  }
  override onBook(book: OrderBookSnapshot): void {
    this.#begin(book.tsEventMs);
    this.desk!.onBook(book);
  }
  override onOrderEvent(e: OrderEvent): void {
    this.desk!.onOrderEvent(e);
  }
}

function minuteBars(n: number, volume: number): BarSeries {
  return BarSeries.fromBars('XYZ', Array.from({ length: n }, (_, i) => {
    const open = 100 + 0.05 * i;
    return { tsEventMs: T0 + i * MIN, open, high: open + 0.3, low: open - 0.3, close: open + 0.02, volume };
  }), MIN);
}

describe('execution algorithms in a backtest', () => {
  it.each([
    ['twap', { algo: 'twap', slices: 10 }],
    ['vwap', { algo: 'vwap', slices: 10, profile: uShapedProfile({ bucketMs: MIN, openMs: 14.5 * 3_600_000, closeMs: 21 * 3_600_000 }) }],
  ] as const)('%s: children fill the whole parent over the window through risk and the venue', (_name, extra) => {
    const strategy = new WorkParent({
      spec: (startMs) => ({ ...(extra as object), parent: { id: 'P1', symbol: 'XYZ', side: 'buy', qty: 1000, startMs, endMs: startMs + 10 * MIN }, participationCap: 0.1 }) as AlgoSpec,
    });
    const out = new BacktestNode({ series: [minuteBars(30, 5_000)], cash: 1_000_000, strategies: [{ strategy, id: 'algo' }] }).run();
    const fills = out.kernel.fills.toArray();
    expect(fills.reduce((s, f) => s + f.qty, 0)).toBe(1000);
    expect(out.kernel.portfolio.position('XYZ').qty).toBe(1000);
    // Spread over several bars, never more than 10% of a bar's 5,000 volume in one bar.
    const perBar = new Map<number, number>();
    for (const f of fills) perBar.set(f.tsMs, (perBar.get(f.tsMs) ?? 0) + f.qty);
    expect(perBar.size).toBeGreaterThanOrEqual(2);
    for (const q of perBar.values()) expect(q).toBeLessThanOrEqual(500);
    expect(Math.max(...fills.map((f) => f.tsMs))).toBeLessThanOrEqual(T0 + 12 * MIN);
  });

  it('works a parent against the synthetic L2 books (tick-only run)', () => {
    const l2 = generateL2({ seed: 4, symbol: 'XYZ', steps: 600, levels: 5, tickSize: 0.01, stepMs: 1000, startMs: T0 });
    const strategy = new WorkParent({
      spec: (startMs) => ({ algo: 'twap', slices: 5, parent: { id: 'B1', symbol: 'XYZ', side: 'buy', qty: 50, startMs, endMs: startMs + 300_000 }, participationCap: null }) as AlgoSpec,
    });
    const out = new BacktestNode({
      series: [], ticks: l2.events, instruments: [makeInstrument('XYZ', { assetClass: 'crypto', tickSize: 0.01, lotSize: 1, minQty: 1 })],
      cash: 1_000_000, strategies: [{ strategy, id: 'algo' }],
    }).run();
    expect(out.kernel.fills.toArray().reduce((s, f) => s + f.qty, 0)).toBe(50);
    expect(new Set(out.kernel.fills.map((f) => f.tsMs)).size).toBeGreaterThanOrEqual(2);
  });
});
