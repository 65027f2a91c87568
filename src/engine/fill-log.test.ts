import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FillLog, type KernelFill } from './fill-log.ts';

const record = fc.record({
  orderId: fc.string(), strategyId: fc.string(), symbol: fc.string(), side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
  qty: fc.double({ noNaN: true }), price: fc.double(), commission: fc.double({ noNaN: true }), tsMs: fc.integer({ min: 0, max: 2 ** 50 }),
});

describe('FillLog', () => {
  it('gives back every record it was given, in order, across growth', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 300 }), (records: KernelFill[]) => {
        const log = new FillLog();
        for (const r of records) log.push(r);
        expect(log.length).toBe(records.length);
        expect(log.toArray()).toEqual(records);
        expect([...log]).toEqual(records);
        expect(JSON.parse(JSON.stringify({ fills: log }))).toEqual(JSON.parse(JSON.stringify({ fills: records })));
        expect(log.map((f, i) => [f.orderId, i])).toEqual(records.map((f, i) => [f.orderId, i]));
        expect(log.filter((f) => f.side === 'buy')).toEqual(records.filter((f) => f.side === 'buy'));
      }),
      { numRuns: 50 },
    );
  });

  it('indexes like Array.at: negative from the end, undefined outside', () => {
    const log = new FillLog();
    log.append('O-1', 's', 'AAA', 'buy', 10, 101.5, 1.25, 1_700_000_000_000);
    log.append('O-2', 's', 'AAA', 'sell', 10, 99.25, 1.5, 1_700_000_086_400);
    expect(log.at(0)).toEqual({ orderId: 'O-1', strategyId: 's', symbol: 'AAA', side: 'buy', qty: 10, price: 101.5, commission: 1.25, tsMs: 1_700_000_000_000 });
    expect(log.at(-1)?.orderId).toBe('O-2');
    expect(log.at(2)).toBeUndefined();
    expect(log.at(-3)).toBeUndefined();
  });
});
