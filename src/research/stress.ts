// Stress tests of a strategy: how it fared in the worst stretches of its own history, and how it
// fares when shocks are injected into the data (a gap down, a volatility spike, a liquidity
// drought), each compared with the unshocked baseline run. The runner is injected (research never
// imports the engine): it runs a fresh strategy over the given series, optionally with a
// participation cap at the venue.
import { ConfigError } from '../core/errors.ts';
import { toIso } from '../core/time.ts';
import type { PerformanceMetrics } from '../analytics/metrics.ts';
import type { BarSeries } from '../model/bar.ts';
import { gapDown, liquidityDrought, volatilitySpike } from './stress-shocks.ts';
import { underlyingIndex, worstDrawdownWindows, type StressWindow } from './stress-windows.ts';

export interface StressRunResult {
  /** Equity per distinct bar time. */
  readonly timeMs: Float64Array;
  readonly equity: Float64Array;
  /** Gross exposure / equity per point (0 when flat). */
  readonly exposure: Float64Array;
  readonly metrics: PerformanceMetrics;
  readonly finalValue: number;
  readonly fillTimesMs: readonly number[];
  /** Σ quantity of the orders the strategy sent (denied ones included). */
  readonly orderedQty: number;
  readonly filledQty: number;
  /** Orders denied by risk or rejected by the venue. */
  readonly rejected: number;
}

/** Runs a fresh strategy over `series`; `volumeCap` is the max fraction of a bar's volume it may take. */
export type StressRunner = (series: readonly BarSeries[], venue: { readonly volumeCap: number | null }) => StressRunResult;

export interface StressOptions {
  /** Crisis windows to measure; when absent the `autoWindows` deepest drawdowns of the underlying. */
  readonly windows?: readonly StressWindow[];
  /** Default 3; 0 turns them off. */
  readonly autoWindows?: number;
  /** Gap-down fraction (0.1 = opens 10% lower). Default 0.1; null skips the scenario. */
  readonly gap?: number | null;
  /** Volatility multiplier. Default 3; null skips the scenario. */
  readonly volK?: number | null;
  /** Volume factor in the drought. Default 0.05; null skips the scenario. */
  readonly droughtVolume?: number | null;
  /** Venue participation cap in the drought run (fraction of bar volume). Default 0.1. */
  readonly participation?: number;
  /** Bars a volatility spike or drought lasts, and the span measured after any shock. Default 20. */
  readonly shockBars?: number;
  /** When shocks start; default: chosen from the baseline (see `shockPlacement`). */
  readonly shockAtMs?: number;
}

export type ScenarioKind = 'baseline' | 'crisis-window' | 'gap-down' | 'volatility-spike' | 'liquidity-drought';

export interface ScenarioMetrics {
  finalValue: number;
  totalReturn: number | null;
  cagr: number | null;
  sharpe: number | null;
  maxDrawdown: number | null;
  tradeCount: number;
  fills: number;
  /** Filled / ordered quantity (null without orders). */
  fillRatio: number | null;
  rejected: number;
}

export interface WindowStats {
  from: string;
  to: string;
  bars: number;
  /** The strategy's equity change over the window in this scenario. */
  strategyReturn: number | null;
  strategyMaxDrawdown: number | null;
  /** The baseline strategy's equity change over the same window. */
  baselineReturn: number | null;
  /** The equal-weight underlying's change over the window (on this scenario's data). */
  underlyingReturn: number | null;
}

export interface ScenarioReport {
  id: string;
  kind: ScenarioKind;
  description: string;
  /** Whole-run metrics of the run the scenario used (crisis windows are measured on the baseline run). */
  metrics: ScenarioMetrics;
  /** Whole-run metrics minus the baseline's (null for the baseline and crisis windows). */
  vsBaseline: { finalValue: number; totalReturn: number | null; sharpe: number | null; maxDrawdown: number | null } | null;
  window: WindowStats | null;
}

export interface StressReport {
  /** Where shocks were placed and why. */
  shock: { at: string; reason: string; bars: number } | null;
  scenarios: ScenarioReport[];
}

function metricsOf(r: StressRunResult): ScenarioMetrics {
  const m = r.metrics;
  return {
    finalValue: r.finalValue, totalReturn: m.totalReturn, cagr: m.cagr, sharpe: m.sharpe, maxDrawdown: m.maxDrawdown, tradeCount: m.tradeCount,
    fills: r.fillTimesMs.length, fillRatio: r.orderedQty > 0 ? r.filledQty / r.orderedQty : null, rejected: r.rejected,
  };
}

