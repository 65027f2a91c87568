// Recursive (start-point) analysis in the manner of Freqtrade's `recursive-analysis`: run the
// strategy from several starting points, each giving it `startup` bars of warm-up before a common
// evaluation start, and compare what it does from there on. The longest warm-up (all the data
// before the evaluation start) is the reference. Indicators with finite memory (SMA, rolling max)
// agree exactly once warmed up; recursive ones (EMA, Wilder RSI, anything cumulative) carry their
// seed forever and may decide differently, so a backtest's signals depend on where the data began.
// During warm-up the strategy sees bars but may not trade (its order calls return null), so every
// run reaches the evaluation start flat with the same cash and only indicator state can differ.
import { ConfigError } from '../core/errors.ts';
import { toIso } from '../core/time.ts';
import type { Bar, BarSeries } from '../model/bar.ts';
import type { OrderEvent } from '../model/events.ts';
import type { OrderBookSnapshot, QuoteTick, TradeTick } from '../model/market.ts';
import type { OrderRequest } from '../model/order.ts';
import type {
  AlgoHandle, BracketRequest, ExecuteOptions, OcoRequest, HedgeRequest, HedgeResult, History, Line, OrderOptions, OrderView, PositionView, SizeHelpers, StrategyContext, TypedIndicators,
} from '../strategies/context.ts';
import { barTimes } from '../strategies/lookahead.ts';
import type { Sizer } from '../strategies/sizing.ts';
import { Strategy } from '../strategies/strategy.ts';
import { signalKey, type RunTrace, type SignalRecord } from './lookahead-analysis.ts';

/** A context that refuses orders before `tradeFromMs` and passes everything else through. */
class WarmupContext implements StrategyContext {
  constructor(
    private readonly ctx: StrategyContext,
    private readonly tradeFromMs: number,
  ) {}
  get strategyId(): string {
    return this.ctx.strategyId;
  }
  get size(): SizeHelpers {
    return this.ctx.size;
  }
  #open(): boolean {
    return this.ctx.nowMs() >= this.tradeFromMs;
  }
  nowMs(): number {
    return this.ctx.nowMs();
  }
  cash(): number {
    return this.ctx.cash();
  }
  equity(): number {
    return this.ctx.equity();
  }
  position(symbol: string): PositionView {
    return this.ctx.position(symbol);
  }
  symbols(): readonly string[] {
    return this.ctx.symbols();
  }
  history(symbol: string): History {
    return this.ctx.history(symbol);
  }
  lastBar(symbol: string): Bar | null {
    return this.ctx.lastBar(symbol);
  }
  indicator(symbol: string, name: string, params?: Readonly<Record<string, unknown>>, output?: string): Line {
    return this.ctx.indicator(symbol, name, params, output);
  }
  buy(symbol: string, qty?: number | Sizer, opts?: OrderOptions): OrderView | null {
    return this.#open() ? this.ctx.buy(symbol, qty, opts) : null;
  }
  sell(symbol: string, qty?: number | Sizer, opts?: OrderOptions): OrderView | null {
    return this.#open() ? this.ctx.sell(symbol, qty, opts) : null;
  }
  close(symbol: string): OrderView | null {
    return this.#open() ? this.ctx.close(symbol) : null;
  }
  submit(request: OrderRequest): OrderView | null {
    return this.#open() ? this.ctx.submit(request) : null;
  }
  bracket(req: BracketRequest): { entry: OrderView; takeProfit: OrderView; stopLoss: OrderView } | null {
    return this.#open() ? this.ctx.bracket(req) : null;
  }
  oco(req: OcoRequest): { takeProfit: OrderView; stopLoss: OrderView } | null {
    return this.#open() ? this.ctx.oco(req) : null;
  }
  cancel(orderId: string): void {
    this.ctx.cancel(orderId);
  }
  cancelAll(symbol?: string): void {
    this.ctx.cancelAll(symbol);
  }
  openOrders(symbol?: string): readonly OrderView[] {
    return this.ctx.openOrders(symbol);
  }
  get indicators(): TypedIndicators {
    return this.ctx.indicators;
  }
  execute(symbol: string, qty: number, opts: ExecuteOptions): AlgoHandle | null {
    return this.#open() ? this.ctx.execute(symbol, qty, opts) : null;
  }
  hedge(req: HedgeRequest): HedgeResult | null {
    return this.ctx.hedge(this.#open() ? req : { ...req, place: false });
  }
  log(message: string): void {
    this.ctx.log(message);
  }
}

