// Smart-money divergence: price and volume flow disagree at an extreme. A bullish divergence is a bar
// whose low is below the lowest low of the `lookback` bars before it while the flow indicator (OBV,
// CMF or MFI, or a vote of the three) is higher than it was at that earlier low: sellers pushed the
// price lower on weaker flow. It is confirmed when, within `confirm` bars, a close rises above the
// divergence bar's high; the strategy then goes long. The long is closed on a close below the
// divergence low (its stop), `maxBars` bars after the entry signal, or on a confirmed bearish
// divergence (the mirror image), which with `allowShort` also opens a short.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { OBV, CMF } from '../../indicators/volume.ts';
import { MFI } from '../../indicators/oscillators.ts';
import { RingWindow } from '../../indicators/window.ts';
import { SignalStrategy, type SignalModel, type SignalModelDef } from '../signal.ts';

const INDICATORS = ['obv', 'cmf', 'mfi', 'vote'] as const;

const schema = z
  .object({
    indicator: z.enum(INDICATORS).default('vote').describe('flow indicator: obv, cmf, mfi, or vote (at least `votes` of the three agree)'),
    votes: z.number().int().min(1).max(3).default(2).describe('indicators that must diverge when indicator is vote'),
    lookback: z.number().int().min(2).default(20).describe('bars before the current one whose lowest low (highest high) a new extreme must pass'),
    flowPeriod: z.number().int().min(1).default(14).describe('period of CMF and MFI'),
    confirm: z.number().int().min(1).default(3).describe('bars after the divergence in which a close must pass its high (low) to confirm it'),
    maxBars: z.number().int().min(0).default(20).describe('exit this many bars after the entry signal; 0 = no time exit'),
    allowShort: z.boolean().default(false).describe('also trade bearish divergences short (needs a margin account)'),
  });
export type SmartMoneyDivergenceParams = z.infer<typeof schema>;

const DESCRIPTION =
  'Buys a confirmed bullish divergence: a lower low over the lookback while OBV/CMF/MFI (or a vote of them) makes a higher low, confirmed by a close above the divergence bar high; stop at the divergence low. Bearish mirror exits (or shorts).';

/** A divergence waiting for confirmation. */
interface Pending {
  readonly dir: 1 | -1;
  /** Close beyond this confirms it (the divergence bar's high for a bullish one). */
  readonly trigger: number;
  /** The divergence bar's low (bullish) or high (bearish): the trade's stop. */
  readonly stop: number;
  /** Last bar number on which it can be confirmed. */
  readonly until: number;
}

/** A divergence found by the model (for inspection and tests). */
export interface Divergence {
  readonly tsMs: number;
  readonly dir: 1 | -1;
  /** Indicators that diverged, in the order obv, cmf, mfi. */
  readonly by: readonly string[];
}

export class SmartMoneyDivergenceModel implements SignalModel {
  readonly #obv = new OBV();
  readonly #cmf: CMF;
  readonly #mfi: MFI;
  readonly #highs: RingWindow;
  readonly #lows: RingWindow;
  /** Indicator values (obv, cmf, mfi) of the bars in the window. */
  readonly #flows: RingWindow[];
  readonly #use: readonly boolean[];
  readonly #need: number;
  #n = 0;
  #pending: Pending | null = null;
  #target = 0;
  #stop = NaN;
  #entryBar = -1;
  readonly divergences: Divergence[] = [];

  constructor(readonly params: SmartMoneyDivergenceParams) {
    this.#cmf = new CMF(params.flowPeriod);
    this.#mfi = new MFI(params.flowPeriod);
    this.#highs = new RingWindow(params.lookback);
    this.#lows = new RingWindow(params.lookback);
    this.#flows = [0, 1, 2].map(() => new RingWindow(params.lookback));
    const ind = params.indicator;
    this.#use = ['obv', 'cmf', 'mfi'].map((name) => ind === 'vote' || ind === name);
    this.#need = ind === 'vote' ? params.votes : 1;
  }

