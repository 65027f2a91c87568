// Transaction cost analysis on hand-made orders, fills and bars: arrival price, average fill, period VWAP,
// Perold's implementation shortfall (execution + opportunity + fees), slippage in basis points, totals; a
// replay's clock (a bar is known at its label) and a real clock (a bar is known one bar after its label).
import { describe, expect, it } from 'vitest';
import { dataSpecs, tcaSources } from '../../src/app/reports/run-records.ts';
import { buildTca } from '../../src/app/reports/tca.ts';
import { series } from '../helpers/bars.ts';
import { DAY, fills, order, paperRun, records } from './records.ts';

const T = Date.UTC(2024, 11, 2);
const t = (i: number): number => T + i * DAY;
const BARS = series([
  [100, 102, 98, 101, 1000],
  [102, 104, 100, 103, 2000],
  [103, 106, 101, 105, 1000],
  [105, 108, 104, 107, 3000],
], { symbol: 'X', startMs: T });

const ORDERS = [
  order({ id: 'A', symbol: 'X', side: 'buy', qty: 10, createdMs: t(0) }),
  order({ id: 'B', symbol: 'X', side: 'sell', qty: 20, createdMs: t(1), status: 'canceled', updatedMs: t(3), type: 'limit' }),
  order({ id: 'C', symbol: 'X', side: 'buy', qty: 5, createdMs: t(1), status: 'canceled', updatedMs: t(2), type: 'limit' }),
  order({ id: 'D', symbol: 'X', side: 'buy', qty: 5, createdMs: t(1), status: 'denied' }),
];
const FILLS = fills([
  ['A', 'X', 'buy', 10, 102, 1.02, t(1)],
  ['B', 'X', 'sell', 3, 104, 0.3, t(2)],
  ['B', 'X', 'sell', 2, 104.5, 0.2, t(2)],
]);

