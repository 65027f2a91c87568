// The order state machine: every legal transition is listed; anything else is an InvariantError.
import { InvariantError } from '../core/errors.ts';

export type OrderStatus =
  | 'initialized'
  | 'denied'
  | 'submitted'
  | 'accepted'
  | 'rejected'
  | 'triggered'
  | 'pending-update'
  | 'pending-cancel'
  | 'partially-filled'
  | 'filled'
  | 'canceled'
  | 'expired';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'initialized', 'denied', 'submitted', 'accepted', 'rejected', 'triggered',
  'pending-update', 'pending-cancel', 'partially-filled', 'filled', 'canceled', 'expired',
];

const LEGAL: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  initialized: ['denied', 'submitted'],
  // A venue may fill, reject or cancel (IOC/FOK) before it acknowledges.
  submitted: ['accepted', 'rejected', 'canceled', 'partially-filled', 'filled'],
  // A simulated or real venue can still reject at fill time (insufficient margin).
  accepted: ['triggered', 'pending-update', 'pending-cancel', 'partially-filled', 'filled', 'canceled', 'expired', 'rejected'],
  triggered: ['pending-update', 'pending-cancel', 'partially-filled', 'filled', 'canceled', 'expired', 'rejected'],
  'pending-update': ['accepted', 'triggered', 'pending-cancel', 'partially-filled', 'filled', 'canceled', 'expired'],
  // A cancel can lose the race with a fill, or be refused (back to accepted).
  'pending-cancel': ['canceled', 'accepted', 'partially-filled', 'filled', 'expired'],
  'partially-filled': ['partially-filled', 'pending-update', 'pending-cancel', 'filled', 'canceled', 'expired'],
  denied: [],
  rejected: [],
  filled: [],
  canceled: [],
  expired: [],
};

// A lookup set per state: transitions happen several times per order on the hot path.
const LEGAL_SETS: Readonly<Record<OrderStatus, ReadonlySet<OrderStatus>>> = Object.fromEntries(
  ORDER_STATUSES.map((s) => [s, new Set(LEGAL[s])]),
) as unknown as Record<OrderStatus, ReadonlySet<OrderStatus>>;

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return LEGAL_SETS[from].has(to);
}

export function assertTransition(orderId: string, from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new InvariantError(`order ${orderId}: illegal transition ${from} -> ${to}`);
}

export function isTerminal(s: OrderStatus): boolean {
  return LEGAL[s].length === 0;
}

/** Working at the venue: can still fill. */
export function isOpen(s: OrderStatus): boolean {
  return s === 'accepted' || s === 'triggered' || s === 'partially-filled' || s === 'pending-update' || s === 'pending-cancel' || s === 'submitted';
}
