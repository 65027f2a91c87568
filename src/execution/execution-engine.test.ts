import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvariantError } from '../core/errors.ts';
import type { Bar } from '../model/bar.ts';
import type { OrderEvent } from '../model/events.ts';
import { makeInstrument } from '../model/instrument.ts';
import { isTerminal, type OrderStatus } from '../model/order-status.ts';
import { Order, type OrderRequest } from '../model/order.ts';
import { ExecutionEngine, type OrderReport, type OrderRoute } from './execution-engine.ts';
import { OrderEmulator } from './order-emulator.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue } from './simulated-venue.ts';

/** A client that only records the commands it is given (reports are fed to the engine by the test). */
class RecordingClient implements OrderRoute {
  readonly sent: string[] = [];
  readonly canceled: string[] = [];
  submit(order: Order): void {
    this.sent.push(order.id);
  }
  cancel(orderId: string): void {
    this.canceled.push(orderId);
  }
}

/** The engine with a recording client, and every event it passed on. */
function setup(): { engine: ExecutionEngine; client: RecordingClient; events: OrderEvent[] } {
  const events: OrderEvent[] = [];
  const engine = new ExecutionEngine({ onOrderEvent: (e) => void events.push(e) });
  const client = new RecordingClient();
  engine.addClient(client);
  return { engine, client, events };
}

const request = (qty = 10, symbol = 'X'): OrderRequest => ({ symbol, side: 'buy', type: 'limit', limitPrice: 100, qty });

let fillSeq = 0;
/** Shorthands for reports about order "O" (fills get fresh ids unless one is given). */
const R = {
  submitted: { kind: 'submitted', clientOrderId: 'O', tsEventMs: 1 },
  accepted: { kind: 'accepted', clientOrderId: 'O', venueOrderId: 'V-O', tsEventMs: 2 },
  canceled: { kind: 'canceled', clientOrderId: 'O', tsEventMs: 3, reason: 'asked' },
  expired: { kind: 'expired', clientOrderId: 'O', tsEventMs: 3 },
  rejected: { kind: 'rejected', clientOrderId: 'O', tsEventMs: 3, reason: 'no margin' },
  triggered: { kind: 'triggered', clientOrderId: 'O', tsEventMs: 3 },
  fill: (qty: number, fillId = `F${++fillSeq}`): OrderReport => ({ kind: 'fill', clientOrderId: 'O', tsEventMs: 4, fill: { fillId, qty, price: 99, commission: 0.1, liquidity: 'maker' } }),
} satisfies Record<string, OrderReport | ((...a: never[]) => OrderReport)>;

interface Row {
  readonly name: string;
  readonly reports: readonly OrderReport[];
  readonly status: OrderStatus;
  readonly filled: number;
  /** Events passed on, in order. */
  readonly events: readonly OrderEvent['type'][];
  readonly duplicates?: number;
  readonly outOfOrder?: number;
}

