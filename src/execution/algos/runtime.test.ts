import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../model/bar.ts';
import { IcebergAlgo, planIceberg } from './iceberg.ts';
import { PovAlgo, planPov } from './pov.ts';
import { planTwap, planVwap } from './schedule.ts';
import { ScheduleAlgo } from './scheduled.ts';
import type { ChildOrder, ExecAlgo, OrderSink, ParentOrder } from './types.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

/** A sink that records children and lets the test fill or close them, like a venue would. */
class TestSink implements OrderSink {
  algo!: ExecAlgo;
  readonly sent: ChildOrder[] = [];
  readonly open = new Map<string, ChildOrder>();
  readonly canceled: string[] = [];
  refuse = false;
  constructor(private readonly lotSize = 1) {}
  submit(c: ChildOrder): boolean {
    if (this.refuse) return false;
    this.sent.push(c);
    this.open.set(c.clientId, c);
    return true;
  }
  cancel(id: string): void {
    this.canceled.push(id);
    if (this.open.delete(id)) this.algo.onChildClosed(id);
  }
  /** Fills `fraction` of every open child (whole lots) and closes what is left: IOC children at the next bar. */
  settle(price: number, fraction: number): void {
    for (const c of [...this.open.values()]) {
      const lots = Math.round(c.qty / this.lotSize);
      const fill = Math.floor(lots * fraction + 1e-9);
      const closing = fill < lots;
      if (!closing) this.open.delete(c.clientId);
      if (fill > 0) this.algo.onFill(fill * this.lotSize, price, c.clientId);
      if (closing && this.open.delete(c.clientId)) this.algo.onChildClosed(c.clientId);
    }
  }
  /** Fills `qty` of one open child, closing it if complete. */
  fill(clientId: string, qty: number, price: number): void {
    const c = this.open.get(clientId)!;
    const done = this.algo.report().children.find((x) => x.clientId === clientId)!.filledQty + qty >= c.qty - 1e-9;
    if (done) this.open.delete(clientId);
    this.algo.onFill(qty, price, clientId);
  }
  lots(from = 0, to = this.sent.length): number {
    let s = 0;
    for (let i = from; i < to; i++) s += Math.round(this.sent[i]!.qty / this.lotSize);
    return s;
  }
}

function bar(tsEventMs: number, volume: number, close = 100): Bar {
  return { symbol: 'XYZ', tsEventMs, open: close, high: close, low: close, close, volume };
}

function parent(qty: number, minutes: number, extra: Partial<ParentOrder> = {}): ParentOrder {
  return { id: 'P', symbol: 'XYZ', side: 'buy', qty, startMs: T0, endMs: T0 + minutes * MIN, ...extra };
}

const capLots = (cap: number, v: number): number => Math.floor(cap * v + 1e-9);

