// PnL and risk attribution of a run from its fills and per-bar marks: by symbol, sector, strategy
// and long/short side, a correlation matrix of strategy and asset returns, and a decomposition of
// the total PnL into gross trading PnL, fees, slippage and financing (docs/tearsheet.md).
//
// Mark-to-market bookkeeping makes the attribution exact: the PnL of a position over bar i is
//   qty held over the bar × (mark[i] − mark[i−1]) × multiplier   (holding)
// + Σ over its fills in bar i: signed qty × (mark[i] − fill price) × multiplier − commission,
// which sums, over bars, to realized + unrealized PnL net of commission, whatever the cost basis.
// Summing over the buckets of any one dimension gives the account's trading PnL.
import { InputError } from '../core/errors.ts';
import { inferPeriodsPerYear } from './periods.ts';
import { isNegligibleVariance, type Series } from './stats.ts';

/** A fill as the kernel records it (`KernelFill` fits). */
export interface AttributionFill {
  /** The strategy that owns the order; `default` when absent. */
  readonly strategyId?: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  /** Unsigned quantity (> 0). */
  readonly qty: number;
  readonly price: number;
  /** Commission paid (≥ 0 is a cost). */
  readonly commission: number;
  readonly tsMs: number;
}

/** Bar closes of one symbol (`BarSeries` fits; `length` defaults to `time.length`). */
export interface MarkSeries {
  readonly symbol: string;
  readonly time: Series;
  readonly close: Series;
  readonly length?: number;
}

export interface AttributionInstrument {
  readonly symbol: string;
  /** Default `unknown`. */
  readonly sector?: string;
  /** Contract multiplier, default 1. */
  readonly multiplier?: number;
}

export interface AttributionInput {
  /** The run's bar grid (one point per distinct bar time, ascending, epoch ms). */
  readonly timeMs: Series;
  /** Fills in execution order (sorted by time here if they are not). */
  readonly fills: readonly AttributionFill[];
  /** Closes per symbol; positions are marked at the last close at or before each grid time. */
  readonly marks: readonly MarkSeries[];
  readonly instruments?: readonly AttributionInstrument[];
  /** Account equity before the first bar (the starting cash). */
  readonly startingEquity: number;
  /** Account equity at each grid time; rebuilt from the attributed PnL when absent. */
  readonly equity?: Series;
  /** Financing charged in each bar (borrow fees, margin interest; > 0 is a cost), per grid time. */
  readonly financing?: Series;
  /**
   * Per fill (same index): the price the fill would have had without slippage (e.g. the bar's
   * open for a market order); NaN or absent when unknown, which counts as no slippage.
   */
  readonly referencePrices?: Series;
  /** Bars per year for annualizing; inferred from `timeMs` when absent. */
  readonly periodsPerYear?: number;
  /** Most traded symbols (by traded value) in the correlation matrix; default 30. */
  readonly maxCorrelationAssets?: number;
}

/** One bucket of a dimension (a symbol, a sector, a strategy, or the long or short side). */
export interface AttributionRow {
  key: string;
  /** Mark-to-market PnL net of commission (slippage is inside the fill prices). */
  pnl: number;
  /** pnl + commission + slippage: the PnL had every fill been at its reference price, free. */
  grossPnl: number;
  commission: number;
  /** (fill price − reference price) × signed qty × multiplier, summed; > 0 is a cost. */
  slippage: number;
  /** Σ |qty| × price × multiplier. */
  tradedValue: number;
  /** Fills touching the bucket (a fill that flips a position counts on both sides). */
  fills: number;
  /** Annualized volatility of the bucket's contribution to account returns (its PnL / prior equity). */
  volatility: number | null;
  /** cov(contribution, account return) / σ(account return) × √ppy: these sum to the account's annual volatility. */
  volContribution: number | null;
  /** cov(contribution, account return) / var(account return): these sum to 1. */
  riskShare: number | null;
}

