// The runtime state machine shared by every algorithm: it keeps the parent's books in whole lots,
// sizes one child per market event under the participation cap and sends it through the OrderSink.
import { ConfigError, InvariantError } from '../../core/errors.ts';
import type { Bar } from '../../model/bar.ts';
import type { OrderBookSnapshot, TradeTick } from '../../model/market.ts';
import { depthWithin, sweepBook } from './book.ts';
import { floorLots, qtyOfLots } from './lots.ts';
import { checkParent } from './schedule.ts';
import type { AlgoName, AlgoOptions, AlgoState, ChildOrder, ChildRecord, ExecAlgo, ExecFill, ExecReport, OrderSink, ParentOrder } from './types.ts';

interface Child extends ChildRecord {
  readonly lots: number;
  filledLots: number;
}

/**
 * Subclasses say how much should be done by now (`targetLots`, cumulative, filled + working) and may
 * observe market volume, reshape a child (`sizeChild`) or track what was sent (`onSent`). The base:
 * - acts on bars and book snapshots of the parent's symbol with startMs <= time < endMs (time = the
 *   event's tsEventMs, a bar's open time as on the kernel's clock);
 * - sends at most one child per event: min(due, remaining, budget) lots, where due = target - filled -
 *   working and budget = floor(cap x bar volume) (or cap x visible depth within the limit on a book)
 *   less what was already sent since that bar or book;
 * - at the first event at or after endMs (or on cancel) cancels working children and ends as done,
 *   expired or canceled once they have all closed.
 */
export abstract class AlgoBase implements ExecAlgo {
  abstract readonly algo: AlgoName;
  readonly parent: ParentOrder;
  protected readonly lotSize: number;
  protected readonly totalLots: number;
  /** Children rest at the parent's limit (GTC) instead of taking liquidity (icebergs). */
  protected readonly passive: boolean = false;
  readonly #cap: number | null;
  readonly #sink: OrderSink;
  readonly #children = new Map<string, Child>();
  readonly #open = new Set<Child>();
  readonly #fills: ExecFill[] = [];
  #state: AlgoState = 'pending';
  #cancelRequested = false;
  #filledLots = 0;
  #workingLots = 0;
  #notional = 0;
  #seq = 0;
  #budgetLots = 0;
  #nowMs = NaN;
  #refusals = 0;

  constructor(parent: ParentOrder, lotSize: number, sink: OrderSink, opts: AlgoOptions = {}) {
    this.parent = parent;
    this.lotSize = lotSize;
    this.totalLots = checkParent(parent, lotSize);
    const cap = opts.participationCap === undefined ? 1 : opts.participationCap;
    if (cap !== null && !(cap > 0 && Number.isFinite(cap))) throw new ConfigError(`participation cap must be a positive fraction or null, got ${cap}`, { field: 'participationCap' });
    this.#cap = cap;
    this.#sink = sink;
  }

  /** Cumulative lots that should be filled or working at `nowMs`. */
  protected abstract targetLots(nowMs: number): number;
  /** A bar inside the window, before the algorithm acts on it. */
  protected observeBar(_bar: Bar): void {}
  /** A trade print inside the window. */
  protected observeTrade(_trade: TradeTick): void {}
  /** Shapes a child from what is due and what is left unworked; 0 waits. */
  protected sizeChild(dueLots: number, _availableLots: number): number {
    return dueLots;
  }
  /** Called just before a child of `lots` is submitted (and `onUnsent` if the sink refused it). */
  protected onSent(_lots: number): void {}
  protected onUnsent(_lots: number): void {}
  /** Send again as soon as a child fills completely (iceberg replenishment). */
  protected get replenishOnFill(): boolean {
    return false;
  }

  protected get filledLots(): number {
    return this.#filledLots;
  }
  protected get workingLots(): number {
    return this.#workingLots;
  }

