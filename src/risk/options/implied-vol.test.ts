import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import golden from '../../../test/golden/options/bsm.json' with { type: 'json' };
import { bsmPrice, bsmVega, type BsmParams, type OptionRight } from './bsm.ts';
import { impliedVol, solveImpliedVol } from './implied-vol.ts';

const hullCall = { right: 'call', spot: 42, strike: 40, rate: 0.1, timeYears: 0.5 } as const;

describe('implied volatility', () => {
  it('recovers 20% from Hull’s example call price', () => {
    const r = solveImpliedVol(bsmPrice({ ...hullCall, vol: 0.2 }), hullCall);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.vol).toBeCloseTo(0.2, 12);
      expect(r.iterations).toBeLessThanOrEqual(10);
    }
  });

  it('round-trips: the price at the implied vol is the input price, and the vol is recovered where vega is material', () => {
    fc.assert(
      fc.property(
        fc.record({
          right: fc.constantFrom<'call' | 'put'>('call', 'put'),
          spot: fc.double({ min: 1, max: 1000, noNaN: true }),
          moneyness: fc.double({ min: -1, max: 1, noNaN: true }),
          timeYears: fc.double({ min: 1 / 365, max: 10, noNaN: true }),
          rate: fc.double({ min: -0.02, max: 0.15, noNaN: true }),
          dividendYield: fc.double({ min: 0, max: 0.1, noNaN: true }),
          vol: fc.double({ min: 0.01, max: 4, noNaN: true }),
        }),
        ({ moneyness, ...rest }) => {
          const p: BsmParams = { ...rest, strike: rest.spot * Math.exp(moneyness) };
          const price = bsmPrice(p);
          const r = solveImpliedVol(price, p);
          const scale = p.spot + p.strike;
          if (!r.ok) {
            // Only a price indistinguishable from a bound may fail, and it must say which.
            return (r.reason === 'below-vol-range' || r.reason === 'below-intrinsic') && bsmVega(p) * p.vol < 1e-9 * scale;
          }
          const repriced = bsmPrice({ ...p, vol: r.vol });
          const priceOk = Math.abs(repriced - price) <= 1e-11 * scale;
          const vega = bsmVega(p);
          const volOk = vega < 1e-3 * p.spot || Math.abs(r.vol - p.vol) <= 1e-8 * Math.max(1, p.vol);
          return priceOk && volOk;
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('recovers the volatility of every golden case with material vega', () => {
    let checked = 0;
    for (const c of golden.bsm) {
      if (c.vega < 1e-3 * c.spot) continue;
      const p = { right: c.right as OptionRight, spot: c.spot, strike: c.strike, timeYears: c.timeYears, rate: c.rate, dividendYield: c.dividendYield };
      expect(impliedVol(c.price, p)).toBeCloseTo(c.vol, 9);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('returns null and says why for a price below the discounted intrinsic value', () => {
    // Call intrinsic 42 − 40 e^{−0.05} = 3.9508: a price of 3.5 is an arbitrage.
    expect(impliedVol(3.5, hullCall)).toBeNull();
    const r = solveImpliedVol(3.5, hullCall);
    expect(r).toMatchObject({ ok: false, reason: 'below-intrinsic' });
    if (!r.ok) expect(r.message).toMatch(/below the no-arbitrage lower bound/);
  });

  it('returns null for a price at or above the upper bound (S e^{−qT} for a call, K e^{−rT} for a put)', () => {
    expect(solveImpliedVol(42, hullCall)).toMatchObject({ ok: false, reason: 'above-upper-bound' });
    expect(solveImpliedVol(40 * Math.exp(-0.05), { ...hullCall, right: 'put' })).toMatchObject({ ok: false, reason: 'above-upper-bound' });
    expect(impliedVol(50, hullCall)).toBeNull();
  });

  it('returns null when the vol needed lies outside [1e-6, 5]', () => {
    const atm = { right: 'call', spot: 100, strike: 100, rate: 0, timeYears: 1 } as const;
    // Above 5: the 5-vol price is 98.76; 99.9 is still below the bound 100 but needs more.
    expect(solveImpliedVol(99.9, atm)).toMatchObject({ ok: false, reason: 'above-vol-range' });
    // A narrower range is honoured too.
    expect(solveImpliedVol(bsmPrice({ ...atm, vol: 0.5 }), atm, { volMax: 0.4 })).toMatchObject({ ok: false, reason: 'above-vol-range' });
    expect(solveImpliedVol(bsmPrice({ ...atm, vol: 0.05 }), atm, { volMin: 0.1 })).toMatchObject({ ok: false, reason: 'below-vol-range' });
  });

  it('cannot invert an option at expiry or a non-finite price', () => {
    expect(solveImpliedVol(1, { ...hullCall, timeYears: 0 })).toMatchObject({ ok: false, reason: 'expired' });
    expect(solveImpliedVol(NaN, hullCall)).toMatchObject({ ok: false, reason: 'not-finite' });
  });

  it('solves extreme but valid cases: deep in the money, long dated, very high vol', () => {
    const cases: BsmParams[] = [
      { right: 'call', spot: 100, strike: 40, rate: 0.05, timeYears: 0.25, vol: 0.6 },
      { right: 'put', spot: 100, strike: 100, rate: 0.02, dividendYield: 0.03, timeYears: 30, vol: 0.15 },
      { right: 'put', spot: 100, strike: 60, rate: 0.01, timeYears: 0.1, vol: 3.5 },
    ];
    for (const p of cases) expect(impliedVol(bsmPrice(p), p)).toBeCloseTo(p.vol, 8);
  });
});
