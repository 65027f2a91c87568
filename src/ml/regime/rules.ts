// Rule-based regimes: trend (return over a window against a threshold) x volatility (realized volatility
// against its own rolling percentile), plus crisis (a deep drawdown while volatility is in its top
// percentile). Streaming and causal: the label of bar i reads bars 0..i only.
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import type { BarSeries } from '../../model/bar.ts';
import { SortedWindow } from '../thresholds/sorted-window.ts';
import { REGIME_CODE, REGIME_NAMES, UNKNOWN_REGIME } from './names.ts';

/** Defaults suit daily bars (a 50-day trend, a one-year volatility history). */
export const RegimeRulesSchema = z
  .object({
    /** Bars over which the trend return is measured. */
    trendWindow: z.number().int().min(1).default(50),
    /** Bull when the log return over trendWindow exceeds this, bear when it is below its negative. */
    trendThreshold: z.number().nonnegative().default(0.05),
    /** Bars of log returns in the realized volatility (root mean square). */
    volWindow: z.number().int().min(2).default(20),
    /** Bars of realized volatility its percentile rank is taken against. */
    volLookback: z.number().int().min(2).default(252),
    /** Volatility values needed before a rank (and so a label) is given. */
    volMinHistory: z.number().int().min(1).default(60),
    /** Volatile when the volatility's percentile rank (mid-rank, current bar included) in its lookback is at least this. */
    volatileRank: z.number().min(0).max(1).default(0.7),
    /** Bars over which the drawdown's peak is taken. */
    drawdownWindow: z.number().int().min(1).default(252),
    /** Crisis needs a drawdown from that peak of at least this fraction... */
    crisisDrawdown: z.number().min(0).max(1).default(0.2),
    /** ...while volatility ranks at least this high. */
    crisisVolRank: z.number().min(0).max(1).default(0.9),
  })
  .refine((c) => c.volMinHistory <= c.volLookback, { message: 'volMinHistory must not exceed volLookback', path: ['volMinHistory'] });
export type RegimeRulesConfig = z.input<typeof RegimeRulesSchema>;
export type RegimeRules = z.output<typeof RegimeRulesSchema>;

