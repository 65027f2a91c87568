// Donchian channel breakout (the turtle rule): go long on a close above the highest high of the
// previous `entry` bars, exit on a close below the lowest low of the previous `exit` bars. With
// `allowShort` (a margin account), the mirror image on the short side.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { Donchian } from '../../indicators/volatility.ts';
import { SignalStrategy, type SignalModel, type SignalModelDef } from '../signal.ts';

const schema = z.object({
  entry: z.number().int().min(1).default(20).describe('breakout channel: bars before the current one whose high (low) a close must exceed to enter'),
  exit: z.number().int().min(1).default(10).describe('exit channel: bars before the current one whose low (high) a close must break to exit'),
  allowShort: z.boolean().default(false).describe('also trade the short side (needs a margin account)'),
});
export type DonchianBreakoutParams = z.infer<typeof schema>;

const DESCRIPTION =
  'Buys on a close above the highest high of the previous `entry` bars; closes on a close below the lowest low of the previous `exit` bars. With allowShort, shorts the mirror image.';

export class DonchianModel implements SignalModel {
  readonly #entry: Donchian;
  readonly #exit: Donchian;
  #target = 0;

  constructor(readonly params: DonchianBreakoutParams) {
    this.#entry = new Donchian(params.entry);
    this.#exit = new Donchian(params.exit);
  }

  update(bar: Bar): number | null {
    // The channels of the bars before this one: read before adding the current bar.
    const enter = this.#entry.value;
    const exit = this.#exit.value;
    this.#entry.update(bar);
    this.#exit.update(bar);
    if (enter === null || exit === null) return null;
    const c = bar.close;
    const short = this.params.allowShort;
    let t = this.#target;
    if (t === 1 && c < exit.lower) t = 0;
    else if (t === -1 && c > exit.upper) t = 0;
    if (t === 0) {
      if (c > enter.upper) t = 1;
      else if (short && c < enter.lower) t = -1;
    }
    return (this.#target = t);
  }
}

export const donchianModel: SignalModelDef<DonchianBreakoutParams> = {
  name: 'donchian-breakout', description: DESCRIPTION, schema, create: (p) => new DonchianModel(p),
};

export class DonchianBreakout extends SignalStrategy<DonchianBreakoutParams> {
  static readonly schema = schema;
  static readonly description = DESCRIPTION;
  protected createModel(): SignalModel {
    return new DonchianModel(this.config);
  }
}
