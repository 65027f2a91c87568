// Bollinger mean reversion: buy when the close crosses below the lower band while flat; close when it
// crosses back above the middle band (or the upper band, `exit=upper`) while long. Long only.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { CrossOver } from '../../indicators/crossover.ts';
import { Bollinger } from '../../indicators/volatility.ts';
import type { StrategyContext } from '../context.ts';
import { PerSymbol, Strategy } from '../strategy.ts';

const schema = z.object({
  period: z.number().int().min(2).default(20).describe('SMA period of the middle band'),
  mult: z.number().positive().default(2).describe('band width in standard deviations'),
  exit: z.enum(['middle', 'upper']).default('middle').describe('band whose upward cross closes the position'),
});

export class BollingerReversion extends Strategy<z.infer<typeof schema>> {
  static readonly schema = schema;
  static readonly description = 'Buys when close crosses below the lower band; closes when it crosses above the middle (or upper) band. Long only.';
  readonly #state = new PerSymbol(() => ({ bands: new Bollinger(this.config.period, this.config.mult), entry: new CrossOver(), exit: new CrossOver() }));

  override onBar(bar: Bar, ctx: StrategyContext): void {
    const s = this.#state.get(bar.symbol);
    const b = s.bands.update(bar.close);
    const below = s.entry.step(bar.close, b === null ? null : b.lower);
    const above = s.exit.step(bar.close, b === null ? null : this.config.exit === 'middle' ? b.middle : b.upper);
    const pos = ctx.position(bar.symbol);
    if (below === -1 && pos.isFlat) ctx.buy(bar.symbol);
    else if (above === 1 && pos.isLong) ctx.close(bar.symbol);
  }
}
