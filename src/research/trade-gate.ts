// A strategy wrapper that lets the inner strategy see every bar (its indicators warm up) but drops
// its orders before `fromMs`: how walk-forward and windowed optimization run a strategy on a slice
// of the timeline without cold indicators.
import type { Bar } from '../model/bar.ts';
import type { OrderEvent } from '../model/events.ts';
import type { OrderBookSnapshot, QuoteTick, TradeTick } from '../model/market.ts';
import type { OrderRequest } from '../model/order.ts';
import type {
  AlgoHandle, BracketRequest, ExecuteOptions, OcoRequest, HedgeRequest, HedgeResult, History, Line, OrderOptions, OrderView, PositionView, SizeHelpers, StrategyContext, TypedIndicators,
} from '../strategies/context.ts';
import type { Sizer } from '../strategies/sizing.ts';
import { Strategy } from '../strategies/strategy.ts';

/** A context that reads through to `inner` and refuses every order (returns null). */
class MutedContext implements StrategyContext {
  constructor(private readonly inner: StrategyContext) {}
  get strategyId(): string {
    return this.inner.strategyId;
  }
  get size(): SizeHelpers {
    return this.inner.size;
  }
  nowMs(): number {
    return this.inner.nowMs();
  }
  cash(): number {
    return this.inner.cash();
  }
  equity(): number {
    return this.inner.equity();
  }
  position(symbol: string): PositionView {
    return this.inner.position(symbol);
  }
  symbols(): readonly string[] {
    return this.inner.symbols();
  }
  history(symbol: string): History {
    return this.inner.history(symbol);
  }
  lastBar(symbol: string): Bar | null {
    return this.inner.lastBar(symbol);
  }
  indicator(symbol: string, name: string, params?: Readonly<Record<string, unknown>>, output?: string): Line {
    return this.inner.indicator(symbol, name, params, output);
  }
  buy(_symbol: string, _qty?: number | Sizer, _opts?: OrderOptions): OrderView | null {
    return null;
  }
  sell(_symbol: string, _qty?: number | Sizer, _opts?: OrderOptions): OrderView | null {
    return null;
  }
  close(_symbol: string): OrderView | null {
    return null;
  }
  submit(_request: OrderRequest): OrderView | null {
    return null;
  }
  bracket(_req: BracketRequest): { entry: OrderView; takeProfit: OrderView; stopLoss: OrderView } | null {
    return null;
  }
  oco(_req: OcoRequest): { takeProfit: OrderView; stopLoss: OrderView } | null {
    return null;
  }
  cancel(orderId: string): void {
    this.inner.cancel(orderId);
  }
  cancelAll(symbol?: string): void {
    this.inner.cancelAll(symbol);
  }
  openOrders(symbol?: string): readonly OrderView[] {
    return this.inner.openOrders(symbol);
  }
  get indicators(): TypedIndicators {
    return this.inner.indicators;
  }
  execute(_symbol: string, _qty: number, _opts: ExecuteOptions): AlgoHandle | null {
    return null;
  }
  /** Measures and proposes; places nothing. */
  hedge(req: HedgeRequest): HedgeResult | null {
    return this.inner.hedge({ ...req, place: false });
  }
  log(message: string): void {
    this.inner.log(message);
  }
}

export class TradeGate extends Strategy<{ readonly fromMs: number }> {
  #muted: MutedContext | null = null;
  #mutedFor: StrategyContext | null = null;

  constructor(
    readonly inner: Strategy,
    fromMs: number,
  ) {
    super({ fromMs });
  }

  #ctx(ctx: StrategyContext, tsMs: number): StrategyContext {
    if (tsMs >= this.config.fromMs) return ctx;
    if (this.#mutedFor !== ctx) {
      this.#muted = new MutedContext(ctx);
      this.#mutedFor = ctx;
    }
    return this.#muted!;
  }

  override onStart(ctx: StrategyContext): void {
    this.inner.id = this.id;
    this.inner.onStart?.(this.#ctx(ctx, ctx.nowMs()));
  }
  override onBar(bar: Bar, ctx: StrategyContext): void {
    this.inner.onBar(bar, this.#ctx(ctx, bar.tsEventMs));
  }
  override onQuote(q: QuoteTick, ctx: StrategyContext): void {
    this.inner.onQuote?.(q, this.#ctx(ctx, q.tsEventMs));
  }
  override onTrade(t: TradeTick, ctx: StrategyContext): void {
    this.inner.onTrade?.(t, this.#ctx(ctx, t.tsEventMs));
  }
  override onBook(b: OrderBookSnapshot, ctx: StrategyContext): void {
    this.inner.onBook?.(b, this.#ctx(ctx, b.tsEventMs));
  }
  override onOrderEvent(e: OrderEvent, ctx: StrategyContext): void {
    this.inner.onOrderEvent?.(e, ctx);
  }
  override onStop(ctx: StrategyContext): void {
    this.inner.onStop?.(ctx);
  }
}
