// The StrategyContext the kernel hands each strategy: sizing, orders and read-only views.
import { ConfigError } from '../core/errors.ts';
import type { Bar } from '../model/bar.ts';
import type { Order, OrderRequest, OrderSide } from '../model/order.ts';
import type { BracketRequest, History, Line, OrderOptions, PositionView, SizeHelpers, StrategyContext } from '../strategies/context.ts';
import { resolveSize, sizers, type Sizer } from '../strategies/sizing.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import { marginPerUnit } from '../model/instrument.ts';
import { exitPricesProblem, validateExits } from '../risk/exits/levels.ts';
import type { KernelPort as Kernel } from './kernel-port.ts';
import { indicatorLine } from './lines.ts';

export class KernelContext implements StrategyContext {
  readonly size: SizeHelpers;
  #ocoSeq = 0;

  constructor(
    private readonly kernel: Kernel,
    readonly strategyId: string,
    defaultSizer: Sizer,
  ) {
    this.size = { ...sizers, default: defaultSizer };
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
    return indicatorLine(feed, name, params, output, this.kernel.wholeSeries);
  }

  buy(symbol: string, qty?: number | Sizer, opts?: OrderOptions): Order | null {
    return this.#order(symbol, 'buy', qty, opts);
  }
  sell(symbol: string, qty?: number | Sizer, opts?: OrderOptions): Order | null {
    return this.#order(symbol, 'sell', qty, opts);
  }
  close(symbol: string): Order | null {
    const q = this.position(symbol).qty;
    if (q === 0) return null;
    return this.submit({ symbol, side: q > 0 ? 'sell' : 'buy', type: 'market', qty: Math.abs(q), reduceOnly: true });
  }
  submit(request: OrderRequest): Order | null {
    return this.kernel.submit(this.strategyId, request);
  }

  bracket(req: BracketRequest): { entry: Order; takeProfit: Order; stopLoss: Order } | null {
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
    const group = `${this.strategyId}-oco-${++this.#ocoSeq}`;
    const links = { parentId: entry.id, ocoGroup: group };
    const takeProfit = this.kernel.submit(this.strategyId, { symbol: req.symbol, side: exitSide, type: 'limit', qty, limitPrice: req.takeProfit, reduceOnly: true, tag: 'take-profit' }, links)!;
    const stopLoss = this.kernel.submit(this.strategyId, { symbol: req.symbol, side: exitSide, type: 'stop', qty, stopPrice: req.stopLoss, reduceOnly: true, tag: 'stop-loss' }, links)!;
    return { entry, takeProfit, stopLoss };
  }

  cancel(orderId: string): void {
    this.kernel.cancel(orderId);
  }
  cancelAll(symbol?: string): void {
    for (const o of this.openOrders(symbol)) this.kernel.cancel(o.id);
  }
  openOrders(symbol?: string): readonly Order[] {
    return this.kernel.venue.workingOrders(symbol).filter((o) => o.strategyId === this.strategyId);
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
    return this.submit({
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
    const pos = this.position(symbol).qty;
    const book = this.kernel.book(this.strategyId);
    const inst = this.kernel.feedOf(symbol)?.instrument;
    const margin = inst === undefined ? 0 : marginPerUnit(inst);
    const unitCost = margin > 0 ? margin : px * (inst?.multiplier ?? 1);
    return Math.abs(resolveSize(sizer, sign, px, book.freeCash(), book.equity(), pos, unitCost, inst?.lotSize ?? 1));
  }
}
