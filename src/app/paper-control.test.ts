import { describe, expect, it } from 'vitest';
import type { Flattened, OrderView } from './node-handle.ts';
import { describeOutcome } from './paper-control.ts';

const order = (id: string): OrderView => ({
  clientOrderId: id, strategyId: 's', symbol: 'AAPL', side: 'buy', type: 'limit', qty: 1, limitPrice: 50, stopPrice: null, tag: null, reduceOnly: false,
  status: 'canceled', filledQty: 0, avgFillPrice: 0, reason: 'operator',
});
const flat = (over: Partial<Flattened>): Flattened => ({ strategyId: 's', symbol: 'AAPL', qty: -100, orderId: 'r-9', status: 'filled', filledQty: 100, avgFillPrice: 101.25, ...over });

describe('describeOutcome: the one line the operator reads', () => {
  it('counts canceled orders and lists each flattened position with its fill, or what became of its closing order', () => {
    expect(describeOutcome({ head: 'halted', canceled: [order('a'), order('b'), order('c')], flattened: [flat({}), flat({ symbol: 'MSFT', qty: 50, status: 'accepted', filledQty: 0, avgFillPrice: null })] })).toBe(
      'halted; 3 orders canceled; 2 positions flattened: AAPL -100 @ 101.25, MSFT 50 (order r-9 accepted: not filled yet)',
    );
    expect(describeOutcome({ head: 'halted', canceled: [order('a')], flattened: [flat({ status: 'partially-filled', filledQty: 40, avgFillPrice: 99.5 })] })).toBe(
      'halted; 1 order canceled; 1 position flattened: AAPL -100 (40 filled @ 99.5, order r-9 partially-filled)',
    );
    expect(describeOutcome({ head: 'halted', canceled: [], flattened: [] })).toBe('halted; 0 orders canceled; no position to flatten');
    expect(describeOutcome({ head: 'halted', canceled: [] })).toBe('halted; 0 orders canceled');
    expect(describeOutcome({ head: 'x', flattened: [flat({ orderId: null, status: 'not sent', filledQty: 0, avgFillPrice: null })] })).toBe('x; 1 position flattened: AAPL -100 (no closing order: not sent)');
  });
});
