// Property tests: each tight batch loop equals folding its streaming indicator, bit for bit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atrBatch, bollingerBatch, emaBatch, foldBars, foldScalar, foldScalarMulti, macdBatch, rsiBatch, smaBatch, smmaBatch } from './batch.ts';
import { EMA, SMMA } from './ema.ts';
import { ExactSum } from './exact-sum.ts';
import { MACD } from './momentum.ts';
import { RSI } from './rsi.ts';
import { SMA } from './sma.ts';
import { ATR, Bollinger } from './volatility.ts';

/** Bit-level equality, NaN equal to NaN. */
function expectSame(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!(Object.is(a[i], b[i]) || (a[i] === 0 && b[i] === 0))) {
      throw new Error(`index ${i}: ${a[i]} vs ${b[i]}`);
    }
  }
}

/** Price-like series (a random walk) and adversarial ones (wide magnitudes, exact ties, zeros). */
const prices = fc
  .tuple(fc.double({ min: 1, max: 1e5, noNaN: true }), fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 0, maxLength: 200 }))
  .map(([p0, rs]) => {
    const xs = new Float64Array(rs.length + 1);
    xs[0] = p0;
    for (let i = 0; i < rs.length; i++) xs[i + 1] = xs[i]! * (1 + rs[i]!);
    return xs;
  });
const wild = fc
  .array(fc.oneof(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.constantFrom(0, 1e-9, 0.1, 0.2, 0.3, 1e8, -1e8)), { maxLength: 150 })
  .map((a) => Float64Array.from(a));
const series = fc.oneof(prices, wild);
const period = fc.integer({ min: 1, max: 40 });
const RUNS = { numRuns: 200 };

describe('batch loops equal the streaming fold', () => {
  it('smaBatch equals folding SMA', () => {
    fc.assert(fc.property(series, period, (xs, p) => expectSame(smaBatch(xs, p), foldScalar(new SMA(p), xs))), RUNS);
  });

  it('emaBatch equals folding EMA', () => {
    fc.assert(fc.property(series, period, (xs, p) => expectSame(emaBatch(xs, p), foldScalar(new EMA(p), xs))), RUNS);
  });

  it('smmaBatch equals folding SMMA', () => {
    fc.assert(fc.property(series, period, (xs, p) => expectSame(smmaBatch(xs, p), foldScalar(new SMMA(p), xs))), RUNS);
  });

  it('rsiBatch equals folding RSI', () => {
    fc.assert(fc.property(series, period, (xs, p) => expectSame(rsiBatch(xs, p), foldScalar(new RSI(p), xs))), RUNS);
  });

  it('macdBatch equals folding MACD', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 12 }), (xs, f, d, g) => {
        const b = macdBatch(xs, f, f + d, g);
        const s = foldScalarMulti(new MACD(f, f + d, g), xs, ['macd', 'signal', 'histogram'] as const);
        expectSame(b.macd, s.macd);
        expectSame(b.signal, s.signal);
        expectSame(b.histogram, s.histogram);
      }),
      RUNS,
    );
  });

  it('atrBatch equals folding ATR', () => {
    fc.assert(
      fc.property(prices, fc.array(fc.double({ min: 0, max: 0.03, noNaN: true }), { minLength: 201, maxLength: 201 }), period, (close, spread, p) => {
        const n = close.length;
        const high = close.map((c, i) => c * (1 + spread[i]!));
        const low = close.map((c, i) => c * (1 - spread[(i + 7) % n]!));
        const cols = { high, low, close, volume: new Float64Array(n) };
        expectSame(atrBatch(high, low, close, p), foldBars(new ATR(p), cols));
      }),
      RUNS,
    );
  });

  it('bollingerBatch equals folding Bollinger', () => {
    fc.assert(
      fc.property(series, period, fc.double({ min: 0, max: 4, noNaN: true }), (xs, p, k) => {
        const b = bollingerBatch(xs, p, k);
        const s = foldScalarMulti(new Bollinger(p, k), xs, ['upper', 'middle', 'lower'] as const);
        expectSame(b.upper, s.upper);
        expectSame(b.middle, s.middle);
        expectSame(b.lower, s.lower);
      }),
      RUNS,
    );
  });

  it('smaBatch equals fsum(window) / period, computed independently, on every kind of series', () => {
    const reference = (xs: Float64Array, p: number): Float64Array =>
      xs.map((_, i) => {
        if (i + 1 < p) return NaN;
        const e = new ExactSum();
        for (let j = i + 1 - p; j <= i; j++) e.add(xs[j]!);
        return e.value() / p;
      });
    const mixed = fc
      .array(fc.oneof(fc.double({ min: 1e-300, max: 1e-290, noNaN: true }), fc.double({ min: 1, max: 1e4, noNaN: true }), fc.constantFrom(0, -0, -5.5, 1e250, NaN, Infinity)), { maxLength: 120 })
      .map((a) => Float64Array.from(a));
    fc.assert(fc.property(fc.oneof(series, mixed), period, (xs, p) => expectSame(smaBatch(xs, p), reference(xs, p))), RUNS);
    // A price that grows a thousandfold and falls back re-scales on the way, in both directions.
    const swing = Float64Array.from({ length: 1400 }, (_, i) => Math.round(100 * 1.01 ** (700 - Math.abs(700 - i)) * 100) / 100);
    for (const p of [1, 3, 20, 33]) expectSame(smaBatch(swing, p), reference(swing, p));
  });

  it('smaBatch equals fsum(window) / period across the chunks of its hot loop (long series)', () => {
    // 10,000 points: the hot loop runs in chunks of 4,096; odd values (zero, a negative price, a jump
    // that re-scales) sit on and next to the chunk edges, and the price swings a thousandfold.
    const xs = Float64Array.from({ length: 10_000 }, (_, i) => 100 * 1.001 ** (5000 - Math.abs(5000 - i)) + Math.sin(i) / 7);
    for (const i of [4095, 4096, 4097, 8191]) xs[i] = 0;
    xs[4100] = -xs[4100]!;
    xs[8192] = xs[8192]! * 1e6;
    for (const p of [1, 7, 30]) {
      const ref = xs.map((_, i) => {
        if (i + 1 < p) return NaN;
        const e = new ExactSum();
        for (let j = i + 1 - p; j <= i; j++) e.add(xs[j]!);
        return e.value() / p;
      });
      expectSame(smaBatch(xs, p), ref);
      expectSame(smaBatch(xs, p), foldScalar(new SMA(p), xs));
    }
  });

  it('smaBatch stays exact where the running sum loses digits (fsum fallback)', () => {
    const xs = Float64Array.from([1e16, 1, 1, -1e16, 3, 1e-3, 0.1, 0.2, 0.3, 1e300, -1e300, 7, 0, 0, 0]);
    for (const p of [1, 2, 3, 4]) expectSame(smaBatch(xs, p), foldScalar(new SMA(p), xs));
    expect(smaBatch(Float64Array.from([0.1, 0.2, 0.3]), 3)[2]).toBe(0.6 / 3);
  });

  it('handles series shorter than the warm-up with all-NaN output', () => {
    const xs = Float64Array.from([1, 2, 3]);
    for (const out of [smaBatch(xs, 5), emaBatch(xs, 5), rsiBatch(xs, 3), macdBatch(xs, 2, 3, 2).signal]) {
      expect(Array.from(out).every(Number.isNaN)).toBe(true);
    }
    expect(smaBatch(new Float64Array(0), 3).length).toBe(0);
  });
});
