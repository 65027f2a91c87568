// The risk-based sizers through ctx.size in a real backtest, with values worked out by hand. Orders
// are sized from the signal bar's close and the strategy's equity (100 000, flat) at that moment.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import type { ErcSizing, OrderView } from '../strategies/context.ts';
import { sizers } from '../strategies/sizing.ts';
import { flat, series, type Ohlc } from '../../test/helpers/bars.ts';
import { runScript } from '../../test/helpers/scenario.ts';

const closes = (cs: readonly number[]): Ohlc[] => cs.map((c) => [c, c, c, c] as const);

describe('ctx.size risk sizers in a backtest', () => {
  it('kelly: f = 0.6 − 0.4 / 2 = 0.4, half Kelly 0.2 → ⌊100 000 × 0.2 / 100⌋ = 200', () => {
    let o: OrderView | null = null;
    runScript(series(flat(3)), { 1: (ctx) => { o = ctx.buy('X', ctx.size.kelly({ winRate: 0.6, payoffRatio: 2, multiplier: 0.5 })); } }, { cash: 100_000 });
    expect((o as OrderView | null)?.qty).toBe(200);
  });

  it('kelly without an edge sizes nothing (no order, counted as zero-sized)', () => {
    let o: OrderView | null | undefined;
    const r = runScript(series(flat(3)), { 1: (ctx) => { o = ctx.buy('X', ctx.size.kelly({ winRate: 0.3, payoffRatio: 1 })); } }, { cash: 100_000 });
    expect(o).toBeNull();
    expect(r.kernel.zeroSized).toBe(1);
  });

  it('volTarget: returns +10%, −10%, +10%, −10% (sample std 0.11547) → ⌊100 000 × 0.05 / 0.11547 / 98.01⌋ = 441', () => {
    const got: (number | null)[] = [];
    runScript(series(closes([100, 110, 99, 108.9, 98.01, 98.01])), (ctx, _bar, i) => {
      if (i < 3 || i > 4) return;
      got.push(ctx.buy('X', ctx.size.volTarget({ targetVol: 0.05, lookback: 4, periodsPerYear: 1 }))?.qty ?? null);
    }, { cash: 100_000 });
    // Bar 3 has only 3 returns (warm-up: no order); bar 4 has the 4 it needs, none from later bars.
    expect(got).toEqual([null, 441]);
  });

  it('volTarget annualizes with periodsPerYear (252 by default) and caps by maxLeverage', () => {
    let a: OrderView | null = null;
    let b: OrderView | null = null;
    runScript(series(closes([100, 110, 99, 108.9, 98.01, 98.01])), { 4: (ctx) => {
      // 0.2 / (0.11547 × √252) = 0.10911 of equity → ⌊10 911.3 / 98.01⌋ = 111.
      a = ctx.buy('X', ctx.size.volTarget({ targetVol: 0.2, lookback: 4 }));
      // Leverage 0.05 / 0.11547 = 0.433 capped at 0.1 → ⌊10 000 / 98.01⌋ = 102.
      b = ctx.buy('X', ctx.size.volTarget({ targetVol: 0.05, lookback: 4, periodsPerYear: 1, maxLeverage: 0.1 }));
    } }, { cash: 100_000 });
    expect([(a as OrderView | null)?.qty, (b as OrderView | null)?.qty]).toEqual([111, 102]);
  });

  it('atrRisk: true range 2 every bar, ATR(3) = 2, 1% risk at 2 ATRs → ⌊1 000 / (2 × 2)⌋ = 250; nothing before ATR is defined', () => {
    const got: (number | null)[] = [];
    const bars: Ohlc[] = Array.from({ length: 6 }, () => [100, 101, 99, 100] as const);
    runScript(series(bars), (ctx, _bar, i) => {
      if (i === 0 || i === 4) got.push(ctx.buy('X', ctx.size.atrRisk({ riskFraction: 0.01, atrPeriod: 3, atrMultiple: 2 }))?.qty ?? null);
    }, { cash: 100_000 });
    expect(got).toEqual([null, 250]);
  });

  it('atrRisk reads the same ATR line as ctx.indicators.atr', () => {
    let same = false;
    runScript(series(flat(5)), { 1: (ctx) => {
      ctx.buy('X', ctx.size.atrRisk({ riskFraction: 0.01, atrPeriod: 3 }));
      same = ctx.indicators.atr('X', 3) === ctx.indicator('X', 'atr', { period: 3 });
    } });
    expect(same).toBe(true);
  });

  it('erc: two assets with return volatility 1% and 2% get inverse-volatility weights 2/3 and 1/3, from aligned bars only', () => {
    const a = [100, 101, 99.99, 100.9899, 99.980001, 99.980001];
    const b = [100, 102, 99.96, 101.9592, 99.920016, 99.920016];
    const seen: { sym: string; i: number; erc: ErcSizing | null }[] = [];
    const orders: (number | undefined)[] = [];
    runScript([series(closes(a), { symbol: 'A' }), series(closes(b), { symbol: 'B' })], (ctx, bar, i) => {
      if (i !== 4) return;
      const erc = ctx.size.erc(['A', 'B'], { lookback: 4 });
      seen.push({ sym: bar.symbol, i, erc });
      if (erc !== null) for (const s of ['A', 'B']) orders.push(ctx.buy(s, erc.sizer(s))?.qty);
    }, { cash: 100_000 });
    // On A's bar 4, B still stands at bar 3: the common window ends at bar 3 (4 bars, too few).
    expect(seen.map((x) => [x.sym, x.erc === null])).toEqual([['A', true], ['B', false]]);
    const erc = seen[1]!.erc!;
    expect(erc.weights['A']).toBeCloseTo(2 / 3, 9);
    expect(erc.weights['B']).toBeCloseTo(1 / 3, 9);
    expect(erc.riskShares['A']).toBeCloseTo(0.5, 9);
    expect(erc.converged).toBe(true);
    // pct-equity targets: ⌊66 666.67 / 99.980001⌋ = 666 A, ⌊33 333.33 / 99.920016⌋ = 333 B.
    expect(orders).toEqual([666, 333]);
    expect(erc.sizer('A')).toEqual({ kind: 'pct-equity', pct: erc.weights['A']! * 100 });
  });
});

