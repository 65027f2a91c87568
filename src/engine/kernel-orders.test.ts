// The kernel reads orders from its ExecutionEngine's cache, never from the venue: orders still in flight
// at a client that sends later (as paper trading's durable client does) are working orders too.
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../core/clock.ts';
import type { Bar } from '../model/bar.ts';
import { makeInstrument } from '../model/instrument.ts';
import type { Order } from '../model/order.ts';
import type { OrderRoute } from '../execution/execution-engine.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue } from '../execution/simulated-venue.ts';
import { Portfolio } from '../portfolio/portfolio.ts';
import { RiskEngine, type PreTradeCheck } from '../risk/risk-engine.ts';
import type { StrategyContext } from '../strategies/context.ts';
import type { OrderView } from '../strategies/order-view.ts';
import { sizers } from '../strategies/sizing.ts';
import { Strategy } from '../strategies/strategy.ts';
import { dayMs, flat, series } from '../../test/helpers/bars.ts';
import { Feed } from './feed.ts';
import { Kernel } from './kernel.ts';

/** Holds orders until `flush()`, like a client that persists an intent before the venue sees it. */
class QueueingClient implements OrderRoute {
  readonly #queue: Order[] = [];
  readonly #canceledQueued: Order[] = [];
  constructor(readonly venue: SimulatedVenue) {}
  submit(order: Order): void {
    this.#queue.push(order);
  }
  cancel(orderId: string, nowMs: number, reason?: string): void {
    const i = this.#queue.findIndex((o) => o.id === orderId);
    if (i < 0) return this.venue.cancel(orderId, nowMs, reason);
    this.#canceledQueued.push(...this.#queue.splice(i, 1));
  }
  flush(nowMs: number): void {
    for (const o of this.#queue.splice(0)) this.venue.submit(o, nowMs);
    for (const o of this.#canceledQueued.splice(0)) {
      this.venue.submit(o, nowMs);
      this.venue.cancel(o.id, nowMs, 'canceled before it was sent');
    }
  }
}

type Step = (ctx: StrategyContext, bar: Bar) => void;

class Script extends Strategy {
  #i = 0;
  constructor(readonly steps: Record<number, Step>) {
    super({});
  }
  override onBar(bar: Bar, ctx: StrategyContext): void {
    this.steps[this.#i++]?.(ctx, bar);
  }
}

function setup(steps: Record<number, Step>, extraChecks: PreTradeCheck[] = []): { kernel: Kernel; client: QueueingClient; bar: (i: number) => void } {
  const clock = new SimulatedClock();
  const portfolio = new Portfolio({ type: 'cash', startingCash: 100_000 });
  const kernel = new Kernel({ clock, portfolio, risk: new RiskEngine({}, extraChecks), defaultSizer: sizers.pctCash(95) });
  const venue = new SimulatedVenue(DEFAULT_VENUE_CONFIG, kernel, kernel);
  const client = new QueueingClient(venue);
  kernel.attachVenue(venue, client);
  const s = series(flat(10));
  const inst = makeInstrument('X');
  const feed = new Feed(0, s, inst, venue.addInstrument(inst), portfolio.position('X', 1));
  kernel.addFeed(feed);
  kernel.addStrategy(new Script(steps), 'S');
  kernel.start();
  return {
    kernel, client,
    bar: (i) => {
      clock.advanceTo(dayMs(i));
      kernel.onBar(feed, i);
    },
  };
}

describe('kernel orders come from the order cache', () => {
  it('lists and counts an order in flight as working, and cancels it before it reaches the venue', () => {
    let seen: readonly OrderView[] = [];
    let counted = -1;
    const { kernel, client, bar } = setup({
      0: (ctx) => {
        ctx.buy('X', 1, { type: 'limit', limitPrice: 90 });
        seen = ctx.openOrders('X');
        counted = kernel.openOrderCount();
      },
      1: (ctx) => ctx.cancelAll('X'),
    });
    bar(0);
    expect(seen.map((o) => [o.id, o.status])).toEqual([['O-1', 'initialized']]);
    expect([counted, kernel.orderCache.inflightCount, kernel.venue.workingCount]).toEqual([1, 1, 0]);
    bar(1);
    client.flush(dayMs(1));
    expect(kernel.orders.map((o) => [o.id, o.status, o.reason])).toEqual([['O-1', 'canceled', 'canceled before it was sent']]);
    expect([kernel.orderCache.workingCount, kernel.orderCache.inflightCount, kernel.venue.workingCount]).toEqual([0, 0, 0]);
  });

  it('counts orders in flight against a max-open-orders check', () => {
    const maxOne: PreTradeCheck = { name: 'max-open-orders', check: (_o, _p, view) => ((view.openOrderCount?.() ?? 0) >= 1 ? 'max open orders: 1' : null) };
    const { kernel, client, bar } = setup({ 0: (ctx) => void [ctx.buy('X', 1, { type: 'limit', limitPrice: 90 }), ctx.buy('X', 1, { type: 'limit', limitPrice: 91 })] }, [maxOne]);
    bar(0);
    client.flush(dayMs(0));
    expect(kernel.orders.map((o) => [o.id, o.status])).toEqual([['O-1', 'accepted'], ['O-2', 'denied']]);
  });

  it('cancels the orders of a strategy that throws, the ones still in flight included', () => {
    const { kernel, client, bar } = setup({
      0: (ctx) => void ctx.buy('X', 1, { type: 'limit', limitPrice: 90 }),
      1: (ctx) => {
        ctx.buy('X', 1, { type: 'limit', limitPrice: 91 });
        throw new Error('boom');
      },
    });
    bar(0);
    client.flush(dayMs(0));
    bar(1);
    client.flush(dayMs(1));
    expect(kernel.strategyErrors.map((e) => e.message)).toEqual(['strategy S failed: boom']);
    expect(kernel.orders.map((o) => [o.id, o.status])).toEqual([['O-1', 'canceled'], ['O-2', 'canceled']]);
    expect([kernel.orderCache.workingCount, kernel.venue.workingCount]).toEqual([0, 0]);
  });
});
