// The OrderEmulator against a venue with market and limit orders only (the SimulatedVenue narrowed, driven by
// quotes), with the ExecutionEngine in front: what the strategy's orders do, what the venue is sent, and that
// the engine never sees a report it must drop.
import { describe, expect, it } from 'vitest';
import { ForwardingExecutionClient } from '../../src/execution/forwarding-client.ts';
import { needsOrderEmulator } from '../../src/execution/order-emulator.ts';
import { SIMULATED_CAPABILITIES } from '../../src/execution/simulated-venue.ts';
import { Harness, Node, MARKET_LIMIT_ONLY, T0 } from './emulator-harness.ts';

const clean = (n: Node): void => expect(n.engine.anomalies).toEqual({ duplicates: 0, outOfOrder: 0, unknown: 0 });
const at = (k: number): number => T0 + k * 1000;

describe('held stops, stop-limits and trailing stops', () => {
  it.each([
    // name, side, stop, bids after the order, expected [qty, price, quote index] or null
    ['a sell stop touched fills at the bid of that quote', 'sell', 98, [99, 98.5, 98, 97], [10, 98, 3]],
    ['a sell stop gapped through fills at the gapped bid', 'sell', 98, [99, 95, 99], [10, 95, 2]],
    ['a sell stop not reached stays held', 'sell', 98, [99, 98.01, 100], null],
    ['a buy stop is hit by the ask', 'buy', 101, [100, 100.95, 101.5], [10, 101.05, 2]],
    ['a buy stop gapped through fills at the gapped ask', 'buy', 101, [100, 104], [10, 104.1, 2]],
  ] as const)('%s', (_name, side, stop, bids, expected) => {
    const h = new Harness('emulated');
    h.bids([100]);
    h.submit('O', { side, type: 'stop', stopPrice: stop, qty: 10 });
    expect(h.venueOrderIds()).toEqual([]);
    h.bids(bids);
    const n = h.node;
    if (expected === null) {
      expect(n.eventsOf('O')).toEqual(['OrderSubmitted', 'OrderAccepted']);
      expect(n.fills()).toEqual([]);
    } else {
      const [qty, price, k] = expected;
      expect(n.eventsOf('O')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderTriggered', `OrderFilled ${qty}@${price}`]);
      expect(n.fills()).toEqual([['O', side, qty, price, at(1 + k)]]);
      expect(h.emulator.releasedIds('O')).toEqual([]);
    }
    clean(n);
  });

  it('releases a triggered stop as a market order under a derived client order id', () => {
    const h = new Harness('emulated');
    h.bids([100]);
    h.submit('O', { side: 'sell', type: 'stop', stopPrice: 98, qty: 10 });
    h.quote(97.9, 98, 4); // only 4 shown: the released market order fills in parts
    expect(h.venueOrderIds()).toEqual(['O-E1']);
    expect(h.venue.workingOrders()[0]!.type).toBe('market');
    h.quote(97.5, 97.6, 100);
    expect(h.node.eventsOf('O')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderTriggered', 'OrderFilled 4@97.9', 'OrderFilled 6@97.5']);
    expect(h.node.engine.cache.get('O')!.status).toBe('filled');
    clean(h.node);
  });

  it.each([
    ['triggered within its limit fills at the bid', 98, 97.8, [99, 97.9], [[97.9, 2]]],
    ['gapped past its limit rests as a limit and fills when the price comes back', 98, 97.8, [99, 97, 97.5, 97.85], [[97.85, 4]]],
    ['not triggered stays held', 98, 97.8, [99, 98.2], []],
  ] as const)('a stop-limit %s', async (_name, stop, limit, bids, expected) => {
    const h = new Harness('emulated');
    h.bids([100]);
    h.submit('O', { side: 'sell', type: 'stop-limit', stopPrice: stop, limitPrice: limit, qty: 10 });
    h.bids(bids);
    expect(h.node.fills()).toEqual(expected.map(([price, k]) => ['O', 'sell', 10, price, at(1 + k)]));
    if (expected.length > 0) await expect(h.venue.queryOrder('O-E1')).resolves.toMatchObject({ type: 'limit', limitPrice: limit });
    clean(h.node);
  });

  it.each([
    ['by an amount: follows the highs, fills when the bid falls 2 below the best', { kind: 'amount', value: 2 }, [101, 103, 102, 101.5, 100.9], [100.9, 5]],
    ['by a percent: 1% under the best bid', { kind: 'percent', value: 1 }, [101, 104, 103.5, 102.9], [102.9, 4]],
    ['never loosens when the price falls first', { kind: 'amount', value: 2 }, [99.5, 98.5, 98], [98, 3]],
  ] as const)('a sell trailing stop %s', (_name, trailing, bids, [price, k]) => {
    const h = new Harness('emulated');
    h.bids([100]);
    h.submit('O', { side: 'sell', type: 'trailing-stop', trailing, qty: 10 });
    h.bids(bids);
    expect(h.node.fills()).toEqual([['O', 'sell', 10, price, at(1 + k)]]);
    clean(h.node);
  });

  it('a held order canceled before its trigger never reaches the venue', () => {
    const h = new Harness('emulated');
    h.bids([100]);
    h.submit('O', { side: 'sell', type: 'trailing-stop', trailing: { kind: 'amount', value: 1 }, qty: 10 });
    h.cancel('O');
    h.bids([95, 90]);
    expect(h.node.eventsOf('O')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled: canceled by request']);
    expect(h.venue.workingOrders()).toEqual([]);
    expect(h.node.fills()).toEqual([]);
    h.cancel('O'); // a second cancel is refused, as at a venue
    expect(h.node.engine.cache.get('O')!.status).toBe('canceled');
    clean(h.node);
  });

  it('a held stop moved by modify triggers at its new level', () => {
    const h = new Harness('emulated');
    h.bids([100]);
    h.submit('O', { side: 'sell', type: 'stop', stopPrice: 95, qty: 10 });
    expect(h.node.engine.modify('O', { stopPrice: 99 }, h.now())).toBe(true);
    h.bids([99.5, 98.9]);
    expect(h.node.eventsOf('O')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderUpdated', 'OrderTriggered', 'OrderFilled 10@98.9']);
    clean(h.node);
  });

  it('a released order the venue refuses ends the emulated order with the venue\'s reason', () => {
    const h = new Harness('emulated', { ...MARKET_LIMIT_ONLY, shorting: false });
    h.bids([100]);
    h.submit('O', { side: 'sell', type: 'stop', stopPrice: 98, qty: 10 });
    h.bids([97]);
    expect(h.node.eventsOf('O')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderTriggered', 'OrderRejected: side: this venue does not allow short sales (position 0, sell 10)']);
    expect(h.emulator.held).toEqual([]);
    clean(h.node);
  });

  it('a good-till-date held order expires at its time, unreleased', () => {
    const h = new Harness('emulated');
    h.bids([100]);
    h.submit('O', { side: 'sell', type: 'stop', stopPrice: 90, qty: 10, tif: 'GTD', expireTimeMs: h.now() + 2500 });
    h.bids([99, 98, 97]);
    expect(h.node.eventsOf('O')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderExpired']);
    expect(h.node.engine.cache.get('O')!.updatedMs).toBe(at(4));
    clean(h.node);
  });

  it('a released limit child changes its price at the venue; held orders are canceled by cancelAll', () => {
    const h = new Harness('emulated');
    h.bids([100]);
    h.submit('P', { side: 'buy', type: 'market', qty: 10 });
    h.submit('TP', { side: 'sell', type: 'limit', limitPrice: 105, qty: 10 }, { parentId: 'P' });
    h.submit('S', { side: 'sell', type: 'stop', stopPrice: 90, qty: 10 });
    h.bids([100]);
    expect(h.node.engine.modify('TP', { limitPrice: 104 }, h.now())).toBe(true);
    expect(h.venue.workingOrders().map((o) => [o.id, o.limitPrice])).toEqual([['TP-E1', 104]]);
    expect(h.node.engine.cache.get('TP')!.limitPrice).toBe(104);
    h.node.engine.modify('TP', { qty: 5 }, h.now());
    expect(h.node.rejected.map((r) => [r.clientOrderId, r.command])).toEqual([['TP', 'modify']]);
    h.emulator.cancelAll(h.now());
    expect(h.node.eventsOf('TP').at(-1)).toBe('OrderCanceled: cancel all');
    expect(h.node.eventsOf('S').at(-1)).toBe('OrderCanceled: cancel all');
    expect(h.venue.workingOrders()).toEqual([]);
    clean(h.node);
  });

  it('orders the venue can trade go straight through under their own id', () => {
    const h = new Harness('emulated');
    h.bids([100]);
    h.submit('L', { side: 'buy', type: 'limit', limitPrice: 99, qty: 10 });
    expect(h.venueOrderIds()).toEqual(['L']);
    h.bids([98.8]);
    expect(h.node.fills()).toEqual([['L', 'buy', 10, 98.9, at(2)]]);
    clean(h.node);
  });

  it('refuses what the venue would refuse anyway, naming the field', () => {
    const h = new Harness('emulated');
    h.submit('O', { side: 'sell', type: 'stop', qty: 10 });
    expect(h.node.eventsOf('O')).toEqual(['OrderSubmitted', 'OrderRejected: stopPrice: a stop order needs a positive stop price, got undefined']);
    clean(h.node);
  });
});

describe('needsOrderEmulator', () => {
  it('is false for a client that has everything, true when anything is missing (the simulated venue matches plain orders only)', () => {
    expect(needsOrderEmulator({ ...SIMULATED_CAPABILITIES, nativeBrackets: true, nativeOco: true, exitAttachments: true })).toBe(false);
    expect(needsOrderEmulator(SIMULATED_CAPABILITIES)).toBe(true);
    expect(needsOrderEmulator({ ...SIMULATED_CAPABILITIES, ...MARKET_LIMIT_ONLY })).toBe(true);
    expect(needsOrderEmulator({ ...SIMULATED_CAPABILITIES, orderTypes: ['market', 'limit', 'stop', 'stop-limit'] })).toBe(true);
    expect(needsOrderEmulator({ ...SIMULATED_CAPABILITIES, nativeOco: false })).toBe(true);
  });
});

describe('bracket children and OCO groups', () => {
  /** A limit entry of 10 at 100 with a take-profit at 105 and a stop-loss at 95, the two in one OCO group. */
  function bracket(h: Harness): void {
    h.bids([100.5]);
    h.submit('P', { side: 'buy', type: 'limit', limitPrice: 100, qty: 10 });
    h.submit('TP', { side: 'sell', type: 'limit', limitPrice: 105, qty: 10 }, { parentId: 'P', ocoGroup: 'B' });
    h.submit('SL', { side: 'sell', type: 'stop', stopPrice: 95, qty: 10 }, { parentId: 'P', ocoGroup: 'B' });
  }

  it('children wait until their parent is done, then are released whole', () => {
    const h = new Harness('emulated');
    bracket(h);
    expect(h.venueOrderIds()).toEqual(['P']);
    h.quote(99.9, 100, 4); // the entry fills 4 of 10: its children still wait (docs/fill-assumptions.md, "Brackets and OCO")
    expect(h.venue.workingOrders().map((o) => [o.id, o.qty, o.filledQty])).toEqual([['P', 10, 4]]);
    h.quote(99.9, 100, 100); // the rest
    expect(h.venue.workingOrders().map((o) => [o.id, o.qty])).toEqual([['TP-E1', 10]]);
    expect(h.node.eventsOf('SL')).toEqual(['OrderSubmitted', 'OrderAccepted']);
    h.bids([94.5]); // the stop-loss triggers: 10 sold at the market; the take-profit goes (OCO)
    expect(h.node.fills().filter(([id]) => id !== 'P')).toEqual([['SL', 'sell', 10, 94.5, at(4)]]);
    expect(h.node.eventsOf('TP')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled: OCO sibling SL filled']);
    expect(h.venue.workingOrders()).toEqual([]);
    expect(h.position).toBe(0);
    clean(h.node);
  });

  it('a partial fill of a child cancels its OCO sibling held here', () => {
    const h = new Harness('emulated');
    bracket(h);
    h.quote(99.9, 100, 100);
    h.quote(105.5, 105.6, 3); // take-profit fills 3: the stop-loss goes
    expect(h.node.eventsOf('SL')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled: OCO sibling TP filled']);
    h.quote(105.5, 105.6, 100);
    expect(h.node.fills().filter(([id]) => id === 'TP').map(([, , q]) => q)).toEqual([3, 7]);
    clean(h.node);
  });

  it('a parent canceled after a partial fill leaves children protecting that part only', () => {
    const h = new Harness('emulated');
    bracket(h);
    h.quote(99.9, 100, 4);
    h.cancel('P');
    expect(h.node.eventsOf('SL')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderUpdated']);
    expect(h.node.engine.cache.get('SL')!.qty).toBe(4);
    h.bids([94]);
    expect(h.node.fills().filter(([id]) => id === 'SL')).toEqual([['SL', 'sell', 4, 94, at(3)]]);
    expect(h.position).toBe(0);
    clean(h.node);
  });

  it('a parent canceled before any fill cancels its children', () => {
    const h = new Harness('emulated');
    bracket(h);
    h.cancel('P');
    expect(h.node.eventsOf('TP')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled: parent P canceled']);
    expect(h.node.eventsOf('SL')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled: parent P canceled']);
    clean(h.node);
  });

  it('an OCO cancel that loses the race with a fill: both fills are booked, the refused cancel is told under the strategy id', () => {
    // A venue whose cancels arrive late: held until `flush`.
    const late: (() => void)[] = [];
    const h = new Harness('emulated', MARKET_LIMIT_ONLY, (venue) => new (class extends ForwardingExecutionClient {
      override cancel(id: string, nowMs: number, reason?: string): void {
        late.push(() => super.cancel(id, nowMs, reason));
      }
    })(venue));
    h.bids([100]);
    h.submit('A', { side: 'sell', type: 'limit', limitPrice: 105, qty: 10 }, { ocoGroup: 'G' });
    h.submit('B', { side: 'sell', type: 'limit', limitPrice: 106, qty: 10 }, { ocoGroup: 'G' });
    expect(h.venueOrderIds()).toEqual(['A-E1', 'B-E1']);
    h.bids([105.5]); // A fills; the cancel of B's released order is on its way
    h.bids([106.5]); // B fills before the cancel lands
    for (const f of late.splice(0)) f();
    expect(h.node.fills()).toEqual([['A', 'sell', 10, 105.5, at(2)], ['B', 'sell', 10, 106.5, at(3)]]);
    expect(h.node.eventsOf('B')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderFilled 10@106.5']);
    expect(h.node.rejected).toEqual([expect.objectContaining({ command: 'cancel', clientOrderId: 'B', reason: expect.stringContaining('released as B-E1') })]);
    clean(h.node);
  });

  it('an OCO cancel that lands first: the sibling is canceled at the venue and once here', () => {
    const h = new Harness('emulated');
    h.bids([100]);
    h.submit('A', { side: 'sell', type: 'limit', limitPrice: 105, qty: 10 }, { ocoGroup: 'G' });
    h.submit('B', { side: 'sell', type: 'stop', stopPrice: 95, qty: 10 }, { ocoGroup: 'G' });
    h.bids([105.5, 94]);
    expect(h.node.eventsOf('B')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled: OCO sibling A filled']);
    expect(h.node.fills()).toEqual([['A', 'sell', 10, 105.5, at(2)]]);
    clean(h.node);
  });
});
