// The OrderEmulator (docs/architecture.md, "The order path"): holds, between the ExecutionEngine and an
// ExecutionClient, what the client's capabilities lack, and releases it to the venue as plain orders. Every
// node puts one in front of the simulated venue (backtest, paper, replay, gym), which matches plain orders
// only, and a live node one in front of a broker lacking something, so contingencies have one implementation:
// - stops, stop-limits and trailing stops (amount or percent) the venue has no type for: held here, their
//   trigger tracked from the quotes, trades and bars the kernel feeds `onQuote`/`onTrade`/`onBar`, released
//   as a market order (stop, trailing stop) or a limit (stop-limit) when triggered;
// - bracket children (orders with a parent) on a venue without native brackets: released once their parent
//   is done (filled, or ended after a partial fill: then they protect that part; docs/fill-assumptions.md);
// - OCO groups on a venue without native OCO: a fill on one member cancels the others (at the venue when
//   released, here when held);
// - exit attachments (`OrderRequest.exits`) on a venue without them: once the entry is done, its exits
//   become emulated children `<entry>-sl`, `-tp`, `-trail`, `-time`, `-be` in the OCO group
//   `<entry>-exits`; after the venue matched a bar (`afterBar`) or quote (`afterQuote`) the emulator counts
//   bars held, moves break-even stops and places time exits, as docs/fill-assumptions.md says.
// Everything the client can do goes straight through; so does every query and event of such orders.
//
// Ids: the strategy's order keeps its client order id, and the strategy sees the events a native venue
// would give it: OrderSubmitted and OrderAccepted while held, OrderTriggered when the trigger is hit, then
// the fills of what was released. What goes to the venue is a new order with a derived, deterministic
// client order id `<id>-E<n>` (n = 1, 2, ... for each release; a bracket child released in parts gets one
// per part). A derived id, not the same one, because the venue's order is not the strategy's: another
// type, another quantity, and possibly several of them. The venue never holds an order under the
// strategy's id whose type or quantity differs from the stored intent, a resend after a lost answer (the
// client's safe submit) looks up exactly the released order, and the queries this client answers
// (`queryOrder`, `openOrders`, `fillsSince`) translate the derived ids back, so the node's restart
// reconciliation sees the strategy's orders and their fills, never the released ones.
//
// Restart: `state()` is the held orders as JSON (./emulator-state.ts); a restarted node hands it to
// `restore()` before it reconciles, then adopts the working orders as usual (`adopt`).
import { InvariantError } from '../core/errors.ts';
import type { Bar } from '../model/bar.ts';
import type { OrderEvent } from '../model/events.ts';
import type { Fill } from '../model/fill.ts';
import type { QuoteTick, TradeTick } from '../model/market.ts';
import { Order, type OrderRequest, type OrderType } from '../model/order.ts';
import { exitLevels, exitsProblem, tighterStop } from '../risk/exits/levels.ts';
import { barPrices, breakEvenReached, nextBest, quotePrices, stopReached, tradePrices, trailLevel, type TriggerPrices } from './emulator-triggers.ts';
import { parseEmulatorState, type EmulatedOrderState, type EmulatorState, type ExitGroupState } from './emulator-state.ts';
import type { CommandRejectedEvent, ConnectionState, ConnectionStateEvent, ExecutionCapabilities, ExecutionClient, ExecutionSink, OrderModification } from './execution-client.ts';
import { modifyProblem, submitProblem } from './order-checks.ts';
import { ALL_ORDER_TYPES, type BalanceReport, type FillReport, type OrderStatusReport, type PositionReport } from './reports.ts';

const EPS = 1e-9;
const WORKING: ReadonlySet<string> = new Set(['submitted', 'accepted', 'triggered', 'partially-filled', 'pending-update', 'pending-cancel']);
const TRIGGERED_TYPES: readonly OrderType[] = ['stop', 'stop-limit', 'trailing-stop'];

/** An order the emulator holds for the strategy, with what it has released of it. */
interface Emulated {
  order: Order;
  /** The venue has no such type: the trigger is watched here. */
  readonly trigger: boolean;
  /** The type of what is released (market for a stop or trailing stop, limit for a stop-limit). */
  readonly releaseType: OrderType;
  /** How much its parent's fills allow so far (its quantity when it has no parent to wait for). */
  armedQty: number;
  releasedQty: number;
  nextPiece: number;
  /** Orders released to the venue for it, in release order. */
  readonly pieces: Order[];
  /** Restored parts: what the snapshot had booked of them (fills the venue made since are reported on top, until the node adopts the order). */
  readonly pieceBase: Map<string, { readonly qty: number; readonly avg: number }>;
  /** Best price seen by a held trailing stop. */
  best: number;
  /** Where a released trailing stop starts (its entry's or parent's fill price), or NaN for the market. */
  trailFrom: number;
  /** A cancel is under way: it finishes when no piece is working at the venue. */
  cancelling: boolean;
  cancelReason: string;
  /** How the venue ended a piece by itself (expired, rejected, canceled): the order ends the same way. */
  venueEnd: { status: 'canceled' | 'expired' | 'rejected'; reason: string } | null;
}

/** The exits of one done entry, managed here (the simulated venue's ExitGroup, without bar paths). */
interface ExitGroup {
  readonly id: string;
  readonly entryId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly dir: 1 | -1;
  readonly qty: number;
  readonly breakEven: { readonly trigger: number; readonly stop: number } | null;
  readonly timeExitBars: number | null;
  readonly members: Emulated[];
  stop: Emulated | null;
  /** Bars of the symbol since the entry filled, the bar of the fill included. */
  barsHeld: number;
  best: number;
  breakEvenDone: boolean;
  timeExitPlaced: boolean;
  /** The entry filled inside the current bar: its path before the fill does not count for break-even. */
  skipBar: boolean;
}

export interface OrderEmulatorOptions {
  /** Rounds a computed exit price to the instrument's tick (default: none). */
  readonly roundPrice?: (symbol: string, price: number) => number;
  /** Time of events the emulator makes outside market data and commands (default: the latest data time). */
  readonly clock?: () => number;
  /** The account's signed position in a symbol: exits whose position is gone are ended (default: never asked). */
  readonly positionQty?: (symbol: string) => number;
  /** True while the venue is matching a bar of `symbol` past its open (an entry filled inside the bar). */
  readonly insideBar?: (symbol: string) => boolean;
  /** Orders the engine knows by client order id (a bracket's parent sent as it is); default: those sent through here. */
  readonly orderOf?: (clientOrderId: string) => Order | undefined;
}