/** How the account's total PnL splits. totalPnl = grossTradingPnl − fees − slippage − financing + unexplained. */
export interface ReturnDecomposition {
  startingEquity: number;
  endingEquity: number;
  /** endingEquity − startingEquity. */
  totalPnl: number;
  /** Trading PnL at reference prices, before fees and slippage. */
  grossTradingPnl: number;
  /** Commission paid (> 0 is a cost). */
  fees: number;
  /** Slippage against reference prices (> 0 is a cost); 0 for fills without a reference price. */
  slippage: number;
  /** Financing paid (> 0 is a cost). */
  financing: number;
  /** What the equity curve holds beyond the above (0 up to rounding when the inputs are consistent). */
  unexplained: number;
  fills: number;
  /** Fills that had a reference price (the others count no slippage). */
  fillsWithReference: number;
}

export interface CorrelationMatrix {
  /** Strategy ids first, then symbols. */
  labels: string[];
  kinds: ('strategy' | 'asset')[];
  /** Pearson correlation over the bars where both series are defined; null with fewer than 3 or a constant series. */
  matrix: (number | null)[][];
  /** Bar returns the matrix is computed over. */
  observations: number;
}

export interface Attribution {
  decomposition: ReturnDecomposition;
  bySymbol: AttributionRow[];
  bySector: AttributionRow[];
  byStrategy: AttributionRow[];
  /** Always `long` then `short`. */
  bySide: AttributionRow[];
  risk: {
    periodsPerYear: number;
    /** Account returns used (bar 1 onward, up to the first bar with equity ≤ 0). */
    observations: number;
    /** Sample std of account returns × √ppy (as metrics.annualVolatility). */
    annualVolatility: number | null;
    /** annualVolatility − Σ volContribution of any dimension: the share of financing and unexplained moves. */
    unattributedVolContribution: number | null;
  };
  correlation: CorrelationMatrix;
}

const DEFAULT_STRATEGY = 'default';
const DIMS = 4; // symbol, sector, strategy, side

class Bucket {
  readonly pnl: Float64Array;
  commission = 0;
  slippage = 0;
  tradedValue = 0;
  fills = 0;
  /** Last fill index counted, so a fill is counted once per bucket. */
  lastFill = -1;
  constructor(
    readonly key: string,
    bars: number,
  ) {
    this.pnl = new Float64Array(bars);
  }
}

interface Leaf {
  qty: number;
  readonly sym: number;
  readonly buckets: readonly [Bucket, Bucket, Bucket];
}

/** Closes of `s` on the grid: the last close at or before each grid time, NaN before the first bar. */
function alignCloses(grid: Series, s: MarkSeries): Float64Array {
  const n = grid.length;
  const out = new Float64Array(n).fill(NaN);
  const len = s.length ?? s.time.length;
  let j = 0;
  let last = NaN;
  for (let i = 0; i < n; i++) {
    const t = grid[i]!;
    while (j < len && s.time[j]! <= t) last = s.close[j++]!;
    out[i] = last;
  }
  return out;
}

function validate(input: AttributionInput): void {
  const n = input.timeMs.length;
  for (let i = 1; i < n; i++) {
    if (!(input.timeMs[i]! >= input.timeMs[i - 1]!)) throw new InputError(`timeMs must ascend (bar ${i})`, { field: 'timeMs' });
  }
  if (!Number.isFinite(input.startingEquity)) throw new InputError(`startingEquity must be finite, got ${input.startingEquity}`, { field: 'startingEquity' });
  if (input.equity !== undefined && input.equity.length !== n) throw new InputError(`equity has ${input.equity.length} values, timeMs ${n}`, { field: 'equity' });
  if (input.financing !== undefined && input.financing.length !== n) throw new InputError(`financing has ${input.financing.length} values, timeMs ${n}`, { field: 'financing' });
  if (input.referencePrices !== undefined && input.referencePrices.length !== input.fills.length) {
    throw new InputError(`referencePrices has ${input.referencePrices.length} values, fills ${input.fills.length}`, { field: 'referencePrices' });
  }
  if (n === 0 && input.fills.length > 0) throw new InputError('fills need a bar grid (timeMs is empty)', { field: 'timeMs' });
}

