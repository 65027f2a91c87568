// Research use cases (optimize, walk-forward) shared by the CLI and the API. This is where research
// meets the engine: it builds the runner that evaluates parameter sets, either the event-driven
// BacktestNode (any strategy, any data) or the fast vectorized kernel (sma-cross and rsi on one
// series under the default fill rules, equal to the engine trade for trade).
import { z } from 'zod';
import { computeMetrics } from '../analytics/metrics.ts';
import { ConfigError } from '../core/errors.ts';
import type { BarSeries } from '../model/bar.ts';
import { BacktestNode } from '../engine/backtest-node.ts';
import { FractionCommission } from '../execution/commission.ts';
import { FixedBpsSlippage, NoSlippage } from '../execution/slippage.ts';
import { builtinStrategy } from '../strategies/builtin-classes.ts';
import type { Sizer } from '../strategies/sizing.ts';
import type { StrategyClass } from '../strategies/strategy.ts';
import { allOf, parseConstraint, schemaConstraint, type Constraint } from '../research/constraints.ts';
import { createFastRunner } from '../research/fast-runner.ts';
import type { SweepRule, SweepSettings } from '../research/fast-sweep.ts';
import { parseObjective } from '../research/objective.ts';
import { optimize, SEARCH_METHODS, type OptimizationReport, type SearchMethod } from '../research/optimize.ts';
import { blockMoments } from '../research/pbo.ts';
import { domainSize, domainValue, parseSpace, type ParamSpace } from '../research/space.ts';
import { TradeGate } from '../research/trade-gate.ts';
import type { EvaluateRequest, ParamValue, Params, ProgressFn, Runner, TrialMetrics, TrialOutcome } from '../research/types.ts';
import { walkForward, type WalkForwardReport } from '../research/walk-forward.ts';
import { ResearchQueueClient } from '../research/queue-client.ts';
import { fromWire, toWire, type Wire } from '../research/queue-codec.ts';
import { DEFAULT_QUEUE_NAME } from '../research/queue-redis.ts';
import { openStore } from '../store/open.ts';
import type { JsonValue } from '../store/store.ts';
import { loadMarketData, marketOptionsOf, type MarketData, type MarketDataOptions } from './market-data.ts';
import { loadStrategy } from './strategy-loader.ts';
import { checkRunSettings, type StrategyRunRequest } from './run-settings.ts';

export type EngineChoice = 'auto' | 'fast' | 'event';

/** A run request (`--param` holds the fixed params, not searched) plus what the search needs. */
export interface OptimizeRequest extends StrategyRunRequest {
  readonly space: string;
  readonly objective?: string;
  readonly method?: string;
  readonly trials?: number;
  readonly seed?: number;
  /** Extra constraints such as `fast*2<slow`. */
  readonly constraints?: readonly string[];
  /** auto (default): the fast kernel when the strategy and settings allow it. */
  readonly engine?: EngineChoice;
  /** Worker threads of the fast kernel (default: the machine's parallelism). */
  readonly threads?: number;
  readonly pboBlocks?: number;
}

export interface WalkForwardRequest extends OptimizeRequest {
  readonly folds?: number;
  readonly trainFraction?: number;
  readonly anchored?: boolean;
}

export interface ResearchContext {
  readonly engine: 'fast' | 'event';
  readonly threads: number;
  readonly strategy: string;
  readonly data: string[];
  readonly bars: number;
  readonly settings: { cash: number; commission: number; slippageBps: number; size: string; fill: string; account: string; asset: string; timeframe: string | null };
  /** Queued runs only: the queue and the jobs each worker finished. */
  readonly queue?: QueueSummary;
}

export type OptimizeResult = ResearchContext & OptimizationReport;
export type WalkForwardResult = ResearchContext & WalkForwardReport;

interface Prepared {
  readonly ctx: ResearchContext;
  readonly runner: Runner;
  readonly space: ParamSpace;
  readonly fixed: Params;
  readonly constraint: Constraint;
  readonly method: SearchMethod;
}

