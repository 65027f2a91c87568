// The benchmark: buy on the first bar of each symbol and hold to the end.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import type { StrategyContext } from '../context.ts';
import { Strategy } from '../strategy.ts';

const schema = z.object({});

export class BuyAndHold extends Strategy<z.infer<typeof schema>> {
  static readonly schema = schema;
  static readonly description = 'Buys on the first bar and holds (the benchmark). With several symbols, targets an equal 95%/N of equity in each.';
  readonly #bought = new Set<string>();

  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (this.#bought.has(bar.symbol)) return;
    this.#bought.add(bar.symbol);
    // After a restart the position is restored but this set is not: never buy twice.
    if (!ctx.position(bar.symbol).isFlat) return;
    const n = ctx.symbols().length;
    if (n === 1) ctx.buy(bar.symbol);
    else ctx.buy(bar.symbol, ctx.size.pctEquity(95 / n));
  }
}
