// The ExecutionClient port: the simulated venue in backtests and paper trading, a broker adapter live
// (NautilusTrader's LiveExecutionClient and LEAN's IBrokerage are the references; docs/architecture.md,
// "The execution port"). Commands go out as calls that return nothing; what happens to an order comes
// back through the sink as events. Queries (one order, mass status) return plain reports
// (./reports.ts) that the caller validates at the boundary (./mass-status.ts).
import type { OrderEvent } from '../model/events.ts';
import type { Order, OrderType, TimeInForce } from '../model/order.ts';
import type { BalanceReport, FillReport, OrderStatusReport, PositionReport } from './reports.ts';

/** Where the client's link to the venue stands. Only a 'connected' client sends commands and reports events. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

export interface ConnectionStateEvent {
  readonly type: 'ConnectionStateChanged';
  readonly state: ConnectionState;
  readonly previous: ConnectionState;
  readonly tsEventMs: number;
  /** Why the link dropped or failed ('' when asked for). */
  readonly reason: string;
}

/**
 * A command the client or the venue refused without touching the order: a cancel or modify of an
 * unknown or finished order, a duplicate client order id, a command while not connected. The order's
 * own state is unchanged (an order the venue refuses to accept is an `OrderRejected` event instead).
 */
export interface CommandRejectedEvent {
  readonly type: 'CommandRejected';
  readonly command: 'submit' | 'modify' | 'cancel';
  readonly clientOrderId: string;
  readonly reason: string;
  readonly tsEventMs: number;
}

/** What `modify` may change; omitted fields stay as they are. */
export interface OrderModification {
  /** New total quantity (filled part included); must stay above what has filled. */
  readonly qty?: number;
  readonly limitPrice?: number;
  /** New trigger price of a stop or stop-limit (not of a trailing stop, which the venue moves). */
  readonly stopPrice?: number;
}

/** What a venue supports natively. Anything else is rejected by the client (or emulated by Sextant). */
export interface ExecutionCapabilities {
  /** Order types the venue takes; 'trailing-stop' here means native trailing stops. */
  readonly orderTypes: readonly OrderType[];
  readonly timeInForce: readonly TimeInForce[];
  /** Quantities that are not whole units. */
  readonly fractionalQty: boolean;
  /** Sells that open or add to a short position. */
  readonly shorting: boolean;
  readonly reduceOnly: boolean;
  /**
   * Modify in place: the venue order id and queue position are kept. Without it `modify` is a
   * cancel-replace: the client order id stays, the venue order id changes, the order loses its place.
   */
  readonly nativeModify: boolean;
  /** Bracket children (orders with a parent) that wait for their parent's fill. */
  readonly nativeBrackets: boolean;
  /** OCO groups: a fill on one order cancels its siblings. */
  readonly nativeOco: boolean;
  /** Exit attachments on an entry (`OrderRequest.exits`: stop-loss, take-profit, trailing, time, break-even). */
  readonly exitAttachments: boolean;
  /**
   * Flags above that are false because the venue takes only some shapes of them natively (Alpaca: an
   * entry's exits when they are one stop-loss and one take-profit at a price, on a stock; ctx.bracket and
   * ctx.oco sent as one request). Which orders
   * it takes as they are is `ExecutionClient.takesNatively`; the OrderEmulator holds the rest.
   */
  readonly partialNative?: readonly PartialCapability[];
}

/** The all-or-nothing capabilities a client may cover in part (`ExecutionCapabilities.partialNative`). */
export type PartialCapability = 'nativeBrackets' | 'nativeOco' | 'exitAttachments';

/** A venue's order rules for one symbol (any may be unknown). */
export interface InstrumentRules {
  readonly lotSize?: number;
  readonly tickSize?: number;
  readonly minQty?: number;
}

/** What the OrderEmulator tells a venue about an order it releases (ExecutionClient.submit). */
export interface SubmitHints {
  /** Where a trailing stop starts trailing (an exit's entry fill price); without it, from the market. */
  readonly trailFrom?: number;
  /**
   * Released by its parent's fill (a bracket child): at a venue that matches bars, it was waiting on the
   * book with its parent, so a fill at the open lets it meet that same open (a stop the open gapped through).
   */
  readonly withParentFill?: boolean;
}

export interface ExecutionClient {
  /** Name of the venue, stamped on reports' errors ('simulated', 'alpaca', ...). */
  readonly venue: string;
  readonly capabilities: ExecutionCapabilities;
  readonly connectionState: ConnectionState;

  /** Opens the link (states connecting -> connected through the sink). Connecting a connected client does nothing. */
  connect(): Promise<void>;
  /** Closes the link (state disconnected). Working orders stay at the venue. */
  disconnect(): Promise<void>;

  /**
   * Sends a new order (already risk-checked). Idempotent by client order id (`order.id`): a second
   * submit of an id the venue knows creates no second order (a `CommandRejected` says so).
   * `hints` come from the OrderEmulator releasing a held order; a venue that cannot use them ignores them.
   */
  submit(order: Order, nowMs: number, hints?: SubmitHints): void;
  /** Changes a working order's quantity, limit or trigger (`OrderUpdated`, or `CommandRejected`). */
  modify(clientOrderId: string, changes: OrderModification, nowMs: number): void;
  /** Asks to cancel a working order (`OrderCanceled`, or `CommandRejected` when unknown or finished). */
  cancel(orderId: string, nowMs: number, reason?: string): void;
  /** Cancels every working order, or those of one symbol. */
  cancelAll(nowMs: number, symbol?: string): void;
  /**
   * After a restart: starts tracking an order the venue is already working (restored from the store and
   * reconciled), without sending anything, so its later updates and fills reach the sink. Clients whose
   * venue forgets orders with the process (the simulated venue) leave it out; the node re-sends those.
   */
  adopt?(order: Order): void;
  /**
   * Before a graceful stop: waits for the commands it has in flight and fetches what the venue did that its
   * stream has not reported yet (a fill made just before the stop), so the node books it before it ends.
   * Clients whose reports cannot lag (the simulated venue) leave it out.
   */
  settle?(): Promise<void>;
  /**
   * What the venue allows for a symbol's orders (lot step, price tick, minimum quantity), once connected: the
   * node builds its instruments with them so that sizing rounds to what the venue accepts. Null when unknown.
   */
  instrumentRules?(symbol: string): InstrumentRules | null;
  /**
   * For a client with `capabilities.partialNative`: whether it takes this order as it is although a flag
   * says no (the OrderEmulator then passes it through). Depends on the order's shape, and for a linked order
   * also on the order it links to still waiting in the client to be sent (Alpaca: a bracket child rides in
   * its entry's request); the OrderEmulator asks once, when the order is submitted.
   */
  takesNatively?(order: Order): boolean;

  /** The venue's view of one order, for ambiguous outcomes (a submit whose answer was lost); null if unknown. */
  queryOrder(clientOrderId: string): Promise<OrderStatusReport | null>;
  /** Mass status for reconciliation: the working orders (of one symbol), */
  openOrders(symbol?: string): Promise<OrderStatusReport[]>;
  /** the fills at or after a time, in the order they happened, */
  fillsSince(sinceMs: number): Promise<FillReport[]>;
  /** every non-flat position, */
  positions(): Promise<PositionReport[]>;
  /** and the account's balances. */
  balances(): Promise<BalanceReport[]>;
}

/** Where a client reports what happened to orders and to its link. */
export interface ExecutionSink {
  onOrderEvent(event: OrderEvent, order: Order): void;
  onConnectionState?(event: ConnectionStateEvent): void;
  onCommandRejected?(event: CommandRejectedEvent): void;
}