const minus = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);

/** First index with t >= ms. */
function lowerIndex(t: Float64Array, ms: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Equity change and worst fall of a curve between the first point >= fromMs and the last <= toMs. */
export function curveWindow(timeMs: Float64Array, values: Float64Array, fromMs: number, toMs: number): { from: number; to: number; ret: number | null; maxDrawdown: number | null } {
  const from = lowerIndex(timeMs, fromMs);
  const to = lowerIndex(timeMs, toMs + 1) - 1;
  if (from > to || from >= values.length) return { from, to, ret: null, maxDrawdown: null };
  let peak = values[from]!;
  let mdd = 0;
  for (let i = from; i <= to; i++) {
    const v = values[i]!;
    if (v > peak) peak = v;
    else if (v / peak - 1 < mdd) mdd = v / peak - 1;
  }
  return { from, to, ret: values[to]! / values[from]! - 1, maxDrawdown: mdd };
}

function windowStats(run: StressRunResult, baseline: StressRunResult, data: readonly BarSeries[], fromMs: number, toMs: number): WindowStats {
  const own = curveWindow(run.timeMs, run.equity, fromMs, toMs);
  const base = curveWindow(baseline.timeMs, baseline.equity, fromMs, toMs);
  const idx = underlyingIndex(data);
  const und = curveWindow(idx.timeMs, idx.value, fromMs, toMs);
  const fromT = own.from < run.timeMs.length ? run.timeMs[own.from]! : fromMs;
  const toT = own.to >= 0 && own.to < run.timeMs.length ? run.timeMs[own.to]! : toMs;
  return {
    from: toIso(fromT), to: toIso(toT), bars: Math.max(0, own.to - own.from + 1), strategyReturn: own.ret, strategyMaxDrawdown: own.maxDrawdown,
    baselineReturn: base.ret, underlyingReturn: und.ret,
  };
}

/**
 * Where shocks start when the user does not say: a gap or a volatility spike on the bar after the
 * baseline's largest exposure (the strategy is surely in the market), a drought at the start of the
 * `bars`-bar stretch holding most of the baseline's fills (the strategy surely trades in it). A
 * strategy that never trades gets the middle bar.
 */
export function shockPlacement(baseline: StressRunResult, bars: number): { priceAt: number; priceReason: string; droughtAt: number; droughtReason: string } {
  const t = baseline.timeMs;
  const n = t.length;
  let best = -1;
  let top = 0;
  for (let i = 0; i < n; i++) {
    if (baseline.exposure[i]! > top) {
      top = baseline.exposure[i]!;
      best = i;
    }
  }
  const mid = Math.floor(n / 2);
  const priceIdx = best < 0 ? mid : Math.min(best + 1, n - 1);
  const priceReason = best < 0 ? 'middle bar (the baseline never held a position)' : `bar after the baseline's largest exposure (${(top * 100).toFixed(1)}% of equity on ${toIso(t[best]!).slice(0, 10)})`;
  // Fills per equity point, then the bars-long stretch with the most.
  const perBar = new Int32Array(n);
  for (const f of baseline.fillTimesMs) {
    const i = lowerIndex(t, f);
    if (i < n) perBar[i]!++;
  }
  let bestStart = -1;
  let bestCount = 0;
  let run = 0;
  for (let i = 0; i < n; i++) {
    run += perBar[i]!;
    if (i >= bars) run -= perBar[i - bars]!;
    if (run > bestCount) {
      bestCount = run;
      bestStart = Math.max(0, i - bars + 1);
    }
  }
  // Start at the first fill of the best stretch.
  if (bestStart >= 0) while (perBar[bestStart] === 0) bestStart++;
  const droughtIdx = bestStart < 0 ? priceIdx : bestStart;
  const droughtReason = bestStart < 0 ? priceReason : `first fill of the ${bars}-bar stretch with the most baseline fills (${bestCount})`;
  return { priceAt: t[priceIdx]!, priceReason, droughtAt: t[droughtIdx]!, droughtReason };
}

/** Runs the baseline and every scenario; see the module comment. */
export function runStressTest(series: readonly BarSeries[], run: StressRunner, o: StressOptions = {}): StressReport {
  const shockBars = o.shockBars ?? 20;
  if (!Number.isSafeInteger(shockBars) || shockBars < 1) throw new ConfigError(`shock bars must be a positive integer, got ${shockBars}`, { field: '--shock-bars' });
  const participation = o.participation ?? 0.1;
  if (!(participation > 0 && participation <= 1)) throw new ConfigError(`participation is a fraction of bar volume in (0, 1], got ${participation}`, { field: '--participation' });
  const baseline = run(series, { volumeCap: null });
  if (baseline.timeMs.length === 0) throw new ConfigError('stress tests need data', { field: '--data' });
  const scenarios: ScenarioReport[] = [
    { id: 'baseline', kind: 'baseline', description: 'the data as given', metrics: metricsOf(baseline), vsBaseline: null, window: null },
  ];
  const versus = (r: StressRunResult): ScenarioReport['vsBaseline'] => ({
    finalValue: r.finalValue - baseline.finalValue,
    totalReturn: minus(r.metrics.totalReturn, baseline.metrics.totalReturn),
    sharpe: minus(r.metrics.sharpe, baseline.metrics.sharpe),
    maxDrawdown: minus(r.metrics.maxDrawdown, baseline.metrics.maxDrawdown),
  });

  const windows = o.windows ?? worstDrawdownWindows(series, o.autoWindows ?? 3);
  for (const w of windows) {
    const depth = w.depth === null ? '' : ` (underlying ${(w.depth * 100).toFixed(1)}%)`;
    scenarios.push({
      id: `window ${w.label}`, kind: 'crisis-window',
      description: `${w.source === 'auto' ? 'worst drawdown of the underlying' : 'window given'}: ${w.label}${depth}`,
      metrics: metricsOf(baseline), vsBaseline: null, window: windowStats(baseline, baseline, series, w.fromMs, w.toMs),
    });
  }

  const gap = o.gap === undefined ? 0.1 : o.gap;
  const k = o.volK === undefined ? 3 : o.volK;
  const dv = o.droughtVolume === undefined ? 0.05 : o.droughtVolume;
  if (gap === null && k === null && dv === null) return { shock: null, scenarios };
  const place = shockPlacement(baseline, shockBars);
  const priceAt = o.shockAtMs ?? place.priceAt;
  const droughtAt = o.shockAtMs ?? place.droughtAt;
  const times = baseline.timeMs;
  /** The measured span: from the close before the shock to `shockBars` bars after it started. */
  const span = (atMs: number): [number, number] => {
    const i = Math.min(lowerIndex(times, atMs), times.length - 1);
    return [times[Math.max(0, i - 1)]!, times[Math.min(times.length - 1, i + shockBars - 1)]!];
  };
  const shocked = (id: string, kind: ScenarioKind, description: string, data: BarSeries[], atMs: number, cap: number | null): void => {
    const r = run(data, { volumeCap: cap });
    const [from, to] = span(atMs);
    scenarios.push({ id, kind, description, metrics: metricsOf(r), vsBaseline: versus(r), window: windowStats(r, baseline, data, from, to) });
  };
  const day = (ms: number): string => toIso(ms).slice(0, 10);
  if (gap !== null) shocked(`gap-down ${(gap * 100).toFixed(0)}%`, 'gap-down', `opens ${(gap * 100).toFixed(1)}% below the previous close on ${day(priceAt)}; later prices follow`, gapDown(series, priceAt, gap), priceAt, null);
  if (k !== null) shocked(`volatility x${k}`, 'volatility-spike', `moves scaled by ${k} for ${shockBars} bars from ${day(priceAt)}`, volatilitySpike(series, priceAt, shockBars, k), priceAt, null);
  if (dv !== null) {
    shocked(
      `liquidity x${dv}`, 'liquidity-drought',
      `volume x${dv} for ${shockBars} bars from ${day(droughtAt)}; fills capped at ${(participation * 100).toFixed(1)}% of bar volume`,
      liquidityDrought(series, droughtAt, shockBars, dv), droughtAt, participation,
    );
  }
  const reason = o.shockAtMs !== undefined ? 'given' : place.priceAt === place.droughtAt ? place.priceReason : `price shocks: ${place.priceReason}; drought: ${place.droughtReason} at ${day(place.droughtAt)}`;
  return { shock: { at: toIso(priceAt), reason, bars: shockBars }, scenarios };
}