export class OrderEmulator implements ExecutionClient, ExecutionSink {
  #inner: ExecutionClient | null = null;
  /** What the emulator accepts: the client's capabilities widened by what it emulates. */
  #caps: ExecutionCapabilities | null = null;
  readonly #records = new Map<string, Emulated>();
  /** Released order id -> the emulated order it belongs to. */
  readonly #pieceOf = new Map<string, Emulated>();
  /** Held trigger orders per symbol that are armed and not triggered. */
  readonly #watch = new Map<string, Emulated[]>();
  /** Emulated children by parent id. */
  readonly #children = new Map<string, Emulated[]>();
  /** Members of OCO groups the emulator keeps (emulated ones, and orders sent as they are that share a group). */
  readonly #oco = new Map<string, Order[]>();
  /** Orders sent as they are that emulated orders wait for (parents) or are grouped with (OCO). */
  readonly #native = new Map<string, Order>();
  readonly #exitGroups = new Map<string, ExitGroup>();
  /** Restored exit groups (paper restart) waiting for their members to be sent again: member id -> its group. */
  readonly #awaiting = new Map<string, { readonly group: ExitGroup; readonly stop: boolean; readonly stopPrice: number | null }>();
  #lastMs = 0;
  /** Restoring: what the venue says about released orders only updates them (the node has not adopted anything yet). */
  #quiet = false;
  /** Emulated orders a restore found finished (their released orders filled or ended while the node was down). */
  readonly #finishedWhileDown = new Map<string, OrderStatusReport>();
  /** Fills of released orders that the emulated order could not take (more than it had left); never booked. */
  anomalies = 0;
  /** Symbols whose bars the emulator has seen: a trailing stop then starts from the last close. */
  readonly #barSeen = new Set<string>();
  /** Latest price per symbol (bar close, else quote mid, else trade): where a trailing stop starts. */
  readonly #last = new Map<string, number>();
  /** The client lacks a triggered order type: prices are followed for held triggers (else bars cost nothing here). */
  #tracksPrices = true;
  /** The client takes every order type. */
  #allTypes = false;
  /**
   * Bars and quotes have work here (prices followed, or exits managed): the kernel reads this field before
   * calling `onBar`/`afterBar`, so a bar with nothing held costs one field read.
   */
  marketWork = true;

  constructor(
    private readonly sink: ExecutionSink,
    private readonly options: OrderEmulatorOptions = {},
  ) {}

  /** The client it releases to (its sink must be this emulator). */
  attach(inner: ExecutionClient): this {
    this.#inner = inner;
    const c = inner.capabilities;
    this.#tracksPrices = TRIGGERED_TYPES.some((t) => !c.orderTypes.includes(t));
    this.#allTypes = ALL_ORDER_TYPES.every((t) => c.orderTypes.includes(t));
    this.#barWork();
    this.#caps = Object.freeze({ ...c, orderTypes: ALL_ORDER_TYPES, nativeBrackets: true, nativeOco: true, exitAttachments: true });
    return this;
  }

  get #client(): ExecutionClient {
    if (this.#inner === null) throw new InvariantError('order emulator: no client attached (call attach(client))');
    return this.#inner;
  }

  // ---- ExecutionClient: what the engine asks ----

  get venue(): string {
    return this.#client.venue;
  }
  get capabilities(): ExecutionCapabilities {
    void this.#client;
    return this.#caps!;
  }
  get connectionState(): ConnectionState {
    return this.#client.connectionState;
  }
  connect(): Promise<void> {
    return this.#client.connect();
  }
  disconnect(): Promise<void> {
    return this.#client.disconnect();
  }

