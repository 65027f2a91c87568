// The StrategyContext the kernel hands each strategy: sizing, orders and read-only views.
import { ConfigError } from '../core/errors.ts';
import type { Bar } from '../model/bar.ts';
import { exitGroupOf, legId } from '../model/exit-ids.ts';
import type { Order, OrderRequest, OrderSide } from '../model/order.ts';
import { getIndicator, parseParams } from '../indicators/registry.ts';
import type {
  AlgoHandle, BracketRequest, ErcRequest, ExecuteOptions, OcoRequest, HedgeRequest, HedgeResult, History, Line, OrderOptions, OrderView, PositionView, SizeHelpers, StrategyContext, TypedIndicators,
} from '../strategies/context.ts';
import { viewOf } from '../strategies/order-view.ts';
import { isRiskSizer, resolveSize, sizers, type Sizer } from '../strategies/sizing.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import { commitPerUnit } from '../model/instrument.ts';
import { exitPricesProblem, validateExits } from '../risk/exits/levels.ts';
import { AlgoRunner } from './ctx-execute.ts';
import { planHedge } from './ctx-hedge.ts';
import { typedIndicators } from './ctx-indicators.ts';
import { ercSizing, riskSizedQty } from './ctx-sizing.ts';
import type { KernelPort as Kernel } from './kernel-port.ts';
import { indicatorLine } from './lines.ts';

export class KernelContext implements StrategyContext {
  #ocoSeq = 0;
  readonly size: SizeHelpers;
  /** Indicator lines by (symbol, indicator, parsed params, output): made once, shared by both forms. */
  readonly #lines = new Map<string, Line>();
  #indicators: TypedIndicators | undefined;
  /** The strategy's execution algorithms; null until its first ctx.execute (the kernel feeds it then). */
  algos: AlgoRunner | null = null;

