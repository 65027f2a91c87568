import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { normalCdf, normalPpf } from './stats.ts';
import { sharpeRatio } from './risk-ratios.ts';
import {
  deflatedSharpeRatio,
  EULER_GAMMA,
  expectedMaxSharpe,
  minTrackRecordLength,
  probabilisticSharpeRatio,
  sharpeMoments,
} from './sharpe-inference.ts';

const rng = new Rng(42);
const returns = Array.from({ length: 750 }, () => 0.0006 + 0.01 * rng.normal());

describe('probabilistic Sharpe ratio', () => {
  it('is one half when the benchmark equals the observed Sharpe ratio', () => {
    const sr = sharpeRatio(returns)!;
    expect(probabilisticSharpeRatio(returns, { benchmarkSharpe: sr })).toBeCloseTo(0.5, 12);
  });

  it('applies the Bailey–López de Prado formula with per-period SR and moments', () => {
    const m = sharpeMoments(returns)!;
    const z = (m.sharpe * Math.sqrt(m.n - 1)) / Math.sqrt(1 - m.skew * m.sharpe + ((m.kurtosis - 1) / 4) * m.sharpe ** 2);
    expect(probabilisticSharpeRatio(returns)).toBeCloseTo(normalCdf(z), 14);
    expect(m.sharpe * Math.sqrt(252)).toBeCloseTo(sharpeRatio(returns)!, 12);
  });

  it('falls as the benchmark Sharpe ratio rises', () => {
    const a = probabilisticSharpeRatio(returns, { benchmarkSharpe: 0 })!;
    const b = probabilisticSharpeRatio(returns, { benchmarkSharpe: 1 })!;
    const c = probabilisticSharpeRatio(returns, { benchmarkSharpe: 2 })!;
    expect(a).toBeGreaterThan(b);
    expect(b).toBeGreaterThan(c);
  });

  it('is null without enough data or volatility', () => {
    expect(probabilisticSharpeRatio([0.01, 0.02])).toBeNull();
    expect(probabilisticSharpeRatio([0, 0, 0, 0])).toBeNull();
  });
});

describe('deflated Sharpe ratio', () => {
  it('expects a maximum Sharpe ratio from the number and variance of trials', () => {
    const n = 1000;
    const v = 0.5;
    expect(expectedMaxSharpe(n, v)).toBeCloseTo(Math.sqrt(v) * ((1 - EULER_GAMMA) * normalPpf(1 - 1 / n) + EULER_GAMMA * normalPpf(1 - 1 / (n * Math.E))), 14);
    expect(expectedMaxSharpe(1, v)).toBe(0);
    expect(expectedMaxSharpe(10, 0)).toBe(0);
  });

  it('equals the plain PSR for a single trial and shrinks as trials grow', () => {
    const one = deflatedSharpeRatio(returns, { numTrials: 1, trialSharpeVariance: 1 });
    expect(one.dsr).toBeCloseTo(probabilisticSharpeRatio(returns)!, 14);
    const ten = deflatedSharpeRatio(returns, { numTrials: 10, trialSharpeVariance: 1 }).dsr!;
    const thousand = deflatedSharpeRatio(returns, { numTrials: 1000, trialSharpeVariance: 1 }).dsr!;
    expect(ten).toBeLessThan(one.dsr!);
    expect(thousand).toBeLessThan(ten);
  });

  it('rejects a trial count below one or a negative variance', () => {
    expect(() => expectedMaxSharpe(0, 1)).toThrow(InputError);
    expect(() => expectedMaxSharpe(5, -1)).toThrow(InputError);
  });
});

describe('minimum track record length', () => {
  it('is the length at which PSR reaches the confidence level', () => {
    const m = sharpeMoments(returns)!;
    const len = minTrackRecordLength(returns, { confidence: 0.9 })!;
    const z = (m.sharpe * Math.sqrt(len - 1)) / Math.sqrt(1 - m.skew * m.sharpe + ((m.kurtosis - 1) / 4) * m.sharpe ** 2);
    expect(normalCdf(z)).toBeCloseTo(0.9, 12);
  });

  it('is null when the Sharpe ratio does not beat the benchmark', () => {
    expect(minTrackRecordLength(returns.map((r) => -r))).toBeNull();
  });
});