const ROWS: readonly Row[] = [
  { name: 'the plain life of an order', reports: [R.submitted, R.accepted, R.fill(10)], status: 'filled', filled: 10, events: ['OrderSubmitted', 'OrderAccepted', 'OrderFilled'] },
  { name: 'partial fills add up to filled', reports: [R.submitted, R.accepted, R.fill(3), R.fill(3), R.fill(4)], status: 'filled', filled: 10, events: ['OrderSubmitted', 'OrderAccepted', 'OrderFilled', 'OrderFilled', 'OrderFilled'] },
  { name: 'a venue may fill before it acknowledges', reports: [R.submitted, R.fill(10)], status: 'filled', filled: 10, events: ['OrderSubmitted', 'OrderFilled'] },
  { name: 'the same fill id twice is booked once', reports: [R.submitted, R.accepted, R.fill(4, 'A'), R.fill(4, 'A')], status: 'partially-filled', filled: 4, events: ['OrderSubmitted', 'OrderAccepted', 'OrderFilled'], duplicates: 1 },
  { name: 'a fill beyond what was ordered (already filled) is dropped', reports: [R.submitted, R.accepted, R.fill(10), R.fill(10)], status: 'filled', filled: 10, events: ['OrderSubmitted', 'OrderAccepted', 'OrderFilled'], duplicates: 1 },
  { name: 'a fill larger than what is left is dropped whole', reports: [R.submitted, R.accepted, R.fill(6), R.fill(6)], status: 'partially-filled', filled: 6, events: ['OrderSubmitted', 'OrderAccepted', 'OrderFilled'], duplicates: 1 },
  { name: "'accepted' after 'filled' is out of order", reports: [R.submitted, R.fill(10), R.accepted], status: 'filled', filled: 10, events: ['OrderSubmitted', 'OrderFilled'], outOfOrder: 1 },
  { name: "'accepted' twice is a duplicate", reports: [R.submitted, R.accepted, R.accepted], status: 'accepted', filled: 0, events: ['OrderSubmitted', 'OrderAccepted'], duplicates: 1 },
  { name: 'a fill for a canceled order is out of order', reports: [R.submitted, R.accepted, R.canceled, R.fill(5)], status: 'canceled', filled: 0, events: ['OrderSubmitted', 'OrderAccepted', 'OrderCanceled'], outOfOrder: 1 },
  { name: 'a cancel after the last fill is out of order', reports: [R.submitted, R.accepted, R.fill(10), R.canceled], status: 'filled', filled: 10, events: ['OrderSubmitted', 'OrderAccepted', 'OrderFilled'], outOfOrder: 1 },
  { name: 'a partly filled order can be canceled and keeps its fills', reports: [R.submitted, R.accepted, R.fill(4), R.canceled, R.fill(6)], status: 'canceled', filled: 4, events: ['OrderSubmitted', 'OrderAccepted', 'OrderFilled', 'OrderCanceled'], outOfOrder: 1 },
  { name: "an acknowledgment without 'submitted' implies it; a late 'submitted' is out of order", reports: [R.accepted, R.submitted, R.accepted], status: 'accepted', filled: 0, events: ['OrderSubmitted', 'OrderAccepted'], duplicates: 1, outOfOrder: 1 },
  { name: 'a venue may reject without acknowledging', reports: [R.rejected, R.fill(1)], status: 'rejected', filled: 0, events: ['OrderSubmitted', 'OrderRejected'], outOfOrder: 1 },
  { name: "an order the venue has not acknowledged cannot expire or trigger", reports: [R.expired, R.triggered], status: 'initialized', filled: 0, events: [], outOfOrder: 2 },
  { name: 'a venue can still reject an accepted order', reports: [R.submitted, R.accepted, R.rejected, R.accepted], status: 'rejected', filled: 0, events: ['OrderSubmitted', 'OrderAccepted', 'OrderRejected'], outOfOrder: 1 },
  { name: 'an expired order stays expired', reports: [R.submitted, R.accepted, R.expired, R.expired, R.canceled], status: 'expired', filled: 0, events: ['OrderSubmitted', 'OrderAccepted', 'OrderExpired'], duplicates: 1, outOfOrder: 1 },
  { name: 'a triggered stop fills', reports: [R.submitted, R.accepted, R.triggered, R.fill(10)], status: 'filled', filled: 10, events: ['OrderSubmitted', 'OrderAccepted', 'OrderTriggered', 'OrderFilled'] },
];

