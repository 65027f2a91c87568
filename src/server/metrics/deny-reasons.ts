// Why an order was denied, as a bounded label value. Denial reasons are free text led by a code: the
// pre-trade check's name ("buying-power: insufficient ..."), "kill switch: ...", "allocation: ...". The
// label is that code when it is one of the known ones below, else 'other', so a custom check or a new
// message can never grow the number of series.

/** Every code the `reason` label can take. */
export const DENY_REASON_CODES = [
  // The risk engine's built-in checks (src/risk/risk-engine.ts).
  'reduce-only', 'buying-power', 'max-order-notional', 'max-position',
  // Checks from a risk config (src/risk/checks/*).
  'max-position-pct', 'max-sector-pct', 'gross-leverage', 'max-open-orders', 'market-hours', 'order-rate', 'price-collar',
  'restricted-symbol', 'short-sale', 'reduce-only-mode',
  // Compliance rules from a risk config (docs/compliance.md).
  'max-order-qty', 'short-locate', 'pattern-day-trader', 'self-cross',
  // A tripped circuit breaker (src/risk/breakers/adapter.ts).
  'circuit-breaker',
  // The kernel's own denials (src/engine/kernel.ts): the operator's halt, a strategy's allocation, no price yet.
  'kill-switch', 'allocation', 'no-reference-price',
  'other',
] as const;

export type DenyReasonCode = (typeof DENY_REASON_CODES)[number];

const KNOWN = new Set<string>(DENY_REASON_CODES);

/** The bounded code of a denial reason. */
export function denyReasonCode(reason: string): DenyReasonCode {
  if (reason.startsWith('no reference price')) return 'no-reference-price';
  const colon = reason.indexOf(':');
  if (colon <= 0) return 'other';
  // "kill switch" is the one code written with a space.
  const code = reason.slice(0, colon).trim().replace(/ /g, '-');
  return KNOWN.has(code) ? (code as DenyReasonCode) : 'other';
}
