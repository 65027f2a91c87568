import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderBookSnapshot } from '../../model/market.ts';
import { depthWithin, sweepBook } from './book.ts';
import { ScheduleAlgo } from './scheduled.ts';
import { planTwap } from './schedule.ts';
import type { ChildOrder, OrderSink } from './types.ts';

const BOOK: OrderBookSnapshot = {
  symbol: 'XYZ',
  tsEventMs: 1_000,
  bids: [{ price: 99.9, size: 100 }, { price: 99.8, size: 0 }, { price: 99.7, size: 300 }],
  asks: [{ price: 100.0, size: 100 }, { price: 100.1, size: 200 }, { price: 100.3, size: 500 }],
};

describe('sweepBook', () => {
  it('walks the asks for a buy, best level first, and prices the average', () => {
    const r = sweepBook(BOOK, 'buy', 250);
    expect(r.filledQty).toBe(250);
    expect(r.levels).toEqual([{ price: 100.0, qty: 100 }, { price: 100.1, qty: 150 }]);
    expect(r.avgPrice).toBeCloseTo((100 * 100 + 150 * 100.1) / 250, 12);
    expect(r.worstPrice).toBe(100.1);
  });

  it('walks the bids for a sell, skipping empty levels', () => {
    const r = sweepBook(BOOK, 'sell', 150);
    expect(r.levels).toEqual([{ price: 99.9, qty: 100 }, { price: 99.7, qty: 50 }]);
    expect(r.avgPrice).toBeCloseTo((100 * 99.9 + 50 * 99.7) / 150, 12);
  });

  it('stops at the limit and at the end of the book', () => {
    expect(sweepBook(BOOK, 'buy', 1000, 100.1).filledQty).toBe(300);
    expect(sweepBook(BOOK, 'buy', 5000).filledQty).toBe(800);
    expect(sweepBook(BOOK, 'sell', 10, 100).filledQty).toBe(0);
    expect(Number.isNaN(sweepBook(BOOK, 'sell', 10, 100).avgPrice)).toBe(true);
    expect(depthWithin(BOOK, 'buy', 100.1)).toBe(300);
    expect(depthWithin(BOOK, 'sell')).toBe(400);
  });

  it('never takes more than asked or than the book shows, and the average lies between best and worst level', () => {
    const level = fc.record({ price: fc.integer({ min: 1, max: 10_000 }), size: fc.integer({ min: 0, max: 1000 }) });
    fc.assert(
      fc.property(fc.array(level, { maxLength: 20 }), fc.integer({ min: 0, max: 20_000 }), (raw, qty) => {
        const asks = [...raw].sort((a, b) => a.price - b.price);
        const book: OrderBookSnapshot = { symbol: 'XYZ', tsEventMs: 0, bids: [], asks };
        const r = sweepBook(book, 'buy', qty);
        const shown = asks.reduce((a, l) => a + l.size, 0);
        expect(r.filledQty).toBe(Math.min(qty, shown));
        expect(r.levels.reduce((a, l) => a + l.qty, 0)).toBe(r.filledQty);
        if (r.filledQty > 0) {
          expect(r.avgPrice).toBeGreaterThanOrEqual(r.levels[0]!.price - 1e-9);
          expect(r.avgPrice).toBeLessThanOrEqual(r.worstPrice + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('algorithms on books', () => {
  it('send a marketable IOC limit at the worst level needed, expecting the sweep average, capped by visible depth', () => {
    const sent: ChildOrder[] = [];
    const sink: OrderSink = { submit: (c) => (sent.push(c), true), cancel: () => {} };
    const parent = { id: 'B', symbol: 'XYZ', side: 'buy' as const, qty: 1000, startMs: 0, endMs: 10_000, limitPrice: 100.1 };
    const algo = new ScheduleAlgo(planTwap(parent, { slices: 2 }), sink, { participationCap: 0.5 });
    algo.onBook(BOOK); // due 500; depth within 100.1 is 300, cap 0.5 -> 150
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'limit', tif: 'IOC', qty: 150, limitPrice: 100.1 });
    expect(sent[0]!.expectedPrice).toBeCloseTo((100 * 100 + 50 * 100.1) / 150, 12);
    algo.onFill(150, sent[0]!.expectedPrice, 'B.1');
    const deep: OrderBookSnapshot = { ...BOOK, tsEventMs: 6_000, asks: [{ price: 100.0, size: 10_000 }] };
    algo.onBook(deep); // due 1000 - 150 = 850, all at 100.0
    expect(sent[1]).toMatchObject({ qty: 850, limitPrice: 100.0, expectedPrice: 100.0 });
  });

  it('send nothing when the book has nothing inside the limit', () => {
    const sent: ChildOrder[] = [];
    const sink: OrderSink = { submit: (c) => (sent.push(c), true), cancel: () => {} };
    const parent = { id: 'B', symbol: 'XYZ', side: 'sell' as const, qty: 100, startMs: 0, endMs: 10_000, limitPrice: 100 };
    new ScheduleAlgo(planTwap(parent, { slices: 1 }), sink).onBook(BOOK);
    expect(sent).toHaveLength(0);
  });
});
