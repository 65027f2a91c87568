import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from '../../core/time.ts';
import { Rng } from '../../core/rng.ts';
import { BacktestNode } from '../../engine/backtest-node.ts';
import { BarSeries } from '../../model/bar.ts';
import { T0 } from '../../../test/helpers/bars.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { PairsTrading } from './pairs.ts';

// X is a random walk; log Y = 0.5 + 0.8 log X + noise (sd 0.003), so the pair is cointegrated. On bars
// 100-104 Y is 3% rich (10 noise sds); from bar 105 the spread is back to noise.
const N = 130;
const day = (i: number) => T0 + i * MS_PER_DAY;

function pair(opts: { seed?: number; cointegrated?: boolean; shock?: number } = {}): [BarSeries, BarSeries] {
  const rng = new Rng(opts.seed ?? 4);
  const shock = opts.shock ?? 0.03;
  let lx = Math.log(100);
  let ly = Math.log(60);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < N; i++) {
    lx += 0.01 * rng.normal();
    ly += 0.01 * rng.normal(); // only used when not cointegrated
    const noise = 0.003 * rng.normal() + (i >= 100 && i < 105 ? shock : 0);
    xs.push(Math.exp(lx));
    ys.push(Math.exp((opts.cointegrated ?? true ? 0.5 + 0.8 * lx : ly) + noise));
  }
  const mk = (sym: string, c: number[]) => BarSeries.fromBars(sym, c.map((v, i) => ({ tsEventMs: day(i), open: v, high: v, low: v, close: v, volume: 1e6 })), MS_PER_DAY);
  return [mk('Y', ys), mk('X', xs)];
}

// Entry at 3 sds: with this seed the noise alone never gets there, only the shock does.
const P = { window: 60, reestimate: 20, pValue: 0.05, zWindow: 20, entry: 3, exit: 0.5, legPct: 45 };

