// Z-score mean reversion: z = (close - mean) / population std of the last `period` closes (the
// current one included). Buy when z < -entry; exit once z has come back to -exit or above
// (|z| < exit, or an overshoot). With `allowShort`, short when z > entry and cover at z <= exit.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { ZScore } from '../../indicators/volatility.ts';
import { SignalStrategy, type SignalModel, type SignalModelDef } from '../signal.ts';

const schema = z
  .object({
    period: z.number().int().min(2).default(20).describe('closes in the rolling mean and standard deviation'),
    entry: z.number().positive().default(2).describe('enter when |z| exceeds this (long below -entry, short above entry)'),
    exit: z.number().min(0).default(0.5).describe('exit when z is back within this of the mean (|z| < exit) or beyond it'),
    allowShort: z.boolean().default(false).describe('also trade the short side (needs a margin account)'),
  })
  .refine((c) => c.exit < c.entry, { message: 'exit must be below entry', path: ['exit'] });
export type ZScoreReversionParams = z.infer<typeof schema>;

const DESCRIPTION =
  'Buys when the z-score of the close against its rolling mean/std falls below -entry; closes when it is back above -exit. With allowShort, shorts above entry and covers below exit.';

export class ZScoreModel implements SignalModel {
  readonly #z: ZScore;
  #target = 0;

  constructor(readonly params: ZScoreReversionParams) {
    this.#z = new ZScore(params.period);
  }

  /** The latest z-score (null while warming up). */
  get z(): number | null {
    return this.#z.value;
  }

  update(bar: Bar): number | null {
    const z = this.#z.update(bar.close);
    if (z === null) return null;
    const { entry, exit, allowShort } = this.params;
    let t = this.#target;
    if (t === 1 && z >= -exit) t = 0;
    else if (t === -1 && z <= exit) t = 0;
    if (t === 0) {
      if (z < -entry) t = 1;
      else if (allowShort && z > entry) t = -1;
    }
    return (this.#target = t);
  }
}

export const zscoreModel: SignalModelDef<ZScoreReversionParams> = {
  name: 'zscore-reversion', description: DESCRIPTION, schema, create: (p) => new ZScoreModel(p),
};

export class ZScoreReversion extends SignalStrategy<ZScoreReversionParams> {
  static readonly schema = schema;
  static readonly description = DESCRIPTION;
  protected createModel(): SignalModel {
    return new ZScoreModel(this.config);
  }
}