function coerce(v: string | number | boolean): ParamValue {
  if (typeof v !== 'string') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  if (v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}

/** Param names and defaults of a strategy, from its schema. */
function schemaParams(cls: StrategyClass<object>): Map<string, ParamValue | undefined> {
  const json = z.toJSONSchema(cls.schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { default?: unknown }> };
  const out = new Map<string, ParamValue | undefined>();
  for (const [k, v] of Object.entries(json.properties ?? {})) {
    const d = v.default;
    out.set(k, typeof d === 'number' || typeof d === 'string' || typeof d === 'boolean' ? d : undefined);
  }
  return out;
}

/** Why the fast kernel cannot run this request, or null when it can. */
function fastBlocker(name: string, cls: StrategyClass<object>, market: MarketData, req: OptimizeRequest, sizer: Sizer, space: ParamSpace): string | null {
  if (name !== 'sma-cross' && name !== 'rsi') return `it covers sma-cross and rsi, not ${name}`;
  if (builtinStrategy(name) !== cls) return `${name} is not the built-in strategy`;
  if (market.series.length !== 1) return `it runs one series, the data has ${market.series.length}`;
  const inst = market.instruments.find((i) => i.symbol === market.series[0]!.symbol);
  if (inst !== undefined && (inst.lotSize !== 1 || inst.multiplier !== 1 || inst.minQty > 1)) return `it trades whole units of multiplier 1 (${inst.symbol} has lot ${inst.lotSize}, multiplier ${inst.multiplier})`;
  if (inst !== undefined && (inst.margin !== undefined || inst.commissionPerUnit !== undefined || inst.minCommission !== undefined)) return 'it has no margin or per-unit commission (--instrument)';
  if ((req.fill ?? 'next-open') !== 'next-open') return 'it fills at the next open only';
  if ((req.slippageBps ?? 0) !== 0) return 'it has no slippage model';
  if (sizer.kind !== 'pct-cash') return 'it sizes with pct-cash only';
  if ((req.account ?? 'cash') !== 'cash') return 'it models a cash account only';
  for (const d of space.params) if (d.kind === 'choice' && d.values.some((v) => typeof v !== 'number')) return `${d.name} has non-numeric choices`;
  return null;
}

function periodsOf(rule: SweepRule, space: ParamSpace, fixed: Params): number[] {
  const names = rule === 'sma-cross' ? ['fast', 'slow'] : ['period'];
  const out = new Set<number>();
  for (const n of names) {
    const d = space.params.find((p) => p.name === n);
    if (d === undefined) {
      const v = fixed[n];
      if (typeof v === 'number' && Number.isInteger(v) && v >= 1) out.add(v);
      continue;
    }
    const size = domainSize(d);
    if (size > 10_000) continue;
    for (let k = 0; k < size; k++) {
      const v = domainValue(d, k);
      if (typeof v === 'number' && Number.isInteger(v) && v >= 1) out.add(v);
    }
  }
  return [...out];
}

function timelineOf(series: readonly BarSeries[]): Float64Array {
  if (series.length === 1) return series[0]!.time.subarray(0, series[0]!.length);
  const all = new Set<number>();
  for (const s of series) for (let i = 0; i < s.length; i++) all.add(s.time[i]!);
  return Float64Array.from([...all].sort((a, b) => a - b));
}

/** Runs parameter sets through BacktestNode, one after the other. */
function engineRunner(name: string, cls: StrategyClass<object>, market: MarketData, o: {
  cash: number; sizer: Sizer; commission: number; slippageBps: number; fill: 'next-open' | 'close'; account: 'cash' | 'margin'; leverage: number;
}): Runner {
  const timeline = timelineOf(market.series);
  const venue = {
    marketFill: o.fill,
    commission: new FractionCommission(o.commission),
    slippage: o.slippageBps > 0 ? new FixedBpsSlippage(o.slippageBps) : new NoSlippage(),
  } as const;
  const one = (params: Params, req: EvaluateRequest): TrialOutcome => {
    const r = cls.schema.safeParse(params);
    if (!r.success) throw new ConfigError(`strategy ${name}: ${r.error.issues[0]!.message}`, { field: `param ${r.error.issues[0]!.path.join('.')}` });
    const fromMs = req.window?.fromMs ?? -Infinity;
    const toMs = req.window?.toMs ?? Infinity;
    const series = market.series.map((s) => {
      const end = s.lowerBound(toMs);
      return end === s.length ? s : s.slice(0, end);
    }).filter((s) => s.length > 0);
    const inner = new cls(r.data);
    const strategy = fromMs > timeline[0]! ? new TradeGate(inner, fromMs) : inner;
    const out = new BacktestNode({
      series, instruments: market.instruments, cash: o.cash, sizer: o.sizer, venue, accountType: o.account, leverage: o.leverage,
      strategies: [{ strategy, id: name }],
    }).run();
    let k0 = 0;
    while (k0 < out.equityTime.length && out.equityTime[k0]! < fromMs) k0++;
    const timeMs = out.equityTime.subarray(k0);
    const equity = out.equity.subarray(k0);
    const k = out.kernel;
    const metrics = trialMetrics(timeMs, equity, k.trades.closed.length);
    let moments: Float64Array | null = null;
    if (req.blocks > 0) {
      const ret = new Float64Array(Math.max(0, equity.length - 1));
      for (let i = 1; i < equity.length; i++) ret[i - 1] = equity[i]! / equity[i - 1]! - 1;
      moments = blockMoments(ret, req.blocks);
    }
    return req.keepCurve ? { metrics, moments, curve: { timeMs: timeMs.slice(), equity: equity.slice() } } : { metrics, moments };
  };
  return {
    timeline,
    batchSize: 4,
    evaluate: (params, req) => Promise.resolve(params.map((p) => one(p, req))),
  };
}

/** computeMetrics over a window; a curve that reaches zero is measured up to the bar before ruin. */
function trialMetrics(timeMs: Float64Array, equity: Float64Array, tradeCount: number): TrialMetrics {
  let end = equity.length;
  for (let i = 0; i < equity.length; i++) {
    if (!(equity[i]! > 0)) {
      end = i;
      break;
    }
  }
  const cut = Math.max(1, end);
  const m = computeMetrics({ timeMs: timeMs.subarray(0, cut), equity: end === 0 ? Float64Array.of(Number.MIN_VALUE) : equity.subarray(0, cut) });
  const ruined = end < equity.length;
  return {
    finalValue: equity[equity.length - 1] ?? NaN,
    totalReturn: ruined ? (equity[end]! - equity[0]!) / equity[0]! : m.totalReturn,
    cagr: ruined ? null : m.cagr,
    annualVolatility: m.annualVolatility,
    sharpe: m.sharpe,
    sortino: m.sortino,
    maxDrawdown: ruined ? -1 : m.maxDrawdown,
    calmar: ruined ? null : m.calmar,
    tradeCount,
    periodsPerYear: m.periodsPerYear,
    bars: equity.length,
  };
}

interface SearchPlan {
  readonly loaded: Awaited<ReturnType<typeof loadStrategy>>;
  readonly space: ParamSpace;
  readonly fixed: Params;
  readonly constraint: Constraint;
  readonly method: SearchMethod;
}

/** The search half of a request (strategy, space, fixed params, constraints, method): no data needed. */
async function prepareSearch(req: OptimizeRequest): Promise<SearchPlan> {
  const loaded = await loadStrategy(req.strategy);
  const space = parseSpace(req.space);
  const known = schemaParams(loaded.cls);
  for (const d of space.params) {
    if (!known.has(d.name)) throw new ConfigError(`strategy ${loaded.name} has no parameter "${d.name}"; it takes: ${[...known.keys()].join(', ') || 'none'}`, { field: '--space' });
  }
  const fixed: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(req.params ?? {})) {
    if (!known.has(k)) throw new ConfigError(`strategy ${loaded.name} has no parameter "${k}"; it takes: ${[...known.keys()].join(', ') || 'none'}`, { field: `param ${k}` });
    if (space.params.some((d) => d.name === k)) throw new ConfigError(`${k} is both fixed (--param) and searched (--space)`, { field: `param ${k}` });
    fixed[k] = coerce(v);
  }
  for (const [k, d] of known) if (!(k in fixed) && d !== undefined && !space.params.some((p) => p.name === k)) fixed[k] = d;
  const names = [...known.keys()];
  const constraint = allOf([...(req.constraints ?? []).map((c) => parseConstraint(c, names)), schemaConstraint(loaded.cls)]);
  const method = (req.method ?? 'grid') as SearchMethod;
  if (!SEARCH_METHODS.includes(method)) throw new ConfigError(`unknown method "${req.method}"; use ${SEARCH_METHODS.join(', ')}`, { field: '--method' });
  return { loaded, space, fixed, constraint, method };
}

