// Vectorized parameter sweeps for `sma-cross` and `rsi` over columnar closes. One kernel call runs
// one parameter set on one symbol under exactly the engine's rules (the backtest contract, docs/cli.md):
// - signal at bar t's close; a market order fills at bar t+1's open;
// - a buy is floor(pct/100 × cash / close[t]) whole shares (no order below one share); the pre-trade
//   buying-power check denies it when that costs more than cash; at the fill, cost plus commission
//   above cash rejects it (listed, not resized, not retried);
// - commission = qty × price × fraction per fill; long only, one position; a position open at the
//   end stays open, marked at the last close; an order signalled on the last bar never fills.
// Indicators are precomputed once per period as columns (SMA is the fsum-exact streaming SMA, RSI
// the streaming Wilder RSI), shared by every parameter set that uses that period. Equity, metrics
// and trade records then equal BacktestNode's bit for bit (a test runs both).
import { RSI } from '../indicators/rsi.ts';
import { SMA } from '../indicators/sma.ts';
import { finishMetrics, METRIC_COUNT, ReturnSums } from './window-metrics.ts';

export type SweepRule = 'sma-cross' | 'rsi';

/** Parameter names of each rule, in the order of a parameter row. */
export const RULE_PARAMS: Record<SweepRule, readonly string[]> = {
  'sma-cross': ['fast', 'slow'],
  rsi: ['period', 'lower', 'upper'],
};

export interface SweepSettings {
  /** Starting cash (default 100,000). */
  readonly cash: number;
  /** Commission as a fraction of traded value (default 0). */
  readonly commission: number;
  /** pct-cash sizing in percent (default 95). */
  readonly pctCash: number;
}

export const DEFAULT_SWEEP_SETTINGS: SweepSettings = { cash: 100_000, commission: 0, pctCash: 95 };

/** One symbol's columns the kernel reads. */
export interface SweepSeries {
  readonly symbol: string;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly close: Float64Array;
}

/** SMA(period) of `close`; NaN while warming up (the first period − 1 bars). */
export function smaColumn(close: Float64Array, period: number, out: Float64Array = new Float64Array(close.length)): Float64Array {
  const sma = new SMA(period);
  for (let i = 0; i < close.length; i++) out[i] = sma.update(close[i]!) ?? NaN;
  return out;
}

/** RSI(period) of `close`; NaN while warming up (the first period bars) and where RSI is 0/0. */
export function rsiColumn(close: Float64Array, period: number, out: Float64Array = new Float64Array(close.length)): Float64Array {
  const rsi = new RSI(period);
  for (let i = 0; i < close.length; i++) out[i] = rsi.update(close[i]!) ?? NaN;
  return out;
}

/** First bar where the rule's indicators have values. */
export function warmupIndex(rule: SweepRule, p: ArrayLike<number>): number {
  return rule === 'sma-cross' ? Math.max(p[0]!, p[1]!) - 1 : p[0]!;
}

/**

/** Fills, trades and rejections of one run, when asked for (tests and reports; not the hot path). */
export interface KernelRecord {
  fills: { index: number; side: 'buy' | 'sell'; price: number; qty: number; commission: number }[];
  trades: { entryIndex: number; entryPrice: number; exitIndex: number; exitPrice: number; qty: number; pnl: number; commission: number }[];
  rejected: { index: number; qty: number; status: 'denied' | 'rejected' }[];
}

export interface KernelResult {
  cash: number;
  qty: number;
  tradeCount: number;
  fillCount: number;
  rejectedCount: number;
}

/** What one kernel call reads: a rule's indicator columns and levels, the prices and the window. */
export interface KernelInput {
  readonly rule: SweepRule;
  /** sma-cross: SMA(fast); rsi: RSI(period). */
  readonly a: Float64Array;
  /** sma-cross: SMA(slow); unused for rsi. */
  readonly b: Float64Array;
  /** rsi levels (unused for sma-cross). */
  readonly lower: number;
  readonly upper: number;
  /** First bar with indicator values. */
  readonly start: number;
  readonly open: Float64Array;
  readonly close: Float64Array;
  /** Trading and measuring window [from, to). */
  readonly from: number;
  readonly to: number;
  readonly settings: SweepSettings;
}

/**
 * One parameter set in one pass over the bars: the rule's signals (CrossOver semantics: a cross needs
 * the last non-zero difference to change sign; sma-cross: SMA(fast) − SMA(slow) crossing up buys and
 * down sells; rsi: RSI − lower crossing up buys, RSI − upper crossing down sells), the orders and
 * fills, the equity at each close (into `equity`) and pass one of `computeMetrics` (the returns into
 * `ret`, the sums into `acc`). Before `from` the signals only move the crossover memory.
 */
