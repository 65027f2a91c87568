import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import type { OrderSide } from '../../model/order.ts';
import { RiskEngine } from '../risk-engine.ts';
import { riskChecksFromConfig } from './config.ts';
import { makeOrder } from './fixtures.ts';
import { orderNotionalCheck, orderQtyCheck, positionLimitCheck } from './size-limits.ts';
import { MemoryRiskView } from './view.ts';

type Row = [label: string, symbol: string, position: number, side: OrderSide, qty: number, reason: string | null];

describe('max-position: absolute position limit per symbol, with per-symbol overrides', () => {
  // Account-wide: 1 000 units and 50 000 of value; AAPL: 200 units; TSLA: no quantity limit; MSFT: value 5 000.
  const check = positionLimitCheck({
    maxQty: 1_000,
    maxValue: 50_000,
    perSymbol: { AAPL: { maxPositionQty: 200 }, TSLA: { maxPositionQty: null }, MSFT: { maxPositionValue: 5_000 } },
  });
  const rows: Row[] = [
    ['a buy to 1 000 units (and 10 000 of value) passes', 'XOM', 0, 'buy', 1_000, null],
    ['a buy to 1 001 units is denied', 'XOM', 0, 'buy', 1_001, 'XOM position 1001 would exceed max quantity 1000'],
    ['a short to 1 001 units is denied too', 'XOM', 0, 'sell', 1_001, 'XOM position 1001 would exceed max quantity 1000'],
    ['selling part of an oversized long passes', 'XOM', 2_000, 'sell', 10, null],
    ['AAPL override: 200 units pass', 'AAPL', 150, 'buy', 50, null],
    ['AAPL override: 201 units are denied', 'AAPL', 150, 'buy', 51, 'AAPL position 201 would exceed max quantity 200'],
    ['TSLA override lifts the quantity limit, the value limit stays (2 000 x 10 = 20 000 <= 50 000)', 'TSLA', 0, 'buy', 2_000, null],
    ['TSLA: 5 001 x 10 = 50 010 is over the account-wide value limit', 'TSLA', 0, 'buy', 5_001, 'TSLA position value 50010.00 would exceed max 50000.00'],
    ['MSFT override: 500 x 10 = 5 000 of value passes', 'MSFT', 0, 'buy', 500, null],
    ['MSFT override: 501 x 10 is denied', 'MSFT', 0, 'buy', 501, 'MSFT position value 5010.00 would exceed max 5000.00'],
  ];
  it.each(rows)('%s', (_label, symbol, position, side, qty, reason) => {
    const view = new MemoryRiskView({ equity: 1e9, positions: { [symbol]: position }, prices: { [symbol]: 10 } });
    expect(check.check(makeOrder(side, qty, symbol), 10, view)).toBe(reason);
  });

  it('values the position with the contract multiplier', () => {
    const view = new MemoryRiskView({ equity: 1e9, multipliers: { ES: 50 } });
    const es = positionLimitCheck({ maxValue: 500_000 });
    expect(es.check(makeOrder('buy', 2, 'ES'), 5_000, view)).toBeNull();
    expect(es.check(makeOrder('buy', 3, 'ES'), 5_000, view)).toBe('ES position value 750000.00 would exceed max 500000.00');
  });

  it('rejects a non-positive limit naming the field', () => {
    expect(() => positionLimitCheck({ maxQty: 0 })).toThrow(ConfigError);
    expect(() => positionLimitCheck({ perSymbol: { AAPL: { maxPositionValue: -1 } } })).toThrow(/symbolLimits\.AAPL\.maxPositionValue/);
  });
});

describe('max-order-qty and max-order-notional: fat-finger limits with per-symbol overrides', () => {
  const qty = orderQtyCheck({ max: 500, perSymbol: { BTC: { maxOrderQty: 2 }, SPY: { maxOrderQty: null } } });
  const notional = orderNotionalCheck({ max: 100_000, perSymbol: { SPY: { maxOrderNotional: 1_000_000 } } });
  const rows: [string, string, OrderSide, number, number, string | null, string | null][] = [
    ['500 shares pass both', 'AAPL', 'buy', 500, 100, null, null],
    ['501 shares are a fat finger', 'AAPL', 'buy', 501, 100, 'order quantity 501 AAPL exceeds max 500', null],
    ['a sell (even a reduction) is limited as well', 'AAPL', 'sell', 600, 100, 'order quantity 600 AAPL exceeds max 500', null],
    ['BTC override: 2 units pass', 'BTC', 'buy', 2, 40_000, null, null],
    ['BTC override: 2.5 units are denied', 'BTC', 'buy', 2.5, 30_000, 'order quantity 2.5 BTC exceeds max 2', null],
    ['BTC: 3 x 40 000 is over the notional limit too', 'BTC', 'buy', 3, 40_000, 'order quantity 3 BTC exceeds max 2', 'order notional 120000.00 exceeds max 100000.00'],
    ['SPY: no quantity limit; notional override 1 000 000', 'SPY', 'buy', 2_000, 450, null, null],
    ['SPY: 2 300 x 450 = 1 035 000 is over its override', 'SPY', 'buy', 2_300, 450, null, 'order notional 1035000.00 exceeds max 1000000.00'],
  ];
  it.each(rows)('%s', (_label, symbol, side, q, price, qtyReason, notionalReason) => {
    const view = new MemoryRiskView({ equity: 1e9, prices: { [symbol]: price } });
    const order = makeOrder(side, q, symbol);
    expect(qty.check(order, price, view)).toBe(qtyReason);
    expect(notional.check(order, price, view)).toBe(notionalReason);
  });

  it('deny through the engine with their codes', () => {
    const engine = new RiskEngine({}, riskChecksFromConfig({ maxOrderQty: 100, maxPositionPct: null, maxSectorPct: null, maxGrossLeverage: null }));
    const view = new MemoryRiskView({ equity: 1e6, prices: { AAPL: 10 } });
    expect(engine.check(makeOrder('buy', 101), 10, view)).toBe('max-order-qty: order quantity 101 AAPL exceeds max 100');
    expect(engine.check(makeOrder('buy', 100), 10, view)).toBeNull();
  });
});
