import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import {
  bsmBounds,
  bsmDelta,
  bsmGamma,
  bsmGreeks,
  bsmPrice,
  bsmPsi,
  bsmRho,
  bsmTheta,
  bsmThetaPerDay,
  bsmVega,
  bsmVegaPct,
  type BsmParams,
} from './bsm.ts';

const hull = { spot: 42, strike: 40, rate: 0.1, vol: 0.2, timeYears: 0.5 } as const;

/** Options with enough time and volatility for finite differences to be well conditioned. */
const arbParams = fc.record({
  right: fc.constantFrom<'call' | 'put'>('call', 'put'),
  spot: fc.double({ min: 50, max: 150, noNaN: true }),
  strike: fc.double({ min: 50, max: 150, noNaN: true }),
  timeYears: fc.double({ min: 0.05, max: 3, noNaN: true }),
  rate: fc.double({ min: -0.02, max: 0.1, noNaN: true }),
  dividendYield: fc.double({ min: 0, max: 0.08, noNaN: true }),
  vol: fc.double({ min: 0.05, max: 1, noNaN: true }),
});

const near = (a: number, b: number, rel: number, abs: number): boolean => Math.abs(a - b) <= Math.max(abs, rel * Math.abs(b));

describe('Black-Scholes-Merton prices', () => {
  it('reproduces Hull Example 15.6: call 4.76 and put 0.81 (S=42, K=40, r=10%, σ=20%, T=0.5)', () => {
    expect(bsmPrice({ ...hull, right: 'call' })).toBeCloseTo(4.76, 2);
    expect(bsmPrice({ ...hull, right: 'put' })).toBeCloseTo(0.81, 2);
  });

  it('satisfies put-call parity: C − P = S e^{−qT} − K e^{−rT}', () => {
    fc.assert(
      fc.property(
        arbParams,
        fc.double({ min: 0.001, max: 20, noNaN: true }), // also short and very long expiries
        (p, t) => {
          const q = { ...p, timeYears: t };
          const lhs = bsmPrice({ ...q, right: 'call' }) - bsmPrice({ ...q, right: 'put' });
          const rhs = q.spot * Math.exp(-q.dividendYield * t) - q.strike * Math.exp(-q.rate * t);
          return Math.abs(lhs - rhs) <= 1e-12 * (q.spot + q.strike);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('stays within the no-arbitrage bounds', () => {
    fc.assert(
      fc.property(arbParams, (p) => {
        const v = bsmPrice(p);
        const { lower, upper } = bsmBounds(p);
        return v >= lower - 1e-12 * (p.spot + p.strike) && v <= upper;
      }),
    );
  });

  it('values an option at expiry at its intrinsic value', () => {
    const base = { strike: 100, rate: 0.05, vol: 0.3, timeYears: 0 };
    expect(bsmPrice({ ...base, right: 'call', spot: 112.5 })).toBe(12.5);
    expect(bsmPrice({ ...base, right: 'call', spot: 90 })).toBe(0);
    expect(bsmPrice({ ...base, right: 'put', spot: 90 })).toBe(10);
    expect(bsmGreeks({ ...base, right: 'call', spot: 112.5 })).toMatchObject({ delta: 1, gamma: 0, vega: 0, rho: 0 });
    expect(bsmGreeks({ ...base, right: 'put', spot: 112.5 })).toMatchObject({ price: 0, delta: -0, gamma: 0, vega: 0 });
  });

  it('values a zero-volatility option at its discounted forward intrinsic value', () => {
    const p = { right: 'call', spot: 100, strike: 95, rate: 0.04, dividendYield: 0.01, vol: 0, timeYears: 2 } as const;
    expect(bsmPrice(p)).toBeCloseTo(100 * Math.exp(-0.02) - 95 * Math.exp(-0.08), 12);
    expect(bsmPrice({ ...p, right: 'put' })).toBe(0);
    expect(bsmDelta(p)).toBeCloseTo(Math.exp(-0.02), 15);
  });

  it('tends to the zero-volatility value as volatility vanishes', () => {
    const p = { right: 'put', spot: 100, strike: 110, rate: 0.03, vol: 1e-9, timeYears: 1 } as const;
    expect(bsmPrice(p)).toBeCloseTo(110 * Math.exp(-0.03) - 100, 10);
  });

  it('rejects invalid inputs with an InputError naming the field', () => {
    const ok: BsmParams = { right: 'call', spot: 100, strike: 100, rate: 0.01, vol: 0.2, timeYears: 1 };
    expect(() => bsmPrice({ ...ok, spot: 0 })).toThrow(InputError);
    expect(() => bsmPrice({ ...ok, strike: -1 })).toThrow(/strike/);
    expect(() => bsmPrice({ ...ok, vol: -0.1 })).toThrow(/vol/);
    expect(() => bsmPrice({ ...ok, timeYears: -1 })).toThrow(/timeYears/);
    expect(() => bsmPrice({ ...ok, rate: NaN })).toThrow(/rate/);
    expect(() => bsmPrice({ ...ok, right: 'straddle' as 'call' })).toThrow(/right/);
  });
});

describe('Black-Scholes-Merton Greeks', () => {
  it('delta, gamma, vega, theta, rho and psi equal central finite differences of the price', () => {
    fc.assert(
      fc.property(arbParams, (p) => {
        const price = (q: Partial<BsmParams>): number => bsmPrice({ ...p, ...q });
        const g = bsmGreeks(p);
        // Steps scale with S·σ√T, the distance over which the price curves.
        const width = p.spot * p.vol * Math.sqrt(p.timeYears);
        const hs = 1e-3 * width;
        const fdDelta = (price({ spot: p.spot + hs }) - price({ spot: p.spot - hs })) / (2 * hs);
        const hg = 1e-2 * width;
        const fdGamma = (price({ spot: p.spot + hg }) - 2 * price({}) + price({ spot: p.spot - hg })) / (hg * hg);
        const hv = 1e-5;
        const fdVega = (price({ vol: p.vol + hv }) - price({ vol: p.vol - hv })) / (2 * hv);
        const ht = 1e-6;
        const fdTheta = -(price({ timeYears: p.timeYears + ht }) - price({ timeYears: p.timeYears - ht })) / (2 * ht);
        const hr = 1e-6;
        const fdRho = (price({ rate: p.rate + hr }) - price({ rate: p.rate - hr })) / (2 * hr);
        const fdPsi = (price({ dividendYield: p.dividendYield + hr }) - price({ dividendYield: p.dividendYield - hr })) / (2 * hr);
        return (
          near(g.delta, fdDelta, 1e-5, 1e-7) &&
          near(g.gamma, fdGamma, 1e-4, 1e-6) &&
          near(g.vega, fdVega, 1e-6, 1e-6) &&
          near(g.theta, fdTheta, 1e-5, 1e-5) &&
          near(g.rho, fdRho, 1e-6, 1e-5) &&
          near(g.psi, fdPsi, 1e-6, 1e-5)
        );
      }),
      { numRuns: 500 },
    );
  });

  it('the single-Greek functions equal bsmGreeks', () => {
    fc.assert(
      fc.property(arbParams, (p) => {
        const g = bsmGreeks(p);
        return (
          g.price === bsmPrice(p) &&
          g.delta === bsmDelta(p) &&
          g.gamma === bsmGamma(p) &&
          g.vega === bsmVega(p) &&
          g.theta === bsmTheta(p) &&
          g.rho === bsmRho(p) &&
          g.psi === bsmPsi(p)
        );
      }),
    );
  });

  it('reports vega per vol point as vega / 100 and theta per calendar day as theta / 365', () => {
    const p = { ...hull, right: 'call' } as const;
    expect(bsmVegaPct(p)).toBe(bsmVega(p) / 100);
    expect(bsmThetaPerDay(p)).toBe(bsmTheta(p) / 365);
    expect(bsmThetaPerDay(p, 252)).toBe(bsmTheta(p) / 252);
    expect(bsmGreeks(p).vegaPct).toBe(bsmVega(p) / 100);
    expect(bsmGreeks(p).thetaPerDay).toBe(bsmTheta(p) / 365);
  });

  it('gives call and put the same gamma and vega, and deltas that differ by e^{−qT}', () => {
    fc.assert(
      fc.property(arbParams, (p) => {
        const c = bsmGreeks({ ...p, right: 'call' });
        const u = bsmGreeks({ ...p, right: 'put' });
        return (
          near(c.gamma, u.gamma, 1e-12, 1e-15) &&
          near(c.vega, u.vega, 1e-12, 1e-13) &&
          near(c.delta - u.delta, Math.exp(-p.dividendYield * p.timeYears), 1e-12, 1e-15)
        );
      }),
    );
  });

  it('matches Hull’s Greeks for the example option (delta 0.779, gamma 0.0500, vega 8.81)', () => {
    const g = bsmGreeks({ ...hull, right: 'call' });
    expect(g.delta).toBeCloseTo(0.779, 3);
    expect(g.gamma).toBeCloseTo(0.05, 3);
    expect(g.vega).toBeCloseTo(8.81, 2);
  });
});