describe('ScheduleAlgo (TWAP, VWAP)', () => {
  it('never sends more than the cap x bar volume in a bar, never runs ahead of the schedule and never overfills', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('twap' as const, 'vwap' as const),
        fc.integer({ min: 1, max: 20_000 }),
        fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.constantFrom(0, 0.3, 0.5, 1),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 24, maxLength: 24 }),
        (kind, lots, volumes, cap, fraction, profileW) => {
          const n = volumes.length;
          const p = parent(lots, n);
          const plan = kind === 'twap' ? planTwap(p, { slices: n }) : planVwap(p, { profile: { bucketMs: 3_600_000, weights: Float64Array.from(profileW) }, slices: n });
          const sink = new TestSink();
          const algo = (sink.algo = new ScheduleAlgo(plan, sink, { participationCap: cap }));
          let released = 0;
          for (let i = 0; i < n; i++) {
            sink.settle(100, fraction);
            const before = sink.sent.length;
            algo.onBar(bar(T0 + i * MIN, volumes[i]!));
            released += plan.slices[i]!.lots;
            expect(sink.lots(before)).toBeLessThanOrEqual(capLots(cap, volumes[i]!));
            expect(sink.sent.length - before).toBeLessThanOrEqual(1);
            expect(Math.round(algo.filledQty + algo.workingQty)).toBeLessThanOrEqual(released);
          }
          sink.settle(100, fraction);
          const before = sink.sent.length;
          algo.onBar(bar(p.endMs, 1e9));
          expect(sink.sent.length).toBe(before);
          expect(algo.isFinished).toBe(true);
          expect(algo.filledQty).toBeLessThanOrEqual(lots);
          expect(algo.filledQty + algo.remainingQty).toBe(lots);
          expect(algo.state).toBe(algo.filledQty === lots ? 'done' : 'expired');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sends exactly the planned slices, summing to the parent, when volume and fills allow', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(1, 0.01, 1e-8),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (lots, n, lot, cap) => {
          const p = parent(Number((lots * lot).toPrecision(15)), n);
          const plan = planTwap(p, { slices: n, lotSize: lot, randomize: { seed: lots, amount: 0.5 } });
          const sink = new TestSink(lot);
          const algo = (sink.algo = new ScheduleAlgo(plan, sink, { participationCap: cap, lotSize: lot }));
          const ample = (lots * lot) / cap + 1;
          for (let i = 0; i < n; i++) {
            sink.settle(100, 1);
            algo.onBar(bar(T0 + i * MIN, ample));
          }
          sink.settle(100, 1);
          algo.onBar(bar(p.endMs, ample));
          expect(sink.sent.map((c) => Math.round(c.qty / lot))).toEqual(plan.slices.map((s) => s.lots).filter((l) => l > 0));
          expect(sink.lots()).toBe(lots);
          if (lot === 1) expect(sink.sent.reduce((a, c) => a + c.qty, 0)).toBe(lots);
          expect(algo.state).toBe('done');
          expect(algo.remainingQty).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('catches up what the cap held back once volume returns', () => {
    const plan = planTwap(parent(400, 4), { slices: 4 });
    const sink = new TestSink();
    const algo = (sink.algo = new ScheduleAlgo(plan, sink, { participationCap: 0.1 }));
    algo.onBar(bar(T0, 500)); // cap 50 of the 100 due
    expect(sink.sent.map((c) => c.qty)).toEqual([50]);
    sink.settle(100, 1);
    algo.onBar(bar(T0 + MIN, 10_000)); // due 200 - 50 = 150
    expect(sink.sent.map((c) => c.qty)).toEqual([50, 150]);
  });

  it('forgets a refused child and retries it on the next bar', () => {
    const plan = planTwap(parent(300, 3), { slices: 3 });
    const sink = new TestSink();
    const algo = (sink.algo = new ScheduleAlgo(plan, sink));
    sink.refuse = true;
    algo.onBar(bar(T0, 1e6));
    expect(algo.refusals).toBe(1);
    expect(algo.workingQty).toBe(0);
    sink.refuse = false;
    algo.onBar(bar(T0 + MIN, 1e6));
    expect(sink.sent.map((c) => c.qty)).toEqual([200]);
  });

  it('sends market IOC children without a limit and limit IOC children at the parent limit', () => {
    const s1 = new TestSink();
    s1.algo = new ScheduleAlgo(planTwap(parent(10, 1), { slices: 1 }), s1);
    s1.algo.onBar(bar(T0, 1e6));
    expect(s1.sent[0]).toMatchObject({ type: 'market', tif: 'IOC', side: 'buy', qty: 10, clientId: 'P.1', parentId: 'P' });
    expect(s1.sent[0]!.limitPrice).toBeUndefined();
    const s2 = new TestSink();
    s2.algo = new ScheduleAlgo(planTwap(parent(10, 1, { limitPrice: 101.5, side: 'sell' }), { slices: 1 }), s2);
    s2.algo.onBar(bar(T0, 1e6));
    expect(s2.sent[0]).toMatchObject({ type: 'limit', tif: 'IOC', side: 'sell', limitPrice: 101.5 });
  });

  it('ignores bars before the start and of other symbols, and cancels working children when canceled', () => {
    const sink = new TestSink();
    const algo = (sink.algo = new ScheduleAlgo(planTwap(parent(100, 2), { slices: 2 }), sink));
    algo.onBar(bar(T0 - MIN, 1e6));
    algo.onBar({ ...bar(T0, 1e6), symbol: 'OTHER' });
    expect(sink.sent).toHaveLength(0);
    expect(algo.state).toBe('pending');
    algo.onBar(bar(T0, 1e6));
    expect(algo.state).toBe('running');
    sink.fill('P.1', 20, 100);
    algo.cancel();
    expect(sink.canceled).toEqual(['P.1']);
    expect(algo.state).toBe('canceled');
    expect(algo.filledQty).toBe(20);
    algo.onBar(bar(T0 + MIN, 1e6));
    expect(sink.sent).toHaveLength(1);
  });

  it('waits for working children to close before ending the window', () => {
    const sink = new TestSink();
    const algo = (sink.algo = new ScheduleAlgo(planTwap(parent(100, 1), { slices: 1 }), sink));
    algo.onBar(bar(T0, 1e6));
    sink.open.clear(); // the venue has not answered yet: the cancel request stays pending
    algo.onBar(bar(T0 + MIN, 1e6));
    expect(algo.state).toBe('ending');
    algo.onFill(60, 100, 'P.1');
    algo.onChildClosed('P.1');
    expect(algo.state).toBe('expired');
    expect(algo.report()).toMatchObject({ filledQty: 60, remainingQty: 40, avgPrice: 100 });
  });
});