interface RunSettings {
  readonly sizeText: string;
  readonly sizer: Sizer;
  readonly cash: number;
  readonly commission: number;
  readonly slippageBps: number;
  readonly account: 'cash' | 'margin';
  readonly leverage: number;
  readonly fill: 'next-open' | 'close';
  readonly engine: EngineChoice;
  readonly threads: number | undefined;
  readonly market: MarketDataOptions;
}

/** The backtest settings of a request, checked (ConfigError naming the flag). */
function settingsOf(req: OptimizeRequest): RunSettings {
  const checked = checkRunSettings(req);
  const { sizeText, sizer, cash, commission, slippageBps, account, leverage, fill } = checked;
  const engine = req.engine ?? 'auto';
  if (!['auto', 'fast', 'event'].includes(engine)) throw new ConfigError(`--engine must be auto, fast or event, got "${engine}"`, { field: '--engine' });
  const threads = req.threads;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0)) throw new ConfigError(`--threads must be a whole number >= 0, got ${threads}`, { field: '--threads' });
  return { sizeText, sizer, cash, commission, slippageBps, account, leverage, fill, engine: engine as EngineChoice, threads, market: marketOptionsOf(req, checked) };
}

async function prepare(req: OptimizeRequest): Promise<Prepared> {
  const { loaded, space, fixed, constraint, method } = await prepareSearch(req);
  const { sizeText, sizer, cash, commission, slippageBps, account, leverage, fill, engine, threads, market: marketOptions } = settingsOf(req);
  const market = loadMarketData(req.data ?? [], marketOptions);
  const blocker = engine === 'event' ? 'event engine asked for' : fastBlocker(loaded.name, loaded.cls, market, req, sizer, space);
  if (engine === 'fast' && blocker !== null) throw new ConfigError(`the fast kernel cannot run this: ${blocker}; use --engine event`, { field: '--engine' });
  const settings = { cash, commission, slippageBps, size: sizeText, fill, account, asset: marketOptions.instrument?.asset ?? 'equity', timeframe: req.timeframe ?? null };
  const ctxBase = { strategy: loaded.name, data: req.data?.length ? [...req.data] : ['synthetic'], settings };
  if (blocker === null && sizer.kind === 'pct-cash') {
    const rule = loaded.name as SweepRule;
    const s = market.series[0]!;
    const sweepSettings: SweepSettings = { cash, commission, pctCash: sizer.pct };
    const runner = await createFastRunner({
      rule, series: { symbol: s.symbol, time: s.time.subarray(0, s.length), open: s.open.subarray(0, s.length), close: s.close.subarray(0, s.length) },
      settings: sweepSettings, periods: periodsOf(rule, space, fixed), threads,
    });
    return { ctx: { ...ctxBase, engine: 'fast', threads: runner.sweep.threads, bars: s.length }, runner, space, fixed, constraint, method };
  }
  const runner = engineRunner(loaded.name, loaded.cls, market, { cash, sizer, commission, slippageBps, fill, account, leverage });
  return { ctx: { ...ctxBase, engine: 'event', threads: 1, bars: runner.timeline.length }, runner, space, fixed, constraint, method };
}

