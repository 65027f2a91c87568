import { describe, expect, it } from 'vitest';
import golden from '../../../test/golden/options/bsm.json' with { type: 'json' };
import { bsmDelta, bsmGamma, bsmGreeks, bsmPrice, bsmPsi, bsmRho, bsmTheta, bsmVega, type BsmParams, type OptionRight } from './bsm.ts';

// Reference values computed independently with scipy.stats.norm (and checked there against mpmath):
// see test/golden/options/README.md.
const TOL = 1e-10;
const close = (got: number, want: number): boolean => Math.abs(got - want) <= Math.max(TOL, TOL * Math.abs(want));

const cases = golden.bsm.map((c) => ({
  params: {
    right: c.right as OptionRight,
    spot: c.spot,
    strike: c.strike,
    timeYears: c.timeYears,
    rate: c.rate,
    dividendYield: c.dividendYield,
    vol: c.vol,
  } satisfies BsmParams,
  want: c,
}));

describe('Black-Scholes-Merton against scipy reference values', () => {
  it('covers calls and puts, in/at/out of the money, short and long expiries and q > 0', () => {
    expect(cases.length).toBeGreaterThan(400);
    expect(cases.some((c) => c.params.right === 'put' && c.params.dividendYield > 0 && c.params.timeYears < 0.05)).toBe(true);
    expect(cases.some((c) => c.params.right === 'call' && c.params.spot < c.params.strike && c.params.timeYears >= 3)).toBe(true);
  });

  it('prices and every Greek agree within 1e-10 (absolute or relative)', () => {
    const bad: string[] = [];
    for (const { params, want } of cases) {
      const g = bsmGreeks(params);
      for (const k of ['price', 'delta', 'gamma', 'vega', 'theta', 'rho', 'psi'] as const) {
        if (!close(g[k], want[k])) bad.push(`${k} ${JSON.stringify(params)}: got ${g[k]}, want ${want[k]}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the single-Greek functions agree with the reference too', () => {
    for (const { params, want } of cases) {
      expect(close(bsmPrice(params), want.price)).toBe(true);
      expect(close(bsmDelta(params), want.delta)).toBe(true);
      expect(close(bsmGamma(params), want.gamma)).toBe(true);
      expect(close(bsmVega(params), want.vega)).toBe(true);
      expect(close(bsmTheta(params), want.theta)).toBe(true);
      expect(close(bsmRho(params), want.rho)).toBe(true);
      expect(close(bsmPsi(params), want.psi)).toBe(true);
    }
  });
});
