// Order-book imbalance: trades the short-term pressure shown by resting size. On each L2 snapshot:
//   imbalance I = (Σ bid size − Σ ask size) / (Σ bid size + Σ ask size) over the top `depth` levels;
//   microprice  = (bid · askSize + ask · bidSize) / (bidSize + askSize) at the touch.
// Flat: buy when I > `threshold` and the microprice is at least `microTicks` ticks above the mid;
// with `allowShort`, sell the mirror image. A long is closed when I falls to `exitThreshold` or
// below (the signal faded) or `maxUpdates` snapshots after the entry signal; a short mirrored.
// Orders are market orders: they fill against the next snapshot's touch (buys at the ask, sells at
// the bid). Bars are ignored; the strategy lives on `onBook`.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { bookImbalance, microPrice, type OrderBookSnapshot } from '../../model/market.ts';
import type { StrategyContext } from '../context.ts';
import { PerSymbol, Strategy } from '../strategy.ts';

const schema = z
  .object({
    depth: z.number().int().min(1).default(5).describe('book levels on each side in the imbalance'),
    threshold: z.number().gt(0).lt(1).default(0.3).describe('enter long when the imbalance exceeds this (short below minus this)'),
    microTicks: z.number().min(0).default(0.1).describe('the microprice must be at least this many ticks above (long) or below (short) the mid'),
    tickSize: z.number().positive().default(0.01).describe("the instrument's tick size, the unit of microTicks"),
    exitThreshold: z.number().gt(-1).lt(1).default(0).describe('close a long when the imbalance falls to this or below (a short: to minus this or above)'),
    maxUpdates: z.number().int().min(0).default(20).describe('close the position this many book updates after the entry signal; 0 = no time exit'),
    qty: z.number().min(0).default(0).describe('units per entry; 0 = the run\'s default sizing'),
    allowShort: z.boolean().default(false).describe('also trade the short side (needs a margin account)'),
  })
  .refine((c) => c.exitThreshold < c.threshold, { message: 'exitThreshold must be below threshold', path: ['exitThreshold'] });
export type BookImbalanceParams = z.infer<typeof schema>;

interface SymbolState {
  /** Target the model wants: 1 long, -1 short, 0 flat. */
  target: -1 | 0 | 1;
  /** Target last acted on. */
  acted: -1 | 0 | 1;
  /** Book updates since the entry signal. */
  held: number;
}

/** One snapshot's reading. */
export interface BookSignal {
  readonly imbalance: number;
  readonly micro: number;
  readonly mid: number;
}

/** Imbalance over the top `depth` levels, microprice and mid of a book (null for a one-sided book). */
export function readBook(book: OrderBookSnapshot, depth: number): BookSignal | null {
  const b = book.bids[0];
  const a = book.asks[0];
  if (b === undefined || a === undefined) return null;
  return { imbalance: bookImbalance(book, depth), micro: microPrice(book), mid: (b.price + a.price) / 2 };
}

export class BookImbalance extends Strategy<BookImbalanceParams> {
  static readonly schema = schema;
  static readonly description =
    'L2 order-book imbalance: buys when the resting-size imbalance over the top levels exceeds threshold and the microprice leans above the mid; exits when the imbalance fades or after maxUpdates book updates. Tick data (onBook) only.';

  readonly #state = new PerSymbol<SymbolState>(() => ({ target: 0, acted: 0, held: 0 }));

  override onBar(_bar: Bar, _ctx: StrategyContext): void {
    // Bars carry no book: nothing to do.
  }

  override onBook(book: OrderBookSnapshot, ctx: StrategyContext): void {
    const r = readBook(book, this.config.depth);
    if (r === null) return;
    const s = this.#state.get(book.symbol);
    const { threshold, exitThreshold, microTicks, tickSize, maxUpdates, allowShort } = this.config;
    const lean = (r.micro - r.mid) / tickSize;
    const before = s.target;
    let t = before;
    if (t !== 0) s.held++;
    const timeUp = maxUpdates > 0 && s.held >= maxUpdates;
    if (t === 1 && (r.imbalance <= exitThreshold || timeUp)) t = 0;
    else if (t === -1 && (r.imbalance >= -exitThreshold || timeUp)) t = 0;
    // No new entry on the update that closed a position.
    if (t === 0 && before === 0) {
      if (r.imbalance > threshold && lean >= microTicks) t = 1;
      else if (allowShort && r.imbalance < -threshold && -lean >= microTicks) t = -1;
      if (t !== 0) s.held = 0;
    }
    s.target = t;
    if (t !== s.acted) s.acted = this.#follow(ctx, book.symbol, t);
  }

  /** Moves the position towards `target`; a reversal closes first and enters on a later update. */
  #follow(ctx: StrategyContext, symbol: string, target: -1 | 0 | 1): -1 | 0 | 1 {
    const pos = ctx.position(symbol);
    ctx.cancelAll(symbol);
    if (target === 0 || (target === 1 ? pos.isShort : pos.isLong)) {
      if (!pos.isFlat) ctx.close(symbol);
      return 0;
    }
    if (pos.isFlat) {
      const qty = this.config.qty > 0 ? this.config.qty : undefined;
      if (target === 1) ctx.buy(symbol, qty);
      else ctx.sell(symbol, qty);
    }
    return target;
  }
}
