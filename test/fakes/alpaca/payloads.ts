// Alpaca Trading API v2 payloads as the fake server sends them, shaped after the OpenAPI spec in
// alpacahq/alpaca-trade-api-js (tooling/specs/trading-api.json: Order, Position, Account,
// TradingActivities and its EquityOrderResponse / CryptoOrderResponse examples; Apache-2.0): snake_case
// keys, decimal strings for quantities and prices, RFC 3339 times with nanoseconds, null for absent values.
import type { FakeFill, FakeOrder } from '../fake-exchange.ts';

/** What the Alpaca layer knows of an order beyond the matcher: replace links and the request's spelling. */
export interface OrderOverlay {
  /** Alpaca's order id (a UUID) for the matcher's venue order id. */
  readonly id: string;
  readonly assetId: string;
  readonly tif: string;
  replacedBy: string | null;
  replaces: string | null;
  replacedAtMs: number | null;
}

export const isCryptoSymbol = (s: string): boolean => s.includes('/');

/** A decimal string: no float noise, no exponent. */
export function dec(x: number): string {
  const s = x.toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** RFC 3339 with nanoseconds, as Alpaca writes times. */
export function time(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export function alpacaStatus(o: FakeOrder, ov: OrderOverlay): string {
  if (ov.replacedBy !== null) return 'replaced';
  return o.status === 'partially-filled' ? 'partially_filled' : o.status;
}

const TYPES: Record<FakeOrder['type'], string> = { market: 'market', limit: 'limit', stop: 'stop', 'stop-limit': 'stop_limit', 'trailing-stop': 'trailing_stop' };

export function orderJson(o: FakeOrder, ov: OrderOverlay): Record<string, unknown> {
  const status = alpacaStatus(o, ov);
  const at = (s: string): string | null => (status === s ? time(o.updatedMs) : null);
  return {
    id: ov.id,
    client_order_id: o.clientOrderId,
    created_at: time(o.createdMs),
    updated_at: time(o.updatedMs),
    submitted_at: time(o.createdMs),
    filled_at: status === 'filled' ? time(o.updatedMs) : null,
    expired_at: at('expired'),
    canceled_at: at('canceled'),
    failed_at: at('rejected'),
    replaced_at: ov.replacedAtMs === null ? null : time(ov.replacedAtMs),
    replaced_by: ov.replacedBy,
    replaces: ov.replaces,
    asset_id: ov.assetId,
    symbol: o.symbol,
    asset_class: isCryptoSymbol(o.symbol) ? 'crypto' : 'us_equity',
    notional: null,
    qty: dec(o.qty),
    filled_qty: dec(o.filledQty),
    filled_avg_price: o.filledQty > 0 ? dec(o.avgFillPrice) : null,
    order_class: '',
    order_type: TYPES[o.type],
    type: TYPES[o.type],
    side: o.side,
    time_in_force: ov.tif,
    limit_price: o.limitPrice === null ? null : dec(o.limitPrice),
    stop_price: o.stopPrice === null ? null : dec(o.stopPrice),
    status,
    extended_hours: false,
    legs: null,
    trail_percent: o.trailing?.kind === 'percent' ? dec(o.trailing.value) : null,
    trail_price: o.trailing?.kind === 'amount' ? dec(o.trailing.value) : null,
    hwm: o.extreme === null ? null : dec(o.extreme),
    subtag: null,
    source: null,
  };
}

export interface FillActivity {
  readonly id: string;
  readonly tsMs: number;
  readonly json: Record<string, unknown>;
}

/** A FILL activity: `id` is "<yyyymmddhhmmssSSS>::<uuid>", usable as a page token. */
export function fillActivity(f: FakeFill, o: FakeOrder, orderId: string): FillActivity {
  const stamp = new Date(f.tsMs).toISOString().replace(/[-:TZ.]/g, '');
  const id = `${stamp}::${uuidOf(f.tradeId)}`;
  const leaves = Math.max(0, o.qty - o.filledQty);
  return {
    id,
    tsMs: f.tsMs,
    json: {
      id,
      activity_type: 'FILL',
      transaction_time: time(f.tsMs),
      type: leaves > 1e-9 ? 'partial_fill' : 'fill',
      price: dec(f.price),
      qty: dec(f.qty),
      side: f.side,
      symbol: f.symbol,
      leaves_qty: dec(leaves),
      order_id: orderId,
      cum_qty: dec(o.filledQty),
      order_status: leaves > 1e-9 ? 'partially_filled' : 'filled',
    },
  };
}

export function positionJson(p: { symbol: string; qty: number; avgPrice: number }, mark: number | undefined): Record<string, unknown> {
  const crypto = isCryptoSymbol(p.symbol);
  const px = mark ?? p.avgPrice;
  return {
    asset_id: uuidOf(p.symbol),
    // Alpaca spells crypto positions without the slash.
    symbol: crypto ? p.symbol.replace('/', '') : p.symbol,
    exchange: crypto ? 'CRYPTO' : 'NASDAQ',
    asset_class: crypto ? 'crypto' : 'us_equity',
    asset_marginable: !crypto,
    avg_entry_price: dec(p.avgPrice),
    qty: dec(p.qty),
    qty_available: dec(p.qty),
    side: p.qty < 0 ? 'short' : 'long',
    market_value: dec(p.qty * px),
    cost_basis: dec(p.qty * p.avgPrice),
    unrealized_pl: dec(p.qty * (px - p.avgPrice)),
    unrealized_plpc: '0',
    unrealized_intraday_pl: '0',
    unrealized_intraday_plpc: '0',
    current_price: dec(px),
    lastday_price: dec(px),
    change_today: '0',
  };
}

export function accountJson(b: { currency: string; total: number; free: number }, positionsValue: number, accountId: string): Record<string, unknown> {
  const equity = b.total + positionsValue;
  return {
    id: accountId,
    account_number: 'PA3FAKE0001',
    status: 'ACTIVE',
    crypto_status: 'ACTIVE',
    currency: b.currency,
    cash: dec(b.total),
    buying_power: dec(b.free),
    regt_buying_power: dec(b.free),
    daytrading_buying_power: '0',
    non_marginable_buying_power: dec(b.free),
    equity: dec(equity),
    last_equity: dec(equity),
    portfolio_value: dec(equity),
    long_market_value: dec(Math.max(0, positionsValue)),
    short_market_value: dec(Math.min(0, positionsValue)),
    initial_margin: '0',
    maintenance_margin: '0',
    multiplier: '1',
    pattern_day_trader: false,
    trading_blocked: false,
    transfers_blocked: false,
    account_blocked: false,
    shorting_enabled: true,
    trade_suspended_by_user: false,
    created_at: '2024-01-01T00:00:00Z',
  };
}

/** A deterministic UUID-looking id from any string (the fake has no need for real randomness). */
export function uuidOf(s: string): string {
  let h = 0x811c9dc5;
  const out: string[] = [];
  for (let k = 0; k < 4; k++) {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ k, 0x01000193) >>> 0;
    out.push(h.toString(16).padStart(8, '0'));
  }
  const x = out.join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-a${x.slice(17, 20)}-${x.slice(20, 32)}`;
}
