// Volume-profile mean reversion: the profile of the `period` bars before the current one gives a
// point of control (POC) and a value area (VAL..VAH holding `valueArea` of the volume). A close
// outside the value area is expected to travel back to the POC: buy a close below VAL, exit at the
// POC; with `allowShort`, sell a close above VAH, cover at the POC. A close a further `stop`
// value-area widths beyond the entry side stops the trade out, and that side is not traded again
// until a close is back inside the value area.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { RingWindow } from '../../indicators/window.ts';
import { volumeProfile, type VolumeProfile } from '../math/volume-profile.ts';
import { SignalStrategy, type SignalModel, type SignalModelDef } from '../signal.ts';

const schema = z.object({
  period: z.number().int().min(2).default(50).describe('bars before the current one in the rolling profile'),
  binSize: z.number().min(0).default(0).describe('price bin width; 0 = (highest high - lowest low of the window) / bins'),
  bins: z.number().int().min(2).default(24).describe('number of bins when binSize is 0'),
  valueArea: z.number().gt(0).max(1).default(0.7).describe('share of the volume in the value area around the POC'),
  stop: z.number().min(0).default(1).describe('stop when the close is this many value-area widths beyond VAL (long) or VAH (short) at entry; 0 = no stop'),
  allowShort: z.boolean().default(false).describe('also sell closes above VAH (needs a margin account)'),
});
export type VolumeProfileParams = z.infer<typeof schema>;

const DESCRIPTION =
  'Mean reversion to the point of control of a rolling volume profile: buys a close below the value area (VAL), exits at the POC or at a stop beyond VAL; with allowShort, the mirror above VAH.';

export class VolumeProfileModel implements SignalModel {
  readonly #highs: RingWindow;
  readonly #lows: RingWindow;
  readonly #volumes: RingWindow;
  #target = 0;
  #stopLevel = NaN;
  /** A side stopped out: 1 = no new long until a close at or above VAL, -1 the short mirror. */
  #blocked = 0;
  /** The profile of the bars before the latest one (null until `period` bars are in). */
  profile: VolumeProfile | null = null;

  constructor(readonly params: VolumeProfileParams) {
    this.#highs = new RingWindow(params.period);
    this.#lows = new RingWindow(params.period);
    this.#volumes = new RingWindow(params.period);
  }

  update(bar: Bar): number | null {
    const warm = this.#highs.isFull;
    const p = warm ? this.#profile() : null;
    this.profile = p;
    this.#highs.push(bar.high);
    this.#lows.push(bar.low);
    this.#volumes.push(bar.volume);
    if (!warm) return null;
    // A window without a price range has no profile: hold what there is.
    if (p === null) return this.#target;
    const c = bar.close;
    const width = p.vah - p.val;
    const { stop, allowShort } = this.params;
    let t = this.#target;
    if (t === 1 && (c >= p.poc || c < this.#stopLevel)) {
      if (c < this.#stopLevel) this.#blocked = 1;
      t = 0;
    } else if (t === -1 && (c <= p.poc || c > this.#stopLevel)) {
      if (c > this.#stopLevel) this.#blocked = -1;
      t = 0;
    }
    if (this.#blocked === 1 && c >= p.val) this.#blocked = 0;
    if (this.#blocked === -1 && c <= p.vah) this.#blocked = 0;
    if (t === 0 && this.#target === 0) {
      if (c < p.val && this.#blocked !== 1) {
        t = 1;
        this.#stopLevel = stop > 0 ? p.val - stop * width : -Infinity;
      } else if (allowShort && c > p.vah && this.#blocked !== -1) {
        t = -1;
        this.#stopLevel = stop > 0 ? p.vah + stop * width : Infinity;
      }
    }
    return (this.#target = t);
  }

  #profile(): VolumeProfile | null {
    const { binSize, bins, valueArea } = this.params;
    const highs = this.#highs.buf;
    const lows = this.#lows.buf;
    if (binSize > 0) return volumeProfile(highs, lows, this.#volumes.buf, { binSize, valueArea });
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < lows.length; i++) {
      lo = Math.min(lo, lows[i]!);
      hi = Math.max(hi, highs[i]!);
    }
    if (!(hi > lo)) return null;
    return volumeProfile(highs, lows, this.#volumes.buf, { binSize: (hi - lo) / bins, anchor: lo, valueArea });
  }
}

export const volumeProfileModel: SignalModelDef<VolumeProfileParams> = {
  name: 'volume-profile', description: DESCRIPTION, schema, create: (p) => new VolumeProfileModel(p),
};

export class VolumeProfileReversion extends SignalStrategy<VolumeProfileParams> {
  static readonly schema = schema;
  static readonly description = DESCRIPTION;
  protected createModel(): SignalModel {
    return new VolumeProfileModel(this.config);
  }
}
