import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { dayIso } from './holding.ts';
import { harvestCandidates, type HarvestOptions } from './harvest.ts';
import { bookFills } from './ledger.ts';
import type { TaxFill } from './lots.ts';

const ms = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
const buy = (date: string, qty: number, price: number, commission = 0, symbol = 'X'): TaxFill => ({ tsMs: ms(date), symbol, side: 'buy', price, qty, commission });
const sell = (date: string, qty: number, price: number, commission = 0, symbol = 'X'): TaxFill => ({ tsMs: ms(date), symbol, side: 'sell', price, qty, commission });
const opts = (asOf: string, marks: Record<string, number>, extra: Partial<HarvestOptions> = {}): HarvestOptions => ({
  asOfMs: ms(asOf), marks: new Map(Object.entries(marks)), shortTermRate: 0.37, longTermRate: 0.2, ...extra,
});

describe('tax-loss harvesting', () => {
  it('lists a losing lot with its loss, term and the tax saved at the short-term rate', () => {
    const r = harvestCandidates(bookFills([buy('2024-01-02', 100, 50)]), opts('2024-06-03', { X: 40 }));
    expect(r.candidates).toHaveLength(1);
    const c = r.candidates[0]!;
    expect([c.lotId, c.qty, c.term, c.costBasis, c.proceeds, c.loss, c.taxRate]).toEqual(['X#1', 100, 'short', 5000, 4000, 1000, 0.37]);
    expect(c.estimatedTaxSavings).toBeCloseTo(370, 9);
    expect(dayIso(c.rebuyWashUntilDay)).toBe('2024-07-03');
    expect(r.totalEstimatedTaxSavings).toBeCloseTo(370, 9);
  });

  it('uses the long-term rate for a lot held more than a year and skips lots at a gain', () => {
    const r = harvestCandidates(bookFills([buy('2022-01-03', 10, 50), buy('2024-01-02', 10, 30)]), opts('2024-06-03', { X: 40 }));
    expect(r.candidates.map((c) => [c.lotId, c.term, c.loss, c.estimatedTaxSavings])).toEqual([['X#1', 'long', 100, 20]]);
  });

  it('blocks a loss whose sale would be washed by a lot bought in the last 30 days and says when it clears', () => {
    const r = harvestCandidates(bookFills([buy('2024-01-02', 100, 50), buy('2024-05-20', 10, 39)]), opts('2024-06-03', { X: 40 }));
    expect(r.candidates).toEqual([]);
    expect(r.blocked).toEqual([{ lotId: 'X#1', symbol: 'X', qty: 100, loss: 1000, replacementLotIds: ['X#2'], clearFromDay: r.asOfDay + 17 }]);
    expect(dayIso(r.blocked[0]!.clearFromDay)).toBe('2024-06-20');
  });

  it('harvests a recent losing lot together with an old one: sold together, neither replaces the other', () => {
    const r = harvestCandidates(bookFills([buy('2024-01-02', 100, 50), buy('2024-05-20', 10, 45)]), opts('2024-06-03', { X: 40 }));
    expect(r.candidates.map((c) => [c.lotId, c.loss])).toEqual([['X#1', 1000], ['X#2', 50]]);
    expect(r.blocked).toEqual([]);
  });

  it('does not count shares that already absorbed a wash-sale loss as replacements', () => {
    // fill 3 sells the May 20 lot (LIFO); fill 4 buys 10 more 1 day later
    const history = (salePrice: number): TaxFill[] => [buy('2024-01-02', 100, 50), buy('2024-05-20', 10, 39), sell('2024-05-25', 10, salePrice), buy('2024-05-26', 10, 30)];
    // sold at a loss: fill 4's lot absorbed that loss and cannot make the old lot's sale a wash sale
    const used = harvestCandidates(bookFills(history(38), { method: 'lifo' }), opts('2024-06-03', { X: 40 }));
    expect([used.candidates.map((c) => c.lotId), used.blocked]).toEqual([['X#1'], []]);
    // sold at a gain: fill 4's lot is free and blocks it
    const free = harvestCandidates(bookFills(history(45), { method: 'lifo' }), opts('2024-06-03', { X: 40 }));
    expect([free.candidates, free.blocked.map((b) => [b.lotId, b.replacementLotIds])]).toEqual([[], [['X#1', ['X#4']]]]);
  });

  it('leaves out losses below the threshold and takes the estimated commission from the proceeds', () => {
    const ledger = bookFills([buy('2023-01-03', 10, 45, 0, 'Y'), buy('2024-01-02', 10, 41)]);
    const r = harvestCandidates(ledger, opts('2024-06-03', { X: 40, Y: 40 }, { minLoss: 20, commissionRate: 0.01 }));
    // X: 410 - 396 = 14 < 20; Y: 450 - 396 = 54
    expect(r.candidates.map((c) => [c.lotId, c.term, Math.round(c.loss * 1e9) / 1e9])).toEqual([['Y#1', 'long', 54]]);
  });

  it('lists symbols without a mark and rejects an as-of date before the last fill or a bad rate', () => {
    const ledger = bookFills([buy('2024-01-02', 10, 41), buy('2024-01-03', 10, 45, 0, 'Y')]);
    expect(harvestCandidates(ledger, opts('2024-06-03', { X: 40 })).unmarked).toEqual(['Y']);
    expect(() => harvestCandidates(ledger, opts('2024-01-02', { X: 40 }))).toThrow(InputError);
    expect(() => harvestCandidates(ledger, opts('2024-06-03', { X: 40 }, { shortTermRate: 37 }))).toThrow(InputError);
  });

  it('names candidates whose sale on the as-of day, booked for real, disallows nothing and realizes the estimated loss', () => {
    const step = fc.record({ gap: fc.integer({ min: 0, max: 40 }), side: fc.constantFrom<'buy' | 'sell'>('buy', 'buy', 'sell'), qty: fc.integer({ min: 1, max: 50 }), cents: fc.integer({ min: 500, max: 1500 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 500, max: 1500 }), fc.integer({ min: 0, max: 50 }), (steps, lastGap, markCents, minLoss) => {
        const fills: TaxFill[] = [];
        let t = ms('2022-01-03');
        let pos = 0;
        for (const s of steps) {
          t += s.gap * 86_400_000;
          const qty = s.side === 'sell' ? Math.min(s.qty, pos) : s.qty;
          if (qty === 0) continue;
          pos += s.side === 'buy' ? qty : -qty;
          fills.push({ tsMs: t, symbol: 'X', side: s.side, qty, price: s.cents / 100, commission: 0.25 });
        }
        const ledger = bookFills(fills, { method: 'hifo' });
        const asOfMs = t + lastGap * 86_400_000;
        const r = harvestCandidates(ledger, { asOfMs, marks: new Map([['X', markCents / 100]]), shortTermRate: 0.3, longTermRate: 0.15, minLoss, commissionRate: 0.001 });
        for (const c of r.candidates) expect(c.loss).toBeGreaterThanOrEqual(minLoss);
        const ids = new Set(r.candidates.map((c) => c.lotId));
        const blocked = new Set(r.blocked.map((b) => b.lotId));
        // every losing lot above the threshold is either a candidate or blocked
        for (const l of ledger.openLots()) {
          const loss = l.qty * (l.unitCost + l.washAdjustmentPerShare) - l.qty * (markCents / 100) * 0.999;
          expect(ids.has(l.id) || blocked.has(l.id)).toBe(loss > 0 && loss >= minLoss);
        }
        if (r.candidates.length === 0) return;
        const real = ledger.clone();
        const qty = r.candidates.reduce((a, c) => a + c.qty, 0);
        real.apply({ tsMs: asOfMs, symbol: 'X', side: 'sell', price: markCents / 100, qty, commission: qty * (markCents / 100) * 0.001 }, r.candidates.map((c) => ({ lotId: c.lotId })));
        const sold = real.disposals().filter((d) => d.fillNo === real.fillCount);
        expect(sold.every((d) => d.washDisallowed === 0)).toBe(true);
        expect(sold.reduce((a, d) => a - d.reportedGain, 0)).toBeCloseTo(r.totalLoss, 6);
      }),
      { numRuns: 200 },
    );
  });
});
