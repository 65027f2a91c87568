import { describe, expect, it } from 'vitest';
import { InvariantError } from '../core/errors.ts';
import { assertTransition, canTransition, isOpen, isTerminal, ORDER_STATUSES, type OrderStatus } from './order-status.ts';

// The table written out again, independently of the source: a change to either must be deliberate.
const EXPECTED: Record<OrderStatus, OrderStatus[]> = {
  initialized: ['denied', 'submitted'],
  submitted: ['accepted', 'rejected', 'canceled', 'partially-filled', 'filled'],
  accepted: ['triggered', 'pending-update', 'pending-cancel', 'partially-filled', 'filled', 'canceled', 'expired', 'rejected'],
  triggered: ['pending-update', 'pending-cancel', 'partially-filled', 'filled', 'canceled', 'expired', 'rejected'],
  'pending-update': ['accepted', 'triggered', 'pending-cancel', 'partially-filled', 'filled', 'canceled', 'expired'],
  'pending-cancel': ['canceled', 'accepted', 'partially-filled', 'filled', 'expired'],
  'partially-filled': ['partially-filled', 'pending-update', 'pending-cancel', 'filled', 'canceled', 'expired'],
  denied: [],
  rejected: [],
  filled: [],
  canceled: [],
  expired: [],
};

const ALL_PAIRS = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const));
const LEGAL_PAIRS = ALL_PAIRS.filter(([from, to]) => EXPECTED[from].includes(to));
const ILLEGAL_PAIRS = ALL_PAIRS.filter(([from, to]) => !EXPECTED[from].includes(to));

describe('order state machine', () => {
  it('lists twelve distinct statuses', () => {
    expect(new Set(ORDER_STATUSES).size).toBe(12);
    expect([...ORDER_STATUSES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('covers all 144 pairs, legal or not', () => {
    expect(LEGAL_PAIRS.length + ILLEGAL_PAIRS.length).toBe(144);
    expect(LEGAL_PAIRS.length).toBe(40);
  });

  it.each(LEGAL_PAIRS)('accepts %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition('O-1', from, to)).not.toThrow();
  });

  it.each(ILLEGAL_PAIRS)('rejects %s -> %s with an InvariantError', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    expect(() => assertTransition('O-7', from, to)).toThrow(InvariantError);
    expect(() => assertTransition('O-7', from, to)).toThrow(`order O-7: illegal transition ${from} -> ${to}`);
  });

  it.each(ORDER_STATUSES)('treats %s as terminal exactly when nothing leaves it', (s) => {
    const terminal = ['denied', 'rejected', 'filled', 'canceled', 'expired'].includes(s);
    expect(isTerminal(s)).toBe(terminal);
    expect(EXPECTED[s].length === 0).toBe(terminal);
  });

  it.each(ORDER_STATUSES)('calls %s open only when it can still fill', (s) => {
    const open = ['submitted', 'accepted', 'triggered', 'pending-update', 'pending-cancel', 'partially-filled'].includes(s);
    expect(isOpen(s)).toBe(open);
    if (open) expect(EXPECTED[s].some((t) => t === 'filled')).toBe(true);
  });

  it('never lets an order return to initialized or submitted once working', () => {
    for (const from of ORDER_STATUSES) {
      expect(canTransition(from, 'initialized')).toBe(false);
      if (from !== 'initialized') expect(canTransition(from, 'submitted')).toBe(false);
    }
  });
});
