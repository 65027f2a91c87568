// ctx.oco in a backtest: a take-profit and a stop-loss for the position held, reduce-only, one OCO group
// (held and released by the OrderEmulator, as everywhere); the stop-loss is named `<take-profit>-sl`.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { dayMs, flat, series } from '../../test/helpers/bars.ts';
import { fillRows, runScript, type Step } from '../../test/helpers/scenario.ts';

const X = 'X';
const oco = (extra: { qty?: number; stopLimit?: number } = {}): Step => (ctx) => void ctx.oco({ symbol: X, takeProfit: 110, stopLoss: 95, ...extra });

describe('ctx.oco', () => {
  it('take-profit fills and cancels the stop-loss', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], [100, 101, 99, 100], [101, 111, 100, 110]]), { 0: (ctx) => void ctx.buy(X, 10), 1: oco() });
    expect(r.orders.map((o) => [o.id, o.request.tag ?? 'entry', o.type, o.links.ocoGroup ?? null])).toEqual([
      ['O-1', 'entry', 'market', null],
      ['O-2', 'take-profit', 'limit', 'script-oco-1'],
      ['O-2-sl', 'stop-loss', 'stop', 'script-oco-1'],
    ]);
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 100, dayMs(1)],
      ['O-2', 'sell', 10, 110, dayMs(3)],
    ]);
    expect(r.order('O-2-sl').status).toBe('canceled');
    expect(r.out.feeds[0]!.position.qty).toBe(0);
  });

  it('stop-loss (a stop-limit) fills for part of the position and cancels the take-profit', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], [100, 101, 99, 100], [99, 100, 93, 96]]), { 0: (ctx) => void ctx.buy(X, 10), 1: oco({ qty: 4, stopLimit: 94 }) });
    expect(r.order('O-2-sl').type).toBe('stop-limit');
    expect(fillRows(r)[1]).toEqual(['O-2-sl', 'sell', 4, 95, dayMs(3)]);
    expect(r.order('O-2').status).toBe('canceled');
    expect(r.out.feeds[0]!.position.qty).toBe(6);
  });

  it('returns null when flat, and refuses levels that do not straddle the price or more than the position', () => {
    let flatResult: unknown = 'unset';
    const errors: unknown[] = [];
    const r = runScript(series(flat(4)), {
      0: (ctx) => {
        flatResult = ctx.oco({ symbol: X, takeProfit: 110, stopLoss: 95 });
        ctx.buy(X, 10);
      },
      2: (ctx) => {
        for (const req of [{ takeProfit: 99, stopLoss: 95 }, { takeProfit: 110, stopLoss: 95, qty: 11 }]) {
          try {
            ctx.oco({ symbol: X, ...req });
          } catch (e) {
            errors.push(e);
          }
        }
      },
    });
    expect(flatResult).toBeNull();
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e instanceof ConfigError)).toBe(true);
    expect(r.orders).toHaveLength(1);
  });
});
