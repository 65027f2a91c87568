import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { checkBatch, checkFill, jsonText } from './validate.ts';

const fill = { fillId: 'f', orderId: 'o', seq: 1, runId: 'r', strategyId: 's', symbol: 'X', side: 'buy', qty: 1, price: 1, commission: 0, liquidity: 'maker', tsMs: 0 };

describe('store input checks', () => {
  it('accepts negative prices and commissions (spreads, rebates) but not a zero quantity', () => {
    expect(checkFill({ ...fill, price: -37.63, commission: -0.1 }, 'f').price).toBe(-37.63);
    expect(() => checkFill({ ...fill, qty: 0 }, 'fills[4]')).toThrow(/fills\[4\]\.qty/);
  });

  it('names the missing field of a row', () => {
    const { symbol: _s, ...noSymbol } = fill;
    expect(() => checkFill(noSymbol, 'fills[0]')).toThrow('field "fills[0].symbol": must be a non-empty string, got undefined');
  });

  it('rejects what JSON would silently change: NaN, undefined, functions, class instances, cycles', () => {
    expect(() => jsonText({ a: [1, Number.NaN] }, 'config')).toThrow(/config\.a\[1\]/);
    expect(() => jsonText({ a: undefined }, 'config')).toThrow(InputError);
    expect(() => jsonText({ f: () => 1 }, 'config')).toThrow(InputError);
    expect(() => jsonText(new Date(0), 'config')).toThrow(InputError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => jsonText(cycle, 'config')).toThrow(/nested too deeply/);
    expect(jsonText({ a: [1, 'x', null, true] }, 'config')).toBe('{"a":[1,"x",null,true]}');
  });

  it('checks every part of a batch and fills in defaults', () => {
    const b = checkBatch({ orders: [{ clientOrderId: 'c', runId: 'r', strategyId: 's', symbol: 'X', side: 'sell', type: 'limit', qty: 2, limitPrice: 9, createdMs: 5 }] });
    expect(b.orders[0]).toMatchObject({ tif: 'GTC', status: 'initialized', stopPrice: null, reduceOnly: false });
    expect(() => checkBatch({ equity: [{ runId: 'r', tsMs: 1, equity: 1, cash: '1' as unknown as number }] })).toThrow(/equity\[0\]\.cash/);
  });
});
