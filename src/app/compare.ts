// `sextant compare --run <paper or live run> --backtest <backtest --json file>`: how a run on live data
// tracked a backtest of the same period (docs/live.md, "Paper before live"). Fills are paired by symbol,
// side and time (nearest within a tolerance); each pair's price difference is its slippage in basis
// points (positive: the run did worse than the backtest), unpaired fills on either side are listed; the
// equity curves are compared as returns from the start of the period both cover (drift at the end,
// largest gap, tracking error of the per-step return differences), each backtest point read at its bar's
// close, when the run's curve shows the same moment.
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { openStore } from '../store/open.ts';
import type { FillInput } from '../store/store.ts';
import { readBacktestJson } from './backtest-json.ts';
import { DEFAULT_STATE_DIR } from './state-dir.ts';

export interface CompareFill {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly tsMs: number;
  readonly price: number;
  readonly qty: number;
}

export interface EquityPoint {
  readonly tsMs: number;
  readonly equity: number;
}

export interface FillPair {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly runTime: string;
  readonly backtestTime: string;
  readonly runPrice: number;
  readonly backtestPrice: number;
  readonly runQty: number;
  readonly backtestQty: number;
  /** (run - backtest) / backtest in bp, signed so that positive means the run paid more (buy) or got less (sell). */
  readonly slippageBps: number;
  /** Run time minus backtest time. */
  readonly delayMs: number;
}

export interface Distribution {
  readonly mean: number;
  readonly median: number;
  readonly p95: number;
  readonly worst: number;
}

export interface Comparison {
  readonly period: { readonly from: string; readonly to: string };
  readonly symbols: readonly { readonly run: string; readonly backtest: string }[];
  readonly fills: {
    readonly run: number;
    readonly backtest: number;
    readonly paired: number;
    readonly runOnly: number;
    readonly backtestOnly: number;
    /** Paired fills / backtest fills (1 = every backtest fill happened in the run). */
    readonly matchRate: number | null;
    readonly slippageBps: Distribution | null;
    readonly delayMs: Distribution | null;
  };
  readonly pnl: {
    /** Returns over the period, from each side's equity at its start. */
    readonly runReturn: number | null;
    readonly backtestReturn: number | null;
    /** runReturn - backtestReturn. */
    readonly drift: number | null;
    /** Largest |run return - backtest return| at any point of the period. */
    readonly maxGap: number | null;
    /** Standard deviation of the per-step differences of the two return series. */
    readonly trackingError: number | null;
  };
  readonly pairs: readonly FillPair[];
  readonly runOnly: readonly CompareFill[];
  readonly backtestOnly: readonly CompareFill[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

function distribution(xs: readonly number[], worst: (a: number, b: number) => number): Distribution | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, median: q(0.5), p95: q(0.95), worst: xs.reduce(worst) };
}

/** Equity at `t`: the last point at or before it (null before the first). */
function equityAt(points: readonly EquityPoint[], t: number): number | null {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.tsMs <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? null : points[found]!.equity;
}

/**
 * Pairs the run's fills with the backtest's: for each backtest fill in time order, the nearest unpaired
 * run fill of the same symbol and side within `toleranceMs`.
 */
function pairFills(run: readonly CompareFill[], backtest: readonly CompareFill[], toleranceMs: number): { pairs: FillPair[]; runOnly: CompareFill[]; backtestOnly: CompareFill[] } {
  const used = new Set<number>();
  const pairs: FillPair[] = [];
  const backtestOnly: CompareFill[] = [];
  for (const b of [...backtest].sort((x, y) => x.tsMs - y.tsMs)) {
    let best = -1;
    for (let i = 0; i < run.length; i++) {
      const r = run[i]!;
      if (used.has(i) || r.symbol !== b.symbol || r.side !== b.side || Math.abs(r.tsMs - b.tsMs) > toleranceMs) continue;
      if (best < 0 || Math.abs(r.tsMs - b.tsMs) < Math.abs(run[best]!.tsMs - b.tsMs)) best = i;
    }
    if (best < 0) {
      backtestOnly.push(b);
      continue;
    }
    used.add(best);
    const r = run[best]!;
    const sign = b.side === 'buy' ? 1 : -1;
    pairs.push({
      symbol: b.symbol, side: b.side, runTime: iso(r.tsMs), backtestTime: iso(b.tsMs), runPrice: r.price, backtestPrice: b.price, runQty: r.qty, backtestQty: b.qty,
      slippageBps: (sign * (r.price - b.price) / b.price) * 10_000, delayMs: r.tsMs - b.tsMs,
    });
  }
  return { pairs, runOnly: run.filter((_, i) => !used.has(i)), backtestOnly };
}

