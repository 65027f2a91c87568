import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { MS_PER_DAY } from '../core/time.ts';
import { attribute, pairwiseCorrelation, selfCorrelated, type Attribution, type AttributionFill, type AttributionRow, type MarkSeries } from './attribution.ts';
import { sampleStd } from './stats.ts';

const T0 = Date.UTC(2024, 0, 1);
const day = (i: number): number => T0 + i * MS_PER_DAY;
const grid = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => day(i));
const fill = (tsMs: number, side: 'buy' | 'sell', qty: number, price: number, commission = 0, symbol = 'X', strategyId = 's1'): AttributionFill => ({
  tsMs, side, qty, price, commission, symbol, strategyId,
});
const marks = (symbol: string, closes: readonly number[], from = 0): MarkSeries => ({
  symbol,
  time: Float64Array.from(closes, (_, i) => day(from + i)),
  close: Float64Array.from(closes),
});
const row = (rows: readonly AttributionRow[], key: string): AttributionRow => {
  const r = rows.find((x) => x.key === key);
  if (r === undefined) throw new Error(`no row ${key}`);
  return r;
};
const sum = (rows: readonly AttributionRow[], f: (r: AttributionRow) => number | null): number => rows.reduce((s, r) => s + (f(r) ?? 0), 0);

