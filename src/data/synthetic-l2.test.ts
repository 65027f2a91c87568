import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { bookImbalance, microPrice, type OrderBookSnapshot } from '../model/market.ts';
import { generateL2 } from './synthetic-l2.ts';

const market = generateL2({ seed: 11, steps: 4000, levels: 8 });
const mid = (b: OrderBookSnapshot): number => (b.bids[0]!.price + b.asks[0]!.price) / 2;
const ticks = (x: number): number => Math.round(x / 0.01);

function corr(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Corr(imbalance of book t over `depth` levels, mid move from t to t + 1). */
function predictive(books: readonly OrderBookSnapshot[], depth: number): number {
  const imb = books.slice(0, -1).map((b) => bookImbalance(b, depth));
  const moves = books.slice(1).map((b, i) => mid(b) - mid(books[i]!));
  return corr(imb, moves);
}

describe('generateL2', () => {
  it('makes one snapshot per step, stepMs apart, with the requested levels on each side', () => {
    expect(market.books).toHaveLength(4000);
    expect(market.books[0]!.tsEventMs).toBe(Date.UTC(2024, 0, 1));
    expect(market.books.every((b, i) => b.symbol === 'L2SYN' && b.tsEventMs === Date.UTC(2024, 0, 1) + 100 * i)).toBe(true);
    expect(market.books.every((b) => b.bids.length === 8 && b.asks.length === 8)).toBe(true);
  });

  it('makes valid books: bids strictly descending below asks strictly ascending, one tick apart, on the tick grid, positive whole sizes', () => {
    let bad = 0;
    for (const b of market.books) {
      if (!(b.bids[0]!.price < b.asks[0]!.price)) bad++;
      for (const side of [b.bids, b.asks]) {
        for (const l of side) if (!(l.size > 0 && Number.isInteger(l.size) && l.price > 0 && Math.abs(ticks(l.price) * 0.01 - l.price) < 1e-9)) bad++;
      }
      for (let i = 1; i < 8; i++) {
        if (ticks(b.bids[i - 1]!.price) - ticks(b.bids[i]!.price) !== 1) bad++;
        if (ticks(b.asks[i]!.price) - ticks(b.asks[i - 1]!.price) !== 1) bad++;
      }
    }
    expect(bad).toBe(0);
  });

  it('has spreads of one tick mostly and two or three ticks sometimes', () => {
    const spreads = market.books.map((b) => ticks(b.asks[0]!.price) - ticks(b.bids[0]!.price));
    const count = (s: number): number => spreads.filter((x) => x === s).length;
    expect(count(1) + count(2) + count(3)).toBe(spreads.length);
    expect(count(1) / spreads.length).toBeGreaterThan(0.7);
    expect(count(2)).toBeGreaterThan(0);
    expect(count(3)).toBeGreaterThan(0);
  });

  it('has depth decaying away from the touch on average', () => {
    const avg = (side: 'bids' | 'asks', level: number): number => market.books.reduce((s, b) => s + b[side][level]!.size, 0) / market.books.length;
    for (const side of ['bids', 'asks'] as const) {
      const sizes = [0, 1, 2, 4, 7].map((l) => avg(side, l));
      for (let i = 1; i < sizes.length; i++) expect(sizes[i]!).toBeLessThan(sizes[i - 1]!);
    }
  });

  it('prints trades at the touch of the book before them, buyers at the ask and sellers at the bid', () => {
    expect(market.trades.length).toBeGreaterThan(4000);
    let bad = 0;
    let book = -1;
    for (const e of market.events) {
      if (e.kind === 'book') {
        book++;
        continue;
      }
      const b = market.books[book]!;
      const t = e.trade;
      if (t.aggressor === 'buyer' ? t.price !== b.asks[0]!.price : t.price !== b.bids[0]!.price) bad++;
      if (!(t.size > 0) || !(t.tsEventMs > b.tsEventMs) || (book + 1 < market.books.length && !(t.tsEventMs < market.books[book + 1]!.tsEventMs))) bad++;
    }
    expect(bad).toBe(0);
    const buyers = market.trades.filter((t) => t.aggressor === 'buyer').length / market.trades.length;
    expect(buyers).toBeGreaterThan(0.4);
    expect(buyers).toBeLessThan(0.6);
  });

  it('merges books and trades in time order with unique trade ids', () => {
    expect(market.events).toHaveLength(market.books.length + market.trades.length);
    expect(market.events.every((e, i) => i === 0 || e.tsEventMs > market.events[i - 1]!.tsEventMs)).toBe(true);
    expect(new Set(market.trades.map((t) => t.tradeId)).size).toBe(market.trades.length);
  });

  it('lets the queue imbalance predict the next mid move (positive correlation), at the touch and over several levels', () => {
    expect(predictive(market.books, 1)).toBeGreaterThan(0.15);
    expect(predictive(market.books, 5)).toBeGreaterThan(0.15);
    // The microprice leans the same way.
    const lean = market.books.slice(0, -1).map((b) => microPrice(b) - mid(b));
    const moves = market.books.slice(1).map((b, i) => mid(b) - mid(market.books[i]!));
    expect(corr(lean, moves)).toBeGreaterThan(0.1);
  });

  it('carries no such information when the flow signal is off', () => {
    const flat = generateL2({ seed: 11, steps: 4000, flowSignal: 0 });
    expect(Math.abs(predictive(flat.books, 5))).toBeLessThan(0.05);
  });

  it('is a function of the seed', () => {
    const a = generateL2({ seed: 5, steps: 300 });
    expect(generateL2({ seed: 5, steps: 300 })).toEqual(a);
    expect(generateL2({ seed: 6, steps: 300 }).books).not.toEqual(a.books);
  });

  it('rejects bad options with a ConfigError naming the field', () => {
    expect(() => generateL2({ seed: 1, steps: 0 })).toThrow(ConfigError);
    expect(() => generateL2({ seed: 1, steps: 10, stepMs: 3 })).toThrow(/stepMs/);
    expect(() => generateL2({ seed: 1, steps: 10, decay: 0 })).toThrow(/decay/);
    expect(() => generateL2({ seed: -1, steps: 10 })).toThrow(/seed/);
  });
});
