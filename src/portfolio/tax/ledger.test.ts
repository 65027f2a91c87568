import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { dayIso, dayOf } from './holding.ts';
import { TaxLotLedger, bookFills, type Disposal } from './ledger.ts';
import type { LotSelection, ReliefMethod, TaxFill } from './lots.ts';
import { summarize } from './summary.ts';

const ms = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
const DAY = 86_400_000;
const buy = (date: string, qty: number, price: number, commission = 0, symbol = 'X'): TaxFill => ({ tsMs: ms(date), symbol, side: 'buy', price, qty, commission });
const sell = (date: string, qty: number, price: number, commission = 0, symbol = 'X'): TaxFill => ({ tsMs: ms(date), symbol, side: 'sell', price, qty, commission });
const rows = (ds: readonly Disposal[]): [string, number, number, number][] => ds.map((d) => [d.lotId, d.qty, round(d.costBasis), round(d.reportedGain)]);
const round = (x: number): number => Math.round(x * 1e6) / 1e6;

describe('lot relief', () => {
  const fills = [buy('2020-01-02', 100, 10), buy('2020-02-03', 100, 12), buy('2020-03-02', 100, 11), sell('2020-04-01', 150, 13)];
  it.each<[ReliefMethod, LotSelection[] | undefined, [string, number, number, number][], [string, number][]]>([
    ['fifo', undefined, [['X#1', 100, 1000, 300], ['X#2', 50, 600, 50]], [['X#2', 50], ['X#3', 100]]],
    ['lifo', undefined, [['X#3', 100, 1100, 200], ['X#2', 50, 600, 50]], [['X#1', 100], ['X#2', 50]]],
    ['hifo', undefined, [['X#2', 100, 1200, 100], ['X#3', 50, 550, 100]], [['X#1', 100], ['X#3', 50]]],
    ['specific', [{ lotId: 'X#3', qty: 40 }, { lotId: 'X#1' }], [['X#3', 40, 440, 80], ['X#1', 100, 1000, 300], ['X#2', 10, 120, 10]], [['X#2', 90], ['X#3', 60]]],
  ])('%s relieves the lots in its order, splitting the last one', (method, selections, relieved, open) => {
    const l = bookFills(fills, { method, selections: selections === undefined ? undefined : new Map([[4, selections]]) });
    expect(rows(l.disposals())).toEqual(relieved);
    expect(l.openLots().map((o) => [o.id, o.qty])).toEqual(open);
  });

  it('adds buy commissions to the basis and takes sell commissions from the proceeds, pro rata on partial relief', () => {
    const l = bookFills([buy('2021-01-04', 100, 10, 5), sell('2021-03-01', 60, 12, 3)]);
    const [d] = l.disposals();
    expect(d!.proceeds).toBeCloseTo(720 - 3, 9);
    expect(d!.costBasis).toBeCloseTo(60 * 10.05, 9);
    expect(d!.gain).toBeCloseTo(114, 9);
    expect(l.openLots()[0]).toMatchObject({ id: 'X#1', qty: 40 });
    expect(l.openLots()[0]!.unitCost).toBeCloseTo(10.05, 12);
  });

  it('splits one sell commission across the lots it relieves by quantity', () => {
    const l = bookFills([buy('2021-01-04', 10, 10), buy('2021-01-05', 30, 20), sell('2021-06-01', 40, 25, 8)]);
    expect(l.disposals().map((d) => round(d.proceeds))).toEqual([250 - 2, 750 - 6]);
  });

  it('reports a gain held more than a year as long-term and the rest of the same sale short-term', () => {
    const l = bookFills([buy('2023-02-05', 10, 10), buy('2023-06-01', 10, 10), sell('2024-02-06', 20, 11)]);
    expect(l.disposals().map((d) => [d.lotId, d.term])).toEqual([['X#1', 'long'], ['X#2', 'short']]);
    const s = summarize(l.disposals(), l.openLots());
    expect([s.longTermGain, s.shortTermGain]).toEqual([10, 10]);
  });

  it('opens a short lot with a sell beyond the long position and covers it with the next buy, short-term even after two years', () => {
    const l = bookFills([buy('2021-01-04', 10, 30), sell('2021-02-01', 110, 20, 2.2), buy('2023-03-01', 40, 15, 1), buy('2023-03-02', 100, 14, 1)]);
    const ds = l.disposals();
    expect(ds.map((d) => [d.lotId, d.side, d.qty, d.term])).toEqual([['X#1', 'long', 10, 'short'], ['X#2', 'short', 40, 'short'], ['X#2', 'short', 60, 'short']]);
    expect(ds[1]!.proceeds).toBeCloseTo(40 * 19.98, 9); // short sale proceeds net of its commission share
    expect(ds[1]!.costBasis).toBeCloseTo(601, 9);
    expect(ds[2]!.costBasis).toBeCloseTo(60 * 14 + 0.6, 9);
    expect(l.openLots().map((o) => [o.id, o.side, o.qty])).toEqual([['X#4', 'long', 40]]);
    expect(l.openLots()[0]!.unitCost).toBeCloseTo(14.01, 12);
    // a short cover at a loss is not a wash sale (docs/tax-lots.md): the long loss of fill 2 had no replacement within 30 days
    expect(l.washSales()).toEqual([]);
  });

  it('relieves short lots by HIFO lowest proceeds first', () => {
    const l = bookFills([sell('2021-01-04', 10, 20), sell('2021-01-05', 10, 18), sell('2021-01-06', 10, 22), buy('2021-02-01', 15, 19)], { method: 'hifo' });
    expect(l.disposals().map((d) => [d.lotId, d.qty])).toEqual([['X#2', 10], ['X#1', 5]]);
  });

  it('keeps symbols apart', () => {
    const l = bookFills([buy('2021-01-04', 10, 10, 0, 'A'), buy('2021-01-04', 10, 50, 0, 'B'), sell('2021-02-01', 10, 5, 0, 'A')]);
    expect(l.disposals().map((d) => d.lotId)).toEqual(['A#1']);
    expect(l.openLots().map((o) => o.id)).toEqual(['B#2']);
  });

  it.each<[string, TaxFill[], Map<number, LotSelection[]> | undefined, ReliefMethod]>([
    ['a lot that is not open', [buy('2021-01-04', 10, 10), sell('2021-02-01', 5, 11)], new Map([[2, [{ lotId: 'X#9' }]]]), 'specific'],
    ['more of a lot than it holds', [buy('2021-01-04', 10, 10), sell('2021-02-01', 5, 11)], new Map([[2, [{ lotId: 'X#1', qty: 11 }]]]), 'specific'],
    ['more shares than the fill closes', [buy('2021-01-04', 10, 10), buy('2021-01-05', 10, 10), sell('2021-02-01', 5, 11)], new Map([[3, [{ lotId: 'X#1', qty: 4 }, { lotId: 'X#2', qty: 4 }]]]), 'specific'],
    ['a long lot on a buy', [buy('2021-01-04', 10, 10), buy('2021-02-01', 5, 11)], new Map([[2, [{ lotId: 'X#1' }]]]), 'specific'],
    ['a fill that does not exist', [buy('2021-01-04', 10, 10)], new Map([[5, [{ lotId: 'X#1' }]]]), 'specific'],
    ['lots under another method', [buy('2021-01-04', 10, 10), sell('2021-02-01', 5, 11)], new Map([[2, [{ lotId: 'X#1' }]]]), 'fifo'],
  ])('rejects a selection of %s', (_what, fills, selections, method) => {
    expect(() => bookFills(fills, { method, selections })).toThrow(InputError);
  });

  it.each<[string, TaxFill]>([
    ['a zero quantity', buy('2021-01-04', 0, 10)],
    ['a negative price', buy('2021-01-04', 1, -1)],
    ['a NaN commission', buy('2021-01-04', 1, 1, Number.NaN)],
    ['an empty symbol', buy('2021-01-04', 1, 1, 0, '')],
    ['a time before the previous fill', buy('2020-12-31', 1, 1)],
  ])('rejects a fill with %s', (_what, fill) => {
    const l = new TaxLotLedger();
    l.apply(buy('2021-01-01', 1, 1));
    expect(() => l.apply(fill)).toThrow(/fill 2/);
  });
});

