// The emulator wired into a node as the live node would wire it: the node's client is the emulator over a
// "broker" that takes market and limit orders only (a narrowed SimulatedVenue with its own quotes), the kernel
// feeds the emulator its quotes (`kernel.emulator`), and the strategy's exit attachments come
// back to the portfolio and the strategy as if the broker had them.
import { describe, expect, it } from 'vitest';
import type { ExecutionSink } from '../../src/execution/execution-client.ts';
import { OrderEmulator } from '../../src/execution/order-emulator.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue } from '../../src/execution/simulated-venue.ts';
import { TradingNode } from '../../src/engine/node.ts';
import type { Bar } from '../../src/model/bar.ts';
import { makeInstrument, roundPrice } from '../../src/model/instrument.ts';
import type { QuoteTick } from '../../src/model/market.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { MARKET_LIMIT_ONLY } from './emulator-harness.ts';

const X = makeInstrument('X', { tickSize: 0.01 });

/** Buys 10 with a 2% stop-loss and a 5% take-profit on its first quote. */
class Entry extends Strategy {
  seen: string[] = [];
  override onBar(_bar: Bar, _ctx: StrategyContext): void {}
  override onQuote(q: QuoteTick, ctx: StrategyContext): void {
    if (this.seen.length === 0) {
      this.seen.push('entered');
      ctx.buy(q.symbol, 10, { exits: { stopLoss: { pct: 2 }, takeProfit: { pct: 5 } } });
    }
  }
}

describe('OrderEmulator in a node', () => {
  it('exits on a market+limit broker: placed, triggered and booked into the portfolio', () => {
    let broker!: SimulatedVenue;
    let emu!: OrderEmulator;
    let now = Date.UTC(2024, 0, 2, 14, 30);
    const node = new TradingNode({
      kind: 'live', data: { kind: 'pushed', barMs: 60_000, matchOn: 'quotes' }, instruments: [X], clock: { nowMs: () => now },
      strategies: [{ strategy: new Entry({}) }],
      execution: {
        client: (_venue, sink: ExecutionSink) => {
          emu = new OrderEmulator(sink, { roundPrice: (_s, p) => roundPrice(X, p) });
          broker = new SimulatedVenue({ ...DEFAULT_VENUE_CONFIG, dailyBars: false }, emu, { rejectReason: () => null, positionQty: () => node.kernel.portfolio.position('X').qty }, { name: 'broker', capabilities: MARKET_LIMIT_ONLY, clock: () => now });
          broker.addInstrument(X);
          return emu.attach(broker);
        },
      },
    });
    node.kernel.emulator = emu;
    node.start();
    const quote = (bid: number): void => {
      now += 1000;
      const q: QuoteTick = { symbol: 'X', tsEventMs: now, bid, ask: bid + 0.1, bidSize: 1e6, askSize: 1e6 };
      node.onQuote(q);
      broker.onQuote(0, q);
    };
    quote(100); // the entry goes out (released as O-1-E1) and fills at the ask
    expect(broker.workingOrders().map((o) => o.id)).toEqual(['O-1-tp-E1']);
    quote(99); // nothing
    quote(98); // stop-loss at 98.1 (100.1 × 0.98): triggered, sold at the bid; the take-profit is canceled at the broker
    const k = node.kernel;
    expect(k.fills.toArray().map((f) => [f.orderId, f.side, f.qty, f.price])).toEqual([['O-1', 'buy', 10, 100.1], ['O-1-sl', 'sell', 10, 98]]);
    expect(k.portfolio.position('X').qty).toBe(0);
    expect(k.orderCache.get('O-1-tp')!.status).toBe('canceled');
    expect(k.orderCache.get('O-1-sl')!.status).toBe('filled');
    expect(k.execution.anomalies).toEqual({ duplicates: 0, outOfOrder: 0, unknown: 0 });
    expect(broker.workingOrders()).toEqual([]);
  });
});