/** Distributed runs: the parameter sets go to BullMQ workers (`sextant worker`) over Redis. */
export interface QueueRunOptions {
  /** `redis://host:port[/db]`. */
  readonly url: string;
  /** Queue name (default `sextant-research`); workers must listen on the same one. */
  readonly name?: string;
  /** Parameter sets per job (default: up to 256 on the fast kernel, 4 on the event engine). */
  readonly chunk?: number;
}

export interface ResearchHooks {
  readonly onProgress?: ProgressFn;
  /** Run through a BullMQ queue instead of this machine's cores. */
  readonly queue?: QueueRunOptions;
  /** Something the user should know while waiting (e.g. no worker connected yet). */
  readonly onNotice?: (message: string) => void;
}

/** What a queued run reports about its transport (`queue` in the JSON report). */
export interface QueueSummary {
  /** The Redis URL without its password. */
  readonly url: string;
  readonly name: string;
  /** Jobs finished (the describe job included). */
  readonly jobs: number;
  /** Jobs finished per worker (`host:pid`). */
  readonly workers: Record<string, number>;
}

/** The request a worker reproduces: everything but the local thread count. */
function queueSpec(req: OptimizeRequest): Wire {
  const spec: Record<string, unknown> = { ...req };
  delete spec.threads;
  return toWire(spec);
}