export function runKernel(k: KernelInput, equity: Float64Array, ret: Float64Array, acc: ReturnSums, out: KernelResult, rec: KernelRecord | null = null): void {
  const { a, b, open, close, from, to, start } = k;
  const sma = k.rule === 'sma-cross';
  const lower = k.lower;
  const upper = k.upper;
  const rate = k.settings.commission;
  const frac = k.settings.pctCash / 100;
  let lastA = 0;
  let lastB = 0;
  for (let t = start; t < from; t++) {
    if (sma) {
      const d = a[t]! - b[t]!;
      if (d !== 0) lastA = d;
    } else {
      const r = a[t]!;
      const du = r - lower;
      if (du !== 0) lastA = du;
      const dd = r - upper;
      if (dd !== 0) lastB = dd;
    }
  }
  let cash = k.settings.cash;
  let qty = 0;
  let pending = 0;
  let trades = 0;
  let fills = 0;
  let rejected = 0;
  let entryPrice = 0;
  let entryComm = 0;
  let entryIndex = 0;
  let sumX = 0;
  let sumSq = 0;
  let downSq = 0;
  let mdd = 0;
  let peak = NaN;
  let prev = NaN;
  for (let t = from; t < to; t++) {
    if (pending !== 0) {
      const px = open[t]!;
      if (pending > 0) {
        const q = pending;
        const c = q * px * rate;
        if (q * px + c > cash) {
          rejected++;
          if (rec !== null) rec.rejected.push({ index: t, qty: q, status: 'rejected' });
        } else {
          cash -= q * px + c;
          qty = q;
          fills++;
          if (rec !== null) {
            rec.fills.push({ index: t, side: 'buy', price: px, qty: q, commission: c });
            entryPrice = (0 + q * px) / (0 + q);
            entryComm = 0 + c;
            entryIndex = t;
          }
        }
      } else {
        const q = -pending;
        const c = q * px * rate;
        cash -= -q * px + c;
        qty = 0;
        fills++;
        trades++;
        if (rec !== null) {
          rec.fills.push({ index: t, side: 'sell', price: px, qty: q, commission: c });
          const comm = entryComm + c * (q / q);
          const gross = 0 + (px - entryPrice) * q * 1 * 1;
          rec.trades.push({ entryIndex, entryPrice, exitIndex: t, exitPrice: (0 + q * px) / q, qty: q, pnl: gross - comm, commission: comm });
        }
      }
      pending = 0;
    }
    const px = close[t]!;
    const e = qty === 0 ? cash + 0 : cash + (0 + qty * px);
    equity[t] = e;
    // Pass one of computeMetrics; an unchanged equity adds a zero return and moves no sum or peak.
    if (t === from) {
      peak = e;
      prev = e;
    } else if (e === prev) {
      ret[t - from - 1] = 0;
    } else {
      const x = e / prev - 1 - 0;
      ret[t - from - 1] = x;
      sumX += x;
      sumSq += x * x;
      if (x < 0) downSq += x * x;
      if (e >= peak) peak = e;
      else {
        const dd = e / peak - 1;
        if (dd < mdd) mdd = dd;
      }
      prev = e;
    }
    if (t < start) continue;
    let g: number;
    if (sma) {
      const d = a[t]! - b[t]!;
      const prior = lastA;
      if (d !== 0) lastA = d;
      g = d > 0 && prior < 0 ? 1 : d < 0 && prior > 0 ? 2 : 0;
    } else {
      const r = a[t]!;
      const du = r - lower;
      const pu = lastA;
      if (du !== 0) lastA = du;
      const dd = r - upper;
      const pd = lastB;
      if (dd !== 0) lastB = dd;
      g = (du > 0 && pu < 0 ? 1 : 0) | (dd < 0 && pd > 0 ? 2 : 0);
    }
    if (g === 0) continue;
    if ((g & 1) !== 0 && qty === 0) {
      const q = Math.floor((frac * Math.max(0, cash)) / px);
      if (q >= 1) {
        if (q * px > Math.max(0, cash) + 1e-9) {
          rejected++;
          if (rec !== null) rec.rejected.push({ index: t, qty: q, status: 'denied' });
        } else pending = q;
      }
    } else if ((g & 2) !== 0 && qty > 0) pending = -qty;
  }
  acc.sumX = sumX;
  acc.sumSq = sumSq;
  acc.downSq = downSq;
  acc.mdd = mdd;
  out.cash = cash;
  out.qty = qty;
  out.tradeCount = trades;
  out.fillCount = fills;
  out.rejectedCount = rejected;
}