/**
 * Returns of both curves at the backtest's points inside the period, from the first such point (each
 * curve's equity then) to the last one.
 */
function pnlOf(run: readonly EquityPoint[], backtest: readonly EquityPoint[], from: number, to: number): Comparison['pnl'] {
  const none = { runReturn: null, backtestReturn: null, drift: null, maxGap: null, trackingError: null };
  const rows: [number, number][] = [];
  for (const p of backtest) {
    if (p.tsMs < from || p.tsMs > to) continue;
    const re = equityAt(run, p.tsMs);
    if (re !== null && re > 0 && p.equity > 0) rows.push([re, p.equity]);
  }
  if (rows.length === 0) return none;
  const [r0, b0] = rows[0]!;
  const gaps = rows.map(([r, b]) => r / r0 - (b / b0));
  const [rEnd, bEnd] = rows.at(-1)!;
  const runReturn = rEnd / r0 - 1;
  const backtestReturn = bEnd / b0 - 1;
  const steps = gaps.slice(1).map((g, i) => g - gaps[i]!);
  const mean = steps.reduce((a, b) => a + b, 0) / Math.max(1, steps.length);
  const trackingError = steps.length < 2 ? null : Math.sqrt(steps.reduce((a, d) => a + (d - mean) ** 2, 0) / (steps.length - 1));
  return { runReturn, backtestReturn, drift: runReturn - backtestReturn, maxGap: Math.max(...gaps.map(Math.abs)), trackingError };
}

/**
 * A backtest labels each equity point with its bar's open time but measures it at the bar's close; a
 * run's points are measured when they are stamped. The backtest's points move to their close times
 * (the bar length: the shortest step between them) so both curves are read at the same moments.
 */
export function atCloseTimes(points: readonly EquityPoint[]): EquityPoint[] {
  let bar = Infinity;
  for (let i = 1; i < points.length; i++) bar = Math.min(bar, points[i]!.tsMs - points[i - 1]!.tsMs);
  const shift = Number.isFinite(bar) && bar > 0 ? bar : 0;
  return points.map((p) => ({ tsMs: p.tsMs + shift, equity: p.equity }));
}

/**
 * Pairs symbols: by name, or the one symbol of each side when each has exactly one (a venue's `BTC/USDT`
 * and a CSV's `BTCUSDT` are the same market).
 */
function symbolMap(runSymbols: ReadonlySet<string>, backtestSymbols: ReadonlySet<string>): Map<string, string> {
  const byName = new Map([...runSymbols].filter((s) => backtestSymbols.has(s)).map((s) => [s, s]));
  if (byName.size > 0) return byName;
  if (runSymbols.size === 1 && backtestSymbols.size === 1) return new Map([[[...runSymbols][0]!, [...backtestSymbols][0]!]]);
  throw new ConfigError(`the run traded ${[...runSymbols].join(', ') || 'nothing'} and the backtest ${[...backtestSymbols].join(', ') || 'nothing'}: no symbol in common to compare`, { field: '--backtest' });
}

