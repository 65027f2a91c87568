// Liquidity sweep (stop run) reversal. A swing low is a bar whose low is strictly below the lows of
// the `k` bars on each side; it is known only `k` bars later, when the last of those bars has closed.
// Stops rest below the latest swing low. A sweep is a bar trading below that level followed by a
// close back above it, on the same bar or the next one: the stops were taken and the level
// reclaimed. The strategy buys the reclaim with a bracket: stop-loss just beyond the sweep's
// extreme, take-profit `reward` times the risk above the signal close, and a time exit after
// `maxBars` bars. A close at or below the level on the bar after the run breaks the level instead.
// With `allowShort` (a margin account), the mirror image above swing highs.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import type { StrategyContext } from '../context.ts';
import { PerSymbol, Strategy } from '../strategy.ts';

const schema = z.object({
  k: z.number().int().min(1).default(3).describe('bars on each side of a swing high or low (a swing is known k bars after it)'),
  reward: z.number().positive().default(2).describe('take-profit distance as a multiple of the risk (signal close to stop-loss)'),
  stopBuffer: z.number().min(0).default(0).describe('stop-loss this % beyond the sweep extreme'),
  maxBars: z.number().int().min(0).default(20).describe('close the trade this many bars after the entry signal; 0 = no time exit'),
  allowShort: z.boolean().default(false).describe('also sell reclaims of swept swing highs (needs a margin account)'),
});
export type LiquiditySweepParams = z.infer<typeof schema>;

/** One side's level: the latest swing price not yet broken or traded, and a run beyond it waiting for the next bar. */
interface Level {
  price: number;
  /** Extreme of a bar that ran beyond the level and closed beyond it (NaN when none is waiting). */
  pending: number;
}

interface SymbolState {
  readonly highs: number[];
  readonly lows: number[];
  readonly low: Level;
  readonly high: Level;
  /** Bars seen. */
  n: number;
  /** Bar number of the last entry signal (-1 when not in a trade). */
  entryBar: number;
}

/** A detected sweep and reclaim: the side to trade, the swept level and the sweep's extreme. */
export interface Sweep {
  readonly tsMs: number;
  readonly side: 'buy' | 'sell';
  readonly level: number;
  readonly extreme: number;
}

export class LiquiditySweep extends Strategy<LiquiditySweepParams> {
  static readonly schema = schema;
  static readonly description =
    'Trades the reclaim after a run on the stops beyond a swing low (high): buys when price trades below the latest confirmed fractal swing low and closes back above it within that bar or the next, with a bracket stop beyond the sweep extreme.';

  /** Every sweep and reclaim seen, in order (traded or not). */
  readonly sweeps: Sweep[] = [];
  readonly #state = new PerSymbol<SymbolState>(() => ({
    highs: [], lows: [], low: { price: NaN, pending: NaN }, high: { price: NaN, pending: NaN }, n: 0, entryBar: -1,
  }));

  override onBar(bar: Bar, ctx: StrategyContext): void {
    const s = this.#state.get(bar.symbol);
    const maxBars = this.config.maxBars;
    const bull = reclaim(s.low, bar.low, bar.close, 1);
    const bear = reclaim(s.high, bar.high, bar.close, -1);
    this.#swings(s, bar);
    s.n++;

    const pos = ctx.position(bar.symbol);
    const working = ctx.openOrders(bar.symbol).length > 0;
    if (s.entryBar >= 0 && pos.isFlat && !working) s.entryBar = -1; // the bracket has run its course
    if (s.entryBar >= 0 && maxBars > 0 && s.n - 1 - s.entryBar >= maxBars) {
      ctx.cancelAll(bar.symbol);
      if (!pos.isFlat) ctx.close(bar.symbol);
      s.entryBar = -1;
      return;
    }
    if (!Number.isNaN(bull)) this.sweeps.push({ tsMs: bar.tsEventMs, side: 'buy', level: s.low.price, extreme: bull });
    if (!Number.isNaN(bear)) this.sweeps.push({ tsMs: bar.tsEventMs, side: 'sell', level: s.high.price, extreme: bear });
    if (!Number.isNaN(bull)) s.low.price = NaN;
    if (!Number.isNaN(bear)) s.high.price = NaN;
    if (s.entryBar >= 0 || !pos.isFlat || working) return;
    // Both sides at once (an outside bar through both levels) is no signal.
    if (!Number.isNaN(bull) && Number.isNaN(bear)) this.#enter(ctx, bar, 'buy', bull, s);
    else if (!Number.isNaN(bear) && Number.isNaN(bull) && this.config.allowShort) this.#enter(ctx, bar, 'sell', bear, s);
  }

  #enter(ctx: StrategyContext, bar: Bar, side: 'buy' | 'sell', extreme: number, s: SymbolState): void {
    const { reward, stopBuffer } = this.config;
    const c = bar.close;
    const stopLoss = side === 'buy' ? extreme * (1 - stopBuffer / 100) : extreme * (1 + stopBuffer / 100);
    const takeProfit = c + reward * (c - stopLoss);
    if (ctx.bracket({ symbol: bar.symbol, side, stopLoss, takeProfit }) !== null) s.entryBar = s.n - 1;
  }

  /** Adds the bar and confirms the swing k bars back, if there is one. */
  #swings(s: SymbolState, bar: Bar): void {
    const k = this.config.k;
    s.highs.push(bar.high);
    s.lows.push(bar.low);
    if (s.highs.length > 2 * k + 1) {
      s.highs.shift();
      s.lows.shift();
    }
    if (s.highs.length < 2 * k + 1) return;
    const h = s.highs[k]!;
    const l = s.lows[k]!;
    let isHigh = true;
    let isLow = true;
    for (let i = 0; i <= 2 * k; i++) {
      if (i === k) continue;
      if (s.highs[i]! >= h) isHigh = false;
      if (s.lows[i]! <= l) isLow = false;
    }
    if (isHigh) {
      s.high.price = h;
      s.high.pending = NaN;
    }
    if (isLow) {
      s.low.price = l;
      s.low.pending = NaN;
    }
  }
}

/**
 * Steps one side's level with a bar; returns the sweep's extreme on a reclaim, else NaN. `dir` 1
 * is the low side (runs go below, reclaims close above), -1 the high side.
 */
function reclaim(level: Level, extreme: number, close: number, dir: 1 | -1): number {
  const L = level.price;
  if (Number.isNaN(L)) return NaN;
  const beyond = (x: number): boolean => (dir === 1 ? x < L : x > L);
  const inside = dir === 1 ? close > L : close < L;
  if (!Number.isNaN(level.pending)) {
    // The bar after a close beyond the level: reclaim it now or it is broken.
    const ext = dir === 1 ? Math.min(level.pending, extreme) : Math.max(level.pending, extreme);
    level.pending = NaN;
    if (inside) return ext;
    level.price = NaN;
    return NaN;
  }
  if (!beyond(extreme)) return NaN;
  if (inside) return extreme;
  level.pending = extreme;
  return NaN;
}