describe('transaction cost analysis', () => {
  const r = buildTca({ records: records(paperRun(), ORDERS, FILLS), series: [BARS], data: ['csv:x.csv'] });

  it('a market buy filled at the next open: arrival is the signal bar\'s close, VWAP the fill bar\'s typical price', () => {
    const a = r.orders[0]!;
    expect([a.clientOrderId, a.arrivalPrice, a.averageFillPrice, a.periodVwap, a.endPrice, a.executionCost, a.opportunityCost, a.fees, a.venue]).toEqual(['A', 101, 102, 307 / 3, null, 10, 0, 1.02, 'SIMULATED']);
    expect(a.implementationShortfall).toBeCloseTo(11.02, 12);
    expect(a.implementationShortfallBps).toBeCloseTo((11.02 / 1010) * 1e4, 9);
    expect(a.arrivalSlippageBps).toBeCloseTo((1 / 101) * 1e4, 9);
    expect(a.vwapSlippageBps).toBeCloseTo(((102 - 307 / 3) / (307 / 3)) * 1e4, 9);
    expect([a.createdTime, a.lastFillTime, a.fills, a.filledQuantity]).toEqual(['2024-12-02T00:00:00.000Z', '2024-12-03T00:00:00.000Z', 1, 10]);
  });

  it('a sell limit partly filled then canceled: execution gain, opportunity cost of the unfilled 15 at the cancel\'s close', () => {
    const b = r.orders[1]!;
    expect([b.clientOrderId, b.arrivalPrice, b.periodVwap, b.endPrice, b.filledQuantity, b.fills, b.status]).toEqual(['B', 103, 104, 107, 5, 2, 'canceled']);
    expect(b.averageFillPrice).toBeCloseTo(104.2, 12);
    expect(b.executionCost).toBeCloseTo(-6, 9); // sold 1.2 above arrival
    expect(b.opportunityCost).toBeCloseTo(-60, 9); // the price rose 4 while 15 stayed unsold
    expect(b.implementationShortfall).toBeCloseTo(-65.5, 9);
    expect(b.implementationShortfallBps).toBeCloseTo((-65.5 / (20 * 103)) * 1e4, 9);
    expect(b.vwapSlippageBps).toBeCloseTo((-0.2 / 104) * 1e4, 9);
  });

  it('orders that never traded are counted, denied ones not; totals add up the costed orders', () => {
    expect(r.orders.map((o) => o.clientOrderId)).toEqual(['A', 'B']);
    expect(r.unfilledOrders).toBe(1);
    const tot = r.totals;
    expect(tot.orders).toBe(2);
    expect(tot.filledNotional).toBeCloseTo(1020 + 521, 9);
    expect(tot.executionCost).toBeCloseTo(10 - 6, 9);
    expect(tot.opportunityCost).toBeCloseTo(-60, 9);
    expect(tot.fees).toBeCloseTo(1.52, 12);
    expect(tot.implementationShortfall).toBeCloseTo(11.02 - 65.5, 9);
    expect(tot.implementationShortfallBps).toBeCloseTo(((11.02 - 65.5) / (1010 + 2060)) * 1e4, 9);
    const vA = ((102 - 307 / 3) / (307 / 3)) * 1e4;
    const vB = (-0.2 / 104) * 1e4;
    expect(tot.vwapSlippageBps).toBeCloseTo((vA * 1020 + vB * 521) / 1541, 9);
    expect(tot.withoutArrival).toBe(0);
  });

  it('on a real clock a bar is known one bar after its label; the bar in progress makes the VWAP', () => {
    const live = paperRun('r1', { venue: 'alpaca', replay: null }, 'live');
    // Created 5 minutes after bar 1 closed (so bar 1's close is the latest price), filled 1 minute later in bar 2.
    const created = t(2) + 300_000;
    const o = [order({ id: 'L', symbol: 'X', side: 'buy', qty: 4, createdMs: created })];
    const f = fills([['L', 'X', 'buy', 4, 103.5, 0, created + 60_000]]);
    const l = buildTca({ records: records(live, o, f, { X: 2 }), series: [BARS], data: ['store:X'] }).orders[0]!;
    expect([l.arrivalPrice, l.periodVwap, l.venue, l.multiplier]).toEqual([103, (106 + 101 + 105) / 3, 'ALPACA', 2]);
    expect(l.executionCost).toBeCloseTo(0.5 * 4 * 2, 12);
  });

  it('without bars: no arrival price, no VWAP; the fill and fees are still reported and the totals say so', () => {
    const n = buildTca({ records: records(paperRun(), ORDERS, FILLS), series: [], data: [] });
    expect(n.orders.map((o) => [o.arrivalPrice, o.periodVwap, o.implementationShortfall, o.averageFillPrice, o.fees])).toEqual([[null, null, null, 102, 1.02], [null, null, null, n.orders[1]!.averageFillPrice, 0.5]]);
    expect([n.totals.withoutArrival, n.totals.implementationShortfallBps, n.totals.vwapSlippageBps]).toEqual([2, null, null]);
  });

  it('bars without volume: the VWAP is the plain mean of typical prices', () => {
    const flat = series([[100, 102, 98, 101, 0], [102, 104, 100, 103, 0], [103, 106, 101, 105, 0]], { symbol: 'X', startMs: T });
    const o = [order({ id: 'W', symbol: 'X', side: 'buy', qty: 1, createdMs: t(0) })];
    const w = buildTca({ records: records(paperRun(), o, fills([['W', 'X', 'buy', 1, 104, 0, t(2)]])), series: [flat], data: [] }).orders[0]!;
    expect(w.periodVwap).toBeCloseTo(((104 + 100 + 103) / 3 + (106 + 101 + 105) / 3) / 2, 12);
  });

  it('where the bars come from: --data, else a replay run\'s own source; the 13F needs one of them', () => {
    const replay = paperRun('r1', { replay: 'csv:orcl.csv' });
    const live = paperRun('r2', { venue: 'alpaca', replay: null }, 'live');
    expect([tcaSources(['store:ORCL'], replay), tcaSources([], replay), tcaSources(undefined, live)]).toEqual([['store:ORCL'], ['csv:orcl.csv'], []]);
    expect(dataSpecs([], [records(replay, [], []), records(paperRun('r3', { replay: 'csv:orcl.csv' }), [], []), records(live, [], [])])).toEqual(['csv:orcl.csv']);
    expect(() => dataSpecs(undefined, [records(live, [], [])])).toThrow('field "--data": the run stores no replay source to price it: give the bars with --data (csv:<path>, store:<symbol>)');
  });
});