describe('ExecutionEngine: reports from a client that only reports', () => {
  it.each(ROWS)('$name', (row) => {
    const { engine, events } = setup();
    const o = new Order('O', 's', request(), 0);
    engine.submit(o, 0);
    for (const r of row.reports) engine.onReport(r);
    expect(o.status).toBe(row.status);
    expect(o.filledQty).toBe(row.filled);
    // The engine's record: kept while the order works, dropped when it is finished.
    const e = engine.cache.entry('O');
    if (isTerminal(row.status)) expect(e).toBeNull();
    else expect([e!.status, e!.filledQty]).toEqual([row.status, row.filled]);
    expect(events.map((e) => e.type)).toEqual(row.events);
    expect(engine.anomalies).toEqual({ duplicates: row.duplicates ?? 0, outOfOrder: row.outOfOrder ?? 0, unknown: 0 });
    expect(engine.cache.workingCount).toBe(isTerminal(row.status) ? 0 : 1);
  });

  it('books fills at their price and commission, with the average over partial fills', () => {
    const { engine, events } = setup();
    const o = new Order('O', 's', request(), 0);
    engine.submit(o, 0);
    engine.onReport(R.accepted);
    engine.onReport({ kind: 'fill', clientOrderId: 'O', tsEventMs: 5, fill: { fillId: 'a', qty: 4, price: 100, commission: 1, liquidity: 'maker' } });
    engine.onReport({ kind: 'fill', clientOrderId: 'O', tsEventMs: 6, fill: { fillId: 'b', qty: 6, price: 95, commission: 2, liquidity: 'taker' } });
    expect([o.avgFillPrice, o.commission, o.updatedMs]).toEqual([97, 3, 6]);
    const fills = events.filter((e) => e.type === 'OrderFilled');
    expect(fills.map((e) => [e.fill.qty, e.fill.price, e.fill.liquidity, e.status])).toEqual([[4, 100, 'maker', 'partially-filled'], [6, 95, 'taker', 'filled']]);
  });

  it('finds an order by the venue order id an earlier report gave it', () => {
    const { engine } = setup();
    const o = new Order('O', 's', request(), 0);
    engine.submit(o, 0);
    engine.onReport(R.accepted);
    expect(engine.cache.getByVenueId('V-O')).toBe(o);
    engine.onReport({ kind: 'fill', venueOrderId: 'V-O', tsEventMs: 4, fill: { fillId: 'x', qty: 10, price: 99, commission: 0, liquidity: 'maker' } });
    expect(o.status).toBe('filled');
  });

  it('counts a report about an order it does not know and changes nothing', () => {
    const { engine, events } = setup();
    engine.onReport({ kind: 'accepted', clientOrderId: 'ghost', tsEventMs: 1 });
    engine.onReport({ kind: 'canceled', venueOrderId: 'V-ghost', tsEventMs: 1 });
    expect(engine.anomalies.unknown).toBe(2);
    expect(events).toEqual([]);
  });

  it('applies an update to a working order and drops one for a finished order', () => {
    const { engine, events } = setup();
    const o = new Order('O', 's', request(), 0);
    engine.submit(o, 0);
    engine.onReport(R.accepted);
    engine.onReport({ kind: 'updated', clientOrderId: 'O', tsEventMs: 7, limitPrice: 98, qty: 12 });
    expect([o.limitPrice, o.qty, o.updatedMs, o.status]).toEqual([98, 12, 7, 'accepted']);
    // A quantity at or below what has filled cannot be applied.
    engine.onReport(R.fill(5));
    engine.onReport({ kind: 'updated', clientOrderId: 'O', tsEventMs: 7, qty: 5 });
    expect([o.qty, engine.anomalies.outOfOrder]).toEqual([12, 1]);
    engine.onReport(R.canceled);
    engine.onReport({ kind: 'updated', clientOrderId: 'O', tsEventMs: 8, limitPrice: 97 });
    expect(o.limitPrice).toBe(98);
    expect(events.map((e) => e.type)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderUpdated', 'OrderFilled', 'OrderCanceled']);
    expect(engine.anomalies.outOfOrder).toBe(2);
  });
});

describe('ExecutionEngine: commands', () => {
  it("routes an order to the client of its symbol and a cancel to the order's client", () => {
    const events: OrderEvent[] = [];
    const engine = new ExecutionEngine({ onOrderEvent: (e) => void events.push(e) });
    const main = new RecordingClient();
    const other = new RecordingClient();
    engine.addClient(main);
    engine.addClient(other, ['B']);
    engine.submit(new Order('1', 's', request(1, 'A'), 0), 0);
    engine.submit(new Order('2', 's', request(1, 'B'), 0), 0);
    engine.cancel('2', 1);
    engine.cancel('1', 1);
    expect([main.sent, other.sent, main.canceled, other.canceled]).toEqual([['1'], ['2'], ['1'], ['2']]);
  });

  it('has no client for an order until one is added', () => {
    const engine = new ExecutionEngine({ onOrderEvent: () => undefined });
    expect(() => engine.submit(new Order('1', 's', request(), 0), 0)).toThrow(InvariantError);
    expect(engine.cache.size).toBe(0);
  });

  it('sends no cancel for an unknown or finished order', () => {
    const { engine, client } = setup();
    engine.submit(new Order('O', 's', request(), 0), 0);
    engine.onReport(R.accepted);
    engine.onReport(R.fill(10));
    expect([engine.cancel('O', 5), engine.cancel('nope', 5)]).toEqual([false, false]);
    expect(client.canceled).toEqual([]);
  });

  it('books a denied order as finished, never sends it, and passes the denial on', () => {
    const { engine, client, events } = setup();
    const o = new Order('D', 's', request(), 0);
    engine.deny(o, 3, 'max notional');
    expect([o.status, o.reason, engine.cache.get('D'), engine.cache.workingCount, client.sent]).toEqual(['denied', 'max notional', o, 0, []]);
    expect(events).toEqual([{ type: 'OrderDenied', orderId: 'D', strategyId: 's', symbol: 'X', tsEventMs: 3, reason: 'max notional' }]);
  });
});

describe('ExecutionEngine: a client that shares the order (the simulated venue)', () => {
  const bar = (t: number, open: number, high: number, low: number, close: number): Bar => ({ symbol: 'X', tsEventMs: t, open, high, low, close, volume: 1e6 });

  /** The engine sending to the venue, or (emulated) to the OrderEmulator in front of it, as every node does. */
  function venueSetup(config: Partial<typeof DEFAULT_VENUE_CONFIG> = {}, emulated = false): { engine: ExecutionEngine; venue: SimulatedVenue; events: { event: OrderEvent; order: Order }[]; slot: number; pos: { qty: number } } {
    const events: { event: OrderEvent; order: Order }[] = [];
    const pos = { qty: 0 };
    const engine = new ExecutionEngine({
      onOrderEvent: (event, order) => {
        events.push({ event, order });
        if (event.type === 'OrderFilled') pos.qty += event.fill.side === 'buy' ? event.fill.qty : -event.fill.qty;
      },
    });
    const emulator = emulated ? new OrderEmulator(engine, { positionQty: () => pos.qty }) : null;
    const venue = new SimulatedVenue({ ...DEFAULT_VENUE_CONFIG, ...config }, emulator ?? engine, { rejectReason: () => null, positionQty: () => pos.qty });
    engine.addClient(emulator?.attach(venue) ?? venue);
    const slot = venue.addInstrument(makeInstrument('X'));
    venue.onBar(slot, bar(0, 100, 101, 99, 100));
    return { engine, venue, events, slot, pos };
  }

  it('passes on what the venue reports and keeps the cache in step with the venue book', () => {
    const { engine, venue, events, slot } = venueSetup();
    const o = new Order('O-1', 's', { symbol: 'X', side: 'buy', type: 'market', qty: 10 }, 0);
    engine.submit(o, 0);
    expect(engine.cache.working().map((x) => x.id)).toEqual(['O-1']);
    venue.onBar(slot, bar(1, 102, 103, 101, 102));
    expect(events.map((e) => e.event.type)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderFilled']);
    expect([o.status, engine.cache.entry('O-1'), engine.cache.workingCount, venue.workingCount]).toEqual(['filled', null, 0, 0]);
  });

  it('drops a second delivery of a fill or a stale acceptance, and counts them', () => {
    const { engine, venue, events, slot } = venueSetup();
    const o = new Order('O-1', 's', { symbol: 'X', side: 'buy', type: 'market', qty: 10 }, 0);
    engine.submit(o, 0);
    venue.onBar(slot, bar(1, 102, 103, 101, 102));
    const [, accepted, filled] = events.map((e) => e.event);
    engine.onOrderEvent(filled!, o);
    engine.onOrderEvent(accepted!, o);
    expect(events).toHaveLength(3);
    expect(engine.anomalies).toEqual({ duplicates: 1, outOfOrder: 1, unknown: 0 });
    expect([o.status, o.filledQty]).toEqual(['filled', 10]);
  });

  it('drops a second delivery of a partial fill (more than the order has filled)', () => {
    const { engine, venue, events, slot } = venueSetup({ volumeCap: 0.5 });
    const o = new Order('O-1', 's', { symbol: 'X', side: 'buy', type: 'market', qty: 10 }, 0);
    engine.submit(o, 0);
    venue.onBar(slot, { ...bar(1, 102, 103, 101, 102), volume: 8 });
    expect([o.status, o.filledQty]).toEqual(['partially-filled', 4]);
    const partial = events.at(-1)!.event;
    engine.onOrderEvent(partial, o);
    expect(engine.anomalies.duplicates).toBe(1);
    expect([engine.cache.entry('O-1')!.filledQty, engine.cache.workingCount, events.length]).toEqual([4, 1, 3]);
    // The rest fills on the next bar and is booked.
    venue.onBar(slot, { ...bar(2, 102, 103, 101, 102), volume: 100 });
    expect([o.status, o.filledQty, engine.cache.workingCount]).toEqual(['filled', 10, 0]);
  });

  it('adopts the orders its client makes itself (exit attachments, made by the emulator) and tracks them to the end', () => {
    const { engine, venue, events, slot } = venueSetup({}, true);
    const o = new Order('O-1', 's', { symbol: 'X', side: 'buy', type: 'market', qty: 10, exits: { stopLoss: { price: 90 }, takeProfit: { price: 110 } } }, 0);
    engine.submit(o, 0);
    venue.onBar(slot, bar(1, 102, 103, 101, 102));
    expect(engine.cache.working().map((x) => x.id)).toEqual(['O-1-sl', 'O-1-tp']);
    expect(engine.cache.all.map((x) => x.id)).toEqual(['O-1', 'O-1-sl', 'O-1-tp']);
    venue.onBar(slot, bar(2, 104, 111, 103, 110));
    expect(engine.cache.working()).toEqual([]);
    expect(['O-1-sl', 'O-1-tp'].map((id) => engine.cache.get(id)!.status)).toEqual(['canceled', 'filled']);
    expect(engine.anomalies).toEqual({ duplicates: 0, outOfOrder: 0, unknown: 0 });
    expect(events.filter((e) => e.event.type === 'OrderFilled').map((e) => e.order.id)).toEqual(['O-1', 'O-1-tp']);
  });

  it("routes a modification to the order's client and passes the venue's update on", () => {
    const { engine, venue, events, slot } = venueSetup();
    const o = new Order('O-1', 's', { symbol: 'X', side: 'buy', type: 'limit', limitPrice: 95, qty: 10 }, 0);
    engine.submit(o, 0);
    expect(engine.modify('O-1', { limitPrice: 97, qty: 12 }, 1)).toBe(true);
    expect([o.limitPrice, o.qty, events.at(-1)!.event.type, engine.cache.entry('O-1')!.status]).toEqual([97, 12, 'OrderUpdated', 'accepted']);
    venue.onBar(slot, bar(2, 98, 99, 96.5, 98));
    expect([o.status, o.filledQty, o.avgFillPrice]).toEqual(['filled', 12, 97]);
    // Finished: nothing is sent.
    expect([engine.modify('O-1', { limitPrice: 90 }, 3), engine.modify('nope', { limitPrice: 90 }, 3)]).toEqual([false, false]);
    expect(o.limitPrice).toBe(97);
  });

  it('ignores an event for an order it does not know that is not its first report', () => {
    const { engine, events } = venueSetup();
    const stray = new Order('S', 's', { symbol: 'X', side: 'buy', type: 'market', qty: 1 }, 0);
    engine.onOrderEvent({ type: 'OrderAccepted', orderId: 'S', strategyId: 's', symbol: 'X', tsEventMs: 0 }, stray);
    expect([engine.anomalies.unknown, events.length, engine.cache.size]).toEqual([1, 0, 0]);
  });
});

// ---- any sequence of reports leaves the cache consistent ----

const ORDERS = [
  { id: 'a1', strategy: 'a', symbol: 'X', qty: 10 },
  { id: 'a2', strategy: 'a', symbol: 'Y', qty: 3 },
  { id: 'b1', strategy: 'b', symbol: 'X', qty: 7 },
  { id: 'b2', strategy: 'b', symbol: 'Y', qty: 1 },
] as const;

const reportArb: fc.Arbitrary<OrderReport> = fc
  .record({
    order: fc.integer({ min: 0, max: ORDERS.length }),
    byVenueId: fc.boolean(),
    kind: fc.constantFrom<OrderReport['kind']>('submitted', 'accepted', 'rejected', 'triggered', 'updated', 'canceled', 'expired', 'fill', 'fill', 'fill'),
    fillId: fc.integer({ min: 1, max: 6 }),
    qty: fc.constantFrom(0.5, 1, 2, 3, 7, 10),
    ts: fc.integer({ min: 0, max: 100 }),
  })
  .map(({ order, byVenueId, kind, fillId, qty, ts }): OrderReport => {
    // Index ORDERS.length is an order nobody sent.
    const id = order < ORDERS.length ? ORDERS[order]!.id : 'ghost';
    const ids = byVenueId ? { venueOrderId: `V-${id}` } : { clientOrderId: id, venueOrderId: `V-${id}` };
    if (kind === 'fill') return { kind, ...ids, tsEventMs: ts, fill: { fillId: `${id}-${fillId}`, qty, price: 100, commission: 0, liquidity: 'taker' } };
    return { kind, ...ids, tsEventMs: ts, reason: 'r' };
  });

describe('ExecutionEngine: properties', () => {
  it('any sequence of reports leaves every order consistent and the working set equal to the unfinished orders', () => {
    fc.assert(
      fc.property(fc.array(reportArb, { maxLength: 60 }), (reports) => {
        const events: OrderEvent[] = [];
        const engine = new ExecutionEngine({ onOrderEvent: (e) => void events.push(e) });
        engine.addClient(new RecordingClient());
        const orders = ORDERS.map((d) => new Order(d.id, d.strategy, request(d.qty, d.symbol), 0));
        for (const o of orders) engine.submit(o, 0);
        const booked = new Map<string, number>();
        for (const r of reports) {
          const before = orders.map((o) => o.status);
          const seen = events.length;
          const dropped = engine.anomalies.duplicates + engine.anomalies.outOfOrder + engine.anomalies.unknown;
          engine.onReport(r);
          // Each report is either passed on (after an implied 'submitted' when the venue skipped it) or counted once.
          const droppedNow = engine.anomalies.duplicates + engine.anomalies.outOfOrder + engine.anomalies.unknown - dropped;
          const passed = events.slice(seen).map((e) => e.type);
          if (droppedNow === 1) expect(passed).toEqual([]);
          else {
            expect(droppedNow).toBe(0);
            expect(passed.length === 1 || (passed.length === 2 && passed[0] === 'OrderSubmitted')).toBe(true);
          }
          for (const e of events.slice(seen)) if (e.type === 'OrderFilled') booked.set(e.orderId, (booked.get(e.orderId) ?? 0) + e.fill.qty);
          orders.forEach((o, i) => {
            // A finished order never changes again.
            if (isTerminal(before[i]!)) expect(o.status).toBe(before[i]);
            expect(o.filledQty).toBeLessThanOrEqual(o.qty + 1e-9);
            const e = engine.cache.entry(o.id);
            if (isTerminal(o.status)) expect(e).toBeNull();
            else expect([e!.status, e!.filledQty]).toEqual([o.status, o.filledQty]);
            expect(booked.get(o.id) ?? 0).toBeCloseTo(o.filledQty, 12);
            if (o.status === 'filled') expect(o.filledQty).toBeCloseTo(o.qty, 9);
          });
        }
        const unfinished = orders.filter((o) => !isTerminal(o.status));
        expect(engine.cache.working().map((o) => o.id)).toEqual(unfinished.map((o) => o.id));
        for (const s of ['a', 'b']) {
          expect(engine.cache.working({ strategyId: s })).toEqual(unfinished.filter((o) => o.strategyId === s));
          expect(engine.cache.workingCountOf({ strategyId: s })).toBe(unfinished.filter((o) => o.strategyId === s).length);
        }
        for (const y of ['X', 'Y']) expect(engine.cache.working({ symbol: y })).toEqual(unfinished.filter((o) => o.symbol === y));
        expect(engine.cache.inflightCount).toBe(orders.filter((o) => o.status === 'initialized').length);
      }),
      { numRuns: 300 },
    );
  });
});