function run(series: readonly BarSeries[], params: Record<string, unknown> = P, accountType: 'cash' | 'margin' = 'margin') {
  const strategy = new PairsTrading(parseStrategyConfig('pairs', builtinStrategy('pairs')!, params) as PairsTrading['config']);
  const out = new BacktestNode({ series, strategies: [{ strategy }], accountType }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  return { strategy, kernel: out.kernel, fills: out.kernel.fills.map((f) => [f.symbol, f.side, (f.tsMs - T0) / MS_PER_DAY, f.qty, f.price] as const) };
}

describe('pairs', () => {
  it('sells the spread when Y turns rich (signal bar 100, filled 101) and closes when it is back (signal 105, filled 106)', () => {
    const r = run(pair());
    expect(r.fills.map((f) => [f[0], f[1], f[2]])).toEqual([
      ['Y', 'sell', 101],
      ['X', 'buy', 101],
      ['Y', 'buy', 106],
      ['X', 'sell', 106],
    ]);
    // Estimated every 20 aligned bars from the 60th; cointegrated before the shock, hedge ratio near 0.8.
    expect(r.strategy.estimates.map((e) => (e.tsMs - T0) / MS_PER_DAY)).toEqual([59, 79, 99, 119]);
    for (const e of r.strategy.estimates.slice(0, 3)) {
      expect(e.pValue).toBeLessThan(0.05);
      expect(e.hedgeRatio).toBeGreaterThan(0.6);
      expect(e.hedgeRatio).toBeLessThan(1);
    }
  });

  it('buys the spread when Y turns cheap', () => {
    const r = run(pair({ shock: -0.03 }));
    expect(r.fills.map((f) => [f[0], f[1], f[2]])).toEqual([
      ['Y', 'buy', 101], // fills come in feed order: Y's bar is matched first
      ['X', 'sell', 101],
      ['Y', 'sell', 106],
      ['X', 'buy', 106],
    ]);
  });

  it('sizes dollar-neutral legs of legPct % of equity at the signal close', () => {
    const data = pair();
    const r = run(data);
    const [y, x] = r.fills;
    expect(y![3]).toBe(Math.floor(45_000 / data[0].close[100]!));
    expect(x![3]).toBe(Math.floor(45_000 / data[1].close[100]!));
  });

  it('acts once per timestamp whatever the feed order: the same fills with X listed first', () => {
    const [y, x] = pair();
    const a = run([y, x], { ...P, symbols: 'Y,X' });
    const b = run([x, y], { ...P, symbols: 'Y,X' });
    const sorted = (f: typeof a.fills) => [...f].sort((p, q) => p[2] - q[2] || p[0].localeCompare(q[0]));
    expect(a.fills).toHaveLength(4);
    expect(sorted(b.fills)).toEqual(sorted(a.fills));
    expect(b.strategy.estimates).toEqual(a.strategy.estimates);
  });

  it('skips timestamps only one symbol has', () => {
    const [y, x] = pair();
    const gappy = BarSeries.fromBars('X', Array.from({ length: N }, (_, i) => x.at(i)).filter((_, i) => i !== 30), MS_PER_DAY);
    const r = run([y, gappy]);
    // One aligned bar fewer before each estimate: they move one bar later.
    expect(r.strategy.estimates.map((e) => (e.tsMs - T0) / MS_PER_DAY)).toEqual([60, 80, 100, 120]);
    expect(r.fills.map((f) => [f[0], f[1], f[2]])).toEqual([
      ['Y', 'sell', 101],
      ['X', 'buy', 101],
      ['Y', 'buy', 106],
      ['X', 'sell', 106],
    ]);
  });

  it('does not trade a pair that is not cointegrated, however wide the spread', () => {
    const r = run(pair({ cointegrated: false, shock: 0.1 }));
    expect(r.strategy.estimates.length).toBe(4);
    for (const e of r.strategy.estimates) expect(e.pValue).toBeGreaterThanOrEqual(0.05);
    expect(r.fills).toEqual([]);
  });

  it('in a cash account the short leg is denied once, the long leg is never sent', () => {
    const r = run(pair(), P, 'cash');
    expect(r.fills).toEqual([]);
    expect(r.kernel.rejections.map((x) => [x.symbol, x.side, x.status])).toEqual([['Y', 'sell', 'denied']]);
  });

  it('when the long leg is denied at submission the short leg is canceled', () => {
    // Leverage 1 and legs of 60% of equity: the second leg exceeds what the first left of the buying power.
    const strategy = new PairsTrading(parseStrategyConfig('pairs', builtinStrategy('pairs')!, { ...P, legPct: 60 }) as PairsTrading['config']);
    const out = new BacktestNode({ series: pair(), strategies: [{ strategy }], accountType: 'margin', leverage: 1 }).run();
    expect(out.kernel.fills.toArray()).toEqual([]);
    expect(out.kernel.rejections.map((x) => [x.symbol, x.side, x.status])).toEqual([['X', 'buy', 'denied']]);
    expect(out.kernel.orders.map((o) => [o.symbol, o.status])).toEqual([
      ['Y', 'canceled'],
      ['X', 'denied'],
    ]);
  });

  it('when a leg is rejected at fill time, the other leg is closed at the next bar', () => {
    // X gaps up 5% at the open of bar 101: with leverage 1 and 49% legs, the X buy no longer fits.
    const [y, x] = pair();
    x.open[101] = x.high[101] = x.close[100]! * 1.05;
    const strategy = new PairsTrading(parseStrategyConfig('pairs', builtinStrategy('pairs')!, { ...P, legPct: 49 }) as PairsTrading['config']);
    const out = new BacktestNode({ series: [y, x], strategies: [{ strategy }], accountType: 'margin', leverage: 1 }).run();
    expect(out.kernel.rejections.map((r) => [r.symbol, r.side, r.status, (r.tsMs - T0) / MS_PER_DAY])).toEqual([['X', 'buy', 'rejected', 101]]);
    expect(out.kernel.fills.map((f) => [f.symbol, f.side, (f.tsMs - T0) / MS_PER_DAY])).toEqual([
      ['Y', 'sell', 101],
      ['Y', 'buy', 102],
    ]);
  });

  it('needs two symbols', () => {
    const [y] = pair();
    const strategy = new PairsTrading(PairsTrading.schema.parse({}));
    const out = new BacktestNode({ series: [y], strategies: [{ strategy }] }).run();
    expect(out.kernel.strategyErrors[0]?.message).toMatch(/pairs needs two symbols/);
    expect(() => parseStrategyConfig('pairs', builtinStrategy('pairs')!, { symbols: 'A,A' })).toThrow(/differ/);
    expect(() => parseStrategyConfig('pairs', builtinStrategy('pairs')!, { zWindow: 80 })).toThrow(/zWindow/);
  });
});
