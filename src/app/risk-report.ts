// `sextant risk --run run.json`: risk of the book a backtest ended with. Reads a `backtest --json`
// file, rebuilds the end-of-run positions and per-bar returns, and reports VaR and CVaR (historical,
// parametric, Monte Carlo), the built-in stress scenarios and limit usage (docs/risk-report.md).
import { z } from 'zod';
import { ConfigError, InputError } from '../core/errors.ts';
import { toIso } from '../core/time.ts';
import { JsonFile, PositionSchema, RunReportSchema, parseIsoTime } from './dto/index.ts';
import { parseRiskConfig, type RiskConfig } from '../risk/checks/index.ts';
import { BUILTIN_SCENARIOS, historicalVar, monteCarloVar, parametricVar, stressAll, type ReturnHistories, type RiskEstimate, type VarPosition } from '../risk/var/index.ts';

export interface RiskReportRequest {
  /** Path of a `sextant backtest --json` file. */
  readonly run: string;
  /** VaR confidence in (0, 1); default 0.99. */
  readonly confidence?: number;
  /** Horizon in bars (a positive whole number); default 1. */
  readonly horizon?: number;
  /** Monte Carlo scenarios (default 10 000) and seed (default 1). */
  readonly simulations?: number;
  readonly seed?: number;
  /** Limits to measure usage against; the defaults of RiskConfigSchema when omitted. */
  readonly limits?: RiskConfig;
}

/** One end-of-run position as the report values it. */
export interface RiskPosition {
  symbol: string;
  qty: number;
  lastPrice: number;
  /** Signed market value (qty × last price × multiplier, as the run reported it). */
  value: number;
  sector: string;
  assetClass: string;
}

export interface VarLine extends RiskEstimate {
  /** VaR and CVaR as a fraction of equity. */
  varPct: number;
  cvarPct: number;
}

export interface LimitLine {
  /** What is measured: a symbol, a sector, or 'gross'. */
  name: string;
  /** Measured value in percent of equity (gross leverage: a multiple of equity). */
  value: number;
  max: number | null;
  /** value / max (1 = at the limit); null when the limit is off or exempt. */
  usage: number | null;
  breached: boolean;
}

export interface RiskReport {
  run: string;
  /** Time of the last equity point. */
  asOf: string;
  equity: number;
  confidence: number;
  horizonBars: number;
  /**
   * 'positions': VaR of today's positions under each symbol's per-bar price returns (the run has
   * `prices`); 'equity-curve': VaR of the equity under the run's own per-bar equity returns.
   */
  basis: 'positions' | 'equity-curve';
  returns: { observations: number; from: string; to: string };
  positions: RiskPosition[];
  grossExposure: number;
  netExposure: number;
  var: { historical: VarLine; parametric: VarLine; monteCarlo: VarLine };
  stress: { scenario: string; name: string; pnl: number; pnlPctOfEquity: number; positions: { symbol: string; shock: number; source: string; pnl: number }[] }[];
  limits: { positions: LimitLine[]; sectors: LimitLine[]; grossLeverage: LimitLine };
  notes: string[];
}

/** What the report needs from a run file, validated. */
export interface RiskRunData {
  readonly file: string;
  readonly timeMs: Float64Array;
  readonly equity: Float64Array;
  readonly finalValue: number;
  readonly positions: readonly RiskPosition[];
  /** Closes per symbol, one per equity point, when the run carries them. */
  readonly prices: Readonly<Record<string, Float64Array>> | null;
}

const BACKTEST_JSON = 'the output of `sextant backtest --json`';
const text = z.string().min(1);

/**
 * The parts of a RunReport the risk report reads. An open position needs only symbol, qty and lastPrice (its
 * value defaults to qty × lastPrice) and may carry a `sector` and an `assetClass`; a run may carry `prices`,
 * one close per equity point and symbol (docs/risk-report.md).
 */
const RiskRunSchema = RunReportSchema.pick({ equity: true }).extend({
  openPositions: z.array(PositionSchema.pick({ symbol: true, qty: true, lastPrice: true }).extend({
    marketValue: PositionSchema.shape.marketValue.optional(),
    sector: text.optional(),
    assetClass: text.optional(),
  })),
  finalValue: RunReportSchema.shape.finalValue.optional(),
  prices: z.record(z.string(), z.array(z.number())).optional(),
});

