// The desk and the algorithms against the real simulated venue (the same one backtests and paper use).
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../model/bar.ts';
import type { OrderEvent } from '../../model/events.ts';
import type { Fill } from '../../model/fill.ts';
import { makeInstrument } from '../../model/instrument.ts';
import { Order, type OrderRequest } from '../../model/order.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue, type VenueConfig } from '../simulated-venue.ts';
import { AlgoDesk, type OrderSubmitter } from './desk.ts';
import { makeAlgo } from './factory.ts';
import { IcebergAlgo, planIceberg } from './iceberg.ts';
import { ScheduleAlgo } from './scheduled.ts';
import { planTwap } from './schedule.ts';
import { reportShortfall } from './shortfall.ts';
import type { ParentOrder } from './types.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

class Harness {
  readonly venue: SimulatedVenue;
  readonly desk: AlgoDesk;
  readonly fills: Fill[] = [];
  readonly events: OrderEvent[] = [];
  readonly requests: OrderRequest[] = [];
  readonly slot: number;
  nowMs = 0;
  deny = 0;
  #seq = 0;

  constructor(config: Partial<VenueConfig> = {}) {
    const sink = {
      onOrderEvent: (e: OrderEvent): void => {
        this.events.push(e);
        if (e.type === 'OrderFilled') this.fills.push(e.fill);
        this.desk.onOrderEvent(e);
      },
    };
    this.venue = new SimulatedVenue({ ...DEFAULT_VENUE_CONFIG, dailyBars: false, ...config }, sink, { rejectReason: () => null, positionQty: () => 0 });
    this.slot = this.venue.addInstrument(makeInstrument('XYZ'));
    const submitter: OrderSubmitter = {
      submit: (req) => {
        this.requests.push(req);
        const o = new Order(`O-${++this.#seq}`, 'algo', req, this.nowMs);
        if (this.deny > 0) {
          this.deny--;
          o.transition('denied', this.nowMs, 'risk says no');
          sink.onOrderEvent({ type: 'OrderDenied', orderId: o.id, strategyId: 'algo', symbol: o.symbol, tsEventMs: this.nowMs, reason: 'risk says no' });
          return o;
        }
        this.venue.submit(o, this.nowMs);
        return o;
      },
      cancel: (id) => this.venue.cancel(id, this.nowMs),
    };
    this.desk = new AlgoDesk(submitter);
  }

  /** What the kernel does per bar: the venue matches first, then the strategy (here the desk) sees the bar. */
  bar(b: Bar): void {
    this.nowMs = b.tsEventMs;
    this.venue.onBar(this.slot, b);
    this.desk.onBar(b);
  }
}

function bars(n: number, volume: number, low = 99.5): Bar[] {
  return Array.from({ length: n }, (_, i) => {
    const open = 100 + i * 0.1;
    return { symbol: 'XYZ', tsEventMs: T0 + i * MIN, open, high: open + 0.5, low: Math.min(low, open - 0.5), close: open + 0.05, volume };
  });
}

const PARENT: ParentOrder = { id: 'TW', symbol: 'XYZ', side: 'buy', qty: 1000, startMs: T0, endMs: T0 + 10 * MIN };

