// The order cache's working list against the orders' own state, for a client that shares the Order object
// (the simulated venue, as paper runs it): an order leaves the working list exactly when it finishes.
// Found while chasing a filled order still listed as working after a paper restart and a kill --flatten
// (test/server/api.test.ts on Postgres, once): an order sent again at a restart with part of it filled
// before (live-node restoreOrder) was booked from zero, so the fill of its rest moved the order to 'filled'
// and its cache entry only to 'partially-filled', working for ever.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Bar } from '../model/bar.ts';
import type { OrderEvent } from '../model/events.ts';
import { makeInstrument } from '../model/instrument.ts';
import { Order, type OrderRequest } from '../model/order.ts';
import { ExecutionEngine } from './execution-engine.ts';
import { OrderEmulator } from './order-emulator.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue } from './simulated-venue.ts';

const bar = (t: number, px: number, volume: number): Bar => ({ symbol: 'X', tsEventMs: t, open: px, high: px + 1, low: px - 1, close: px, volume });

function setup(emulated: boolean) {
  const events: { event: OrderEvent; order: Order }[] = [];
  const pos = { qty: 0 };
  const engine = new ExecutionEngine({
    onOrderEvent: (event, order) => {
      events.push({ event, order });
      if (event.type === 'OrderFilled') pos.qty += event.fill.side === 'buy' ? event.fill.qty : -event.fill.qty;
    },
  });
  const emulator = emulated ? new OrderEmulator(engine, { positionQty: () => pos.qty }) : null;
  const venue = new SimulatedVenue({ ...DEFAULT_VENUE_CONFIG, volumeCap: 0.5 }, emulator ?? engine, { rejectReason: () => null, positionQty: () => pos.qty });
  engine.addClient(emulator?.attach(venue) ?? venue);
  const slot = venue.addInstrument(makeInstrument('X'));
  venue.onBar(slot, bar(0, 100, 1e6));
  return { engine, venue, slot, events, pos };
}

/** The working list equals the orders whose own state is open, in every view the risk checks read. */
function expectInStep(engine: ExecutionEngine, orders: readonly Order[]): void {
  const open = orders.filter((o) => o.isOpen).map((o) => o.id);
  expect(engine.cache.working().map((o) => o.id).sort()).toEqual([...open].sort());
  expect(engine.cache.workingCount).toBe(open.length);
  expect(engine.cache.workingCountOf({ symbol: 'X' })).toBe(open.length);
  for (const o of orders) {
    const e = engine.cache.entry(o.id);
    if (o.isOpen) expect([e?.status, e?.filledQty]).toEqual([o.status, o.filledQty]);
    else expect(e).toBeNull();
  }
}

describe('the working list of a client that shares the order', () => {
  it('an order sent again after a restart with part filled before leaves the working list when its rest fills', () => {
    const { engine, venue, slot } = setup(false);
    // restoreOrder: the stored order, 4 of 10 filled before the restart, sent again under its id.
    const o = new Order('R-1', 's', { symbol: 'X', side: 'buy', type: 'market', qty: 10 }, 0);
    o.filledQty = 4;
    o.avgFillPrice = 99;
    engine.submit(o, 0);
    expect(engine.cache.entry('R-1')?.filledQty).toBe(4);
    venue.onBar(slot, bar(1, 100, 1e6));
    expect([o.status, o.filledQty]).toEqual(['filled', 10]);
    expect([engine.cache.entry('R-1'), engine.cache.workingCount]).toEqual([null, 0]);
    expect(engine.anomalies).toEqual({ duplicates: 0, outOfOrder: 0, unknown: 0 });
  });

  const step = fc.oneof(
    fc.record({ kind: fc.constant('submit' as const), side: fc.constantFrom('buy' as const, 'sell' as const), type: fc.constantFrom('market' as const, 'limit' as const, 'stop' as const), qty: fc.constantFrom(1, 3, 10, 0.3), prior: fc.constantFrom(0, 0, 0.5), reduceOnly: fc.boolean(), tif: fc.constantFrom('GTC' as const, 'IOC' as const, 'DAY' as const) }),
    fc.record({ kind: fc.constant('bar' as const), px: fc.constantFrom(97, 100, 103), volume: fc.constantFrom(1, 4, 30, 1e6) }),
    fc.record({ kind: fc.constant('cancel' as const), which: fc.nat(20) }),
    fc.record({ kind: fc.constant('cancel-all' as const) }),
    fc.record({ kind: fc.constant('redeliver' as const), which: fc.nat(60) }),
  );

  it.each([false, true])('stays equal to the open orders over any sequence of submits (some sent again with part filled), bars, cancels and repeated reports (emulator: %s)', (emulated) => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const { engine, venue, slot, events } = setup(emulated);
        const orders: Order[] = [];
        let t = 1;
        for (const s of steps) {
          t++;
          if (s.kind === 'submit') {
            const r: OrderRequest = { symbol: 'X', side: s.side, type: s.type, qty: s.qty, tif: s.tif, reduceOnly: s.reduceOnly, ...(s.type === 'limit' && { limitPrice: s.side === 'buy' ? 99 : 101 }), ...(s.type === 'stop' && { stopPrice: s.side === 'buy' ? 102 : 98 }) };
            const o = new Order(`O-${orders.length + 1}`, 's', r, t);
            // Sent again after a restart with part of it filled before (restoreOrder).
            if (s.prior > 0) o.filledQty = s.prior * s.qty;
            orders.push(o);
            engine.submit(o, t);
          } else if (s.kind === 'bar') venue.onBar(slot, bar(t, s.px, s.volume));
          else if (s.kind === 'cancel') {
            const o = orders[s.which % Math.max(1, orders.length)];
            if (o !== undefined) engine.cancel(o.id, t);
          } else if (s.kind === 'cancel-all') for (const o of engine.cache.working()) engine.cancel(o.id, t);
          else {
            // A report delivered again (a venue's copy, a replayed stream): counted, never applied twice.
            const e = events[s.which % Math.max(1, events.length)];
            if (e !== undefined) engine.onOrderEvent(e.event, e.order);
          }
          expectInStep(engine, orders);
        }
      }),
      { numRuns: 400 },
    );
  });
});
