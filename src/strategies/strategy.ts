// The Strategy base class (docs/strategy-guide.md). Config is validated by the class's zod schema before construction.
import type { z } from 'zod';
import type { Bar } from '../model/bar.ts';
import type { OrderEvent } from '../model/events.ts';
import type { QuoteTick, TradeTick, OrderBookSnapshot } from '../model/market.ts';
import type { StrategyContext } from './context.ts';

export abstract class Strategy<C extends object = object> {
  /** Strategy instance id, set by the engine when it is added. */
  id = 'strategy';

  constructor(readonly config: C) {}

  onStart?(ctx: StrategyContext): void;
  abstract onBar(bar: Bar, ctx: StrategyContext): void;
  onQuote?(quote: QuoteTick, ctx: StrategyContext): void;
  onTrade?(trade: TradeTick, ctx: StrategyContext): void;
  onBook?(book: OrderBookSnapshot, ctx: StrategyContext): void;
  onOrderEvent?(event: OrderEvent, ctx: StrategyContext): void;
  onStop?(ctx: StrategyContext): void;
  /**
   * The strategy's own state to keep across a restart of a paper or live run: plain JSON (objects,
   * arrays, strings, finite numbers, booleans, null). Called at each store checkpoint and on stop.
   * Fills, positions and working orders are restored by the engine; keep here what only the
   * strategy knows (counters, a trailing level, a regime flag). docs/strategy-guide.md, "State across restarts".
   */
  onSave?(): unknown;
  /** Restores what onSave returned, when a run resumes: before onStart and before the first bar. */
  onLoad?(state: unknown): void;
}

/** A strategy class with its schema and documentation, as the registry and loaders see it. */
export interface StrategyClass<C extends object = object> {
  new (config: C): Strategy<C>;
  readonly schema: z.ZodType<C>;
  readonly description?: string;
}

/**
 * Per-symbol state. Bars come symbol after symbol in the same order at every time step, so the
 * entry after the last one served is tried before the map: single-symbol and round-robin
 * multi-symbol runs pay no map lookup per bar.
 */
export class PerSymbol<T> {
  readonly #map = new Map<string, number>();
  readonly #keys: string[] = [];
  readonly #values: T[] = [];
  /** Index of the entry served last; -1 before the first. */
  #last = -1;
  constructor(private readonly make: (symbol: string) => T) {}
  get(symbol: string): T {
    const keys = this.#keys;
    let i = this.#last;
    if (i >= 0 && keys[i] === symbol) return this.#values[i]!;
    i = i + 1 === keys.length ? 0 : i + 1;
    if (i < keys.length && keys[i] === symbol) {
      this.#last = i;
      return this.#values[i]!;
    }
    let k = this.#map.get(symbol);
    if (k === undefined) {
      const v = this.make(symbol);
      k = keys.length;
      keys.push(symbol);
      this.#values.push(v);
      this.#map.set(symbol, k);
    }
    this.#last = k;
    return this.#values[k]!;
  }
}
