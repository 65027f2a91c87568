import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../model/instrument.ts';
import { Order, type OrderRequest } from '../../model/order.ts';
import type { RiskView } from '../risk-engine.ts';
import { MarketHoursCheck } from './market-hours.ts';

const check = new MarketHoursCheck([makeInstrument('AAPL'), makeInstrument('BTC/USD', { assetClass: 'crypto' })]);
const at = (iso: string): RiskView => ({ nowMs: () => Date.parse(iso) }) as unknown as RiskView;
const order = (r: Partial<OrderRequest>): Order => new Order('o', 's', { symbol: 'AAPL', side: 'buy', type: 'market', qty: 1, ...r }, 0);

describe('market hours', () => {
  it.each([
    ['a market order in the session passes', {}, '2024-03-05T15:00:00Z', null],
    ['a market order before the open is denied', {}, '2024-03-05T14:29:00Z', /market closed: AAPL trades 09:30-16:00 America\/New_York, Monday to Friday/],
    ['a market order on a Saturday is denied', {}, '2024-03-09T15:00:00Z', /market closed/],
    ['an IOC limit after the close is denied', { type: 'limit', limitPrice: 100, tif: 'IOC' }, '2024-03-05T21:00:00Z', /IOC order cannot execute now/],
    ['a GTC limit after the close rests and passes', { type: 'limit', limitPrice: 100, tif: 'GTC' }, '2024-03-05T21:00:00Z', null],
    ['a stop outside the session passes', { type: 'stop', stopPrice: 90 }, '2024-03-09T15:00:00Z', null],
    ['crypto trades around the clock', { symbol: 'BTC/USD' }, '2024-03-09T03:00:00Z', null],
  ] as const)('%s', (_what, req, iso, expected) => {
    const r = check.check(order(req), 100, at(iso));
    if (expected === null) expect(r).toBeNull();
    else expect(r).toMatch(expected);
  });
});
