// Tick-level market data: quotes, trades and order-book snapshots.

export interface QuoteTick {
  readonly symbol: string;
  readonly tsEventMs: number;
  readonly bid: number;
  readonly ask: number;
  readonly bidSize: number;
  readonly askSize: number;
}

export type Aggressor = 'buyer' | 'seller' | 'none';

export interface TradeTick {
  readonly symbol: string;
  readonly tsEventMs: number;
  readonly price: number;
  readonly size: number;
  readonly aggressor: Aggressor;
  readonly tradeId: string;
}

export interface BookLevel {
  readonly price: number;
  readonly size: number;
}

/** L2 snapshot: bids best (highest) first, asks best (lowest) first. */
export interface OrderBookSnapshot {
  readonly symbol: string;
  readonly tsEventMs: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

export function midPrice(q: { bid: number; ask: number }): number {
  return (q.bid + q.ask) / 2;
}

/** Size-weighted mid: leans towards the side with less resting size. */
export function microPrice(book: OrderBookSnapshot): number {
  const b = book.bids[0];
  const a = book.asks[0];
  if (!b || !a) return NaN;
  const total = b.size + a.size;
  return total === 0 ? (b.price + a.price) / 2 : (b.price * a.size + a.price * b.size) / total;
}

/** Imbalance of resting size over the top `depth` levels, in [-1, 1]; positive = more bids. */
export function bookImbalance(book: OrderBookSnapshot, depth = 5): number {
  let bid = 0;
  let ask = 0;
  for (let i = 0; i < depth; i++) {
    bid += book.bids[i]?.size ?? 0;
    ask += book.asks[i]?.size ?? 0;
  }
  return bid + ask === 0 ? 0 : (bid - ask) / (bid + ask);
}
