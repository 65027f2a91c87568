// One fault at a time against the fake Binance spot server, with what the adapter must do about it
// (docs/venues/binance.md, "Faults"): the scenario table behind the soak in ccxt-faults.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Order, type OrderRequest } from '../../src/model/order.ts';
import { createCcxtExecutionClient, type CcxtExecutionClient } from '../../src/brokers/ccxt/index.ts';
import { prepareOrder, type MarketLike } from '../../src/brokers/ccxt/symbols.ts';
import { classifyCcxtError } from '../../src/brokers/ccxt/errors.ts';
import { makeExchange } from '../../src/brokers/ccxt/exchange.ts';
import { DDoSProtection, InsufficientFunds, InvalidNonce, InvalidOrder, OrderNotFound, RequestTimeout, ExchangeNotAvailable } from 'ccxt';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import { startHarness, type SpotHarness } from '../fakes/binance/spot-setup.ts';

describe('market rules before sending', () => {
  const m: MarketLike = { symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', precision: { amount: 0.00001, price: 0.01 }, limits: { amount: { min: 0.00001, max: 9000 }, price: { min: 0.01 }, cost: { min: 5 } } };
  const o = (r: Partial<OrderRequest>): Order => new Order('R', 's', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 1, limitPrice: 100, ...r }, 0);
  it.each([
    [{ qty: 0.123456 }, /not a multiple of BTC\/USDT's lot step 0.00001/],
    [{ limitPrice: 100.001 }, /limit price 100.001 is not a multiple of BTC\/USDT's tick 0.01/],
    [{ qty: 0.01, limitPrice: 100 }, /notional 1 is below BTC\/USDT's minimum 5 USDT/],
    [{ qty: 10000 }, /quantity 10000 is above BTC\/USDT's maximum 9000/],
  ])('refuses %j with a clear reason', (r, reason) => {
    const p = prepareOrder(m, o(r));
    expect(p.ok).toBe(false);
    expect(!p.ok && p.reason).toMatch(reason);
  });
  it('passes values on the grid, float noise included', () => {
    expect(prepareOrder(m, o({ qty: 0.1 + 0.2, limitPrice: 100.1 }))).toEqual({ ok: true, value: { amount: 0.3, price: 100.1 } });
  });
});

describe('exchange ids', () => {
  it('makes a client for any ccxt.pro exchange, and names an unknown id', () => {
    const sink = new RecordingSink();
    expect(createCcxtExecutionClient({ exchangeId: 'bybit', apiKey: 'k', secret: 's' }, sink).venue).toBe('bybit');
    expect(() => createCcxtExecutionClient({ exchangeId: 'no-such-exchange', apiKey: 'k', secret: 's' }, sink)).toThrow(/ccxt.pro has no exchange "no-such-exchange"/);
  });
});

describe('ccxt errors grouped by what the adapter does', () => {
  it.each([
    [new RequestTimeout('binance POST ... request timed out'), 'ambiguous'],
    [new ExchangeNotAvailable('binance 503'), 'ambiguous'],
    [new DDoSProtection('binance 429 Too Many Requests {"code":-1003,"msg":"Too many requests"}'), 'ambiguous'],
    [new InvalidNonce('binance {"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}'), 'clock'],
    [new InvalidOrder('binance {"code":-2010,"msg":"Duplicate order sent."}'), 'duplicate'],
    [new InvalidOrder('binance {"code":-1013,"msg":"Filter failure: LOT_SIZE"}'), 'rejected'],
    [new InsufficientFunds('binance {"code":-2010,"msg":"Account has insufficient balance for requested action."}'), 'insufficient-funds'],
    [new OrderNotFound('binance {"code":-2013,"msg":"Order does not exist."}'), 'not-found'],
    [new TypeError("Cannot use 'in' operator"), 'ambiguous'],
  ])('%s is %s', (e, kind) => {
    expect(classifyCcxtError(e).kind).toBe(kind);
  });
  it('keeps the venue message and the Retry-After', () => {
    expect(classifyCcxtError(new InvalidOrder('binance {"code":-2010,"msg":"Duplicate order sent."}')).reason).toBe('Duplicate order sent. (code -2010)');
    expect(classifyCcxtError(new DDoSProtection('binance 429'), [], 3000).retryAfterMs).toBe(3000);
  });
});

describe('one fault at a time', () => {
  let h: SpotHarness;
  let client: CcxtExecutionClient;
  let rec: RecordingSink;
  let n = 0;

  beforeEach(async () => {
    h = await startHarness({}, { timeoutMs: 500, recvWindowMs: 1000 });
    rec = new RecordingSink();
    client = h.make(rec);
    await client.connect();
    h.fake.quote('BTCUSDT', { bid: 99, ask: 100 });
  });
  afterEach(async () => {
    await h.close();
  });

  const buy = (r: Partial<OrderRequest> = {}): Order => new Order(`F${++n}`, 's', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1, ...r }, h.fake.exchange.now());
  const sends = (id: string): number => h.fake.log.filter((l) => l.method === 'POST' && l.path === '/api/v3/order' && l.params.newClientOrderId === id).length;
  async function submitted(o: Order): Promise<void> {
    client.submit(o, h.fake.exchange.now());
    await h.settle(client, 8000);
  }

  it('a reply lost after a market order filled: found by origClientOrderId, never sent again (Binance would take the id again)', async () => {
    h.fake.faults.next({ kind: 'lost-reply', method: 'POST', path: '/api/v3/order' });
    const o = buy();
    await submitted(o);
    expect(o.status).toBe('filled');
    expect(sends(o.id)).toBe(1);
    expect(h.fake.exchange.allOrders().filter((v) => v.clientOrderId === o.id)).toHaveLength(1);
    expect(rec.fills(o.id)).toHaveLength(1);
  });

  it('a request that never arrived: looked up, then sent again once the send window has passed, with the same client order id', async () => {
    h.fake.faults.next({ kind: 'drop', method: 'POST', path: '/api/v3/order' });
    const o = buy();
    await submitted(o);
    expect(o.status).toBe('filled');
    expect(sends(o.id)).toBe(2);
    expect(h.fake.exchange.requests.filter((r) => r.clientOrderId === o.id && r.accepted)).toHaveLength(1);
  });

  it('a request that arrives after its timeout but within recvWindow: the early "not found" is not trusted, the order is found, never sent twice', async () => {
    h.fake.faults.next({ kind: 'late', method: 'POST', path: '/api/v3/order', delayMs: 800 });
    const o = buy();
    await submitted(o);
    expect(o.status).toBe('filled');
    expect(sends(o.id)).toBe(1);
    const lookups = h.fake.log.filter((l) => l.method === 'GET' && l.path === '/api/v3/order' && l.params.origClientOrderId === o.id).length;
    expect(lookups).toBeGreaterThanOrEqual(2);
    expect(h.fake.exchange.requests.filter((r) => r.clientOrderId === o.id)).toHaveLength(1);
  });

  it('a request that arrives beyond its recvWindow is refused by the venue (-1021), so it is sent again: one order', async () => {
    h.fake.faults.next({ kind: 'late', method: 'POST', path: '/api/v3/order', delayMs: 1300 });
    const o = buy();
    await submitted(o);
    expect(o.status).toBe('filled');
    expect(sends(o.id)).toBe(2);
    expect(h.fake.errorCodes.get(-1021)).toBe(1);
    expect(h.fake.exchange.requests.filter((r) => r.clientOrderId === o.id && r.accepted)).toHaveLength(1);
  });

  it.each(['429', '500', '503', 'malformed'] as const)('a %s answer to a submit: looked up before anything is resent', async (kind) => {
    h.fake.faults.next({ kind, method: 'POST', path: '/api/v3/order', retryAfterS: 0 });
    const o = buy({ type: 'limit', limitPrice: 90 });
    await submitted(o);
    expect(o.status).toBe('accepted');
    const lookups = h.fake.log.filter((l) => l.method === 'GET' && l.path === '/api/v3/order' && l.params.origClientOrderId === o.id).length;
    expect(lookups).toBeGreaterThan(0);
    expect(h.fake.exchange.requests.filter((r) => r.clientOrderId === o.id && r.accepted)).toHaveLength(1);
  });

  it('takes injected markets instead of loading exchangeInfo', async () => {
    const loader = makeExchange({ exchangeId: 'binance', apiKey: '', secret: '', baseUrl: h.fake.baseUrl });
    const markets = Object.values(await loader.loadMarkets());
    await loader.close();
    const before = h.fake.log.filter((l) => l.path === '/api/v3/exchangeInfo').length;
    const injected = h.make(new RecordingSink(), { markets: markets as unknown as Record<string, unknown>[] });
    await injected.connect();
    expect(h.fake.log.filter((l) => l.path === '/api/v3/exchangeInfo')).toHaveLength(before);
    const o = buy();
    injected.submit(o, h.fake.exchange.now());
    await h.settle(injected);
    expect(o.status).toBe('filled');
  });

  it('modifies a partly filled order by cancel-replace: the rest goes on under the same client id, fills add up', async () => {
    const o = buy({ type: 'limit', limitPrice: 98, qty: 2 });
    await submitted(o);
    h.fake.quote('BTCUSDT', { bid: 97, ask: 98, askSize: 0.5 });
    await h.settle(client);
    expect(o.filledQty).toBe(0.5);
    const before = (await client.queryOrder(o.id))!.venueOrderId;
    h.fake.quote('BTCUSDT', { bid: 99, ask: 100 });
    client.modify(o.id, { qty: 3, limitPrice: 97 }, h.fake.exchange.now());
    await until(() => rec.types(o.id).includes('OrderUpdated'), 'OrderUpdated');
    const after = (await client.queryOrder(o.id))!;
    expect(after).toMatchObject({ qty: 3, filledQty: 0.5, limitPrice: 97, status: 'partially-filled' });
    expect(after.venueOrderId).not.toBe(before);
    expect(h.fake.exchange.order({ clientOrderId: o.id })).toMatchObject({ qty: 2.5, limitPrice: 97 });
    h.fake.quote('BTCUSDT', { bid: 96, ask: 97 });
    await h.settle(client);
    expect(o.status).toBe('filled');
    expect(rec.fills(o.id).map((f) => [f.qty, f.price])).toEqual([[0.5, 98], [2.5, 97]]);
    expect(await client.queryOrder(o.id)).toMatchObject({ qty: 3, filledQty: 3, status: 'filled' });
    expect((await client.queryOrder(o.id))!.avgFillPrice).toBeCloseTo((0.5 * 98 + 2.5 * 97) / 3, 9);
  });

  it('adopts a working order after a restart: fills booked before (also while down) are not applied again, later ones are', async () => {
    const o = buy({ type: 'limit', limitPrice: 98, qty: 10 });
    await submitted(o);
    h.fake.quote('BTCUSDT', { bid: 97, ask: 98, askSize: 4 });
    await h.settle(client);
    expect(o.filledQty).toBe(4);
    await client.disconnect();
    h.fake.quote('BTCUSDT', { bid: 97, ask: 98, askSize: 3 });
    // The node's reconciliation booked the 3 filled while it was down: the restored order says 7.
    const rec2 = new RecordingSink();
    const after = h.make(rec2);
    await after.connect();
    const restored = new Order(o.id, 's', o.request, o.createdMs);
    restored.status = 'partially-filled';
    restored.filledQty = 7;
    restored.avgFillPrice = 98;
    after.adopt(restored);
    await after.idle();
    expect(rec2.fills(o.id)).toEqual([]);
    h.fake.dropStreams(); // a reconnect's gap fill must not book the old trades either
    await until(() => after.connectionState === 'connected' && h.fake.subscribers > 0, 'back', 5000);
    h.fake.quote('BTCUSDT', { bid: 97, ask: 98 });
    await h.settle(after);
    expect(restored.status).toBe('filled');
    expect(rec2.fills(o.id).map((f) => f.qty)).toEqual([3]);
  });

  it('a symbol that is not a market stops connect with a message naming it', async () => {
    const other = h.make(new RecordingSink(), { symbols: ['BTC/USDT', 'DOGE/EUR'] });
    await expect(other.connect()).rejects.toThrow(/DOGE\/EUR is not a market at binance/);
    expect(other.connectionState).toBe('disconnected');
  });

  it('a 429 on a query waits the Retry-After, then answers', async () => {
    const o = buy({ type: 'limit', limitPrice: 90 });
    await submitted(o);
    h.fake.faults.next({ kind: '429', method: 'GET', path: '/api/v3/openOrders', retryAfterS: 1 });
    const t0 = Date.now();
    expect((await client.openOrders()).map((r) => r.clientOrderId)).toEqual([o.id]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('a venue refusal is a rejection with the venue reason, sent once', async () => {
    const o = new Order(`F${++n}`, 's', { symbol: 'BTC/USDT', side: 'sell', type: 'market', qty: 3 }, h.fake.exchange.now());
    await submitted(o);
    expect(o.status).toBe('rejected');
    expect(o.reason).toMatch(/Account has insufficient balance for requested action/);
    expect(sends(o.id)).toBe(1);
  });

  it('the link dropped mid-fill: the lost fill is fetched by REST after the stream is back, once', async () => {
    const o = buy({ type: 'limit', limitPrice: 98, qty: 2 });
    await submitted(o);
    h.fake.faults.stream = { dropBefore: 1 };
    h.fake.quote('BTCUSDT', { bid: 97, ask: 98, askSize: 0.5 });
    h.fake.faults.stream = null;
    await until(() => client.connectionState === 'reconnecting' || h.fake.wsConnections > 1, 'the drop seen');
    h.fake.quote('BTCUSDT', { bid: 97, ask: 98 });
    await until(() => client.connectionState === 'connected', 'connected again', 5000);
    await h.settle(client, 5000);
    expect(o.status).toBe('filled');
    expect(rec.fills(o.id).map((f) => f.qty)).toEqual([0.5, 1.5]);
    expect(h.fake.wsConnections).toBeGreaterThan(1);
  });

  it('settle() before a stop books a fill whose report is still on its way, once', async () => {
    const o = buy({ type: 'limit', limitPrice: 98, qty: 2 });
    await submitted(o);
    // The venue fills the order; its executionReport is held back for 10 s (on its way when the node stops).
    h.fake.faults.stream = { reorder: 1, holdMs: 10_000 };
    h.fake.quote('BTCUSDT', { bid: 97, ask: 98 });
    expect(h.fake.exchange.fills().length).toBe(1);
    expect(rec.fills(o.id)).toEqual([]);
    await client.settle();
    expect(o.status).toBe('filled');
    expect(rec.fills(o.id).map((f) => f.qty)).toEqual([2]);
    // The held report arrives later: nothing is booked twice.
    h.fake.faults.stream = null;
    h.fake.quote('BTCUSDT', { bid: 99, ask: 100 });
    await h.settle(client, 2000);
    expect(rec.fills(o.id).map((f) => f.qty)).toEqual([2]);
  });

  it('duplicated and reordered executionReports change nothing twice', async () => {
    h.fake.faults.stream = { duplicate: 1, reorder: 0.5 };
    const o = buy({ type: 'limit', limitPrice: 98, qty: 2 });
    await submitted(o);
    h.fake.quote('BTCUSDT', { bid: 97, ask: 98, askSize: 0.5 });
    h.fake.quote('BTCUSDT', { bid: 97, ask: 98, askSize: 0.7 });
    client.cancel(o.id, h.fake.exchange.now());
    await h.settle(client, 5000);
    expect(o.status).toBe('canceled');
    expect(rec.fills(o.id).map((f) => f.qty)).toEqual([0.5, 0.7]);
    expect(rec.types(o.id).filter((t) => t === 'OrderCanceled')).toHaveLength(1);
  });

  it('a clock skew past recvWindow (-1021): the client measures the offset and the order goes through', async () => {
    h.fake.skewMs = 4000;
    const o = buy();
    await submitted(o);
    expect(o.status).toBe('filled');
    expect(h.fake.errorCodes.get(-1021)).toBeGreaterThan(0);
    expect(h.fake.log.some((l) => l.path === '/api/v3/time')).toBe(true);
    expect(h.fake.exchange.requests.filter((r) => r.clientOrderId === o.id && r.accepted)).toHaveLength(1);
  });

  it('a submit the venue will not answer about is left unresolved (never resent), then settled by the periodic lookup', async () => {
    h.fake.faults.next({ kind: 'lost-reply', method: 'POST', path: '/api/v3/order' });
    for (let i = 0; i < 8; i++) h.fake.faults.next({ kind: '500', method: 'GET', path: '/api/v3/order' });
    const o = buy({ type: 'limit', limitPrice: 90 });
    client.submit(o, h.fake.exchange.now());
    await until(() => client.unresolved.includes(o.id), 'unresolved', 15_000);
    await until(() => client.unresolved.length === 0, 'settled by the periodic lookup', 5000);
    expect(o.status).toBe('accepted');
    expect(sends(o.id)).toBe(1);
    expect(client.anomalies.join('\n')).toMatch(new RegExp(`submit ${o.id} unresolved`));
  }, 30_000);
});
