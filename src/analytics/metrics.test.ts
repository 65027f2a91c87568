import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { MS_PER_DAY } from '../core/time.ts';
import { maxDrawdown, maxDrawdownDuration } from './drawdown.ts';
import { computeMetrics, type PerformanceMetrics } from './metrics.ts';
import { annualVolatility, cagr, returnsFromEquity } from './returns.ts';
import { sharpeRatio, sortinoRatio } from './risk-ratios.ts';

const days = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * MS_PER_DAY);

/** Equity curves built from realistic returns (−20 % … +20 %, often exactly flat). */
const curveArb = fc
  .array(
    fc.oneof(
      { arbitrary: fc.integer({ min: -20_000, max: 20_000 }).map((i) => i / 100_000), weight: 4 },
      { arbitrary: fc.constant(0), weight: 1 },
    ),
    { minLength: 0, maxLength: 120 },
  )
  .map((rs) => {
    const e = [1000];
    for (const r of rs) e.push(e[e.length - 1]! * (1 + r));
    return Float64Array.from(e);
  });

const RETURN_METRICS = ['totalReturn', 'cagr', 'annualVolatility', 'sharpe', 'sortino', 'maxDrawdown', 'calmar'] as const;

function same(a: number | null, b: number | null, digits: number): void {
  if (a === null || b === null) expect(a).toBe(b);
  else expect(a).toBeCloseTo(b, digits);
}

describe('computeMetrics', () => {
  it('agrees with the standalone metric functions', () => {
    fc.assert(
      fc.property(curveArb, fc.constantFrom(0, 0.03), (equity, rf) => {
        const time = days(equity.length);
        const m = computeMetrics({ timeMs: time, equity, periodsPerYear: 252, riskFreeRate: rf });
        const r = returnsFromEquity(equity);
        same(m.sharpe, sharpeRatio(r, { periodsPerYear: 252, riskFreeRate: rf }), 9);
        same(m.sortino, sortinoRatio(r, { periodsPerYear: 252, riskFreeRate: rf }), 9);
        same(m.cagr, cagr(time, equity), 12);
        same(m.maxDrawdown, maxDrawdown(equity), 14);
        const d = maxDrawdownDuration(time, equity);
        expect(m.maxDrawdownDurationBars).toBe(d.bars);
        expect(m.maxDrawdownDurationDays).toBe(d.days);
        if (m.annualVolatility !== 0) same(m.annualVolatility, annualVolatility(r, 252), 12);
      }),
    );
  });

  it('leaves return metrics unchanged when equity is scaled', () => {
    fc.assert(
      fc.property(curveArb, fc.double({ min: 1e-3, max: 1e4, noNaN: true }), (equity, k) => {
        const time = days(equity.length);
        const a = computeMetrics({ timeMs: time, equity, periodsPerYear: 252 });
        const b = computeMetrics({ timeMs: time, equity: equity.map((x) => x * k), periodsPerYear: 252 });
        for (const key of RETURN_METRICS) {
          const x = a[key];
          const y = b[key];
          if (x === null || y === null) continue; // scaling may move a value across the zero-volatility threshold
          expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x)));
        }
        expect(b.maxDrawdownDurationBars).toBe(a.maxDrawdownDurationBars);
      }),
    );
  });

  it('reports no drawdown for a rising curve', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 80 }), (steps) => {
        const e = [100];
        for (const s of steps) e.push(e[e.length - 1]! + s / 100);
        const m = computeMetrics({ timeMs: days(e.length), equity: Float64Array.from(e), periodsPerYear: 252 });
        expect(m.maxDrawdown).toBe(0);
        expect(m.maxDrawdownDurationBars).toBe(0);
        expect(m.maxDrawdownDurationDays).toBe(0);
        expect(m.calmar).toBeNull();
      }),
    );
  });

  it('keeps max drawdown in [−1, 0] and never emits NaN or Infinity', () => {
    fc.assert(
      fc.property(curveArb, (equity) => {
        const m = computeMetrics({ timeMs: days(equity.length), equity, trades: [] });
        expect(m.maxDrawdown!).toBeLessThanOrEqual(0);
        expect(m.maxDrawdown!).toBeGreaterThanOrEqual(-1);
        for (const [k, v] of Object.entries(m)) if (v !== null) expect(Number.isFinite(v), k).toBe(true);
      }),
    );
  });

  it('gives null ratios and zero volatility for a flat curve', () => {
    const m = computeMetrics({ timeMs: days(50), equity: new Float64Array(50).fill(1e5), periodsPerYear: 252 });
    expect(m).toMatchObject<Partial<PerformanceMetrics>>({ totalReturn: 0, cagr: 0, annualVolatility: 0, sharpe: null, sortino: null, maxDrawdown: 0, calmar: null });
    expect(m).toMatchObject({ tradeCount: 0, winRate: null, profitFactor: null, expectancy: null, exposure: 0, turnover: 0 });
  });

  it('handles a single bar', () => {
    const m = computeMetrics({ timeMs: [0], equity: [100] });
    expect(m).toMatchObject({ bars: 1, totalReturn: 0, cagr: null, annualVolatility: null, sharpe: null, maxDrawdown: 0, years: 0, turnover: null });
  });

  it('measures drawdown duration in bars and in calendar days', () => {
    // Weekly bars: a drawdown from bar 1 to its recovery at bar 4 lasts 3 bars and 21 days.
    const t = Float64Array.from({ length: 6 }, (_, i) => i * 7 * MS_PER_DAY);
    const m = computeMetrics({ timeMs: t, equity: [100, 110, 100, 105, 111, 112] });
    expect(m.periodsPerYear).toBe(52);
    expect(m.maxDrawdownDurationBars).toBe(3);
    expect(m.maxDrawdownDurationDays).toBe(21);
  });

  it('infers the periods per year from timestamps when not given', () => {
    const m = computeMetrics({ timeMs: days(400), equity: Float64Array.from({ length: 400 }, (_, i) => 100 + Math.sin(i)) });
    expect(m.periodsPerYear).toBe(365);
  });

  it('rejects misaligned, non-positive or unordered input', () => {
    expect(() => computeMetrics({ timeMs: days(3), equity: [1, 2] })).toThrow(InputError);
    expect(() => computeMetrics({ timeMs: days(2), equity: [1, 2], exposure: [1] })).toThrow(InputError);
    expect(() => computeMetrics({ timeMs: days(3), equity: [1, 0, 2] })).toThrow(InputError);
    expect(() => computeMetrics({ timeMs: [0, 2, 1], equity: [1, 2, 3] })).toThrow(InputError);
    expect(() => computeMetrics({ timeMs: days(2), equity: [1, 2], periodsPerYear: 0 })).toThrow(InputError);
  });
});