describe('wash sales', () => {
  it('adds the whole loss to the basis of 100 shares bought back within 30 days (Publication 550: $1,000, sold $750, bought $800 -> basis $1,050)', () => {
    const l = bookFills([buy('2023-01-03', 100, 10), sell('2023-02-10', 100, 7.5), buy('2023-02-20', 100, 8)]);
    const [d] = l.disposals();
    expect([d!.gain, d!.washDisallowed, d!.reportedGain]).toEqual([-250, 250, 0]);
    const [lot] = l.openLots();
    expect(lot).toMatchObject({ id: 'X#3', qty: 100, isReplacement: true });
    expect(lot!.qty * (lot!.unitCost + lot!.washAdjustmentPerShare)).toBeCloseTo(1050, 9);
    // held 38 days (Jan 3 -> Feb 10): the replacement counts from Feb 20 - 38 days
    expect(dayIso(lot!.holdingFromDay)).toBe('2023-01-13');
    expect(l.washSales()).toEqual([
      { saleFillNo: 2, symbol: 'X', soldLotId: 'X#1', saleMs: ms('2023-02-10'), qty: 100, disallowedLoss: 250, replacementLotId: 'X#3', replacementFillNo: 3, replacementAcquiredMs: ms('2023-02-20'), holdingDaysCarried: 38 },
    ]);
  });

  it('carries the holding period over: the replacement sold 2024-01-14 is long-term though bought 2023-02-20', () => {
    const l = bookFills([buy('2023-01-03', 100, 10), sell('2023-02-10', 100, 7.5), buy('2023-02-20', 100, 8), sell('2024-01-14', 100, 12)]);
    const d = l.disposals()[1]!;
    expect([d.costBasis, d.reportedGain, d.term, d.deferredLossInBasis]).toEqual([1050, 150, 'long', 250]);
    expect(bookFills([buy('2023-01-03', 100, 10), sell('2023-02-10', 100, 7.5), buy('2023-02-20', 100, 8), sell('2024-01-13', 100, 12)]).disposals()[1]!.term).toBe('short');
  });

  it('disallows 75% of a loss when 75 replacement shares were bought in the 30 days before, spreading it by share (100 for $2,000 sold for $1,300; 50 for $1,200 and 25 for $650)', () => {
    const l = bookFills([buy('2008-12-01', 100, 20), buy('2009-03-01', 50, 24), buy('2009-03-10', 25, 26), sell('2009-03-27', 100, 13)]);
    const [d] = l.disposals();
    expect([d!.lotId, d!.gain, d!.washDisallowed, d!.reportedGain]).toEqual(['X#1', -700, 525, -175]);
    const lots = l.openLots().map((o) => [o.id, o.qty, round(o.qty * (o.unitCost + o.washAdjustmentPerShare)), dayIso(o.holdingFromDay)]);
    // holding period Dec 1 2008 -> Mar 27 2009 = 116 days carried over to both replacement lots
    expect(lots).toEqual([['X#2', 50, 1550, '2008-11-05'], ['X#3', 25, 825, '2008-11-14']]);
  });

  it('puts the whole loss on the first 100 replacement shares when 150 were bought (the Mar 10 lot keeps its cost)', () => {
    const l = bookFills([buy('2008-12-01', 100, 20), buy('2009-03-01', 100, 24), buy('2009-03-10', 50, 26), sell('2009-03-27', 100, 13)]);
    expect(l.disposals()[0]!.reportedGain).toBe(0);
    expect(l.openLots().map((o) => [o.id, round(o.qty * (o.unitCost + o.washAdjustmentPerShare)), o.isReplacement])).toEqual([['X#2', 3100, true], ['X#3', 1300, false]]);
  });

  it('disallows half of a $1,000 loss when 50 of 100 shares are bought back after the sale; the replacement basis is $30 a share', () => {
    const l = bookFills([buy('2024-01-02', 100, 30), sell('2024-06-03', 100, 20), buy('2024-06-20', 50, 20)]);
    const [d] = l.disposals();
    expect([d!.washDisallowed, d!.reportedGain]).toEqual([500, -500]);
    expect(l.openLots()[0]!.unitCost + l.openLots()[0]!.washAdjustmentPerShare).toBe(30);
  });

  it('splits a replacement purchase larger than the loss: the matched shares get their own lot id', () => {
    const l = bookFills([buy('2024-01-02', 50, 30), sell('2024-06-03', 50, 20), buy('2024-06-20', 100, 20)]);
    expect(l.openLots().map((o) => [o.id, o.qty, o.washAdjustmentPerShare, o.isReplacement])).toEqual([['X#3', 50, 0, false], ['X#3.1', 50, 10, true]]);
  });

  it('lets a replacement lot absorb only one loss: the second loss sale is allowed', () => {
    const l = bookFills([buy('2024-01-02', 100, 10), buy('2024-01-02', 100, 10), sell('2024-03-01', 100, 8), sell('2024-03-02', 100, 8), buy('2024-03-05', 100, 8)]);
    expect(l.disposals().map((d) => [d.lotId, d.reportedGain])).toEqual([['X#1', 0], ['X#2', -200]]);
    expect(l.washSales().map((w) => [w.soldLotId, w.replacementLotId])).toEqual([['X#1', 'X#5']]);
  });

  it('does not treat the unsold rest of the same purchase as replacement shares (Rev. Rul. 56-602)', () => {
    const l = bookFills([buy('2024-07-01', 100, 10), sell('2024-07-15', 50, 9)]);
    expect(l.disposals()[0]!.reportedGain).toBe(-50);
    expect(l.washSales()).toEqual([]);
  });

  it('ignores shares bought before the sale but already sold: 1 of 3 loss shares is washed by the next day\'s purchase', () => {
    const l = bookFills([buy('2024-01-01', 1, 100), sell('2024-01-01', 1, 110), buy('2024-01-02', 3, 100), sell('2024-01-02', 3, 90), buy('2024-01-03', 1, 100), sell('2024-01-03', 1, 110)]);
    expect(l.disposals().map((d) => round(d.reportedGain))).toEqual([10, -20, 0]);
    expect(summarize(l.disposals(), l.openLots()).totalGain).toBeCloseTo(-10, 9);
  });

  it('chains wash sales: a replacement sold at a loss passes its whole deferred loss to the next replacement', () => {
    const l = bookFills([buy('2024-01-02', 100, 10), sell('2024-02-01', 100, 9), buy('2024-02-10', 100, 9), sell('2024-03-01', 100, 8.5), buy('2024-03-15', 100, 8), sell('2024-05-01', 100, 10)]);
    expect(l.disposals().map((d) => [round(d.gain), round(d.reportedGain)])).toEqual([[-100, 0], [-150, 0], [50, 50]]);
    expect(dayIso(l.washSales()[1]!.replacementAcquiredMs / DAY - l.washSales()[1]!.holdingDaysCarried)).toBe('2024-01-25');
  });

  it.each([
    [-31, false],
    [-30, true],
    [0, true],
    [30, true],
    [31, false],
  ])('a purchase %i days from the loss sale washes it: %s', (offset, washed) => {
    const sale = ms('2024-06-03');
    const fills: TaxFill[] = [buy('2024-01-02', 100, 10), { tsMs: sale, symbol: 'X', side: 'sell', price: 9, qty: 50, commission: 0 }];
    const other: TaxFill = { tsMs: sale + offset * DAY, symbol: 'X', side: 'buy', price: 9, qty: 50, commission: 0 };
    if (offset < 0) fills.splice(1, 0, other);
    else fills.push(other);
    const l = bookFills(fills, { method: 'fifo' });
    expect(l.disposals()[0]!.washDisallowed > 0).toBe(washed);
  });

  it('reports the whole loss when the rule is switched off', () => {
    const l = bookFills([buy('2023-01-03', 100, 10), sell('2023-02-10', 100, 7.5), buy('2023-02-20', 100, 8)], { washSales: false });
    expect(l.disposals()[0]!.reportedGain).toBe(-250);
    expect(l.openLots()[0]!.washAdjustmentPerShare).toBe(0);
  });

  it('lists loss shares still waiting for a replacement while their window is open', () => {
    const l = bookFills([buy('2024-01-02', 100, 30), sell('2024-06-03', 100, 20), buy('2024-06-20', 50, 20)]);
    expect(l.pendingWashes(dayOf(ms('2024-07-03')))).toEqual([{ saleFillNo: 2, symbol: 'X', soldLotId: 'X#1', qty: 50, lossPerShare: 10, windowEndDay: dayOf(ms('2024-07-03')) }]);
    expect(l.pendingWashes(dayOf(ms('2024-07-04')))).toEqual([]);
  });

  it('relieves HIFO by the wash-adjusted basis', () => {
    const l = bookFills([buy('2024-01-02', 10, 10), buy('2024-03-01', 10, 11), sell('2024-03-02', 10, 9), buy('2024-03-03', 10, 9), sell('2024-06-01', 10, 12)], { method: 'hifo' });
    // fill 3 sells X#2 (highest cost, 11) at a 20 loss, washed by X#4 (9 + 2 = 11 > X#1's 10): fill 5 sells X#4 first
    expect(l.disposals().map((d) => d.lotId)).toEqual(['X#2', 'X#4']);
  });
});

