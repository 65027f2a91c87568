import { describe, expect, it } from 'vitest';
import { BacktestNode } from '../../engine/backtest-node.ts';
import { BarSeries, type Bar } from '../../model/bar.ts';
import { randomWalk, series, T0 } from '../../../test/helpers/bars.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { signalModel } from '../signal-models.ts';
import { averageCorrelation, CorrelationRegime, type CorrelationRegimeParams } from './correlation-regime.ts';

const params = (p: Record<string, unknown>): CorrelationRegimeParams =>
  parseStrategyConfig('correlation-regime', builtinStrategy('correlation-regime')!, p) as CorrelationRegimeParams;

// Log returns (in %) of three symbols. Phases 1 and 3: orthogonal period-4 patterns (Walsh functions),
// so every rolling 4-return correlation is 0. Phase 2 (returns 17-28): one common pattern, correlation 1.
const WALSH = [
  [1, -1, 1, -1],
  [1, 1, -1, -1],
  [1, -1, -1, 1],
];
const COMMON = [2, -1, 1, -2];
const N = 61;
const START = [100, 50, 200];

function returnsOf(sym: number, t: number): number {
  return (t >= 17 && t <= 28 ? COMMON[(t - 1) % 4]! : WALSH[sym]![(t - 1) % 4]!) / 100;
}

function basket(): BarSeries[] {
  return START.map((p0, s) => {
    const closes = [p0];
    for (let t = 1; t < N; t++) closes.push(closes[t - 1]! * Math.exp(returnsOf(s, t)));
    return series(closes.map((c) => [c, c, c, c] as const), { symbol: `S${s}` });
  });
}

/** An independent reading of the filter: per time t, average correlation, z-score and regime. */
function reference(data: readonly BarSeries[], window: number, lookback: number, enter: number, exit: number) {
  const out: { t: number; z: number; riskOn: boolean }[] = [];
  const hist: number[] = [];
  let riskOn = true;
  for (let t = window; t < data[0]!.length; t++) {
    const cols = data.map((s) => Array.from({ length: window }, (_, j) => Math.log(s.close[t - window + 1 + j]! / s.close[t - window + j]!)));
    let sum = 0;
    let pairs = 0;
    for (let a = 0; a < cols.length; a++) {
      for (let b = a + 1; b < cols.length; b++) {
        const x = cols[a]!;
        const y = cols[b]!;
        const mx = x.reduce((s, v) => s + v, 0) / window;
        const my = y.reduce((s, v) => s + v, 0) / window;
        const cov = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0);
        const vx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
        const vy = y.reduce((s, v) => s + (v - my) ** 2, 0);
        sum += vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : 0;
        pairs++;
      }
    }
    const c = sum / pairs;
    if (hist.length === lookback) {
      const m = hist.reduce((s, v) => s + v, 0) / lookback;
      const sd = Math.sqrt(hist.reduce((s, v) => s + (v - m) ** 2, 0) / lookback);
      const z = sd > 1e-9 ? (c - m) / sd : Math.abs(c - m) > 1e-9 ? Math.sign(c - m) * Infinity : 0;
      if (riskOn && z > enter) riskOn = false;
      else if (!riskOn && z < exit) riskOn = true;
      out.push({ t, z, riskOn });
      hist.shift();
    }
    hist.push(c);
  }
  return out;
}

