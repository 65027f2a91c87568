import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../model/events.ts';
import { Order, type OrderRequest } from '../model/order.ts';
import { flat, series } from '../../test/helpers/bars.ts';
import { runScript, type ScenarioOptions } from '../../test/helpers/scenario.ts';
import type { StrategyContext } from '../strategies/context.ts';
import { buyingPowerCheck, exposureIncreasingQty, RiskEngine, type PreTradeCheck, type RiskLimits, type RiskView } from './risk-engine.ts';

function view(p: Partial<{ accountType: 'cash' | 'margin'; cash: number; equity: number; buyingPower: number; pos: number; pending: number; mult: number }> = {}): RiskView {
  const cash = p.cash ?? 10_000;
  return {
    accountType: p.accountType ?? 'cash',
    cash: () => cash,
    equity: () => p.equity ?? cash,
    buyingPower: () => p.buyingPower ?? cash,
    positionQty: () => p.pos ?? 0,
    lastPrice: () => 100,
    multiplier: () => p.mult ?? 1,
    pendingExposure: () => p.pending ?? 0,
  };
}

function order(req: Partial<OrderRequest>): Order {
  return new Order('O-1', 's', { symbol: 'X', side: 'buy', type: 'market', qty: 10, ...req }, 0);
}

describe('exposure an order adds', () => {
  it.each([
    ['buy from flat', 'buy', 10, 0, 10],
    ['sell from flat', 'sell', 10, 0, 10],
    ['buy adds to a long', 'buy', 10, 5, 10],
    ['sell reduces a long', 'sell', 5, 10, 0],
    ['sell closes a long', 'sell', 10, 10, 0],
    ['sell flips a long', 'sell', 15, 10, 0],
    ['sell flips past the size of the long', 'sell', 25, 10, 5],
    ['buy covers a short', 'buy', 10, -10, 0],
  ] as const)('%s', (_n, side, qty, pos, expected) => {
    expect(exposureIncreasingQty(order({ side, qty }), pos)).toBe(expected);
  });
});

describe('RiskEngine pre-trade checks', () => {
  // [case, limits, order, reference price, view, expected reason (null = passes)]
  const table: [string, RiskLimits, Partial<OrderRequest>, number, RiskView, string | null][] = [
    ['passes a buy within cash', {}, { qty: 10 }, 100, view(), null],
    ['passes a buy using exactly all cash', {}, { qty: 100 }, 100, view(), null],
    ['denies a buy beyond buying power', {}, { qty: 101 }, 100, view(), 'buying-power: insufficient buying power: needs 10100.00, available 10000.00'],
    ['counts exposure already committed by open orders', {}, { qty: 50 }, 100, view({ pending: 6000 }), 'buying-power: insufficient buying power: needs 5000.00, available 4000.00'],
    ['prices with the contract multiplier', {}, { qty: 3 }, 100, view({ mult: 50 }), 'buying-power: insufficient buying power: needs 15000.00, available 10000.00'],
    ['denies a short in a cash account', {}, { side: 'sell', qty: 10 }, 100, view(), 'buying-power: short selling is not allowed in a cash account (position 0, sell 10)'],
    ['denies selling more than held in a cash account', {}, { side: 'sell', qty: 15 }, 100, view({ pos: 10 }), 'buying-power: short selling is not allowed in a cash account (position 10, sell 15)'],
    ['passes selling what is held with no buying power left', {}, { side: 'sell', qty: 10 }, 100, view({ pos: 10, buyingPower: 0 }), null],
    ['passes a short in a margin account within buying power', {}, { side: 'sell', qty: 100 }, 100, view({ accountType: 'margin', buyingPower: 20_000 }), null],
    ['denies a short in a margin account beyond buying power', {}, { side: 'sell', qty: 300 }, 100, view({ accountType: 'margin', buyingPower: 20_000 }), 'buying-power: insufficient buying power: needs 30000.00, available 20000.00'],
    ['denies an order above max notional', { maxOrderNotional: 5000 }, { qty: 51 }, 100, view(), 'max-order-notional: order notional 5100.00 exceeds max 5000.00'],
    ['passes an order at max notional', { maxOrderNotional: 5000 }, { qty: 50 }, 100, view(), null],
    ['applies max notional to exits too', { maxOrderNotional: 5000 }, { side: 'sell', qty: 60 }, 100, view({ pos: 60 }), 'max-order-notional: order notional 6000.00 exceeds max 5000.00'],
    ['denies a position above max quantity', { maxPositionQty: 50 }, { qty: 20 }, 100, view({ pos: 40 }), 'max-position: position 60 would exceed max quantity 50'],
    ['passes a position at max quantity', { maxPositionQty: 50 }, { qty: 10 }, 100, view({ pos: 40 }), null],
    ['denies a position above max value', { maxPositionValue: 3000 }, { qty: 31 }, 100, view(), 'max-position: position value 3100.00 would exceed max 3000.00'],
    ['passes reducing a position already above the max', { maxPositionQty: 5 }, { side: 'sell', qty: 5 }, 100, view({ pos: 40 }), null],
    ['denies a reduce-only order that would open a position', {}, { side: 'sell', qty: 5, reduceOnly: true }, 100, view({ accountType: 'margin' }), 'reduce-only: reduce-only order would increase the position'],
    ['denies a reduce-only order that would flip the position past its size', {}, { side: 'sell', qty: 25, reduceOnly: true }, 100, view({ accountType: 'margin', pos: 10 }), 'reduce-only: reduce-only order would increase the position'],
    ['passes a reduce-only order that reduces', {}, { side: 'sell', qty: 5, reduceOnly: true }, 100, view({ pos: 10 }), null],
    ['denies without a reference price', {}, { qty: 1 }, NaN, view(), 'no reference price for X'],
  ];

  it.each(table)('%s', (_name, limits, req, ref, v, expected) => {
    expect(new RiskEngine(limits).check(order(req), ref, v)).toBe(expected);
  });

  it('runs reduce-only first, then buying power, then the limits, then extra checks', () => {
    const extra: PreTradeCheck = { name: 'extra', check: () => 'always' };
    const engine = new RiskEngine({ maxOrderNotional: 1, maxPositionQty: 1 }, [extra]);
    expect(engine.checks.map((c) => c.name)).toEqual(['reduce-only', 'buying-power', 'max-order-notional', 'max-position', 'extra']);
    expect(engine.check(order({ qty: 1000 }), 100, view())).toMatch(/^buying-power:/);
    expect(new RiskEngine({}, [extra]).check(order({ qty: 1 }), 100, view())).toBe('extra: always');
  });

  it('exposes the buying-power check on its own', () => {
    expect(buyingPowerCheck.check(order({ qty: 1 }), 100, view({ buyingPower: 99 }))).toMatch(/insufficient buying power/);
  });
});