interface QueuedRun {
  readonly client: ResearchQueueClient;
  readonly prepared: Prepared;
  summary(): QueueSummary;
}

/**
 * Checks the request here (strategy, space, constraints, settings: a bad flag is exit 2 before any
 * job exists), then has one worker load the data and describe the run (bars, engine), and returns a
 * runner whose parameter sets the queue's workers evaluate.
 */
async function prepareQueued(req: OptimizeRequest, q: QueueRunOptions, hooks: ResearchHooks, onChunk: (done: number, size: number) => void): Promise<QueuedRun> {
  if (req.threads !== undefined) throw new ConfigError('--threads sets the threads of a local run; with --queue give it to `sextant worker`', { field: '--threads' });
  if (q.chunk !== undefined && !(Number.isInteger(q.chunk) && q.chunk >= 1)) throw new ConfigError(`--chunk must be a positive integer, got ${q.chunk}`, { field: '--chunk' });
  const { space, fixed, constraint, method } = await prepareSearch(req);
  settingsOf(req);
  const client = await ResearchQueueClient.open({ url: q.url, name: q.name });
  try {
    const t = client.target;
    if ((await client.workerCount()) === 0) {
      hooks.onNotice?.(`no worker is connected to queue "${t.name}" at ${t.display} yet; the jobs wait until one starts: ` +
        `sextant worker --queue ${t.display}${t.name === DEFAULT_QUEUE_NAME ? '' : ` --queue-name ${t.name}`}`);
    }
    const spec = queueSpec(req);
    const d = await client.describe(spec);
    if (!d.ok) throw new ConfigError(`on worker ${d.worker}: ${d.error}`);
    const ctx = fromWire(d.context) as ResearchContext;
    const timeline = fromWire(d.timeline) as Float64Array;
    const runner = client.runner(spec, timeline, { chunk: q.chunk, defaultChunk: ctx.engine === 'fast' ? 256 : 4, onChunk });
    const summary = (): QueueSummary => ({ url: t.display, name: t.name, jobs: client.jobs, workers: client.jobsByWorker() });
    return { client, prepared: { ctx, runner, space, fixed, constraint, method }, summary };
  } catch (e) {
    await client.close();
    throw e;
  }
}