describe('algorithms through AlgoDesk on the simulated venue', () => {
  it('fill a TWAP completely at the next bars’ opens, children summing exactly to the parent', () => {
    const h = new Harness();
    const algo = h.desk.add(new ScheduleAlgo(planTwap(PARENT, { slices: 10 }), h.desk));
    const data = bars(11, 10_000);
    for (const b of data) h.bar(b);
    expect(algo.state).toBe('done');
    expect(h.requests.map((r) => r.qty)).toEqual(Array(10).fill(100));
    expect(h.requests.every((r) => r.type === 'market' && r.tif === 'IOC' && r.tag?.startsWith('TW.'))).toBe(true);
    expect(h.fills.map((f) => f.price)).toEqual(data.slice(1).map((b) => b.open));
    expect(algo.report().fills.map((f) => f.tsMs)).toEqual(data.slice(1).map((b) => b.tsEventMs));
    expect(algo.filledQty).toBe(1000);
    const avg = data.slice(1).reduce((a, b) => a + b.open, 0) / 10;
    expect(algo.avgPrice).toBeCloseTo(avg, 10);
    // Decision at the first bar's close; arrival at the first fill bar's open.
    const is = reportShortfall(algo.report(), { decisionPrice: data[0]!.close, arrivalPrice: data[1]!.open });
    expect(is.trading.amount).toBeCloseTo(1000 * (avg - data[1]!.open), 6);
    expect(is.delay.amount).toBeCloseTo(1000 * (data[1]!.open - data[0]!.close), 6);
  });

  it('catch up what the venue’s volume cap left unfilled and expire with the rest', () => {
    const h = new Harness({ volumeCap: 0.05 });
    const algo = h.desk.add(new ScheduleAlgo(planTwap(PARENT, { slices: 10 }), h.desk, { participationCap: 0.2 }));
    for (const b of bars(11, 1500)) h.bar(b);
    // The venue fills at most 75 a bar; the algorithm sends at most 300 a bar and re-sends the shortfall.
    expect(h.requests.every((r) => r.qty <= 300)).toBe(true);
    expect(h.fills.every((f) => f.qty <= 75)).toBe(true);
    expect(h.requests.map((r) => r.qty).slice(0, 4)).toEqual([100, 125, 150, 175]);
    expect(algo.filledQty).toBe(750);
    expect(algo.state).toBe('expired');
    expect(algo.workingQty).toBe(0);
    expect(h.events.filter((e) => e.type === 'OrderCanceled')).toHaveLength(10);
  });

  it('route fills that happen during submission (fills at the close)', () => {
    const h = new Harness({ marketFill: 'close' });
    const algo = h.desk.add(makeAlgo({ algo: 'twap', parent: PARENT, slices: 5 }, h.desk));
    const data = bars(11, 10_000);
    for (const b of data) h.bar(b);
    expect(algo.state).toBe('done');
    expect(h.fills.map((f) => f.price)).toEqual([0, 2, 4, 6, 8].map((i) => data[i]!.close));
  });

  it('retry a child the risk check denied', () => {
    const h = new Harness();
    const algo = h.desk.add(makeAlgo({ algo: 'twap', parent: PARENT, slices: 10 }, h.desk)) as ScheduleAlgo;
    h.deny = 1;
    for (const b of bars(11, 10_000)) h.bar(b);
    expect(algo.refusals).toBe(1);
    expect(h.requests.map((r) => r.qty)).toEqual([100, 200, 100, 100, 100, 100, 100, 100, 100, 100]);
    expect(algo.state).toBe('done');
  });

  it('run an iceberg as resting limit tranches that replenish when filled', () => {
    const h = new Harness();
    const parent: ParentOrder = { id: 'ICE', symbol: 'XYZ', side: 'buy', qty: 250, startMs: T0, endMs: T0 + 30 * MIN, limitPrice: 99.8 };
    const algo = h.desk.add(new IcebergAlgo(planIceberg(parent, { display: 100 }), h.desk));
    const data = bars(6, 10_000, 99.0);
    for (const b of data) h.bar(b);
    expect(h.requests.map((r) => [r.type, r.tif, r.limitPrice, r.qty])).toEqual([
      ['limit', 'GTC', 99.8, 100],
      ['limit', 'GTC', 99.8, 100],
      ['limit', 'GTC', 99.8, 50],
    ]);
    expect(algo.state).toBe('done');
    expect(algo.avgPrice).toBeCloseTo(99.8, 12);
    expect(h.fills.map((f) => f.liquidity)).toEqual(['maker', 'maker', 'maker']);
  });

  it('cancel the resting tranche at the end of the window', () => {
    const h = new Harness();
    const parent: ParentOrder = { id: 'ICE', symbol: 'XYZ', side: 'buy', qty: 250, startMs: T0, endMs: T0 + 3 * MIN, limitPrice: 90 };
    const algo = h.desk.add(new IcebergAlgo(planIceberg(parent, { display: 100 }), h.desk));
    for (const b of bars(5, 10_000)) h.bar(b);
    expect(algo.state).toBe('expired');
    expect(h.venue.workingOrders()).toHaveLength(0);
    expect(h.desk.prune().map((r) => r.parent.id)).toEqual(['ICE']);
    expect(h.desk.algos()).toHaveLength(0);
  });

  it('leave events of orders that are not algorithm children alone', () => {
    const h = new Harness();
    expect(h.desk.onOrderEvent({ type: 'OrderAccepted', orderId: 'X-1', strategyId: 's', symbol: 'XYZ', tsEventMs: 0 })).toBe(false);
    h.desk.add(makeAlgo({ algo: 'pov', parent: PARENT, rate: 0.1 }, h.desk));
    expect(() => h.desk.add(makeAlgo({ algo: 'pov', parent: PARENT, rate: 0.1 }, h.desk))).toThrow(/already running/);
  });
});
