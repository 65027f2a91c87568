import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { calibratorFromState, fitIsotonic, fitPlatt } from './calibration.ts';
import { brierScore, logLoss } from './metrics.ts';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Raw scores p = sigmoid(z) whose true probability is sigmoid(a z + b). */
function miscalibrated(n: number, a: number, b: number, seed: number): { p: Float64Array; y: Float64Array; truth: Float64Array } {
  const rng = new Rng(seed);
  const p = new Float64Array(n);
  const y = new Float64Array(n);
  const truth = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = rng.normal() * 1.5;
    p[i] = sigmoid(z);
    truth[i] = sigmoid(a * z + b);
    y[i] = rng.next() < truth[i]! ? 1 : 0;
  }
  return { p, y, truth };
}

describe('Platt scaling', () => {
  it('recovers the slope and offset of a known miscalibration', () => {
    const { p, y } = miscalibrated(20000, 2, -1, 1);
    const c = fitPlatt(p, y);
    expect(c.a).toBeCloseTo(2, 1);
    expect(c.b).toBeCloseTo(-1, 1);
  });

  it('lowers log loss and Brier score on fresh rows', () => {
    const fit = miscalibrated(5000, 0.4, 0.8, 2);
    const test = miscalibrated(5000, 0.4, 0.8, 3);
    const c = fitPlatt(fit.p, fit.y);
    const cal = test.p.map((v) => c.apply(v));
    expect(logLoss(cal, test.y)).toBeLessThan(logLoss(test.p, test.y) - 0.02);
    expect(brierScore(cal, test.y)).toBeLessThan(brierScore(test.p, test.y));
  });

  it('stays finite on separable data', () => {
    const c = fitPlatt([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]);
    expect(Number.isFinite(c.a) && Number.isFinite(c.b)).toBe(true);
    expect(c.apply(0.9)).toBeLessThan(1);
  });
});

describe('isotonic regression', () => {
  it('pools adjacent violators (hand-worked example)', () => {
    // y = 0, 1, 0, 1, 1 at p = .1 .. .5: the 1, 0 pair pools to 0.5.
    const c = fitIsotonic([0.3, 0.1, 0.5, 0.2, 0.4], [0, 0, 1, 1, 1]);
    expect(Array.from(c.xs)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(Array.from(c.ys)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(c.apply(0.15)).toBeCloseTo(0.25, 15);
    expect(c.apply(0)).toBe(0);
    expect(c.apply(0.7)).toBe(1);
  });

  it('is non-decreasing and each block value is the weighted mean of its labels (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean(), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 60 }),
      (rows) => {
        const p = rows.map(([q]) => q / 20);
        const y = rows.map(([, b]): number => (b ? 1 : 0));
        const w = rows.map(([, , k]) => k);
        const c = fitIsotonic(p, y, w);
        for (let i = 1; i < c.ys.length; i++) expect(c.ys[i]!).toBeGreaterThanOrEqual(c.ys[i - 1]!);
        // The fit preserves the weighted mean of the labels.
        const fitted = p.map((v) => c.apply(v));
        const sw = w.reduce((a, b) => a + b, 0);
        const meanY = y.reduce((a, v, i) => a + v * w[i]!, 0) / sw;
        const meanFit = fitted.reduce((a, v, i) => a + v * w[i]!, 0) / sw;
        expect(meanFit).toBeCloseTo(meanY, 12);
      },
    ));
  });

  it('lowers the Brier score of miscalibrated scores on fresh rows', () => {
    const fit = miscalibrated(5000, 0.4, 0.8, 4);
    const test = miscalibrated(5000, 0.4, 0.8, 5);
    const c = fitIsotonic(fit.p, fit.y);
    expect(brierScore(test.p.map((v) => c.apply(v)), test.y)).toBeLessThan(brierScore(test.p, test.y) - 0.01);
  });

  it('round-trips through its saved state exactly', () => {
    const { p, y } = miscalibrated(300, 1, 0.3, 6);
    for (const c of [fitIsotonic(p, y), fitPlatt(p, y)]) {
      const back = calibratorFromState(c.method, JSON.parse(JSON.stringify(c.toState())));
      for (const v of [0, 0.013, 0.5, 0.77, 1]) expect(Object.is(back.apply(v), c.apply(v))).toBe(true);
    }
  });
});
