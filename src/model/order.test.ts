import { describe, expect, it } from 'vitest';
import { InvariantError } from '../core/errors.ts';
import { Order, oppositeSide, type OrderRequest } from './order.ts';

function order(req: Partial<OrderRequest> = {}): Order {
  return new Order('O-1', 's', { symbol: 'X', side: 'buy', type: 'market', qty: 10, ...req }, 1000);
}

function working(req: Partial<OrderRequest> = {}): Order {
  const o = order(req);
  o.transition('submitted', 1000);
  o.transition('accepted', 1000);
  return o;
}

describe('Order', () => {
  it('starts initialized, GTC, with everything to fill', () => {
    const o = order({ limitPrice: 99, type: 'limit' });
    expect(o.status).toBe('initialized');
    expect(o.tif).toBe('GTC');
    expect(o.leavesQty).toBe(10);
    expect(o.limitPrice).toBe(99);
    expect(o.isOpen).toBe(false);
    expect(o.isClosed).toBe(false);
  });

  it.each([0, -5, NaN])('refuses a quantity of %s', (qty) => {
    expect(() => order({ qty })).toThrow(InvariantError);
  });

  it('gives +1 for buys and -1 for sells', () => {
    expect(order({ side: 'buy' }).sign).toBe(1);
    expect(order({ side: 'sell' }).sign).toBe(-1);
    expect(oppositeSide('buy')).toBe('sell');
    expect(oppositeSide('sell')).toBe('buy');
  });

  it('records the time and reason of a transition', () => {
    const o = working();
    o.transition('canceled', 2000, 'by request');
    expect(o).toMatchObject({ status: 'canceled', updatedMs: 2000, reason: 'by request' });
    expect(o.isClosed).toBe(true);
    expect(o.isOpen).toBe(false);
  });

  it('throws an InvariantError on an illegal transition and keeps its status', () => {
    const o = order();
    expect(() => o.transition('filled', 2000)).toThrow(InvariantError);
    expect(o.status).toBe('initialized');
  });

  it('moves to partially-filled, then filled, averaging the fill prices', () => {
    const o = working();
    o.applyFill(4, 100, 0.4, 2000);
    expect(o).toMatchObject({ status: 'partially-filled', filledQty: 4, avgFillPrice: 100, commission: 0.4 });
    expect(o.leavesQty).toBe(6);
    expect(o.isOpen).toBe(true);
    o.applyFill(6, 105, 0.6, 3000);
    expect(o).toMatchObject({ status: 'filled', filledQty: 10, commission: 1 });
    expect(o.avgFillPrice).toBeCloseTo(103, 12);
    expect(o.leavesQty).toBe(0);
    expect(o.isClosed).toBe(true);
  });

  it('fills a whole order in one go', () => {
    const o = working();
    o.applyFill(10, 50, 0, 2000);
    expect(o.status).toBe('filled');
  });

  it.each([
    ['more than the order', 11],
    ['zero', 0],
    ['a negative quantity', -1],
  ])('rejects a fill of %s', (_what, qty) => {
    const o = working();
    expect(() => o.applyFill(qty, 100, 0, 2000)).toThrow(InvariantError);
    expect(o.filledQty).toBe(0);
    expect(o.status).toBe('accepted');
  });

  it('rejects a fill beyond what is left after a partial fill', () => {
    const o = working();
    o.applyFill(7, 100, 0, 2000);
    expect(() => o.applyFill(4, 100, 0, 3000)).toThrow(/exceeds leaves 3/);
    expect(o.filledQty).toBe(7);
  });

  it('refuses any fill on a terminal order', () => {
    const o = working();
    o.applyFill(10, 100, 0, 2000);
    expect(() => o.applyFill(1e-12, 100, 0, 3000)).toThrow(InvariantError);
    const c = working();
    c.transition('canceled', 2000);
    expect(() => c.applyFill(1, 100, 0, 3000)).toThrow(InvariantError);
  });
});
