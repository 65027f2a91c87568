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
      maxOrderQty: null,
      maxPositionQty: null,
      maxPositionValue: null,
      symbolLimits: {},
      maxOpenOrders: null,
      orderRate: null,
      restrictedSymbols: [],
      restrictedList: [],
      issuers: {},
      restrictedAllowReducing: false,
      shortSale: { noShortSymbols: [], uptickRule: false, requireLocate: false, easyToBorrow: [], locates: {} },
      patternDayTrader: null,
      selfTradePrevention: false,
      nearMissPct: 90,
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
      maxOrderQty: 1_000,
      maxPositionQty: 5_000,
      maxOpenOrders: 20,
      orderRate: { maxOrders: 10, windowMs: 1000 },
      restrictedSymbols: ['GME'],
      restrictedList: [{ issuer: 'Acme Corp', from: '2024-01-02', to: '2024-03-31', reason: 'deal team' }],
      shortSale: { noShortSymbols: ['HTB'], uptickRule: true, requireLocate: true, easyToBorrow: ['AAPL'], locates: { TSLA: 500 } },
      patternDayTrader: {},
      selfTradePrevention: true,
      reduceOnly: true,
    });
    expect(checks.map((c) => c.name)).toEqual([
      'reduce-only-mode', 'restricted-symbol', 'short-sale', 'short-locate', 'self-cross', 'price-collar', 'max-order-qty', 'max-order-notional',
      'max-position', 'max-position-pct', 'max-sector-pct', 'gross-leverage', 'pattern-day-trader', 'max-open-orders', 'order-rate',
    ]);
    expect(reduceOnlyModeOf(checks)?.enabled).toBe(true);
  });

  it('reads its own output back unchanged (a stored or hosted config is parsed again)', () => {
    const input = {
      symbolLimits: { AAPL: { maxOrderQty: 10, maxPositionValue: null } },
      restrictedList: [{ issuer: 'Acme Corp', from: '2024-01-02T14:30:00Z', reason: 'MNPI' }],
      patternDayTrader: { minEquity: 30_000 },
      shortSale: { requireLocate: true, locates: { TSLA: 5 } },
    };
    const once = parseRiskConfig(input);
    expect(parseRiskConfig(once)).toEqual(once);
    expect(once.patternDayTrader).toEqual({ minEquity: 30_000, maxDayTrades: 3, windowDays: 5, dayOffsetMs: 0 });
  });

  it('builds a per-symbol limit alone (no account-wide one) and none for a null override', () => {
    expect(riskChecksFromConfig({ symbolLimits: { AAPL: { maxOrderQty: 10 } } }).map((c) => c.name)).toContain('max-order-qty');
    expect(riskChecksFromConfig({ symbolLimits: { AAPL: { maxOrderQty: null } } }).map((c) => c.name)).not.toContain('max-order-qty');
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
    ['a zero order quantity limit', { maxOrderQty: 0 }, /field "maxOrderQty"/],
    ['a negative per-symbol override', { symbolLimits: { AAPL: { maxPositionQty: -1 } } }, /field "symbolLimits\.AAPL\.maxPositionQty"/],
    ['an unknown per-symbol key', { symbolLimits: { AAPL: { maxQty: 1 } } }, /symbolLimits\.AAPL.*maxQty/],
    ['an entry with neither symbol nor issuer', { restrictedList: [{ from: '2024-01-01' }] }, /field "restrictedList\.0\.symbol": risk config: give exactly one of "symbol" and "issuer"/],
    ['an entry with both symbol and issuer', { restrictedList: [{ symbol: 'X', issuer: 'Y' }] }, /field "restrictedList\.0\.symbol"/],
    ['an impossible date', { restrictedList: [{ symbol: 'X' }, { symbol: 'Y', from: '2024-02-30' }] }, /field "restrictedList\.1\.from": risk config: must be an ISO date .*got "2024-02-30"/],
    ['a timestamp without a zone', { restrictedList: [{ symbol: 'X', to: '2024-02-01T10:00' }] }, /field "restrictedList\.0\.to"/],
    ['an end before the start', { restrictedList: [{ symbol: 'X', from: '2024-03-01', to: '2024-02-01' }] }, /field "restrictedList\.0\.to": risk config: must not be before "from"/],
    ['a zero locate', { shortSale: { locates: { AAPL: 0 } } }, /field "shortSale\.locates\.AAPL"/],
    ['a fractional day-trade count', { patternDayTrader: { maxDayTrades: 2.5 } }, /field "patternDayTrader\.maxDayTrades"/],
    ['an unknown PDT key', { patternDayTrader: { equity: 1 } }, /patternDayTrader.*equity/],
    ['a near-miss share above 100%', { nearMissPct: 120 }, /field "nearMissPct"/],
    ['a string for self-trade prevention', { selfTradePrevention: 'yes' }, /field "selfTradePrevention"/],
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