function checkFill(f: AttributionFill, j: number): void {
  if (!(f.qty > 0) || f.qty === Infinity) throw new InputError(`fill ${j}: qty must be positive, got ${f.qty}`, { field: 'qty' });
  if (!Number.isFinite(f.price)) throw new InputError(`fill ${j}: price must be finite, got ${f.price}`, { field: 'price' });
  if (!Number.isFinite(f.commission)) throw new InputError(`fill ${j}: commission must be finite, got ${f.commission}`, { field: 'commission' });
  if (!Number.isFinite(f.tsMs)) throw new InputError(`fill ${j}: time must be finite, got ${f.tsMs}`, { field: 'tsMs' });
  if (f.side !== 'buy' && f.side !== 'sell') throw new InputError(`fill ${j}: side must be buy or sell, got ${String(f.side)}`, { field: 'side' });
}

/** Fill indices in time order (stable); the identity when already sorted. */
function timeOrder(fills: readonly AttributionFill[]): Int32Array | null {
  for (let j = 1; j < fills.length; j++) {
    if (fills[j]!.tsMs < fills[j - 1]!.tsMs) {
      const idx = Int32Array.from(fills, (_, i) => i);
      return idx.sort((a, b) => fills[a]!.tsMs - fills[b]!.tsMs || a - b);
    }
  }
  return null;
}