  get state(): AlgoState {
    return this.#state;
  }
  get isFinished(): boolean {
    return this.#state === 'done' || this.#state === 'expired' || this.#state === 'canceled';
  }
  get filledQty(): number {
    return qtyOfLots(this.#filledLots, this.lotSize);
  }
  get remainingQty(): number {
    return qtyOfLots(this.totalLots - this.#filledLots, this.lotSize);
  }
  get workingQty(): number {
    return qtyOfLots(this.#workingLots, this.lotSize);
  }
  get avgPrice(): number {
    return this.#filledLots === 0 ? NaN : this.#notional / qtyOfLots(this.#filledLots, this.lotSize);
  }
  /** Children the sink refused (risk denials); they are retried on later events. */
  get refusals(): number {
    return this.#refusals;
  }

  onBar(bar: Bar): void {
    if (bar.symbol !== this.parent.symbol || !this.#enter(bar.tsEventMs)) return;
    this.observeBar(bar);
    this.#budgetLots = this.#cap === null ? Infinity : floorLots(this.#cap * bar.volume, this.lotSize);
    this.#act(undefined);
  }

  onBook(book: OrderBookSnapshot): void {
    if (book.symbol !== this.parent.symbol || !this.#enter(book.tsEventMs)) return;
    this.#budgetLots = this.#cap === null || this.passive ? Infinity : floorLots(this.#cap * depthWithin(book, this.parent.side, this.parent.limitPrice), this.lotSize);
    this.#act(book);
  }

  onTrade(trade: TradeTick): void {
    if (trade.symbol !== this.parent.symbol || this.isFinished) return;
    if (trade.tsEventMs >= this.parent.startMs && trade.tsEventMs < this.parent.endMs) this.observeTrade(trade);
  }

  onFill(qty: number, price: number, clientId: string, tsMs: number = this.#nowMs): void {
    const c = this.#children.get(clientId);
    if (c === undefined) throw new InvariantError(`algo ${this.parent.id}: fill for unknown child ${clientId}`);
    const lots = Math.round(qty / this.lotSize);
    if (!(lots >= 1) || Math.abs(lots * this.lotSize - qty) > 1e-9 * Math.max(1, qty)) {
      throw new InvariantError(`algo ${this.parent.id}: fill of ${qty} on ${clientId} is not a whole number of lots of ${this.lotSize}`);
    }
    if (c.filledLots + lots > c.lots) throw new InvariantError(`algo ${this.parent.id}: fill of ${qty} exceeds what is left of child ${clientId}`);
    c.avgPrice = (c.avgPrice * c.filledQty + price * qty) / (c.filledQty + qty);
    c.filledLots += lots;
    c.filledQty = qtyOfLots(c.filledLots, this.lotSize);
    this.#filledLots += lots;
    this.#notional += qty * price;
    this.#fills.push({ clientId, tsMs, qty, price });
    if (c.open) {
      this.#workingLots -= lots;
      if (c.filledLots === c.lots) this.#close(c);
    }
    if (this.#filledLots >= this.totalLots) {
      this.#settle();
      return;
    }
    if (this.#state === 'ending') this.#settle();
    else if (this.#state === 'running' && c.filledLots === c.lots && this.replenishOnFill) this.#act(undefined);
  }

  onChildClosed(clientId: string): void {
    const c = this.#children.get(clientId);
    if (c === undefined) throw new InvariantError(`algo ${this.parent.id}: close of unknown child ${clientId}`);
    if (!c.open) return;
    this.#workingLots -= c.lots - c.filledLots;
    this.#close(c);
    if (this.#state === 'ending') this.#settle();
  }

  cancel(): void {
    if (this.isFinished) return;
    this.#cancelRequested = true;
    this.#wind();
  }

  report(): ExecReport {
    const children = [...this.#children.values()].map((c): ChildRecord => ({
      clientId: c.clientId, submittedMs: c.submittedMs, qty: c.qty, type: c.type, limitPrice: c.limitPrice,
      expectedPrice: c.expectedPrice, filledQty: c.filledQty, avgPrice: c.avgPrice, open: c.open,
    }));
    return {
      parent: this.parent, algo: this.algo, state: this.#state, filledQty: this.filledQty, remainingQty: this.remainingQty,
      avgPrice: this.avgPrice, children, fills: [...this.#fills],
    };
  }

  /** Moves the clock; true when the event is inside the window and the algorithm may act. */
  #enter(nowMs: number): boolean {
    if (this.isFinished) return false;
    this.#nowMs = nowMs;
    if (nowMs < this.parent.startMs || this.#state === 'ending') return false;
    if (nowMs >= this.parent.endMs) {
      this.#wind();
      return false;
    }
    this.#state = 'running';
    return true;
  }

  #act(book: OrderBookSnapshot | undefined): void {
    const available = this.totalLots - this.#filledLots - this.#workingLots;
    if (available <= 0 || this.#budgetLots <= 0) return;
    const due = Math.min(this.targetLots(this.#nowMs), this.totalLots) - this.#filledLots - this.#workingLots;
    if (due <= 0) return;
    let lots = Math.min(this.sizeChild(due, available), available, this.#budgetLots);
    if (!(lots >= 1)) return;
    const p = this.parent;
    if (this.passive) {
      this.#send(lots, 'limit', p.limitPrice, 'GTC', NaN);
      return;
    }
    if (book === undefined) {
      this.#send(lots, p.limitPrice === undefined ? 'market' : 'limit', p.limitPrice, 'IOC', NaN);
      return;
    }
    const sweep = sweepBook(book, p.side, qtyOfLots(lots, this.lotSize), p.limitPrice);
    lots = Math.min(lots, floorLots(sweep.filledQty, this.lotSize));
    if (lots < 1) return;
    const exact = lots === Math.round(sweep.filledQty / this.lotSize) ? sweep : sweepBook(book, p.side, qtyOfLots(lots, this.lotSize), p.limitPrice);
    this.#send(lots, 'limit', exact.worstPrice, 'IOC', exact.avgPrice);
  }

  #send(lots: number, type: 'market' | 'limit', limitPrice: number | undefined, tif: 'IOC' | 'GTC', expectedPrice: number): void {
    const p = this.parent;
    const clientId = `${p.id}.${++this.#seq}`;
    const qty = qtyOfLots(lots, this.lotSize);
    const c: Child = {
      clientId, submittedMs: this.#nowMs, qty, lots, type, limitPrice, expectedPrice, filledQty: 0, filledLots: 0, avgPrice: 0, open: true,
    };
    this.#children.set(clientId, c);
    this.#open.add(c);
    this.#workingLots += lots;
    this.#budgetLots -= lots;
    this.onSent(lots);
    const child: ChildOrder = { clientId, parentId: p.id, symbol: p.symbol, side: p.side, qty, type, tif, expectedPrice, ...(limitPrice === undefined ? {} : { limitPrice }) };
    if (this.#sink.submit(child)) return;
    // Refused outright: forget it (unless the sink reported fills anyway) and let a later event retry.
    this.#refusals++;
    if (c.open && c.filledLots === 0) {
      this.#children.delete(clientId);
      this.#open.delete(c);
      this.#workingLots -= lots;
      this.#budgetLots += lots;
      this.onUnsent(lots);
    }
  }

  #close(c: Child): void {
    c.open = false;
    this.#open.delete(c);
  }

  /** The window is over (or cancel was asked): cancel working children, finish when they are closed. */
  #wind(): void {
    this.#state = 'ending';
    for (const c of [...this.#open]) this.#sink.cancel(c.clientId);
    this.#settle();
  }

  #settle(): void {
    if (this.#filledLots >= this.totalLots) {
      this.#state = 'done';
      for (const c of [...this.#open]) this.#sink.cancel(c.clientId);
    } else if (this.#state === 'ending' && this.#workingLots === 0) {
      this.#state = this.#cancelRequested ? 'canceled' : 'expired';
    }
  }
}
