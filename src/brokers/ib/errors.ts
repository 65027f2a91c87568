// IB's error and info codes (TWS API "Message Codes"), grouped by what the adapter does with them.
// TWS sends all of them through one `error` callback: some are about an order (reqId = its orderId),
// some about the link, many are only information (the market-data farm messages at every connect).

export type IbCodeKind =
  /** The order was refused; it is not working (an orderStatus Inactive/Cancelled may follow). */
  | 'order-rejected'
  /** Information that an order was canceled (the orderStatus Cancelled carries the change). */
  | 'order-canceled'
  /** A cancel the venue refused: unknown order, or not in a cancellable state. */
  | 'cancel-refused'
  /** A modification the venue refused. */
  | 'modify-refused'
  /** TWS lost its link to IB's servers (the socket to TWS is still up). */
  | 'connectivity-lost'
  /** The link is back; data streams were lost and must be requested again. */
  | 'connectivity-restored-data-lost'
  /** The link is back and nothing was lost. */
  | 'connectivity-restored'
  /** The socket to TWS / IB Gateway failed or the session is unusable. */
  | 'connection-failed'
  /** Informational only (data farm status, warnings). */
  | 'info'
  /** Anything else about a request: logged. */
  | 'other';

const KINDS: ReadonlyMap<number, IbCodeKind> = new Map<number, IbCodeKind>([
  [103, 'order-rejected'], // duplicate order id
  [110, 'order-rejected'], // price does not conform to the minimum price variation
  [200, 'order-rejected'], // no security definition found
  [201, 'order-rejected'], // order rejected - reason: ...
  [203, 'order-rejected'], // the security is not available or allowed for this account
  [321, 'order-rejected'], // error validating request (bad field)
  [382, 'order-rejected'], // a field exceeds its maximum length
  [387, 'order-rejected'], // unsupported order type for this exchange and security type
  [399, 'info'], // order message: warning (e.g. will not be placed until the market opens)
  [202, 'order-canceled'], // order canceled - reason: ...
  [10148, 'cancel-refused'], // OrderId that needs to be cancelled can not be cancelled, state: ...
  [10147, 'cancel-refused'], // OrderId that needs to be cancelled is not found
  [161, 'cancel-refused'], // cancel attempted when order is not in a cancellable state
  [135, 'cancel-refused'], // can't find order with id
  [104, 'modify-refused'], // can't modify a filled order
  [105, 'modify-refused'], // order being modified does not match the original order
  [1100, 'connectivity-lost'],
  [2110, 'connectivity-lost'], // connectivity between TWS and server is broken; restored automatically
  [1101, 'connectivity-restored-data-lost'],
  [1102, 'connectivity-restored'],
  [326, 'connection-failed'], // client id already in use
  [502, 'connection-failed'], // couldn't connect to TWS
  [504, 'connection-failed'], // not connected
  [507, 'connection-failed'], // bad message length / socket exception
  [1300, 'connection-failed'], // TWS socket port has been reset
  [2103, 'info'], // market data farm connection is broken
  [2104, 'info'], // market data farm connection is OK
  [2105, 'info'], // HMDS data farm connection is broken
  [2106, 'info'], // HMDS data farm connection is OK
  [2107, 'info'], // HMDS data farm connection is inactive
  [2108, 'info'], // market data farm connection is inactive
  [2109, 'info'], // order event warning: outside regular trading hours attribute ignored
  [2157, 'info'], // sec-def data farm connection is broken
  [2158, 'info'], // sec-def data farm connection is OK
]);

/** What an IB message code means to the adapter. */
export function ibCodeKind(code: number): IbCodeKind {
  const k = KINDS.get(code);
  if (k !== undefined) return k;
  // 2100-2199 are warnings (never errors about an order); the library's own codes (5xx) are link problems.
  if (code >= 2100 && code < 2200) return 'info';
  return 'other';
}
