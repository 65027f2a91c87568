// The persist-then-send client forwards the whole port: a modify or cancelAll of an intent still waiting
// for its store flush goes out after it, in order; everything else reaches the venue as it is.
import { describe, expect, it } from 'vitest';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue } from '../execution/simulated-venue.ts';
import { makeInstrument } from '../model/instrument.ts';
import { Order } from '../model/order.ts';
import type { OrderInput, Store } from '../store/store.ts';
import { RecordingSink } from '../../test/execution/execution-client.contract.ts';
import { DurableExecutionClient } from './durable-client.ts';

/** The two calls the client makes of a store: rows appended, and a flush that commits them. */
function store(): { store: Store; rows: OrderInput[]; flushed: number[] } {
  const rows: OrderInput[] = [];
  const flushed: number[] = [];
  const s = { appendOrders: (r: OrderInput[]) => void rows.push(...r), flush: async () => void flushed.push(rows.length) };
  return { store: s as unknown as Store, rows, flushed };
}

describe('DurableExecutionClient', () => {
  it('persists a submit first, sends only what its flush committed, then a modify or cancel of it in order; queries pass through', async () => {
    const rec = new RecordingSink();
    const venue = new SimulatedVenue({ ...DEFAULT_VENUE_CONFIG, dailyBars: false }, rec, { rejectReason: () => null, positionQty: () => 0 }, { journal: true });
    venue.addInstrument(makeInstrument('X'));
    const s = store();
    const client = new DurableExecutionClient(venue, s.store, 'run-1', () => 5, (e) => {
      throw e;
    });
    expect(client.venue).toBe('simulated');
    expect(client.capabilities).toBe(venue.capabilities);
    const a = new Order('A', 's', { symbol: 'X', side: 'buy', type: 'limit', limitPrice: 90, qty: 10 }, 1);
    const b = new Order('B', 's', { symbol: 'X', side: 'buy', type: 'limit', limitPrice: 91, qty: 10 }, 1);
    client.submit(a, 1);
    client.modify('A', { limitPrice: 92, qty: 4 }, 1);
    client.submit(b, 1);
    client.cancelAll(1, 'X');
    expect(rec.orderEvents).toEqual([]);
    expect(s.rows.map((r) => r.clientOrderId)).toEqual(['A', 'B']);
    // The flush starts at the end of this turn, with both intents; C comes while it runs and waits for the next one.
    await Promise.resolve();
    expect(s.flushed).toEqual([2]);
    const c = new Order('C', 's', { symbol: 'X', side: 'buy', type: 'limit', limitPrice: 89, qty: 1 }, 1);
    client.submit(c, 1);
    client.cancel('C', 1);
    await client.drained();
    // Each flush sends only what it committed, in arrival order.
    expect(s.flushed).toEqual([2, 3]);
    expect(rec.orderEvents.map((e) => `${e.event.orderId} ${e.event.type}`)).toEqual([
      'A OrderSubmitted', 'A OrderAccepted', 'A OrderUpdated', 'B OrderSubmitted', 'B OrderAccepted', 'A OrderCanceled', 'B OrderCanceled',
      'C OrderSubmitted', 'C OrderAccepted', 'C OrderCanceled',
    ]);
    expect(client.pending).toBe(0);
    expect(await client.queryOrder('A')).toMatchObject({ status: 'canceled', qty: 4, limitPrice: 92 });
    expect(await client.openOrders()).toEqual([]);
  });
});
