// Bad venue payloads at the Binance adapter's boundary: a field missing, of the wrong type, an unknown
// status. Each is refused with an error that names the field; a bad stream message is dropped (and
// noted) without touching any order or the link; a bad REST reply fails the query or, for a submit, is
// ambiguous and resolved by looking the order up, never by sending it again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Order } from '../../src/model/order.ts';
import { CcxtOrderSchema, CcxtTradeSchema, parseVenue, VenuePayloadError } from '../../src/brokers/ccxt/parse.ts';
import type { CcxtExecutionClient } from '../../src/brokers/ccxt/index.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import { startHarness, type SpotHarness } from '../fakes/binance/spot-setup.ts';
import { executionReport } from '../fakes/binance/spot-payloads.ts';

const goodOrder = { id: '1000001', clientOrderId: 'C1', symbol: 'BTC/USDT', type: 'limit', side: 'buy', status: 'open', amount: 1, filled: 0, price: 100, timestamp: 1_700_000_000_000 };
const goodTrade = { id: '5000001', order: '1000001', symbol: 'BTC/USDT', side: 'buy', price: 100, amount: 1, timestamp: 1_700_000_000_000, takerOrMaker: 'taker', fee: { cost: 0.1, currency: 'USDT' } };

describe('ccxt payloads parsed at the boundary', () => {
  it.each([
    ['a missing order id', { ...goodOrder, id: undefined }, 'id'],
    ['an amount of the wrong type', { ...goodOrder, amount: '1.0' }, 'amount'],
    ['an unknown status', { ...goodOrder, status: 'WEIRD' }, 'status'],
    ['a negative filled quantity', { ...goodOrder, filled: -1 }, 'filled'],
    ['a raw payload that is not an object', { ...goodOrder, info: 'NEW' }, 'info'],
  ])('refuses an order with %s, naming the field', (_what, payload, field) => {
    expect(() => parseVenue(CcxtOrderSchema, 'binance', 'order', payload)).toThrow(VenuePayloadError);
    expect(() => parseVenue(CcxtOrderSchema, 'binance', 'order', payload)).toThrow(`invalid order from binance: field "${field}"`);
  });

  it.each([
    ['a missing price', { ...goodTrade, price: undefined }, 'price'],
    ['a trade id of the wrong type', { ...goodTrade, id: 5000001 }, 'id'],
    ['an unknown side', { ...goodTrade, side: 'long' }, 'side'],
    ['a raw payload that is a list', { ...goodTrade, info: [1, 2] }, 'info'],
  ])('refuses a trade with %s, naming the field', (_what, payload, field) => {
    expect(() => parseVenue(CcxtTradeSchema, 'binance', 'trade', payload)).toThrow(`invalid trade from binance: field "${field}"`);
  });

  it('accepts the well-formed ones', () => {
    expect(parseVenue(CcxtOrderSchema, 'binance', 'order', goodOrder).id).toBe('1000001');
    expect(parseVenue(CcxtTradeSchema, 'binance', 'trade', goodTrade).amount).toBe(1);
    // The venue's raw payload is kept as it came (read field by field where it is used).
    const info = { X: 'NEW', c: 'C1', i: 1000001 };
    expect(parseVenue(CcxtOrderSchema, 'binance', 'order', { ...goodOrder, info }).info).toEqual(info);
    expect(parseVenue(CcxtOrderSchema, 'binance', 'order', { ...goodOrder, info: null }).info).toBeNull();
  });
});

describe('bad payloads from the fake Binance server', () => {
  let h: SpotHarness;
  let client: CcxtExecutionClient;
  let rec: RecordingSink;

  beforeEach(async () => {
    h = await startHarness();
    rec = new RecordingSink();
    client = h.make(rec);
    await client.connect();
    h.fake.quote('BTCUSDT', { bid: 99, ask: 100 });
  });
  afterEach(async () => {
    await h.close();
  });

  async function resting(id: string): Promise<Order> {
    const o = new Order(id, 's', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', limitPrice: 95, qty: 1 }, h.fake.exchange.now());
    client.submit(o, h.fake.exchange.now());
    await h.settle(client);
    expect(o.status).toBe('accepted');
    return o;
  }

  it('drops stream reports with an unknown status, a quantity that is not a number or no order id, and keeps trading', async () => {
    const o = await resting('P1');
    const v = h.fake.exchange.order({ clientOrderId: 'P1' })!;
    const base = executionReport(v, 'NEW', h.fake.exchange.now());
    const noted = async (field: string): Promise<void> => until(() => client.anomalies.some((a) => a.includes(`field "${field}"`)), `a report with a bad ${field} noted`);
    h.fake.injectEvent({ ...base, X: 'WEIRD', x: 'WEIRD' });
    await noted('status');
    const fill = { tradeId: '777', venueOrderId: v.venueOrderId, clientOrderId: 'P1', symbol: 'BTCUSDT', side: 'buy' as const, qty: 0.5, price: 95, commission: 0, liquidity: 'taker' as const, tsMs: h.fake.exchange.now() };
    h.fake.injectEvent({ ...executionReport({ ...v, filledQty: 0.5, avgFillPrice: 95, status: 'partially-filled' }, 'TRADE', h.fake.exchange.now(), fill, 'USDT'), l: 'abc' });
    await noted('amount');
    h.fake.injectEvent({ ...base, i: undefined, c: 'P-unknown' });
    await noted('id');
    expect(o.status).toBe('accepted');
    expect(o.filledQty).toBe(0);
    expect(client.connectionState).toBe('connected');
    // The real fill still arrives, once.
    h.fake.quote('BTCUSDT', { bid: 94, ask: 95 });
    await h.settle(client);
    expect(o.status).toBe('filled');
    expect(rec.fills('P1').map((f) => [f.qty, f.price])).toEqual([[1, 95]]);
  });

  it('fails a query whose reply has an unknown status or a missing field, naming the field', async () => {
    await resting('P2');
    for (let i = 0; i < 4; i++) h.fake.faults.next({ kind: 'corrupt', method: 'GET', path: '/api/v3/order', mutate: (b) => ({ ...(b as object), status: 'WEIRD' }) });
    await expect(client.queryOrder('P2')).rejects.toThrow(/field "status"/);
    for (let i = 0; i < 4; i++) h.fake.faults.next({ kind: 'corrupt', method: 'GET', path: '/api/v3/openOrders', mutate: (b) => (b as Record<string, unknown>[]).map(({ origQty: _q, ...rest }) => rest) });
    await expect(client.openOrders()).rejects.toThrow(/field "amount"/);
    // A garbled reply is retried: one bad answer, then a good one.
    h.fake.faults.next({ kind: 'malformed', method: 'GET', path: '/api/v3/order' });
    expect(await client.queryOrder('P2')).toMatchObject({ clientOrderId: 'P2', status: 'accepted' });
  });

  it('resolves a submit whose reply cannot be read by looking the order up: one order at the venue', async () => {
    h.fake.faults.next({ kind: 'corrupt', method: 'POST', path: '/api/v3/order', mutate: (b) => ({ ...(b as object), status: 42, executedQty: 'lots' }) });
    const o = new Order('P3', 's', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1 }, h.fake.exchange.now());
    client.submit(o, h.fake.exchange.now());
    await h.settle(client);
    expect(o.status).toBe('filled');
    expect(h.fake.exchange.requests.filter((r) => r.clientOrderId === 'P3')).toHaveLength(1);
    expect(rec.fills('P3')).toHaveLength(1);
    expect(client.anomalies.join('\n')).toMatch(/submit P3: send-failed ambiguous/);
  });
});
