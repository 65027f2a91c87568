import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { bsmGreeks, type BsmParams } from './bsm.ts';
import { aggregateGreeks, type GreeksPosition } from './portfolio-greeks.ts';

const call: BsmParams = { right: 'call', spot: 100, strike: 105, rate: 0.03, dividendYield: 0.01, vol: 0.25, timeYears: 0.5 };
const put: BsmParams = { ...call, right: 'put', strike: 95 };

describe('aggregateGreeks', () => {
  it('gives a share a delta of 1 and no other Greek', () => {
    const g = aggregateGreeks([{ kind: 'underlying', underlying: 'SPY', qty: 250, spot: 400 }]);
    expect(g.total).toEqual({ value: 100_000, delta: 250, dollarDelta: 100_000, gamma: 0, vega: 0, vegaPct: 0, theta: 0, thetaPerDay: 0, rho: 0 });
  });

  it('sums Greek × quantity × multiplier over options and shares', () => {
    const c = bsmGreeks(call);
    const p = bsmGreeks(put);
    const positions: GreeksPosition[] = [
      { kind: 'option', underlying: 'XYZ', qty: 3, multiplier: 100, option: call },
      { kind: 'option', underlying: 'XYZ', qty: -2, multiplier: 100, option: put },
      { kind: 'underlying', underlying: 'XYZ', qty: -150, spot: 100 },
    ];
    const t = aggregateGreeks(positions).total;
    expect(t.delta).toBeCloseTo(300 * c.delta - 200 * p.delta - 150, 10);
    expect(t.gamma).toBeCloseTo(300 * c.gamma - 200 * p.gamma, 12);
    expect(t.vega).toBeCloseTo(300 * c.vega - 200 * p.vega, 10);
    expect(t.vegaPct).toBeCloseTo((300 * c.vega - 200 * p.vega) / 100, 12);
    expect(t.theta).toBeCloseTo(300 * c.theta - 200 * p.theta, 10);
    expect(t.thetaPerDay).toBeCloseTo((300 * c.theta - 200 * p.theta) / 365, 12);
    expect(t.rho).toBeCloseTo(300 * c.rho - 200 * p.rho, 10);
    expect(t.value).toBeCloseTo(300 * c.price - 200 * p.price - 15_000, 9);
    expect(t.dollarDelta).toBeCloseTo(t.delta * 100, 8);
  });

  it('is flat in delta when long calls are hedged with the matching short shares', () => {
    const c = bsmGreeks(call);
    const hedge = -10 * 100 * c.delta; // fractional shares, so exactly neutral
    const g = aggregateGreeks([
      { kind: 'option', underlying: 'XYZ', qty: 10, multiplier: 100, option: call },
      { kind: 'underlying', underlying: 'XYZ', qty: hedge, spot: call.spot },
    ]);
    expect(g.total.delta).toBeCloseTo(0, 10);
    expect(g.total.gamma).toBeGreaterThan(0);
  });

  it('keeps underlyings apart and adds them in the total', () => {
    const other: BsmParams = { ...call, spot: 50, strike: 50 };
    const g = aggregateGreeks([
      { kind: 'option', underlying: 'AAA', qty: 1, multiplier: 100, option: call },
      { kind: 'option', underlying: 'BBB', qty: -4, multiplier: 100, option: other },
      { kind: 'underlying', underlying: 'BBB', qty: 100, multiplier: 1, spot: 50 },
    ]);
    expect([...g.byUnderlying.keys()]).toEqual(['AAA', 'BBB']);
    const a = g.byUnderlying.get('AAA')!;
    const b = g.byUnderlying.get('BBB')!;
    expect(a.delta).toBeCloseTo(100 * bsmGreeks(call).delta, 10);
    expect(b.delta).toBeCloseTo(-400 * bsmGreeks(other).delta + 100, 10);
    expect(b.dollarDelta).toBeCloseTo(b.delta * 50, 8);
    expect(g.total.dollarDelta).toBeCloseTo(a.dollarDelta + b.dollarDelta, 8);
    expect(g.total.vega).toBeCloseTo(a.vega + b.vega, 10);
  });

  it('returns zeros for an empty portfolio', () => {
    const g = aggregateGreeks([]);
    expect(g.total.delta).toBe(0);
    expect(g.byUnderlying.size).toBe(0);
  });

  it('rejects a non-positive multiplier or spot', () => {
    expect(() => aggregateGreeks([{ kind: 'option', underlying: 'X', qty: 1, multiplier: 0, option: call }])).toThrow(InputError);
    expect(() => aggregateGreeks([{ kind: 'underlying', underlying: 'X', qty: 1, spot: 0 }])).toThrow(/spot/);
  });
});