describe('ctx.size risk sizers: params', () => {
  const fieldOf = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).where.field;
    }
    return undefined;
  };

  it('fills defaults and keeps the library units', () => {
    expect(sizers.kelly({ winRate: 0.55, payoffRatio: 1.5 })).toEqual({ kind: 'kelly', winRate: 0.55, payoffRatio: 1.5, multiplier: 1, cap: 1 });
    expect(sizers.volTarget({ targetVol: 0.1 })).toEqual({ kind: 'vol-target', targetVol: 0.1, lookback: 20, periodsPerYear: 252 });
    expect(sizers.atrRisk({ riskFraction: 0.01 })).toEqual({ kind: 'atr-risk', riskFraction: 0.01, atrPeriod: 14, atrMultiple: 2 });
  });

  it('rejects bad params with a ConfigError naming the field', () => {
    expect(fieldOf(() => sizers.kelly({ winRate: 1.2, payoffRatio: 2 }))).toBe('winRate');
    expect(fieldOf(() => sizers.kelly({ winRate: 0.5, payoffRatio: 0 }))).toBe('payoffRatio');
    expect(fieldOf(() => sizers.volTarget({ targetVol: 0.1, lookback: 1 }))).toBe('lookback');
    expect(fieldOf(() => sizers.atrRisk({ riskFraction: 0.01, atrMultiple: -1 }))).toBe('atrMultiple');
    expect(fieldOf(() => sizers.atrRisk({ riskFraction: 0.01, stop: 2 } as never))).toBe('stop');
  });

  it('erc: budgets must match the symbols; an unknown symbol has no sizer', () => {
    const r = runScript([series(closes([100, 101, 100, 101]), { symbol: 'A' }), series(closes([100, 102, 100, 102]), { symbol: 'B' })], (ctx, bar, i) => {
      if (i !== 3 || bar.symbol !== 'B') return;
      expect(fieldOf(() => ctx.size.erc(['A', 'B'], { lookback: 3, budgets: [1] }))).toBe('budgets');
      expect(fieldOf(() => ctx.size.erc(['A', 'A'], { lookback: 3 }))).toBe('symbols');
      expect(fieldOf(() => ctx.size.erc(['A', 'B'], { lookback: 3 })!.sizer('C'))).toBe('symbol');
    });
    expect(r.kernel.strategyErrors).toEqual([]);
  });
});