  /** Whether `order` needs the emulator on this client (anything its capabilities lack). */
  needsEmulation(order: Order): boolean {
    const c = this.#client.capabilities;
    const r = order.request;
    // A shape the client takes natively although its flags say no (capabilities.partialNative) goes through.
    if (this.#client.takesNatively?.(order) === true) return false;
    return (
      (!this.#allTypes && !c.orderTypes.includes(r.type)) ||
      (order.links.parentId !== undefined && !c.nativeBrackets) ||
      (order.links.ocoGroup !== undefined && (!c.nativeOco || this.#oco.has(order.links.ocoGroup))) ||
      (r.exits !== undefined && !c.exitAttachments)
    );
  }

  submit(order: Order, nowMs: number): void {
    this.#tick(nowMs);
    if (!this.needsEmulation(order)) {
      // Sent as it is; followed only when emulated orders depend on it (their parent, an OCO sibling).
      const group = order.links.ocoGroup;
      if (group !== undefined && this.#oco.has(group)) this.#oco.get(group)!.push(order);
      // With the engine's orders to look parents up in, only orders that have dependents already are followed
      // (a plain order then costs no bookkeeping here).
      if (this.options.orderOf === undefined || group !== undefined || order.request.exits !== undefined) this.#native.set(order.id, order);
      this.#client.submit(order, nowMs);
      return;
    }
    if (order.status !== 'initialized' || this.#records.has(order.id)) {
      this.#refuse('submit', order.id, `duplicate client order id ${order.id}: the emulator already holds this order`, nowMs);
      return;
    }
    this.#emit(order, 'submitted', nowMs);
    if (this.#client.connectionState !== 'connected') return this.#endHeld(order, 'rejected', nowMs, `not connected (${this.#client.connectionState})`);
    // A bracket child or OCO member is released as a closing order without the reduce-only flag a venue lacks
    // (#release; its siblings are canceled here when it fills): its flag is no reason to refuse it.
    const linked = order.links.parentId !== undefined || order.links.ocoGroup !== undefined;
    const caps = linked && order.request.reduceOnly === true ? { ...this.#caps!, reduceOnly: true } : this.#caps!;
    const problem = submitProblem(order, caps, Infinity) ?? exitsReason(order);
    if (problem !== null) return this.#endHeld(order, 'rejected', nowMs, problem);
    this.#accept(order, nowMs);
  }

  cancel(orderId: string, nowMs: number, reason = 'canceled by request'): void {
    this.#tick(nowMs);
    const rec = this.#records.get(orderId);
    if (rec === undefined) return this.#client.cancel(orderId, nowMs, reason);
    if (!rec.order.isOpen || rec.cancelling) return this.#refuse('cancel', orderId, `order ${orderId} is ${rec.cancelling ? 'being canceled' : rec.order.status}, not working`, nowMs);
    this.#cancelRecord(rec, nowMs, reason);
    // Exits are one attachment: canceling one of them removes the entry's other exits too.
    const g = rec.order.links.ocoGroup === undefined ? undefined : this.#exitGroups.get(rec.order.links.ocoGroup);
    if (g !== undefined) this.#endGroup(g, nowMs, `exit ${orderId} canceled`);
  }

  cancelAll(nowMs: number, symbol?: string): void {
    for (const rec of [...this.#records.values()]) {
      if (rec.order.isOpen && !rec.cancelling && (symbol === undefined || rec.order.symbol === symbol)) this.#cancelRecord(rec, nowMs, 'cancel all');
    }
    this.#client.cancelAll(nowMs, symbol);
  }

  /**
   * A held order changes here (quantity, limit, trigger; `OrderUpdated`); a released one by changing its one
   * working order at the venue (prices only). Anything else is refused (`CommandRejected`).
   */
  modify(clientOrderId: string, changes: OrderModification, nowMs: number): void {
    this.#tick(nowMs);
    const rec = this.#records.get(clientOrderId);
    if (rec === undefined) return this.#client.modify(clientOrderId, changes, nowMs);
    const o = rec.order;
    if (!o.isOpen || rec.cancelling) return this.#refuse('modify', clientOrderId, `order ${clientOrderId} is ${o.status}, not working`, nowMs);
    const problem = modifyProblem(o, changes, this.#caps!);
    if (problem !== null) return this.#refuse('modify', clientOrderId, problem, nowMs);
    if (rec.releasedQty === 0) {
      // Without a parent to wait for, all of it is armed; a child keeps what its parent allows, up to the new quantity.
      if (changes.qty !== undefined) rec.armedQty = rec.order.links.parentId === undefined ? changes.qty : Math.min(rec.armedQty, changes.qty);
      o.amend(changes, nowMs);
      this.#emitUpdated(o, nowMs);
      // A trigger moved onto the market fires on the next price, as at a venue.
      return;
    }
    const open = rec.pieces.filter((p) => p.isOpen);
    if (changes.qty !== undefined || open.length !== 1) return this.#refuse('modify', clientOrderId, 'a released emulated order can change its prices only, with one part working at the venue', nowMs);
    const venueChanges: { limitPrice?: number; stopPrice?: number } = {};
    if (changes.limitPrice !== undefined && open[0]!.limitPrice !== undefined) venueChanges.limitPrice = changes.limitPrice;
    if (changes.stopPrice !== undefined && open[0]!.stopPrice !== undefined) venueChanges.stopPrice = changes.stopPrice;
    if (venueChanges.limitPrice === undefined && venueChanges.stopPrice === undefined) return this.#refuse('modify', clientOrderId, 'the released order has no such price to change', nowMs);
    this.#client.modify(open[0]!.id, venueChanges, nowMs);
  }

  /**
   * After a restart: an emulated order restored by `restore()` takes the node's Order object (what the node
   * reconciled of its fills wins); anything else is the client's to follow.
   */
  adopt(order: Order): void {
    const rec = this.#records.get(order.id);
    if (rec === undefined) {
      this.#native.set(order.id, order);
      this.#client.adopt?.(order);
      return;
    }
    const old = rec.order;
    // The store keeps no trailing offset or exit attachments: the emulator's own request has them.
    if ((order.request.trailing === undefined && old.request.trailing !== undefined) || (order.request.exits === undefined && old.request.exits !== undefined)) {
      (order as { request: Order['request'] }).request = { ...order.request, trailing: order.request.trailing ?? old.request.trailing, exits: order.request.exits ?? old.request.exits };
    }
    order.triggered = old.triggered || order.triggered;
    if (order.stopPrice === undefined || rec.trigger) order.stopPrice = old.stopPrice;
    rec.order = order;
    // The node's order carries what it reconciled: the released parts count from their present state.
    rec.pieceBase.clear();
    this.#swapIn(old, order);
  }

  // ---- ExecutionClient: queries, with released ids translated back ----

  async queryOrder(clientOrderId: string): Promise<OrderStatusReport | null> {
    const rec = this.#records.get(clientOrderId);
    if (rec === undefined) return this.#finishedWhileDown.get(clientOrderId) ?? this.#client.queryOrder(clientOrderId);
    return this.#report(rec);
  }

  async openOrders(symbol?: string): Promise<OrderStatusReport[]> {
    const venue = await this.#client.openOrders(symbol);
    // Released orders are told as their emulated order (below, from its record), or renamed when it has none.
    const out = venue.flatMap((r) => {
      const base = releasedFrom(r.clientOrderId);
      return base === null ? [r] : this.#records.has(base) ? [] : [{ ...r, clientOrderId: base }];
    });
    for (const rec of this.#records.values()) {
      if (!rec.order.isOpen || (symbol !== undefined && rec.order.symbol !== symbol)) continue;
      const r = await this.#report(rec);
      if (r.status !== 'filled' && r.status !== 'canceled' && r.status !== 'expired' && r.status !== 'rejected') out.push(r);
    }
    return out;
  }

  async fillsSince(sinceMs: number): Promise<FillReport[]> {
    const fills = await this.#client.fillsSince(sinceMs);
    return fills.map((f) => {
      const base = releasedFrom(f.clientOrderId);
      return base === null ? f : { ...f, clientOrderId: base };
    });
  }

  positions(): Promise<PositionReport[]> {
    return this.#client.positions();
  }
  balances(): Promise<BalanceReport[]> {
    return this.#client.balances();
  }

  /** The venue's view of an emulated order: its own state plus what its released orders did at the venue. */
  async #report(rec: Emulated): Promise<OrderStatusReport> {
    const o = rec.order;
    let filled = o.filledQty;
    let value = o.avgFillPrice * o.filledQty;
    let open = 0;
    let updated = o.updatedMs;
    for (const p of rec.pieces) {
      // A working part is asked for; a finished one is as last heard (after a restart: as the venue said then).
      const v = p.isOpen ? await this.#client.queryOrder(p.id) : p;
      if (v === null) continue;
      const base = rec.pieceBase.get(p.id) ?? { qty: p.filledQty, avg: p.avgFillPrice };
      if (v.filledQty > base.qty + EPS) {
        filled += v.filledQty - base.qty;
        value += v.filledQty * v.avgFillPrice - base.qty * base.avg;
      }
      if (WORKING.has(v.status)) open++;
      updated = Math.max(updated, v.updatedMs);
    }
    const waiting = rec.armedQty - rec.releasedQty > EPS || (rec.trigger && !o.triggered) || rec.armedQty < o.qty - EPS;
    const more = !rec.cancelling && rec.venueEnd === null && waiting;
    const status: OrderStatusReport['status'] =
      filled >= o.qty - EPS ? 'filled' : open > 0 || more ? (filled > 0 ? 'partially-filled' : o.triggered ? 'triggered' : 'accepted') : (rec.venueEnd?.status ?? 'canceled');
    return {
      clientOrderId: o.id, venueOrderId: rec.pieces.at(-1)?.id ?? `${o.id}-held`, symbol: o.symbol, side: o.side, type: o.type, tif: o.tif, status,
      qty: o.qty, filledQty: Math.min(filled, o.qty), avgFillPrice: filled > 0 ? value / filled : 0, limitPrice: o.limitPrice ?? null,
      stopPrice: o.stopPrice !== undefined && o.stopPrice > 0 ? o.stopPrice : null, reduceOnly: o.request.reduceOnly ?? false,
      reason: rec.venueEnd?.reason ?? rec.cancelReason, createdMs: Math.min(o.createdMs, updated), updatedMs: updated,
    };
  }

  // ---- ExecutionSink: what the client reports ----

  onOrderEvent(event: OrderEvent, order: Order): void {
    this.#tick(event.tsEventMs);
    // Nothing emulated yet and nothing followed: a plain order's report goes straight on.
    if (this.#pieceOf.size === 0 && this.#native.size === 0 && this.#children.size === 0) return this.sink.onOrderEvent(event, order);
    const rec = this.#pieceOf.get(order.id);
    if (rec !== undefined) return this.#quiet ? undefined : this.#onPiece(rec, event, order);
    this.sink.onOrderEvent(event, order);
    let native = this.#native.get(order.id);
    if (native === undefined) {
      // A parent sent as it is, whose emulated children wait for it.
      if (this.#children.size === 0 || !this.#children.has(order.id)) return;
      native = order;
    }
    if (event.type === 'OrderFilled') this.#afterFill(native, event.tsEventMs);
    if (native.isClosed) {
      this.#native.delete(order.id);
      this.#ended(native, event.tsEventMs);
    }
  }

  onConnectionState(event: ConnectionStateEvent): void {
    this.sink.onConnectionState?.(event);
  }

  onCommandRejected(event: CommandRejectedEvent): void {
    const rec = this.#pieceOf.get(event.clientOrderId);
    if (rec === undefined) return this.sink.onCommandRejected?.(event);
    // A cancel the venue refused for a part still working: the emulated order is working again.
    if (event.command === 'cancel' && rec.pieces.some((p) => p.id === event.clientOrderId && p.isOpen)) rec.cancelling = false;
    this.sink.onCommandRejected?.({ ...event, clientOrderId: rec.order.id, reason: `${event.reason} (released as ${event.clientOrderId})` });
  }

  // ---- market data (the kernel feeds `onBar`/`onQuote`/`onTrade` before the venue matches, `afterBar`/`afterQuote` after) ----

  onQuote(q: QuoteTick): void {
    if (!this.#tracksPrices) return;
    this.#tick(q.tsEventMs);
    if (!this.#barSeen.has(q.symbol)) this.#last.set(q.symbol, (q.bid + q.ask) / 2);
    this.#onPrices(q.symbol, quotePrices(q.bid, q.ask), q.tsEventMs);
  }

  onTrade(t: TradeTick): void {
    if (!this.#tracksPrices) return;
    this.#tick(t.tsEventMs);
    if (!this.#last.has(t.symbol)) this.#last.set(t.symbol, t.price);
    this.#onPrices(t.symbol, tradePrices(t.price), t.tsEventMs);
  }

  onBar(bar: Pick<Bar, 'symbol' | 'tsEventMs' | 'high' | 'low' | 'close'>): void {
    if (!this.#tracksPrices) return;
    this.#tick(bar.tsEventMs);
    this.#barSeen.add(bar.symbol);
    this.#onPrices(bar.symbol, barPrices(bar.high, bar.low), bar.tsEventMs);
    this.#last.set(bar.symbol, bar.close);
  }

  /**
   * After the venue matched a bar (the kernel calls it after `venue.onBar`): exits whose position is gone
   * end, each group counts the bar, break-even stops move with its high or low, time exits are placed, as
   * docs/fill-assumptions.md ("Exit attachments") says. Nothing held: one size check.
   */
  afterBar(bar: Pick<Bar, 'symbol' | 'tsEventMs' | 'high' | 'low'>): void {
    if (this.#exitGroups.size === 0) return;
    this.#tick(bar.tsEventMs);
    const ts = bar.tsEventMs;
    for (const g of [...this.#exitGroups.values()]) {
      if (g.symbol !== bar.symbol || !this.#exitGroups.has(g.id) || this.#positionGone(g, ts)) continue;
      g.barsHeld++;
      if (g.skipBar) g.skipBar = false;
      else if (!g.breakEvenDone) {
        g.best = g.dir > 0 ? Math.max(g.best, bar.high) : Math.min(g.best, bar.low);
        if (breakEvenReached(g.dir, g.best, g.breakEven!.trigger)) this.#breakEven(g, ts);
      }
      if (!g.timeExitPlaced && g.barsHeld >= g.timeExitBars!) {
        g.timeExitPlaced = true;
        // A market order: at the next bar's open, or at this bar's close when market orders fill at the close.
        this.#placeExit(g, 'time', { type: 'market', tag: 'time-exit' }, ts);
      }
    }
  }

  /** After the venue matched a quote: break-even follows the bid of a long and the ask of a short (quotes never count as bars). */
  afterQuote(q: QuoteTick): void {
    if (this.#exitGroups.size === 0) return;
    this.#tick(q.tsEventMs);
    for (const g of [...this.#exitGroups.values()]) {
      if (g.symbol !== q.symbol || !this.#exitGroups.has(g.id) || this.#positionGone(g, q.tsEventMs)) continue;
      g.skipBar = false;
      if (g.breakEvenDone) continue;
      g.best = g.dir > 0 ? Math.max(g.best, q.bid) : Math.min(g.best, q.ask);
      if (breakEvenReached(g.dir, g.best, g.breakEven!.trigger)) this.#breakEven(g, q.tsEventMs);
    }
  }

  /**
   * Ends the exit groups (of `symbol`, or all) whose position is flat or on the other side, as the next bar
   * or quote would: a live node asks after each fill it is told and once restored, so a stop the position no
   * longer needs cannot fire on the next price before that check.
   */
  endClosedExits(nowMs: number, symbol?: string): void {
    for (const g of [...this.#exitGroups.values()]) {
      if ((symbol === undefined || g.symbol === symbol) && this.#exitGroups.has(g.id)) this.#positionGone(g, nowMs);
    }
  }

  /** Ends a group whose position is flat or on the other side (closed by hand or by other orders). */
  #positionGone(g: ExitGroup, ts: number): boolean {
    const position = this.options.positionQty;
    if (position === undefined || position(g.symbol) * g.dir > 0) return false;
    this.#endGroup(g, ts, 'the position the exits protect is closed');
    return true;
  }

  #onPrices(symbol: string, p: TriggerPrices, ts: number): void {
    const held = this.#watch.get(symbol);
    if (held !== undefined && held.length !== 0) {
      for (const rec of held.slice()) {
        const o = rec.order;
        if (!o.isOpen || rec.cancelling) continue;
        if (o.tif === 'GTD' && o.request.expireTimeMs !== undefined && ts >= o.request.expireTimeMs) {
          this.#unwatch(rec);
          this.#finishRecord(rec, 'expired', ts, 'good-till-date passed');
          continue;
        }
        if (stopReached(o.side, o.stopPrice ?? NaN, p)) {
          this.#trigger(rec, ts);
          continue;
        }
        if (o.type === 'trailing-stop') {
          rec.best = nextBest(o.side, rec.best, p);
          o.stopPrice = trailLevel(o.side, o.stopPrice, rec.best, o.request.trailing!);
        }
      }
    }
  }

  // ---- holding and releasing ----

  #accept(order: Order, nowMs: number): void {
    const type = order.type;
    const trigger = TRIGGERED_TYPES.includes(type) && !this.#client.capabilities.orderTypes.includes(type);
    const rec: Emulated = {
      order, trigger, releaseType: !trigger ? type : type === 'stop-limit' ? 'limit' : 'market', armedQty: 0, releasedQty: 0, nextPiece: 0, pieces: [],
      pieceBase: new Map(), best: NaN, trailFrom: NaN, cancelling: false, cancelReason: '', venueEnd: null,
    };
    this.#records.set(order.id, rec);
    if (this.#awaiting.size !== 0) this.#rejoin(rec);
    this.#emit(order, 'accepted', nowMs);
    const group = order.links.ocoGroup;
    if (group !== undefined) {
      const members = this.#oco.get(group);
      // Members the client took as they are before this one (a venue that takes some shapes natively: Alpaca's
      // bracket leg beside an emulated sibling) join the group, so a fill of either cancels the other.
      if (members === undefined) this.#oco.set(group, [...[...this.#native.values()].filter((o) => o.links.ocoGroup === group && o.isOpen), order]);
      else members.push(order);
    }
    const parentId = order.links.parentId;
    const parent = parentId === undefined || this.#client.capabilities.nativeBrackets ? undefined : (this.#records.get(parentId)?.order ?? this.#native.get(parentId) ?? this.options.orderOf?.(parentId));
    if (parent !== undefined && parent.isClosed) {
      // Done before its child arrived (filled at the close as it was sent): nothing to wait for.
      this.#arm(rec, parent, nowMs);
      return;
    }
    if (parent !== undefined) {
      const list = this.#children.get(parent.id);
      if (list === undefined) this.#children.set(parent.id, [rec]);
      else list.push(rec);
      this.#arm(rec, parent, nowMs);
      return;
    }
    // No parent to wait for (none, or one already finished and forgotten: armed in full, as the simulated venue does).
    this.#setArmed(rec, order.qty, nowMs);
  }

  /**
   * A child is released once its parent is done (docs/fill-assumptions.md, "Brackets and OCO"): filled, or
   * ended after a partial fill, when it protects the part that filled; a parent done with nothing filled
   * cancels it. A reduce-only child at a venue with reduce-only keeps its quantity (the venue caps it at
   * the position); elsewhere it is cut to what its parent filled.
   */
  #arm(rec: Emulated, parent: Order, nowMs: number): void {
    if (!rec.order.isOpen || rec.cancelling || !parent.isClosed) return;
    if (!(parent.filledQty > EPS)) return this.#cancelRecord(rec, nowMs, `parent ${parent.id} ${parent.status}`);
    const capped = rec.order.request.reduceOnly === true && this.#client.capabilities.reduceOnly;
    const armed = capped ? rec.order.qty : Math.min(rec.order.qty, parent.filledQty);
    if (armed < rec.order.qty - EPS) {
      // The parent is done with part of its quantity: the child protects that part only.
      if (armed > rec.order.filledQty + EPS) {
        rec.order.amend({ qty: armed }, nowMs);
        this.#emitUpdated(rec.order, nowMs);
      } else if (rec.pieces.every((p) => !p.isOpen)) return this.#finishRecord(rec, 'canceled', nowMs, `parent ${parent.id} ${parent.status}: nothing left to protect`);
    }
    if (armed > rec.armedQty + EPS) this.#setArmed(rec, armed, nowMs, parent.avgFillPrice, true);
  }

  /** `byParentFill`: armed by its parent's fill, as it happens (a bracket child; SubmitHints.withParentFill). */
  #setArmed(rec: Emulated, qty: number, nowMs: number, trailRef?: number, byParentFill = false): void {
    const first = rec.armedQty === 0;
    if (trailRef !== undefined) rec.trailFrom = trailRef;
    rec.armedQty = qty;
    const o = rec.order;
    if (rec.trigger && !o.triggered) {
      if (first) {
        if (o.type === 'trailing-stop') {
          rec.best = trailRef ?? this.#last.get(o.symbol) ?? NaN;
          if (!Number.isNaN(rec.best)) o.stopPrice = trailLevel(o.side, undefined, rec.best, o.request.trailing!);
        }
        this.#watchRec(rec);
      }
      return;
    }
    this.#release(rec, nowMs, byParentFill);
  }

  #trigger(rec: Emulated, ts: number): void {
    const o = rec.order;
    this.#unwatch(rec);
    o.triggered = true;
    o.transition('triggered', ts);
    this.sink.onOrderEvent({ type: 'OrderTriggered', orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, tsEventMs: ts }, o);
    this.#release(rec, ts);
  }

  /** Sends what is armed and not yet released as one order `<id>-E<n>`. */
  #release(rec: Emulated, nowMs: number, withParentFill = false): void {
    const o = rec.order;
    const qty = rec.armedQty - rec.releasedQty;
    if (!o.isOpen || rec.cancelling || !(qty > EPS)) return;
    const caps = this.#client.capabilities;
    const t = rec.releaseType;
    const r = o.request;
    const request: OrderRequest = {
      symbol: r.symbol, side: r.side, type: t, qty,
      ...((t === 'limit' || t === 'stop-limit') && { limitPrice: o.limitPrice }),
      ...((t === 'stop' || t === 'stop-limit') && { stopPrice: o.stopPrice }),
      ...(t === 'trailing-stop' && { trailing: r.trailing }),
      tif: caps.timeInForce.includes(o.tif) ? o.tif : 'GTC',
      ...(o.tif === 'GTD' && { expireTimeMs: r.expireTimeMs }),
      ...(r.reduceOnly === true && caps.reduceOnly && { reduceOnly: true }),
      ...(r.tag !== undefined && { tag: r.tag }),
    };
    const piece = new Order(releasedId(o.id, ++rec.nextPiece), o.strategyId, request, nowMs);
    rec.releasedQty += qty;
    rec.pieces.push(piece);
    this.#pieceOf.set(piece.id, rec);
    const trailFrom = t === 'trailing-stop' && !Number.isNaN(rec.trailFrom) ? rec.trailFrom : undefined;
    if (trailFrom === undefined && !withParentFill) this.#client.submit(piece, nowMs);
    else this.#client.submit(piece, nowMs, { ...(trailFrom !== undefined && { trailFrom }), ...(withParentFill && { withParentFill }) });
  }

  /** What the venue says about a released order, told as what happened to the emulated one. */
  #onPiece(rec: Emulated, event: OrderEvent, piece: Order): void {
    const o = rec.order;
    const ts = event.tsEventMs;
    switch (event.type) {
      case 'OrderSubmitted':
      case 'OrderAccepted':
      case 'OrderTriggered':
        return;
      case 'OrderUpdated':
        if (o.isOpen) {
          o.amend({ ...(piece.limitPrice !== undefined && o.limitPrice !== undefined && { limitPrice: piece.limitPrice }), ...(piece.stopPrice !== undefined && piece.type !== 'trailing-stop' && { stopPrice: piece.stopPrice }) }, ts);
          this.#emitUpdated(o, ts);
        }
        return;
      case 'OrderFilled': {
        const f = event.fill;
        if (!o.isOpen || f.qty > o.leavesQty + EPS) {
          // Cannot happen while parts are released only for what is left; counted, never booked twice.
          this.anomalies++;
          return;
        }
        o.applyFill(f.qty, f.price, f.commission, ts);
        const fill: Fill = { ...f, orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, side: o.side };
        this.sink.onOrderEvent({ type: 'OrderFilled', orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, tsEventMs: ts, fill, status: o.status }, o);
        this.#afterFill(o, ts);
        if (o.isClosed) this.#done(rec, ts);
        else if (rec.cancelling && rec.pieces.every((p) => !p.isOpen)) this.#finishRecord(rec, rec.venueEnd?.status ?? 'canceled', ts, rec.venueEnd?.reason ?? rec.cancelReason);
        return;
      }
      case 'OrderCanceled':
      case 'OrderExpired':
      case 'OrderRejected': {
        if (!rec.cancelling && rec.venueEnd === null) {
          // The venue ended it by itself: the emulated order ends the same way once no part works.
          const status = event.type === 'OrderExpired' ? 'expired' : event.type === 'OrderRejected' && o.filledQty === 0 ? 'rejected' : 'canceled';
          rec.venueEnd = { status, reason: 'reason' in event ? event.reason : 'expired at the venue' };
          rec.cancelling = true;
          rec.cancelReason = rec.venueEnd.reason;
          this.#unwatch(rec);
          for (const p of rec.pieces) if (p.isOpen) this.#client.cancel(p.id, ts, rec.venueEnd.reason);
        }
        if (o.isOpen && rec.pieces.every((p) => !p.isOpen)) this.#finishRecord(rec, rec.venueEnd?.status ?? 'canceled', ts, rec.cancelReason);
        return;
      }
      case 'OrderDenied':
        return;
    }
  }

  /** After any fill: OCO siblings are canceled, children take their share. */
  #afterFill(o: Order, ts: number): void {
    const group = o.links.ocoGroup;
    if (group !== undefined) {
      const members = this.#oco.get(group);
      if (members !== undefined) {
        const exitGroup = this.#exitGroups.get(group);
        if (exitGroup !== undefined) {
          this.#exitGroups.delete(group);
          this.#barWork();
        }
        for (const m of members) {
          if (m === o || !m.isOpen) continue;
          const rec = this.#records.get(m.id);
          if (rec === undefined) this.#client.cancel(m.id, ts, `OCO sibling ${o.id} filled`);
          else if (!rec.cancelling) this.#cancelRecord(rec, ts, `OCO sibling ${o.id} filled`);
        }
      }
    }
  }

  /** An order (emulated or sent as it is) is finished: its children and exits follow. */
  #ended(o: Order, ts: number): void {
    const children = this.#children.get(o.id);
    if (children !== undefined) {
      this.#children.delete(o.id);
      for (const c of children) this.#arm(c, o, ts);
    }
    if (o.request.exits !== undefined && o.filledQty > EPS && !this.#client.capabilities.exitAttachments && this.#client.takesNatively?.(o) !== true) this.#attachExits(o, ts);
    const group = o.links.ocoGroup;
    if (group !== undefined) {
      const members = this.#oco.get(group);
      if (members !== undefined && members.every((m) => m.isClosed)) this.#oco.delete(group);
    }
  }

  #done(rec: Emulated, ts: number): void {
    const o = rec.order;
    this.#unwatch(rec);
    this.#records.delete(o.id);
    // Its released orders stay known (one entry each): a late report about one (a refused cancel, a copy of a
    // fill) is still told under the order's id, or counted.
    this.#ended(o, ts);
  }

  #cancelRecord(rec: Emulated, ts: number, reason: string): void {
    rec.cancelling = true;
    rec.cancelReason = reason;
    this.#unwatch(rec);
    for (const p of rec.pieces) if (p.isOpen) this.#client.cancel(p.id, ts, reason);
    if (rec.order.isOpen && rec.pieces.every((p) => !p.isOpen)) this.#finishRecord(rec, rec.venueEnd?.status ?? 'canceled', ts, reason);
  }

  #finishRecord(rec: Emulated, status: 'canceled' | 'expired' | 'rejected', ts: number, reason: string): void {
    const o = rec.order;
    if (!o.isOpen) return;
    this.#endHeld(o, status === 'rejected' && o.filledQty > 0 ? 'canceled' : status, ts, reason);
    this.#done(rec, ts);
  }

  /** Moves an order the emulator holds to an end and tells the engine. */
  #endHeld(o: Order, status: 'canceled' | 'expired' | 'rejected', ts: number, reason: string): void {
    o.transition(status, ts, reason);
    const base = { orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, tsEventMs: ts };
    this.sink.onOrderEvent(status === 'canceled' ? { ...base, type: 'OrderCanceled', reason } : status === 'expired' ? { ...base, type: 'OrderExpired' } : { ...base, type: 'OrderRejected', reason }, o);
  }

  // ---- exit attachments ----

  /** Places the exits of a done entry as emulated children in one OCO group (the simulated venue's ids and levels). */
  #attachExits(entry: Order, ts: number): void {
    const exits = entry.request.exits!;
    const round = this.options.roundPrice;
    const levels = exitLevels(exits, entry.side, entry.avgFillPrice, round === undefined ? undefined : (p) => round(entry.symbol, p));
    const g: ExitGroup = {
      id: `${entry.id}-exits`, entryId: entry.id, strategyId: entry.strategyId, symbol: entry.symbol, dir: entry.sign, qty: entry.filledQty,
      // Filled while a bar is matched: that bar counts (as at the simulated venue); between bars, none yet.
      breakEven: levels.breakEven ?? null, timeExitBars: levels.timeExitBars ?? null, members: [], stop: null, barsHeld: 0, best: entry.avgFillPrice,
      breakEvenDone: levels.breakEven === undefined, timeExitPlaced: levels.timeExitBars === undefined, skipBar: this.options.insideBar?.(entry.symbol) ?? false,
    };
    this.#exitGroups.set(g.id, g);
    this.#barWork();
    if (levels.stopLoss !== undefined) g.stop = this.#placeExit(g, 'sl', { type: 'stop', stopPrice: levels.stopLoss, tag: 'stop-loss' }, ts);
    if (levels.takeProfit !== undefined) this.#placeExit(g, 'tp', { type: 'limit', limitPrice: levels.takeProfit, tag: 'take-profit' }, ts);
    if (levels.trailing !== undefined) this.#placeExit(g, 'trail', { type: 'trailing-stop', trailing: levels.trailing, tag: 'trailing-stop' }, ts, entry.avgFillPrice);
  }

  #placeExit(g: ExitGroup, suffix: string, fields: Pick<OrderRequest, 'type' | 'stopPrice' | 'limitPrice' | 'trailing' | 'tag'>, ts: number, trailRef?: number): Emulated | null {
    const request: OrderRequest = { symbol: g.symbol, side: g.dir > 0 ? 'sell' : 'buy', qty: g.qty, reduceOnly: true, ...fields };
    const child = new Order(`${g.entryId}-${suffix}`, g.strategyId, request, ts, { parentId: g.entryId, ocoGroup: g.id });
    this.#emit(child, 'submitted', ts);
    const trigger = TRIGGERED_TYPES.includes(child.type) && !this.#client.capabilities.orderTypes.includes(child.type);
    const rec: Emulated = {
      order: child, trigger, releaseType: !trigger ? child.type : 'market', armedQty: 0, releasedQty: 0, nextPiece: 0, pieces: [], pieceBase: new Map(), best: NaN, trailFrom: NaN,
      cancelling: false, cancelReason: '', venueEnd: null,
    };
    this.#records.set(child.id, rec);
    g.members.push(rec);
    this.#emit(child, 'accepted', ts);
    const members = this.#oco.get(g.id);
    if (members === undefined) this.#oco.set(g.id, [child]);
    else members.push(child);
    this.#setArmed(rec, g.qty, ts, trailRef);
    return child.isOpen ? rec : null;
  }

  /** Moves the stop to break-even (never looser), or places one when the exits have no stop. */
  #breakEven(g: ExitGroup, ts: number): void {
    g.breakEvenDone = true;
    const level = g.breakEven!.stop;
    const stop = g.stop;
    if (stop === null) {
      g.stop = this.#placeExit(g, 'be', { type: 'stop', stopPrice: level, tag: 'break-even' }, ts);
      return;
    }
    const o = stop.order;
    if (!o.isOpen || stop.cancelling) return;
    const next = tighterStop(o.side, o.stopPrice, level);
    if (next === o.stopPrice) return;
    if (stop.trigger && !o.triggered) {
      o.stopPrice = next;
      o.updatedMs = ts;
      this.#emitUpdated(o, ts);
      return;
    }
    const open = stop.pieces.find((p) => p.isOpen && p.type === 'stop');
    if (open !== undefined) this.#client.modify(open.id, { stopPrice: next }, ts);
  }

  #endGroup(g: ExitGroup, ts: number, reason: string): void {
    this.#exitGroups.delete(g.id);
    this.#barWork();
    for (const m of g.members) if (m.order.isOpen && !m.cancelling) this.#cancelRecord(m, ts, reason);
  }

  // ---- state for a restart ----

  /** The emulated orders still working and the exit groups managed, as JSON for the store. */
  state(): EmulatorState {
    const orders: EmulatedOrderState[] = [];
    for (const rec of this.#records.values()) {
      const o = rec.order;
      if (!o.isOpen || (o.status !== 'accepted' && o.status !== 'triggered' && o.status !== 'partially-filled')) continue;
      orders.push({
        id: o.id, strategyId: o.strategyId, createdMs: o.createdMs, request: JSON.parse(JSON.stringify(o.request)) as EmulatedOrderState['request'], links: { ...o.links },
        status: o.status, filledQty: o.filledQty, avgFillPrice: o.avgFillPrice, commission: o.commission, stopPrice: finite(o.stopPrice), limitPrice: finite(o.limitPrice),
        triggered: o.triggered, updatedMs: o.updatedMs, armedQty: rec.armedQty, releasedQty: rec.releasedQty, nextPiece: rec.nextPiece,
        best: Number.isNaN(rec.best) ? null : rec.best, cancelling: rec.cancelling, cancelReason: rec.cancelReason,
        pieces: rec.pieces.map((p) => ({ id: p.id, qty: p.qty, filledQty: p.filledQty, avgFillPrice: p.avgFillPrice, open: p.isOpen })),
      });
    }
    const exitGroups: ExitGroupState[] = [...this.#exitGroups.values()].map((g) => ({
      id: g.id, entryId: g.entryId, dir: g.dir, qty: g.qty, breakEven: g.breakEven, timeExitBars: g.timeExitBars, memberIds: g.members.map((m) => m.order.id),
      stopId: g.stop?.order.id ?? null, barsHeld: g.barsHeld, best: g.best, breakEvenDone: g.breakEvenDone, timeExitPlaced: g.timeExitPlaced,
    }));
    return { version: 1, orders, exitGroups };
  }

  /**
   * Rebuilds the held orders of a snapshot (call before reconciliation, on an emulator attached to the
   * restarted client): held ones are watched again; released parts still working at the venue are looked
   * up (`queryOrder`) and followed through the client's `adopt`. The node then adopts each emulated order
   * (its restored Order object replaces the emulator's).
   */
  async restore(data: unknown): Promise<void> {
    const s = parseEmulatorState(data);
    const client = this.#client;
    for (const r of s.orders) {
      const o = new Order(r.id, r.strategyId, r.request as OrderRequest, r.createdMs, r.links);
      Object.assign(o, { status: r.status, filledQty: r.filledQty, avgFillPrice: r.avgFillPrice, commission: r.commission, triggered: r.triggered, updatedMs: r.updatedMs });
      o.stopPrice = r.stopPrice ?? undefined;
      o.limitPrice = r.limitPrice ?? undefined;
      const trigger = TRIGGERED_TYPES.includes(o.type) && !client.capabilities.orderTypes.includes(o.type);
      const rec: Emulated = {
        order: o, trigger, releaseType: !trigger ? o.type : o.type === 'stop-limit' ? 'limit' : 'market', armedQty: r.armedQty, releasedQty: r.releasedQty,
        nextPiece: r.nextPiece, pieces: [], pieceBase: new Map(), best: r.best ?? NaN, trailFrom: NaN, cancelling: r.cancelling, cancelReason: r.cancelReason, venueEnd: null,
      };
      this.#records.set(o.id, rec);
      for (const p of r.pieces) {
        const piece = new Order(p.id, o.strategyId, { symbol: o.symbol, side: o.side, type: rec.releaseType, qty: p.qty, ...(rec.releaseType === 'limit' && { limitPrice: o.limitPrice }) }, o.updatedMs);
        Object.assign(piece, { filledQty: p.filledQty, avgFillPrice: p.avgFillPrice, status: 'canceled' });
        rec.pieces.push(piece);
        rec.pieceBase.set(p.id, { qty: p.filledQty, avg: p.avgFillPrice });
        this.#pieceOf.set(p.id, rec);
        if (!p.open) continue;
        // Followed again only while the venue works it, with what it has filled by now (the node books
        // fills made while down through `fillsSince`, translated to the emulated order).
        const venue = await client.queryOrder(p.id);
        if (venue === null) continue;
        Object.assign(piece, { filledQty: venue.filledQty, avgFillPrice: venue.avgFillPrice, status: venue.status, triggered: venue.status === 'triggered', updatedMs: venue.updatedMs });
        if (WORKING.has(venue.status)) client.adopt?.(piece);
      }
      await this.#findUnrecorded(rec);
      const group = o.links.ocoGroup;
      if (group !== undefined) {
        const members = this.#oco.get(group);
        if (members === undefined) this.#oco.set(group, [o]);
        else members.push(o);
      }
      const parentId = o.links.parentId;
      if (parentId !== undefined && r.armedQty < o.qty - EPS && !this.#isExitGroupId(s, o.links.ocoGroup)) {
        const list = this.#children.get(parentId);
        if (list === undefined) this.#children.set(parentId, [rec]);
        else list.push(rec);
      }
      if (rec.trigger && !o.triggered && rec.armedQty > 0 && !rec.cancelling) this.#watchRec(rec);
    }
    await this.#settleRestored();
    for (const g of s.exitGroups) {
      const members = g.memberIds.map((id) => this.#records.get(id)).filter((m): m is Emulated => m !== undefined);
      const first = members[0]?.order;
      if (first === undefined) continue;
      this.#exitGroups.set(g.id, {
        id: g.id, entryId: g.entryId, strategyId: first.strategyId, symbol: first.symbol, dir: g.dir, qty: g.qty, breakEven: g.breakEven, timeExitBars: g.timeExitBars,
        members, stop: g.stopId === null ? null : (this.#records.get(g.stopId) ?? null), barsHeld: g.barsHeld, best: g.best, breakEvenDone: g.breakEvenDone, timeExitPlaced: g.timeExitPlaced,
        skipBar: false,
      });
      this.#barWork();
    }
  }

  /**
   * Paper restart: the simulated venue forgot everything with the process and the node sends the working
   * orders of its store again, exits included (same ids). The exit groups of a snapshot (`state()`) are
   * rebuilt here with their bars held, best price, break-even and time-exit state, and take their members
   * back as those orders arrive.
   */
  restoreExitGroups(data: unknown): void {
    const s = parseEmulatorState(data);
    for (const g of s.exitGroups) {
      const first = s.orders.find((o) => g.memberIds.includes(o.id));
      if (first === undefined || this.#exitGroups.has(g.id)) continue;
      const group: ExitGroup = {
        id: g.id, entryId: g.entryId, strategyId: first.strategyId, symbol: first.request.symbol, dir: g.dir, qty: g.qty, breakEven: g.breakEven, timeExitBars: g.timeExitBars,
        members: [], stop: null, barsHeld: g.barsHeld, best: g.best, breakEvenDone: g.breakEvenDone, timeExitPlaced: g.timeExitPlaced, skipBar: false,
      };
      this.#exitGroups.set(g.id, group);
      for (const id of g.memberIds) {
        this.#awaiting.set(id, { group, stop: id === g.stopId, stopPrice: s.orders.find((o) => o.id === id)?.stopPrice ?? null });
        const rec = this.#records.get(id);
        if (rec !== undefined) this.#rejoin(rec);
      }
    }
    this.#barWork();
  }

  /** A member of a restored exit group is here again. */
  #rejoin(rec: Emulated): void {
    const w = this.#awaiting.get(rec.order.id);
    if (w === undefined) return;
    this.#awaiting.delete(rec.order.id);
    w.group.members.push(rec);
    if (w.stop) w.group.stop = rec;
    // A stop break-even moved comes back at its moved level (the store's order row has the level it was sent with).
    const o = rec.order;
    if (w.stopPrice !== null && o.type === 'stop' && o.stopPrice !== undefined) o.stopPrice = tighterStop(o.side, o.stopPrice, w.stopPrice);
  }

  /**
   * Orders released after the snapshot was taken (the node stopped before its next checkpoint): their ids are
   * deterministic, so the next ones are asked for until the venue does not know one. Each found is followed
   * again (or counted as finished), and a held trigger it was released for counts as triggered, so nothing is
   * released twice.
   */
  async #findUnrecorded(rec: Emulated): Promise<void> {
    const o = rec.order;
    const client = this.#client;
    for (;;) {
      const id = releasedId(o.id, rec.nextPiece + 1);
      const venue = await client.queryOrder(id);
      if (venue === null) return;
      const piece = new Order(id, o.strategyId, { symbol: o.symbol, side: o.side, type: venue.type, qty: venue.qty, ...(venue.limitPrice !== null && { limitPrice: venue.limitPrice }), ...(venue.stopPrice !== null && { stopPrice: venue.stopPrice }) }, venue.createdMs);
      Object.assign(piece, { filledQty: venue.filledQty, avgFillPrice: venue.avgFillPrice, status: venue.status, updatedMs: venue.updatedMs });
      rec.nextPiece++;
      rec.releasedQty += venue.qty;
      rec.armedQty = Math.max(rec.armedQty, rec.releasedQty);
      rec.pieces.push(piece);
      rec.pieceBase.set(id, { qty: 0, avg: 0 });
      this.#pieceOf.set(id, rec);
      if (rec.trigger && !o.triggered) {
        o.triggered = true;
        o.status = o.filledQty > 0 ? o.status : 'triggered';
      }
      if (WORKING.has(venue.status)) client.adopt?.(piece);
    }
  }

  /**
   * What happened while the node was down: an OCO member whose released order filled cancels its siblings
   * (held ones here; released ones at the venue), and orders that are finished by now are kept only to
   * answer reconciliation's queries (`queryOrder`), no longer worked.
   */
  async #settleRestored(): Promise<void> {
    const recs = [...this.#records.values()];
    for (const rec of recs) {
      const filledWhileDown = rec.pieces.some((p) => p.filledQty > (rec.pieceBase.get(p.id)?.qty ?? 0) + EPS);
      const group = rec.order.links.ocoGroup;
      if (!filledWhileDown || group === undefined) continue;
      this.#exitGroups.delete(group);
      this.#barWork();
      for (const sib of recs) {
        if (sib === rec || sib.order.links.ocoGroup !== group || sib.cancelling) continue;
        sib.cancelling = true;
        sib.cancelReason = `OCO sibling ${rec.order.id} filled while the node was down`;
        this.#unwatch(sib);
        this.#quiet = true;
        try {
          for (const p of sib.pieces) if (p.isOpen) this.#client.cancel(p.id, this.nowMs(), sib.cancelReason);
        } finally {
          this.#quiet = false;
        }
      }
    }
    for (const rec of recs) {
      const r = await this.#report(rec);
      if (WORKING.has(r.status)) continue;
      this.#finishedWhileDown.set(rec.order.id, r);
      this.#unwatch(rec);
      this.#records.delete(rec.order.id);
    }
  }

  #isExitGroupId(s: EmulatorState, group: string | undefined): boolean {
    return group !== undefined && s.exitGroups.some((g) => g.id === group);
  }

  /** Replaces an order object in the emulator's lists (after adopt). */
  #swapIn(old: Order, order: Order): void {
    const group = order.links.ocoGroup;
    const members = group === undefined ? undefined : this.#oco.get(group);
    if (members !== undefined) {
      const i = members.indexOf(old);
      if (i >= 0) members[i] = order;
    }
  }

  /** The emulated orders held or released now (tests, status). */
  get held(): readonly Order[] {
    return [...this.#records.values()].map((r) => r.order);
  }

  /** The ids released to the venue for an emulated order, in release order. */
  releasedIds(clientOrderId: string): string[] {
    return this.#records.get(clientOrderId)?.pieces.map((p) => p.id) ?? [];
  }

  // ---- small helpers ----

  #watchRec(rec: Emulated): void {
    const list = this.#watch.get(rec.order.symbol);
    if (list === undefined) this.#watch.set(rec.order.symbol, [rec]);
    else if (!list.includes(rec)) list.push(rec);
  }

  #unwatch(rec: Emulated): void {
    const list = this.#watch.get(rec.order.symbol);
    if (list === undefined) return;
    const i = list.indexOf(rec);
    if (i >= 0) list.splice(i, 1);
  }

  #emit(o: Order, to: 'submitted' | 'accepted', ts: number): void {
    o.transition(to, ts);
    this.sink.onOrderEvent({ type: to === 'submitted' ? 'OrderSubmitted' : 'OrderAccepted', orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, tsEventMs: ts }, o);
  }

