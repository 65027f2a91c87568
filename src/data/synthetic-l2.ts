// A seeded synthetic limit order book: L2 snapshots and the trades between them, for tick-level
// backtests (BacktestNode `ticks`). The model, per step t:
//   pressure  fₜ = φ fₜ₋₁ + √(1 − φ²) εₜ          (persistent order-flow pressure, unit variance)
//   book      level i (0 = touch) holds depth · decayⁱ · e^(0.25 η) · e^(±κ fₜ / (1 + i)) units:
//             buy pressure thickens the bid queues and thins the ask queues, most at the touch;
//   trades    a few prints at the touch before the next snapshot, buyer-initiated with probability
//             (1 + tanh(γ fₜ)) / 2, hitting the ask (buyers) or the bid (sellers);
//   move      the best bid moves up one tick with probability m (1 + tanh(γ fₜ)) / 2, down with
//             m (1 − tanh(γ fₜ)) / 2; a move is the touch queue being taken by one last print of its
//             whole size; the spread is 1 tick, or 2-3 ticks with probability `wideSpread`.
// So the queue imbalance visible in snapshot t carries information about the mid move to t + 1,
// which is what an imbalance strategy can find; the spread it has to pay is real too.
// Everything is a function of the seed: the same options give the same books and trades.
import { ConfigError } from '../core/errors.ts';
import { decimalsOf } from '../core/math.ts';
import { Rng } from '../core/rng.ts';
import type { BookLevel, OrderBookSnapshot, TradeTick } from '../model/market.ts';

export interface L2Options {
  readonly seed: number;
  /** Default `L2SYN`. */
  readonly symbol?: string;
  /** Number of book snapshots. */
  readonly steps: number;
  /** Price levels on each side. Default 10. */
  readonly levels?: number;
  /** Default 0.01. */
  readonly tickSize?: number;
  /** Time between snapshots in ms (more than maxTrades + 1). Default 100. */
  readonly stepMs?: number;
  /** Time of the first snapshot. Default 2024-01-01 00:00 UTC. */
  readonly startMs?: number;
  /** Initial best bid. Default 100. */
  readonly startPrice?: number;
  /** Mean size at the touch. Default 10. */
  readonly depth?: number;
  /** Size multiplier per level away from the touch, in (0, 1]. Default 0.85. */
  readonly decay?: number;
  /** Persistence φ of the order-flow pressure, in [0, 1). Default 0.8. */
  readonly persistence?: number;
  /** How strongly pressure shows in the queues (κ). Default 0.8. */
  readonly queueSignal?: number;
  /** How strongly pressure moves the price and the trade mix (γ). Default 1.5. */
  readonly flowSignal?: number;
  /** Probability m that the mid moves between two snapshots. Default 0.3. */
  readonly moveProb?: number;
  /** Probability of a 2-3 tick spread. Default 0.2. */
  readonly wideSpread?: number;
  /** Most random prints between two snapshots (besides the one that takes a queue). Default 3. */
  readonly maxTrades?: number;
}

/** A book or trade event, shaped as BacktestNode's TickEvent. */
export type L2Event =
  | { readonly kind: 'book'; readonly tsEventMs: number; readonly book: OrderBookSnapshot }
  | { readonly kind: 'trade'; readonly tsEventMs: number; readonly trade: TradeTick };

export interface L2Market {
  readonly books: OrderBookSnapshot[];
  readonly trades: TradeTick[];
  /** Books and trades merged in time order: ready for `BacktestNode({ ticks })`. */
  readonly events: L2Event[];
  /** The hidden pressure fₜ at each snapshot (for research and tests). */
  readonly pressure: Float64Array;
}

export const L2_DEFAULT_START_MS = Date.UTC(2024, 0, 1);

