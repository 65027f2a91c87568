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
  readonly #closes: Float64Array;
  readonly #rets: Float64Array;
  #n = 0;
  readonly #vols: SortedWindow;
  /**
   * Bar numbers of the closes that can still be the drawdown window's peak, oldest first, their closes
   * strictly falling (a monotonic queue): the peak is the first, found in O(1) per bar instead of a scan of
   * drawdownWindow closes. A ring of drawdownWindow slots, from #peakHead for #peakLen.
   */
  readonly #peakBars: Float64Array;
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
  }

  /** The highest close of bars n-drawdownWindow+1..n, after close (bar n) joins the window. */
  #peakAfter(n: number, close: number): number {
    const ring = this.#peakBars;
    const size = ring.length;
    const closes = this.#closes;
    const cap = closes.length;
    // The oldest leaves once it falls out of the window (one bar enters per call, so at most one leaves).
    if (this.#peakLen > 0 && ring[this.#peakHead]! <= n - size) {
      this.#peakHead = this.#peakHead + 1 === size ? 0 : this.#peakHead + 1;
      this.#peakLen--;
    }
    // Closes at or below the new one can never be the peak again (the new one outlives them).
    while (this.#peakLen > 0 && closes[ring[(this.#peakHead + this.#peakLen - 1) % size]! % cap]! <= close) this.#peakLen--;
    ring[(this.#peakHead + this.#peakLen) % size] = n;
    this.#peakLen++;
    return closes[ring[this.#peakHead]! % cap]!;
  }

  /** Takes the next close and returns the regime code of this bar (-1 while warming up). */
  update(close: number): number {
    const r = this.rules;
    const cap = this.#closes.length;
    const n = this.#n;
    if (n > 0) this.#rets[(n - 1) % r.volWindow] = Math.log(close / this.#closes[(n - 1) % cap]!);
    this.#closes[n % cap] = close;
    this.#n = n + 1;
    const rd = this.reading;
    // Realized volatility once volWindow returns exist; its rank once volMinHistory values exist.
    if (n >= r.volWindow) {
      let s = 0;
      for (let j = 0; j < r.volWindow; j++) s += this.#rets[j]! * this.#rets[j]!;
      // Rounded to 1e-12 so equal volatilities summed in a different order tie (a flat-volatility stretch
      // ranks 0.5, not a coin flip on rounding noise); far below any volatility a market shows.
      rd.vol = Math.round(Math.sqrt(s / r.volWindow) * 1e12) / 1e12;
      this.#vols.push(rd.vol);
      rd.volRank = this.#vols.count >= r.volMinHistory ? this.#vols.midRankOf(rd.vol) : NaN;
    }
    rd.trendReturn = n >= r.trendWindow ? Math.log(close / this.#closes[(n - r.trendWindow) % cap]!) : NaN;
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
