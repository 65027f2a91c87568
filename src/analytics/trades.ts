// Statistics of closed round-trip trades.
import type { Series } from './stats.ts';

/** A closed round trip as the engine reports it. */
export interface TradeRecord {
  readonly symbol: string;
  readonly entryTimeMs: number;
  readonly exitTimeMs: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  /** Signed quantity: > 0 long, < 0 short. */
  readonly qty: number;
  /** Net PnL, after both commissions. */
  readonly pnl: number;
  /** Commission paid on entry and exit. */
  readonly commission: number;
  /** Maximum adverse excursion while open, as a return on the entry price (≤ 0), when tracked. */
  readonly mae?: number;
  /** Maximum favourable excursion while open, as a return on the entry price (≥ 0), when tracked. */
  readonly mfe?: number;
}

/** Win/loss summary of a set of trades. A trade wins when pnl > 0 and loses when pnl < 0. */
export interface PnlSummary {
  count: number;
  wins: number;
  losses: number;
  /** wins / count (null without trades); break-even trades count in the denominator. */
  winRate: number | null;
  /** Σ winning pnl / |Σ losing pnl| (null without losing trades). */
  profitFactor: number | null;
  /** Mean pnl of winning trades (null without wins). */
  avgWin: number | null;
  /** Mean pnl of losing trades, a negative number (null without losses). */
  avgLoss: number | null;
  /** Mean pnl per trade (null without trades). */
  expectancy: number | null;
  totalPnl: number;
}

/** 0 = all trades, 1 = long only, −1 = short only. */
type SideFilter = 0 | 1 | -1;

/** Win/loss summary in one pass without allocating. */
export function summarizePnl(trades: readonly TradeRecord[], side: SideFilter = 0): PnlSummary {
  let count = 0;
  let wins = 0;
  let losses = 0;
  let gp = 0;
  let gl = 0;
  let total = 0;
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i]!;
    if (side === 1 && !(t.qty > 0)) continue;
    if (side === -1 && !(t.qty < 0)) continue;
    count++;
    total += t.pnl;
    if (t.pnl > 0) {
      wins++;
      gp += t.pnl;
    } else if (t.pnl < 0) {
      losses++;
      gl += t.pnl;
    }
  }
  return {
    count,
    wins,
    losses,
    winRate: count > 0 ? wins / count : null,
    profitFactor: losses > 0 ? gp / -gl : null,
    avgWin: wins > 0 ? gp / wins : null,
    avgLoss: losses > 0 ? gl / losses : null,
    expectancy: count > 0 ? total / count : null,
    totalPnl: total,
  };
}

export interface ExcursionStats {
  /** Trades that carry the value. */
  count: number;
  mean: number;
  median: number;
  /** Most extreme value: the lowest MAE, the highest MFE. */
  extreme: number;
}

