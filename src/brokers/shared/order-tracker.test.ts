import { describe, expect, it } from 'vitest';
import { Order } from '../../model/order.ts';
import type { OrderEvent } from '../../model/events.ts';
import type { ExecutionSink } from '../../execution/execution-client.ts';
import { VenueOrderTracker, type TrackerAnomaly, type VenueFill } from './order-tracker.ts';

function setup() {
  const events: OrderEvent[] = [];
  const anomalies: TrackerAnomaly[] = [];
  const sink: ExecutionSink = { onOrderEvent: (e) => void events.push(e) };
  const t = new VenueOrderTracker('test', sink, { onAnomaly: (a) => void anomalies.push(a) });
  const order = new Order('C1', 's', { symbol: 'AAA', side: 'buy', type: 'limit', qty: 10, limitPrice: 100 }, 0);
  t.submitted(order, 1);
  return { t, order, events, anomalies, types: () => events.map((e) => e.type) };
}
const fill = (tradeId: string, qty: number, ts = 5): VenueFill => ({ tradeId, clientOrderId: 'C1', qty, price: 100, commission: 0.1, liquidity: 'maker', tsEventMs: ts });

describe('VenueOrderTracker', () => {
  it('applies each trade id once, whatever repeats it (stream replay, REST gap fill)', () => {
    const { t, order, types } = setup();
    t.status('C1', 'accepted', 2);
    expect(t.fill(fill('T1', 4))).toBe(true);
    expect(t.fill(fill('T1', 4))).toBe(false);
    expect(t.fill(fill('T2', 6))).toBe(true);
    expect(t.fill(fill('T2', 6))).toBe(false);
    expect([order.status, order.filledQty]).toEqual(['filled', 10]);
    expect(types()).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderFilled', 'OrderFilled']);
    expect(t.fillReports().map((f) => f.tradeId)).toEqual(['T1', 'T2']);
  });

  it('ignores statuses the order has passed: an accepted after a fill, a second cancel', () => {
    const { t, order, types } = setup();
    t.fill(fill('T1', 4));
    expect(t.status('C1', 'accepted', 6)).toBe(false);
    expect(order.status).toBe('partially-filled');
    expect(t.status('C1', 'canceled', 7, { cumFilledQty: 4 })).toBe(true);
    expect(t.status('C1', 'canceled', 8)).toBe(false);
    expect(types()).toEqual(['OrderSubmitted', 'OrderFilled', 'OrderCanceled']);
  });

  it('holds a cancel that overtook its fills until they arrive, so no fill is lost', () => {
    const { t, order, types } = setup();
    t.status('C1', 'accepted', 2);
    expect(t.status('C1', 'canceled', 9, { cumFilledQty: 7, reason: 'user' })).toBe(false);
    expect(order.status).toBe('accepted');
    t.fill(fill('T1', 3, 8));
    expect(order.status).toBe('partially-filled');
    t.fill(fill('T2', 4, 8));
    expect([order.status, order.filledQty, order.reason]).toEqual(['canceled', 7, 'user']);
    expect(types()).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderFilled', 'OrderFilled', 'OrderCanceled']);
  });

  it('keeps fills heard before the order was added and applies them when it is', () => {
    const events: OrderEvent[] = [];
    const t = new VenueOrderTracker('test', { onOrderEvent: (e) => void events.push(e) });
    t.fill(fill('T1', 10));
    const order = new Order('C1', 's', { symbol: 'AAA', side: 'buy', type: 'market', qty: 10 }, 0);
    t.submitted(order, 1);
    expect(order.status).toBe('filled');
    expect(events.map((e) => e.type)).toEqual(['OrderSubmitted', 'OrderFilled']);
  });

  it('reports an overfill and a fill after the end as anomalies without touching the order', () => {
    const { t, order, anomalies } = setup();
    t.fill(fill('T1', 12));
    expect(order.filledQty).toBe(0);
    t.status('C1', 'canceled', 3);
    t.fill(fill('T2', 1));
    t.status('C9', 'accepted', 4);
    expect(anomalies.map((a) => a.kind)).toEqual(['overfill', 'fill-after-close', 'unknown-order']);
    expect(order.status).toBe('canceled');
  });

  it('passes an order through accepted when the venue ends it straight from new (an IOC expiring)', () => {
    const { t, order, types } = setup();
    t.status('C1', 'expired', 2);
    expect(order.status).toBe('expired');
    expect(types()).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderExpired']);
  });

  it('maps venue ids both ways and relinks on a cancel-replace', () => {
    const { t, order } = setup();
    t.linkVenueId('C1', 'V1');
    expect(t.byVenueId('V1')).toBe(order);
    t.linkVenueId('C1', 'V2');
    expect(t.byVenueId('V1')).toBeUndefined();
    expect(t.venueIdOf('C1')).toBe('V2');
  });
});