/** Attributes a run's PnL and volatility; see the module comment and docs/tearsheet.md. */
export function attribute(input: AttributionInput): Attribution {
  validate(input);
  const grid = input.timeMs;
  const n = grid.length;
  const fills = input.fills;
  const refs = input.referencePrices;

  const inst = new Map<string, AttributionInstrument>();
  for (const i of input.instruments ?? []) if (!inst.has(i.symbol)) inst.set(i.symbol, i);
  const markOf = new Map<string, MarkSeries>();
  for (const m of input.marks) if (!markOf.has(m.symbol)) markOf.set(m.symbol, m);

  // Per traded symbol: aligned closes, multiplier, first fill price (the mark before any bar).
  const symIndex = new Map<string, number>();
  const symNames: string[] = [];
  const aligned: Float64Array[] = [];
  const mult: number[] = [];
  const firstFill: number[] = [];

  const dims: Map<string, Bucket>[] = Array.from({ length: DIMS }, () => new Map<string, Bucket>());
  const bucket = (d: number, key: string): Bucket => {
    let b = dims[d]!.get(key);
    if (b === undefined) {
      b = new Bucket(key, n);
      dims[d]!.set(key, b);
    }
    return b;
  };
  const long = bucket(3, 'long');
  const short = bucket(3, 'short');
  const symbolBuckets: Bucket[] = [];

  const strategyLeaves = new Map<string, Leaf[]>();
  const leafOf = (strategy: string, sym: number): Leaf => {
    let row = strategyLeaves.get(strategy);
    if (row === undefined) {
      row = [];
      strategyLeaves.set(strategy, row);
    }
    let leaf = row[sym];
    if (leaf === undefined) {
      leaf = { qty: 0, sym, buckets: [symbolBuckets[sym]!, bucket(1, inst.get(symNames[sym]!)?.sector ?? 'unknown'), bucket(2, strategy)] };
      row[sym] = leaf;
    }
    return leaf;
  };
  const symOf = (symbol: string): number => {
    let s = symIndex.get(symbol);
    if (s === undefined) {
      s = symNames.length;
      symIndex.set(symbol, s);
      symNames.push(symbol);
      const m = markOf.get(symbol);
      aligned.push(m === undefined ? new Float64Array(n).fill(NaN) : alignCloses(grid, m));
      const mu = inst.get(symbol)?.multiplier ?? 1;
      if (!(mu > 0) || !Number.isFinite(mu)) throw new InputError(`instrument ${symbol}: multiplier must be positive, got ${mu}`, { field: 'multiplier' });
      mult.push(mu);
      firstFill.push(NaN);
      symbolBuckets.push(bucket(0, symbol));
    }
    return s;
  };
  const markAt = (sym: number, i: number): number => {
    const m = aligned[sym]![i]!;
    return m === m ? m : firstFill[sym]!;
  };

  const order = timeOrder(fills);
  const open: Leaf[] = [];
  let fees = 0;
  let slippage = 0;
  let withRef = 0;
  let j = 0;
  const addPart = (b: Bucket, i: number, pnl: number, commission: number, slip: number, value: number, fillIdx: number): void => {
    b.pnl[i] = b.pnl[i]! + pnl;
    b.commission += commission;
    b.slippage += slip;
    b.tradedValue += value;
    if (b.lastFill !== fillIdx) {
      b.lastFill = fillIdx;
      b.fills++;
    }
  };

  for (let i = 0; i < n; i++) {
    // Holding PnL of positions carried into bar i (quantities as of the end of bar i − 1).
    if (i > 0) {
      for (let k = 0; k < open.length; k++) {
        const leaf = open[k]!;
        const s = leaf.sym;
        const p = leaf.qty * (markAt(s, i) - markAt(s, i - 1)) * mult[s]!;
        if (p === 0) continue;
        for (let d = 0; d < 3; d++) {
          const series = leaf.buckets[d]!.pnl;
          series[i] = series[i]! + p;
        }
        const side = (leaf.qty > 0 ? long : short).pnl;
        side[i] = side[i]! + p;
      }
    }
    // Fills in bar i: those at or before its time (the last bar also takes any later ones).
    const end = i === n - 1 ? Infinity : grid[i]!;
    while (j < fills.length) {
      const fi = order === null ? j : order[j]!;
      const f = fills[fi]!;
      if (f.tsMs > end) break;
      j++;
      checkFill(f, fi);
      const s = symOf(f.symbol);
      if (firstFill[s]! !== firstFill[s]!) firstFill[s] = f.price;
      const leaf = leafOf(f.strategyId ?? DEFAULT_STRATEGY, s);
      const mu = mult[s]!;
      const signed = f.side === 'buy' ? f.qty : -f.qty;
      const ref = refs === undefined ? NaN : refs[fi]!;
      const slip = ref === ref ? (f.price - ref) * signed * mu : 0;
      if (ref === ref) withRef++;
      const pnl = signed * (markAt(s, i) - f.price) * mu - f.commission;
      const value = f.qty * Math.abs(f.price) * mu;
      fees += f.commission;
      slippage += slip;
      for (let d = 0; d < 3; d++) addPart(leaf.buckets[d]!, i, pnl, f.commission, slip, value, fi);

      // Long/short: the part that closes the old position belongs to its side, the rest opens the new one.
      const before = leaf.qty;
      const closing = before !== 0 && before > 0 !== signed > 0 ? Math.min(f.qty, Math.abs(before)) : 0;
      const wClose = closing / f.qty;
      if (closing > 0) addPart(before > 0 ? long : short, i, pnl * wClose, f.commission * wClose, slip * wClose, value * wClose, fi);
      if (wClose < 1) {
        const w = 1 - wClose;
        addPart(signed > 0 ? long : short, i, pnl * w, f.commission * w, slip * w, value * w, fi);
      }
      let after = before + signed;
      if (Math.abs(after) <= 1e-9 * Math.max(Math.abs(before), f.qty)) after = 0;
      leaf.qty = after;
      if (before === 0 && after !== 0) open.push(leaf);
      else if (before !== 0 && after === 0) open.splice(open.indexOf(leaf), 1);
    }
  }

  // Account equity and per-bar financing.
  const fin = input.financing;
  let financing = 0;
  if (fin !== undefined) for (let i = 0; i < n; i++) financing += fin[i]!;
  let trading = 0;
  for (let i = 0; i < n; i++) trading += long.pnl[i]! + short.pnl[i]!;
  let equity: Series;
  if (input.equity !== undefined) equity = input.equity;
  else {
    const eq = new Float64Array(n);
    let e = input.startingEquity;
    for (let i = 0; i < n; i++) {
      e += long.pnl[i]! + short.pnl[i]! - (fin === undefined ? 0 : fin[i]!);
      eq[i] = e;
    }
    equity = eq;
  }
  const endingEquity = n > 0 ? equity[n - 1]! : input.startingEquity;
  const totalPnl = endingEquity - input.startingEquity;

  // Risk: account returns over bars 1 .. ruin (exclusive) and each bucket's contribution to them.
  let stop = n;
  for (let i = 0; i < n; i++) {
    if (!(equity[i]! > 0)) {
      stop = i;
      break;
    }
  }
  const obs = Math.max(0, stop - 1);
  const ppy = input.periodsPerYear ?? inferPeriodsPerYear(grid);
  const r = new Float64Array(obs);
  for (let i = 1; i < stop; i++) r[i - 1] = equity[i]! / equity[i - 1]! - 1;
  const rMean = meanOf(r);
  let rVar = NaN;
  let rMeanSq = 0;
  if (obs >= 2) {
    let ss = 0;
    for (let k = 0; k < obs; k++) {
      const d = r[k]! - rMean;
      ss += d * d;
      rMeanSq += r[k]! * r[k]!;
    }
    rVar = ss / (obs - 1);
    rMeanSq /= obs;
  }
  const hasVar = obs >= 2 && !isNegligibleVariance(rVar, rMeanSq);
  const rStd = Math.sqrt(rVar);
  const sqrtPpy = Math.sqrt(ppy);
  const contribution = (pnl: Float64Array): Float64Array => {
    const c = new Float64Array(obs);
    for (let i = 1; i < stop; i++) c[i - 1] = pnl[i]! / equity[i - 1]!;
    return c;
  };
  const rowOf = (b: Bucket): AttributionRow => {
    let pnl = 0;
    for (let i = 0; i < n; i++) pnl += b.pnl[i]!;
    let volatility: number | null = null;
    let cov = NaN;
    if (obs >= 2) {
      const c = contribution(b.pnl);
      const m = meanOf(c);
      let ss = 0;
      let sc = 0;
      for (let k = 0; k < obs; k++) {
        const d = c[k]! - m;
        ss += d * d;
        sc += d * (r[k]! - rMean);
      }
      volatility = Math.sqrt(ss / (obs - 1)) * sqrtPpy;
      cov = sc / (obs - 1);
    }
    return {
      key: b.key,
      pnl,
      grossPnl: pnl + b.commission + b.slippage,
      commission: b.commission,
      slippage: b.slippage,
      tradedValue: b.tradedValue,
      fills: b.fills,
      volatility,
      volContribution: hasVar ? (cov / rStd) * sqrtPpy : null,
      riskShare: hasVar ? cov / rVar : null,
    };
  };
  const rows = (d: number): AttributionRow[] =>
    [...dims[d]!.values()].map(rowOf).sort((a, b) => b.pnl - a.pnl || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const bySide = [rowOf(long), rowOf(short)];
  const annualVolatility = obs >= 2 ? (hasVar ? rStd * sqrtPpy : 0) : null;
  let sideContribution = 0;
  for (const row of bySide) sideContribution += row.volContribution ?? 0;

  const byStrategy = rows(2);
  const bySymbol = rows(0);
  return {
    decomposition: {
      startingEquity: input.startingEquity,
      endingEquity,
      totalPnl,
      grossTradingPnl: trading + fees + slippage,
      fees,
      slippage,
      financing,
      unexplained: totalPnl - (trading - financing),
      fills: fills.length,
      fillsWithReference: withRef,
    },
    bySymbol,
    bySector: rows(1),
    byStrategy,
    bySide,
    risk: {
      periodsPerYear: ppy,
      observations: obs,
      annualVolatility,
      unattributedVolContribution: hasVar && annualVolatility !== null ? annualVolatility - sideContribution : null,
    },
    correlation: correlationMatrix(
      byStrategy.map((row) => ({ label: row.key, kind: 'strategy' as const, values: contribution(dims[2]!.get(row.key)!.pnl) })),
      [...bySymbol]
        .sort((a, b) => b.tradedValue - a.tradedValue || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .slice(0, input.maxCorrelationAssets ?? 30)
        .map((row) => ({ label: row.key, kind: 'asset' as const, values: assetReturns(aligned[symIndex.get(row.key)!]!, stop) })),
      obs,
    ),
  };
}

function meanOf(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return x.length > 0 ? s / x.length : NaN;
}

/** Close-to-close returns over bars 1 .. stop − 1 (NaN where either close is missing). */
function assetReturns(closes: Float64Array, stop: number): Float64Array {
  const out = new Float64Array(Math.max(0, stop - 1));
  for (let i = 1; i < stop; i++) {
    const a = closes[i - 1]!;
    out[i - 1] = a > 0 ? closes[i]! / a - 1 : NaN;
  }
  return out;
}

/** Pearson correlation over the indices where both are finite; null below 3 pairs or for a constant series. */
export function pairwiseCorrelation(x: Series, y: Series): number | null {
  const n = Math.min(x.length, y.length);
  let count = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (a === a && b === b) {
      count++;
      sx += a;
      sy += b;
    }
  }
  if (count < 3) return null;
  const mx = sx / count;
  const my = sy / count;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  let qx = 0;
  let qy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (a === a && b === b) {
      const da = a - mx;
      const db = b - my;
      xx += da * da;
      yy += db * db;
      xy += da * db;
      qx += a * a;
      qy += b * b;
    }
  }
  if (isNegligibleVariance(xx / count, qx / count) || isNegligibleVariance(yy / count, qy / count)) return null;
  const c = xy / Math.sqrt(xx * yy);
  return Math.max(-1, Math.min(1, c));
}

