// The trade blotter on hand-made fills: every field of a row, days in UTC and in another zone, one day only,
// totals per day, per symbol and overall, the venue of paper and live runs, and RFC 4180 CSV.
import { describe, expect, it } from 'vitest';
import { blotterCsv, buildBlotter } from '../../src/app/reports/blotter.ts';
import { parseReferenceCsv } from '../../src/app/reports/reference.ts';
import { at, fills, order, paperRun } from './records.ts';

const REF = parseReferenceCsv([
  'symbol,securityName,nameOfIssuer,titleOfClass,cusip,putCall,underlying',
  'AAA,"Triple A, Inc. ""common""",AAA INC,COM,68389X105,,',
  'AAA-C,AAA call,AAA INC,COM,68389X105,Call,AAA',
].join('\n'), 'ref.csv');

const FILLS = fills([
  ['r1-1', 'AAA', 'buy', 10, 100.5, 1.005, at('2024-12-30T15:00:00.000Z')],
  ['r1-2', 'AAA-C', 'buy', 2, 3.25, 0.65, at('2024-12-31T02:30:00.123Z'), 's2'],
  ['r1-3', 'AAA', 'sell', 4, 101, 0.404, at('2024-12-31T15:00:00.000Z')],
  ['r1-3', 'AAA', 'sell', 6, 101.5, 0.609, at('2024-12-31T15:00:01.000Z')],
  ['r1-4', 'BBB', 'buy', 7, 20, 0, at('2025-01-02T14:30:00.000Z')],
]);
const ORDERS = [
  order({ id: 'r1-1', symbol: 'AAA', side: 'buy', qty: 10, createdMs: 0 }),
  order({ id: 'r1-2', symbol: 'AAA-C', side: 'buy', qty: 2, createdMs: 0, type: 'limit' }),
  order({ id: 'r1-3', symbol: 'AAA', side: 'sell', qty: 10, createdMs: 0 }),
];

