// Warm-up: a live node replays the feed's recent history into its strategies before trading, so an
// indicator that needs 30 bars is ready at the first live bar; nothing ordered during the warm-up is sent.
import { describe, expect, it } from 'vitest';
import type { LiveFeed, MarketSink, WarmupBar } from '../data/live/feed.ts';
import { SMA } from '../indicators/index.ts';
import type { Bar } from '../model/bar.ts';
import { makeInstrument } from '../model/instrument.ts';
import type { StrategyContext } from '../strategies/context.ts';
import { Strategy } from '../strategies/strategy.ts';
import { openStore } from '../store/open.ts';
import { LiveNode } from './live-node.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 15);

/** Buys 1 on every bar once its 30-bar average exists; remembers the average at each bar. */
class Eager extends Strategy<object> {
  readonly sma = new SMA(30);
  readonly seen: (number | null)[] = [];
  override onBar(bar: Bar, ctx: StrategyContext): void {
    const v = this.sma.update(bar.close);
    this.seen.push(v);
    if (v !== null) ctx.buy('XYZ', 1);
  }
}

class HistoryFeed implements LiveFeed {
  readonly name = 'history';
  sink: MarketSink | null = null;
  asked = 0;
  #end: (() => void) | null = null;
  async warmup(bars: number): Promise<WarmupBar[]> {
    this.asked = bars;
    return Array.from({ length: bars }, (_, i) => ({ symbol: 'XYZ', tsMs: T0 + i * MIN, open: 100 + i, high: 101 + i, low: 99 + i, close: 100 + i, volume: 10 }));
  }
  start(sink: MarketSink): Promise<void> {
    this.sink = sink;
    return new Promise((r) => (this.#end = r));
  }
  stop(): void {
    this.#end?.();
  }
}

describe('warm-up before live trading', () => {
  it('replays recent bars so indicators are ready at the first live bar, and sends nothing ordered meanwhile', async () => {
    const store = await openStore({ url: 'memory://' });
    const feed = new HistoryFeed();
    const strategy = new Eager({});
    const node = new LiveNode({ runId: 'w', instruments: [makeInstrument('XYZ')], store, cash: 1e6, strategies: [{ strategy, id: 'eager' }], feed, matchOn: 'bars', barMs: MIN, warmupBars: 40 });
    await node.restore();
    const done = node.trade();
    while (feed.sink === null) await new Promise((r) => setTimeout(r, 2));
    expect(feed.asked).toBe(40);
    expect(node.status().warmup).toEqual({ bars: 40, ordersSkipped: 11 });
    expect(node.status().orders).toBe(0);
    expect(strategy.seen.filter((v) => v !== null)).toHaveLength(11);
    // The first live bar: the average is there at once, and its order is sent.
    feed.sink.onBar('XYZ', T0 + 40 * MIN, 140, 141, 139, 140, 10);
    await feed.sink.settled?.();
    // The last 30 closes: 111..139 from the warm-up, then 140.
    expect(strategy.seen.at(-1)).toBeCloseTo((((111 + 139) * 29) / 2 + 140) / 30, 9);
    expect(node.status().orders).toBe(1);
    // A bar the warm-up already had is not taken twice.
    feed.sink.onBar('XYZ', T0 + 39 * MIN, 139, 140, 138, 139, 10);
    expect(node.status().barsSeen).toBe(1);
    await node.stop();
    await done;
    await store.close();
  });
});