function run(data: readonly BarSeries[], p: Record<string, unknown>, accountType: 'cash' | 'margin' = 'cash') {
  const strategy = new CorrelationRegime(params(p));
  const out = new BacktestNode({ series: data, strategies: [{ strategy }], accountType, cash: 100_000 }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  return { strategy, kernel: out.kernel, bar: (ts: number) => (ts - T0) / MS_PER_DAY };
}

describe('averageCorrelation', () => {
  it('is the mean of the pairwise Pearson correlations, flat columns counting 0', () => {
    // corr(a, b) = 5 / √(2 · 114/9) = r, corr(a, c) = -1, corr(b, c) = -r: the mean is -1/3.
    expect(averageCorrelation([[1, 2, 3], [2, 4, 7], [3, 2, 1]])).toBeCloseTo(-1 / 3, 12);
    expect(averageCorrelation([[1, 2, 3], [5, 5, 5]])).toBe(0);
  });
});

describe('correlation-regime', () => {
  const data = basket();
  const p = { window: 4, lookback: 8, enter: 2, exit: 0.5 };

  it('reads the average correlation and its z-score against its own history, as an independent computation does', () => {
    const { strategy, bar } = run(data, p);
    const ref = reference(data, 4, 8, 2, 0.5);
    expect(strategy.readings.map((r) => bar(r.tsMs))).toEqual(ref.map((r) => r.t));
    strategy.readings.forEach((r, i) => {
      expect(r.riskOn).toBe(ref[i]!.riskOn);
      if (Number.isFinite(ref[i]!.z)) expect(r.z).toBeCloseTo(ref[i]!.z, 9);
      else expect(r.z).toBe(ref[i]!.z);
    });
    // The first reading needs 4 returns and then 8 earlier averages: t = 12. The jump in correlation
    // at t = 17 against a flat history of zeros is risk-off at once.
    expect(bar(strategy.readings[0]!.tsMs)).toBe(12);
    expect(strategy.readings.filter((r) => !r.riskOn).map((r) => bar(r.tsMs))[0]).toBe(17);
  });

  it('holds an equal-weight basket while risk-on, sells it when correlation spikes and buys it back when it calms', () => {
    const { strategy, kernel, bar } = run(data, p);
    const off = strategy.readings.find((r) => !r.riskOn)!;
    const on = strategy.readings.find((r) => r.riskOn && r.tsMs > off.tsMs)!;
    // A lasting correlation of 1 becomes the norm of an 8-value history: at t = 27 the history is one
    // partly-common window (t = 19) and seven 1s, so z = (1/8)(1 - c19) / ((√7/8)(1 - c19)) = 1/√7 < exit.
    expect(bar(on.tsMs)).toBe(27);
    expect(on.z).toBeCloseTo(1 / Math.sqrt(7), 6);
    const closeAt = (s: number, t: number) => data[s]!.close[t]!;
    const qty = (s: number, t: number, equity: number) => Math.floor(((95 / 3 / 100) * equity) / closeAt(s, t));
    const tOff = bar(off.tsMs);
    const tOn = bar(on.tsMs);
    const fills = kernel.fills.map((f) => [f.symbol, f.side, bar(f.tsMs), f.qty]);
    const equityAtOn = 100_000 + [0, 1, 2].reduce((s, i) => s + qty(i, 12, 100_000) * (closeAt(i, tOff + 1) - closeAt(i, 13)), 0);
    expect(fills).toEqual([
      ...[0, 1, 2].map((i) => [`S${i}`, 'buy', 13, qty(i, 12, 100_000)]),
      ...[0, 1, 2].map((i) => [`S${i}`, 'sell', tOff + 1, qty(i, 12, 100_000)]),
      ...[0, 1, 2].map((i) => [`S${i}`, 'buy', tOn + 1, qty(i, tOn, equityAtOn)]),
    ]);
  });

  it('keeps riskOffExposure % of equity in the basket while risk-off instead of going flat', () => {
    const { strategy, kernel, bar } = run(data, { ...p, riskOffExposure: 30 });
    const tOff = bar(strategy.readings.find((r) => !r.riskOn)!.tsMs);
    const sells = kernel.fills.filter((f) => f.side === 'sell');
    expect(sells.map((f) => bar(f.tsMs))).toEqual([tOff + 1, tOff + 1, tOff + 1]);
    for (const s of sells) {
      const held = kernel.fills.toArray().find((f) => f.symbol === s.symbol && f.side === 'buy')!.qty;
      expect(held - s.qty).toBeGreaterThan(0.25 * held);
      expect(held - s.qty).toBeLessThan(0.4 * held);
    }
  });

  it('with a member model, holds only the symbols whose model says long', () => {
    const walks = [1, 2, 3].map((seed, i) => randomWalk(160, 40 + seed, { symbol: `R${i}` }));
    const model = { model: 'sma-cross', params: { fast: 3, slow: 8 } };
    const { strategy } = run(walks, { window: 10, lookback: 20, enter: 1.5, exit: 0, model: JSON.stringify(model) });
    const def = signalModel('sma-cross')!;
    const targets = walks.map((s) => {
      const m = def.create(def.schema.parse(model.params));
      const out = new Map<number, number>();
      for (let i = 0; i < s.length; i++) {
        const bar: Bar = { symbol: s.symbol, tsEventMs: s.time[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! };
        out.set(bar.tsEventMs, m.update(bar) ?? 0);
      }
      return out;
    });
    expect(strategy.readings.length).toBeGreaterThan(100);
    for (const r of strategy.readings) {
      const expected = r.riskOn ? walks.map((s, i) => (targets[i]!.get(r.tsMs)! > 0 ? s.symbol : '')).filter((x) => x !== '') : [];
      expect(r.held).toEqual(expected);
    }
    expect(new Set(strategy.readings.map((r) => r.held.join(','))).size).toBeGreaterThan(3);
  });

  it('needs two symbols and validates its params', () => {
    const one = new BacktestNode({ series: [data[0]!], strategies: [{ strategy: new CorrelationRegime(params(p)) }] }).run();
    expect(one.kernel.strategyErrors.map((e) => e.message)).toEqual([expect.stringMatching(/at least 2 symbols/)]);
    expect(params({})).toEqual({ window: 20, lookback: 120, enter: 2, exit: 0.5, exposure: 95, riskOffExposure: 0, model: '' });
    expect(params({ model: 'rsi' }).model).toEqual({ model: 'rsi', params: {} });
    expect(() => params({ exit: 3 })).toThrow(/exit/);
    expect(() => params({ model: 'nope' })).toThrow(/model/);
    expect(() => params({ model: '{"model":"rsi","params":{"period":0}}' })).toThrow(/rsi/);
  });
});