  constructor(
    private readonly kernel: Kernel,
    readonly strategyId: string,
    defaultSizer: Sizer,
  ) {
    this.size = { ...sizers, default: defaultSizer, erc: (symbols: readonly string[], opts?: ErcRequest) => this.#erc(symbols, opts) };
  }

  nowMs(): number {
    return this.kernel.nowMs();
  }
  /** The strategy's own cash (its allocation after its fills; margin blocked by futures-style positions excluded). */
  cash(): number {
    return this.kernel.book(this.strategyId).freeCash();
  }
  /** The strategy's own equity: its cash plus its positions at the latest prices. */
  equity(): number {
    return this.kernel.book(this.strategyId).equity();
  }
  /** The strategy's own position in `symbol` (other strategies' fills are not in it). */
  position(symbol: string): PositionView {
    const feed = this.kernel.feedOf(symbol);
    if (feed === undefined) throw new ConfigError(`unknown symbol "${symbol}"`, { field: 'symbol' });
    const own = this.#book.position(symbol, feed.instrument.multiplier);
    own.lastPrice = feed.position.lastPrice;
    return own;
  }

  get #book(): Portfolio {
    return (this.#bookCache ??= this.kernel.book(this.strategyId));
  }
  #bookCache: Portfolio | undefined;
  symbols(): readonly string[] {
    return this.kernel.symbols();
  }
  history(symbol: string): History {
    const feed = this.kernel.feedOf(symbol);
    if (feed === undefined) throw new ConfigError(`unknown symbol "${symbol}"`, { field: 'symbol' });
    return feed.history;
  }
  lastBar(symbol: string): Bar | null {
    return this.kernel.lastBar(symbol);
  }
  indicator(symbol: string, name: string, params: Readonly<Record<string, unknown>> = {}, output?: string): Line {
    const feed = this.kernel.feedOf(symbol);
    if (feed === undefined) throw new ConfigError(`unknown symbol "${symbol}"`, { field: 'symbol' });
    // Asked the same way again (e.g. on every bar): one map lookup, no params parsing.
    const raw = `${symbol}\u0000${name}\u0000${JSON.stringify(params)}\u0000${output ?? ''}`;
    let line = this.#lines.get(raw);
    if (line !== undefined) return line;
    // Asked another way for the same line (defaults spelt out, an alias): the same object.
    const def = getIndicator(name);
    const key = `${symbol}\u0000${def.name}\u0000${JSON.stringify(parseParams(def, params))}\u0000${output ?? def.outputs[0]!}\u0000parsed`;
    line = this.#lines.get(key);
    if (line === undefined) this.#lines.set(key, (line = indicatorLine(feed, name, params, output, this.kernel.wholeSeries)));
    this.#lines.set(raw, line);
    return line;
  }
  get indicators(): TypedIndicators {
    return (this.#indicators ??= typedIndicators((symbol, name, params, output) => this.indicator(symbol, name, params, output)));
  }

  buy(symbol: string, qty?: number | Sizer, opts?: OrderOptions): OrderView | null {
    return viewOf(this.#order(symbol, 'buy', qty, opts));
  }
  sell(symbol: string, qty?: number | Sizer, opts?: OrderOptions): OrderView | null {
    return viewOf(this.#order(symbol, 'sell', qty, opts));
  }
  close(symbol: string): OrderView | null {
    const q = this.position(symbol).qty;
    if (q === 0) return null;
    return this.submit({ symbol, side: q > 0 ? 'sell' : 'buy', type: 'market', qty: Math.abs(q), reduceOnly: true });
  }
  submit(request: OrderRequest): OrderView | null {
    return viewOf(this.kernel.submit(this.strategyId, request));
  }

  execute(symbol: string, qty: number, opts: ExecuteOptions): AlgoHandle {
    const feed = this.kernel.feedOf(symbol);
    if (feed === undefined) throw new ConfigError(`unknown symbol "${symbol}"`, { field: 'symbol' });
    this.algos ??= new AlgoRunner(this, this.strategyId);
    return this.algos.start(symbol, qty, opts, this.kernel.nowMs(), { lotSize: feed.instrument.lotSize, history: feed.history });
  }

  hedge(req: HedgeRequest): HedgeResult | null {
    const book = this.#book;
    const r = planHedge(req, {
      symbols: this.symbols(),
      positions: book.openPositions().map((p) => ({ symbol: p.symbol, qty: p.qty, price: this.kernel.lastPrice(p.symbol), multiplier: p.multiplier, lotSize: this.kernel.feedOf(p.symbol)?.instrument.lotSize ?? 1 })),
      equity: this.equity(),
      history: (s) => this.history(s),
      price: (s) => this.kernel.lastPrice(s),
      multiplier: (s) => this.kernel.feedOf(s)?.instrument.multiplier ?? 1,
      lotSize: (s) => this.kernel.feedOf(s)?.instrument.lotSize ?? 1,
    });
    if (r === null) return null;
    const orders: OrderView[] = [];
    if (r.place) for (const o of r.orders) {
      const v = this.submit(o);
      if (v !== null) orders.push(v);
    }
    return Object.freeze({ plan: r.plan, orders: Object.freeze(orders) });
  }

  bracket(req: BracketRequest): { entry: OrderView; takeProfit: OrderView; stopLoss: OrderView } | null {
    const qty = this.#quantity(req.symbol, req.side === 'buy' ? 1 : -1, req.qty, req.entryLimit);
    if (qty <= 0) {
      this.kernel.zeroSized++;
      return null;
    }
    const long = req.side === 'buy';
    const ref = req.entryLimit ?? this.kernel.lastBar(req.symbol)?.close ?? NaN;
    if (long ? !(req.stopLoss < ref && req.takeProfit > ref) : !(req.stopLoss > ref && req.takeProfit < ref)) {
      throw new ConfigError(`bracket on ${req.symbol}: stop-loss ${req.stopLoss} and take-profit ${req.takeProfit} must straddle the entry ${ref}`);
    }
    const entry = this.kernel.submit(this.strategyId, {
      symbol: req.symbol, side: req.side, qty, tif: req.tif,
      ...(req.entryLimit === undefined ? { type: 'market' as const } : { type: 'limit' as const, limitPrice: req.entryLimit }),
    });
    if (entry === null || entry.status === 'denied' || entry.status === 'rejected') return null;
    const exitSide: OrderSide = long ? 'sell' : 'buy';
    // Named as an entry's exits are (`<entry>-tp`, `-sl` in `<entry>-exits`, src/model/exit-ids.ts): a venue
    // that takes the three as one request (Alpaca's bracket) names its legs itself, and a restarted node
    // finds them from the entry's id.
    const links = { parentId: entry.id, ocoGroup: exitGroupOf(entry.id) };
    const takeProfit = this.kernel.submit(this.strategyId, { symbol: req.symbol, side: exitSide, type: 'limit', qty, limitPrice: req.takeProfit, reduceOnly: true, tag: 'take-profit' }, links, legId(entry.id, 'tp'))!;
    const stopLoss = this.kernel.submit(this.strategyId, { symbol: req.symbol, side: exitSide, type: 'stop', qty, stopPrice: req.stopLoss, reduceOnly: true, tag: 'stop-loss' }, links, legId(entry.id, 'sl'))!;
    return { entry: viewOf(entry), takeProfit: viewOf(takeProfit), stopLoss: viewOf(stopLoss) };
  }

  oco(req: OcoRequest): { takeProfit: OrderView; stopLoss: OrderView } | null {
    const pos = this.position(req.symbol).qty;
    if (pos === 0) return null;
    const long = pos > 0;
    const qty = req.qty ?? Math.abs(pos);
    if (!(qty > 0) || qty > Math.abs(pos) + 1e-9) throw new ConfigError(`oco on ${req.symbol}: qty must be positive and at most the position ${Math.abs(pos)}, got ${qty}`, { field: 'qty' });
    const ref = this.kernel.lastBar(req.symbol)?.close ?? this.kernel.lastPrice(req.symbol);
    if (long ? !(req.stopLoss < ref && req.takeProfit > ref) : !(req.stopLoss > ref && req.takeProfit < ref)) {
      throw new ConfigError(`oco on ${req.symbol}: stop-loss ${req.stopLoss} and take-profit ${req.takeProfit} must straddle the price ${ref}`);
    }
    const side: OrderSide = long ? 'sell' : 'buy';
    const group = `${this.strategyId}-oco-${++this.#ocoSeq}`;
    const takeProfit = this.kernel.submit(this.strategyId, { symbol: req.symbol, side, type: 'limit', qty, limitPrice: req.takeProfit, tif: req.tif, reduceOnly: true, tag: 'take-profit' }, { ocoGroup: group });
    if (takeProfit === null || takeProfit.status === 'denied' || takeProfit.status === 'rejected') return null;
    // The stop-loss is named after the take-profit (`<take-profit>-sl`, src/model/exit-ids.ts): a venue that takes
    // the pair as one order (Alpaca's oco, the take-profit its parent) names the stop leg itself, and a
    // restarted node finds it from the take-profit's id.
    const stop = req.stopLimit === undefined ? ({ type: 'stop', stopPrice: req.stopLoss } as const) : ({ type: 'stop-limit', stopPrice: req.stopLoss, limitPrice: req.stopLimit } as const);
    const stopLoss = this.kernel.submit(this.strategyId, { symbol: req.symbol, side, qty, tif: req.tif, reduceOnly: true, tag: 'stop-loss', ...stop }, { ocoGroup: group }, legId(takeProfit.id, 'sl'))!;
    return { takeProfit: viewOf(takeProfit), stopLoss: viewOf(stopLoss) };
  }

  cancel(orderId: string): void {
    this.kernel.cancel(orderId);
  }
  cancelAll(symbol?: string): void {
    for (const o of this.openOrders(symbol)) this.kernel.cancel(o.id);
  }
  openOrders(symbol?: string): readonly OrderView[] {
    const out: OrderView[] = [];
    for (const o of this.kernel.orderCache.working({ strategyId: this.strategyId, symbol })) out.push(viewOf(o));
    return out;
  }
  log(message: string): void {
    this.kernel.log(this.strategyId, message);
  }

  #order(symbol: string, side: OrderSide, qty: number | Sizer | undefined, opts: OrderOptions = {}): Order | null {
    if (opts.exits !== undefined) this.#checkExits(symbol, side, opts);
    const units = this.#quantity(symbol, side === 'buy' ? 1 : -1, qty, opts.limitPrice ?? opts.stopPrice);
    if (units <= 0) {
      this.kernel.zeroSized++;
      return null;
    }
    return this.kernel.submit(this.strategyId, {
      symbol, side, qty: units, type: opts.type ?? 'market', limitPrice: opts.limitPrice, stopPrice: opts.stopPrice,
      trailing: opts.trailing, tif: opts.tif, expireTimeMs: opts.expireTimeMs, reduceOnly: opts.reduceOnly, tag: opts.tag,
      ...(opts.exits === undefined ? {} : { exits: opts.exits }),
    });
  }

  /** Exits must be well formed, and absolute exit prices on the right side of the expected entry price. */
  #checkExits(symbol: string, side: OrderSide, opts: OrderOptions): void {
    validateExits(opts.exits!, side, opts.reduceOnly ?? false);
    const ref = opts.limitPrice ?? opts.stopPrice ?? this.kernel.lastBar(symbol)?.close ?? this.kernel.lastPrice(symbol);
    const p = exitPricesProblem(opts.exits!, side, ref);
    if (p !== null) throw new ConfigError(`${side} ${symbol}: ${p.message}`, { field: p.field });
  }

  /** Units for an order, from a number or a sizer priced at `price` (the last close by default). */
  #quantity(symbol: string, sign: 1 | -1, qty: number | Sizer | undefined, price?: number): number {
    if (typeof qty === 'number') {
      if (!(qty > 0) || !Number.isFinite(qty)) throw new ConfigError(`order quantity must be a positive number, got ${qty}`, { field: 'qty' });
      return qty;
    }
    const sizer = qty ?? this.size.default;
    const px = price ?? this.kernel.lastBar(symbol)?.close ?? this.kernel.lastPrice(symbol);
    if (!(px > 0)) return 0;
    const book = this.kernel.book(this.strategyId);
    const inst = this.kernel.feedOf(symbol)?.instrument;
    if (isRiskSizer(sizer)) {
      return riskSizedQty(sizer, {
        equity: book.equity(), price: px, lotSize: inst?.lotSize ?? 1, pointValue: inst?.multiplier ?? 1, history: this.history(symbol),
        atr: (period) => this.indicator(symbol, 'atr', { period }),
      });
    }
    const pos = this.position(symbol).qty;
    const unitCost = inst === undefined ? px : commitPerUnit(inst, px);
    return Math.abs(resolveSize(sizer, sign, px, book.freeCash(), book.equity(), pos, unitCost, inst?.lotSize ?? 1));
  }

  #erc(symbols: readonly string[], opts: ErcRequest | undefined): ReturnType<SizeHelpers['erc']> {
    return ercSizing(symbols, new Map(symbols.map((sym) => [sym, this.history(sym)])), opts);
  }
}
