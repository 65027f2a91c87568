// Alpaca payloads at the boundary and credentials: a payload missing a field, with a wrong type or an
// unknown status is refused with an error naming the field (unit, then through the client over the
// fake server, which keeps working); the key and secret never appear in an error, a log line, an event
// or a report, and reach the venue only in Alpaca's two headers.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, InvariantError } from '../../src/core/errors.ts';
import { Order } from '../../src/model/order.ts';
import { AlpacaExecutionClient, AlpacaPayloadError, createAlpacaExecutionClient } from '../../src/brokers/alpaca/index.ts';
import { orderReport, parseAccount, parseFillActivity, parseOrder, parsePosition, parseTradeUpdate } from '../../src/brokers/alpaca/parse.ts';
import { fromAlpacaSymbol } from '../../src/brokers/alpaca/symbols.ts';
import { OrderStatusReportSchema } from '../../src/execution/reports.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import { AlpacaFaults } from '../fakes/alpaca/faults.ts';
import { orderJson } from '../fakes/alpaca/payloads.ts';
import type { FakeOrder } from '../fakes/fake-exchange.ts';
import { alpacaSetup, clientOptions, type AlpacaSetup } from './alpaca-setup.ts';

// Shaped after the EquityOrderResponse example of Alpaca's OpenAPI spec (alpacahq/alpaca-trade-api-js,
// tooling/specs/trading-api.json, Apache-2.0).
const ORDER = {
  id: '7b08df51-c1ac-453c-99f9-323a5f075f0d', client_order_id: '5680c4bc-9ac1-4a12-a44c-df427ba53032',
  created_at: '2023-12-12T22:31:24.668464435Z', updated_at: '2023-12-12T22:31:24.668464435Z', submitted_at: '2023-12-12T22:31:24.577215743Z',
  filled_at: null, expired_at: null, canceled_at: null, failed_at: null, replaced_at: null, replaced_by: null, replaces: null,
  asset_id: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415', symbol: 'AAPL', asset_class: 'us_equity', notional: null, qty: '2', filled_qty: '0',
  filled_avg_price: null, order_class: '', order_type: 'limit', type: 'limit', side: 'buy', time_in_force: 'gtc', limit_price: '150',
  stop_price: null, status: 'accepted', extended_hours: false, legs: null, trail_percent: null, trail_price: null, hwm: null, subtag: null, source: null,
};
const without = (o: Record<string, unknown>, k: string): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([key]) => key !== k));
const fieldOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AlpacaPayloadError);
    expect(e).toBeInstanceOf(InvariantError);
    return (e as AlpacaPayloadError).field;
  }
  throw new Error('accepted a bad payload');
};

