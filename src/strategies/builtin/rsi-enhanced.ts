// RSI with confirmation: buy when RSI crosses up through `lower` on a bar whose volume exceeds
// `volumeFactor` x the average volume of the previous `volumePeriod` bars, while the close is above
// its SMA(`trendPeriod`). Exit when RSI crosses down through `upper`, or `maxBars` bars after the
// entry signal, whichever comes first. Long only.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { CrossOver } from '../../indicators/crossover.ts';
import { RSI } from '../../indicators/rsi.ts';
import { SMA } from '../../indicators/sma.ts';
import { SignalStrategy, type SignalModel, type SignalModelDef } from '../signal.ts';

const schema = z
  .object({
    period: z.number().int().min(2).default(14).describe('RSI period'),
    lower: z.number().min(0).max(100).default(30).describe('buy on the RSI cross up through this level'),
    upper: z.number().min(0).max(100).default(70).describe('exit on the RSI cross down through this level'),
    volumePeriod: z.number().int().min(1).default(20).describe('bars in the average volume (the bars before the signal bar)'),
    volumeFactor: z.number().min(0).default(1.5).describe('the signal bar needs volume > volumeFactor x average volume'),
    trendPeriod: z.number().int().min(1).default(200).describe('trend filter: the close must be above SMA(trendPeriod)'),
    maxBars: z.number().int().min(0).default(10).describe('exit this many bars after the entry signal (0 = no time exit)'),
  })
  .refine((c) => c.lower < c.upper, { message: 'lower must be below upper', path: ['lower'] });
export type RsiEnhancedParams = z.infer<typeof schema>;

const DESCRIPTION =
  'Buys when RSI crosses up through lower on volume above volumeFactor x its average, with the close above SMA(trendPeriod); closes when RSI crosses down through upper or maxBars bars after entry. Long only.';

export class RsiEnhancedModel implements SignalModel {
  readonly #rsi: RSI;
  readonly #up = new CrossOver();
  readonly #down = new CrossOver();
  readonly #volume: SMA;
  readonly #trend: SMA;
  #target = 0;
  #held = 0;

  constructor(readonly params: RsiEnhancedParams) {
    this.#rsi = new RSI(params.period);
    this.#volume = new SMA(params.volumePeriod);
    this.#trend = new SMA(params.trendPeriod);
  }

  update(bar: Bar): number | null {
    const p = this.params;
    const avgVolume = this.#volume.value; // of the bars before this one
    this.#volume.update(bar.volume);
    const trend = this.#trend.update(bar.close);
    const rsi = this.#rsi.update(bar.close);
    const up = this.#up.step(rsi, rsi === null ? null : p.lower);
    const down = this.#down.step(rsi, rsi === null ? null : p.upper);
    if (rsi === null || trend === null || avgVolume === null) return null;
    if (this.#target === 1) {
      this.#held++;
      if (down === -1 || (p.maxBars > 0 && this.#held >= p.maxBars)) this.#target = 0;
    } else if (up === 1 && bar.volume > p.volumeFactor * avgVolume && bar.close > trend) {
      this.#target = 1;
      this.#held = 0;
    }
    return this.#target;
  }
}

export const rsiEnhancedModel: SignalModelDef<RsiEnhancedParams> = {
  name: 'rsi-enhanced', description: DESCRIPTION, schema, create: (p) => new RsiEnhancedModel(p),
};

export class RsiEnhanced extends SignalStrategy<RsiEnhancedParams> {
  static readonly schema = schema;
  static readonly description = DESCRIPTION;
  protected createModel(): SignalModel {
    return new RsiEnhancedModel(this.config);
  }
}