/** Validates the parsed JSON of a backtest run; errors name the file and the field. */
export function parseRiskRun(doc: JsonFile): RiskRunData {
  const run = doc.parse(RiskRunSchema);
  const n = run.equity.length;
  if (n < 3) doc.fail(['equity'], `needs at least 3 points (2 returns), got ${n}`);
  const timeMs = new Float64Array(n);
  const equity = new Float64Array(n);
  run.equity.forEach((p, i) => {
    const ms = parseIsoTime(p.time)!;
    if (i > 0 && ms <= timeMs[i - 1]!) doc.fail(['equity', i, 'time'], 'times must be strictly ascending');
    timeMs[i] = ms;
    equity[i] = p.equity;
  });

  const seen = new Set<string>();
  const positions = run.openPositions.map((p, i): RiskPosition => {
    if (seen.has(p.symbol)) doc.fail(['openPositions', i, 'symbol'], `${p.symbol} is listed twice`);
    seen.add(p.symbol);
    if (!(p.lastPrice > 0)) doc.fail(['openPositions', i, 'lastPrice'], `must be positive, got ${p.lastPrice}`);
    return {
      symbol: p.symbol, qty: p.qty, lastPrice: p.lastPrice, value: p.marketValue ?? p.qty * p.lastPrice,
      sector: p.sector ?? 'unknown', assetClass: p.assetClass ?? 'equity',
    };
  });

  let prices: Record<string, Float64Array> | null = null;
  if (run.prices !== undefined) {
    prices = {};
    for (const [symbol, list] of Object.entries(run.prices)) {
      if (list.length !== n) doc.fail(['prices', symbol], `has ${list.length} closes, expected ${n} (one per equity point)`);
      list.forEach((c, t) => {
        if (!(c > 0)) doc.fail(['prices', symbol, t], `must be positive, got ${c}`);
      });
      prices[symbol] = Float64Array.from(list);
    }
  }
  return { file: doc.file, timeMs, equity, finalValue: run.finalValue ?? equity[n - 1]!, positions, prices };
}

/** Reads and validates a run file (`path` is the request's `run` field). */
export function readRiskRun(path: string): RiskRunData {
  return parseRiskRun(JsonFile.read(path, BACKTEST_JSON, 'run'));
}

/** Simple returns over `h` bars, overlapping windows: x[t+h]/x[t] − 1 for every t. */
export function horizonReturns(levels: ArrayLike<number>, h: number): Float64Array {
  const m = Math.max(0, levels.length - h);
  const out = new Float64Array(m);
  for (let t = 0; t < m; t++) out[t] = levels[t + h]! / levels[t]! - 1;
  return out;
}

/** The risk report of a run file. */
export function runRiskReport(req: RiskReportRequest): RiskReport {
  return riskReportOf(readRiskRun(req.run), req);
}