  #emitUpdated(o: Order, ts: number): void {
    this.sink.onOrderEvent({ type: 'OrderUpdated', orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, tsEventMs: ts }, o);
  }

  #refuse(command: CommandRejectedEvent['command'], clientOrderId: string, reason: string, ts: number): void {
    this.sink.onCommandRejected?.({ type: 'CommandRejected', command, clientOrderId, reason, tsEventMs: ts });
  }

  #tick(ts: number): void {
    if (ts > this.#lastMs) this.#lastMs = ts;
  }

  #barWork(): void {
    this.marketWork = this.#tracksPrices || this.#exitGroups.size !== 0;
  }

  /** Now, for callers without a time (the clock when given). */
  nowMs(): number {
    return this.options.clock?.() ?? this.#lastMs;
  }
}

/**
 * Whether a client lacks anything the emulator can hold (an order type, brackets, OCO, exit attachments): only
 * then does a node put an OrderEmulator in front of it; a client that has it all (the simulated venue) is used
 * as it is.
 */
export function needsOrderEmulator(caps: ExecutionCapabilities): boolean {
  return ALL_ORDER_TYPES.some((t) => !caps.orderTypes.includes(t)) || !caps.nativeBrackets || !caps.nativeOco || !caps.exitAttachments;
}

/** A price for the snapshot: null when there is none yet (a trailing stop before its first price). */
function finite(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}

/** Released order ids are `<id>-E<n>`: the emulated order's id, or null for any other id. */
export function releasedFrom(clientOrderId: string): string | null {
  const m = RELEASED.exec(clientOrderId);
  return m === null ? null : m[1]!;
}
const RELEASED = /^(.+)-E[1-9][0-9]*$/;

/** The client order id of the `n`-th order released for `clientOrderId` (1, 2, ...). */
export function releasedId(clientOrderId: string, n: number): string {
  return `${clientOrderId}-E${n}`;
}

/** Why an entry's exits are refused (the simulated venue's check), or null. */
function exitsReason(order: Order): string | null {
  const exits = order.request.exits;
  if (exits === undefined) return null;
  const p = exitsProblem(exits, order.side, order.request.reduceOnly ?? false);
  return p === null ? null : `${p.field}: ${p.message}`;
}
