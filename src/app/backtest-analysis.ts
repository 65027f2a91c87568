// The `analysis` block of a backtest report (drawdowns, monthly returns, rolling Sharpe, return
// distribution, attribution, regimes): what `runBacktest` computes, apart from the tearsheet renderer
// (report.ts) so that a backtest does not load it.
import { attribute } from '../analytics/attribution.ts';
import { inferPeriodsPerYear } from '../analytics/periods.ts';
import { buildAnalysis, type BacktestAnalysis, type PriceInput } from '../analytics/report/analysis.ts';
import { regimeTimelineOf, type RegimeTimeline } from '../analytics/report/regime-timeline.ts';
import { classifyRegimes } from '../ml/regime/rules.ts';
import { regimeSegments } from '../ml/regime/segments.ts';
import type { BacktestOutput } from '../engine/backtest-node.ts';
import type { Feed } from '../engine/feed.ts';

export interface AnalyzeOptions {
  /** The account's starting cash. */
  readonly startingCash: number;
  /** The venue's market-order fill rule (where a market order's reference price is). */
  readonly marketFill: 'next-open' | 'close';
  /** Buy-and-hold equity on the same bar grid, or null. */
  readonly benchmarkEquity: Float64Array | null;
}

/**
 * The price each fill would have had without slippage: for a market order, the open of the bar it
 * filled in, or the close it was submitted at (fill at close). Other order types get NaN (their raw
 * price, a limit or a stop or a gap open, is not recorded), so they count no slippage.
 */
export function referencePrices(out: BacktestOutput, marketFill: 'next-open' | 'close'): Float64Array {
  const k = out.kernel;
  const orders = new Map(k.orders.map((o) => [o.id, o]));
  const feeds = new Map<string, Feed>();
  for (const f of out.feeds) if (f.venueSlot >= 0 && !feeds.has(f.symbol)) feeds.set(f.symbol, f);
  const refs = new Float64Array(k.fills.length).fill(NaN);
  k.fills.forEach((f, j) => {
    const order = orders.get(f.orderId);
    const feed = feeds.get(f.symbol);
    if (order === undefined || order.type !== 'market' || feed === undefined) return;
    const s = feed.series;
    const atClose = (order.request.fillAtClose ?? marketFill === 'close') && order.createdMs === f.tsMs;
    if (atClose) {
      const i = s.lowerBound(f.tsMs + 1) - 1;
      if (i >= 0) refs[j] = s.close[i]!;
    } else {
      const i = s.lowerBound(f.tsMs);
      if (i < s.length && s.time[i] === f.tsMs) refs[j] = s.open[i]!;
    }
  });
  return refs;
}

/**
 * The analysis block of a run. The engine charges no financing in `runBacktest` (no borrow or
 * margin rate is set), so financing is 0 there; were it charged, it would show as `unexplained`
 * because the kernel keeps only its total.
 */
export function analyzeBacktest(out: BacktestOutput, opts: AnalyzeOptions): BacktestAnalysis {
  const k = out.kernel;
  // Bars per year from the whole grid, inferred once (a median of 200k gaps in a 200k-bar run): the
  // attribution reads the whole grid; the analysis reads it up to the first non-positive equity, so it
  // gets the same figure only when there is none.
  const ppy = inferPeriodsPerYear(out.equityTime);
  const fills = k.fills.toArray();
  const attribution = attribute({
    periodsPerYear: ppy,
    timeMs: out.equityTime,
    fills,
    marks: out.feeds.map((f) => f.series),
    instruments: out.feeds.map((f) => f.instrument),
    startingEquity: opts.startingCash,
    equity: out.equity,
    referencePrices: referencePrices(out, opts.marketFill),
  });
  return buildAnalysis({
    periodsPerYear: allPositive(out.equity) ? ppy : undefined,
    timeMs: out.equityTime,
    equity: out.equity,
    benchmarkEquity: opts.benchmarkEquity,
    trades: k.trades.closed.map((t) => ({
      symbol: t.symbol, entryTimeMs: t.entryTimeMs, exitTimeMs: t.exitTimeMs, entryPrice: t.entryPrice, exitPrice: t.exitPrice,
      qty: t.side === 'long' ? t.qty : -t.qty, pnl: t.pnl, commission: t.commission,
    })),
    attribution,
    prices: priceInputs(out, fills),
    openPositionValues: Float64Array.from(k.portfolio.openPositions(), (p) => p.marketValue()),
    regimes: regimeTimeline(out),
  });
}

/**
 * The rule-based market regimes (src/ml/regime, default rules) of the run's first symbol, as segments: each
 * bar labelled from the closes up to it, as a strategy would see them. Null without a bar feed.
 */
function regimeTimeline(out: BacktestOutput): RegimeTimeline | null {
  const feed = out.feeds.find((f) => f.venueSlot >= 0);
  if (feed === undefined) return null;
  const s = feed.series;
  const { labels, names } = classifyRegimes(s);
  return regimeTimelineOf(feed.symbol, names, regimeSegments(s.time.subarray(0, s.length), labels, names, s.timeframeMs > 0 ? s.timeframeMs : undefined));
}

/** The closes of each traded symbol's feed (its venue feed; a second timeframe is data only). */
function priceInputs(out: BacktestOutput, fills: readonly { readonly symbol: string }[]): PriceInput[] {
  const counts = new Map<string, number>();
  for (const f of fills) counts.set(f.symbol, (counts.get(f.symbol) ?? 0) + 1);
  const seen = new Set<string>();
  const inputs: PriceInput[] = [];
  for (const f of out.feeds) {
    if (f.venueSlot < 0 || seen.has(f.symbol)) continue;
    seen.add(f.symbol);
    const s = f.series;
    inputs.push({ symbol: f.symbol, tickSize: f.instrument.tickSize, fills: counts.get(f.symbol) ?? 0, timeMs: s.time.subarray(0, s.length), close: s.close.subarray(0, s.length) });
  }
  return inputs;
}

/** No equity at or below zero (nor infinite): the analysis then reads every bar (see `solventBars`). */
function allPositive(equity: Float64Array): boolean {
  for (let i = 0; i < equity.length; i++) if (!(equity[i]! > 0) || equity[i] === Infinity) return false;
  return true;
}