export function generateL2(opts: L2Options): L2Market {
  const o = validate(opts);
  const rng = new Rng(o.seed);
  const decimals = decimalsOf(o.tickSize);
  const px = (ticks: number): number => Number((ticks * o.tickSize).toFixed(decimals));
  const books: OrderBookSnapshot[] = [];
  const trades: TradeTick[] = [];
  const events: L2Event[] = [];
  const pressure = new Float64Array(o.steps);
  const innovation = Math.sqrt(1 - o.persistence * o.persistence);
  let f = rng.normal();
  let bid = Math.max(o.levels + 1, Math.round(o.startPrice / o.tickSize));
  let spread = drawSpread(rng, o.wideSpread);
  let tradeNo = 0;

  for (let t = 0; t < o.steps; t++) {
    if (t > 0) f = o.persistence * f + innovation * rng.normal();
    pressure[t] = f;
    const ts = o.startMs + t * o.stepMs;
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    for (let i = 0; i < o.levels; i++) {
      const base = o.depth * o.decay ** i;
      const tilt = (o.queueSignal * f) / (1 + i);
      bids.push({ price: px(bid - i), size: Math.max(1, Math.round(base * Math.exp(0.25 * rng.normal() + tilt))) });
      asks.push({ price: px(bid + spread + i), size: Math.max(1, Math.round(base * Math.exp(0.25 * rng.normal() - tilt))) });
    }
    const book: OrderBookSnapshot = { symbol: o.symbol, tsEventMs: ts, bids, asks };
    books.push(book);
    events.push({ kind: 'book', tsEventMs: ts, book });

    // Between this snapshot and the next: random prints at the touch, then maybe a queue taken.
    const buyProb = (1 + Math.tanh(o.flowSignal * f)) / 2;
    const u = rng.next();
    const move = u < o.moveProb * buyProb ? 1 : u < o.moveProb ? -1 : 0;
    const prints = rng.int(o.maxTrades + 1);
    let ms = ts;
    const print = (buyer: boolean, size: number): void => {
      const trade: TradeTick = {
        symbol: o.symbol, tsEventMs: ++ms, price: buyer ? asks[0]!.price : bids[0]!.price, size, aggressor: buyer ? 'buyer' : 'seller', tradeId: `${o.symbol}-${++tradeNo}`,
      };
      trades.push(trade);
      events.push({ kind: 'trade', tsEventMs: trade.tsEventMs, trade });
    };
    for (let j = 0; j < prints; j++) {
      const buyer = rng.next() < buyProb;
      const touch = buyer ? asks[0]!.size : bids[0]!.size;
      print(buyer, 1 + rng.int(Math.max(1, Math.ceil(touch / 2))));
    }
    if (move === 1) print(true, asks[0]!.size);
    else if (move === -1) print(false, bids[0]!.size);
    // Keep every level above zero.
    bid = Math.max(o.levels + 1, bid + move);
    spread = drawSpread(rng, o.wideSpread);
  }
  return { books, trades, events, pressure };
}

function drawSpread(rng: Rng, wide: number): number {
  return rng.next() < wide ? 2 + rng.int(2) : 1;
}

function validate(opts: L2Options) {
  const fail = (field: string, message: string): never => {
    throw new ConfigError(message, { field: `l2.${field}` });
  };
  const o = {
    seed: opts.seed, symbol: opts.symbol ?? 'L2SYN', steps: opts.steps, levels: opts.levels ?? 10, tickSize: opts.tickSize ?? 0.01,
    stepMs: opts.stepMs ?? 100, startMs: opts.startMs ?? L2_DEFAULT_START_MS, startPrice: opts.startPrice ?? 100, depth: opts.depth ?? 10,
    decay: opts.decay ?? 0.85, persistence: opts.persistence ?? 0.8, queueSignal: opts.queueSignal ?? 0.8, flowSignal: opts.flowSignal ?? 1.5,
    moveProb: opts.moveProb ?? 0.3, wideSpread: opts.wideSpread ?? 0.2, maxTrades: opts.maxTrades ?? 3,
  };
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) fail('seed', `seed must be an integer in [0, 4294967295], got ${o.seed}`);
  if (!Number.isSafeInteger(o.steps) || o.steps < 1) fail('steps', `steps must be a positive integer, got ${o.steps}`);
  if (!Number.isInteger(o.levels) || o.levels < 1) fail('levels', `levels must be a positive integer, got ${o.levels}`);
  if (!(o.tickSize > 0)) fail('tickSize', `tickSize must be positive, got ${o.tickSize}`);
  if (!Number.isInteger(o.maxTrades) || o.maxTrades < 0) fail('maxTrades', `maxTrades must be a non-negative integer, got ${o.maxTrades}`);
  if (!Number.isInteger(o.stepMs) || o.stepMs <= o.maxTrades + 1) fail('stepMs', `stepMs must be an integer above maxTrades + 1 (${o.maxTrades + 1}), got ${o.stepMs}`);
  if (!Number.isFinite(o.startMs)) fail('startMs', `startMs must be a finite epoch ms, got ${o.startMs}`);
  if (!(o.startPrice > 0)) fail('startPrice', `startPrice must be positive, got ${o.startPrice}`);
  if (!(o.depth > 0)) fail('depth', `depth must be positive, got ${o.depth}`);
  if (!(o.decay > 0 && o.decay <= 1)) fail('decay', `decay must be in (0, 1], got ${o.decay}`);
  if (!(o.persistence >= 0 && o.persistence < 1)) fail('persistence', `persistence must be in [0, 1), got ${o.persistence}`);
  if (!(o.moveProb >= 0 && o.moveProb <= 1)) fail('moveProb', `moveProb must be in [0, 1], got ${o.moveProb}`);
  if (!(o.wideSpread >= 0 && o.wideSpread <= 1)) fail('wideSpread', `wideSpread must be in [0, 1], got ${o.wideSpread}`);
  if (!(o.queueSignal >= 0) || !(o.flowSignal >= 0)) fail('queueSignal', 'queueSignal and flowSignal must be non-negative');
  return o;
}
