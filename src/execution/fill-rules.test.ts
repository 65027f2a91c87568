import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clampToBar, limitFillPrice, stopLimitFillPrice, stopTriggerPrice, trailStop, triggersAtOpen, type BarPrices, type LimitFillMode } from './fill-rules.ts';
import type { OrderSide } from '../model/order.ts';

const bar = (open: number, high: number, low: number, close: number): BarPrices => ({ open, high, low, close });
const B = bar(100, 105, 95, 102);

describe('limit fill price', () => {
  // [case, side, limit, bar, mode, expected]
  const table: [string, OrderSide, number, BarPrices, LimitFillMode, number][] = [
    ['buy: low only touches the limit, through mode', 'buy', 95, B, 'through', NaN],
    ['buy: low only touches the limit, touch mode', 'buy', 95, B, 'touch', 95],
    ['buy: traded through the limit', 'buy', 96, B, 'through', 96],
    ['buy: limit above the open fills at the better open', 'buy', 101, B, 'through', 100],
    ['buy: limit equal to the open, traded through', 'buy', 100, B, 'through', 100],
    ['buy: limit below the low', 'buy', 94, B, 'touch', NaN],
    ['buy: gap down through the limit fills at the open', 'buy', 99, bar(97, 98, 96, 97.5), 'through', 97],
    ['sell: high only touches the limit, through mode', 'sell', 105, B, 'through', NaN],
    ['sell: high only touches the limit, touch mode', 'sell', 105, B, 'touch', 105],
    ['sell: traded through the limit', 'sell', 104, B, 'through', 104],
    ['sell: limit below the open fills at the better open', 'sell', 99, B, 'through', 100],
    ['sell: limit above the high', 'sell', 106, B, 'touch', NaN],
    ['sell: gap up through the limit fills at the open', 'sell', 101, bar(103, 104, 102, 103), 'through', 103],
  ];
  it.each(table)('%s', (_name, side, limit, b, mode, expected) => {
    expect(limitFillPrice(side, limit, b, mode)).toBe(expected);
  });
});

describe('stop trigger price', () => {
  const table: [string, OrderSide, number, BarPrices, number, boolean][] = [
    ['buy stop touched intrabar fills at the stop', 'buy', 104, B, 104, false],
    ['buy stop at the high triggers', 'buy', 105, B, 105, false],
    ['buy stop above the high does not trigger', 'buy', 105.01, B, NaN, false],
    ['buy stop gapped through fills at the open, not the stop', 'buy', 98, B, 100, true],
    ['buy stop equal to the open triggers at the open', 'buy', 100, B, 100, true],
    ['sell stop touched intrabar fills at the stop', 'sell', 96, B, 96, false],
    ['sell stop at the low triggers', 'sell', 95, B, 95, false],
    ['sell stop below the low does not trigger', 'sell', 94.99, B, NaN, false],
    ['sell stop gapped through fills at the open, not the stop', 'sell', 101, B, 100, true],
  ];
  it.each(table)('%s', (_name, side, stop, b, expected, atOpen) => {
    expect(stopTriggerPrice(side, stop, b)).toBe(expected);
    expect(triggersAtOpen(side, stop, b)).toBe(atOpen);
  });
});

describe('stop-limit fill price', () => {
  const table: [string, OrderSide, number, number, BarPrices, number][] = [
    ['buy: triggered intrabar, limit above the stop: fills at the stop', 'buy', 103, 104, B, 103],
    ['buy: triggered intrabar, limit below the stop: no fill this bar', 'buy', 103, 102, B, NaN],
    ['buy: not triggered', 'buy', 106, 107, B, NaN],
    ['buy: gap above stop and limit, traded back through the limit', 'buy', 98, 99, B, 99],
    ['buy: gap above stop but within the limit fills at the open', 'buy', 98, 101, B, 100],
    ['buy: gap above stop and limit, never back through the limit', 'buy', 90, 94, B, NaN],
    ['sell: triggered intrabar, limit below the stop: fills at the stop', 'sell', 97, 96, B, 97],
    ['sell: triggered intrabar, limit above the stop: no fill this bar', 'sell', 97, 98, B, NaN],
    ['sell: gap below stop and limit, traded back through the limit', 'sell', 102, 101, B, 101],
    ['sell: gap below stop and limit, never back through', 'sell', 110, 106, B, NaN],
  ];
  it.each(table)('%s', (_name, side, stop, limit, b, expected) => {
    expect(stopLimitFillPrice(side, stop, limit, b, 'through')).toBe(expected);
  });
});

describe('trailing stop level', () => {
  it.each([
    ['sell by an amount', 'sell', NaN, 110, { kind: 'amount', value: 2 }, 108],
    ['sell by a percent', 'sell', NaN, 110, { kind: 'percent', value: 10 }, 99],
    ['sell only tightens (a lower best price keeps the level)', 'sell', 108, 105, { kind: 'amount', value: 2 }, 108],
    ['sell tightens with a higher best price', 'sell', 108, 112, { kind: 'amount', value: 2 }, 110],
    ['buy by an amount', 'buy', NaN, 90, { kind: 'amount', value: 2 }, 92],
    ['buy by a percent', 'buy', NaN, 90, { kind: 'percent', value: 10 }, 99],
    ['buy only tightens (a higher best price keeps the level)', 'buy', 92, 95, { kind: 'amount', value: 2 }, 92],
  ] as const)('%s', (_name, side, current, best, offset, expected) => {
    expect(trailStop(side, current, best, offset)).toBeCloseTo(expected, 12);
  });
});

describe('fill prices stay inside the bar', () => {
  const barArb = fc
    .tuple(fc.double({ min: 1, max: 1000, noNaN: true }), fc.double({ min: 0, max: 0.2, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([low, range, o, c]) => {
      const high = low * (1 + range);
      return bar(low + (high - low) * o, high, low, low + (high - low) * c);
    });
  const level = fc.double({ min: 0.5, max: 1500, noNaN: true });
  const side = fc.constantFrom<OrderSide>('buy', 'sell');
  const mode = fc.constantFrom<LimitFillMode>('through', 'touch');
  const inside = (p: number, b: BarPrices): boolean => Number.isNaN(p) || (p >= b.low && p <= b.high);

  it('limit, stop and stop-limit prices are NaN or within [low, high]', () => {
    fc.assert(
      fc.property(barArb, side, level, level, mode, (b, s, a, l, m) => {
        expect(inside(limitFillPrice(s, a, b, m), b)).toBe(true);
        expect(inside(stopTriggerPrice(s, a, b), b)).toBe(true);
        expect(inside(stopLimitFillPrice(s, a, l, b, m), b)).toBe(true);
      }),
    );
  });

  it('a limit fill is never worse than the limit', () => {
    fc.assert(
      fc.property(barArb, side, level, mode, (b, s, a, m) => {
        const p = limitFillPrice(s, a, b, m);
        if (!Number.isNaN(p)) expect(s === 'buy' ? p <= a : p >= a).toBe(true);
      }),
    );
  });

  it.each([
    [94, 95],
    [96, 96],
    [106, 105],
  ])('clamps %s to %s', (p, expected) => {
    expect(clampToBar(p, B)).toBe(expected);
  });
});