// ---------- properties ----------

interface Step { gapDays: number; side: 'buy' | 'sell'; qty: number; cents: number; commissionCents: number; symbol: 'A' | 'B' }
const stepArb = fc.record({
  gapDays: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 40 }), weight: 9 }, { arbitrary: fc.integer({ min: 100, max: 400 }), weight: 1 }),
  side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
  qty: fc.integer({ min: 1, max: 60 }),
  cents: fc.integer({ min: 100, max: 3000 }),
  commissionCents: fc.integer({ min: 0, max: 300 }),
  symbol: fc.constantFrom<'A' | 'B'>('A', 'B'),
});
const methodArb = fc.constantFrom<ReliefMethod>('fifo', 'lifo', 'hifo');

/** Fills from steps; long only caps sells at the position held. */
function fillsOf(steps: readonly Step[], longOnly: boolean): TaxFill[] {
  const pos = new Map<string, number>();
  const out: TaxFill[] = [];
  let t = ms('2020-01-02');
  for (const s of steps) {
    t += s.gapDays * DAY;
    const held = pos.get(s.symbol) ?? 0;
    const qty = s.side === 'sell' && longOnly ? Math.min(s.qty, held) : s.qty;
    if (qty <= 0) continue;
    pos.set(s.symbol, held + (s.side === 'buy' ? qty : -qty));
    out.push({ tsMs: t, symbol: s.symbol, side: s.side, qty, price: s.cents / 100, commission: s.commissionCents / 100 });
  }
  return out;
}