export function parseRegimeRules(config: RegimeRulesConfig = {}): RegimeRules {
  const r = RegimeRulesSchema.safeParse(config);
  if (!r.success) throw new ConfigError(`regime rules: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** What the classifier measured at the latest bar (NaN while not defined). */
export interface RegimeReading {
  trendReturn: number;
  vol: number;
  volRank: number;
  drawdown: number;
}

export class RuleRegimeClassifier {
  readonly rules: RegimeRules;
  /** The last closes, a ring: bar n at n % length, which #slot tracks (ring positions move by one a bar, no division). */
  readonly #closes: Float64Array;
  /** The last volWindow log returns, a ring: bar n's return at (n − 1) % volWindow, which #retSlot tracks. */
  readonly #rets: Float64Array;
  #n = 0;
  #slot = 0;
  #retSlot = 0;
  readonly #vols: SortedWindow;
  /**
   * The closes that can still be the drawdown window's peak, oldest first and strictly falling (a monotonic
   * queue), with their bar numbers: the peak is the first, found in O(1) per bar instead of a scan of
   * drawdownWindow closes. Rings of drawdownWindow slots, from #peakHead for #peakLen.
   */
  readonly #peakBars: Float64Array;
  readonly #peakCloses: Float64Array;
  #peakHead = 0;
  #peakLen = 0;
  readonly reading: RegimeReading = { trendReturn: NaN, vol: NaN, volRank: NaN, drawdown: NaN };

  constructor(config: RegimeRulesConfig = {}) {
    this.rules = parseRegimeRules(config);
    const r = this.rules;
    this.#closes = new Float64Array(Math.max(r.trendWindow + 1, r.drawdownWindow));
    this.#rets = new Float64Array(r.volWindow);
    this.#vols = new SortedWindow(r.volLookback);
    this.#peakBars = new Float64Array(r.drawdownWindow);
    this.#peakCloses = new Float64Array(r.drawdownWindow);
  }

  /** The highest close of bars n-drawdownWindow+1..n, after close (bar n) joins the window. */
  #peakAfter(n: number, close: number): number {
    const bars = this.#peakBars;
    const closes = this.#peakCloses;
    const size = bars.length;
    let head = this.#peakHead;
    let len = this.#peakLen;
    // The oldest leaves once it falls out of the window (one bar enters per call, so at most one leaves).
    if (len > 0 && bars[head]! <= n - size) {
      head = head + 1 === size ? 0 : head + 1;
      len--;
    }
    // Closes at or below the new one can never be the peak again (the new one outlives them).
    let tail = head + len - 1;
    if (tail >= size) tail -= size;
    while (len > 0 && closes[tail]! <= close) {
      len--;
      tail = tail === 0 ? size - 1 : tail - 1;
    }
    tail = tail + 1 === size ? 0 : tail + 1;
    bars[tail] = n;
    closes[tail] = close;
    this.#peakHead = head;
    this.#peakLen = len + 1;
    return closes[head]!;
  }

  /** Takes the next close and returns the regime code of this bar (-1 while warming up). */
  update(close: number): number {
    const r = this.rules;
    const closes = this.#closes;
    const rets = this.#rets;
    const cap = closes.length;
    const volWindow = r.volWindow;
    const n = this.#n;
    const slot = this.#slot;
    if (n > 0) {
      rets[this.#retSlot] = Math.log(close / closes[slot === 0 ? cap - 1 : slot - 1]!);
      this.#retSlot = this.#retSlot + 1 === volWindow ? 0 : this.#retSlot + 1;
    }
    closes[slot] = close;
    this.#slot = slot + 1 === cap ? 0 : slot + 1;
    this.#n = n + 1;
    const rd = this.reading;
    // Realized volatility once volWindow returns exist; its rank once volMinHistory values exist.
    if (n >= volWindow) {
      let s = 0;
      for (let j = 0; j < volWindow; j++) s += rets[j]! * rets[j]!;
      // Rounded to 1e-12 so equal volatilities summed in a different order tie (a flat-volatility stretch
      // ranks 0.5, not a coin flip on rounding noise); far below any volatility a market shows.
      rd.vol = Math.round(Math.sqrt(s / volWindow) * 1e12) / 1e12;
      const rank = this.#vols.pushMidRank(rd.vol);
      rd.volRank = this.#vols.count >= r.volMinHistory ? rank : NaN;
    }
    if (n >= r.trendWindow) {
      const back = slot - r.trendWindow;
      rd.trendReturn = Math.log(close / closes[back < 0 ? back + cap : back]!);
    } else rd.trendReturn = NaN;
    rd.drawdown = 1 - close / this.#peakAfter(n, close);
    if (Number.isNaN(rd.trendReturn) || Number.isNaN(rd.volRank)) return UNKNOWN_REGIME;
    if (rd.drawdown >= r.crisisDrawdown && rd.volRank >= r.crisisVolRank) return REGIME_CODE.crisis;
    const volatile = rd.volRank >= r.volatileRank ? 1 : 0;
    if (rd.trendReturn > r.trendThreshold) return REGIME_CODE.bull_quiet + volatile;
    if (rd.trendReturn < -r.trendThreshold) return REGIME_CODE.bear_quiet + volatile;
    return REGIME_CODE.sideways_quiet + volatile;
  }

  reset(): void {
    this.#n = 0;
    this.#slot = 0;
    this.#retSlot = 0;
    this.#peakHead = 0;
    this.#peakLen = 0;
    this.#vols.reset();
    Object.assign(this.reading, { trendReturn: NaN, vol: NaN, volRank: NaN, drawdown: NaN });
  }
}

export interface RegimeLabels {
  /** Per bar: index into `names`, -1 while warming up. */
  readonly labels: Int8Array;
  readonly names: readonly string[];
}

/** Per-bar regime codes of a series: the streaming classifier folded over its closes. */
export function classifyRegimes(bars: BarSeries | Float64Array, config: RegimeRulesConfig = {}): RegimeLabels {
  const close = bars instanceof Float64Array ? bars : bars.close.subarray(0, bars.length);
  const c = new RuleRegimeClassifier(config);
  const labels = new Int8Array(close.length);
  for (let i = 0; i < close.length; i++) labels[i] = c.update(close[i]!);
  return { labels, names: REGIME_NAMES };
}