export interface TradeStats extends PnlSummary {
  long: PnlSummary;
  short: PnlSummary;
  /** Best and worst trade pnl (null without trades). */
  largestWin: number | null;
  largestLoss: number | null;
  /** Longest streaks of winning / losing trades, in exit-time order. */
  maxConsecutiveWins: number;
  maxConsecutiveLosses: number;
  /** Holding period exitTimeMs − entryTimeMs: mean and median (null without trades). */
  holdingMeanMs: number | null;
  holdingMedianMs: number | null;
  /** Σ commission. */
  commissionPaid: number;
  /** Over trades that carry `mae` / `mfe`; null when none does. */
  mae: ExcursionStats | null;
  mfe: ExcursionStats | null;
  /** mean MFE / |mean MAE| (null when either is missing or mean MAE is 0). */
  edgeRatio: number | null;
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

function excursion(values: Float64Array, count: number, lowest: boolean): ExcursionStats | null {
  if (count === 0) return null;
  const v = values.subarray(0, count).sort();
  let s = 0;
  for (let i = 0; i < count; i++) s += v[i]!;
  return { count, mean: s / count, median: median(v), extreme: lowest ? v[0]! : v[count - 1]! };
}

/** Full trade statistics (sorts copies; O(T log T)). */
export function tradeStats(trades: readonly TradeRecord[]): TradeStats {
  const n = trades.length;
  const all = summarizePnl(trades);
  const holding = new Float64Array(n);
  const maes = new Float64Array(n);
  const mfes = new Float64Array(n);
  let nMae = 0;
  let nMfe = 0;
  let commission = 0;
  let largestWin = -Infinity;
  let largestLoss = Infinity;
  for (let i = 0; i < n; i++) {
    const t = trades[i]!;
    holding[i] = t.exitTimeMs - t.entryTimeMs;
    commission += t.commission;
    if (t.pnl > largestWin) largestWin = t.pnl;
    if (t.pnl < largestLoss) largestLoss = t.pnl;
    if (t.mae !== undefined && Number.isFinite(t.mae)) maes[nMae++] = t.mae;
    if (t.mfe !== undefined && Number.isFinite(t.mfe)) mfes[nMfe++] = t.mfe;
  }
  let holdingSum = 0;
  for (let i = 0; i < n; i++) holdingSum += holding[i]!;
  holding.sort();

  // Streaks in exit-time order (stable for equal exit times).
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => trades[a]!.exitTimeMs - trades[b]!.exitTimeMs || a - b);
  let maxW = 0;
  let maxL = 0;
  let w = 0;
  let l = 0;
  for (const i of order) {
    const p = trades[i]!.pnl;
    w = p > 0 ? w + 1 : 0;
    l = p < 0 ? l + 1 : 0;
    if (w > maxW) maxW = w;
    if (l > maxL) maxL = l;
  }

  const mae = excursion(maes, nMae, true);
  const mfe = excursion(mfes, nMfe, false);
  return {
    ...all,
    long: summarizePnl(trades, 1),
    short: summarizePnl(trades, -1),
    largestWin: n > 0 ? largestWin : null,
    largestLoss: n > 0 ? largestLoss : null,
    maxConsecutiveWins: maxW,
    maxConsecutiveLosses: maxL,
    holdingMeanMs: n > 0 ? holdingSum / n : null,
    holdingMedianMs: n > 0 ? median(holding) : null,
    commissionPaid: commission,
    mae,
    mfe,
    edgeRatio: mae !== null && mfe !== null && mae.mean !== 0 ? mfe.mean / Math.abs(mae.mean) : null,
  };
}

/** Traded value of closed round trips: Σ |qty| × (entryPrice + exitPrice). */
export function tradedValue(trades: readonly TradeRecord[]): number {
  let v = 0;
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i]!;
    v += Math.abs(t.qty) * (t.entryPrice + t.exitPrice);
  }
  return v;
}

/** First index i with timeMs[i] ≥ t (timeMs ascending); timeMs.length when none. */
export function lowerBound(timeMs: Series, t: number): number {
  let lo = 0;
  let hi = timeMs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeMs[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Fraction of bars in the market: a bar counts when some trade is open at its timestamp,
 * entryTimeMs ≤ t < exitTimeMs. Linear in bars plus O(T log n) for the trades.
 */
export function timeInMarket(timeMs: Series, trades: readonly TradeRecord[]): number | null {
  const n = timeMs.length;
  if (n === 0) return null;
  if (trades.length === 0) return 0;
  const diff = new Int32Array(n + 1);
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i]!;
    const a = lowerBound(timeMs, t.entryTimeMs);
    const b = lowerBound(timeMs, t.exitTimeMs);
    if (b > a) {
      diff[a] = diff[a]! + 1;
      diff[b] = diff[b]! - 1;
    }
  }
  let open = 0;
  let bars = 0;
  for (let i = 0; i < n; i++) {
    open += diff[i]!;
    if (open > 0) bars++;
  }
  return bars / n;
}
