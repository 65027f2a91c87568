import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import type { OrderRequest, OrderSide } from '../../model/order.ts';
import { makeOrder } from './fixtures.ts';
import { priceCollarCheck } from './price-collar.ts';
import { MemoryRiskView } from './view.ts';

describe('price collar against the last price (default 10%)', () => {
  const check = priceCollarCheck();
  const view = new MemoryRiskView({ prices: { AAPL: 100 } });
  const rows: [string, OrderSide, Partial<OrderRequest>, number, boolean][] = [
    ['a buy limit 9.99% above last passes', 'buy', { type: 'limit', limitPrice: 109.99 }, 109.99, false],
    ['a buy limit exactly 10% above last passes', 'buy', { type: 'limit', limitPrice: 110 }, 110, false],
    ['a buy limit 10.01% above last is denied', 'buy', { type: 'limit', limitPrice: 110.01 }, 110.01, true],
    ['a sell limit 10.01% below last is denied', 'sell', { type: 'limit', limitPrice: 89.99 }, 89.99, true],
    ['a buy limit a tenth of the last price (typo) is denied', 'buy', { type: 'limit', limitPrice: 10 }, 10, true],
    ['a market order referenced at the last price passes', 'buy', { type: 'market' }, 100, false],
    ['a market order referenced 12% away (a stale quote) is denied', 'buy', { type: 'market' }, 112, true],
    ['a stop 30% away passes (stops are away by design)', 'sell', { type: 'stop', stopPrice: 70 }, 70, false],
    ['a trailing stop passes', 'sell', { type: 'trailing-stop', trailing: { kind: 'percent', value: 20 } }, 100, false],
    ['a stop-limit with its limit 5% from its stop passes', 'sell', { type: 'stop-limit', stopPrice: 70, limitPrice: 66.5 }, 66.5, false],
    ['a stop-limit with its limit 20% from its stop is denied', 'sell', { type: 'stop-limit', stopPrice: 70, limitPrice: 56 }, 56, true],
  ];
  it.each(rows)('%s', (_label, side, req, ref, denied) => {
    expect(check.check(makeOrder(side, 1, 'AAPL', req), ref, view) !== null).toBe(denied);
  });

  it('names the price, the distance, the base and the limit', () => {
    expect(check.check(makeOrder('buy', 1, 'AAPL', { type: 'limit', limitPrice: 125 }), 125, view)).toBe(
      'limit price 125.00 is 25% from the last price 100.00 of AAPL, max 10%',
    );
  });

  it('denies a limit or market order when there is no last price, and takes a custom width', () => {
    expect(check.check(makeOrder('buy', 1, 'NEW', { type: 'limit', limitPrice: 5 }), 5, view)).toBe('no last price for NEW to check the limit price against');
    expect(priceCollarCheck(30).check(makeOrder('buy', 1, 'AAPL', { type: 'limit', limitPrice: 125 }), 125, view)).toBeNull();
    expect(() => priceCollarCheck(-1)).toThrow(ConfigError);
  });
});
