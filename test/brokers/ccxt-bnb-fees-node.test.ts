// A live node at the Binance adapter with the fake Binance charging fees in BNB ("pay fees with BNB"): the
// node's equity ends at the venue's balances valued at the fake's prices, and the store keeps each fill's fee
// as charged (BNB and its amount) beside its value in USDT.
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveFeed, MarketSink } from '../../src/data/live/feed.ts';
import { LiveNode } from '../../src/engine/live-node.ts';
import { SinkRelay } from '../../src/execution/sink-relay.ts';
import type { Bar } from '../../src/model/bar.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import type { OrderRequest } from '../../src/model/order.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { startHarness, type SpotHarness } from '../fakes/binance/spot-setup.ts';

const SYMBOL = 'BTC/USDT';
const BNB = { asset: 'BNB', price: 300, balance: 10 };

class Scripted extends Strategy<object> {
  queue: OrderRequest[][] = [];
  override onBar(_bar: Bar, ctx: StrategyContext): void {
    for (const r of this.queue.shift() ?? []) ctx.submit(r);
  }
}

class PushFeed implements LiveFeed {
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
}

async function until(cond: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('a live node paying Binance fees in BNB', () => {
  let h: SpotHarness | null = null;
  let store: Store | null = null;
  afterEach(async () => {
    await store?.close();
    await h?.close();
  });

  it('ends with equity equal to the venue balances valued at the fake prices, and stores the fees as charged', async () => {
    h = await startHarness({ commissionRate: 0.001, feeAsset: BNB });
    store = await openStore({ url: 'memory://' });
    h.fake.quote('BTCUSDT', { bid: 29_990, ask: 30_000 });
    const relay = new SinkRelay();
    const client = h.make(relay);
    const s = new Scripted({});
    const feed = new PushFeed();
    const node = new LiveNode({
      runId: 'bnb1', kind: 'live', instruments: [makeInstrument(SYMBOL, { assetClass: 'crypto' })], store, cash: 100_000, strategies: [{ strategy: s, id: 'scripted' }],
      feed, matchOn: 'quotes', broker: { client, relay, positionCheckEveryMs: 0 },
    });
    await node.restore();
    const done = node.trade();
    await until(() => feed.sink !== null, 'feed started');
    let t = h.fake.exchange.now();
    const bar = (close: number): void => feed.sink!.onBar(SYMBOL, (t += 60_000), close, close, close, close, 10);

    s.queue.push([{ symbol: SYMBOL, side: 'buy', type: 'market', qty: 0.5 }]);
    bar(30_000);
    await until(() => node.status().fills === 1, 'buy filled');
    h.fake.quote('BTCUSDT', { bid: 31_000, ask: 31_010 });
    s.queue.push([{ symbol: SYMBOL, side: 'sell', type: 'market', qty: 0.2 }]);
    bar(31_000);
    await until(() => node.status().fills === 2, 'sell filled');
    await client.idle();

    const bal = new Map(h.fake.balances().map((b) => [b.asset, b.free + b.locked]));
    expect(bal.get('BNB')).toBeLessThan(BNB.balance);
    // The node marks BTC at the last bar's close (31,000); its ledger started from the USDT alone.
    const venueValue = bal.get('USDT')! + bal.get('BTC')! * 31_000 + (bal.get('BNB')! - BNB.balance) * BNB.price;
    expect(node.status().equity).toBeCloseTo(venueValue, 6);

    await node.stop();
    await done;
    const fills = await store.loadFills('bnb1');
    expect(fills.map((f) => f.commissionAsset)).toEqual(['BNB', 'BNB']);
    expect(fills.reduce((a, f) => a + f.commissionQty!, 0)).toBeCloseTo(BNB.balance - bal.get('BNB')!, 12);
    for (const f of fills) expect(f.commission).toBeCloseTo(f.commissionQty! * BNB.price, 12);
  });
});
