// Scopes and roles share one order: read < trade < admin. A token or user with a scope may do what that scope
// and every lower one allows.
import type { Role } from '../../store/access-store.ts';

export type Scope = Role;
export const SCOPES: readonly Scope[] = ['read', 'trade', 'admin'];

const RANK: Readonly<Record<Scope, number>> = { read: 0, trade: 1, admin: 2 };

/** True when `have` covers `need`. */
export function scopeAllows(have: Scope, need: Scope): boolean {
  return RANK[have] >= RANK[need];
}

/** The lower of two scopes. */
export function minScope(a: Scope, b: Scope): Scope {
  return RANK[a] <= RANK[b] ? a : b;
}
