import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import type { ExitAttachments } from '../../model/order.ts';
import { exitLevels, exitPricesProblem, exitsProblem, tighterStop, validateExits } from './levels.ts';

describe('exitLevels', () => {
  it.each([
    ['a long stop-loss pct is below the entry', 'buy', { stopLoss: { pct: 4 } }, { stopLoss: 48 }],
    ['a short stop-loss pct is above the entry', 'sell', { stopLoss: { pct: 4 } }, { stopLoss: 52 }],
    ['a long take-profit pct is above the entry', 'buy', { takeProfit: { pct: 10 } }, { takeProfit: 55 }],
    ['a short take-profit pct is below the entry', 'sell', { takeProfit: { pct: 10 } }, { takeProfit: 45 }],
    ['absolute prices pass through', 'buy', { stopLoss: { price: 47.5 }, takeProfit: { price: 60 } }, { stopLoss: 47.5, takeProfit: 60 }],
    ['a trailing amount becomes an amount offset', 'buy', { trailing: { amount: 2 } }, { trailing: { kind: 'amount', value: 2 } }],
    ['a trailing pct becomes a percent offset', 'sell', { trailing: { pct: 3 } }, { trailing: { kind: 'percent', value: 3 } }],
    ['break-even on a long: trigger above, stop at entry + offset', 'buy', { breakEven: { triggerPct: 6, offsetPct: 2 } }, { breakEven: { trigger: 53, stop: 51 } }],
    ['break-even on a short: trigger below, stop at entry - offset', 'sell', { breakEven: { triggerPct: 6 } }, { breakEven: { trigger: 47, stop: 50 } }],
    ['the time exit is kept as is', 'buy', { timeExitBars: 7 }, { timeExitBars: 7 }],
  ] as const)('%s', (_name, side, exits, expected) => {
    expect(exitLevels(exits as ExitAttachments, side, 50)).toEqual(expected);
  });

  it('rounds computed and given prices with the rounding passed, but not the break-even trigger', () => {
    const toQuarter = (p: number): number => Math.round(p * 4) / 4;
    expect(exitLevels({ stopLoss: { pct: 3 }, takeProfit: { price: 60.1 }, breakEven: { triggerPct: 1.1 } }, 'buy', 50, toQuarter)).toEqual({
      stopLoss: 48.5, takeProfit: 60, breakEven: { trigger: 50.55, stop: 50 },
    });
  });
});

describe('exitsProblem', () => {
  it.each([
    [{ stopLoss: { pct: 99.9 } }, 'buy', null],
    [{ takeProfit: { pct: 250 } }, 'buy', null],
    [{ takeProfit: { pct: 100 } }, 'sell', 'exits.takeProfit.pct'],
    [{ trailing: {} }, 'buy', 'exits.trailing'],
    [{ trailing: { amount: 1, pct: 1 } }, 'buy', 'exits.trailing'],
    [{ timeExitBars: 0 }, 'buy', 'exits.timeExitBars'],
    [{ breakEven: { triggerPct: 0 } }, 'buy', 'exits.breakEven.triggerPct'],
    [{ breakEven: { triggerPct: 2, offsetPct: -1 } }, 'buy', 'exits.breakEven.offsetPct'],
    [{ stopLoss: { price: Number.NaN } }, 'buy', 'exits.stopLoss.price'],
  ] as const)('%j on a %s entry: %s', (exits, side, field) => {
    expect(exitsProblem(exits as ExitAttachments, side)?.field ?? null).toBe(field);
  });

  it('validateExits throws a ConfigError with the field', () => {
    expect(() => validateExits({ timeExitBars: -2 }, 'buy')).toThrow(ConfigError);
    expect(() => validateExits({ timeExitBars: -2 }, 'buy')).toThrow(/field "exits.timeExitBars"/);
  });
});

describe('exitPricesProblem', () => {
  it.each([
    [{ stopLoss: { price: 99 }, takeProfit: { price: 101 } }, 'buy', 100, null],
    [{ stopLoss: { price: 100 } }, 'buy', 100, 'exits.stopLoss.price'],
    [{ takeProfit: { price: 100 } }, 'buy', 100, 'exits.takeProfit.price'],
    [{ stopLoss: { price: 99 } }, 'sell', 100, 'exits.stopLoss.price'],
    [{ takeProfit: { price: 99 }, stopLoss: { price: 101 } }, 'sell', 100, null],
    [{ stopLoss: { price: 120 } }, 'buy', Number.NaN, null],
  ] as const)('%j on a %s at %d: %s', (exits, side, ref, field) => {
    expect(exitPricesProblem(exits, side, ref)?.field ?? null).toBe(field);
  });
});

describe('tighterStop', () => {
  it.each([
    ['sell', 95, 100, 100],
    ['sell', 101, 100, 101],
    ['buy', 105, 100, 100],
    ['buy', 99, 100, 99],
    ['sell', undefined, 100, 100],
  ] as const)('a %s stop at %s offered %d stays at %d', (side, current, proposed, expected) => {
    expect(tighterStop(side, current, proposed)).toBe(expected);
  });
});