/** Closes every position 31+ days after the last fill. */
function liquidate(fills: readonly TaxFill[], gapDays: number): TaxFill[] {
  const pos = new Map<string, number>();
  for (const f of fills) pos.set(f.symbol, (pos.get(f.symbol) ?? 0) + (f.side === 'buy' ? f.qty : -f.qty));
  const t = (fills.at(-1)?.tsMs ?? 0) + gapDays * DAY;
  const out = [...fills];
  for (const [symbol, q] of pos) if (q !== 0) out.push({ tsMs: t, symbol, side: q > 0 ? 'sell' : 'buy', qty: Math.abs(q), price: 7.77, commission: 0.5 });
  return out;
}

/** Net cash of the fills: sells' proceeds less buys' cost, commissions included. */
function cashOf(fills: readonly TaxFill[]): number {
  return fills.reduce((s, f) => s + (f.side === 'sell' ? f.price * f.qty - f.commission : -f.price * f.qty - f.commission), 0);
}

describe('tax-lot invariants', () => {
  it('realized gain - loss deferred in open lots == economic gain (cash + cost of open longs - proceeds of open shorts)', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), methodArb, fc.boolean(), (steps, method, longOnly) => {
        const fills = fillsOf(steps, longOnly);
        const l = bookFills(fills, { method });
        const open = l.openLots();
        const s = summarize(l.disposals(), open);
        const openCost = open.reduce((a, o) => a + (o.side === 'long' ? 1 : -1) * o.qty * o.unitCost, 0);
        expect(s.totalGain - s.deferredLossInOpenLots).toBeCloseTo(cashOf(fills) + openCost, 6);
        expect(s.economicGain).toBeCloseTo(cashOf(fills) + openCost, 6);
        expect(s.shortTermGain + s.longTermGain).toBeCloseTo(s.totalGain, 9);
        // open lots hold the net position of each symbol
        for (const sym of ['A', 'B']) {
          const net = fills.filter((f) => f.symbol === sym).reduce((a, f) => a + (f.side === 'buy' ? f.qty : -f.qty), 0);
          expect(open.filter((o) => o.symbol === sym).reduce((a, o) => a + (o.side === 'long' ? o.qty : -o.qty), 0)).toBeCloseTo(net, 9);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never changes the total gain across a full liquidation 31+ days after the last purchase, whatever the method', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), methodArb, fc.integer({ min: 31, max: 400 }), fc.boolean(), (steps, method, gap, longOnly) => {
        const fills = liquidate(fillsOf(steps, longOnly), gap);
        const withRule = bookFills(fills, { method });
        const without = bookFills(fills, { method, washSales: false });
        expect(withRule.openLots()).toEqual([]);
        const a = summarize(withRule.disposals(), []);
        const b = summarize(without.disposals(), []);
        expect(a.totalGain).toBeCloseTo(cashOf(fills), 6);
        expect(b.totalGain).toBeCloseTo(cashOf(fills), 6);
        expect(b.washSaleDisallowed).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('disallows at most the loss of a sale, matches shares one for one within 30 days, and uses each replacement lot once', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), methodArb, (steps, method) => {
        const fills = fillsOf(steps, true);
        const l = bookFills(fills, { method });
        for (const d of l.disposals()) {
          expect(d.washDisallowed).toBeGreaterThanOrEqual(0);
          if (d.gain >= 0) expect(d.washDisallowed).toBe(0);
          else expect(d.washDisallowed).toBeLessThanOrEqual(-d.gain * (1 + 1e-9) + 1e-9);
        }
        const washes = l.washSales();
        expect(new Set(washes.map((w) => w.replacementLotId)).size).toBe(washes.length);
        for (const w of washes) expect(Math.abs(dayOf(w.replacementAcquiredMs) - dayOf(w.saleMs))).toBeLessThanOrEqual(30);
        // shares matched per replacement purchase never exceed the purchase; per sale, never the shares sold at a loss
        fills.forEach((f, i) => {
          const used = washes.filter((w) => w.replacementFillNo === i + 1).reduce((a, w) => a + w.qty, 0);
          expect(used).toBeLessThanOrEqual(f.qty + 1e-9);
        });
        for (const d of l.disposals()) {
          const matched = washes.filter((w) => w.saleFillNo === d.fillNo && w.soldLotId === d.lotId).reduce((a, w) => a + w.qty, 0);
          expect(matched).toBeLessThanOrEqual(d.qty + 1e-9);
          if (d.gain < 0) expect(d.washDisallowed).toBeCloseTo((matched * -d.gain) / d.qty, 6);
        }
      }),
      { numRuns: 300 },
    );
  });
});
