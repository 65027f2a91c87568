// The operator's view of a paper node's orders comes from the order cache: a bracket's children held by the
// OrderEmulator are listed under the strategy's ids, and nothing under the ids of orders it released.
import { describe, expect, it } from 'vitest';
import { ReplayFeed } from '../data/live/replay.ts';
import { LiveNode } from '../engine/live-node.ts';
import { BarSeries, type Bar } from '../model/bar.ts';
import { makeInstrument } from '../model/instrument.ts';
import type { StrategyContext } from '../strategies/context.ts';
import { Strategy } from '../strategies/strategy.ts';
import { openStore } from '../store/open.ts';
import { PaperNodeControl } from './paper-control.ts';

const DAY = 86_400_000;

class OneBracket extends Strategy<object> {
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (ctx.openOrders('XYZ').length === 0 && ctx.position('XYZ').qty === 0) ctx.bracket({ symbol: 'XYZ', side: 'buy', qty: 10, entryLimit: bar.close - 20, takeProfit: bar.close + 10, stopLoss: bar.close - 30 });
  }
}

describe('PaperNodeControl.orders', () => {
  it("lists the strategy's working orders, bracket children held by the emulator included", async () => {
    const store = await openStore({ url: 'memory://' });
    const series = BarSeries.fromBars('XYZ', Array.from({ length: 3 }, (_, i) => ({ tsEventMs: Date.UTC(2020, 0, 1) + i * DAY, open: 100, high: 101, low: 99, close: 100, volume: 1e5 })), DAY);
    const node = new LiveNode({
      runId: 'r', instruments: [makeInstrument('XYZ')], store, cash: 100_000, strategies: [{ strategy: new OneBracket({}), id: 'b' }],
      feed: () => new ReplayFeed({ series: [series], speed: Infinity }),
    });
    await node.run();
    const control = new PaperNodeControl(node, store, 'r', ['b']);
    expect(control.orders().map((o) => [o.clientOrderId, o.type, o.status])).toEqual([['r-1', 'limit', 'accepted'], ['r-1-tp', 'limit', 'accepted'], ['r-1-sl', 'stop', 'accepted']]);
    // The venue works the entry only; the children wait in the emulator for it to fill.
    expect(node.venue.workingOrders().map((o) => o.id)).toEqual(['r-1']);
    await store.close();
  });
});
