import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import type { OrderSide } from '../../model/order.ts';
import { makeOrder, viewWithout } from './fixtures.ts';
import { grossLeverageCheck, maxOpenOrdersCheck, maxPositionPctCheck, maxSectorPctCheck } from './limits.ts';
import { MemoryRiskView } from './view.ts';

type Row = [label: string, position: number, side: OrderSide, qty: number, ref: number, denied: boolean];

describe('max position per symbol as % of equity (default 5%)', () => {
  const check = maxPositionPctCheck();
  // equity 100 000 (all cash, position marked at 0 would change equity, so equity is fixed).
  const rows: Row[] = [
    ['a buy to 4 900 passes', 0, 'buy', 49, 100, false],
    ['a buy to exactly 5 000 (5%) passes', 0, 'buy', 50, 100, false],
    ['a buy to 5 100 (5.1%) is denied', 0, 'buy', 51, 100, true],
    ['adding 1 to a 50-share position is denied', 50, 'buy', 1, 100, true],
    ['a short to 5.1% is denied', 0, 'sell', 51, 100, true],
    ['selling part of an oversized long passes', 80, 'sell', 10, 100, false],
    ['flipping 40 long to 51 short is denied', 40, 'sell', 91, 100, true],
    ['flipping 40 long to 50 short passes', 40, 'sell', 90, 100, false],
    ['flipping 80 long to 51 short passes: the position shrinks', 80, 'sell', 131, 100, false],
  ];
  it.each(rows)('%s', (_label, position, side, qty, ref, denied) => {
    const view = new MemoryRiskView({ equity: 100_000, positions: { AAPL: position }, prices: { AAPL: ref } });
    const reason = check.check(makeOrder(side, qty), ref, view);
    expect(reason !== null).toBe(denied);
  });

  it('names the symbol, the share of equity, the values and the limit', () => {
    const view = new MemoryRiskView({ equity: 100_000 });
    expect(check.check(makeOrder('buy', 62), 100, view)).toBe('AAPL position would be 6.2% of equity (6200.00 of 100000.00), max 5%');
  });

  it('values the position with the contract multiplier', () => {
    const view = new MemoryRiskView({ equity: 100_000, multipliers: { ES: 50 } });
    expect(check.check(makeOrder('buy', 1, 'ES'), 90, view)).toBeNull(); // 4 500
    expect(check.check(makeOrder('buy', 2, 'ES'), 90, view)).toMatch(/9% of equity \(9000\.00/);
  });

  it('denies adding exposure when equity is not positive, but lets reductions through', () => {
    const view = new MemoryRiskView({ equity: -10, positions: { AAPL: 10 } });
    expect(check.check(makeOrder('buy', 1), 100, view)).toMatch(/equity -10\.00 is not positive/);
    expect(check.check(makeOrder('sell', 5), 100, view)).toBeNull();
  });

  it('takes a custom limit and rejects a non-positive one', () => {
    const view = new MemoryRiskView({ equity: 100_000 });
    expect(maxPositionPctCheck(10).check(makeOrder('buy', 100), 100, view)).toBeNull();
    expect(maxPositionPctCheck(10).check(makeOrder('buy', 101), 100, view)).toMatch(/max 10%/);
    expect(() => maxPositionPctCheck(0)).toThrow(ConfigError);
    expect(() => maxPositionPctCheck(NaN)).toThrow(/maxPositionPct/);
  });
});

describe('max sector exposure as % of equity (default 25%)', () => {
  const check = maxSectorPctCheck();
  // Tech already holds MSFT 100 x 200 = 20 000 of equity 100 000; energy holds XOM 50 x 100 = 5 000 (short).
  const base = () =>
    new MemoryRiskView({
      equity: 100_000,
      positions: { MSFT: 100, XOM: -50, AAPL: 0 },
      prices: { MSFT: 200, XOM: 100, AAPL: 100 },
      sectors: { MSFT: 'tech', AAPL: 'tech', XOM: 'energy' },
    });
  const rows: [string, string, OrderSide, number, boolean][] = [
    ['AAPL buy to 24 900 in tech passes', 'AAPL', 'buy', 49, false],
    ['AAPL buy to exactly 25 000 in tech passes', 'AAPL', 'buy', 50, false],
    ['AAPL buy to 25 100 in tech is denied', 'AAPL', 'buy', 51, true],
    ['an AAPL short counts as gross exposure too', 'AAPL', 'sell', 51, true],
    ['selling MSFT (reducing) passes whatever the sector holds', 'MSFT', 'sell', 100, false],
    ['a short XOM adding 200 x 100 to energy (25 000) passes', 'XOM', 'sell', 200, false],
    ['a short XOM adding 201 x 100 to energy is denied', 'XOM', 'sell', 201, true],
  ];
  it.each(rows)('%s', (_label, symbol, side, qty, denied) => {
    const view = base();
    expect(check.check(makeOrder(side, qty, symbol), view.lastPrice(symbol), view) !== null).toBe(denied);
  });

  it('names the sector, the share, the values and the limit', () => {
    const view = base();
    expect(check.check(makeOrder('buy', 60), 100, view)).toBe('sector tech exposure would be 26% of equity (26000.00 of 100000.00), max 25%');
  });

  it('exempts instruments without a sector by default, and takes a custom exempt list', () => {
    const view = new MemoryRiskView({ equity: 100_000, positions: { BTC: 1 }, prices: { BTC: 90_000 } });
    expect(check.check(makeOrder('buy', 1, 'BTC'), 90_000, view)).toBeNull();
    expect(maxSectorPctCheck(25, { exemptSectors: [] }).check(makeOrder('buy', 1, 'BTC'), 90_000, view)).toMatch(/sector unknown exposure would be 180%/);
  });

  it('sums over symbols() when the view has no sectorExposure', () => {
    const view = viewWithout(base(), 'sectorExposure');
    expect(check.check(makeOrder('buy', 50), 100, view)).toBeNull();
    expect(check.check(makeOrder('buy', 51), 100, view)).toMatch(/25\.1% of equity/);
  });

  it('denies, naming what is missing, when the view cannot give sectors or sector exposure', () => {
    expect(check.check(makeOrder('buy', 1), 100, viewWithout(base(), 'sectorOf'))).toBe('the risk view does not provide sectorOf(symbol)');
    expect(check.check(makeOrder('buy', 1), 100, viewWithout(base(), 'sectorExposure', 'symbols'))).toBe('the risk view provides neither sectorExposure(sector) nor symbols()');
  });
});

describe('gross leverage (default 3x)', () => {
  const check = grossLeverageCheck();
  // Equity 100 000; positions worth 200 000 gross (long 150 000, short 50 000); pending 50 000.
  const base = (pending = 50_000) =>
    new MemoryRiskView({ equity: 100_000, positions: { A: 1500, B: -500 }, prices: { A: 100, B: 100, C: 100 }, pendingExposure: pending });
  const rows: [string, string, OrderSide, number, number, boolean][] = [
    ['a buy to 299 900 (2.999x) passes', 'C', 'buy', 499, 50_000, false],
    ['a buy to exactly 300 000 (3x) passes', 'C', 'buy', 500, 50_000, false],
    ['a buy to 300 100 is denied', 'C', 'buy', 501, 50_000, true],
    ['pending exposure counts: with none, 1 000 more shares pass', 'C', 'buy', 1000, 0, false],
    ['covering part of the short passes', 'B', 'buy', 500, 50_000, false],
    ['covering the short and going 1 000 long (+500 gross) passes', 'B', 'buy', 1500, 50_000, false],
    ['covering the short and going 1 001 long (+501 gross) is denied', 'B', 'buy', 1501, 50_000, true],
  ];
  it.each(rows)('%s', (_label, symbol, side, qty, pending, denied) => {
    expect(check.check(makeOrder(side, qty, symbol), 100, base(pending)) !== null).toBe(denied);
  });

  it('names the leverage, the exposure, the equity and the limit', () => {
    expect(check.check(makeOrder('buy', 1000, 'C'), 100, base())).toBe('gross leverage would be 3.5x (exposure 350000.00 / equity 100000.00), max 3x');
  });

  it('sums over symbols() when the view has no grossExposure, and denies when it has neither', () => {
    expect(check.check(makeOrder('buy', 500, 'C'), 100, viewWithout(base(), 'grossExposure'))).toBeNull();
    expect(check.check(makeOrder('buy', 501, 'C'), 100, viewWithout(base(), 'grossExposure'))).toMatch(/3x/);
    expect(check.check(makeOrder('buy', 1, 'C'), 100, viewWithout(base(), 'grossExposure', 'symbols'))).toBe('the risk view provides neither grossExposure() nor symbols()');
  });

  it('denies adding exposure with non-positive equity', () => {
    const view = new MemoryRiskView({ equity: 0 });
    expect(check.check(makeOrder('buy', 1), 100, view)).toMatch(/equity 0\.00 is not positive, max gross leverage 3x/);
  });
});

describe('max open orders', () => {
  const check = maxOpenOrdersCheck(3);
  const rows: [number, boolean][] = [
    [0, false],
    [2, false],
    [3, true],
    [7, true],
  ];
  it.each(rows)('with %i orders open a new order is denied: %s', (open, denied) => {
    const reason = check.check(makeOrder('buy', 1), 100, new MemoryRiskView({ openOrders: open }));
    expect(reason !== null).toBe(denied);
    if (denied) expect(reason).toBe(`${open} orders already open, max 3`);
  });

  it('applies to orders that reduce too, and denies when the view cannot count', () => {
    expect(check.check(makeOrder('sell', 1), 100, new MemoryRiskView({ positions: { AAPL: 5 }, openOrders: 3 }))).not.toBeNull();
    expect(check.check(makeOrder('buy', 1), 100, viewWithout(new MemoryRiskView(), 'openOrderCount'))).toBe('the risk view does not provide openOrderCount()');
    expect(() => maxOpenOrdersCheck(2.5)).toThrow(ConfigError);
  });
});
