// MACD trend following: buy when the MACD line crosses above its signal line while flat; close on the
// cross below while long. Long only.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { CrossOver } from '../../indicators/crossover.ts';
import { MACD } from '../../indicators/momentum.ts';
import type { StrategyContext } from '../context.ts';
import { PerSymbol, Strategy } from '../strategy.ts';

const schema = z
  .object({
    fast: z.number().int().positive().default(12).describe('fast EMA period'),
    slow: z.number().int().positive().default(26).describe('slow EMA period'),
    signal: z.number().int().positive().default(9).describe('signal EMA period'),
  })
  .refine((c) => c.fast < c.slow, { message: 'fast must be shorter than slow', path: ['fast'] });

export class MacdStrategy extends Strategy<z.infer<typeof schema>> {
  static readonly schema = schema;
  static readonly description = 'Buys when MACD crosses above its signal line; closes on the cross below. Long only.';
  readonly #state = new PerSymbol(() => ({ macd: new MACD(this.config.fast, this.config.slow, this.config.signal), cross: new CrossOver() }));

  override onBar(bar: Bar, ctx: StrategyContext): void {
    const s = this.#state.get(bar.symbol);
    const m = s.macd.update(bar.close);
    const cross = s.cross.step(m === null ? null : m.macd, m === null ? null : m.signal);
    if (cross === 1) {
      if (ctx.position(bar.symbol).isFlat) ctx.buy(bar.symbol);
    } else if (cross === -1 && ctx.position(bar.symbol).isLong) ctx.close(bar.symbol);
  }
}