/** Indicator columns of one symbol, by period, computed once and shared by all parameter sets. */
export class ColumnCache {
  readonly #cols = new Map<number, Float64Array>();
  constructor(
    readonly rule: SweepRule,
    readonly close: Float64Array,
  ) {}

  get(period: number): Float64Array {
    let c = this.#cols.get(period);
    if (c === undefined) {
      c = this.rule === 'sma-cross' ? smaColumn(this.close, period) : rsiColumn(this.close, period);
      this.#cols.set(period, c);
    }
    return c;
  }
}

/** Reusable per-thread buffers for `runRows`. */
export class SweepScratch {
  equity: Float64Array;
  ret: Float64Array;
  readonly acc = new ReturnSums();
  readonly result: KernelResult = { cash: 0, qty: 0, tradeCount: 0, fillCount: 0, rejectedCount: 0 };
  constructor(bars: number) {
    this.equity = new Float64Array(bars);
    this.ret = new Float64Array(bars);
  }
  ensure(bars: number): void {
    if (this.equity.length >= bars) return;
    this.equity = new Float64Array(bars);
    this.ret = new Float64Array(bars);
  }
}

export interface RowsJob {
  readonly rule: SweepRule;
  readonly series: SweepSeries;
  /** Indicator column of a period (a ColumnCache, or views of shared memory). */
  readonly column: (period: number) => Float64Array;
  /** Parameter rows, RULE_PARAMS[rule].length numbers each. */
  readonly params: Float64Array;
  readonly settings: SweepSettings;
  /** Trading and measuring window, bar indices [from, to). */
  readonly from: number;
  readonly to: number;
  readonly periodsPerYear: number;
  readonly blocks: number;
}

function kernelInput(rule: SweepRule, series: SweepSeries, column: (p: number) => Float64Array, p: ArrayLike<number>, settings: SweepSettings, from: number, to: number): KernelInput {
  const sma = rule === 'sma-cross';
  const a = column(p[0]!);
  return {
    rule, a, b: sma ? column(p[1]!) : a, lower: sma ? 0 : p[1]!, upper: sma ? 0 : p[2]!, start: warmupIndex(rule, p),
    open: series.open, close: series.close, from, to, settings,
  };
}

/**
 * Runs every parameter row of `job` and writes METRIC_COUNT metrics per row into `metrics` (NaN
 * for null) and, with blocks > 0, 3 × blocks return moments per row into `moments`.
 */
export function runRows(job: RowsJob, metrics: Float64Array, moments: Float64Array | null, scratch: SweepScratch): void {
  const width = RULE_PARAMS[job.rule].length;
  const rows = job.params.length / width;
  const { time } = job.series;
  const { from, to } = job;
  scratch.ensure(job.series.close.length);
  const { equity, ret, acc, result } = scratch;
  const p = job.params;
  for (let r = 0; r < rows; r++) {
    const input = kernelInput(job.rule, job.series, job.column, p.subarray(r * width, (r + 1) * width), job.settings, from, to);
    runKernel(input, equity, ret, acc, result);
    const first = to > from ? equity[from]! : NaN;
    const last = to > from ? equity[to - 1]! : NaN;
    finishMetrics(time, first, last, from, to, job.periodsPerYear, result.tradeCount, acc, ret, metrics, r * METRIC_COUNT, job.blocks, moments, r * 3 * job.blocks);
  }
}

/** One parameter set on one symbol with every fill, trade and rejection recorded, and the equity. */
export function runRecorded(
  rule: SweepRule, series: SweepSeries, params: readonly number[], settings: SweepSettings = DEFAULT_SWEEP_SETTINGS,
  window: { from: number; to: number } = { from: 0, to: series.close.length },
): KernelResult & KernelRecord & { equity: Float64Array } {
  const n = series.close.length;
  const cols = new ColumnCache(rule, series.close);
  const equity = new Float64Array(n);
  const rec: KernelRecord = { fills: [], trades: [], rejected: [] };
  const res: KernelResult = { cash: 0, qty: 0, tradeCount: 0, fillCount: 0, rejectedCount: 0 };
  runKernel(kernelInput(rule, series, (p) => cols.get(p), params, settings, window.from, window.to), equity, new Float64Array(n), new ReturnSums(), res, rec);
  return { ...res, ...rec, equity: equity.subarray(window.from, window.to) };
}
