// Unit tests of the pieces behind ctx.size and ctx.hedge: aligned returns, covariance, risk sizer maths.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { BarSeries } from '../model/bar.ts';
import type { Line } from '../strategies/context.ts';
import { sizers, type RiskSizer } from '../strategies/sizing.ts';
import { alignedReturns, covariance } from './ctx-returns.ts';
import { ercSizing, riskSizedQty } from './ctx-sizing.ts';
import { SeriesHistory } from './history.ts';

/** A history over closes at the given times, its cursor at bar `cursor`. */
function history(closes: readonly number[], times: readonly number[], cursor = closes.length - 1): SeriesHistory {
  const s = BarSeries.fromBars('S', closes.map((c, i) => ({ tsEventMs: times[i]!, open: c, high: c, low: c, close: c, volume: 1 })), 1);
  const h = new SeriesHistory(s);
  h.cursor = cursor;
  return h;
}
const t = (n: number): number[] => Array.from({ length: n }, (_, i) => i * 10);
const line = (v: number | null): Line => ({ value: v, ago: () => v });

describe('alignedReturns', () => {
  it('reads lookback simple returns ending at the latest time every symbol has reached', () => {
    const a = history([100, 110, 99, 108.9], t(4));
    const b = history([10, 20, 10, 40], t(4), 2); // one bar behind
    const r = alignedReturns(new Map([['A', a], ['B', b]]), 2, 'test')!;
    expect([...r['A']!].map((x) => +x.toFixed(12))).toEqual([0.1, -0.1]);
    expect([...r['B']!]).toEqual([1, -0.5]);
    expect(alignedReturns(new Map([['A', a], ['B', b]]), 3, 'test')).toBeNull();
  });

  it('refuses symbols whose bar times differ, naming the field', () => {
    const a = history([1, 2, 3], [0, 10, 20]);
    const b = history([1, 2, 3], [0, 15, 20]);
    let caught: unknown;
    try {
      alignedReturns(new Map([['A', a], ['B', b]]), 2, 'hedge');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).where.field).toBe('symbols');
  });

  it('covariance is the sample covariance (n − 1)', () => {
    expect(covariance([Float64Array.of(1, -1, 1, -1), Float64Array.of(2, -2, 2, -2)])).toEqual([[4 / 3, 8 / 3], [8 / 3, 16 / 3]]);
  });
});

describe('riskSizedQty', () => {
  const base = { equity: 100_000, price: 50, lotSize: 1, pointValue: 1, history: history([50, 55, 49.5, 54.45, 49.005], t(5)) };
  const qty = (s: ReturnType<typeof sizers.kelly>, over: Partial<typeof base> & { atr?: number | null } = {}): number =>
    riskSizedQty(s as RiskSizer, { ...base, ...over, atr: () => line(over.atr === undefined ? 2 : over.atr) });

  it('kelly: ⌊100 000 × 0.4 / 50⌋ = 800; contracts cost price × multiplier; lots floor', () => {
    expect(qty(sizers.kelly({ winRate: 0.6, payoffRatio: 2 }))).toBe(800);
    expect(qty(sizers.kelly({ winRate: 0.6, payoffRatio: 2 }), { pointValue: 10 })).toBe(80);
    expect(qty(sizers.kelly({ winRate: 0.6, payoffRatio: 2, cap: 0.25 }), { lotSize: 100 })).toBe(500);
  });

  it('volTarget: ±10% returns, std 0.11547, 5% target (periodsPerYear 1) → ⌊43 301.27 / 49.005⌋ = 883', () => {
    expect(qty(sizers.volTarget({ targetVol: 0.05, lookback: 4, periodsPerYear: 1 }), { price: 49.005 })).toBe(883);
    expect(qty(sizers.volTarget({ targetVol: 0.05, lookback: 5, periodsPerYear: 1 }))).toBe(0); // 5 returns need 6 bars
    expect(qty(sizers.volTarget({ targetVol: 0.05, lookback: 2 }), { history: history([50, 50, 50], t(3)) })).toBe(0); // no volatility
  });

  it('atrRisk: ⌊100 000 × 0.02 / (2.5 × 4)⌋ = 200; nothing before ATR is defined', () => {
    expect(qty(sizers.atrRisk({ riskFraction: 0.02, atrMultiple: 4 }), { atr: 2.5 })).toBe(200);
    expect(qty(sizers.atrRisk({ riskFraction: 0.02 }), { atr: null })).toBe(0);
  });
});

describe('ercSizing', () => {
  it('three assets moving together at 1%, 2% and 4% a bar: weights ∝ 1 / σ', () => {
    const mk = (k: number): SeriesHistory => {
      const c = [100];
      for (let i = 0; i < 8; i++) c.push(c[i]! * (1 + (i % 2 === 0 ? k : -k)));
      return history(c, t(9));
    };
    const r = ercSizing(['A', 'B', 'C'], new Map([['A', mk(0.01)], ['B', mk(0.02)], ['C', mk(0.04)]]), { lookback: 8 })!;
    // Perfectly correlated series: ERC weights are still inverse volatility: 4/7, 2/7, 1/7.
    expect(r.weights['A']).toBeCloseTo(4 / 7, 9);
    expect(r.weights['B']).toBeCloseTo(2 / 7, 9);
    expect(r.weights['C']).toBeCloseTo(1 / 7, 9);
    expect(r.sizer('C')).toEqual({ kind: 'pct-equity', pct: r.weights['C']! * 100 });
    expect(Object.isFrozen(r.weights)).toBe(true);
  });
});
