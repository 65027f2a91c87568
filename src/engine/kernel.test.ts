import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import type { Bar } from '../model/bar.ts';
import type { EngineEvent, OrderEvent } from '../model/events.ts';
import { makeInstrument } from '../model/instrument.ts';
import { FixedBpsSlippage } from '../execution/slippage.ts';
import type { StrategyContext } from '../strategies/context.ts';
import { Strategy } from '../strategies/strategy.ts';
import { dayMs, flat, randomWalk, series } from '../../test/helpers/bars.ts';
import { fillRows, runScript, ScriptStrategy } from '../../test/helpers/scenario.ts';
import { BacktestNode } from './backtest-node.ts';

class Thrower extends Strategy {
  bars = 0;
  constructor(readonly failAt: number, readonly where: 'onBar' | 'onOrderEvent' | 'onStart' = 'onBar') {
    super({});
  }
  override onStart(): void {
    if (this.where === 'onStart') throw new Error('cannot start');
  }
  override onBar(_bar: Bar, ctx: StrategyContext): void {
    const i = this.bars++;
    if (i === 0) ctx.buy('X', 1, { type: 'limit', limitPrice: 50 });
    if (i === 1 && this.where === 'onOrderEvent') ctx.buy('X', 1);
    if (i === this.failAt && this.where === 'onBar') throw new TypeError('boom');
  }
  override onOrderEvent(e: OrderEvent): void {
    if (this.where === 'onOrderEvent' && e.type === 'OrderFilled') throw new Error('bad handler');
  }
}

/** Buys one share on every bar. */
class Steady extends Strategy {
  override onBar(_bar: Bar, ctx: StrategyContext): void {
    ctx.buy('X', 1);
  }
}

function run(thrower: Thrower): { node: BacktestNode; events: EngineEvent[]; steady: Steady } {
  const events: EngineEvent[] = [];
  const steady = new Steady({});
  const node = new BacktestNode({
    series: [series(flat(8))],
    strategies: [{ strategy: thrower, id: 'bad' }, { strategy: steady, id: 'good' }],
    onEvent: (e) => events.push(e),
  });
  node.run();
  return { node, events, steady };
}

describe('strategy isolation', () => {
  it('stops a strategy that throws in onBar, records a StrategyError, and lets the other trade on', () => {
    const t = new Thrower(3);
    const { node, events } = run(t);
    const k = node.kernel;
    expect(k.strategyErrors).toEqual([{ strategyId: 'bad', message: 'strategy bad failed: boom', tsMs: dayMs(3) }]);
    expect(events.filter((e) => e.type === 'StrategyError')).toEqual([{ type: 'StrategyError', strategyId: 'bad', tsEventMs: dayMs(3), message: 'strategy bad failed: boom' }]);
    expect(t.bars).toBe(4);
    // Its working limit is canceled; the other strategy buys on every bar to the end.
    const limit = k.orders.find((o) => o.strategyId === 'bad')!;
    expect(limit).toMatchObject({ status: 'canceled', reason: 'strategy stopped after an error' });
    const good = k.fills.filter((f) => f.strategyId === 'good');
    expect(good).toHaveLength(7);
    expect(good.at(-1)!.tsMs).toBe(dayMs(7));
    expect(k.fills.filter((f) => f.strategyId === 'bad')).toEqual([]);
  });

  it('stops a strategy whose order-event handler throws', () => {
    const t = new Thrower(-1, 'onOrderEvent');
    const { node } = run(t);
    expect(node.kernel.strategyErrors.map((e) => [e.strategyId, e.message])).toEqual([['bad', 'strategy bad failed: bad handler']]);
    expect(t.bars).toBe(2);
    expect(node.kernel.fills.filter((f) => f.strategyId === 'good')).toHaveLength(7);
  });

  it('never starts a strategy whose onStart throws', () => {
    const t = new Thrower(-1, 'onStart');
    const { node } = run(t);
    expect(node.kernel.strategyErrors.map((e) => e.strategyId)).toEqual(['bad']);
    expect(t.bars).toBe(0);
    expect(node.kernel.fills.filter((f) => f.strategyId === 'good')).toHaveLength(7);
  });

  it('refuses two strategies with the same id', () => {
    expect(() => new BacktestNode({ series: [series(flat(2))], strategies: [{ strategy: new Steady({}), id: 'a' }, { strategy: new Steady({}), id: 'a' }] })).toThrow(ConfigError);
  });

  it('names strategies by class, numbered when there are several', () => {
    const node = new BacktestNode({ series: [series(flat(2))], strategies: [{ strategy: new Steady({}) }, { strategy: new ScriptStrategy() }] });
    expect(node.kernel.strategies.map((s) => s.id)).toEqual(['Steady-1', 'ScriptStrategy-2']);
  });

  it('needs data and a strategy', () => {
    expect(() => new BacktestNode({ series: [], strategies: [{ strategy: new Steady({}) }] })).toThrow(ConfigError);
    expect(() => new BacktestNode({ series: [series(flat(2))], strategies: [] })).toThrow(ConfigError);
  });
});

