import { describe, expect, it } from 'vitest';
import type { Order, OrderRequest, OrderSide, OrderType } from '../../model/order.ts';
import { RiskEngine } from '../risk-engine.ts';
import { riskChecksFromConfig } from './config.ts';
import { makeOrder, viewWithout } from './fixtures.ts';
import { restingPrice, selfCrossCheck } from './self-cross.ts';
import { MemoryRiskView } from './view.ts';

type Spec = [side: OrderSide, type: OrderType, price?: number];

/** A working order (accepted at the venue) of 10 AAPL. */
function working([side, type, price]: Spec, triggered = false): Order {
  const extra: Partial<OrderRequest> & { type: OrderType } = {
    type,
    limitPrice: type === 'limit' || type === 'stop-limit' ? price : undefined,
    stopPrice: type === 'stop' || type === 'stop-limit' ? price : undefined,
  };
  const o = makeOrder(side, 10, 'AAPL', extra);
  o.transition('submitted', 0);
  o.transition('accepted', 0);
  if (triggered) o.transition('triggered', 0);
  return o;
}

describe('self-cross (wash trade) prevention', () => {
  const check = selfCrossCheck();
  type Row = [label: string, resting: Spec[], incoming: Spec, denied: boolean];
  const rows: Row[] = [
    ['a buy limit below an own sell limit passes', [['sell', 'limit', 101]], ['buy', 'limit', 100], false],
    ['a buy limit at an own sell limit is denied', [['sell', 'limit', 101]], ['buy', 'limit', 101], true],
    ['a buy limit above an own sell limit is denied', [['sell', 'limit', 101]], ['buy', 'limit', 102], true],
    ['a sell limit above an own buy limit passes', [['buy', 'limit', 100]], ['sell', 'limit', 100.01], false],
    ['a sell limit at an own buy limit is denied', [['buy', 'limit', 100]], ['sell', 'limit', 100], true],
    ['a market buy against any own sell limit is denied', [['sell', 'limit', 500]], ['buy', 'market'], true],
    ['a market sell against any own buy limit is denied', [['buy', 'limit', 1]], ['sell', 'market'], true],
    ['same side never crosses', [['buy', 'limit', 100], ['buy', 'market']], ['buy', 'market'], false],
    ['an untriggered own stop does not rest on the book', [['sell', 'stop', 95]], ['buy', 'market'], false],
    ['an untriggered own stop-limit does not either', [['sell', 'stop-limit', 95]], ['buy', 'limit', 100], false],
    ['an own market sell still working crosses a limit buy', [['sell', 'market']], ['buy', 'limit', 1], true],
    ['a new stop order is not checked (it does not rest)', [['sell', 'limit', 100]], ['buy', 'stop', 105], false],
    ['no working orders: passes', [], ['buy', 'market'], false],
  ];
  it.each(rows)('%s', (_label, resting, incoming, denied) => {
    const view = new MemoryRiskView({ working: resting.map((r) => working(r)) });
    const [side, type, price] = incoming;
    const order = makeOrder(side, 5, 'AAPL', { type, limitPrice: type === 'limit' ? price : undefined, stopPrice: type === 'stop' ? price : undefined });
    expect(check.check(order, 100, view) !== null).toBe(denied);
  });

  it('names both orders and their prices', () => {
    const own = working(['sell', 'limit', 101]);
    const view = new MemoryRiskView({ working: [own] });
    expect(check.check(makeOrder('buy', 5, 'AAPL', { type: 'limit', limitPrice: 102 }), 102, view)).toBe(`buy 5 AAPL at 102.00 would trade against own working sell limit order ${own.id} at 101.00`);
    expect(check.check(makeOrder('buy', 5), 102, view)).toBe(`buy 5 AAPL at market would trade against own working sell limit order ${own.id} at 101.00`);
  });

  it('ignores finished orders and other symbols', () => {
    const done = working(['sell', 'limit', 101]);
    done.transition('canceled', 1);
    const other = makeOrder('sell', 1, 'MSFT', { type: 'limit', limitPrice: 1 });
    const view = new MemoryRiskView({ working: [done, other] });
    expect(check.check(makeOrder('buy', 5), 100, view)).toBeNull();
  });

  it('takes a triggered stop as a market order and a triggered stop-limit at its limit', () => {
    expect(restingPrice(working(['sell', 'stop', 95], true))).toBe(0);
    expect(restingPrice(working(['buy', 'stop', 95], true))).toBe(Infinity);
    expect(restingPrice(working(['sell', 'stop-limit', 95], true))).toBe(95);
    expect(restingPrice(working(['sell', 'stop', 95]))).toBeNaN();
  });

  it('denies and names the member when the view has no working orders; off by default, on with selfTradePrevention', () => {
    expect(check.check(makeOrder('buy', 5), 100, viewWithout(new MemoryRiskView(), 'workingOrders'))).toBe('the risk view does not provide workingOrders(symbol)');
    expect(riskChecksFromConfig().map((c) => c.name)).not.toContain('self-cross');
    const engine = new RiskEngine({}, riskChecksFromConfig({ selfTradePrevention: true, maxPositionPct: null }));
    const view = new MemoryRiskView({ equity: 1e6, prices: { AAPL: 100 }, working: [working(['sell', 'limit', 100])] });
    expect(engine.check(makeOrder('buy', 5), 100, view)).toMatch(/^self-cross: buy 5 AAPL at market would trade against own working sell limit order/);
  });
});