describe('denials in a run', () => {
  // [case, run options, what the strategy does on bar 0, expected reason prefix]
  const table: [string, ScenarioOptions, (ctx: StrategyContext) => void, string][] = [
    ['insufficient buying power', { cash: 1000 }, (ctx) => void ctx.buy('X', 11), 'buying-power: insufficient buying power'],
    ['max order notional', { risk: { maxOrderNotional: 500 } }, (ctx) => void ctx.buy('X', 6), 'max-order-notional: order notional 600.00 exceeds max 500.00'],
    ['max position quantity', { risk: { maxPositionQty: 5 } }, (ctx) => void ctx.buy('X', 6), 'max-position: position 6 would exceed max quantity 5'],
    ['max position value', { risk: { maxPositionValue: 550 } }, (ctx) => void ctx.buy('X', 6), 'max-position: position value 600.00 would exceed max 550.00'],
    ['short in a cash account', {}, (ctx) => void ctx.sell('X', 1), 'buying-power: short selling is not allowed in a cash account'],
    ['reduce-only', { accountType: 'margin' }, (ctx) => void ctx.sell('X', 1, { reduceOnly: true }), 'reduce-only: reduce-only order would increase the position'],
    ['second order beyond what the first one committed', { cash: 1000 }, (ctx) => { ctx.buy('X', 6); ctx.buy('X', 6); }, 'buying-power: insufficient buying power: needs 600.00, available 400.00'],
  ];

  it.each(table)('denies for %s with an OrderDenied event and a reason', (_name, opts, act, reason) => {
    const r = runScript(series(flat(3)), { 0: act }, opts);
    const denied = r.events.filter((e): e is Extract<OrderEvent, { type: 'OrderDenied' }> => e.type === 'OrderDenied');
    expect(denied).toHaveLength(1);
    expect(denied[0]!.reason.startsWith(reason)).toBe(true);
    const o = r.order(denied[0]!.orderId);
    expect(o.status).toBe('denied');
    expect(r.typesOf(o.id)).toEqual(['OrderDenied']);
    expect(r.kernel.rejections).toEqual([expect.objectContaining({ orderId: o.id, status: 'denied', reason: denied[0]!.reason })]);
    // The strategy is told too, and nothing reaches the venue.
    expect(r.strategy.events.filter((e) => e.type === 'OrderDenied')).toHaveLength(1);
    expect(r.kernel.fills.filter((f) => f.orderId === o.id)).toEqual([]);
  });

  it('frees committed buying power when an order is canceled', () => {
    const r = runScript(series(flat(4)), {
      0: (ctx) => void ctx.buy('X', 6, { type: 'limit', limitPrice: 90 }),
      1: (ctx) => {
        ctx.cancelAll('X');
        ctx.buy('X', 6, { type: 'limit', limitPrice: 90 });
      },
    }, { cash: 1000 });
    expect(r.orders.map((o) => o.status)).toEqual(['canceled', 'accepted']);
    expect(r.kernel.pendingExposure()).toBeCloseTo(540, 9);
  });

  it('shrinks committed buying power as an order fills in parts and releases it when done', () => {
    const capped = series([[100, 100, 100, 100, 100], [100, 100, 100, 100, 100], [100, 100, 100, 100, 100], [100, 100, 100, 100, 100]]);
    const seen: number[] = [];
    const look = (_c: unknown, _b: unknown, _i: number, k: { pendingExposure(): number }): void => void seen.push(k.pendingExposure());
    runScript(capped, { 0: (ctx, b, i, k) => { ctx.buy('X', 25); look(ctx, b, i, k); }, 1: look, 2: look, 3: look }, { venue: { volumeCap: 0.1 } });
    expect(seen.map((x) => Number(x.toFixed(9)))).toEqual([2500, 1500, 500, 0]);
  });
});
