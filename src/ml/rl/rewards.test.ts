import { describe, expect, it } from 'vitest';
import { makeReward, type RewardStep } from './rewards.ts';

const step = (prevEquity: number, equity: number, traded = 0, commission = 0): RewardStep => ({ prevEquity, equity, traded, commission });

describe('rewards', () => {
  it('pnl is the equity change, scaled', () => {
    const r = makeReward({ kind: 'pnl', scale: 0.01 });
    r.reset(100);
    expect(r.reward(step(100, 103))).toBeCloseTo(0.03, 12);
    expect(r.reward(step(103, 101))).toBeCloseTo(-0.02, 12);
  });

  it('cost-aware subtracts a penalty per unit of value traded', () => {
    const r = makeReward({ kind: 'cost-aware', turnoverPenalty: 0.002 });
    r.reset(1000);
    // Bought 500 worth, equity rose 4: 4 - 0.002 * 500 = 3.
    expect(r.reward(step(1000, 1004, 500, 0.5))).toBeCloseTo(3, 12);
  });

  it('drawdown penalizes each new low below the peak, not the recovery', () => {
    const r = makeReward({ kind: 'drawdown', penalty: 2 });
    r.reset(100);
    const path = [110, 104, 101, 105, 100, 112];
    let prev = 100;
    const got = path.map((e) => {
      const v = r.reward(step(prev, e));
      prev = e;
      return v;
    });
    // Peaks 110 then 112; drawdown 0, 6, 9, 5, 10, 0 -> increases 0, 6, 3, 0, 5, 0.
    expect(got).toEqual([10, -6 - 12, -3 - 6, 4, -5 - 10, 12]);
  });

  it('differential Sharpe follows Moody & Saffell step by step (hand-computed)', () => {
    const eta = 0.5;
    const r = makeReward({ kind: 'differential-sharpe', eta });
    r.reset(100);
    // Returns 0.1, -0.05, 0.02.
    // t1: A=B=0, variance 0 -> D = 0; A = 0.05, B = 0.005.
    expect(r.reward(step(100, 110))).toBe(0);
    // t2: R = -0.05; dA = -0.1, dB = 0.0025 - 0.005 = -0.0025; var = 0.005 - 0.0025 = 0.0025
    //     D = (0.005 * -0.1 - 0.5 * 0.05 * -0.0025) / 0.0025^1.5 = (-0.0005 + 0.0000625) / 0.000125 = -3.5
    //     A = 0.05 - 0.05 = 0, B = 0.005 - 0.00125 = 0.00375.
    expect(r.reward(step(110, 104.5))).toBeCloseTo(-3.5, 9);
    // t3: R = 0.02; dA = 0.02, dB = 0.0004 - 0.00375 = -0.00335; var = 0.00375
    //     D = (0.00375 * 0.02 - 0) / 0.00375^1.5
    expect(r.reward(step(104.5, 104.5 * 1.02))).toBeCloseTo((0.00375 * 0.02) / 0.00375 ** 1.5, 9);
  });

  it('differential Sharpe is positive for a return above the moving mean when the mean is positive', () => {
    const r = makeReward({ kind: 'differential-sharpe', eta: 0.1 });
    r.reset(100);
    let e = 100;
    for (const x of [0.01, -0.005, 0.012, 0.003, -0.002]) {
      r.reward(step(e, e * (1 + x)));
      e *= 1 + x;
    }
    expect(r.reward(step(e, e * 1.03))).toBeGreaterThan(0);
    expect(r.reward(step(e, e * 0.97))).toBeLessThan(0);
  });
});
