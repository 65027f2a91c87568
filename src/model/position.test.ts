import { describe, expect, it } from 'vitest';
import { Position } from './position.ts';

describe('Position', () => {
  it('averages the price of fills that add to it', () => {
    const p = new Position('X');
    expect(p.applyFill(10, 100, 1, 1)).toBe(0);
    expect(p.applyFill(30, 104, 1, 2)).toBe(0);
    expect(p).toMatchObject({ qty: 40, avgPrice: 103, commission: 2, openedMs: 1, realizedPnl: 0 });
    expect(p.isLong).toBe(true);
  });

  it('realizes PnL when reducing and keeps the average price', () => {
    const p = new Position('X');
    p.applyFill(40, 103, 0, 1);
    expect(p.applyFill(-10, 110, 0, 2)).toBe(70);
    expect(p).toMatchObject({ qty: 30, avgPrice: 103, realizedPnl: 70 });
  });

  it('flips through zero: closes at the old average and opens the rest at the fill price', () => {
    const p = new Position('X');
    p.applyFill(10, 100, 0, 1);
    expect(p.applyFill(-25, 90, 0, 5)).toBe(-100);
    expect(p).toMatchObject({ qty: -15, avgPrice: 90, openedMs: 5, realizedPnl: -100 });
    expect(p.isShort).toBe(true);
  });

  it('realizes short PnL with the right sign and a multiplier', () => {
    const p = new Position('ES', 50);
    p.applyFill(-2, 4000, 0, 1);
    expect(p.applyFill(2, 3990, 0, 2)).toBe(1000);
    expect(p.isFlat).toBe(true);
    expect(p.avgPrice).toBe(0);
  });

  it('marks unrealized PnL and market value at the last price or a given mark', () => {
    const p = new Position('ES', 50);
    p.applyFill(-2, 4000, 0, 1);
    p.lastPrice = 4010;
    expect(p.unrealizedPnl()).toBe(-1000);
    expect(p.unrealizedPnl(3980)).toBe(2000);
    expect(p.marketValue()).toBe(-401_000);
    expect(new Position('Y').unrealizedPnl(5)).toBe(0);
  });
});
