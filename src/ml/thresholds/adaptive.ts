// Entry and exit thresholds that adapt to a model's recent scores and to volatility: enter long when the
// score tops the rolling q-quantile of the last N scores (short below the (1-q)-quantile), exit when it
// falls back past the rolling median; when realized volatility is high against its own history the
// entry tail narrows (1 - q shrinks by the volatility ratio), so the same model trades less in noise.
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import { SortedWindow } from './sorted-window.ts';

export const AdaptiveThresholdSchema = z
  .object({
    /** Scores the quantiles are taken over (the current score is compared with the previous `window`). */
    window: z.number().int().min(2).default(250),
    /** Scores needed before any signal. */
    minHistory: z.number().int().min(1).default(50),
    /** Long entry above this quantile of the window; short entry below 1 - entryQuantile. */
    entryQuantile: z.number().gt(0.5).lt(1).default(0.9),
    /** A long exits below this quantile, a short above 1 - exitQuantile (0.5: the median). */
    exitQuantile: z.number().min(0.5).lt(1).default(0.5),
    allowShort: z.boolean().default(true),
    /** Volatility values the current one is compared with (their median). */
    volWindow: z.number().int().min(2).default(250),
    /** How hard volatility narrows the entry tail: tail = (1 - q) / max(1, vol / median vol)^volPower; 0 turns it off. */
    volPower: z.number().min(0).default(1),
    /** Optional absolute guards: never long at or below longFloor, never short at or above shortCeiling. */
    longFloor: z.number().optional(),
    shortCeiling: z.number().optional(),
  })
  .refine((c) => c.exitQuantile < c.entryQuantile, { message: 'exitQuantile must be below entryQuantile', path: ['exitQuantile'] })
  .refine((c) => c.minHistory <= c.window, { message: 'minHistory must not exceed window', path: ['minHistory'] });
export type AdaptiveThresholdConfig = z.input<typeof AdaptiveThresholdSchema>;
export type AdaptiveThresholdParams = z.output<typeof AdaptiveThresholdSchema>;

