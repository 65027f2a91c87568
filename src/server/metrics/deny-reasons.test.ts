// Denial reasons as written by the kernel, the risk engine and its checks, mapped to their bounded codes.
import { describe, expect, it } from 'vitest';
import { maxOrderNotionalCheck, RiskEngine } from '../../risk/risk-engine.ts';
import { Order } from '../../model/order.ts';
import { denyReasonCode } from './deny-reasons.ts';

describe('denyReasonCode', () => {
  it.each([
    ['kill switch: trading is halted', 'kill-switch'],
    ['allocation: strategy s1 needs 5000.00, has 10.00', 'allocation'],
    ['no reference price for XYZ', 'no-reference-price'],
    ['buying-power: insufficient buying power: needs 10.00, available 1.00', 'buying-power'],
    ['circuit-breaker: halted by daily-loss', 'circuit-breaker'],
    ['my-own-check: something', 'other'],
    ['a reason without a code', 'other'],
    [': empty code', 'other'],
  ])('%s -> %s', (reason, code) => {
    expect(denyReasonCode(reason)).toBe(code);
  });

  it('maps what the risk engine writes for a failing check to that check\'s name', () => {
    const risk = new RiskEngine({}, [maxOrderNotionalCheck(100)]);
    const view = { positionQty: () => 0, accountType: 'cash', buyingPower: () => 1e9, pendingExposure: () => 0, multiplier: () => 1 } as never;
    const reason = risk.check(new Order('o1', 's', { symbol: 'X', side: 'buy', type: 'market', qty: 10 }, 0), 50, view);
    expect(reason).toMatch(/^max-order-notional: /);
    expect(denyReasonCode(reason!)).toBe('max-order-notional');
  });
});