describe('Alpaca payloads at the boundary', () => {
  it('reads the spec example order into a valid OrderStatusReport', () => {
    const r = orderReport(parseOrder(ORDER));
    expect(OrderStatusReportSchema.parse(r)).toMatchObject({ clientOrderId: ORDER.client_order_id, venueOrderId: ORDER.id, qty: 2, limitPrice: 150, status: 'accepted', tif: 'GTC', type: 'limit' });
    expect(r.createdMs).toBe(Date.parse('2023-12-12T22:31:24.668Z'));
  });

  it('refuses a missing field, a wrong type and an unknown status, naming the field and the order', () => {
    expect(fieldOf(() => parseOrder(without(ORDER, 'filled_qty')))).toBe('filled_qty');
    expect(fieldOf(() => parseOrder({ ...ORDER, qty: 2 }))).toBe('qty');
    expect(fieldOf(() => parseOrder({ ...ORDER, limit_price: 'abc' }))).toBe('limit_price');
    expect(fieldOf(() => parseOrder({ ...ORDER, status: 'zombie' }))).toBe('status');
    expect(fieldOf(() => parseOrder({ ...ORDER, created_at: 'yesterday' }))).toBe('created_at');
    expect(fieldOf(() => parseOrder({ ...ORDER, side: 'short' }))).toBe('side');
    expect(() => parseOrder({ ...ORDER, status: 'zombie' })).toThrow(/invalid alpaca order: field "status": .*\(order 5680c4bc/);
    expect(fieldOf(() => parseTradeUpdate({ event: 'teleported', order: ORDER }))).toBe('event');
    expect(fieldOf(() => parseTradeUpdate({ event: 'fill', order: { ...ORDER, id: 7 } }))).toBe('order.id');
    expect(fieldOf(() => parseTradeUpdate({ event: 'fill', order: ORDER, price: 12.5 }))).toBe('price');
    const fill = { id: '20231212223124668::8efc7b9a-8b2b-4000-9955-d36e7db0df74', activity_type: 'FILL', transaction_time: '2023-12-12T22:31:24.668Z', type: 'fill', price: '150', qty: '2', side: 'buy', symbol: 'AAPL', leaves_qty: '0', order_id: ORDER.id, cum_qty: '2', order_status: 'filled' };
    expect(parseFillActivity(fill)).toMatchObject({ price: 150, qty: 2, cum_qty: 2 });
    expect(fieldOf(() => parseFillActivity(without(fill, 'order_id')))).toBe('order_id');
    expect(fieldOf(() => parseFillActivity({ ...fill, qty: '-2' }))).toBe('qty');
    expect(fieldOf(() => parsePosition({ symbol: 'AAPL', qty: '5', side: 'sideways', avg_entry_price: '10' }))).toBe('side');
    expect(fieldOf(() => parseAccount({ currency: 'USD', cash: 100 }))).toBe('cash');
  });

  it('maps crypto symbols back from the slashless spelling of positions', () => {
    expect(fromAlpacaSymbol('BTCUSD', 'crypto')).toBe('BTC/USD');
    expect(fromAlpacaSymbol('ETHUSDT', 'crypto')).toBe('ETH/USDT');
    expect(fromAlpacaSymbol('BTC/USD', 'crypto')).toBe('BTC/USD');
    expect(fromAlpacaSymbol('AAPL', 'us_equity')).toBe('AAPL');
  });

  it('the fake server writes orders the adapter parses (payload shapes agree)', () => {
    const o: FakeOrder = { clientOrderId: 'c', venueOrderId: '1', symbol: 'BTC/USD', side: 'sell', type: 'trailing-stop', tif: 'GTC', qty: 0.25, limitPrice: null, stopPrice: 95, trailing: { kind: 'percent', value: 5 }, status: 'partially-filled', filledQty: 0.1, avgFillPrice: 100, triggered: false, reason: '', createdMs: 1e12, updatedMs: 1e12 + 5, extreme: 100 };
    const p = parseOrder(orderJson(o, { id: 'u-1', assetId: 'a', tif: 'gtc', replacedBy: null, replaces: null, replacedAtMs: null }));
    expect(OrderStatusReportSchema.parse(orderReport(p))).toMatchObject({ symbol: 'BTC/USD', type: 'trailing-stop', status: 'partially-filled', filledQty: 0.1, qty: 0.25, stopPrice: 95 });
  });
});

let setup: AlpacaSetup | undefined;
afterEach(async () => {
  await setup?.close?.();
  setup = undefined;
});

describe('Alpaca payloads through the client', () => {
  it('a bad answer to a query is an error naming the field; the client keeps working', async () => {
    const rec = new RecordingSink();
    setup = await alpacaSetup(rec, { faults: new AlpacaFaults() }, { readRetry: { attempts: 2, baseMs: 5, maxMs: 10 } });
    const client = setup.client;
    await client.connect();
    setup.server.quote('AAPL', { bid: 99, ask: 100 });
    const o = new Order('P-1', 'p', { symbol: 'AAPL', side: 'buy', type: 'limit', qty: 5, limitPrice: 95 }, setup.driver.now());
    client.submit(o, setup.driver.now());
    await setup.driver.settle();
    expect(o.status).toBe('accepted');
    setup.server.tamperRest = (_m, path, body) => (path.includes('by_client_order_id') ? { ...(body as object), status: 'zombie' } : body);
    await expect(client.queryOrder(o.id)).rejects.toThrow(/invalid alpaca order: field "status"/);
    setup.server.tamperRest = (_m, path, body) => (path === '/v2/positions' ? [{ symbol: 'AAPL', qty: 5, side: 'long', avg_entry_price: '95' }] : body);
    await expect(client.positions()).rejects.toThrow(/invalid alpaca position: field "qty"/);
    setup.server.tamperRest = null;
    expect(await client.queryOrder(o.id)).toMatchObject({ status: 'accepted', qty: 5 });
    expect(await client.positions()).toEqual([]);
  });

  it('a bad trade update is refused naming the field and the order is read back by REST instead', async () => {
    const rec = new RecordingSink();
    const lines: string[] = [];
    setup = await alpacaSetup(rec, { faults: new AlpacaFaults() }, { log: (l) => lines.push(l) });
    const client = setup.client;
    await client.connect();
    setup.server.quote('AAPL', { bid: 99, ask: 100 });
    const o = new Order('P-2', 'p', { symbol: 'AAPL', side: 'buy', type: 'limit', qty: 5, limitPrice: 95 }, setup.driver.now());
    client.submit(o, setup.driver.now());
    await setup.driver.settle();
    setup.server.tamperFrame = (d) => (d.event === 'fill' ? { ...d, order: { ...(d.order as object), filled_qty: 5 } } : d);
    setup.server.quote('AAPL', { bid: 94, ask: 95 });
    await until(() => o.status === 'filled', 'filled from the REST read-back');
    expect(lines.some((l) => /invalid alpaca trade update: field "order.filled_qty"/.test(l))).toBe(true);
    expect(rec.fills(o.id).map((f) => [f.qty, f.price])).toEqual([[5, 95]]);
  });
});

describe('Alpaca credentials', () => {
  const KEY = 'PKLEAKCHECKKEY0000042';
  const SECRET = 'leakCheckSecret000000000000000000000042xyz';

  it('never appear in errors, log lines, events or reports; reach Alpaca only in its two headers', async () => {
    const rec = new RecordingSink();
    const lines: string[] = [];
    const errors: string[] = [];
    setup = await alpacaSetup(rec, { keyId: KEY, secretKey: SECRET, faults: new AlpacaFaults() }, { keyId: KEY, secretKey: SECRET, requestTimeoutMs: 300, log: (l) => lines.push(l) });
    const { server } = setup;
    const client = setup.client as AlpacaExecutionClient;
    await client.connect();
    server.quote('AAPL', { bid: 99, ask: 100 });
    for (const kind of ['lost-reply', '500', 'malformed', '429'] as const) server.faults.next({ kind, method: 'POST', path: '/v2/orders', delayMs: 500, retryAfterS: 0 });
    const orders = [1, 2, 3, 4, 5].map((i) => new Order(`K-${i}`, 'k', { symbol: 'AAPL', side: 'buy', type: 'market', qty: 1 }, setup!.driver.now()));
    for (const o of orders) client.submit(o, setup.driver.now());
    client.submit(new Order('K-bad', 'k', { symbol: 'AAPL', side: 'buy', type: 'limit', qty: 1, limitPrice: 95, tif: 'DAY' }, setup.driver.now()), setup.driver.now());
    client.cancel('K-unknown', setup.driver.now());
    await client.idle();
    server.dropStreams();
    await until(() => client.connectionState === 'connected' && rec.connection.some((e) => e.state === 'reconnecting'), 'reconnected');
    const reports = JSON.stringify([await client.openOrders(), await client.fillsSince(0), await client.positions(), await client.balances(), await client.queryOrder('K-1')]);
    // Wrong secret: refused at connect, and the error does not echo either credential.
    const wrong = createAlpacaExecutionClient(clientOptions(server, { keyId: KEY, secretKey: `${SECRET}-wrong`, log: (l) => lines.push(l) }), rec);
    await wrong.connect().catch((e: unknown) => errors.push(String(e), JSON.stringify(e), (e as Error).stack ?? ''));
    expect(errors.join('\n')).toMatch(/401 not authenticated/);
    // Queries refused while disconnected, errors from a failing call.
    await client.disconnect();
    await client.queryOrder('K-1').catch((e: unknown) => errors.push(String(e), JSON.stringify(e)));

    const everything = [JSON.stringify(rec.orderEvents), JSON.stringify(rec.connection), JSON.stringify(rec.rejected), lines.join('\n'), errors.join('\n'), reports, JSON.stringify(client.anomalies)].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [KEY, SECRET, `${SECRET}-wrong`]) expect(everything).not.toContain(secret);
    // On the wire: Alpaca's headers, never the URL.
    expect(server.httpLog.every((l) => !l.path.includes(SECRET) && !l.path.includes(KEY))).toBe(true);
    expect(server.httpLog.filter((l) => l.status !== 401).every((l) => l.keyId === KEY)).toBe(true);
    expect(server.duplicateAcceptances()).toEqual([]);
  });

  it('are read from APCA_API_KEY_ID / APCA_API_SECRET_KEY; a half-set pair is a ConfigError naming the variable', async () => {
    const rec = new RecordingSink();
    setup = await alpacaSetup(rec, { faults: new AlpacaFaults() });
    const { server } = setup;
    const fromEnv = createAlpacaExecutionClient({ ...clientOptions(server), keyId: undefined, secretKey: undefined, env: { APCA_API_KEY_ID: server.keyId, APCA_API_SECRET_KEY: server.secretKey } }, rec);
    await fromEnv.connect();
    expect(fromEnv.connectionState).toBe('connected');
    await fromEnv.disconnect();
    expect(() => createAlpacaExecutionClient({ ...clientOptions(server), keyId: undefined, secretKey: undefined, env: { APCA_API_KEY_ID: 'PKX' } }, rec)).toThrow(ConfigError);
    expect(() => createAlpacaExecutionClient({ ...clientOptions(server), keyId: undefined, secretKey: undefined, env: { APCA_API_KEY_ID: 'PKX' } }, rec)).toThrow(/APCA_API_SECRET_KEY/);
    expect(() => createAlpacaExecutionClient({ ...clientOptions(server), keyId: undefined, secretKey: undefined, env: {} }, rec)).toThrow(/APCA_API_KEY_ID and APCA_API_SECRET_KEY/);
  });
});
