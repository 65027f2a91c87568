import { describe, expect, it } from 'vitest';
import { compareRuns, type CompareFill, type EquityPoint } from './compare.ts';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 2);
const fill = (h: number, side: 'buy' | 'sell', price: number, symbol = 'BTC/USDT', qty = 1): CompareFill => ({ symbol, side, tsMs: T0 + h * H, price, qty });
const curve = (...eq: number[]): EquityPoint[] => eq.map((equity, i) => ({ tsMs: T0 + i * H, equity }));
const curveFrom = (startH: number, ...eq: number[]): EquityPoint[] => eq.map((equity, i) => ({ tsMs: T0 + (startH + i) * H, equity }));

describe('compareRuns', () => {
  it('pairs each backtest fill with the nearest run fill of its symbol and side within the tolerance, and signs slippage against the run', () => {
    const run = [fill(0.1, 'buy', 101), fill(3.05, 'sell', 109), fill(5, 'buy', 100)];
    const bt = [fill(0, 'buy', 100, 'BTCUSDT'), fill(3, 'sell', 110, 'BTCUSDT'), fill(4, 'sell', 120, 'BTCUSDT')];
    const flat = curveFrom(-2, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000);
    const c = compareRuns({ fills: run, equity: flat }, { fills: bt, equity: flat }, 0.5 * H);
    expect(c.symbols).toEqual([{ run: 'BTC/USDT', backtest: 'BTCUSDT' }]);
    expect(c.pairs.map((p) => [p.side, p.runPrice, p.backtestPrice, +p.slippageBps.toFixed(6), p.delayMs])).toEqual([
      ['buy', 101, 100, 100, 0.1 * H],
      ['sell', 109, 110, +((1 / 110) * 10_000).toFixed(6), 0.05 * H],
    ]);
    expect(c.fills).toMatchObject({ run: 3, backtest: 3, paired: 2, runOnly: 1, backtestOnly: 1, matchRate: 2 / 3 });
    expect(c.backtestOnly.map((f) => f.tsMs)).toEqual([T0 + 4 * H]);
    expect(c.runOnly.map((f) => f.tsMs)).toEqual([T0 + 5 * H]);
    expect(c.fills.slippageBps!.worst).toBe(100);
  });

  it('measures the return drift, the largest gap and the tracking error at the backtest bar closes both cover', () => {
    // The backtest's hourly points, labelled at their bars' opens (hours 0..4), are read at their closes (1..5).
    const bt = { fills: [fill(1, 'buy', 100)], equity: curve(500, 505, 515, 520, 530) };
    const run = { fills: [fill(1, 'buy', 100)], equity: [{ tsMs: T0 + 2 * H, equity: 1000 }, { tsMs: T0 + 3 * H, equity: 1020 }, { tsMs: T0 + 4.5 * H, equity: 1010 }] };
    const c = compareRuns(run, bt, H);
    // From the run's first fill (hour 1) to its last point (4.5).
    expect(c.period).toEqual({ from: new Date(T0 + H).toISOString(), to: new Date(T0 + 4.5 * H).toISOString() });
    // Read at hours 2, 3, 4: run 1000, 1020, 1020; backtest 505, 515, 520.
    expect(c.pnl.runReturn).toBeCloseTo(0.02, 12);
    expect(c.pnl.backtestReturn).toBeCloseTo(520 / 505 - 1, 12);
    expect(c.pnl.drift).toBeCloseTo(0.02 - (520 / 505 - 1), 12);
    const gaps = [0, 0.02 - (515 / 505 - 1), 0.02 - (520 / 505 - 1)];
    expect(c.pnl.maxGap).toBeCloseTo(Math.max(...gaps.map(Math.abs)), 12);
    const steps = [gaps[1]! - gaps[0]!, gaps[2]! - gaps[1]!];
    const m = (steps[0]! + steps[1]!) / 2;
    expect(c.pnl.trackingError).toBeCloseTo(Math.sqrt(((steps[0]! - m) ** 2 + (steps[1]! - m) ** 2) / 1), 12);
  });

  it('refuses periods that do not overlap and runs with nothing in common, naming the flag', () => {
    expect(() => compareRuns({ fills: [fill(0, 'buy', 1)], equity: curve(1, 1) }, { fills: [], equity: [{ tsMs: T0 + 50 * H, equity: 1 }] }, H)).toThrow(/do not overlap/);
    expect(() => compareRuns({ fills: [fill(0, 'buy', 1, 'A'), fill(0, 'buy', 1, 'B')], equity: curve(1, 1) }, { fills: [fill(0, 'buy', 1, 'C')], equity: curve(1, 1) }, H)).toThrow(/no symbol in common/);
    expect(() => compareRuns({ fills: [], equity: [] }, { fills: [], equity: curve(1) }, H)).toThrow(/nothing to compare/);
  });
});