  update(bar: Bar): number | null {
    const values = [this.#obv.update(bar), this.#cmf.update(bar), this.#mfi.update(bar)];
    const n = this.#n++;
    if (values.some((v, i) => this.#use[i] && v === null)) return null;
    const ready = this.#lows.isFull;
    const found = ready ? this.#divergence(bar, values as number[]) : 0;
    this.#highs.push(bar.high);
    this.#lows.push(bar.low);
    this.#flows.forEach((w, i) => w.push(values[i] ?? NaN));
    if (!ready) return null;

    if (found !== 0) this.#pending = { dir: found, trigger: found === 1 ? bar.high : bar.low, stop: found === 1 ? bar.low : bar.high, until: n + this.params.confirm };
    else if (this.#pending !== null) {
      const p = this.#pending;
      // A new extreme beyond the divergence without a divergence of its own cancels it; so does time.
      if (n > p.until || (p.dir === 1 ? bar.low < p.stop : bar.high > p.stop)) this.#pending = null;
    }
    let confirmed = 0;
    const p = this.#pending;
    if (p !== null && found === 0 && (p.dir === 1 ? bar.close > p.trigger : bar.close < p.trigger)) {
      confirmed = p.dir;
      this.#pending = null;
    }

    let t = this.#target;
    const c = bar.close;
    const { maxBars, allowShort } = this.params;
    const timeUp = maxBars > 0 && n - this.#entryBar >= maxBars;
    if (t === 1 && (c < this.#stop || timeUp || confirmed === -1)) t = 0;
    else if (t === -1 && (c > this.#stop || timeUp || confirmed === 1)) t = 0;
    // No new trade on the bar that closed one, except the reversal a confirmation itself calls for.
    const closedNow = this.#target !== 0 && t === 0;
    if (t === 0 && confirmed !== 0 && (confirmed === 1 || allowShort) && (!closedNow || confirmed === -this.#target)) {
      t = confirmed;
      this.#stop = p!.stop;
      this.#entryBar = n;
    }
    return (this.#target = t);
  }

  /** 1 bullish, -1 bearish, 0 none: this bar's extreme against the window before it. */
  #divergence(bar: Bar, values: readonly number[]): -1 | 0 | 1 {
    const lows = this.#lows;
    const highs = this.#highs;
    // The earlier extreme: the lowest low (highest high) of the window, the most recent on a tie.
    let lo = 0;
    let hi = 0;
    for (let i = 1; i < lows.count; i++) {
      if (lows.at(i) <= lows.at(lo)) lo = i;
      if (highs.at(i) >= highs.at(hi)) hi = i;
    }
    const bull = bar.low < lows.at(lo);
    const bear = bar.high > highs.at(hi);
    if (bull === bear) return 0; // neither, or an outside bar through both extremes
    const at = bull ? lo : hi;
    const by: string[] = [];
    ['obv', 'cmf', 'mfi'].forEach((name, i) => {
      if (!this.#use[i]) return;
      const before = this.#flows[i]!.at(at);
      const now = values[i]!;
      if (bull ? now > before : now < before) by.push(name);
    });
    if (by.length < this.#need) return 0;
    const dir = bull ? 1 : -1;
    this.divergences.push({ tsMs: bar.tsEventMs, dir, by });
    return dir;
  }
}

export const smartMoneyDivergenceModel: SignalModelDef<SmartMoneyDivergenceParams> = {
  name: 'smart-money-divergence', description: DESCRIPTION, schema, create: (p) => new SmartMoneyDivergenceModel(p),
};

export class SmartMoneyDivergence extends SignalStrategy<SmartMoneyDivergenceParams> {
  static readonly schema = schema;
  static readonly description = DESCRIPTION;
  protected createModel(): SignalModel {
    return new SmartMoneyDivergenceModel(this.config);
  }
}
