// Reports are checked at the boundary: a report that breaks its schema is an InvalidReportError naming
// the report, the field, the venue and the order or trade; nothing of it is used.
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../core/errors.ts';
import type { ExecutionClient } from './execution-client.ts';
import { queryOrderChecked, requestMassStatus } from './mass-status.ts';
import { InvalidReportError, parseReport, parseReports, type OrderStatusReport } from './reports.ts';

const order: OrderStatusReport = {
  clientOrderId: 'O-1', venueOrderId: 'V-9', symbol: 'AAPL', side: 'buy', type: 'limit', tif: 'GTC', status: 'partially-filled',
  qty: 100, filledQty: 30, avgFillPrice: 101.5, limitPrice: 102, stopPrice: null, reduceOnly: false, reason: '', createdMs: 1000, updatedMs: 2000,
};
const fill = { tradeId: 'T-1', clientOrderId: 'O-1', venueOrderId: 'V-9', symbol: 'AAPL', side: 'buy', qty: 30, price: 101.5, commission: 0.3, liquidity: 'maker', tsEventMs: 2000 };

function invalid(kind: Parameters<typeof parseReport>[0], data: unknown): InvalidReportError {
  try {
    parseReport(kind, 'fake-broker', data);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidReportError);
    expect(e).toBeInstanceOf(InvariantError);
    return e as InvalidReportError;
  }
  throw new Error(`expected ${JSON.stringify(data)} to be invalid`);
}

describe('report schemas', () => {
  it('accept well-formed reports unchanged', () => {
    expect(parseReport('OrderStatusReport', 'x', order)).toEqual(order);
    expect(parseReport('FillReport', 'x', fill)).toEqual(fill);
    expect(parseReport('PositionReport', 'x', { symbol: 'AAPL', qty: -5, avgPrice: 100, tsMs: 1 })).toEqual({ symbol: 'AAPL', qty: -5, avgPrice: 100, tsMs: 1 });
    expect(parseReport('BalanceReport', 'x', { currency: 'USD', total: 100, free: 60, locked: 40, tsMs: 1 })).toMatchObject({ total: 100 });
  });

  it.each([
    ['a fill beyond the quantity', { filledQty: 130 }, 'filledQty'],
    ['a filled order with quantity left', { status: 'filled' }, 'filledQty'],
    ['a partial fill of nothing', { filledQty: 0 }, 'filledQty'],
    ['fills without a price', { avgFillPrice: 0 }, 'avgFillPrice'],
    ['a limit order without a limit', { limitPrice: null }, 'limitPrice'],
    ['an update before creation', { updatedMs: 999 }, 'updatedMs'],
    ['an unknown status', { status: 'live' }, 'status'],
    ['an unknown order type', { type: 'iceberg' }, 'type'],
    ['a negative quantity', { qty: -1 }, 'qty'],
    ['NaN for a price', { limitPrice: Number.NaN }, 'limitPrice'],
    ['a missing venue order id', { venueOrderId: '' }, 'venueOrderId'],
    ['an extra field', { strategy: 's1' }, '(report)'],
  ])('refuse an order status report with %s', (_what, change, field) => {
    const e = invalid('OrderStatusReport', { ...order, ...change });
    expect(e.field).toBe(field);
    expect(e.venue).toBe('fake-broker');
    expect(e.message).toContain('invalid OrderStatusReport from fake-broker');
    expect(e.message).toContain(`field "${field}"`);
    expect(e.message).toContain('(order O-1)');
  });

  it('refuse fills, positions and balances that cannot be booked', () => {
    expect(invalid('FillReport', { ...fill, qty: 0 }).message).toMatch(/field "qty".*\(trade T-1\)/);
    expect(invalid('FillReport', { ...fill, price: Infinity }).field).toBe('price');
    expect(invalid('FillReport', { ...fill, tsEventMs: 1.5 }).field).toBe('tsEventMs');
    expect(invalid('PositionReport', { symbol: 'AAPL', qty: 5, avgPrice: 0, tsMs: 1 }).field).toBe('avgPrice');
    expect(invalid('BalanceReport', { currency: 'USD', total: 100, free: 50, locked: 40, tsMs: 1 }).field).toBe('total');
    expect(() => parseReports('FillReport', 'fake-broker', { fills: [] })).toThrow(/expected an array of FillReport, got object/);
  });
});

describe('mass status', () => {
  const client = (over: Partial<Record<'openOrders' | 'fillsSince' | 'positions' | 'balances' | 'queryOrder', unknown>>): ExecutionClient =>
    ({
      venue: 'fake-broker',
      openOrders: async () => over.openOrders ?? [order],
      fillsSince: async () => over.fillsSince ?? [fill],
      positions: async () => over.positions ?? [{ symbol: 'AAPL', qty: 30, avgPrice: 101.5, tsMs: 2000 }],
      balances: async () => over.balances ?? [{ currency: 'USD', total: 10, free: 10, locked: 0, tsMs: 2000 }],
      queryOrder: async () => over.queryOrder ?? null,
    }) as unknown as ExecutionClient;

  it('gathers and validates every part', async () => {
    const ms = await requestMassStatus(client({}), 1500);
    expect(ms).toMatchObject({ venue: 'fake-broker', sinceMs: 1500, openOrders: [order], fills: [fill] });
    expect(ms.positions).toHaveLength(1);
    expect(ms.balances[0]!.total).toBe(10);
  });

  it('fails as a whole on one bad report', async () => {
    await expect(requestMassStatus(client({ fillsSince: [fill, { ...fill, tradeId: 'T-2', side: 'short' }] }), 0)).rejects.toThrow(/invalid FillReport from fake-broker: field "side".*\(trade T-2\)/);
    await expect(requestMassStatus(client({ positions: [{ symbol: 'AAPL', qty: 'ten', avgPrice: 1, tsMs: 1 }] }), 0)).rejects.toBeInstanceOf(InvalidReportError);
  });

  it('queries one order: null when unknown, an error when malformed', async () => {
    expect(await queryOrderChecked(client({}), 'O-2')).toBeNull();
    expect(await queryOrderChecked(client({ queryOrder: order }), 'O-1')).toEqual(order);
    await expect(queryOrderChecked(client({ queryOrder: { ...order, filledQty: -1 } }), 'O-1')).rejects.toThrow(/field "filledQty"/);
  });
});
