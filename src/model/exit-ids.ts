// How an entry's exit orders are named wherever they are made: the OrderEmulator's and the simulated
// venue's exit attachments, a venue's native bracket legs (Alpaca, src/brokers/alpaca/order-class.ts) and
// ctx.bracket's take-profit and stop-loss children: `<entry>-sl` and `<entry>-tp` in the OCO group
// `<entry>-exits`. A name derived from the entry's client order id lets a restarted node find legs a venue
// made and named itself from the entry alone.
export type LegRole = 'sl' | 'tp';

export const legId = (entryId: string, role: LegRole): string => `${entryId}-${role}`;
export const exitGroupOf = (entryId: string): string => `${entryId}-exits`;

/** `<entry>-sl` / `<entry>-tp`: the entry and the role, or null for any other id. */
export function parseLegId(id: string): { readonly entryId: string; readonly role: LegRole } | null {
  const m = /^(.+)-(sl|tp)$/.exec(id);
  return m === null ? null : { entryId: m[1]!, role: m[2] as LegRole };
}
