// Dual moving-average crossover (the parity rules in docs/cli.md): buy when SMA(fast) crosses above SMA(slow) while flat,
// close when it crosses below while long. Long only.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { CrossOver } from '../../indicators/crossover.ts';
import type { StrategyContext } from '../context.ts';
import { PerSymbol, Strategy } from '../strategy.ts';

const schema = z
  .object({
    fast: z.number().int().positive().default(10).describe('fast SMA period'),
    slow: z.number().int().positive().default(30).describe('slow SMA period'),
  })
  .refine((c) => c.fast < c.slow, { message: 'fast must be shorter than slow', path: ['fast'] });

export class SmaCross extends Strategy<z.infer<typeof schema>> {
  static readonly schema = schema;
  static readonly description = 'Buys when SMA(fast) crosses above SMA(slow); closes on the cross below. Long only.';
  /** The context of the bar being handled: per-symbol state is made on a symbol's first bar. */
  #ctx: StrategyContext | undefined;
  readonly #state = new PerSymbol((symbol) => ({
    fast: this.#ctx!.indicator(symbol, 'sma', { period: this.config.fast }),
    slow: this.#ctx!.indicator(symbol, 'sma', { period: this.config.slow }),
    cross: new CrossOver(),
  }));

  override onBar(bar: Bar, ctx: StrategyContext): void {
    this.#ctx = ctx;
    const s = this.#state.get(bar.symbol);
    const cross = s.cross.step(s.fast.value, s.slow.value);
    if (cross === 1) {
      if (ctx.position(bar.symbol).isFlat) ctx.buy(bar.symbol);
    } else if (cross === -1 && ctx.position(bar.symbol).isLong) ctx.close(bar.symbol);
  }
}
