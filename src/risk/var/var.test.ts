import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { sampleCovariance, sampleStd } from './linalg.ts';
import { empiricalVarCvar, historicalVar, monteCarloVar, normalVarCvar, parametricVar, portfolioPnl } from './var.ts';

// One long position of 1000 whose PnL is 10, −20, 30, ..., −100: losses, worst first, are
// 100, 80, 60, 40, 20, −10, −30, −50, −70, −90.
const alternating = { A: [0.01, -0.02, 0.03, -0.04, 0.05, -0.06, 0.07, -0.08, 0.09, -0.1] };
const longA = [{ symbol: 'A', value: 1000 }];

describe('historical VaR and expected shortfall', () => {
  it('at 80% of 10 outcomes: VaR is the 3rd worst loss (60), ES the mean of the 2 worst (90)', () => {
    const r = historicalVar(longA, alternating, { confidence: 0.8 });
    expect(r.var).toBeCloseTo(60, 10);
    expect(r.cvar).toBeCloseTo(90, 10);
    expect(r).toMatchObject({ method: 'historical', samples: 10, horizonPeriods: 1 });
  });

  it('at 75%: the tail holds 2.5 outcomes, ES = (100 + 80 + 0.5 × 60) / 2.5 = 84', () => {
    const r = historicalVar(longA, alternating, { confidence: 0.75 });
    expect(r.var).toBeCloseTo(60, 10);
    expect(r.cvar).toBeCloseTo(84, 10);
  });

  it('at 90% VaR is the 2nd worst loss (80) and ES the worst (100); at 95% both are the worst loss', () => {
    expect(historicalVar(longA, alternating, { confidence: 0.9 })).toMatchObject({ var: expect.closeTo(80, 10), cvar: expect.closeTo(100, 10) });
    expect(historicalVar(longA, alternating, { confidence: 0.95 })).toMatchObject({ var: expect.closeTo(100, 10), cvar: expect.closeTo(100, 10) });
  });

  it('reports a short position’s losses on rallies', () => {
    // Short 1000: PnL −10, 20, −30, ...; losses worst first 90, 70, 50, ...
    const r = historicalVar([{ symbol: 'A', value: -1000 }], alternating, { confidence: 0.8 });
    expect(r.var).toBeCloseTo(50, 10);
    expect(r.cvar).toBeCloseTo(80, 10);
  });

  it('revalues a two-asset book period by period: PnL = Σ value × return', () => {
    const returns = { A: [0.01, -0.03, 0.02, -0.01], B: [0.02, -0.01, -0.04, 0.0] };
    const pos = [
      { symbol: 'A', value: 2000 },
      { symbol: 'B', value: -1000 },
    ];
    // PnL: 20 − 20 = 0; −60 + 10 = −50; 40 + 40 = 80; −20 − 0 = −20
    expect([...portfolioPnl(pos, returns)]).toEqual([0, -50, 80, -20]);
    // 50% of 4: tail 2, VaR = 3rd worst loss = 0, ES = (50 + 20) / 2 = 35
    const r = historicalVar(pos, returns, { confidence: 0.5 });
    expect(r.var).toBeCloseTo(0, 12);
    expect(r.cvar).toBeCloseTo(35, 12);
  });

  it('nets positions listed twice in one symbol', () => {
    const split = [
      { symbol: 'A', value: 600 },
      { symbol: 'A', value: 400 },
    ];
    expect(historicalVar(split, alternating, { confidence: 0.8 }).var).toBeCloseTo(60, 10);
  });

  it('expected shortfall is never below VaR', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        (pnl, c) => {
          const r = empiricalVarCvar(pnl, c);
          return r.cvar >= r.var - 1e-9 * Math.max(1, Math.abs(r.var));
        },
      ),
    );
  });

  it('rejects bad confidence, missing or misaligned histories and non-finite data', () => {
    expect(() => historicalVar(longA, alternating, { confidence: 1 })).toThrow(/confidence/);
    expect(() => historicalVar([{ symbol: 'Z', value: 1 }], alternating, { confidence: 0.9 })).toThrow(/no return history for Z/);
    expect(() => historicalVar([...longA, { symbol: 'B', value: 1 }], { ...alternating, B: [0.1] }, { confidence: 0.9 })).toThrow(InputError);
    expect(() => historicalVar(longA, { A: [0.1, NaN] }, { confidence: 0.9 })).toThrow(/not finite/);
    expect(() => historicalVar([], alternating, { confidence: 0.9 })).toThrow(/at least one position/);
  });
});

