import { describe, expect, it } from 'vitest';
import type { Order, OrderSide } from '../../model/order.ts';
import { RiskEngine, type NearMiss } from '../risk-engine.ts';
import { complianceRule, reasonCode } from './codes.ts';
import { riskChecksFromConfig, type RiskConfig } from './config.ts';
import { makeOrder } from './fixtures.ts';
import { formatNearMiss, parseNearMiss } from './near-miss.ts';
import { MemoryRiskView } from './view.ts';

/** An engine over `config` (other limits off) that records what it hears. */
function engineOf(config: RiskConfig): { engine: RiskEngine; heard: string[] } {
  const engine = new RiskEngine({}, riskChecksFromConfig({ maxPositionPct: null, maxSectorPct: null, maxGrossLeverage: null, priceCollarPct: null, ...config }));
  const heard: string[] = [];
  engine.onNearMisses((order: Order, misses: readonly NearMiss[]) => heard.push(...misses.map((m) => formatNearMiss(order, m))));
  return { engine, heard };
}

describe('near misses: passing orders that use at least nearMissPct (90%) of a limit', () => {
  // Equity 100 000, AAPL at 100 in sector tech, MSFT holding 100 x 100 in tech.
  const view = () => new MemoryRiskView({ equity: 100_000, prices: { AAPL: 100, MSFT: 100 }, positions: { MSFT: 100 }, sectors: { AAPL: 'tech', MSFT: 'tech' } });
  type Row = [label: string, config: RiskConfig, side: OrderSide, qty: number, expected: RegExp | null];
  const rows: Row[] = [
    ['max-position-pct: 4 500 of 5 000 (90%) is near', { maxPositionPct: 5 }, 'buy', 45, /^max-position-pct: T-\d+ buy 45 AAPL at 90% of the limit: AAPL position would be 4\.5% of equity \(4500\.00 of 100000\.00\), max 5%$/],
    ['max-position-pct: 4 400 (88%) is not', { maxPositionPct: 5 }, 'buy', 44, null],
    ['max-position-pct: exactly at the limit is near (100%)', { maxPositionPct: 5 }, 'buy', 50, /at 100% of the limit/],
    ['max-sector-pct: 10 000 + 9 000 of 20 000 is 95%', { maxSectorPct: 20 }, 'buy', 90, /^max-sector-pct: .* at 95% of the limit: sector tech exposure would be 19% of equity/],
    ['gross-leverage: 10 000 + 17 100 of 30 000 is 90.3%', { maxGrossLeverage: 0.3 }, 'buy', 171, /^gross-leverage: .* at 90.3% of the limit: gross leverage would be 0\.27x/],
    ['max-order-notional: 9 500 of 10 000', { maxOrderNotional: 10_000 }, 'sell', 95, /^max-order-notional: T-\d+ sell 95 AAPL at 95% of the limit: order notional 9500\.00, max 10000\.00$/],
    ['max-order-qty: 90 of 100', { maxOrderQty: 100 }, 'buy', 90, /^max-order-qty: .* at 90% of the limit: order quantity 90 AAPL, max 100$/],
    ['max-position (quantity): 95 of 100', { maxPositionQty: 100 }, 'buy', 95, /^max-position: .* at 95% of the limit: AAPL position would be 95, max quantity 100$/],
    ['max-position (value): the nearer limit is reported', { maxPositionQty: 1_000, maxPositionValue: 10_000 }, 'buy', 99, /^max-position: .* at 99% of the limit: AAPL position value would be 9900\.00, max 10000\.00$/],
    ['a custom share: 80%', { maxOrderQty: 100, nearMissPct: 80 }, 'buy', 80, /at 80% of the limit/],
    ['nearMissPct null: none', { maxOrderQty: 100, nearMissPct: null }, 'buy', 99, null],
  ];
  it.each(rows)('%s', (_label, config, side, qty, expected) => {
    const { engine, heard } = engineOf(config);
    expect(engine.check(makeOrder(side, qty), 100, view())).toBeNull();
    if (expected === null) expect(heard).toEqual([]);
    else {
      expect(heard).toHaveLength(1);
      expect(heard[0]).toMatch(expected);
    }
  });

  it('are dropped when a later check denies the order (a violation, not a near miss)', () => {
    const { engine, heard } = engineOf({ maxOrderQty: 100, maxOrderNotional: 1_000 });
    expect(engine.check(makeOrder('buy', 95), 100, view())).toBe('max-order-notional: order notional 9500.00 exceeds max 1000.00');
    expect(heard).toEqual([]);
    expect(engine.check(makeOrder('buy', 9), 100, view())).toBeNull();
    expect(heard).toEqual([expect.stringMatching(/^max-order-notional: .* at 90% of the limit/)]);
  });

  it('are reported by every check an order comes close to, and are not asked for without a listener', () => {
    const { engine, heard } = engineOf({ maxOrderQty: 100, maxPositionQty: 100 });
    engine.check(makeOrder('buy', 95), 100, view());
    expect(heard.map(reasonCode)).toEqual(['max-order-qty', 'max-position']);
    engine.onNearMisses(null);
    engine.check(makeOrder('buy', 95), 100, view());
    expect(heard).toHaveLength(2);
    expect(engine.reportsNearMisses).toBe(true);
    expect(new RiskEngine({}, riskChecksFromConfig({ nearMissPct: null })).reportsNearMisses).toBe(false);
  });

  it('read back from their reason text', () => {
    const order = makeOrder('sell', 2.5, 'BTC/USD');
    const reason = formatNearMiss(order, { check: 'max-order-qty', usage: 0.9349, text: 'order quantity 2.5 BTC/USD, max 2.67' });
    expect(reason).toBe(`max-order-qty: ${order.id} sell 2.5 BTC/USD at 93.4% of the limit: order quantity 2.5 BTC/USD, max 2.67`);
    expect(parseNearMiss(reason)).toEqual({ code: 'max-order-qty', orderId: order.id, side: 'sell', qty: 2.5, symbol: 'BTC/USD', usagePct: 93.4, text: 'order quantity 2.5 BTC/USD, max 2.67' });
    expect(parseNearMiss('max-order-qty: something else')).toBeNull();
  });
});

describe('reason codes', () => {
  const rows: [string, string, string | null][] = [
    ['pattern-day-trader: sell 10 AAPL would be day trade 4 ...', 'pattern-day-trader', 'pattern day trader rule'],
    ['restricted-symbol: GME is on the restricted list', 'restricted-symbol', 'restricted list: symbols and issuers, with effective dates'],
    ['kill switch: trading is halted', 'kill-switch', null],
    ['no reference price for AAPL', 'no-reference-price', null],
    ['something without a code', 'other', null],
  ];
  it.each(rows)('%s', (reason, code, rule) => {
    expect(reasonCode(reason)).toBe(code);
    expect(complianceRule(code)).toBe(rule);
  });
});
