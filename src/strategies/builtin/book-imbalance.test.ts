import { describe, expect, it } from 'vitest';
import { generateL2, type L2Event } from '../../data/synthetic-l2.ts';
import { BacktestNode, type TickEvent } from '../../engine/backtest-node.ts';
import { makeInstrument } from '../../model/instrument.ts';
import { bookImbalance, microPrice, type OrderBookSnapshot } from '../../model/market.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { BookImbalance, type BookImbalanceParams } from './book-imbalance.ts';

const SYM = 'BTC-USD';
const T0 = Date.UTC(2024, 0, 1);
const params = (p: Record<string, unknown>): BookImbalanceParams =>
  parseStrategyConfig('book-imbalance', builtinStrategy('book-imbalance')!, p) as BookImbalanceParams;

/** A book at update `i`: best bid/ask with their sizes, then `rest` levels a tick apart (sizes given). */
function book(i: number, bid: number, bidSizes: readonly number[], ask: number, askSizes: readonly number[]): TickEvent {
  const b: OrderBookSnapshot = {
    symbol: SYM, tsEventMs: T0 + 1000 * i,
    bids: bidSizes.map((size, k) => ({ price: Math.round((bid - 0.01 * k) * 100) / 100, size })),
    asks: askSizes.map((size, k) => ({ price: Math.round((ask + 0.01 * k) * 100) / 100, size })),
  };
  return { kind: 'book', tsEventMs: b.tsEventMs, book: b };
}