describe('parametric (normal) VaR', () => {
  // 10 000 in one asset with returns 2%, −1%, 3%, −2%, 1%: PnL 200, −100, 300, −200, 100,
  // mean 60, sample variance 172 000 / 4 = 43 000. z(99%) = 2.3263478740408408.
  const five = { A: [0.02, -0.01, 0.03, -0.02, 0.01] };
  const pos = [{ symbol: 'A', value: 10_000 }];

  it('is −μ + z σ and ES is −μ + σ φ(z) / (1 − c)', () => {
    const r = parametricVar(pos, five, { confidence: 0.99 });
    expect(r.var).toBeCloseTo(-60 + 2.3263478740408408 * Math.sqrt(43_000), 9); // 422.4017625748652
    expect(r.var).toBeCloseTo(422.4017625748652, 9);
    expect(r.cvar).toBeCloseTo(492.6705837425591, 9);
    expect(r).toMatchObject({ method: 'parametric', samples: 5 });
  });

  it('without the mean it is z σ', () => {
    expect(parametricVar(pos, five, { confidence: 0.99, includeMean: false }).var).toBeCloseTo(482.4017625748652, 9);
  });

  it('scales to a 10-period horizon with mean × 10 and σ × √10', () => {
    const r = parametricVar(pos, five, { confidence: 0.99, horizonPeriods: 10 });
    expect(r.var).toBeCloseTo(925.4883170163466, 8);
    expect(r.cvar).toBeCloseTo(1147.697840401312, 8);
  });

  it('uses the portfolio σ, equal to √(vᵀ Σ v) of the asset covariance', () => {
    const returns = { A: [0.01, -0.03, 0.02, -0.01, 0.005], B: [0.02, -0.01, -0.04, 0.0, 0.01] };
    const v = [3000, -1000];
    const cov = sampleCovariance([returns.A, returns.B]);
    const sigma = Math.sqrt(v[0]! ** 2 * cov[0]![0]! + 2 * v[0]! * v[1]! * cov[0]![1]! + v[1]! ** 2 * cov[1]![1]!);
    const pnl = portfolioPnl([{ symbol: 'A', value: 3000 }, { symbol: 'B', value: -1000 }], returns);
    expect(sampleStd(pnl)).toBeCloseTo(sigma, 12);
  });

  it('normalVarCvar at 95% of N(0, 1) is 1.6448536269514722 and ES φ(z)/0.05 = 2.0627128075074', () => {
    const r = normalVarCvar(0, 1, 0.95);
    expect(r.var).toBeCloseTo(1.6448536269514722, 14);
    expect(r.cvar).toBeCloseTo(2.062712807507416, 12);
  });
});

describe('Monte Carlo VaR', () => {
  const returns = {
    A: [0.012, -0.02, 0.015, -0.005, 0.03, -0.018, 0.004, 0.011, -0.027, 0.009, 0.02, -0.012],
    B: [0.008, -0.012, 0.02, 0.001, 0.012, -0.02, -0.004, 0.006, -0.015, 0.01, 0.004, -0.006],
    C: [-0.004, 0.006, -0.002, 0.003, -0.008, 0.007, 0.001, -0.003, 0.009, -0.002, -0.005, 0.004],
  };
  const pos = [
    { symbol: 'A', value: 50_000 },
    { symbol: 'B', value: 30_000 },
    { symbol: 'C', value: -20_000 },
  ];

  it('is reproducible: the same seed gives the same result, another seed a different one', () => {
    const a = monteCarloVar(pos, returns, { confidence: 0.99, simulations: 2000, seed: 7 });
    const b = monteCarloVar(pos, returns, { confidence: 0.99, simulations: 2000, seed: 7 });
    const c = monteCarloVar(pos, returns, { confidence: 0.99, simulations: 2000, seed: 8 });
    expect(a).toEqual(b);
    expect(c.var).not.toBe(a.var);
  });

  it('converges to the parametric normal VaR and ES of a linear book (200 000 scenarios, within 1%)', () => {
    for (const confidence of [0.95, 0.99]) {
      const mc = monteCarloVar(pos, returns, { confidence, simulations: 200_000, seed: 42 });
      const pa = parametricVar(pos, returns, { confidence });
      expect(Math.abs(mc.var / pa.var - 1)).toBeLessThan(0.01);
      expect(Math.abs(mc.cvar / pa.cvar - 1)).toBeLessThan(0.01);
      expect(mc.samples).toBe(200_000);
    }
  });

  it('keeps correlations: a book long A and short twice-A-returns B has no risk', () => {
    const a = returns.A;
    const twice = { A: a, B: a.map((x) => 2 * x) };
    const r = monteCarloVar(
      [
        { symbol: 'A', value: 1000 },
        { symbol: 'B', value: -500 },
      ],
      twice,
      { confidence: 0.99, simulations: 5000, includeMean: false },
    );
    expect(Math.abs(r.var)).toBeLessThan(1e-9);
  });

  it('scales with the horizon like the normal model', () => {
    const mc = monteCarloVar(pos, returns, { confidence: 0.99, simulations: 100_000, seed: 3, horizonPeriods: 10, includeMean: false });
    const pa = parametricVar(pos, returns, { confidence: 0.99, horizonPeriods: 10, includeMean: false });
    expect(Math.abs(mc.var / pa.var - 1)).toBeLessThan(0.015);
  });

  it('uses the revaluation function for each scenario when given', () => {
    // A payoff that loses 7 in every scenario, whatever the returns.
    const r = monteCarloVar(pos, returns, { confidence: 0.9, simulations: 100, revalue: () => -7 });
    expect(r.var).toBe(7);
    expect(r.cvar).toBe(7);
    // Revaluing linearly by hand gives the default result.
    const linear = monteCarloVar(pos, returns, {
      confidence: 0.9,
      simulations: 500,
      seed: 5,
      revalue: (r, symbols) => symbols.reduce((s, sym, i) => s + pos.find((p) => p.symbol === sym)!.value * r[i]!, 0),
    });
    const plain = monteCarloVar(pos, returns, { confidence: 0.9, simulations: 500, seed: 5 });
    expect(linear.var).toBeCloseTo(plain.var, 9);
  });

  it('rejects a non-integer number of simulations', () => {
    expect(() => monteCarloVar(pos, returns, { confidence: 0.99, simulations: 10.5 })).toThrow(/simulations/);
  });
});
