// The built-in strategies follow the parity rules of docs/cli.md, checked on hand-built closes.
import { describe, expect, it } from 'vitest';
import { RSI } from '../../indicators/rsi.ts';
import { BacktestNode } from '../../engine/backtest-node.ts';
import type { BarSeries } from '../../model/bar.ts';
import { dayMs, randomWalk, series, type Ohlc } from '../../../test/helpers/bars.ts';
import type { Strategy } from '../strategy.ts';
import { BuyAndHold } from './buy-and-hold.ts';
import { RsiStrategy } from './rsi.ts';
import { SmaCross } from './sma-cross.ts';

/** Bars whose open is `opens[i]` (the previous close by default) and whose range covers both. */
function fromCloses(closes: readonly number[], opens: Record<number, number> = {}): BarSeries {
  const rows: Ohlc[] = closes.map((c, i) => {
    const o = opens[i] ?? (i === 0 ? c : closes[i - 1]!);
    return [o, Math.max(o, c), Math.min(o, c), c];
  });
  return series(rows);
}

function run(strategy: Strategy, data: BarSeries | BarSeries[], cash = 10_000) {
  return new BacktestNode({ series: Array.isArray(data) ? data : [data], strategies: [{ strategy, id: 's' }], cash }).run().kernel;
}

// SMA(2) vs SMA(3): diff is 0 at bar 2, negative at 3-5, positive at 6-8 (cross up at 6), negative from 9 (cross down).
const CLOSES = [10, 10, 10, 9, 8, 9, 11, 12, 11, 9, 8];

describe('sma-cross', () => {
  it('buys pct-cash 95 on the cross up at the close and fills at the next open; closes on the cross down', () => {
    const k = run(new SmaCross({ fast: 2, slow: 3 }), fromCloses(CLOSES, { 10: 9.5 }));
    // floor(0.95 x 10,000 / 11) = 863 shares, bought at bar 7's open (11), sold at bar 10's open (9.5).
    expect(k.orders.map((o) => [o.createdMs, o.side, o.qty])).toEqual([
      [dayMs(6), 'buy', 863],
      [dayMs(9), 'sell', 863],
    ]);
    expect(k.fills.map((f) => [f.tsMs, f.side, f.qty, f.price])).toEqual([
      [dayMs(7), 'buy', 863, 11],
      [dayMs(10), 'sell', 863, 9.5],
    ]);
    expect(k.trades.closed).toHaveLength(1);
    expect(k.trades.closed[0]!.pnl).toBeCloseTo(863 * -1.5, 9);
  });

  it('does not count a touch of the slow average from below as a cross', () => {
    // Diff negative at bars 3-4, exactly 0 at bar 5 ((10 + 8) / 2 = (10 + 8 + 9) / 3 = 9), negative again after.
    const k = run(new SmaCross({ fast: 2, slow: 3 }), fromCloses([10, 10, 10, 9, 8, 10, 5, 4]));
    expect(k.orders).toEqual([]);
  });

  it('lists an order the cash cannot pay at the fill, without resizing or retrying it', () => {
    // The open after the signal gaps to 12: 863 x 12 = 10,356 > 10,000.
    const k = run(new SmaCross({ fast: 2, slow: 3 }), fromCloses(CLOSES, { 7: 12 }));
    expect(k.fills.toArray()).toEqual([]);
    expect(k.rejections).toEqual([expect.objectContaining({ status: 'rejected', qty: 863, side: 'buy', tsMs: dayMs(7) })]);
    expect(k.orders).toHaveLength(1);
  });
});

describe('rsi', () => {
  it('buys when RSI crosses up through lower while flat and closes when it crosses down through upper', () => {
    const data = randomWalk(400, 99, { vol: 0.03 });
    const cfg = { period: 6, lower: 35, upper: 65 };
    const k = run(new RsiStrategy(cfg), data);
    // Replay the rule independently.
    const rsi = new RSI(cfg.period);
    let prev: number | null = null;
    let flat = true;
    let pendingBuy = false;
    const expected: [number, string][] = [];
    for (let i = 0; i < data.length; i++) {
      // Orders fill at the next open; the position changes there.
      if (pendingBuy) {
        flat = false;
        pendingBuy = false;
      }
      const v = rsi.update(data.close[i]!);
      if (v !== null && prev !== null) {
        if (flat && prev < cfg.lower && v > cfg.lower) {
          expected.push([data.time[i]!, 'buy']);
          pendingBuy = true;
        } else if (!flat && prev > cfg.upper && v < cfg.upper) {
          expected.push([data.time[i]!, 'sell']);
          flat = true;
        }
      }
      if (v !== null) prev = v;
    }
    expect(expected.length).toBeGreaterThan(4);
    expect(k.orders.map((o) => [o.createdMs, o.side])).toEqual(expected);
    expect(k.rejections).toEqual([]);
  });
});

describe('buy-and-hold', () => {
  it('buys once with the default sizing on one symbol and holds to the end', () => {
    const k = run(new BuyAndHold({}), fromCloses([20, 21, 22, 23]));
    expect(k.fills.map((f) => [f.tsMs, f.qty, f.price])).toEqual([[dayMs(1), 475, 20]]);
    expect(k.portfolio.openPositions().map((p) => [p.qty, p.lastPrice])).toEqual([[475, 23]]);
  });

  it('targets an equal share of equity in each of several symbols', () => {
    const a = fromCloses([10, 10, 10]);
    const b = series([[50, 50, 50, 50], [50, 50, 50, 50], [50, 50, 50, 50]], { symbol: 'Y' });
    const k = run(new BuyAndHold({}), [a, b]);
    // 47.5% of 10,000 each: 475 x 10 and 95 x 50.
    expect(k.fills.map((f) => [f.symbol, f.qty])).toEqual([
      ['X', 475],
      ['Y', 95],
    ]);
  });
});