function run(ticks: readonly (TickEvent | L2Event)[], p: Record<string, unknown>, accountType: 'cash' | 'margin' = 'cash', symbol = SYM) {
  const strategy = new BookImbalance(params({ qty: 1, ...p }));
  const out = new BacktestNode({
    series: [], ticks, instruments: [makeInstrument(symbol, { assetClass: 'crypto' })], strategies: [{ strategy }], accountType, cash: 10_000,
  }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  return out.kernel;
}

const fillsAt = (k: ReturnType<typeof run>) => k.fills.map((f) => [f.side, (f.tsMs - T0) / 1000, f.price, f.qty]);

describe('book-imbalance', () => {
  it('buys when the imbalance and the microprice lean up, fills at the next ask, and sells at the next bid when the imbalance fades', () => {
    const ticks = [
      book(0, 100, [10], 100.01, [10]), // imbalance 0
      book(1, 100, [30], 100.01, [10]), // 0.5 > 0.3; microprice 100.0075 = mid + 0.25 tick: buy
      book(2, 100.01, [20], 100.02, [10]), // bought at the ask 100.02; imbalance 1/3: hold
      book(3, 100.01, [10], 100.02, [15]), // imbalance -0.2 <= 0: sell
      book(4, 100.02, [10], 100.03, [10]), // sold at the bid 100.02
      book(5, 100.02, [10], 100.03, [10]),
    ];
    expect(fillsAt(run(ticks, { depth: 1 }))).toEqual([
      ['buy', 2, 100.02, 1],
      ['sell', 4, 100.02, 1],
    ]);
  });

  it('needs the microprice to lean the same way as the deeper imbalance', () => {
    // Over 3 levels the bids dominate (imbalance 0.56), but the touch leans to the ask (5 vs 10).
    const ticks = [book(0, 100, [5, 50, 50], 100.01, [10, 10, 10]), book(1, 100, [5, 50, 50], 100.01, [10, 10, 10])];
    expect(run(ticks, { depth: 3 }).fills.toArray()).toEqual([]);
    // With the touch leaning up as well it buys.
    const up = [book(0, 100, [20, 50, 50], 100.01, [10, 10, 10]), book(1, 100, [20, 50, 50], 100.01, [10, 10, 10])];
    expect(fillsAt(run(up, { depth: 3 }))).toEqual([['buy', 1, 100.01, 1]]);
    expect(run(up, { depth: 3, microTicks: 0.2 }).fills.toArray()).toEqual([]); // lean is 1/6 tick
  });

  it('exits maxUpdates book updates after the entry signal even while the imbalance holds', () => {
    const ticks = Array.from({ length: 7 }, (_, i) => book(i, 100, [30], 100.01, [10]));
    // Signal at 0, bought at 1; exit signal at 0 + 3, sold at 4; no new entry on the exit update;
    // the next signal at 4 buys at 5.
    expect(fillsAt(run(ticks, { depth: 1, maxUpdates: 3 }))).toEqual([
      ['buy', 1, 100.01, 1],
      ['sell', 4, 100, 1],
      ['buy', 5, 100.01, 1],
    ]);
  });

  it('with allowShort in a margin account, sells the mirror image and covers when it fades', () => {
    const ticks = [
      book(0, 100, [10], 100.01, [30]), // imbalance -0.5, microprice below the mid: sell
      book(1, 100, [10], 100.01, [30]), // sold at the bid 100
      book(2, 99.99, [15], 100, [10]), // imbalance 0.2 >= 0: cover
      book(3, 99.99, [10], 100, [10]), // bought at the ask 100
    ];
    expect(fillsAt(run(ticks, { depth: 1, allowShort: true }, 'margin'))).toEqual([
      ['sell', 1, 100, 1],
      ['buy', 3, 100, 1],
    ]);
    expect(run(ticks, { depth: 1 }, 'margin').fills.toArray()).toEqual([]);
  });

  describe('on the synthetic L2 market (a tick-only run: books and trades, no bars)', () => {
    const market = generateL2({ seed: 21, steps: 3000, symbol: 'L2SYN' });
    const byTime = new Map(market.books.map((b, i) => [b.tsEventMs, i]));
    const k = run(market.events, { depth: 5 }, 'cash', 'L2SYN');

    it('enters only on the book after a signal book, at that book\'s touch', () => {
      const buys = k.fills.filter((f) => f.side === 'buy');
      const sells = k.fills.filter((f) => f.side === 'sell');
      expect(buys.length).toBeGreaterThan(50);
      expect(sells.length).toBe(buys.length);
      for (const f of buys) {
        const i = byTime.get(f.tsMs)!;
        const signal = market.books[i - 1]!;
        const mid = (signal.bids[0]!.price + signal.asks[0]!.price) / 2;
        expect(bookImbalance(signal, 5)).toBeGreaterThan(0.3);
        expect((microPrice(signal) - mid) / 0.01).toBeGreaterThanOrEqual(0.1);
        expect(f.price).toBe(market.books[i]!.asks[0]!.price);
      }
      for (const f of sells) expect(f.price).toBe(market.books[byTime.get(f.tsMs)!]!.bids[0]!.price);
    });

    it('finds real information: the mid moves its way while it holds, though crossing the spread eats most of it', () => {
      const midAt = (ts: number) => {
        const b = market.books[byTime.get(ts)!]!;
        return (b.bids[0]!.price + b.asks[0]!.price) / 2;
      };
      const trades = k.trades.closed;
      expect(trades.length).toBeGreaterThan(50);
      const midTicks = trades.reduce((s, t) => s + (midAt(t.exitTimeMs) - midAt(t.entryTimeMs)) / 0.01, 0) / trades.length;
      expect(midTicks).toBeGreaterThan(0.5);
      // Crossing the spread on the way in and out costs most of that edge.
      const pnlTicks = trades.reduce((s, t) => s + t.pnl, 0) / trades.length / 0.01;
      expect(pnlTicks).toBeLessThan(midTicks - 0.5);
      // Without the flow signal in the market there is nothing to find.
      const noise = generateL2({ seed: 21, steps: 3000, symbol: 'L2SYN', flowSignal: 0 });
      const nk = run(noise.events, { depth: 5 }, 'cash', 'L2SYN');
      const nByTime = new Map(noise.books.map((b, i) => [b.tsEventMs, i]));
      const nMid = (ts: number) => {
        const b = noise.books[nByTime.get(ts)!]!;
        return (b.bids[0]!.price + b.asks[0]!.price) / 2;
      };
      const nTrades = nk.trades.closed;
      const nTicks = nTrades.reduce((s, t) => s + (nMid(t.exitTimeMs) - nMid(t.entryTimeMs)) / 0.01, 0) / nTrades.length;
      expect(Math.abs(nTicks)).toBeLessThan(midTicks / 2);
      // ... and every trade just pays the spread.
      expect(nTrades.reduce((s, t) => s + t.pnl, 0) / nTrades.length / 0.01).toBeLessThan(pnlTicks - 0.5);
    });

    it('does not look ahead: on the first n events it makes the same fills as on all of them', () => {
      const all = k.fills.toArray();
      for (const n of [1500, 4100, 7777]) {
        const last = market.events[n - 1]!.tsEventMs;
        const prefix = run(market.events.slice(0, n), { depth: 5 }, 'cash', 'L2SYN').fills.toArray();
        expect(prefix.length).toBeGreaterThan(10);
        expect(prefix).toEqual(all.filter((f) => f.tsMs <= last));
      }
    });
  });

  it('validates its params', () => {
    expect(params({ qty: 0 })).toEqual({ depth: 5, threshold: 0.3, microTicks: 0.1, tickSize: 0.01, exitThreshold: 0, maxUpdates: 20, qty: 0, allowShort: false });
    expect(() => params({ threshold: 1 })).toThrow(/threshold/);
    expect(() => params({ exitThreshold: 0.5 })).toThrow(/exitThreshold/);
  });
});
