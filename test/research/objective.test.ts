import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { allOf, parseConstraint, schemaConstraint } from '../../src/research/constraints.ts';
import { customObjective, parseObjective } from '../../src/research/objective.ts';
import type { TrialMetrics } from '../../src/research/types.ts';
import { SmaCross } from '../../src/strategies/builtin/sma-cross.ts';
import type { StrategyClass } from '../../src/strategies/strategy.ts';

const M: TrialMetrics = {
  finalValue: 130_000, totalReturn: 0.3, cagr: 0.05, annualVolatility: 0.2, sharpe: 0.8, sortino: 1.1, maxDrawdown: -0.25, calmar: 0.2,
  tradeCount: 12, periodsPerYear: 252, bars: 1000,
};

describe('objectives', () => {
  it('reads each built-in metric', () => {
    expect(['sharpe', 'sortino', 'calmar', 'total-return', 'cagr', 'final-value'].map((n) => parseObjective(n).score(M))).toEqual([0.8, 1.1, 0.2, 0.3, 0.05, 130_000]);
  });

  it('scores return@dd<cap only while the drawdown stays under the cap', () => {
    const o = parseObjective('return@dd<0.2');
    expect(o.name).toBe('total-return@dd<0.2');
    expect(o.score(M)).toBeNull();
    expect(o.score({ ...M, maxDrawdown: -0.19 })).toBe(0.3);
    expect(parseObjective('sharpe@dd<0.3').score(M)).toBe(0.8);
  });

  it('turns undefined or non-finite values into no score', () => {
    expect(parseObjective('sharpe').score({ ...M, sharpe: null })).toBeNull();
    expect(customObjective('ratio', (m) => m.totalReturn! / 0).score(M)).toBeNull();
    expect(customObjective('ret-per-trade', (m) => m.totalReturn! / m.tradeCount).score(M)).toBeCloseTo(0.025, 12);
  });

  it('rejects unknown objectives and bad caps, naming --objective', () => {
    for (const bad of ['profit', 'return@dd<2', 'return@vol<0.1', 'return@dd<']) expect(() => parseObjective(bad), bad).toThrow(/--objective/);
  });
});

describe('constraints', () => {
  it("uses the strategy schema's refine: fast must be shorter than slow", () => {
    const c = schemaConstraint(SmaCross as unknown as StrategyClass<object>);
    expect(c({ fast: 5, slow: 20 })).toBeNull();
    expect(c({ fast: 20, slow: 20 })).toMatch(/shorter/);
    expect(c({ fast: 2.5, slow: 20 })).toMatch(/fast/);
  });

  it('parses comparisons with arithmetic on params', () => {
    const c = parseConstraint('fast * 2 <= slow - 10', ['fast', 'slow']);
    expect(c({ fast: 10, slow: 30 })).toBeNull();
    expect(c({ fast: 11, slow: 30 })).toMatch(/violates/);
    expect(parseConstraint('lower+20<upper')({ lower: 30, upper: 50 })).toMatch(/violates/);
    expect(parseConstraint('a!=b')({ a: 1, b: 2 })).toBeNull();
    expect(allOf([parseConstraint('a<b'), parseConstraint('b<10')])({ a: 1, b: 12 })).toBe('violates b<10');
  });

  it('rejects malformed constraints and unknown names as ConfigError on --constraint', () => {
    for (const bad of ['fast slow', 'fast<', 'fast<sl0w$', 'fast<speed']) {
      expect(() => parseConstraint(bad, ['fast', 'slow']), bad).toThrow(ConfigError);
      expect(() => parseConstraint(bad, ['fast', 'slow']), bad).toThrow(/--constraint/);
    }
  });
});
