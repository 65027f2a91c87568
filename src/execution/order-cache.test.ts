import { describe, expect, it } from 'vitest';
import { InvariantError } from '../core/errors.ts';
import { Order, type OrderRequest } from '../model/order.ts';
import { OrderCache } from './order-cache.ts';

const req = (symbol: string, qty = 10): OrderRequest => ({ symbol, side: 'buy', type: 'market', qty });
const order = (id: string, strategyId: string, symbol: string): Order => new Order(id, strategyId, req(symbol), 0);
const ids = (orders: readonly Order[]): string[] => orders.map((o) => o.id);

/** A cache with orders 1..6 over two strategies and two symbols. */
function filled(): { cache: OrderCache; orders: Order[] } {
  const cache = new OrderCache();
  const orders = [
    order('1', 'a', 'X'), order('2', 'b', 'X'), order('3', 'a', 'Y'),
    order('4', 'a', 'X'), order('5', 'b', 'Y'), order('6', 'b', 'X'),
  ];
  for (const o of orders) cache.add(o);
  return { cache, orders };
}

describe('OrderCache', () => {
  it('finds an order by its client order id and, once known, by its venue order id', () => {
    const { cache, orders } = filled();
    expect(cache.get('3')).toBe(orders[2]);
    expect(cache.get('nope')).toBeUndefined();
    expect(cache.getByVenueId('V3')).toBeUndefined();
    cache.setVenueId(orders[2]!, 'V3');
    expect(cache.getByVenueId('V3')).toBe(orders[2]);
    // A cancel-replace gives the order a new venue id: the old one no longer finds it.
    cache.setVenueId(orders[2]!, 'V3b');
    expect(cache.getByVenueId('V3')).toBeUndefined();
    expect(cache.getByVenueId('V3b')).toBe(orders[2]);
    expect(cache.venueOrderId(orders[2]!)).toBe('V3b');
  });

  it('refuses an order twice, a client order id used by two orders, and a venue order id that belongs to another order', () => {
    const { cache, orders } = filled();
    expect(() => cache.add(orders[1]!)).toThrow(/already in a cache/);
    expect(cache.size).toBe(6);
    cache.setVenueId(orders[0]!, 'V');
    expect(() => cache.setVenueId(orders[1]!, 'V')).toThrow(/belongs to 1/);
    // The index by client order id is filled when first used: the reuse shows then.
    cache.add(order('2', 'a', 'Y'));
    expect(() => cache.get('2')).toThrow(InvariantError);
  });

  it('finds orders added after the index was first used', () => {
    const { cache } = filled();
    expect(cache.get('1')!.id).toBe('1');
    cache.add(order('7', 'a', 'X'));
    expect(cache.get('7')!.id).toBe('7');
    expect(cache.get('8')).toBeUndefined();
  });

  it('lists working orders oldest first, for all, one strategy, one symbol, or both', () => {
    const { cache } = filled();
    expect(ids(cache.working())).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(ids(cache.working({ strategyId: 'a' }))).toEqual(['1', '3', '4']);
    expect(ids(cache.working({ symbol: 'X' }))).toEqual(['1', '2', '4', '6']);
    expect(ids(cache.working({ strategyId: 'b', symbol: 'X' }))).toEqual(['2', '6']);
    expect(ids(cache.working({ strategyId: 'a', symbol: 'Y' }))).toEqual(['3']);
    expect(cache.working({ strategyId: 'c' })).toEqual([]);
    expect(cache.working({ strategyId: 'c', symbol: 'X' })).toEqual([]);
    expect(cache.working({ symbol: 'Z' })).toEqual([]);
    expect([cache.workingCount, cache.workingCountOf({ strategyId: 'a' }), cache.workingCountOf({ symbol: 'Y' }), cache.workingCountOf({ strategyId: 'b', symbol: 'X' })]).toEqual([6, 3, 2, 2]);
  });

  it('takes an order off every working list when it reaches a terminal status, wherever it sits in them', () => {
    const { cache } = filled();
    // Head, middle and tail of the lists.
    cache.setStatus(cache.entry('1')!, 'submitted');
    cache.setStatus(cache.entry('1')!, 'filled');
    cache.setStatus(cache.entry('4')!, 'canceled');
    cache.setStatus(cache.entry('6')!, 'rejected');
    expect(ids(cache.working())).toEqual(['2', '3', '5']);
    expect(ids(cache.working({ strategyId: 'a' }))).toEqual(['3']);
    expect(ids(cache.working({ symbol: 'X' }))).toEqual(['2']);
    expect(ids(cache.working({ strategyId: 'b' }))).toEqual(['2', '5']);
    // Finished orders stay findable, and in the list of every order; their working entry is gone.
    expect(cache.get('4')!.id).toBe('4');
    expect([cache.entry('4'), cache.entry('nope'), cache.holds(cache.get('4')!)]).toEqual([null, undefined, true]);
    expect(ids(cache.all)).toEqual(['1', '2', '3', '4', '5', '6']);
    // Emptying a list and filling it again.
    for (const id of ['2', '3', '5']) cache.setStatus(cache.entry(id)!, 'expired');
    expect(cache.workingCount).toBe(0);
    cache.add(order('7', 'a', 'X'));
    expect(ids(cache.working({ symbol: 'X' }))).toEqual(['7']);
    expect(ids(cache.working({ strategyId: 'a' }))).toEqual(['7']);
  });

  it('counts orders in flight (sent, not yet acknowledged) among the working ones', () => {
    const { cache } = filled();
    expect(cache.inflightCount).toBe(6);
    cache.setStatus(cache.entry('1')!, 'submitted');
    cache.setStatus(cache.entry('2')!, 'accepted');
    cache.setStatus(cache.entry('3')!, 'rejected');
    expect([cache.inflightCount, cache.workingCount]).toEqual([3, 5]);
    cache.setStatus(cache.entry('1')!, 'accepted');
    expect([cache.inflightCount, cache.workingCount]).toEqual([3, 5]);
  });

  it('keeps an order that arrives already finished (a denied one) out of the working lists', () => {
    const cache = new OrderCache();
    const o = order('d', 'a', 'X');
    o.transition('denied', 1, 'risk');
    cache.addFinished(o);
    expect(() => cache.addFinished(order('w', 'a', 'X'))).toThrow(/not finished/);
    expect([cache.size, cache.workingCount, cache.inflightCount, cache.holds(o), cache.entryOf(o), cache.get('d')]).toEqual([1, 0, 0, true, null, o]);
  });
});