/**
 * Wraps a strategy so it sees every bar but cannot trade before `tradeFromMs` (Freqtrade's startup
 * candles). Callbacks are passed through unchanged with a gated context.
 */
export class WarmupGate extends Strategy<object> {
  #ctx: StrategyContext | null = null;
  #gated: WarmupContext | null = null;

  constructor(
    readonly inner: Strategy,
    readonly tradeFromMs: number,
  ) {
    super(inner.config);
  }

  #wrap(ctx: StrategyContext): StrategyContext {
    if (this.#ctx !== ctx || this.#gated === null) {
      this.#ctx = ctx;
      this.#gated = new WarmupContext(ctx, this.tradeFromMs);
    }
    this.inner.id = this.id;
    return this.#gated;
  }

  override onStart(ctx: StrategyContext): void {
    this.inner.onStart?.(this.#wrap(ctx));
  }
  override onBar(bar: Bar, ctx: StrategyContext): void {
    this.inner.onBar(bar, this.#wrap(ctx));
  }
  override onQuote(quote: QuoteTick, ctx: StrategyContext): void {
    this.inner.onQuote?.(quote, this.#wrap(ctx));
  }
  override onTrade(trade: TradeTick, ctx: StrategyContext): void {
    this.inner.onTrade?.(trade, this.#wrap(ctx));
  }
  override onBook(book: OrderBookSnapshot, ctx: StrategyContext): void {
    this.inner.onBook?.(book, this.#wrap(ctx));
  }
  override onOrderEvent(event: OrderEvent, ctx: StrategyContext): void {
    this.inner.onOrderEvent?.(event, this.#wrap(ctx));
  }
  override onStop(ctx: StrategyContext): void {
    this.inner.onStop?.(this.#wrap(ctx));
  }
}

/** Runs a fresh strategy over `series`, refusing its orders before `tradeFromMs` (see WarmupGate). */
export type GatedRunner = (series: readonly BarSeries[], tradeFromMs: number) => RunTrace;

export interface RecursiveOptions {
  /** Warm-up lengths in bars. Default 50, 100, 200; the longest is the reference. */
  readonly startups?: readonly number[];
  /** Differences listed per startup (all are counted). Default 10. */
  readonly maxListed?: number;
}

export interface RecursiveStartupResult {
  startup: number;
  /** First bar of this run's data (ISO). */
  dataFrom: string;
  signals: number;
  /** Signals with the same decision as a reference signal: bar, symbol, side, type and prices (as a multiset). */
  matching: number;
  /** Decisions only in this run plus reference decisions missing from it. */
  differing: number;
  /** Matching decisions of another size (sizing that depends on the start point, or cash after an earlier difference). */
  sizeDiffering: number;
  /** differing / (signals + reference signals), 0 when both are empty. */
  differingShare: number;
  identical: boolean;
  firstDifference: string | null;
  /** The first differing decisions in time order: a signal only in the reference or only in this run. */
  differences: { time: string; onlyIn: 'reference' | 'run'; signal: string }[];
}

export interface RecursiveReport {
  /** Where trading starts in every run (ISO): after the longest warm-up. */
  evaluationFrom: string;
  evaluationBars: number;
  referenceStartup: number;
  referenceSignals: number;
  results: RecursiveStartupResult[];
  /** Every shorter warm-up gave exactly the reference's signals. */
  stable: boolean;
  /** The shortest startup from which every longer one matches the reference (null: none shorter does). */
  minimumStableStartup: number | null;
}

function checkStartups(raw: readonly number[], bars: number): number[] {
  if (raw.length === 0) throw new ConfigError('give at least one startup length', { field: '--startups' });
  for (const s of raw) if (!Number.isSafeInteger(s) || s < 0) throw new ConfigError(`startups are bar counts >= 0, got ${s}`, { field: '--startups' });
  const list = [...new Set(raw)].sort((a, b) => a - b);
  const longest = list[list.length - 1]!;
  if (longest >= bars) throw new ConfigError(`the longest startup (${longest}) must be shorter than the data (${bars} bars)`, { field: '--startups' });
  return list;
}

/** Runs one evaluation per startup and compares each with the longest; see the module comment. */
export function analyzeRecursive(series: readonly BarSeries[], run: GatedRunner, options: RecursiveOptions = {}): RecursiveReport {
  const times = barTimes(series);
  const startups = checkStartups(options.startups ?? [50, 100, 200], times.length);
  const maxListed = options.maxListed ?? 10;
  const evalIndex = startups[startups.length - 1]!;
  const evalMs = times[evalIndex]!;
  const fromTime = (ms: number): BarSeries[] => series.map((s) => s.slice(s.lowerBound(ms), s.length));
  const traces = startups.map((s) => run(fromTime(times[evalIndex - s]!), evalMs));
  const reference = traces[traces.length - 1]!;
  const refSignals = reference.signals.filter((s) => s.timeMs >= evalMs);
  const results = startups.map((startup, i): RecursiveStartupResult => {
    const own = traces[i]!.signals.filter((s) => s.timeMs >= evalMs);
    // Match decisions (time, symbol, side, type, prices) as multisets; sizes are compared per match.
    const pending = new Map<string, SignalRecord[]>();
    for (const s of refSignals) {
      const k = signalKey(s, false);
      const list = pending.get(k);
      if (list === undefined) pending.set(k, [s]);
      else list.push(s);
    }
    const diffs: { timeMs: number; onlyIn: 'reference' | 'run'; signal: string }[] = [];
    let matching = 0;
    let sizeDiffering = 0;
    let firstSizeMs = Infinity;
    for (const s of own) {
      const ref = pending.get(signalKey(s, false))?.shift();
      if (ref === undefined) {
        diffs.push({ timeMs: s.timeMs, onlyIn: 'run', signal: signalKey(s) });
        continue;
      }
      matching++;
      if (ref.qty !== s.qty) {
        sizeDiffering++;
        firstSizeMs = Math.min(firstSizeMs, s.timeMs);
      }
    }
    for (const list of pending.values()) for (const s of list) diffs.push({ timeMs: s.timeMs, onlyIn: 'reference', signal: signalKey(s) });
    diffs.sort((a, b) => a.timeMs - b.timeMs || a.onlyIn.localeCompare(b.onlyIn));
    const total = own.length + refSignals.length;
    const first = Math.min(diffs.length ? diffs[0]!.timeMs : Infinity, firstSizeMs);
    return {
      startup, dataFrom: toIso(times[evalIndex - startup]!), signals: own.length, matching, differing: diffs.length, sizeDiffering,
      differingShare: total === 0 ? 0 : diffs.length / total, identical: diffs.length === 0 && sizeDiffering === 0,
      firstDifference: first === Infinity ? null : toIso(first),
      differences: diffs.slice(0, maxListed).map((d) => ({ time: toIso(d.timeMs), onlyIn: d.onlyIn, signal: d.signal })),
    };
  });
  let minimumStableStartup: number | null = null;
  for (let i = results.length - 1; i >= 0 && results[i]!.identical; i--) minimumStableStartup = results[i]!.startup;
  if (minimumStableStartup === startups[startups.length - 1] && startups.length > 1) minimumStableStartup = null;
  return {
    evaluationFrom: toIso(evalMs), evaluationBars: times.length - evalIndex, referenceStartup: evalIndex, referenceSignals: refSignals.length,
    results, stable: results.every((r) => r.identical), minimumStableStartup,
  };
}
