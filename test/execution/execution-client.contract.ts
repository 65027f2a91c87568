// The ExecutionClient contract (docs/architecture.md, "The execution port"): what every client must do,
// run against the simulated venue now and against each broker adapter (over a local fake server) later.
// The suite knows the venue only through a ContractVenueDriver the test supplies: it moves the market
// with quotes and says when events have arrived. It never reads a venue's internals.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../src/model/events.ts';
import type { Fill } from '../../src/model/fill.ts';
import type { OrderStatus } from '../../src/model/order-status.ts';
import { Order, type OrderRequest, type OrderType } from '../../src/model/order.ts';
import type { CommandRejectedEvent, ConnectionStateEvent, ExecutionClient, ExecutionSink } from '../../src/execution/execution-client.ts';
import { queryOrderChecked, requestMassStatus } from '../../src/execution/mass-status.ts';
import { ALL_ORDER_TYPES, ALL_TIME_IN_FORCE, CapabilitiesSchema, parseReports, type FillReport } from '../../src/execution/reports.ts';

/** What the suite needs of the venue behind the client. */
export interface ContractVenueDriver {
  /**
   * Two symbols the account may trade: plain cash instruments (multiplier 1, whole units at least),
   * no position in either at the start.
   */
  readonly symbols: readonly [string, string];
  /** The account's cash at the start, in `currency` (what `balances()` starts from). */
  readonly startingCash: number;
  readonly currency: string;
  /** The venue's time now (ms). Each quote moves it forward. */
  now(): number;
  /**
   * Sets a symbol's best bid and ask (sizes default to plenty). Working orders that can execute against
   * it do, at these prices: buys at the ask, sells at the bid, a limit at its price or better, a stop once
   * the price reaches it (then like a market order), never more than the size shown.
   */
  quote(symbol: string, q: { bid: number; ask: number; bidSize?: number; askSize?: number }): Promise<void>;
  /** Resolves once every event caused so far has reached the sink. */
  settle(): Promise<void>;
  /** The venue drops the link; the client should report 'reconnecting'. Optional. */
  dropConnection?(): Promise<void>;
  /** The venue is reachable again; the client should reconnect by itself and report 'connected'. */
  restoreConnection?(): Promise<void>;
}

export interface ContractSetup {
  /** The client under test, not connected yet, reporting to the sink it was made with. */
  readonly client: ExecutionClient;
  readonly driver: ContractVenueDriver;
  /**
   * A process restart: a new client over the same venue state, reporting to `sink` (the suite connects
   * it). Without it the suite disconnects the client and connects it again.
   */
  restart?(sink: ExecutionSink): Promise<ExecutionClient>;
  close?(): Promise<void>;
}

/** Records everything a client reports. */
export class RecordingSink implements ExecutionSink {
  readonly orderEvents: { readonly event: OrderEvent; readonly status: OrderStatus }[] = [];
  readonly connection: ConnectionStateEvent[] = [];
  readonly rejected: CommandRejectedEvent[] = [];

  onOrderEvent(event: OrderEvent, order: Order): void {
    this.orderEvents.push({ event, status: order.status });
  }
  onConnectionState(event: ConnectionStateEvent): void {
    this.connection.push(event);
  }
  onCommandRejected(event: CommandRejectedEvent): void {
    this.rejected.push(event);
  }
  types(orderId: string): OrderEvent['type'][] {
    return this.orderEvents.filter((e) => e.event.orderId === orderId).map((e) => e.event.type);
  }
  fills(orderId?: string): Fill[] {
    const out: Fill[] = [];
    for (const { event } of this.orderEvents) if (event.type === 'OrderFilled' && (orderId === undefined || event.orderId === orderId)) out.push(event.fill);
    return out;
  }
  rejectionsOf(orderId: string, command?: CommandRejectedEvent['command']): CommandRejectedEvent[] {
    return this.rejected.filter((r) => r.clientOrderId === orderId && (command === undefined || r.command === command));
  }
}

/** Waits until `cond` holds (events may arrive asynchronously from a real client). */
export async function until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