describe('PovAlgo', () => {
  it('tracks the rate of observed volume under the cap and within min/max slices', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50_000 }),
        fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom(0, 0.5, 1),
        (lots, volumes, rate, cap, minSlice, extra, fraction) => {
          const maxSlice = minSlice + extra;
          const sink = new TestSink();
          const algo = (sink.algo = new PovAlgo(parent(lots, volumes.length), sink, { rate, participationCap: cap, minSlice, maxSlice }));
          let cumVol = 0;
          for (let i = 0; i < volumes.length; i++) {
            sink.settle(100, fraction);
            const before = sink.sent.length;
            algo.onBar(bar(T0 + i * MIN, volumes[i]!));
            cumVol += volumes[i]!;
            const sent = sink.lots(before);
            expect(sent).toBeLessThanOrEqual(capLots(cap, volumes[i]!));
            expect(algo.filledQty + algo.workingQty).toBeLessThanOrEqual(Math.floor(rate * cumVol + 1e-9));
            for (const c of sink.sent.slice(before)) {
              expect(c.qty).toBeLessThanOrEqual(maxSlice);
              // Below the min slice only for the last piece, or when the hard cap cut it down.
              if (c.qty < minSlice && c.qty !== capLots(cap, volumes[i]!)) expect(algo.filledQty + algo.workingQty).toBe(lots);
            }
          }
          expect(algo.filledQty).toBeLessThanOrEqual(lots);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('completes exactly the parent when volume suffices and nothing caps it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50_000 }), fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 60 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (lots, volumes, rate) => {
        const total = volumes.reduce((a, b) => a + b, 0);
        fc.pre(Math.floor(rate * total + 1e-9) >= lots);
        const sink = new TestSink();
        const algo = (sink.algo = new PovAlgo(parent(lots, volumes.length), sink, { rate, participationCap: null }));
        for (let i = 0; i < volumes.length; i++) {
          sink.settle(100, 1);
          algo.onBar(bar(T0 + i * MIN, volumes[i]!));
        }
        sink.settle(100, 1);
        expect(sink.lots()).toBe(lots);
        expect(algo.state).toBe('done');
      }),
      { numRuns: 200 },
    );
  });

  it('counts trade prints as market volume on tick data', () => {
    const sink = new TestSink();
    const algo = (sink.algo = new PovAlgo(parent(1000, 10), sink, { rate: 0.1 }));
    for (let i = 0; i < 5; i++) algo.onTrade({ symbol: 'XYZ', tsEventMs: T0 + i * 1000, price: 100, size: 200, aggressor: 'buyer', tradeId: `${i}` });
    algo.onTrade({ symbol: 'XYZ', tsEventMs: T0 - 1, price: 100, size: 1e6, aggressor: 'buyer', tradeId: 'before' });
    expect((algo as PovAlgo).observedVolume).toBe(1000);
    algo.onBook({ symbol: 'XYZ', tsEventMs: T0 + 6000, bids: [{ price: 99.9, size: 500 }], asks: [{ price: 100, size: 500 }] });
    expect(sink.sent.map((c) => c.qty)).toEqual([100]);
  });

  it('plans against forecast volume and reports what it cannot place', () => {
    const p = parent(1000, 5);
    const forecast = [0, 1, 2, 3, 4].map((i) => ({ tsMs: T0 + i * MIN, volume: 2000 }));
    const full = planPov(p, forecast, { rate: 0.2 });
    expect(full.slices.map((s) => s.qty)).toEqual([400, 400, 200, 0, 0]);
    expect(full.unscheduledQty).toBe(0);
    const short = planPov(p, forecast, { rate: 0.05, maxSlice: 80 });
    expect(short.slices.map((s) => s.qty)).toEqual([80, 80, 80, 80, 80]);
    expect(short.unscheduledQty).toBe(600);
    expect(short.slices.reduce((a, s) => a + s.lots, 0) + short.unscheduledLots).toBe(1000);
  });
});