describe('attribute: hand-computed cases', () => {
  // Closes 100, 105, 103, 110. Buy 10 @ 101 (bar 1), sell 15 @ 104 (bar 2: closes the long, opens 5 short),
  // buy 5 @ 108 (bar 3: closes the short). Cash ends at +7, so the run made 7.
  const fills = [fill(day(1), 'buy', 10, 101, 1), fill(day(2), 'sell', 15, 104, 1.5), fill(day(3), 'buy', 5, 108, 0.5)];
  const base = { timeMs: grid(4), fills, marks: [marks('X', [100, 105, 103, 110])], startingEquity: 1000 };

  it('splits the PnL of a flip between the long and the short side', () => {
    const a = attribute(base);
    expect(row(a.bySide, 'long').pnl).toBeCloseTo(28, 12);
    expect(row(a.bySide, 'short').pnl).toBeCloseTo(-21, 12);
    expect(row(a.bySide, 'long').commission).toBeCloseTo(2, 12);
    expect(row(a.bySide, 'short').commission).toBeCloseTo(1, 12);
    expect(row(a.bySide, 'long').fills).toBe(2);
    expect(row(a.bySide, 'short').fills).toBe(2);
    expect(row(a.bySymbol, 'X').pnl).toBeCloseTo(7, 12);
    expect(row(a.bySymbol, 'X').fills).toBe(3);
    expect(a.decomposition.totalPnl).toBeCloseTo(7, 12);
    expect(a.decomposition.endingEquity).toBeCloseTo(1007, 12);
    expect(a.decomposition.fees).toBeCloseTo(3, 12);
  });

  it('measures slippage against reference prices and counts none where the reference is unknown', () => {
    const a = attribute({ ...base, referencePrices: [100, 104.5, NaN] });
    // (101 − 100) × 10 + (104 − 104.5) × −15 = 17.5
    expect(a.decomposition.slippage).toBeCloseTo(17.5, 12);
    expect(a.decomposition.fillsWithReference).toBe(2);
    expect(a.decomposition.grossTradingPnl).toBeCloseTo(7 + 3 + 17.5, 12);
    expect(row(a.bySymbol, 'X').grossPnl).toBeCloseTo(27.5, 12);
    expect(row(a.bySide, 'long').slippage).toBeCloseTo(10 + 7.5 * (2 / 3), 12);
    expect(row(a.bySide, 'short').slippage).toBeCloseTo(7.5 / 3, 12);
  });

  it('takes financing out of the total and reports what the equity curve holds beyond it', () => {
    const financing = [0, 0.5, 0.25, 0.25];
    const a = attribute({ ...base, financing });
    expect(a.decomposition.financing).toBeCloseTo(1, 12);
    expect(a.decomposition.totalPnl).toBeCloseTo(6, 12);
    expect(a.decomposition.unexplained).toBeCloseTo(0, 12);
    // An equity curve that lost 2 more than the fills and the financing explain.
    const equity = [1000, 1038.5, 1031.75, 1006 - 2];
    const b = attribute({ ...base, financing, equity });
    expect(b.decomposition.unexplained).toBeCloseTo(-2, 12);
    expect(b.decomposition.totalPnl).toBeCloseTo(4, 12);
  });

  it('marks a position at its first fill price until its symbol has a bar', () => {
    // Y has no bar before day 2; bought on day 1 at 50, its close is 55 on day 2.
    const a = attribute({
      timeMs: grid(3),
      fills: [fill(day(1), 'buy', 2, 50, 0, 'Y')],
      marks: [marks('X', [1, 1, 1]), marks('Y', [55], 2)],
      startingEquity: 100,
      periodsPerYear: 252,
    });
    expect(row(a.bySymbol, 'Y').pnl).toBeCloseTo(10, 12);
  });

  it('nets two strategies trading against each other to the commissions on the symbol', () => {
    const a = attribute({
      timeMs: grid(3),
      fills: [fill(day(0), 'buy', 10, 100, 1, 'X', 'a'), fill(day(0), 'sell', 10, 100, 1, 'X', 'b')],
      marks: [marks('X', [100, 120, 90])],
      instruments: [{ symbol: 'X', sector: 'tech', multiplier: 2 }],
      startingEquity: 10_000,
    });
    expect(row(a.byStrategy, 'a').pnl).toBeCloseTo(-10 * 2 * 10 - 1, 12);
    expect(row(a.byStrategy, 'b').pnl).toBeCloseTo(10 * 2 * 10 - 1, 12);
    expect(row(a.bySector, 'tech').pnl).toBeCloseTo(-2, 12);
    expect(row(a.bySide, 'long').pnl).toBeCloseTo(-201, 12);
    expect(row(a.bySide, 'short').pnl).toBeCloseTo(199, 12);
    // Opposite books: perfectly anti-correlated contributions.
    const i = a.correlation.labels.indexOf('a');
    const j = a.correlation.labels.indexOf('b');
    expect(a.correlation.kinds.slice(0, 2)).toEqual(['strategy', 'strategy']);
    expect(a.correlation.matrix[i]![j]).toBeNull(); // two returns only: too few to correlate
  });

  it('lists sides as long then short and other dimensions by PnL, best first', () => {
    const a = attribute({
      timeMs: grid(3),
      fills: [fill(day(0), 'buy', 1, 10, 0, 'A'), fill(day(0), 'buy', 1, 10, 0, 'B'), fill(day(0), 'buy', 1, 10, 0, 'C')],
      marks: [marks('A', [10, 11, 12]), marks('B', [10, 9, 8]), marks('C', [10, 15, 20])],
      startingEquity: 100,
    });
    expect(a.bySide.map((r) => r.key)).toEqual(['long', 'short']);
    expect(a.bySymbol.map((r) => r.key)).toEqual(['C', 'A', 'B']);
    expect(a.bySector.map((r) => r.key)).toEqual(['unknown']);
    expect(a.byStrategy.map((r) => r.key)).toEqual(['s1']);
  });

  it('rejects a fill with a non-positive quantity, naming the fill', () => {
    expect(() => attribute({ ...base, fills: [fill(day(1), 'buy', 0, 101)] })).toThrow(InputError);
    expect(() => attribute({ ...base, fills: [fill(day(1), 'buy', 0, 101)] })).toThrow(/fill 0/);
    expect(() => attribute({ ...base, equity: [1, 2] })).toThrow(/equity has 2 values/);
  });

  it('gives an empty attribution without fills', () => {
    const a = attribute({ timeMs: grid(3), fills: [], marks: [], startingEquity: 5 });
    expect(a.bySymbol).toEqual([]);
    expect(a.decomposition.totalPnl).toBe(0);
    expect(a.bySide.map((r) => r.pnl)).toEqual([0, 0]);
    expect(a.correlation.labels).toEqual([]);
  });
});

