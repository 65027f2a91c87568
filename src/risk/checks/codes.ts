// Reason codes: every denial reads `<code>: <text>`, where the code is the name of the check that denied
// (docs/compliance.md lists them). The compliance rules of issue 17 and what each enforces.
export const COMPLIANCE_RULES = {
  'max-position': 'position limit per symbol: quantity and value',
  'max-position-pct': 'position limit per symbol: % of equity',
  'max-sector-pct': 'sector concentration limit',
  'gross-leverage': 'gross leverage limit',
  'restricted-symbol': 'restricted list: symbols and issuers, with effective dates',
  'short-sale': 'short-sale restrictions: no-short list, uptick rule',
  'short-locate': 'short sale without a locate (easy-to-borrow list)',
  'pattern-day-trader': 'pattern day trader rule',
  'self-cross': 'wash trade / self-cross prevention',
  'max-order-qty': 'maximum order size (fat finger)',
  'max-order-notional': 'maximum order notional (fat finger)',
} as const;

export type ComplianceCode = keyof typeof COMPLIANCE_RULES;

/** The code of a denial reason: the text before its first colon ("kill switch" becomes kill-switch). */
export function reasonCode(reason: string): string {
  if (reason.startsWith('no reference price')) return 'no-reference-price';
  const colon = reason.indexOf(':');
  if (colon <= 0) return 'other';
  return reason.slice(0, colon).trim().replace(/ /g, '-');
}

/** The compliance rule a code belongs to, or null for other denials (kill switch, allocation, breakers...). */
export function complianceRule(code: string): string | null {
  return Object.hasOwn(COMPLIANCE_RULES, code) ? COMPLIANCE_RULES[code as ComplianceCode] : null;
}