export function executionClientContract(name: string, make: (sink: ExecutionSink) => Promise<ContractSetup> | ContractSetup): void {
  describe(`ExecutionClient contract: ${name}`, () => {
    let rec: RecordingSink;
    let setup: ContractSetup;
    let client: ExecutionClient;
    let driver: ContractVenueDriver;
    let S: string;
    let S2: string;
    let n = 0;

    beforeEach(async () => {
      rec = new RecordingSink();
      setup = await make(rec);
      client = setup.client;
      driver = setup.driver;
      [S, S2] = driver.symbols;
    });
    afterEach(async () => {
      await setup.close?.();
    });

    const order = (req: Partial<OrderRequest> & Pick<OrderRequest, 'side' | 'type'>, id = `C${process.pid}-${++n}`): Order =>
      new Order(id, 'contract', { symbol: S, qty: 10, ...req }, driver.now());

    async function connected(): Promise<void> {
      await client.connect();
      await driver.quote(S, { bid: 99, ask: 100 });
      await driver.quote(S2, { bid: 49, ask: 50 });
    }

    async function send(o: Order): Promise<Order> {
      client.submit(o, driver.now());
      await driver.settle();
      return o;
    }

    async function filled(o: Order): Promise<void> {
      await driver.settle();
      await until(() => o.status === 'filled', `${o.id} filled (is ${o.status})`);
    }

    /** A long position to sell from (venues without shorting need one). */
    async function long(qty: number, symbol = S): Promise<void> {
      const o = await send(order({ symbol, side: 'buy', type: 'market', qty }));
      await driver.quote(symbol, symbol === S ? { bid: 99, ask: 100 } : { bid: 49, ask: 50 });
      await filled(o);
    }

    /** Checks every fill the sink heard of against the client's own fill reports. */
    async function fillsAgree(): Promise<FillReport[]> {
      const reports = parseReports<FillReport>('FillReport', client.venue, await client.fillsSince(0));
      const key = (id: string, qty: number, price: number): string => `${id}|${qty}|${price}`;
      expect(reports.map((f) => key(f.clientOrderId, f.qty, f.price)).sort()).toEqual(rec.fills().map((f) => key(f.orderId, f.qty, f.price)).sort());
      expect(new Set(reports.map((f) => f.tradeId)).size).toBe(reports.length);
      return reports;
    }

    it('declares a valid capability set with at least market and limit orders', () => {
      const caps = CapabilitiesSchema.parse(client.capabilities);
      expect(caps.orderTypes).toEqual(expect.arrayContaining(['market', 'limit']));
      expect(client.venue.length).toBeGreaterThan(0);
      // A capability taken in part needs the per-order answer the emulator asks for.
      if ((caps.partialNative ?? []).length > 0) expect(typeof client.takesNatively).toBe('function');
    });

    describe('connection', () => {
      it('connects and disconnects with one state event per change', async () => {
        expect(client.connectionState).toBe('disconnected');
        await client.connect();
        expect(client.connectionState).toBe('connected');
        expect(rec.connection.map((e) => [e.previous, e.state])).toEqual([['disconnected', 'connecting'], ['connecting', 'connected']]);
        await client.connect();
        expect(rec.connection).toHaveLength(2);
        await client.disconnect();
        expect(client.connectionState).toBe('disconnected');
        await client.disconnect();
        expect(rec.connection.map((e) => e.state)).toEqual(['connecting', 'connected', 'disconnected']);
        await client.connect();
        expect(rec.connection.map((e) => e.state)).toEqual(['connecting', 'connected', 'disconnected', 'connecting', 'connected']);
        for (const e of rec.connection) expect(Number.isFinite(e.tsEventMs)).toBe(true);
      });

      it('refuses commands and queries while disconnected, and nothing reaches the venue', async () => {
        await connected();
        await client.disconnect();
        const o = await send(order({ side: 'buy', type: 'market' }));
        expect(o.status).toBe('rejected');
        expect(rec.types(o.id).at(-1)).toBe('OrderRejected');
        expect(o.reason).toMatch(/connect/i);
        client.cancel('C-unknown', driver.now());
        client.modify('C-unknown', { limitPrice: 1 }, driver.now());
        expect(rec.rejectionsOf('C-unknown').map((r) => r.command).sort()).toEqual(['cancel', 'modify']);
        await expect(client.queryOrder(o.id)).rejects.toThrow(/connect/i);
        await expect(client.openOrders()).rejects.toThrow(/connect/i);
        await client.connect();
        await driver.quote(S, { bid: 99, ask: 100 });
        expect(await client.queryOrder(o.id)).toBeNull();
        expect(await client.fillsSince(0)).toEqual([]);
      });

      it('reports reconnecting when the venue drops the link, and what happened meanwhile after it is back', async () => {
        if (driver.dropConnection === undefined || driver.restoreConnection === undefined) return;
        await connected();
        const working = await send(order({ side: 'buy', type: 'limit', limitPrice: 98 }));
        const since = driver.now();
        await driver.dropConnection();
        await until(() => client.connectionState === 'reconnecting', 'state reconnecting');
        expect(rec.connection.at(-1)).toMatchObject({ previous: 'connected', state: 'reconnecting' });
        await driver.quote(S, { bid: 97, ask: 98 });
        await driver.restoreConnection();
        await until(() => client.connectionState === 'connected', 'state connected again');
        expect(rec.connection.at(-1)).toMatchObject({ previous: 'reconnecting', state: 'connected' });
        const report = await queryOrderChecked(client, working.id);
        expect(report).toMatchObject({ status: 'filled', filledQty: 10, avgFillPrice: 98 });
        const fills = await client.fillsSince(since);
        expect(fills.map((f) => [f.clientOrderId, f.qty, f.price])).toEqual([[working.id, 10, 98]]);
      });
    });

    describe('order types', () => {
      it('market orders fill at the ask (buy) and the bid (sell)', async () => {
        await connected();
        const buy = await send(order({ side: 'buy', type: 'market' }));
        await driver.quote(S, { bid: 99, ask: 100 });
        await filled(buy);
        expect(rec.fills(buy.id).map((f) => [f.side, f.qty, f.price])).toEqual([['buy', 10, 100]]);
        expect(rec.types(buy.id)).toEqual(expect.arrayContaining(['OrderSubmitted', 'OrderFilled']));
        expect(rec.types(buy.id).at(-1)).toBe('OrderFilled');
        const sell = await send(order({ side: 'sell', type: 'market', qty: 4 }));
        await driver.quote(S, { bid: 99, ask: 100 });
        await filled(sell);
        expect(rec.fills(sell.id).map((f) => [f.side, f.qty, f.price])).toEqual([['sell', 4, 99]]);
        const r = await queryOrderChecked(client, buy.id);
        expect(r).toMatchObject({ clientOrderId: buy.id, status: 'filled', qty: 10, filledQty: 10, avgFillPrice: 100, side: 'buy', type: 'market', symbol: S });
        expect(r!.venueOrderId.length).toBeGreaterThan(0);
        await fillsAgree();
      });

      it('limit orders rest until the market reaches them and fill at the limit or better', async () => {
        await connected();
        const buy = await send(order({ side: 'buy', type: 'limit', limitPrice: 98 }));
        await driver.quote(S, { bid: 98.5, ask: 99 });
        await driver.settle();
        expect(buy.isOpen).toBe(true);
        expect(rec.fills(buy.id)).toEqual([]);
        expect(await queryOrderChecked(client, buy.id)).toMatchObject({ status: 'accepted', filledQty: 0, limitPrice: 98 });
        await driver.quote(S, { bid: 97, ask: 98 });
        await filled(buy);
        expect(rec.fills(buy.id).map((f) => f.price)).toEqual([98]);

        const sell = await send(order({ side: 'sell', type: 'limit', limitPrice: 101, qty: 5 }));
        await driver.quote(S, { bid: 100.5, ask: 101 });
        await driver.settle();
        expect(sell.isOpen).toBe(true);
        await driver.quote(S, { bid: 101, ask: 102 });
        await filled(sell);
        expect(rec.fills(sell.id).map((f) => f.price)).toEqual([101]);

        // Marketable: a buy limited at 103 with the ask at 100 pays 100.
        await driver.quote(S, { bid: 99, ask: 100 });
        const better = await send(order({ side: 'buy', type: 'limit', limitPrice: 103, qty: 3 }));
        await driver.quote(S, { bid: 99, ask: 100 });
        await filled(better);
        expect(rec.fills(better.id).map((f) => f.price)).toEqual([100]);
        await fillsAgree();
      });

      it('stop orders trigger when the price reaches the stop and fill like market orders', async () => {
        await connected();
        if (!client.capabilities.orderTypes.includes('stop')) return;
        await long(10);
        const buy = await send(order({ side: 'buy', type: 'stop', stopPrice: 102 }));
        await driver.quote(S, { bid: 100, ask: 101 });
        await driver.settle();
        expect(buy.isOpen).toBe(true);
        await driver.quote(S, { bid: 101, ask: 102 });
        await filled(buy);
        expect(rec.fills(buy.id).map((f) => f.price)).toEqual([102]);
        const sell = await send(order({ side: 'sell', type: 'stop', stopPrice: 97, qty: 5 }));
        await driver.quote(S, { bid: 98, ask: 99 });
        await driver.settle();
        expect(sell.isOpen).toBe(true);
        // Gapped through the stop: the fill is at the market, not at the stop.
        await driver.quote(S, { bid: 96, ask: 97 });
        await filled(sell);
        expect(rec.fills(sell.id).map((f) => f.price)).toEqual([96]);
        await fillsAgree();
      });

      it('stop-limit orders trigger at the stop and fill only within the limit', async () => {
        await connected();
        if (!client.capabilities.orderTypes.includes('stop-limit')) return;
        const o = await send(order({ side: 'buy', type: 'stop-limit', stopPrice: 102, limitPrice: 103 }));
        await driver.quote(S, { bid: 100, ask: 101 });
        await driver.settle();
        expect(o.isOpen).toBe(true);
        await driver.quote(S, { bid: 101, ask: 102 });
        await driver.quote(S, { bid: 101, ask: 102 });
        await filled(o);
        expect(rec.fills(o.id).map((f) => f.price)).toEqual([102]);

        // Gapped above the limit: triggered but not filled until the price comes back within it.
        const gap = await send(order({ side: 'buy', type: 'stop-limit', stopPrice: 104, limitPrice: 104.5, qty: 5 }));
        await driver.quote(S, { bid: 106, ask: 107 });
        await driver.quote(S, { bid: 106, ask: 107 });
        await driver.settle();
        expect(gap.isOpen).toBe(true);
        expect(rec.fills(gap.id)).toEqual([]);
        await driver.quote(S, { bid: 104, ask: 104.5 });
        await filled(gap);
        expect(rec.fills(gap.id).map((f) => f.price)).toEqual([104.5]);
        await fillsAgree();
      });

      it('trailing stops follow the market and fill when it turns back by the offset', async () => {
        await connected();
        if (!client.capabilities.orderTypes.includes('trailing-stop')) return;
        await long(10);
        const o = await send(order({ side: 'sell', type: 'trailing-stop', trailing: { kind: 'amount', value: 2 } }));
        await driver.quote(S, { bid: 109, ask: 110 });
        await driver.settle();
        expect((await queryOrderChecked(client, o.id))!.stopPrice).toBe(107);
        await driver.quote(S, { bid: 108, ask: 109 });
        await driver.settle();
        expect(o.isOpen).toBe(true);
        await driver.quote(S, { bid: 107, ask: 108 });
        await filled(o);
        expect(rec.fills(o.id).map((f) => [f.side, f.price])).toEqual([['sell', 107]]);
      });
    });

    describe('partial fills', () => {
      it('fill no more than the size shown, and the rest later', async () => {
        await connected();
        await driver.quote(S, { bid: 101, ask: 102 });
        const o = await send(order({ side: 'buy', type: 'limit', limitPrice: 100, qty: 100 }));
        await driver.quote(S, { bid: 99, ask: 100, askSize: 30 });
        await driver.settle();
        await until(() => o.filledQty === 30, 'first partial fill');
        expect(o.status).toBe('partially-filled');
        expect(await queryOrderChecked(client, o.id)).toMatchObject({ status: 'partially-filled', filledQty: 30, qty: 100 });
        expect((await client.openOrders()).map((r) => r.clientOrderId)).toEqual([o.id]);
        await driver.quote(S, { bid: 99, ask: 100, askSize: 1000 });
        await filled(o);
        expect(rec.fills(o.id).map((f) => f.qty)).toEqual([30, 70]);
        expect(await queryOrderChecked(client, o.id)).toMatchObject({ status: 'filled', filledQty: 100, avgFillPrice: 100 });
        await fillsAgree();
      });

      it('a partly filled order canceled keeps its fills and fills no more', async () => {
        await connected();
        await driver.quote(S, { bid: 101, ask: 102 });
        const o = await send(order({ side: 'buy', type: 'limit', limitPrice: 100, qty: 50 }));
        await driver.quote(S, { bid: 99, ask: 100, askSize: 20 });
        await driver.settle();
        await until(() => o.filledQty === 20, 'partial fill');
        client.cancel(o.id, driver.now());
        await driver.settle();
        await until(() => o.status === 'canceled', 'canceled');
        await driver.quote(S, { bid: 99, ask: 100 });
        await driver.settle();
        expect(rec.fills(o.id).map((f) => f.qty)).toEqual([20]);
        expect(await queryOrderChecked(client, o.id)).toMatchObject({ status: 'canceled', filledQty: 20 });
      });
    });

    describe('cancels', () => {
      it('cancel a working order once; it never fills afterwards', async () => {
        await connected();
        const o = await send(order({ side: 'buy', type: 'limit', limitPrice: 95 }));
        client.cancel(o.id, driver.now());
        await driver.settle();
        await until(() => o.status === 'canceled', 'canceled');
        await driver.quote(S, { bid: 94, ask: 95 });
        await driver.settle();
        expect(rec.types(o.id).filter((t) => t === 'OrderCanceled')).toHaveLength(1);
        expect(rec.fills(o.id)).toEqual([]);
        expect(await queryOrderChecked(client, o.id)).toMatchObject({ status: 'canceled', filledQty: 0 });
        expect(await client.openOrders()).toEqual([]);
      });

      it('cancel after a fill, a double cancel and a cancel of an unknown id are refused without touching any order', async () => {
        await connected();
        const done = await send(order({ side: 'buy', type: 'market' }));
        await driver.quote(S, { bid: 99, ask: 100 });
        await filled(done);
        client.cancel(done.id, driver.now());
        await driver.settle();
        await until(() => rec.rejectionsOf(done.id, 'cancel').length === 1, 'cancel after fill refused');
        expect(done.status).toBe('filled');
        expect(rec.types(done.id)).not.toContain('OrderCanceled');

        const twice = await send(order({ side: 'buy', type: 'limit', limitPrice: 90 }));
        client.cancel(twice.id, driver.now());
        await driver.settle();
        await until(() => twice.status === 'canceled', 'first cancel');
        client.cancel(twice.id, driver.now());
        await driver.settle();
        await until(() => rec.rejectionsOf(twice.id, 'cancel').length === 1, 'second cancel refused');
        expect(rec.types(twice.id).filter((t) => t === 'OrderCanceled')).toHaveLength(1);

        client.cancel('C-never-sent', driver.now());
        await driver.settle();
        await until(() => rec.rejectionsOf('C-never-sent', 'cancel').length === 1, 'unknown id refused');
        expect(rec.rejectionsOf('C-never-sent')[0]!.reason.length).toBeGreaterThan(0);
      });

      it('cancelAll cancels the working orders of one symbol, then of every symbol', async () => {
        await connected();
        const a = await send(order({ side: 'buy', type: 'limit', limitPrice: 90 }));
        const b = await send(order({ side: 'buy', type: 'limit', limitPrice: 91 }));
        const c = await send(order({ symbol: S2, side: 'buy', type: 'limit', limitPrice: 40 }));
        client.cancelAll(driver.now(), S);
        await driver.settle();
        await until(() => a.status === 'canceled' && b.status === 'canceled', 'orders of the symbol canceled');
        expect(c.isOpen).toBe(true);
        expect((await client.openOrders()).map((r) => r.clientOrderId)).toEqual([c.id]);
        expect(await client.openOrders(S)).toEqual([]);
        client.cancelAll(driver.now());
        await driver.settle();
        await until(() => c.status === 'canceled', 'every order canceled');
        expect(await client.openOrders()).toEqual([]);
      });
    });

    describe('rejects', () => {
      it('rejects malformed orders with a reason, and they never fill', async () => {
        await connected();
        const bad = [
          order({ side: 'buy', type: 'limit', limitPrice: -1 }),
          order({ side: 'buy', type: 'limit' }),
          order({ side: 'buy', type: 'market', qty: Infinity }),
          order({ side: 'buy', type: 'limit', limitPrice: Number.NaN }),
        ];
        if (client.capabilities.orderTypes.includes('stop')) bad.push(order({ side: 'buy', type: 'stop' }));
        for (const o of bad) await send(o);
        await driver.quote(S, { bid: 99, ask: 100 });
        await driver.settle();
        for (const o of bad) {
          await until(() => o.status === 'rejected', `${o.id} rejected`);
          const e = rec.orderEvents.find((x) => x.event.orderId === o.id && x.event.type === 'OrderRejected')!.event;
          expect(e.type === 'OrderRejected' && e.reason.length > 0).toBe(true);
          const r = await queryOrderChecked(client, o.id);
          expect(r === null || r.status === 'rejected').toBe(true);
        }
        expect(rec.fills()).toEqual([]);
      });

      it('rejects order types, time-in-force, fractions and short sales the venue does not declare', async () => {
        await connected();
        const caps = client.capabilities;
        const extra: Record<OrderType, Partial<OrderRequest>> = {
          market: {}, limit: { limitPrice: 90 }, stop: { stopPrice: 110 }, 'stop-limit': { stopPrice: 110, limitPrice: 111 }, 'trailing-stop': { trailing: { kind: 'amount', value: 1 } },
        };
        const bad: Order[] = [];
        for (const type of ALL_ORDER_TYPES) if (!caps.orderTypes.includes(type)) bad.push(order({ side: 'buy', type, ...extra[type] }));
        for (const tif of ALL_TIME_IN_FORCE) if (!caps.timeInForce.includes(tif)) bad.push(order({ side: 'buy', type: 'limit', limitPrice: 90, tif, expireTimeMs: driver.now() + 86_400_000 }));
        if (!caps.fractionalQty) bad.push(order({ side: 'buy', type: 'market', qty: 1.5 }));
        if (!caps.shorting) bad.push(order({ side: 'sell', type: 'market', qty: 5 }));
        for (const o of bad) await send(o);
        await driver.quote(S, { bid: 99, ask: 100 });
        await driver.settle();
        for (const o of bad) await until(() => o.status === 'rejected', `${o.id} (${o.type} ${o.tif} ${o.qty} ${o.side}) rejected`);
        expect(rec.fills()).toEqual([]);
      });
    });

    describe('idempotent submit', () => {
      it('a client order id sent twice makes one order, whatever the second carries', async () => {
        await connected();
        const o = order({ side: 'buy', type: 'limit', limitPrice: 98 });
        await send(o);
        await send(o);
        const copy = new Order(o.id, 'contract', { symbol: S, side: 'buy', type: 'limit', limitPrice: 99, qty: 77 }, driver.now());
        await send(copy);
        await until(() => rec.rejectionsOf(o.id, 'submit').length === 2, 'both duplicates refused');
        expect(copy.status).toBe('initialized');
        expect(rec.types(o.id).filter((t) => t === 'OrderSubmitted')).toHaveLength(1);
        expect((await client.openOrders()).map((r) => [r.clientOrderId, r.qty, r.limitPrice])).toEqual([[o.id, 10, 98]]);
        await driver.quote(S, { bid: 97, ask: 98 });
        await filled(o);
        await driver.quote(S, { bid: 97, ask: 98 });
        await driver.settle();
        expect(rec.fills().map((f) => [f.orderId, f.qty])).toEqual([[o.id, 10]]);
        expect(await queryOrderChecked(client, o.id)).toMatchObject({ qty: 10, filledQty: 10, limitPrice: 98 });
        // The id of a finished order is still taken.
        const late = await send(new Order(o.id, 'contract', { symbol: S, side: 'buy', type: 'market', qty: 5 }, driver.now()));
        await driver.quote(S, { bid: 97, ask: 98 });
        await until(() => rec.rejectionsOf(o.id, 'submit').length === 3, 'a copy of a filled order refused');
        expect(late.status).toBe('initialized');
        expect(rec.fills()).toHaveLength(1);
      });
    });

    describe('queries', () => {
      it('queryOrder answers for known orders with a stable venue order id, and null for unknown ids', async () => {
        await connected();
        const o = await send(order({ side: 'buy', type: 'limit', limitPrice: 95 }));
        const first = await queryOrderChecked(client, o.id);
        expect(first).toMatchObject({ clientOrderId: o.id, status: 'accepted', qty: 10, filledQty: 0, avgFillPrice: 0, limitPrice: 95, side: 'buy', type: 'limit', tif: 'GTC' });
        expect((await queryOrderChecked(client, o.id))!.venueOrderId).toBe(first!.venueOrderId);
        expect(await client.queryOrder('C-no-such-order')).toBeNull();
        const other = await send(order({ side: 'buy', type: 'limit', limitPrice: 94 }));
        expect((await queryOrderChecked(client, other.id))!.venueOrderId).not.toBe(first!.venueOrderId);
      });
    });

    describe('modify', () => {
      it('changes a limit price and quantity; the order then fills on the new terms', async () => {
        await connected();
        const o = await send(order({ side: 'buy', type: 'limit', limitPrice: 95 }));
        const before = (await queryOrderChecked(client, o.id))!.venueOrderId;
        client.modify(o.id, { limitPrice: 97, qty: 4 }, driver.now());
        await driver.settle();
        await until(() => rec.types(o.id).includes('OrderUpdated'), 'OrderUpdated');
        const after = (await queryOrderChecked(client, o.id))!;
        expect(after).toMatchObject({ limitPrice: 97, qty: 4, status: 'accepted' });
        if (client.capabilities.nativeModify) expect(after.venueOrderId).toBe(before);
        else expect(after.venueOrderId).not.toBe(before);
        await driver.quote(S, { bid: 96, ask: 97 });
        await filled(o);
        expect(rec.fills(o.id).map((f) => [f.qty, f.price])).toEqual([[4, 97]]);
        const fills = await fillsAgree();
        expect(fills.find((f) => f.clientOrderId === o.id)!.venueOrderId).toBe(after.venueOrderId);
      });

      it('moves a stop trigger', async () => {
        await connected();
        if (!client.capabilities.orderTypes.includes('stop')) return;
        const o = await send(order({ side: 'buy', type: 'stop', stopPrice: 105 }));
        client.modify(o.id, { stopPrice: 103 }, driver.now());
        await driver.settle();
        await until(() => rec.types(o.id).includes('OrderUpdated'), 'OrderUpdated');
        await driver.quote(S, { bid: 102, ask: 103 });
        await filled(o);
        expect(rec.fills(o.id).map((f) => f.price)).toEqual([103]);
      });

      it('refuses to modify unknown or finished orders, or below what has filled, and leaves the order as it was', async () => {
        await connected();
        client.modify('C-never-sent', { limitPrice: 90 }, driver.now());
        const done = await send(order({ side: 'buy', type: 'market' }));
        await driver.quote(S, { bid: 99, ask: 100 });
        await filled(done);
        client.modify(done.id, { qty: 20 }, driver.now());
        await driver.quote(S, { bid: 101, ask: 102 });
        const part = await send(order({ side: 'buy', type: 'limit', limitPrice: 100, qty: 100 }));
        await driver.quote(S, { bid: 99, ask: 100, askSize: 30 });
        await driver.settle();
        await until(() => part.filledQty === 30, 'partial fill');
        await driver.quote(S, { bid: 101, ask: 102 });
        client.modify(part.id, { qty: 20 }, driver.now());
        await driver.settle();
        await until(() => rec.rejected.filter((r) => r.command === 'modify').length === 3, 'three modifies refused');
        expect(rec.rejectionsOf('C-never-sent', 'modify')).toHaveLength(1);
        expect(rec.rejectionsOf(done.id, 'modify')).toHaveLength(1);
        expect(rec.rejectionsOf(part.id, 'modify')).toHaveLength(1);
        expect(await queryOrderChecked(client, part.id)).toMatchObject({ qty: 100, filledQty: 30, limitPrice: 100, status: 'partially-filled' });
        expect(await queryOrderChecked(client, done.id)).toMatchObject({ qty: 10, status: 'filled' });
      });
    });

    describe('adopt after a restart', () => {
      it('follows a working order through the restored Order object: its later fills reach the new sink, once', async () => {
        if (client.adopt === undefined) return;
        await connected();
        await driver.quote(S, { bid: 101, ask: 102 });
        const o = await send(order({ side: 'buy', type: 'limit', limitPrice: 100, qty: 10 }));
        await driver.quote(S, { bid: 99, ask: 100, askSize: 4 });
        await driver.settle();
        await until(() => o.filledQty === 4, 'partial fill before the restart');
        await driver.quote(S, { bid: 101, ask: 102 });
        const rec2 = new RecordingSink();
        let after: ExecutionClient;
        if (setup.restart !== undefined) after = await setup.restart(rec2);
        else {
          await client.disconnect();
          after = client;
        }
        await after.connect();
        // The node rebuilds the order from its store and reconciliation: same id, what has filled, working.
        const restored = new Order(o.id, 'contract', { symbol: S, side: 'buy', type: 'limit', limitPrice: 100, qty: 10 }, o.createdMs);
        restored.status = 'partially-filled';
        restored.filledQty = 4;
        restored.avgFillPrice = 100;
        after.adopt!(restored);
        await driver.quote(S, { bid: 99, ask: 100 });
        await driver.settle();
        const sink = setup.restart !== undefined ? rec2 : rec;
        await until(() => restored.status === 'filled', `${o.id} filled after the restart (is ${restored.status})`);
        expect(restored.filledQty).toBe(10);
        expect(sink.fills(o.id).map((f) => f.qty).slice(-1)).toEqual([6]);
        expect(await queryOrderChecked(after, o.id)).toMatchObject({ status: 'filled', filledQty: 10 });
      });
    });

    describe('mass status', () => {
      it('after a restart lists the open orders, the fills since a time, the positions and the balances that match what happened', async () => {
        await connected();
        const t0 = driver.now();
        const first = await send(order({ side: 'buy', type: 'market', qty: 10 }));
        await driver.quote(S, { bid: 99, ask: 100 });
        await filled(first);
        const tMid = driver.now() + 1;
        const resting = await send(order({ side: 'buy', type: 'limit', limitPrice: 95, qty: 20 }));
        await driver.quote(S, { bid: 101.5, ask: 102 });
        const part = await send(order({ side: 'buy', type: 'limit', limitPrice: 101, qty: 50 }));
        await driver.quote(S, { bid: 100.5, ask: 101, askSize: 20 });
        await driver.settle();
        await until(() => part.filledQty === 20, 'partial fill');
        await driver.quote(S, { bid: 102, ask: 103 });
        const sell = await send(order({ side: 'sell', type: 'market', qty: 4 }));
        await driver.quote(S, { bid: 102, ask: 103 });
        await filled(sell);
        const gone = await send(order({ side: 'buy', type: 'limit', limitPrice: 90 }));
        client.cancel(gone.id, driver.now());
        await driver.settle();
        await until(() => gone.status === 'canceled', 'canceled');
        const other = await send(order({ symbol: S2, side: 'buy', type: 'market', qty: 3 }));
        await driver.quote(S2, { bid: 49, ask: 50 });
        await filled(other);
        const heard = rec.fills();

        let after: ExecutionClient;
        const rec2 = new RecordingSink();
        if (setup.restart !== undefined) {
          after = await setup.restart(rec2);
        } else {
          await client.disconnect();
          after = client;
        }
        await after.connect();
        const ms = await requestMassStatus(after, t0);

        expect(ms.openOrders.map((r) => [r.clientOrderId, r.status, r.qty, r.filledQty]).sort()).toEqual(
          [[resting.id, 'accepted', 20, 0], [part.id, 'partially-filled', 50, 20]].sort(),
        );
        const key = (id: string, side: string, qty: number, price: number): string => `${id} ${side} ${qty}@${price}`;
        expect(ms.fills.map((f) => key(f.clientOrderId, f.side, f.qty, f.price)).sort()).toEqual(heard.map((f) => key(f.orderId, f.side, f.qty, f.price)).sort());
        expect(ms.fills.map((f) => key(f.clientOrderId, f.side, f.qty, f.price)).sort()).toEqual(
          [key(first.id, 'buy', 10, 100), key(part.id, 'buy', 20, 101), key(sell.id, 'sell', 4, 102), key(other.id, 'buy', 3, 50)].sort(),
        );
        const later = await after.fillsSince(tMid);
        expect(later.map((f) => f.clientOrderId).sort()).toEqual([part.id, sell.id, other.id].sort());

        const pos = new Map(ms.positions.map((p) => [p.symbol, p]));
        expect(pos.size).toBe(2);
        expect(pos.get(S)!.qty).toBeCloseTo(26, 9);
        expect(pos.get(S)!.avgPrice).toBeCloseTo((10 * 100 + 20 * 101) / 30, 9);
        expect(pos.get(S2)).toMatchObject({ qty: 3, avgPrice: 50 });

        const cash = driver.startingCash - sum(ms.fills.map((f) => (f.side === 'buy' ? 1 : -1) * f.qty * f.price)) - sum(ms.fills.map((f) => f.commission));
        const bal = ms.balances.find((b) => b.currency === driver.currency);
        expect(bal).toBeDefined();
        expect(bal!.total).toBeCloseTo(cash, 6);

        expect(await queryOrderChecked(after, gone.id)).toMatchObject({ status: 'canceled', filledQty: 0 });
        expect(await queryOrderChecked(after, first.id)).toMatchObject({ status: 'filled', filledQty: 10, avgFillPrice: 100 });
        // The restarted client still trades: the resting order fills, once.
        await driver.quote(S, { bid: 94, ask: 95 });
        await driver.settle();
        expect(await queryOrderChecked(after, resting.id)).toMatchObject({ status: 'filled', filledQty: 20, avgFillPrice: 95 });
      });
    });
  });
}