describe('order path', () => {
  it('rounds prices to the tick and quantities down to the lot', () => {
    const r = runScript(series(flat(3)), {
      0: (ctx) => {
        ctx.buy('X', 10.7, { type: 'limit', limitPrice: 99.126 });
        ctx.submit({ symbol: 'X', side: 'buy', type: 'stop', qty: 3, stopPrice: 101.004 });
      },
    });
    expect(r.orders.map((o) => [o.qty, o.limitPrice ?? o.stopPrice])).toEqual([
      [10, 99.13],
      [3, 101],
    ]);
  });

  it('returns null when the quantity rounds to nothing', () => {
    let got: unknown = 'unset';
    const r = runScript(series(flat(2)), { 0: (ctx) => { got = ctx.buy('X', 0.4); } });
    expect(got).toBeNull();
    expect(r.orders).toEqual([]);
  });

  it('trades fractional quantities of an instrument with a fine lot size', () => {
    const r = runScript(series(flat(3), { symbol: 'BTC' }), { 0: (ctx) => void ctx.buy('BTC', 0.123456789) }, { instruments: [makeInstrument('BTC', { assetClass: 'crypto' })] });
    expect(r.kernel.fills.at(0)!.qty).toBe(0.12345678);
  });

  it.each([
    ['an unknown symbol', (ctx: StrategyContext) => ctx.buy('NOPE', 1)],
    ['a zero quantity', (ctx: StrategyContext) => ctx.buy('X', 0)],
    ['a limit order without a price', (ctx: StrategyContext) => ctx.submit({ symbol: 'X', side: 'buy', type: 'limit', qty: 1 })],
    ['a stop order without a price', (ctx: StrategyContext) => ctx.submit({ symbol: 'X', side: 'buy', type: 'stop', qty: 1 })],
    ['a trailing stop without an offset', (ctx: StrategyContext) => ctx.submit({ symbol: 'X', side: 'sell', type: 'trailing-stop', qty: 1 })],
  ])('throws a ConfigError for %s', (_name, act) => {
    let caught: unknown;
    runScript(series(flat(2)), { 0: (ctx) => { try { act(ctx); } catch (e) { caught = e; } } });
    expect(caught).toBeInstanceOf(ConfigError);
  });

  it('tells the strategy about its own orders in the order they happen', () => {
    const r = runScript(series(flat(3)), { 0: (ctx) => void ctx.buy('X', 1) });
    expect(r.strategy.events.map((e) => e.type)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderFilled']);
  });

  it('sizes orders with the run default (pct-cash 95) at the last close', () => {
    const r = runScript(series([[100, 100, 100, 37], [38, 38, 38, 38]]), { 0: (ctx) => void ctx.buy('X') }, { cash: 10_000 });
    // floor(0.95 x 10,000 / 37) = 256
    expect(fillRows(r)).toEqual([['O-1', 'buy', 256, 38, dayMs(1)]]);
  });

  it('closes a position with a reduce-only market order and does nothing when flat', () => {
    let none: unknown = 'unset';
    const r = runScript(series(flat(4)), {
      0: (ctx) => {
        none = ctx.close('X');
        ctx.buy('X', 5);
      },
      1: (ctx) => void ctx.close('X'),
    });
    expect(none).toBeNull();
    expect(r.order('O-2').request).toMatchObject({ side: 'sell', qty: 5, reduceOnly: true, type: 'market' });
    expect(r.out.feeds[0]!.position.isFlat).toBe(true);
  });

  it('marks a position at the close, not at the slipped price of a fill at the close', () => {
    const r = runScript(series([[100, 102, 98, 100], [100, 102, 98, 101]]), { 0: (ctx) => void ctx.buy('X', 10) }, {
      venue: { marketFill: 'close', slippage: new FixedBpsSlippage(100) },
    });
    expect(r.kernel.fills.at(0)!.price).toBe(101);
    // Bar 0: paid 1010 for 10 shares marked at the close of 100.
    expect(r.out.equity[0]).toBeCloseTo(100_000 - 1010 + 1000, 9);
    expect(r.out.equity[1]).toBeCloseTo(100_000 - 1010 + 1010, 9);
  });

  it('marks equity once per bar at the close', () => {
    const data = randomWalk(20, 11);
    const r = runScript(data, { 0: (ctx) => void ctx.buy('X', 10), 10: (ctx) => void ctx.close('X') });
    expect(r.out.equity).toHaveLength(20);
    const entry = r.kernel.fills.at(0)!.price;
    expect(r.out.equity[0]).toBe(100_000);
    expect(r.out.equity[5]).toBeCloseTo(100_000 + 10 * (data.close[5]! - entry), 6);
    expect(r.out.exposure[5]).toBeCloseTo((10 * data.close[5]!) / r.out.equity[5]!, 12);
    expect(r.out.exposure[15]).toBe(0);
    expect([...r.out.equityTime]).toEqual([...data.time]);
  });
});
