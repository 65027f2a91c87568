// ctx.execute in a paper node (replay): intents go through the durable client, and the engine feeds the
// algorithm as in a backtest, so the children and fills are the backtest's.
import { describe, expect, it } from 'vitest';
import { ReplayFeed } from '../data/live/replay.ts';
import { BarSeries, type Bar } from '../model/bar.ts';
import { makeInstrument } from '../model/instrument.ts';
import type { AlgoHandle, StrategyContext } from '../strategies/context.ts';
import { Strategy } from '../strategies/strategy.ts';
import { openStore } from '../store/open.ts';
import { BacktestNode } from './backtest-node.ts';
import { LiveNode } from './live-node.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const bars = BarSeries.fromBars('XYZ', Array.from({ length: 12 }, (_, i) => ({ tsEventMs: T0 + i * MIN, open: 100 + i, high: 100.5 + i, low: 99.5 + i, close: 100.2 + i, volume: 5_000 })), MIN);

class Twap extends Strategy<object> {
  handle: AlgoHandle | null = null;
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (bar.tsEventMs === T0 + 2 * MIN) this.handle = ctx.execute('XYZ', 1000, { algo: 'twap', durationMs: 5 * MIN, slices: 5 });
  }
}

describe('ctx.execute in a paper replay', () => {
  it('sends the same children at the same bars and gets the same fills as the backtest', async () => {
    const bt = new Twap({});
    const out = new BacktestNode({ series: [bars], cash: 1e6, strategies: [{ strategy: bt, id: 'twap' }] }).run();
    const store = await openStore({ url: 'memory://' });
    const paper = new Twap({});
    const node = new LiveNode({
      runId: 'exec', instruments: [makeInstrument('XYZ')], store, cash: 1e6, barMs: MIN, strategies: [{ strategy: paper, id: 'twap' }],
      feed: new ReplayFeed({ series: [bars], speed: Infinity }),
    });
    await node.run();
    const fills = (await store.loadFills('exec')).map((f) => [f.tsMs, f.qty, f.price]);
    expect(fills).toEqual(out.kernel.fills.toArray().map((f) => [f.tsMs, f.qty, f.price]));
    expect(fills).toHaveLength(5);
    expect([paper.handle!.state, paper.handle!.filledQty]).toEqual(['done', 1000]);
    await store.close();
  });
});
