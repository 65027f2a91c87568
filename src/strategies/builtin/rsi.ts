// RSI mean reversion (the parity rules in docs/cli.md): buy when RSI crosses up through `lower` while flat; close when it
// crosses down through `upper` while long. Wilder smoothing seeded with a simple average.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { CrossOver } from '../../indicators/crossover.ts';
import { RSI } from '../../indicators/rsi.ts';
import type { StrategyContext } from '../context.ts';
import { PerSymbol, Strategy } from '../strategy.ts';

const schema = z
  .object({
    period: z.number().int().min(2).default(14).describe('RSI period'),
    lower: z.number().min(0).max(100).default(30).describe('buy on the cross up through this level'),
    upper: z.number().min(0).max(100).default(70).describe('sell on the cross down through this level'),
  })
  .refine((c) => c.lower < c.upper, { message: 'lower must be below upper', path: ['lower'] });

export class RsiStrategy extends Strategy<z.infer<typeof schema>> {
  static readonly schema = schema;
  static readonly description = 'Buys when RSI crosses up through lower; closes when it crosses down through upper. Long only.';
  readonly #state = new PerSymbol(() => ({ rsi: new RSI(this.config.period), up: new CrossOver(), down: new CrossOver() }));

  override onBar(bar: Bar, ctx: StrategyContext): void {
    const s = this.#state.get(bar.symbol);
    const rsi = s.rsi.update(bar.close);
    const crossLower = s.up.step(rsi, rsi === null ? null : this.config.lower);
    const crossUpper = s.down.step(rsi, rsi === null ? null : this.config.upper);
    const pos = ctx.position(bar.symbol);
    if (crossLower === 1 && pos.isFlat) ctx.buy(bar.symbol);
    else if (crossUpper === -1 && pos.isLong) ctx.close(bar.symbol);
  }
}
