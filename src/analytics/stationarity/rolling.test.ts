import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { ols } from './ols.ts';
import { rollingHedgeRatio, spreadZScore } from './rolling.ts';

/** Prices far from zero with a drifting hedge ratio: the setting where running sums cancel. */
function pair(seed: number, n: number, offset: number): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let level = offset;
  for (let i = 0; i < n; i++) {
    level += rng.normal();
    x[i] = level;
    y[i] = 10 + (1.2 + 0.3 * Math.sin(i / 50)) * level + 0.5 * rng.normal();
  }
  return { x, y };
}

/**
 * Two-pass mean and std of one window, on values shifted by the window's first value (an exact
 * subtraction for nearby floats), so the reference itself does not lose digits to large levels.
 */
function windowMeanStd(v: ArrayLike<number>, end: number, w: number, ddof: number): [number, number] {
  const v0 = v[end - w + 1]!;
  let m = 0;
  for (let i = end - w + 1; i <= end; i++) m += v[i]! - v0;
  m /= w;
  let s = 0;
  for (let i = end - w + 1; i <= end; i++) s += (v[i]! - v0 - m) ** 2;
  return [v0 + m, Math.sqrt(s / (w - ddof))];
}

/** OLS of one window on shifted data (exact subtractions), mapped back to the original levels. */
function windowOls(y: Float64Array, x: Float64Array, end: number, w: number): { beta: number; alpha: number } {
  const x0 = x[end - w + 1]!;
  const y0 = y[end - w + 1]!;
  const xs = x.slice(end - w + 1, end + 1).map((v) => v - x0);
  const ys = y.slice(end - w + 1, end + 1).map((v) => v - y0);
  const r = ols(ys, [xs]);
  const beta = r.params[1]!;
  return { beta, alpha: y0 + r.params[0]! - beta * x0 };
}

describe('rollingHedgeRatio', () => {
  it('equals OLS with a constant on each trailing window, even for prices near 1e6', () => {
    for (const offset of [100, 1e6]) {
      const { x, y } = pair(1, 700, offset);
      const w = 60;
      const { hedgeRatio, intercept } = rollingHedgeRatio(y, x, w);
      let worstBeta = 0;
      let worstAlpha = 0;
      for (let t = w - 1; t < 700; t++) {
        const r = windowOls(y, x, t, w);
        worstBeta = Math.max(worstBeta, Math.abs(hedgeRatio[t]! - r.beta) / Math.abs(r.beta));
        worstAlpha = Math.max(worstAlpha, Math.abs(intercept[t]! - r.alpha) / Math.max(1, Math.abs(r.alpha)));
      }
      expect(worstBeta).toBeLessThan(1e-10);
      expect(worstAlpha).toBeLessThan(1e-10);
    }
  });

  it('is NaN during warm-up and defined from index window - 1', () => {
    const { x, y } = pair(2, 50, 100);
    const { hedgeRatio, intercept } = rollingHedgeRatio(y, x, 20);
    for (let t = 0; t < 19; t++) {
      expect(hedgeRatio[t]).toBeNaN();
      expect(intercept[t]).toBeNaN();
    }
    expect(Number.isFinite(hedgeRatio[19]!)).toBe(true);
  });

  it('uses no future data: a truncated input gives the same prefix', () => {
    const { x, y } = pair(3, 400, 100);
    const full = rollingHedgeRatio(y, x, 30).hedgeRatio;
    const cut = rollingHedgeRatio(y.subarray(0, 250), x.subarray(0, 250), 30).hedgeRatio;
    for (let t = 29; t < 250; t++) expect(Math.abs(cut[t]! - full[t]!)).toBeLessThan(1e-12);
  });

  it('is NaN while a non-finite value is in the window and recovers after it leaves', () => {
    const { x, y } = pair(4, 200, 100);
    y[100] = NaN;
    const { hedgeRatio } = rollingHedgeRatio(y, x, 25);
    for (let t = 100; t < 125; t++) expect(hedgeRatio[t]).toBeNaN();
    const r = ols(y.subarray(101, 126), [x.subarray(101, 126)]);
    expect(hedgeRatio[125]).toBeCloseTo(r.params[1]!, 10);
    expect(Number.isFinite(hedgeRatio[99]!)).toBe(true);
  });

  it('is NaN where x does not move in the window', () => {
    const x = Float64Array.from({ length: 40 }, (_, i) => (i < 20 ? i : 20));
    const y = Float64Array.from({ length: 40 }, (_, i) => 2 * i);
    const { hedgeRatio } = rollingHedgeRatio(y, x, 10);
    expect(hedgeRatio[15]).toBeCloseTo(2, 12);
    expect(hedgeRatio[29]).toBeNaN();
    expect(hedgeRatio[39]).toBeNaN();
  });

  it('rejects a window below 2 and series of different lengths', () => {
    expect(() => rollingHedgeRatio([1, 2, 3], [1, 2, 3], 1)).toThrow(InputError);
    expect(() => rollingHedgeRatio([1, 2, 3], [1, 2], 2)).toThrow(InputError);
  });
});

describe('spreadZScore', () => {
  it('equals (s - mean) / sample std over each trailing window', () => {
    const rng = new Rng(5);
    let v = 5e5;
    const s = Float64Array.from({ length: 900 }, () => (v += 0.01 * rng.normal()));
    const w = 45;
    const z = spreadZScore(s, w);
    let worst = 0;
    for (let t = w - 1; t < s.length; t++) {
      const [m, sd] = windowMeanStd(s, t, w, 1);
      worst = Math.max(worst, Math.abs(z[t]! - (s[t]! - m) / sd));
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it('uses the population std with ddof 0', () => {
    const s = Float64Array.from({ length: 30 }, (_, i) => Math.sin(i));
    const z0 = spreadZScore(s, 10, { ddof: 0 });
    const [m, sd] = windowMeanStd(s, 20, 10, 0);
    expect(z0[20]).toBeCloseTo((s[20]! - m) / sd, 12);
  });

  it('is NaN during warm-up and on a flat window, and finite again once the spread moves', () => {
    const s = Float64Array.from({ length: 30 }, (_, i) => (i >= 10 && i < 20 ? 7 : i * 0.5));
    const z = spreadZScore(s, 5);
    for (let t = 0; t < 4; t++) expect(z[t]).toBeNaN();
    expect(Number.isFinite(z[8]!)).toBe(true);
    for (let t = 14; t < 20; t++) expect(z[t]).toBeNaN();
    expect(Number.isFinite(z[20]!)).toBe(true);
  });

  it('rejects ddof other than 0 or 1 and a window below 2', () => {
    expect(() => spreadZScore([1, 2, 3], 2, { ddof: 2 as unknown as 1 })).toThrow(InputError);
    expect(() => spreadZScore([1, 2, 3], 1)).toThrow(InputError);
  });
});