describe('IcebergAlgo', () => {
  const p = parent(1050, 60, { limitPrice: 99.5 });

  it('shows one display-sized tranche at a time and replenishes only when it has filled completely', () => {
    const sink = new TestSink();
    const algo = (sink.algo = new IcebergAlgo(planIceberg(p, { display: 100 }), sink));
    algo.onBar(bar(T0, 1e6));
    expect(sink.sent).toHaveLength(1);
    expect(sink.sent[0]).toMatchObject({ type: 'limit', tif: 'GTC', limitPrice: 99.5, qty: 100 });
    algo.onBar(bar(T0 + MIN, 1e6));
    expect(sink.sent).toHaveLength(1);
    sink.fill('P.1', 40, 99.5);
    expect(sink.sent).toHaveLength(1);
    expect(algo.workingQty).toBe(60);
    sink.fill('P.1', 60, 99.5);
    expect(sink.sent).toHaveLength(2);
    let maxWorking = 0;
    while (sink.open.size > 0) {
      const [id, c] = [...sink.open.entries()][0]!;
      maxWorking = Math.max(maxWorking, algo.workingQty);
      sink.fill(id, c.qty, 99.4);
    }
    expect(maxWorking).toBeLessThanOrEqual(100);
    expect(sink.sent.map((c) => c.qty)).toEqual([100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 50]);
    expect(algo.state).toBe('done');
    expect(algo.avgPrice).toBeCloseTo((100 * 99.5 + 950 * 99.4) / 1050, 10);
  });

  it('keeps a tranche within the participation cap and shows the rest of it after the fill', () => {
    const sink = new TestSink();
    const algo = (sink.algo = new IcebergAlgo(planIceberg(p, { display: 100 }), sink, { participationCap: 0.1 }));
    algo.onBar(bar(T0, 300));
    expect(sink.sent.map((c) => c.qty)).toEqual([30]);
    sink.fill('P.1', 30, 99.5);
    expect(sink.sent).toHaveLength(1); // no budget left in this bar
    algo.onBar(bar(T0 + MIN, 5000));
    expect(sink.sent.map((c) => c.qty)).toEqual([30, 70]);
    sink.fill('P.2', 70, 99.5);
    expect(sink.sent.map((c) => c.qty)).toEqual([30, 70, 100]);
  });

  it('cancels the showing tranche when the window ends', () => {
    const sink = new TestSink();
    const algo = (sink.algo = new IcebergAlgo(planIceberg(p, { display: 100 }), sink));
    algo.onBar(bar(T0, 1e6));
    sink.fill('P.1', 10, 99.5);
    algo.onBar(bar(p.endMs, 1e6));
    expect(sink.canceled).toEqual(['P.1']);
    expect(algo.state).toBe('expired');
    expect(algo.remainingQty).toBe(1040);
  });

  it('randomizes tranche sizes reproducibly and still sums to the parent', () => {
    const a = planIceberg(p, { display: 100, randomize: { seed: 3, amount: 0.4 } });
    const b = planIceberg(p, { display: 100, randomize: { seed: 3, amount: 0.4 } });
    expect(a.slices.map((s) => s.lots)).toEqual(b.slices.map((s) => s.lots));
    expect(a.slices.reduce((x, s) => x + s.lots, 0)).toBe(1050);
    for (const s of a.slices.slice(0, -1)) {
      expect(s.lots).toBeGreaterThanOrEqual(60);
      expect(s.lots).toBeLessThanOrEqual(140);
    }
    expect(new Set(a.slices.map((s) => s.lots)).size).toBeGreaterThan(3);
  });

  it('needs a limit price', () => {
    expect(() => planIceberg(parent(100, 5), { display: 10 })).toThrow(/limit price/);
  });
});
