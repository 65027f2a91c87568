// Multi-timeframe trend: the bars are resampled (calendar weeks by default) with a streaming
// Resampler; the higher-timeframe trend is up when the last *completed* higher-timeframe close is
// above its SMA(`trendPeriod`), down when below. On the base bars, go long when SMA(fast) > SMA(slow)
// and the trend is up; with `allowShort`, short when SMA(fast) < SMA(slow) and the trend is down;
// otherwise flat. A week is complete only when a bar of the next week arrives, so a Wednesday uses
// the week that ended the Sunday before, never the week in progress.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { parseTimeframe, Resampler, type Timeframe } from '../../data/resample.ts';
import { SMA } from '../../indicators/sma.ts';
import { SignalStrategy, type SignalModel, type SignalModelDef } from '../signal.ts';

const schema = z
  .object({
    timeframe: z
      .union([z.string(), z.number()])
      .superRefine((v, ctx) => {
        try {
          parseTimeframe(v);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
        }
      })
      .default('W')
      .describe('higher timeframe: W (weeks from Monday, UTC), M (months), 4h, 1d, ... or ms'),
    trendPeriod: z.number().int().min(1).default(10).describe('SMA period of the trend, in higher-timeframe bars'),
    fast: z.number().int().min(1).default(5).describe('fast SMA period on the base bars'),
    slow: z.number().int().min(2).default(20).describe('slow SMA period on the base bars'),
    allowShort: z.boolean().default(false).describe('also trade the short side in a downtrend (needs a margin account)'),
  })
  .refine((c) => c.fast < c.slow, { message: 'fast must be shorter than slow', path: ['fast'] });
export type MtfTrendParams = z.infer<typeof schema>;

const DESCRIPTION =
  'Trades the base bars only in the direction of the higher-timeframe trend (last completed weekly close vs its SMA): long while SMA(fast) > SMA(slow) in an uptrend; with allowShort, short while below in a downtrend.';

export class MtfTrendModel implements SignalModel {
  readonly timeframe: Timeframe;
  readonly #resampler: Resampler;
  readonly #trendSma: SMA;
  readonly #fast: SMA;
  readonly #slow: SMA;
  #trend: -1 | 0 | 1 | null = null;
  #completed: Bar | null = null;

  constructor(readonly params: MtfTrendParams) {
    this.timeframe = parseTimeframe(params.timeframe);
    this.#resampler = new Resampler(this.timeframe);
    this.#trendSma = new SMA(params.trendPeriod);
    this.#fast = new SMA(params.fast);
    this.#slow = new SMA(params.slow);
  }

  /** The last completed higher-timeframe bar: the one the current trend comes from. */
  get completed(): Bar | null {
    return this.#completed;
  }

  /** Trend of the last completed higher-timeframe bar vs its SMA (null while warming up). */
  get trend(): -1 | 0 | 1 | null {
    return this.#trend;
  }

  update(bar: Bar): number | null {
    const done = this.#resampler.update(bar);
    if (done !== null) {
      this.#completed = done;
      const sma = this.#trendSma.update(done.close);
      this.#trend = sma === null ? null : done.close > sma ? 1 : done.close < sma ? -1 : 0;
    }
    const fast = this.#fast.update(bar.close);
    const slow = this.#slow.update(bar.close);
    if (this.#trend === null || fast === null || slow === null) return null;
    if (this.#trend === 1 && fast > slow) return 1;
    if (this.#trend === -1 && fast < slow && this.params.allowShort) return -1;
    return 0;
  }
}

export const mtfTrendModel: SignalModelDef<MtfTrendParams> = {
  name: 'mtf-trend', description: DESCRIPTION, schema, create: (p) => new MtfTrendModel(p),
};

export class MtfTrend extends SignalStrategy<MtfTrendParams> {
  static readonly schema = schema;
  static readonly description = DESCRIPTION;
  protected createModel(): SignalModel {
    return new MtfTrendModel(this.config);
  }
}
