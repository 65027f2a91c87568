// A live node against a venue that outlives it, for tests: a journaled simulated venue standing in for a
// broker (it keeps its orders, fills and positions across node restarts), a feed the test pushes bars into,
// and a strategy that sends what the test queues for it.
import type { LiveFeed, MarketSink } from '../../src/data/live/feed.ts';
import { FractionCommission } from '../../src/execution/commission.ts';
import type { ExecutionCapabilities } from '../../src/execution/execution-client.ts';
import { SinkRelay } from '../../src/execution/sink-relay.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue } from '../../src/execution/simulated-venue.ts';
import type { Bar } from '../../src/model/bar.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import type { OrderRequest } from '../../src/model/order.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import type { Store } from '../../src/store/store.ts';
import { LiveNode } from '../../src/engine/live-node.ts';

export const T0 = Date.UTC(2024, 0, 2, 15);
export const SYMBOL = 'XYZ';

/** Sends the orders queued for it on the next bar. */
export class Scripted extends Strategy<object> {
  queue: OrderRequest[][] = [];
  override onBar(_bar: Bar, ctx: StrategyContext): void {
    for (const r of this.queue.shift() ?? []) ctx.submit(r);
  }
}

/** A feed the test pushes bars into. */
export class PushFeed implements LiveFeed {
  readonly name = 'push';
  sink: MarketSink | null = null;
  #end: (() => void) | null = null;
  start(sink: MarketSink): Promise<void> {
    this.sink = sink;
    return new Promise((r) => (this.#end = r));
  }
  stop(): void {
    this.#end?.();
  }
  async bar(tsMs: number, close: number): Promise<void> {
    this.sink!.onBar(SYMBOL, tsMs, close, close, close, close, 1000);
    await this.sink!.settled?.();
  }
}

/** The "broker": a journaled simulated venue that keeps its orders, fills and positions across node restarts. */
export function broker(capabilities: Partial<ExecutionCapabilities> = {}) {
  let now = T0;
  const relay = new SinkRelay();
  const venue = new SimulatedVenue(
    { ...DEFAULT_VENUE_CONFIG, dailyBars: false, commission: new FractionCommission(0) },
    relay,
    { rejectReason: () => null, positionQty: () => 0 },
    { connected: false, journal: true, capabilities, account: { currency: 'USD', cash: 100_000 }, clock: () => now },
  );
  const slot = venue.addInstrument(makeInstrument(SYMBOL));
  return {
    venue,
    relay,
    now: () => now,
    quote(bid: number, ask: number, askSize = 1e6): void {
      now += 1000;
      venue.onQuote(slot, { symbol: SYMBOL, tsEventMs: now, bid, ask, bidSize: 1e6, askSize });
    },
  };
}

export type Broker = ReturnType<typeof broker>;

/** `clock`: the node's clock (default a simulated one the data moves; the broker's clock for intent ages). */
export function liveNode(store: Store, b: Broker, strategy: Scripted, feed: PushFeed, positionCheckEveryMs = 0, clock?: () => number): LiveNode {
  return new LiveNode({
    runId: 'live1', kind: 'live', instruments: [makeInstrument(SYMBOL)], store, cash: 100_000, strategies: [{ strategy, id: 'scripted' }],
    feed, matchOn: 'quotes', broker: { client: b.venue, relay: b.relay, positionCheckEveryMs }, ...(clock !== undefined && { clock: { nowMs: clock } }),
  });
}

export async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 3000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function startNode(store: Store, b: Broker, s: Scripted, positionCheckEveryMs = 0): Promise<{ node: LiveNode; feed: PushFeed; done: Promise<void> }> {
  const feed = new PushFeed();
  const node = liveNode(store, b, s, feed, positionCheckEveryMs);
  await node.restore();
  const done = node.trade();
  await until(() => feed.sink !== null, 'feed started');
  return { node, feed, done };
}

