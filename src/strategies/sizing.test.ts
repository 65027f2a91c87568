import { describe, expect, it } from 'vitest';
import { parseSizer, resolveSize, sizers, type Sizer } from './sizing.ts';

describe('resolveSize', () => {
  // [case, sizer, sign, price, cash, equity, position, expected]
  const table: [string, Sizer, 1 | -1, number, number, number, number, number][] = [
    ['fixed quantity, buy', sizers.qty(7), 1, 100, 0, 0, 0, 7],
    ['fixed quantity, sell', sizers.qty(7), -1, 100, 0, 0, 0, -7],
    ['pct-cash floors whole units: floor(0.95 x 10,000 / 37)', sizers.pctCash(95), 1, 37, 10_000, 10_000, 0, 256],
    ['pct-cash with no cash', sizers.pctCash(95), 1, 37, -50, 10_000, 0, 0],
    ['pct-cash sells the same way', sizers.pctCash(50), -1, 10, 1000, 1000, 0, -50],
    ['pct-equity moves towards the target', sizers.pctEquity(50), 1, 10, 5000, 10_000, 200, 300],
    ['pct-equity already at the target', sizers.pctEquity(50), 1, 10, 5000, 10_000, 500, 0],
    ['pct-equity above the target never sells on a buy', sizers.pctEquity(50), 1, 10, 5000, 10_000, 800, 0],
    ['pct-equity short target', sizers.pctEquity(50), -1, 10, 5000, 10_000, -100, -400],
  ];
  it.each(table)('%s', (_n, sizer, sign, price, cash, equity, pos, expected) => {
    expect(resolveSize(sizer, sign, price, cash, equity, pos)).toBe(expected);
  });

  // [case, sizer, sign, price, cash, equity, position, unit cost, lot, expected]
  const units: [string, Sizer, 1 | -1, number, number, number, number, number, number, number][] = [
    ['crypto: fractional lots of 1e-8, floor(0.95 x 10,000 / 30,000)', sizers.pctCash(95), 1, 30_000, 10_000, 10_000, 0, 30_000, 1e-8, 0.31666666],
    ['lots of 0.01', sizers.pctCash(95), 1, 30_000, 10_000, 10_000, 0, 30_000, 0.01, 0.31],
    ['a contract of multiplier 10 costs price x 10', sizers.pctCash(95), 1, 100, 10_000, 10_000, 0, 1000, 1, 9],
    ['a futures contract costs its margin', sizers.pctCash(95), -1, 3000, 10_000, 10_000, 0, 1000, 1, -9],
    ['pct-equity towards a fractional target', sizers.pctEquity(50), 1, 20_000, 10_000, 10_000, 0.1, 20_000, 1e-8, 0.15],
  ];
  it.each(units)('%s', (_n, sizer, sign, price, cash, equity, pos, unitCost, lot, expected) => {
    expect(resolveSize(sizer, sign, price, cash, equity, pos, unitCost, lot)).toBeCloseTo(expected, 12);
  });
});

describe('parseSizer', () => {
  it.each([
    ['pct-cash:95', sizers.pctCash(95)],
    [' qty:100 ', sizers.qty(100)],
    ['qty:0.5', sizers.qty(0.5)],
    ['pct-equity:150', sizers.pctEquity(150)],
    ['pct-cash:.5', sizers.pctCash(0.5)],
  ])('reads %j', (text, expected) => {
    expect(parseSizer(text)).toEqual(expected);
  });

  it.each(['pct-cash:101', 'qty:0', 'qty:-1', 'pct:5', 'qty:', 'qty:1e3', 'QTY:5', ''])('refuses %j', (text) => {
    expect(parseSizer(text)).toBeNull();
  });
});
