// The manual order ticket's rules, apart from its form: the order a ticket makes (or what is missing, per
// field), the field a risk denial concerns (the reason starts with the check's name, docs/risk.md), and the
// strategy ids a bot's node gives its strategies (the name, `name-<n>` when one runs twice).
import { ApiError, fieldError } from '../../api/problem.ts';
import type { paths } from '../../api/schema.d.ts';

export type ManualOrder = NonNullable<paths['/api/v1/bots/{id}/orders']['post']['requestBody']>['content']['application/json'];
export const TICKET_FIELDS = ['strategyId', 'symbol', 'side', 'type', 'qty', 'limitPrice'] as const;
export type TicketField = (typeof TICKET_FIELDS)[number];
export type FieldErrors = Partial<Record<TicketField, string>>;

export interface Ticket {
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: 'market' | 'limit';
  readonly qty: string;
  readonly limitPrice: string;
}

/** The order of a filled-in ticket, or the errors of its fields. */
export function orderOf(t: Ticket): { order: ManualOrder } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const symbol = t.symbol.trim();
  if (symbol === '') errors.symbol = 'Enter a symbol the bot trades.';
  const qty = Number(t.qty);
  if (t.qty.trim() === '' || !Number.isFinite(qty) || qty <= 0) errors.qty = 'Enter a quantity above 0.';
  const limit = Number(t.limitPrice);
  if (t.type === 'limit' && (t.limitPrice.trim() === '' || !Number.isFinite(limit) || limit <= 0)) errors.limitPrice = 'A limit order needs a limit price above 0.';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    order: {
      symbol, side: t.side, type: t.type, qty,
      ...(t.type === 'limit' ? { limitPrice: limit } : {}),
      ...(t.strategyId !== '' ? { strategyId: t.strategyId } : {}),
    },
  };
}

/** Pre-trade checks by the field their denial is about (the rest concern the whole order). */
const DENIAL_FIELDS: Record<string, TicketField> = {
  'max-order-notional': 'qty', 'max-position-pct': 'qty', 'max-position': 'qty', 'max-sector-pct': 'qty', 'gross-leverage': 'qty',
  'buying-power': 'qty', allocation: 'qty',
  'short-sale': 'side', 'reduce-only': 'side', 'reduce-only-mode': 'side',
  'restricted-symbol': 'symbol', 'market-hours': 'symbol',
  'price-collar': 'limitPrice',
};

/** The field a denial's reason concerns (`max-order-notional: …` is about the quantity), or null for the whole order. */
export function denialField(reason: string, type: Ticket['type']): TicketField | null {
  const check = reason.split(':', 1)[0]!.trim();
  const field = DENIAL_FIELDS[check] ?? null;
  // A market order's collar is on its reference price: not a field of the ticket.
  return field === 'limitPrice' && type !== 'limit' ? null : field;
}

/** The API's problem by ticket field (its `field` is `body.qty` and the like), without the field's prefix. */
export function problemFields(err: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!(err instanceof ApiError)) return out;
  for (const f of TICKET_FIELDS) {
    const msg = fieldError(err, f);
    if (msg !== null) out[f] = msg.replace(/^body\.[A-Za-z]+: /, '');
  }
  return out;
}

/** The node's strategy ids, in the bot's order: a strategy's name, or `name-<n>` (n from 1) when it runs twice. */
export function strategyIdsOf(names: readonly string[]): string[] {
  return names.map((n, i) => (names.filter((x) => x === n).length > 1 ? `${n}-${i + 1}` : n));
}