/**
 * Records a finished optimize or walk-forward report in the store (DATABASE_URL, `db`, or
 * ./.sextant/db): a run of kind 'backtest' whose config is `{ research, request, report }`, status
 * completed. Returns the run id and where it was written.
 */
export async function recordResearch(
  research: 'optimize' | 'walkforward', req: OptimizeRequest, result: OptimizeResult | WalkForwardResult, o: { db?: string; startedMs?: number } = {},
): Promise<{ runId: string; location: string }> {
  const target = o.db === undefined ? {} : /^[a-z][a-z0-9+.-]*:\/\//i.test(o.db) ? { url: o.db } : { dir: o.db };
  const store = await openStore(target);
  try {
    // JSON drops undefined and turns non-finite numbers into null, as the --json report does.
    const config = JSON.parse(JSON.stringify({ research, request: req, report: result })) as JsonValue;
    const run = await store.startRun({ kind: 'backtest', config, startedMs: o.startedMs });
    await store.endRun(run.id, 'completed');
    return { runId: run.id, location: store.location };
  } finally {
    await store.close();
  }
}

export async function runOptimize(req: OptimizeRequest, hooks: ResearchHooks = {}): Promise<OptimizeResult> {
  const objective = parseObjective(req.objective ?? 'sharpe');
  // Queued runs report every finished job: sets done so far plus those of the call in flight.
  let base = 0;
  let total = 0;
  // (A finished call is reported by optimize itself.)
  const onChunk = (done: number, size: number): void => {
    if (done < size) hooks.onProgress?.(base + done, Math.max(total, base + size));
  };
  const onProgress = (done: number, t: number): void => {
    base = done;
    total = t;
    hooks.onProgress?.(done, t);
  };
  const queued = hooks.queue === undefined ? null : await prepareQueued(req, hooks.queue, hooks, onChunk);
  const p = queued?.prepared ?? (await prepare(req));
  try {
    const report = await optimize(p.runner, {
      space: p.space, objective, method: p.method, trials: req.trials, seed: req.seed,
      constraint: p.constraint, fixed: p.fixed, pboBlocks: req.pboBlocks, onProgress,
    });
    return queued === null ? { ...p.ctx, ...report } : { ...p.ctx, queue: queued.summary(), ...report };
  } finally {
    await (queued?.client.close() ?? p.runner.close?.());
  }
}

export async function runWalkForward(req: WalkForwardRequest, hooks: ResearchHooks = {}): Promise<WalkForwardResult> {
  const objective = parseObjective(req.objective ?? 'sharpe');
  const folds = req.folds ?? 5;
  // Progress in folds; a queued run also moves within the fold as its jobs finish.
  let at = 0;
  const onChunk = (done: number, size: number): void => {
    if (done < size) hooks.onProgress?.(Math.min(Math.floor(at) + done / size, folds), folds);
  };
  const onProgress = (done: number, t: number): void => {
    at = done;
    hooks.onProgress?.(done, t);
  };
  const queued = hooks.queue === undefined ? null : await prepareQueued(req, hooks.queue, hooks, onChunk);
  const p = queued?.prepared ?? (await prepare(req));
  try {
    const report = await walkForward(p.runner, {
      space: p.space, objective, method: p.method, trials: req.trials, seed: req.seed,
      constraint: p.constraint, fixed: p.fixed, folds, trainFraction: req.trainFraction, anchored: req.anchored,
      onProgress,
    });
    return queued === null ? { ...p.ctx, ...report } : { ...p.ctx, queue: queued.summary(), ...report };
  } finally {
    await (queued?.client.close() ?? p.runner.close?.());
  }
}

/**
 * What a research worker runs for a request: the same runner as a local run (fast kernel or event
 * engine) with the worker's own thread count, and the run's context (engine, bars, settings).
 */
export async function prepareResearchRunner(req: OptimizeRequest): Promise<{ ctx: ResearchContext; runner: Runner }> {
  const p = await prepare(req);
  return { ctx: p.ctx, runner: p.runner };
}