describe('pairwiseCorrelation', () => {
  it('skips pairs with a missing value and equals the Pearson correlation of the rest', () => {
    const x = [1, 2, NaN, 4, 5, 7];
    const y = [2, 1, 3, 5, NaN, 8];
    const xs = [1, 2, 4, 7];
    const ys = [2, 1, 5, 8];
    const mx = xs.reduce((s, v) => s + v) / 4;
    const my = ys.reduce((s, v) => s + v) / 4;
    const cov = xs.reduce((s, v, i) => s + (v - mx) * (ys[i]! - my), 0);
    const expected = cov / Math.sqrt(xs.reduce((s, v) => s + (v - mx) ** 2, 0) * ys.reduce((s, v) => s + (v - my) ** 2, 0));
    expect(pairwiseCorrelation(x, y)).toBeCloseTo(expected, 14);
  });

  it('is null for a constant series or fewer than three pairs', () => {
    expect(pairwiseCorrelation([1, 1, 1, 1], [1, 2, 3, 4])).toBeNull();
    expect(pairwiseCorrelation([1, 2], [2, 1])).toBeNull();
  });

  it('selfCorrelated(x) says whether pairwiseCorrelation(x, x) is defined (the matrix diagonal)', () => {
    const v = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(NaN, 0, 1e-300, Infinity, 0.5));
    fc.assert(
      fc.property(fc.oneof(fc.array(v, { maxLength: 12 }), fc.tuple(v, fc.nat(6)).map(([x, k]) => new Array<number>(k).fill(x))), (x) => {
        expect(selfCorrelated(x)).toBe(pairwiseCorrelation(x, x) !== null);
      }),
      { numRuns: 3000 },
    );
  });
});

// ---- property: the attribution sums to the account's PnL, whatever the fills ----

const SECTORS = ['tech', 'energy'];

const scenarioArb = fc
  .record({
    bars: fc.integer({ min: 3, max: 30 }),
    symbols: fc.array(
      fc.record({
        start: fc.integer({ min: 0, max: 5 }),
        keep: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        closes: fc.array(fc.integer({ min: 500, max: 20_000 }), { minLength: 30, maxLength: 30 }),
        multiplier: fc.constantFrom(1, 1, 50),
        sector: fc.constantFrom(...SECTORS),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    fills: fc.array(
      fc.record({
        strategy: fc.integer({ min: 0, max: 2 }),
        symbol: fc.integer({ min: 0, max: 2 }),
        side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        qty: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 4000 }).map((q) => q / 1000)),
        price: fc.integer({ min: 500, max: 20_000 }).map((p) => p / 100),
        commission: fc.integer({ min: 0, max: 500 }).map((c) => c / 100),
        bar: fc.integer({ min: 0, max: 29 }),
        early: fc.boolean(),
        ref: fc.option(fc.integer({ min: 500, max: 20_000 }).map((p) => p / 100)),
      }),
      { maxLength: 60 },
    ),
    financing: fc.option(fc.array(fc.integer({ min: 0, max: 300 }).map((c) => c / 100), { minLength: 30, maxLength: 30 })),
    shuffle: fc.boolean(),
    giveEquity: fc.boolean(),
  })
  .map((s) => ({ ...s, symbols: s.symbols.map((x, i) => ({ ...x, name: `S${i}` })) }));

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** An independent account: cash moves with every fill; positions are marked at the last close (or first fill price). */
function simulate(sc: Scenario, cash0 = 1e7): { timeMs: Float64Array; fills: AttributionFill[]; refs: number[]; marks: MarkSeries[]; equity: Float64Array; financing: number[] | undefined } {
  const n = sc.bars;
  const timeMs = grid(n);
  const marksList: MarkSeries[] = sc.symbols.map((s) => {
    const idx: number[] = [];
    for (let i = s.start; i < n; i++) if (s.keep[i] === true || i === s.start) idx.push(i);
    return { symbol: s.name, time: Float64Array.from(idx, (i) => day(i)), close: Float64Array.from(idx, (i) => s.closes[i]! / 100) };
  });
  const fills: AttributionFill[] = [];
  const refs: number[] = [];
  const sorted = [...sc.fills].filter((f) => f.symbol < sc.symbols.length && f.bar < n).sort((a, b) => a.bar - b.bar || Number(b.early) - Number(a.early));
  for (const f of sorted) {
    fills.push(fill(day(f.bar) - (f.early ? MS_PER_DAY / 2 : 0), f.side, f.qty, f.price, f.commission, sc.symbols[f.symbol]!.name, `strat${f.strategy}`));
    refs.push(f.ref ?? NaN);
  }
  const financing = sc.financing === null ? undefined : sc.financing.slice(0, n);
  let cash = cash0;
  const qty = new Map<string, number>();
  const first = new Map<string, number>();
  const equity = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    while (j < fills.length && fills[j]!.tsMs <= day(i)) {
      const f = fills[j++]!;
      const mult = sc.symbols.find((s) => s.name === f.symbol)!.multiplier;
      const signed = f.side === 'buy' ? f.qty : -f.qty;
      cash -= signed * f.price * mult + f.commission;
      qty.set(f.symbol, (qty.get(f.symbol) ?? 0) + signed);
      if (!first.has(f.symbol)) first.set(f.symbol, f.price);
    }
    cash -= financing?.[i] ?? 0;
    let value = 0;
    for (const [sym, q] of qty) {
      const m = marksList.find((x) => x.symbol === sym)!;
      let last = NaN;
      for (let k = 0; k < m.time.length; k++) if (m.time[k]! <= day(i)) last = m.close[k]!;
      const mark = Number.isNaN(last) ? first.get(sym)! : last;
      value += q * mark * sc.symbols.find((s) => s.name === sym)!.multiplier;
    }
    equity[i] = cash + value;
  }
  if (sc.shuffle) {
    // The same fills with the time groups in reverse order (equal times keep their execution order):
    // attribute must sort them back by time, stably.
    const perm = fills.map((_, i) => i).sort((x, y) => fills[y]!.tsMs - fills[x]!.tsMs || x - y);
    return { timeMs, fills: perm.map((i) => fills[i]!), refs: perm.map((i) => refs[i]!), marks: marksList, equity, financing };
  }
  return { timeMs, fills, refs, marks: marksList, equity, financing };
}