/** The risk report of validated run data (see `runRiskReport`). */
export function riskReportOf(run: RiskRunData, req: Omit<RiskReportRequest, 'run'> = {}): RiskReport {
  const confidence = req.confidence ?? 0.99;
  if (!(confidence > 0 && confidence < 1)) throw new ConfigError(`confidence must be in (0, 1), e.g. 0.99; got ${confidence}`, { field: 'confidence' });
  const h = req.horizon ?? 1;
  if (!(Number.isInteger(h) && h >= 1)) throw new ConfigError(`horizon must be a whole number of bars >= 1, got ${h}`, { field: 'horizon' });
  const limits = parseRiskConfig(req.limits ?? {});
  const notes: string[] = [];
  const equityNow = run.finalValue;
  if (!(equityNow > 0)) throw new InputError(`final equity ${equityNow} is not positive: VaR and limits are relative to it`, { file: run.file, field: 'finalValue' });

  // Returns: per symbol from prices when the run has them for every open position, else the equity curve.
  const held = run.positions.filter((p) => p.value !== 0);
  const n = run.equity.length;
  const usePrices = run.prices !== null && held.length > 0 && held.every((p) => Object.hasOwn(run.prices!, p.symbol));
  let start = 0;
  if (!usePrices) {
    // Returns need positive equity: measure from the bar after the last non-positive point.
    for (let t = 0; t < n; t++) if (!(run.equity[t]! > 0)) start = t + 1;
    if (start > 0) notes.push(`equity was not positive at ${toIso(run.timeMs[start - 1]!)}: returns start after it`);
  }
  const usable = n - start;
  if (usable - h < 2) throw new InputError(`${usable} usable equity points give ${Math.max(0, usable - h)} returns over ${h} bars; at least 2 are needed`, { file: run.file, field: 'equity' });

  let varPositions: VarPosition[];
  let oneBar: ReturnHistories;
  let hBars: ReturnHistories;
  if (usePrices) {
    varPositions = held.map((p) => ({ symbol: p.symbol, value: p.value }));
    oneBar = Object.fromEntries(held.map((p) => [p.symbol, horizonReturns(run.prices![p.symbol]!, 1)]));
    hBars = h === 1 ? oneBar : Object.fromEntries(held.map((p) => [p.symbol, horizonReturns(run.prices![p.symbol]!, h)]));
  } else {
    const eq = run.equity.subarray(start);
    varPositions = [{ symbol: 'equity', value: equityNow }];
    oneBar = { equity: horizonReturns(eq, 1) };
    hBars = h === 1 ? oneBar : { equity: horizonReturns(eq, h) };
    notes.push(
      run.prices === null
        ? 'the run has no per-symbol prices: VaR is the equity times the per-bar returns of the equity curve (the strategy as it traded, not only the end-of-run book)'
        : held.length === 0
          ? 'the run ends flat: VaR falls back to the equity curve'
          : `the run has no prices for ${held.filter((p) => !Object.hasOwn(run.prices!, p.symbol)).map((p) => p.symbol).join(', ')}: VaR falls back to the equity curve`,
    );
  }
  if (run.positions.some((p) => p.sector === 'unknown')) notes.push("positions without a sector are stressed with the asset-class default (sector 'unknown', asset class 'equity' unless the run says otherwise)");

  const line = (e: RiskEstimate): VarLine => ({ ...e, varPct: e.var / equityNow, cvarPct: e.cvar / equityNow });
  const historical = line({ ...historicalVar(varPositions, hBars, { confidence }), horizonPeriods: h });
  const parametric = line(parametricVar(varPositions, oneBar, { confidence, horizonPeriods: h }));
  const monteCarlo = line(monteCarloVar(varPositions, oneBar, { confidence, horizonPeriods: h, simulations: req.simulations ?? 10_000, seed: req.seed ?? 1 }));
  if (h > 1) notes.push(`historical VaR uses overlapping ${h}-bar returns; parametric and Monte Carlo scale 1-bar moments (mean × ${h}, std × √${h})`);

  const stressPositions = run.positions.map((p) => ({ symbol: p.symbol, sector: p.sector, assetClass: p.assetClass, value: p.value }));
  const stress = stressAll(stressPositions, BUILTIN_SCENARIOS).map((r) => ({
    scenario: r.scenario,
    name: BUILTIN_SCENARIOS.find((s) => s.id === r.scenario)?.name ?? r.scenario,
    pnl: r.totalPnl,
    pnlPctOfEquity: r.totalPnl / equityNow,
    positions: r.positions.map((p) => ({ symbol: p.symbol, shock: p.shock, source: p.source, pnl: p.pnl })),
  }));

  const gross = run.positions.reduce((s, p) => s + Math.abs(p.value), 0);
  const net = run.positions.reduce((s, p) => s + p.value, 0);
  const usage = (value: number, max: number | null): Pick<LimitLine, 'usage' | 'breached'> =>
    max === null ? { usage: null, breached: false } : { usage: value / max, breached: value > max + 1e-12 };
  const positionLines = run.positions.map((p): LimitLine => {
    const pct = (Math.abs(p.value) / equityNow) * 100;
    return { name: p.symbol, value: pct, max: limits.maxPositionPct, ...usage(pct, limits.maxPositionPct) };
  });
  const bySector = new Map<string, number>();
  for (const p of run.positions) bySector.set(p.sector, (bySector.get(p.sector) ?? 0) + Math.abs(p.value));
  const exempt = new Set(limits.exemptSectors.map((s) => s.toLowerCase()));
  const sectorLines = [...bySector].map(([sector, v]): LimitLine => {
    const pct = (v / equityNow) * 100;
    const max = exempt.has(sector.toLowerCase()) ? null : limits.maxSectorPct;
    return { name: sector, value: pct, max, ...usage(pct, max) };
  });
  const leverage = gross / equityNow;
  const grossLeverage: LimitLine = { name: 'gross', value: leverage, max: limits.maxGrossLeverage, ...usage(leverage, limits.maxGrossLeverage) };
  notes.push('limit usage is of the positions alone; the pre-trade gross-leverage check also counts working orders');

  const from = start + 1;
  return {
    run: run.file,
    asOf: toIso(run.timeMs[n - 1]!),
    equity: equityNow,
    confidence,
    horizonBars: h,
    basis: usePrices ? 'positions' : 'equity-curve',
    returns: { observations: n - start - 1, from: toIso(run.timeMs[from]!), to: toIso(run.timeMs[n - 1]!) },
    positions: [...run.positions],
    grossExposure: gross,
    netExposure: net,
    var: { historical, parametric, monteCarlo },
    stress,
    limits: { positions: positionLines, sectors: sectorLines, grossLeverage },
    notes,
  };
}