describe('trade blotter', () => {
  it('lists every fill with its fields; totals equal the fills; days are UTC days', () => {
    const b = buildBlotter({ run: paperRun(), fills: FILLS, orders: ORDERS, multipliers: new Map([['AAA-C', 100]]), reference: REF, date: null });
    expect(b.rows[1]).toEqual({
      tradeDate: '2024-12-31', tradeTime: '2024-12-31T02:30:00.123Z', account: 'r1', strategy: 's2', symbol: 'AAA-C', securityName: 'AAA call', cusip: '68389X105',
      side: 'buy', quantity: 2, unitPrice: 3.25, multiplier: 100, aggregatePrice: 650, commission: 0.65, netAmount: 650.65, liquidity: 'taker', venue: 'SIMULATED',
      venueOrderId: null, clientOrderId: 'r1-2', executionId: 'r1-2#1', orderType: 'limit',
    });
    expect(b.rows.map((r) => [r.tradeDate, r.securityName, r.aggregatePrice, r.netAmount, r.executionId, r.orderType])).toEqual([
      ['2024-12-30', 'Triple A, Inc. "common"', 1005, 1006.005, 'r1-1#1', 'market'],
      ['2024-12-31', 'AAA call', 650, 650.65, 'r1-2#1', 'limit'],
      ['2024-12-31', 'Triple A, Inc. "common"', 404, 403.596, 'r1-3#1', 'market'],
      ['2024-12-31', 'Triple A, Inc. "common"', 609, 608.391, 'r1-3#2', 'market'],
      ['2025-01-02', 'BBB', 140, 140, 'r1-4#1', null],
    ]);
    expect(b.totals).toEqual({ count: 5, boughtQuantity: 19, soldQuantity: 10, boughtValue: 1005 + 650 + 140, soldValue: 404 + 609, commission: 1.005 + 0.65 + 0.404 + 0.609 + 0 });
    expect(b.days.map((d) => [d.date, d.count, d.boughtValue, d.soldValue])).toEqual([['2024-12-30', 1, 1005, 0], ['2024-12-31', 3, 650, 1013], ['2025-01-02', 1, 140, 0]]);
    expect(b.symbols.map((s) => [s.symbol, s.count, s.boughtQuantity, s.soldQuantity])).toEqual([['AAA', 3, 10, 10], ['AAA-C', 1, 2, 0], ['BBB', 1, 7, 0]]);
  });

  it('one business day in New York time: the 02:30 UTC fill belongs to the 30th', () => {
    const b = buildBlotter({ run: paperRun(), fills: FILLS, orders: ORDERS, multipliers: new Map(), reference: null, date: '2024-12-30', timeZone: 'America/New_York' });
    expect(b.rows.map((r) => [r.executionId, r.tradeDate, r.securityName])).toEqual([['r1-1#1', '2024-12-30', 'AAA'], ['r1-2#1', '2024-12-30', 'AAA-C']]);
    expect(b.totals).toEqual({ count: 2, boughtQuantity: 12, soldQuantity: 0, boughtValue: 1005 + 6.5, soldValue: 0, commission: 1.005 + 0.65 });
    const utc = buildBlotter({ run: paperRun(), fills: FILLS, orders: ORDERS, multipliers: new Map(), reference: null, date: '2024-12-30' });
    expect(utc.rows.map((r) => r.executionId)).toEqual(['r1-1#1']);
  });

  it('a live run names its venue; a day without trades is an empty blotter', () => {
    const live = paperRun('r1', { venue: 'alpaca', replay: null }, 'live');
    const b = buildBlotter({ run: live, fills: FILLS, orders: ORDERS, multipliers: new Map(), reference: null, date: '2025-01-01' });
    expect([b.venue, b.rows.length, b.totals.count, b.days]).toEqual(['ALPACA', 0, 0, []]);
    expect(buildBlotter({ run: live, fills: FILLS, orders: ORDERS, multipliers: new Map(), reference: null, date: null }).rows[0]!.venue).toBe('ALPACA');
    // The venue's own order id where the store has one, null where the venue never acknowledged the order.
    const ids = buildBlotter({ run: live, fills: FILLS, orders: ORDERS, multipliers: new Map(), venueOrderIds: new Map([['r1-1', '61e69015-8549-4bfd-b9c3-01e75843f47d']]), reference: null, date: null });
    expect(ids.rows.map((r) => [r.clientOrderId, r.venueOrderId])).toEqual(ids.rows.map((r) => [r.clientOrderId, r.clientOrderId === 'r1-1' ? '61e69015-8549-4bfd-b9c3-01e75843f47d' : null]));
    expect(ids.rows.some((r) => r.venueOrderId !== null)).toBe(true);
  });

  it('CSV: a header of the field names, RFC 4180 quoting, CRLF records', () => {
    const b = buildBlotter({ run: paperRun(), fills: FILLS.slice(0, 2), orders: ORDERS, multipliers: new Map([['AAA-C', 100]]), reference: REF, date: null });
    expect(blotterCsv(b)).toBe(
      'tradeDate,tradeTime,account,strategy,symbol,securityName,cusip,side,quantity,unitPrice,multiplier,aggregatePrice,commission,netAmount,liquidity,venue,venueOrderId,clientOrderId,executionId,orderType\r\n'
      + '2024-12-30,2024-12-30T15:00:00.000Z,r1,s1,AAA,"Triple A, Inc. ""common""",68389X105,buy,10,100.5,1,1005,1.005,1006.005,taker,SIMULATED,,r1-1,r1-1#1,market\r\n'
      + '2024-12-31,2024-12-31T02:30:00.123Z,r1,s2,AAA-C,AAA call,68389X105,buy,2,3.25,100,650,0.65,650.65,taker,SIMULATED,,r1-2,r1-2#1,limit\r\n',
    );
  });
});
