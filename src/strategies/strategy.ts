// The Strategy base class (DESIGN §4). Config is validated by the class's zod schema before construction.
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
}

/** A strategy class with its schema and documentation, as the registry and loaders see it. */
export interface StrategyClass<C extends object = object> {
  new (config: C): Strategy<C>;
  readonly schema: z.ZodType<C>;
  readonly description?: string;
}

/** Per-symbol state with a one-entry cache: single-symbol runs pay no map lookup per bar. */
export class PerSymbol<T> {
  readonly #map = new Map<string, T>();
  #lastKey = '';
  #last: T | undefined;
  constructor(private readonly make: (symbol: string) => T) {}
  get(symbol: string): T {
    if (symbol === this.#lastKey && this.#last !== undefined) return this.#last;
    let v = this.#map.get(symbol);
    if (v === undefined) {
      v = this.make(symbol);
      this.#map.set(symbol, v);
    }
    this.#lastKey = symbol;
    this.#last = v;
    return v;
  }
}
