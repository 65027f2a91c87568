import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from '../../core/time.ts';
import { Rng } from '../../core/rng.ts';
import { BacktestNode } from '../../engine/backtest-node.ts';
import { BarSeries } from '../../model/bar.ts';
import { T0 } from '../../../test/helpers/bars.ts';
import { sScores } from '../math/sscore.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { StatArb } from './stat-arb.ts';

// Six stocks driven by one market factor (betas 0.8-1.3) plus a mean-reverting idiosyncratic part
// (AR(1), phi 0.5). On bars 75-79 stock A is pushed 8% up and stock B 8% down against the market;
// from bar 80 both are back. The seed is one where nothing else stands out at the rebalances.
const SYMBOLS = ['A', 'B', 'C', 'D', 'E', 'F'];
const T = 86;
const W = 60;
const SHOCK = [75, 80] as const;

function basket(seed = 148): BarSeries[] {
  const rng = new Rng(seed);
  const betas = [0.8, 1, 1.2, 0.9, 1.1, 1.3];
  const f = Array.from({ length: T }, () => 0.01 * rng.normal());
  const u = betas.map(() => {
    const x = new Float64Array(T);
    let v = 0;
    for (let t = 0; t < T; t++) x[t] = v = 0.5 * v + 0.005 * rng.normal();
    return x;
  });
  return betas.map((b, i) => {
    let m = 0;
    const bars = Array.from({ length: T }, (_, t) => {
      m += f[t]!;
      const shock = t >= SHOCK[0] && t < SHOCK[1] ? (i === 0 ? 0.08 : i === 1 ? -0.08 : 0) : 0;
      const c = Math.round(100 * Math.exp(b * m + u[i]![t]! + shock) * 100) / 100;
      return { tsEventMs: T0 + t * MS_PER_DAY, open: c, high: c, low: c, close: c, volume: 1e6 };
    });
    return BarSeries.fromBars(SYMBOLS[i]!, bars, MS_PER_DAY);
  });
}

/** s-scores computed directly from the closes of the `W` + 1 bars ending at bar t. */
function scoresAt(data: readonly BarSeries[], t: number): number[] {
  const returns = data.map((s) => Float64Array.from({ length: W }, (_, k) => s.close[t - W + 1 + k]! / s.close[t - W + k]! - 1));
  return sScores(returns, 1).map((x) => x.s);
}

const P = { window: W, factors: 1, rebalance: 5, entry: 1.25, exit: 0.5, gross: 100 };

function run(data: readonly BarSeries[], params: Record<string, unknown> = P, accountType: 'cash' | 'margin' = 'margin') {
  const strategy = new StatArb(parseStrategyConfig('stat-arb', builtinStrategy('stat-arb')!, params) as StatArb['config']);
  const out = new BacktestNode({ series: data, strategies: [{ strategy }], accountType }).run();
  return { strategy, kernel: out.kernel, fills: out.kernel.fills.map((f) => [f.symbol, f.side, (f.tsMs - T0) / MS_PER_DAY, f.qty, f.price] as const) };
}

describe('stat-arb', () => {
  const data = basket();

  it('the data does what the comments say: only A (rich) and B (cheap) pass the entry at bar 75, both are back at bar 80', () => {
    for (const t of [60, 65, 70]) expect(Math.max(...scoresAt(data, t).map(Math.abs))).toBeLessThan(1.25);
    const at75 = scoresAt(data, 75);
    expect(at75[0]!).toBeGreaterThan(1.25);
    expect(at75[1]!).toBeLessThan(-1.25);
    expect(Math.max(...at75.slice(2).map(Math.abs))).toBeLessThan(1.25);
    const at80 = scoresAt(data, 80);
    expect(at80[0]!).toBeLessThan(0.5);
    expect(at80[1]!).toBeGreaterThan(-0.5);
    expect(Math.max(...at80.slice(2).map(Math.abs))).toBeLessThan(1.25);
    expect(Math.max(...scoresAt(data, 85).map(Math.abs))).toBeLessThan(1.25);
  });

  it('rebalances every 5 bars from bar 60, shorts A and buys B at bar 75 (filled 76) and unwinds at bar 80 (filled 81)', () => {
    const r = run(data);
    expect(r.kernel.strategyErrors).toEqual([]);
    expect(r.strategy.rebalances.map((x) => (x.tsMs - T0) / MS_PER_DAY)).toEqual([60, 65, 70, 75, 80, 85]);
    expect(r.strategy.rebalances[3]).toMatchObject({ longs: ['B'], shorts: ['A'] });
    expect(r.fills.map((f) => [f[0], f[1], f[2]])).toEqual([
      ['A', 'sell', 76],
      ['B', 'buy', 76],
      ['A', 'buy', 81],
      ['B', 'sell', 81],
    ]);
    // The scores the strategy computed are the ones computed directly from the data.
    expect(Array.from(r.strategy.scores)).toEqual(scoresAt(data, 85));
  });

  it('is dollar-neutral: each side is gross/2 % of equity at the signal close, in whole shares', () => {
    const r = run(data);
    const [a, b] = r.fills;
    const closeA = data[0]!.close[75]!;
    const closeB = data[1]!.close[75]!;
    expect(a![3]).toBe(Math.floor(50_000 / closeA));
    expect(b![3]).toBe(Math.floor(50_000 / closeB));
    expect(Math.abs(a![3] * closeA - b![3] * closeB)).toBeLessThan(Math.max(closeA, closeB));
  });

  it('with only one side of candidates stays flat', () => {
    // Shock A only: B is not cheap enough, so there is no long to pair the short with.
    const onlyA = basket();
    const b = onlyA[1]!;
    for (let t = SHOCK[0]; t < SHOCK[1]; t++) {
      const c = Math.round((b.close[t]! / Math.exp(-0.08)) * 100) / 100;
      b.open[t] = b.high[t] = b.low[t] = b.close[t] = c;
    }
    const at75 = scoresAt(onlyA, 75);
    expect(at75[0]!).toBeGreaterThan(1.25);
    expect(Math.min(...at75.slice(1))).toBeGreaterThan(-1.25);
    const r = run(onlyA);
    expect(r.strategy.rebalances[3]).toMatchObject({ longs: [], shorts: [] });
    expect(r.fills).toEqual([]);
  });

  it('in a cash account the short leg is denied and the long leg is not sent', () => {
    const r = run(data, P, 'cash');
    expect(r.fills).toEqual([]);
    expect(r.kernel.rejections.map((x) => [x.symbol, x.side, x.status])).toEqual([['A', 'sell', 'denied']]);
  });

  it('stops with a clear error when the run has too few symbols for the factors', () => {
    const r = run(data.slice(0, 2));
    expect(r.kernel.strategyErrors[0]?.message).toMatch(/needs at least 3 symbols/);
  });
});
