// A live node whose strategy calls ctx.bracket (and ctx.oco, last test), on Alpaca (docs/venues/alpaca.md, "Brackets, OTO and OCO"):
// the entry and its two children go as one bracket request, and the fills are the ones the emulated path
// (the OrderEmulator holding the children and releasing them after the entry's fill) gives on the same
// prices. Restarted while the legs are held and while the node is down after a leg filled: reconciliation
// finds the legs under the children's ids, books what filled, finishes the canceled sibling. The real SDK
// against the fake Alpaca server; the node's own OrderEmulator in front, as in production.
import { afterEach, describe, expect, it } from 'vitest';
import { createAlpacaExecutionClient } from '../../src/brokers/alpaca/index.ts';
import type { LiveFeed, MarketSink } from '../../src/data/live/feed.ts';
import { LiveNode } from '../../src/engine/live-node.ts';
import type { ExecutionClient } from '../../src/execution/execution-client.ts';
import { ForwardingExecutionClient } from '../../src/execution/forwarding-client.ts';
import { SinkRelay } from '../../src/execution/sink-relay.ts';
import type { Bar } from '../../src/model/bar.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import type { Order } from '../../src/model/order.ts';
import type { BracketRequest, StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { FakeAlpacaServer } from '../fakes/alpaca/server.ts';
import { until } from '../execution/execution-client.contract.ts';
import { clientOptions } from './alpaca-setup.ts';

const SYMBOL = 'AAPL';
const T0 = Date.UTC(2024, 0, 2, 15);

class Bracketing extends Strategy<object> {
  queue: (BracketRequest | ((ctx: StrategyContext) => void))[] = [];
  override onBar(_bar: Bar, ctx: StrategyContext): void {
    const r = this.queue.shift();
    if (typeof r === 'function') r(ctx);
    else if (r !== undefined) ctx.bracket(r);
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

/** Alpaca without its native shapes: the OrderEmulator holds every bracket child (the emulated path). */
class EmulatedOnly extends ForwardingExecutionClient {
  override get takesNatively(): ((order: Order) => boolean) | undefined {
    return undefined;
  }
}

let server: FakeAlpacaServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await server?.close();
  await store?.close();
  server = undefined;
  store = undefined;
});

interface Running {
  readonly node: LiveNode;
  readonly feed: PushFeed;
  readonly done: Promise<void>;
}

async function startNode(s: Bracketing, emulated = false): Promise<Running> {
  const relay = new SinkRelay();
  const alpaca = createAlpacaExecutionClient(clientOptions(server!, { fillGraceMs: 100 }), relay);
  const client: ExecutionClient = emulated ? new EmulatedOnly(alpaca) : alpaca;
  const feed = new PushFeed();
  const node = new LiveNode({
    runId: 'live-alpaca', kind: 'live', instruments: [makeInstrument(SYMBOL)], store: store!, cash: 100_000, strategies: [{ strategy: s, id: 'brackets' }],
    feed, matchOn: 'quotes', broker: { client, relay, positionCheckEveryMs: 0 },
  });
  await node.restore();
  const done = node.trade();
  await until(() => feed.sink !== null, 'feed started');
  return { node, feed, done };
}

async function stop(n: Running): Promise<void> {
  await n.node.stop();
  await n.done;
}

/** Fills as `<role> <side> <qty> @ <price>` (role: entry, tp, sl), in the order they were booked. */
async function storedFills(): Promise<string[]> {
  return (await store!.loadFills('live-alpaca')).map((f) => `${/-(sl|tp)$/.exec(f.orderId)?.[1] ?? 'entry'} ${f.side} ${f.qty} @ ${f.price}`);
}

/** Two brackets on the same prices: a limit entry whose take-profit fills, a market entry whose stop-loss fills. */
async function twoBrackets(emulated: boolean): Promise<{ fills: string[]; posts: Record<string, unknown>[] }> {
  server = await FakeAlpacaServer.start({ symbols: [SYMBOL], cash: 100_000 });
  store = await openStore({ url: 'memory://' });
  server.quote(SYMBOL, { bid: 99, ask: 100 });
  const s = new Bracketing({});
  s.queue.push({ symbol: SYMBOL, side: 'buy', qty: 10, entryLimit: 98, takeProfit: 110, stopLoss: 95 });
  const n = await startNode(s, emulated);
  await n.feed.bar(T0, 100);
  await until(() => n.node.status().openOrders === 3, 'entry and both children open', 5000);
  server.quote(SYMBOL, { bid: 97, ask: 98 });
  await until(() => n.node.status().fills === 1, 'entry filled', 5000);
  server.quote(SYMBOL, { bid: 111, ask: 112 });
  await until(() => n.node.status().fills === 2 && n.node.status().openOrders === 0, 'take-profit filled, stop-loss canceled', 5000);

  s.queue.push({ symbol: SYMBOL, side: 'buy', qty: 10, takeProfit: 120, stopLoss: 105 });
  await n.feed.bar(T0 + 60_000, 110);
  await until(() => n.node.status().fills === 3 && n.node.status().openOrders === 2, 'second entry filled at the ask', 5000);
  server.quote(SYMBOL, { bid: 104, ask: 105 });
  await until(() => n.node.status().fills === 4 && n.node.status().openOrders === 0, 'stop-loss filled, take-profit canceled', 5000);
  expect(n.node.status().positions).toEqual([]);
  await stop(n);
  expect(await store.loadOpenOrders('live-alpaca')).toEqual([]);
  expect(server.duplicateAcceptances()).toEqual([]);
  const posts = server.httpLog.filter((l) => l.method === 'POST' && l.path === '/v2/orders').map((l) => ({ cid: l.clientOrderId, cls: server!.orderJsonByClientId(l.clientOrderId!)?.order_class }));
  const fills = await storedFills();
  await server.close();
  await store.close();
  server = undefined;
  store = undefined;
  return { fills, posts };
}

describe('a live node on Alpaca whose strategy calls ctx.bracket', () => {
  it('sends one bracket request per ctx.bracket, with the fills the emulated path gives on the same prices', async () => {
    const native = await twoBrackets(false);
    const emulated = await twoBrackets(true);
    expect(native.fills).toEqual(['entry buy 10 @ 98', 'tp sell 10 @ 111', 'entry buy 10 @ 112', 'sl sell 10 @ 104']);
    expect(emulated.fills).toEqual(native.fills);
    // Native: the two entries only, each a bracket. Emulated: plain entries, then each child released as `<child>-E1`.
    expect(native.posts.map((p) => p.cls)).toEqual(['bracket', 'bracket']);
    expect(emulated.posts.map((p) => p.cls)).toEqual(['', '', '', '', '', '']);
    expect(emulated.posts.filter((p) => /-(tp|sl)-E1$/.test(String(p.cid)))).toHaveLength(4);
  });

  it('restarts while the legs are held (all three adopted), then after the take-profit filled while the node was down', async () => {
    server = await FakeAlpacaServer.start({ symbols: [SYMBOL], cash: 100_000 });
    store = await openStore({ url: 'memory://' });
    server.quote(SYMBOL, { bid: 99, ask: 100 });
    const s1 = new Bracketing({});
    s1.queue.push({ symbol: SYMBOL, side: 'buy', qty: 10, entryLimit: 98, takeProfit: 110, stopLoss: 95 });
    const first = await startNode(s1);
    await first.feed.bar(T0, 100);
    await until(() => first.node.status().openOrders === 3, 'entry and both children open', 5000);
    await until(() => server!.legsOf('live-alpaca-1').length === 2, 'entry working at alpaca, two legs held', 5000);
    await stop(first);
    const stored = await store.loadOpenOrders('live-alpaca');
    const entryId = stored.find((o) => o.parentId === null)!.clientOrderId;
    expect(stored.map((o) => [o.clientOrderId, o.parentId, o.ocoGroup]).sort()).toEqual(
      [[entryId, null, null], [`${entryId}-sl`, entryId, `${entryId}-exits`], [`${entryId}-tp`, entryId, `${entryId}-exits`]].sort(),
    );
    expect(server.orderJsonByClientId(entryId)!.order_class).toBe('bracket');

    // 1. Restarted while the entry works: the three are found at Alpaca and adopted; the entry fills after.
    const second = await startNode(new Bracketing({}));
    expect(second.node.status().openOrders).toBe(3);
    expect(second.node.status().venue!.reconciliation.join('\n')).not.toMatch(/MISMATCH|external/);
    server.quote(SYMBOL, { bid: 97, ask: 98 });
    await until(() => second.node.status().fills === 1 && second.node.status().openOrders === 2, 'entry filled after the restart, legs working', 5000);
    await stop(second);

    // 2. The take-profit fills at Alpaca while the node is down; the next start books it and ends the stop-loss.
    server.quote(SYMBOL, { bid: 111, ask: 112 });
    await until(() => server!.exchange.positions().length === 0, 'take-profit filled at alpaca');
    const third = await startNode(new Bracketing({}));
    const st = third.node.status();
    const report = st.venue!.reconciliation.join('\n');
    expect(report).toMatch(new RegExp(`booked fill of ${entryId}-tp \\(brackets\\): AAPL sell 10 @ 111`));
    expect(report).toMatch(new RegExp(`order ${entryId}-sl was canceled at alpaca while the node was down`));
    expect(report).not.toMatch(/MISMATCH|external/);
    expect(st.fills).toBe(2);
    expect(st.openOrders).toBe(0);
    expect(st.positions).toEqual([]);
    await stop(third);
    expect(await storedFills()).toEqual(['entry buy 10 @ 98', 'tp sell 10 @ 111']);
    expect(await store.loadOpenOrders('live-alpaca')).toEqual([]);
    expect(server.duplicateAcceptances()).toEqual([]);
  });

  it('ctx.oco for a position held: one oco request, the same fills as emulated; restarted with the pair working, the stop fills after', async () => {
    const run = async (emulated: boolean): Promise<{ fills: string[]; classes: unknown[] }> => {
      server = await FakeAlpacaServer.start({ symbols: [SYMBOL], cash: 100_000 });
      store = await openStore({ url: 'memory://' });
      server.quote(SYMBOL, { bid: 99, ask: 100 });
      const s = new Bracketing({});
      s.queue.push((ctx) => void ctx.buy(SYMBOL, 10), (ctx) => void ctx.oco({ symbol: SYMBOL, takeProfit: 110, stopLoss: 95 }));
      const first = await startNode(s, emulated);
      await first.feed.bar(T0, 100);
      await until(() => first.node.status().fills === 1, 'position opened', 5000);
      await first.feed.bar(T0 + 60_000, 100);
      await until(() => first.node.status().openOrders === 2, 'take-profit and stop-loss open', 5000);
      await until(() => server!.exchange.allOrders().filter((o) => o.side === 'sell').length === 2, 'both at alpaca', 5000);
      await stop(first);
      // Restarted with both working: adopted; the stop-loss fills, the take-profit is canceled.
      const second = await startNode(new Bracketing({}), emulated);
      expect(second.node.status().openOrders).toBe(2);
      expect(second.node.status().venue!.reconciliation.join('\n')).not.toMatch(/MISMATCH|external/);
      server.quote(SYMBOL, { bid: 94, ask: 95 });
      await until(() => second.node.status().fills === 2 && second.node.status().openOrders === 0, 'stop-loss filled, take-profit canceled', 5000);
      expect(second.node.status().positions).toEqual([]);
      await stop(second);
      expect(await store.loadOpenOrders('live-alpaca')).toEqual([]);
      const classes = server.httpLog.filter((l) => l.method === 'POST' && l.path === '/v2/orders').map((l) => server!.orderJsonByClientId(l.clientOrderId!)?.order_class);
      const fills = await storedFills();
      await server.close();
      await store.close();
      server = undefined;
      store = undefined;
      return { fills, classes };
    };
    const native = await run(false);
    expect(native.fills).toEqual(['entry buy 10 @ 100', 'sl sell 10 @ 94']);
    expect(native.classes).toEqual(['', 'oco']);
    const emulated = await run(true);
    expect(emulated.fills).toEqual(native.fills);
    expect(emulated.classes).toEqual(['', '', '']);
  });
});