export function parseAdaptiveThreshold(config: AdaptiveThresholdConfig = {}): AdaptiveThresholdParams {
  const r = AdaptiveThresholdSchema.safeParse(config);
  if (!r.success) throw new ConfigError(`adaptive threshold: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** One bar's decision. `exit` and an entry can both be true (a reversal). */
export interface ThresholdSignal {
  enterLong: boolean;
  enterShort: boolean;
  exit: boolean;
  /** The position the signals leave: 1 long, -1 short, 0 flat. */
  position: -1 | 0 | 1;
  /** The thresholds this bar was judged against (NaN while warming up). */
  upper: number;
  lower: number;
  exitLong: number;
  exitShort: number;
  /** Current volatility over its rolling median (1 when unknown). */
  volRatio: number;
}

export class AdaptiveThreshold {
  readonly params: AdaptiveThresholdParams;
  readonly #scores: SortedWindow;
  readonly #vols: SortedWindow;
  readonly #out: ThresholdSignal = { enterLong: false, enterShort: false, exit: false, position: 0, upper: NaN, lower: NaN, exitLong: NaN, exitShort: NaN, volRatio: 1 };

  constructor(config: AdaptiveThresholdConfig = {}) {
    this.params = parseAdaptiveThreshold(config);
    this.#scores = new SortedWindow(this.params.window);
    this.#vols = new SortedWindow(this.params.volWindow);
  }

  get position(): -1 | 0 | 1 {
    return this.#out.position;
  }

  /**
   * Judges `score` against the previous scores and `vol` (NaN or omitted: no volatility adjustment)
   * against the previous volatilities, then adds both to the history. Returns a view reused by the
   * next call. A NaN score gives no signal and is not recorded.
   */
  update(score: number, vol = NaN): ThresholdSignal {
    const p = this.params;
    const o = this.#out;
    o.enterLong = o.enterShort = o.exit = false;
    o.volRatio = 1;
    if (!Number.isNaN(vol) && this.#vols.count >= p.minHistory) {
      const med = this.#vols.quantile(0.5);
      if (med > 0) o.volRatio = vol / med;
    }
    if (this.#scores.count < p.minHistory || Number.isNaN(score)) {
      o.upper = o.lower = o.exitLong = o.exitShort = NaN;
    } else {
      const tail = (1 - p.entryQuantile) / Math.max(1, o.volRatio) ** p.volPower;
      const w = this.#scores;
      o.upper = w.quantile(1 - tail);
      o.lower = w.quantile(tail);
      o.exitLong = w.quantile(p.exitQuantile);
      o.exitShort = w.quantile(1 - p.exitQuantile);
      this.#decide(score);
    }
    this.#scores.push(score);
    this.#vols.push(vol);
    return o;
  }

  #decide(score: number): void {
    const p = this.params;
    const o = this.#out;
    if (o.position === 1 && score < o.exitLong) {
      o.exit = true;
      o.position = 0;
    } else if (o.position === -1 && score > o.exitShort) {
      o.exit = true;
      o.position = 0;
    }
    if (o.position === 0) {
      if (score > o.upper && (p.longFloor === undefined || score > p.longFloor)) {
        o.enterLong = true;
        o.position = 1;
      } else if (p.allowShort && score < o.lower && (p.shortCeiling === undefined || score < p.shortCeiling)) {
        o.enterShort = true;
        o.position = -1;
      }
    }
  }

  reset(): void {
    this.#scores.reset();
    this.#vols.reset();
    Object.assign(this.#out, { enterLong: false, enterShort: false, exit: false, position: 0, upper: NaN, lower: NaN, exitLong: NaN, exitShort: NaN, volRatio: 1 });
  }
}

/** Per-bar signals of a whole score series. */
export interface ThresholdSignals {
  /** Position held after each bar's signals: 1, 0 or -1. */
  readonly position: Int8Array;
  readonly enterLong: Uint8Array;
  readonly enterShort: Uint8Array;
  readonly exit: Uint8Array;
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  /** Number of entries (long and short). */
  readonly entries: number;
}

/** The streaming threshold folded over a series (vols: same length, or omitted for no volatility input). */
export function adaptiveThresholdSignals(scores: ArrayLike<number>, vols?: ArrayLike<number>, config: AdaptiveThresholdConfig = {}): ThresholdSignals {
  const t = new AdaptiveThreshold(config);
  const n = scores.length;
  const out = blank(n);
  let entries = 0;
  for (let i = 0; i < n; i++) {
    const s = t.update(scores[i]!, vols ? vols[i]! : NaN);
    out.position[i] = s.position;
    out.enterLong[i] = s.enterLong ? 1 : 0;
    out.enterShort[i] = s.enterShort ? 1 : 0;
    out.exit[i] = s.exit ? 1 : 0;
    out.upper[i] = s.upper;
    out.lower[i] = s.lower;
    if (s.enterLong || s.enterShort) entries++;
  }
  return { ...out, entries };
}

/**
 * The baseline: fixed thresholds (long above `upper`, short below `lower`, flat in between; with the
 * default 0.5/0.5 a classifier's probability is always long or short). For comparisons.
 */
export function fixedThresholdSignals(scores: ArrayLike<number>, upper = 0.5, lower = upper, allowShort = true): ThresholdSignals {
  const n = scores.length;
  const out = blank(n);
  let pos = 0;
  let entries = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    const next = s > upper ? 1 : allowShort && s < lower ? -1 : Number.isNaN(s) ? pos : 0;
    if (next !== pos) {
      if (pos !== 0) out.exit[i] = 1;
      if (next === 1) out.enterLong[i] = 1;
      if (next === -1) out.enterShort[i] = 1;
      if (next !== 0) entries++;
      pos = next;
    }
    out.position[i] = pos;
    out.upper[i] = upper;
    out.lower[i] = lower;
  }
  return { ...out, entries };
}

function blank(n: number): Omit<ThresholdSignals, 'entries'> {
  return { position: new Int8Array(n), enterLong: new Uint8Array(n), enterShort: new Uint8Array(n), exit: new Uint8Array(n), upper: new Float64Array(n), lower: new Float64Array(n) };
}
