import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { RiskEngine } from '../risk-engine.ts';
import { parseRiskConfig, reduceOnlyModeOf, RiskConfigSchema, riskChecksFromConfig } from './config.ts';
import { makeOrder } from './fixtures.ts';
import { MemoryRiskView } from './view.ts';

describe('RiskConfig', () => {
  it('fills the documented defaults', () => {
    expect(parseRiskConfig()).toEqual({
      maxPositionPct: 5,
      maxSectorPct: 25,
      exemptSectors: ['unknown', ''],
      maxGrossLeverage: 3,
      maxOrderNotional: null,
      maxOpenOrders: null,
      orderRate: null,
      restrictedSymbols: [],
      restrictedAllowReducing: false,
      shortSale: { noShortSymbols: [], uptickRule: false },
      reduceOnly: false,
      priceCollarPct: 10,
    });
    expect(RiskConfigSchema.parse({})).toEqual(parseRiskConfig({}));
  });

  it('builds the default checks in order', () => {
    expect(riskChecksFromConfig().map((c) => c.name)).toEqual(['reduce-only-mode', 'price-collar', 'max-position-pct', 'max-sector-pct', 'gross-leverage']);
  });

  it('builds every check when every key is set, the order-rate limit last', () => {
    const checks = riskChecksFromConfig({
      maxOrderNotional: 50_000,
      maxOpenOrders: 20,
      orderRate: { maxOrders: 10, windowMs: 1000 },
      restrictedSymbols: ['GME'],
      shortSale: { noShortSymbols: ['HTB'], uptickRule: true },
      reduceOnly: true,
    });
    expect(checks.map((c) => c.name)).toEqual([
      'reduce-only-mode', 'restricted-symbol', 'short-sale', 'price-collar', 'max-order-notional',
      'max-position-pct', 'max-sector-pct', 'gross-leverage', 'max-open-orders', 'order-rate',
    ]);
    expect(reduceOnlyModeOf(checks)?.enabled).toBe(true);
  });

  it('switches a limit off with null', () => {
    const names = riskChecksFromConfig({ maxPositionPct: null, maxSectorPct: null, maxGrossLeverage: null, priceCollarPct: null }).map((c) => c.name);
    expect(names).toEqual(['reduce-only-mode']);
  });

  const bad: [string, unknown, RegExp][] = [
    ['a negative percentage', { maxPositionPct: -5 }, /field "maxPositionPct"/],
    ['a string for a number', { maxGrossLeverage: '3' }, /field "maxGrossLeverage"/],
    ['a fractional order count', { orderRate: { maxOrders: 1.5, windowMs: 1000 } }, /field "orderRate\.maxOrders"/],
    ['an unknown key', { maxPositonPct: 5 }, /risk config: .*maxPositonPct/],
    ['an unknown nested key', { shortSale: { uptick: true } }, /shortSale/],
  ];
  it.each(bad)('rejects %s with a ConfigError naming the field', (_label, input, message) => {
    expect(() => riskChecksFromConfig(input as never)).toThrow(ConfigError);
    expect(() => riskChecksFromConfig(input as never)).toThrow(message);
  });
});

describe('config-built checks in the RiskEngine', () => {
  it('deny with the check name and the reason', () => {
    const engine = new RiskEngine({}, riskChecksFromConfig({ maxOrderNotional: 10_000 }));
    const view = new MemoryRiskView({ equity: 1_000_000, prices: { AAPL: 100 } });
    expect(engine.check(makeOrder('buy', 100), 100, view)).toBeNull();
    expect(engine.check(makeOrder('buy', 101), 100, view)).toBe('max-order-notional: order notional 10100.00 exceeds max 10000.00');
    expect(engine.check(makeOrder('buy', 600), 100, view)).toBe('max-order-notional: order notional 60000.00 exceeds max 10000.00');
    expect(new RiskEngine({}, riskChecksFromConfig()).check(makeOrder('buy', 600), 100, view)).toBe(
      'max-position-pct: AAPL position would be 6% of equity (60000.00 of 1000000.00), max 5%',
    );
  });

  it('get market data through RiskEngine.onMarketData (the uptick rule)', () => {
    const engine = new RiskEngine({}, riskChecksFromConfig({ shortSale: { uptickRule: true } }));
    const view = new MemoryRiskView({ equity: 1_000_000, prices: { AAPL: 100 } });
    engine.onMarketData('AAPL', 0, 101);
    expect(engine.check(makeOrder('sell', 10), 101, view)).toBeNull();
    engine.onMarketData('AAPL', 1, 100);
    expect(engine.check(makeOrder('sell', 10), 100, view)).toMatch(/^short-sale: uptick rule/);
  });

  it('let the reduce-only switch be flipped at run time', () => {
    const checks = riskChecksFromConfig();
    const engine = new RiskEngine({}, checks);
    const view = new MemoryRiskView({ equity: 1_000_000, prices: { AAPL: 100 }, positions: { AAPL: 10 } });
    reduceOnlyModeOf(checks)!.enable();
    expect(engine.check(makeOrder('buy', 1), 100, view)).toMatch(/^reduce-only-mode: account is in reduce-only mode/);
    expect(engine.check(makeOrder('sell', 1), 100, view)).toBeNull();
  });
});
