// A live node trading native Alpaca brackets (docs/venues/alpaca.md, "Brackets, OTO and OCO"), restarted while
// the legs work and while the node is down: the store keeps the legs as the entry's children, start-up
// reconciliation finds them at Alpaca under <entry>-sl/-tp, books what filled while the node was down,
// finishes the leg its sibling's fill canceled, and adopts legs still working. The real SDK against the
// fake Alpaca server; the node's own OrderEmulator in front (it passes the brackets through).
import { afterEach, describe, expect, it } from 'vitest';
import { createAlpacaExecutionClient } from '../../src/brokers/alpaca/index.ts';
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
import { FakeAlpacaServer } from '../fakes/alpaca/server.ts';
import { until } from '../execution/execution-client.contract.ts';
import { clientOptions } from './alpaca-setup.ts';

const SYMBOL = 'AAPL';
const T0 = Date.UTC(2024, 0, 2, 15);

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
  async bar(tsMs: number, close: number): Promise<void> {
    this.sink!.onBar(SYMBOL, tsMs, close, close, close, close, 1000);
    await this.sink!.settled?.();
  }
}

const bracket = (sl: number, tp: number): OrderRequest => ({ symbol: SYMBOL, side: 'buy', type: 'market', qty: 10, tif: 'GTC', exits: { stopLoss: { price: sl }, takeProfit: { price: tp } } });

let server: FakeAlpacaServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await server?.close();
  await store?.close();
  server = undefined;
  store = undefined;
});

async function startNode(s: Scripted): Promise<{ node: LiveNode; feed: PushFeed; done: Promise<void> }> {
  const relay = new SinkRelay();
  const client = createAlpacaExecutionClient(clientOptions(server!, { fillGraceMs: 100 }), relay);
  const feed = new PushFeed();
  const node = new LiveNode({
    runId: 'live-alpaca', kind: 'live', instruments: [makeInstrument(SYMBOL)], store: store!, cash: 100_000, strategies: [{ strategy: s, id: 'scripted' }],
    feed, matchOn: 'quotes', broker: { client, relay, positionCheckEveryMs: 0 },
  });
  await node.restore();
  const done = node.trade();
  await until(() => feed.sink !== null, 'feed started');
  return { node, feed, done };
}

async function stop(n: { node: LiveNode; done: Promise<void> }): Promise<void> {
  await n.node.stop();
  await n.done;
}

describe('a live node on Alpaca with native brackets', () => {
  it('restarts with working legs (adopted, then filled) and after a leg filled while it was down (booked, sibling finished)', async () => {
    server = await FakeAlpacaServer.start({ symbols: [SYMBOL], cash: 100_000 });
    store = await openStore({ url: 'memory://' });
    server.quote(SYMBOL, { bid: 99, ask: 100 });

    // 1. The entry fills; its legs work at Alpaca and are open orders of the node.
    const s1 = new Scripted({});
    s1.queue.push([bracket(95, 110)]);
    const first = await startNode(s1);
    await first.feed.bar(T0, 100);
    await until(() => first.node.status().fills === 1 && first.node.status().openOrders === 2, 'entry filled, two legs open', 5000);
    await stop(first);
    // The store keeps the legs as the entry's children in its exit group.
    const stored = (await store.loadOpenOrders('live-alpaca')).map((o) => [o.clientOrderId.replace(/^.*?-(sl|tp)$/, '$1'), o.parentId !== null, o.ocoGroup?.endsWith('-exits')]);
    expect(stored.sort()).toEqual([['sl', true, true], ['tp', true, true]]);

    // 2. Restarted while the legs work: reconciliation adopts them; the take-profit fills, the stop-loss is canceled.
    const s2 = new Scripted({});
    const second = await startNode(s2);
    expect(second.node.status().openOrders).toBe(2);
    expect(second.node.status().venue!.reconciliation.join('\n')).not.toMatch(/MISMATCH|external/);
    server.quote(SYMBOL, { bid: 111, ask: 112 });
    await until(() => second.node.status().fills === 2 && second.node.status().openOrders === 0, 'take-profit filled, stop-loss canceled', 5000);
    expect(second.node.status().positions).toEqual([]);

    // 3. A second bracket; the node stops; its stop-loss fills at Alpaca while the node is down.
    s2.queue.push([bracket(105, 120)]);
    server.quote(SYMBOL, { bid: 109, ask: 110 });
    await second.feed.bar(T0 + 60_000, 110);
    await until(() => second.node.status().fills === 3 && second.node.status().openOrders === 2, 'second entry filled', 5000);
    await stop(second);
    server.quote(SYMBOL, { bid: 104, ask: 105 });
    await until(() => server!.exchange.positions().length === 0, 'stop-loss filled at alpaca');

    const third = await startNode(new Scripted({}));
    const st = third.node.status();
    const report = st.venue!.reconciliation.join('\n');
    expect(report).toMatch(/booked fill of \S+-sl \(scripted\): AAPL sell 10 @ 104/);
    expect(report).toMatch(/order \S+-tp was canceled at alpaca while the node was down/);
    expect(report).not.toMatch(/MISMATCH|external/);
    expect(st.fills).toBe(4);
    expect(st.openOrders).toBe(0);
    expect(st.positions).toEqual([]);
    await stop(third);
    const fills = await store.loadFills('live-alpaca');
    expect(fills.map((f) => `${f.orderId.replace(/^.*?-(sl|tp)$/, '$1').replace(/^live-alpaca-\d+$/, 'entry')} ${f.side} ${f.qty} @ ${f.price}`)).toEqual([
      'entry buy 10 @ 100', 'tp sell 10 @ 111', 'entry buy 10 @ 110', 'sl sell 10 @ 104',
    ]);
    expect(await store.loadOpenOrders('live-alpaca')).toEqual([]);
    expect(server.duplicateAcceptances()).toEqual([]);
  });

  it('restarts while the entry works and its legs are held: all three adopted; the entry fills, then a leg, heard by the new node', async () => {
    server = await FakeAlpacaServer.start({ symbols: [SYMBOL], cash: 100_000 });
    store = await openStore({ url: 'memory://' });
    server.quote(SYMBOL, { bid: 99, ask: 100 });
    const s1 = new Scripted({});
    s1.queue.push([{ ...bracket(95, 110), type: 'limit', limitPrice: 98 }]);
    const first = await startNode(s1);
    await first.feed.bar(T0, 100);
    await until(() => first.node.status().openOrders === 3, 'entry working, two legs held', 5000);
    await stop(first);

    const second = await startNode(new Scripted({}));
    expect(second.node.status().openOrders).toBe(3);
    expect(second.node.status().venue!.reconciliation.join('\n')).not.toMatch(/MISMATCH|external/);
    server.quote(SYMBOL, { bid: 97, ask: 98 });
    await until(() => second.node.status().fills === 1 && second.node.status().openOrders === 2, 'entry filled after the restart, legs working', 5000);
    server.quote(SYMBOL, { bid: 94, ask: 95 });
    await until(() => second.node.status().fills === 2 && second.node.status().openOrders === 0, 'stop-loss filled, take-profit canceled', 5000);
    expect(second.node.status().positions).toEqual([]);
    await stop(second);
    expect((await store.loadFills('live-alpaca')).map((f) => `${f.side} ${f.qty} @ ${f.price}`)).toEqual(['buy 10 @ 98', 'sell 10 @ 94']);
    expect(await store.loadOpenOrders('live-alpaca')).toEqual([]);
  });
});