/** The comparison itself (pure). */
export function compareRuns(run: { fills: readonly CompareFill[]; equity: readonly EquityPoint[] }, backtest: { fills: readonly CompareFill[]; equity: readonly EquityPoint[] }, toleranceMs: number): Comparison {
  const span = (xs: readonly { tsMs: number }[]): [number, number] => [Math.min(...xs.map((x) => x.tsMs)), Math.max(...xs.map((x) => x.tsMs))];
  const runPoints = [...run.equity, ...run.fills];
  if (runPoints.length === 0) throw new ConfigError('the run has no equity or fills yet: nothing to compare', { field: '--run' });
  if (backtest.equity.length === 0) throw new ConfigError('the backtest file has no equity curve', { field: '--backtest' });
  const [rFrom, rTo] = span(runPoints);
  const btEquity = atCloseTimes(backtest.equity);
  const [bFrom, bTo] = span(btEquity);
  const from = Math.max(rFrom, bFrom);
  const to = Math.min(rTo, bTo);
  if (from > to) throw new ConfigError(`the run (${iso(rFrom)} to ${iso(rTo)}) and the backtest (${iso(bFrom)} to ${iso(bTo)}) do not overlap`, { field: '--backtest' });
  const inside = (f: CompareFill): boolean => f.tsMs >= from - toleranceMs && f.tsMs <= to + toleranceMs;
  const map = symbolMap(new Set(run.fills.map((f) => f.symbol)), new Set(backtest.fills.map((f) => f.symbol)));
  // The run's symbols in the backtest's names, so pairs and lists read the same on both sides.
  const runFills = run.fills.filter(inside).map((f) => ({ ...f, symbol: map.get(f.symbol) ?? f.symbol }));
  const btFills = backtest.fills.filter(inside);
  const { pairs, runOnly, backtestOnly } = pairFills(runFills, btFills, toleranceMs);
  return {
    period: { from: iso(from), to: iso(to) },
    symbols: [...map].map(([r, b]) => ({ run: r, backtest: b })),
    fills: {
      run: runFills.length, backtest: btFills.length, paired: pairs.length, runOnly: runOnly.length, backtestOnly: backtestOnly.length,
      matchRate: btFills.length === 0 ? null : pairs.length / btFills.length,
      slippageBps: distribution(pairs.map((p) => p.slippageBps), (a, b) => Math.max(a, b)),
      delayMs: distribution(pairs.map((p) => p.delayMs), (a, b) => (Math.abs(a) >= Math.abs(b) ? a : b)),
    },
    pnl: pnlOf(run.equity, btEquity, from, to),
    pairs,
    runOnly,
    backtestOnly,
  };
}

export interface CompareRequest {
  readonly runId: string;
  readonly backtest: string;
  readonly stateDir?: string;
  /** How far apart in time two fills may be and still be the same trade (default one hour). */
  readonly toleranceMs?: number;
}

/** Reads the run from the store and the backtest from its JSON file, and compares them. */
export async function compare(req: CompareRequest): Promise<Comparison> {
  const report = readBacktestJson(req.backtest);
  const stateDir = req.stateDir ?? DEFAULT_STATE_DIR;
  const store = await openStore({ dir: join(stateDir, 'db'), mustExist: true, existingField: '--state-dir' });
  let fills: FillInput[];
  let equity: EquityPoint[];
  try {
    if ((await store.getRun(req.runId)) === null) {
      const known = (await store.listRuns()).map((r) => r.id);
      throw new ConfigError(`no run "${req.runId}" in ${store.location}; ${known.length === 0 ? 'it holds no run' : `runs: ${known.join(', ')}`}`, { field: '--run' });
    }
    [fills, equity] = await Promise.all([store.loadFills(req.runId), store.loadEquity(req.runId)]);
  } finally {
    await store.close();
  }
  return compareRuns(
    { fills: fills.map((f) => ({ symbol: f.symbol, side: f.side, tsMs: f.tsMs, price: f.price, qty: f.qty })), equity: equity.map((e) => ({ tsMs: e.tsMs, equity: e.equity })) },
    {
      fills: report.fills.map((f) => ({ symbol: f.symbol, side: f.side, tsMs: Date.parse(f.time), price: f.price, qty: f.qty })),
      equity: report.equity.map((e) => ({ tsMs: Date.parse(e.time), equity: e.equity })),
    },
    req.toleranceMs ?? 3_600_000,
  );
}