function expectClose(actual: number, expected: number, scale: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, scale));
}

describe('attribute: property', () => {
  it('sums, in every dimension, to the total PnL of an independently simulated account', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const sim = simulate(sc);
        const a: Attribution = attribute({
          timeMs: sim.timeMs,
          fills: sim.fills,
          marks: sim.marks,
          instruments: sc.symbols.map((s) => ({ symbol: s.name, sector: s.sector, multiplier: s.multiplier })),
          startingEquity: 1e7,
          equity: sc.giveEquity ? sim.equity : undefined,
          financing: sim.financing,
          referencePrices: sim.refs,
          periodsPerYear: 252,
        });
        const total = sim.equity[sim.equity.length - 1]! - 1e7;
        const scale = 1e7;
        const d = a.decomposition;
        expectClose(d.totalPnl, total, scale);
        expectClose(d.unexplained, 0, scale);
        for (const rows of [a.bySymbol, a.bySector, a.byStrategy, a.bySide]) {
          expectClose(sum(rows, (r) => r.pnl) - d.financing, total, scale);
          expectClose(sum(rows, (r) => r.commission), d.fees, scale);
          expectClose(sum(rows, (r) => r.slippage), d.slippage, scale);
          expectClose(sum(rows, (r) => r.grossPnl), d.grossTradingPnl, scale);
        }
        expectClose(d.grossTradingPnl - d.fees - d.slippage - d.financing + d.unexplained, d.totalPnl, scale);
        expect(sum(a.bySymbol, (r) => r.fills)).toBe(sim.fills.length);
        expect(sum(a.byStrategy, (r) => r.fills)).toBe(sim.fills.length);
        expect(d.fillsWithReference).toBe(sim.refs.filter((r) => !Number.isNaN(r)).length);
      }),
      { numRuns: 300 },
    );
  });

  it('splits the annual volatility exactly among the buckets when nothing else moves the equity', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const sim = simulate({ ...sc, financing: null }, 1e6);
        fc.pre(sim.equity.every((e) => e > 0));
        const r = Array.from({ length: sim.equity.length - 1 }, (_, i) => sim.equity[i + 1]! / sim.equity[i]! - 1);
        // Returns far above the rounding of the equity values (about 1e-16 of them).
        fc.pre(sampleStd(r) > 1e-7);
        const vol = sampleStd(r) * Math.sqrt(252);
        const a = attribute({ timeMs: sim.timeMs, fills: sim.fills, marks: sim.marks, instruments: sc.symbols.map((s) => ({ symbol: s.name, multiplier: s.multiplier })), startingEquity: 1e6, equity: sim.equity, periodsPerYear: 252 });
        expect(a.risk.observations).toBe(r.length);
        expect(a.risk.annualVolatility).toBeCloseTo(vol, 12);
        for (const rows of [a.bySymbol, a.bySector, a.byStrategy, a.bySide]) {
          expect(sum(rows, (x) => x.volContribution)).toBeCloseTo(vol, 10);
          expect(sum(rows, (x) => x.riskShare)).toBeCloseTo(1, 8);
        }
        expect(a.risk.unattributedVolContribution!).toBeCloseTo(0, 10);
      }),
      { numRuns: 200 },
    );
  });
});
