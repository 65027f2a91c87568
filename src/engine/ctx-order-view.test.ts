// What ctx.buy / sell / close / submit / bracket / openOrders return: a read-only view of the order
// that stays current as the engine moves the order on.
import { describe, expect, it } from 'vitest';
import type { OrderView } from '../strategies/context.ts';
import { flat, series } from '../../test/helpers/bars.ts';
import { runScript } from '../../test/helpers/scenario.ts';

describe('order views', () => {
  it('stay current: submitted on bar 1, filled at bar 2’s open, read again on later bars', () => {
    const seen: [number, string, number, number, number][] = [];
    let v: OrderView | null = null;
    const r = runScript(series([[100, 100, 100, 100], [100, 100, 100, 100], [101, 102, 100, 101], [101, 101, 101, 101]]), (ctx, _bar, i) => {
      if (i === 1) v = ctx.buy('X', 10, { tag: 'entry' });
      if (v !== null) seen.push([i, v.status, v.filledQty, v.leavesQty, v.avgFillPrice]);
    });
    expect(seen).toEqual([[1, 'accepted', 0, 10, 0], [2, 'filled', 10, 0, 101], [3, 'filled', 10, 0, 101]]);
    const view = v as OrderView | null;
    const order = r.order(view!.id);
    expect([view!.symbol, view!.side, view!.type, view!.qty, view!.tag, view!.strategyId, view!.isOpen, view!.isClosed, view!.tif]).toEqual(['X', 'buy', 'market', 10, 'entry', 'script', false, true, 'GTC']);
    expect(view!.updatedMs).toBe(order.updatedMs);
    expect(JSON.parse(JSON.stringify(view))).toMatchObject({ id: order.id, status: 'filled', filledQty: 10, avgFillPrice: 101, reduceOnly: false });
  });

  it('cannot change the engine’s order: frozen, no setters, no way to the Order behind it', () => {
    let v: OrderView | null = null;
    const r = runScript(series(flat(3)), { 0: (ctx) => { v = ctx.buy('X', 5, { type: 'limit', limitPrice: 90 }); } });
    const view = v as OrderView | null;
    expect(Object.isFrozen(view)).toBe(true);
    expect(() => { (view as { status: string }).status = 'filled'; }).toThrow(TypeError);
    expect(() => { (view as { qty: number }).qty = 1; }).toThrow(TypeError);
    expect(() => { (view as unknown as { extra: number }).extra = 1; }).toThrow(TypeError);
    expect(Object.keys(view!)).toEqual([]);
    expect('request' in view!).toBe(false);
    const order = r.order(view!.id);
    expect([order.status, order.qty, order.limitPrice]).toEqual(['accepted', 5, 90]);
    expect(view!.limitPrice).toBe(90);
  });

  it('one view per order: openOrders hands back the object buy returned; bracket returns views too', () => {
    let same = false;
    let legs: string[] = [];
    runScript(series(flat(4)), {
      0: (ctx) => {
        const v = ctx.buy('X', 5, { type: 'limit', limitPrice: 90 });
        same = ctx.openOrders('X')[0] === v;
        const b = ctx.bracket({ symbol: 'X', side: 'buy', qty: 3, takeProfit: 110, stopLoss: 95 })!;
        legs = [b.entry, b.takeProfit, b.stopLoss].map((o) => `${o.side}:${o.type}:${o.parentId ?? '-'}:${Object.isFrozen(o)}`);
        ctx.cancel(v!.id);
        expect(v!.status).toBe('canceled');
      },
    }, { cash: 100_000 });
    expect(same).toBe(true);
    expect(legs).toEqual(['buy:market:-:true', 'sell:limit:O-2:true', 'sell:stop:O-2:true']);
  });

  it('close returns a view of the reduce-only market order', () => {
    let c: OrderView | null = null;
    runScript(series(flat(4)), { 0: (ctx) => { ctx.buy('X', 7); }, 2: (ctx) => { c = ctx.close('X'); } });
    const view = c as OrderView | null;
    expect([view!.side, view!.qty, view!.reduceOnly, view!.status]).toEqual(['sell', 7, true, 'filled']);
  });
});