/** Whether pairwiseCorrelation(x, x) is not null: the same count, mean and sums, for x alone. */
export function selfCorrelated(x: Series): boolean {
  let count = 0;
  let sx = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    if (a === a) {
      count++;
      sx += a;
    }
  }
  if (count < 3) return false;
  const mx = sx / count;
  let xx = 0;
  let qx = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    if (a === a) {
      const da = a - mx;
      xx += da * da;
      qx += a * a;
    }
  }
  return !isNegligibleVariance(xx / count, qx / count);
}

function correlationMatrix(
  strategies: readonly { label: string; kind: 'strategy'; values: Float64Array }[],
  assets: readonly { label: string; kind: 'asset'; values: Float64Array }[],
  observations: number,
): CorrelationMatrix {
  const all = [...strategies, ...assets];
  const m = all.length;
  const matrix: (number | null)[][] = Array.from({ length: m }, () => new Array<number | null>(m).fill(null));
  for (let a = 0; a < m; a++) {
    // The diagonal is 1 where a series' correlation with itself is defined (one pass fewer than the pair's).
    matrix[a]![a] = selfCorrelated(all[a]!.values) ? 1 : null;
    for (let b = a + 1; b < m; b++) {
      const v = pairwiseCorrelation(all[a]!.values, all[b]!.values);
      matrix[a]![b] = v;
      matrix[b]![a] = v;
    }
  }
  return { labels: all.map((s) => s.label), kinds: all.map((s) => s.kind), matrix, observations };
}
