// Alpaca's native bracket and OTO orders (docs/venues/alpaca.md, "Brackets, OTO and OCO"): an entry whose exits
// are a stop-loss and/or a take-profit at a price goes as one request; its legs are Sextant orders
// `<entry>-sl`/`-tp`, held until the entry fills, then an OCO pair; a restarted client finds them by those
// ids. Every other exit shape stays with the OrderEmulator. The real SDK against the fake Alpaca server.
import { afterEach, describe, expect, it } from 'vitest';
import { Order, type OrderRequest } from '../../src/model/order.ts';
import type { AlpacaExecutionClient } from '../../src/brokers/alpaca/index.ts';
import { legsOf, parseOrder } from '../../src/brokers/alpaca/parse.ts';
import { OrderEmulator } from '../../src/execution/order-emulator.ts';
import { CapabilitiesSchema } from '../../src/execution/reports.ts';
import type { ExecutionSink } from '../../src/execution/execution-client.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import { alpacaSetup, type AlpacaSetup } from './alpaca-setup.ts';

let setup: AlpacaSetup | undefined;
afterEach(async () => {
  await setup?.close?.();
  setup = undefined;
});

async function start(sink: ExecutionSink = new RecordingSink()): Promise<{ s: AlpacaSetup; client: AlpacaExecutionClient }> {
  setup = await alpacaSetup(sink, {}, { fillGraceMs: 100 });
  const client = setup.client as AlpacaExecutionClient;
  await client.connect();
  setup.server.quote('AAPL', { bid: 99, ask: 100 });
  return { s: setup, client };
}

let n = 0;
const entry = (s: AlpacaSetup, req: Partial<OrderRequest> = {}): Order =>
  new Order(`B${process.pid}-${++n}`, 'brackets', { symbol: 'AAPL', side: 'buy', type: 'market', qty: 10, tif: 'GTC', exits: { stopLoss: { price: 95 }, takeProfit: { price: 110 } }, ...req }, s.driver.now());

const statusOf = (legs: Record<string, unknown>[]): string[] => legs.map((l) => `${String(l.type)}:${String(l.status)}`).sort();

describe('Alpaca native brackets and OTO', () => {
  it('declares exits as taken in part, and says which orders it takes natively', async () => {
    const { s, client } = await start();
    const caps = CapabilitiesSchema.parse(client.capabilities);
    expect(caps.exitAttachments).toBe(false);
    expect(caps.partialNative).toEqual(['nativeBrackets', 'nativeOco', 'exitAttachments']);
    expect(client.takesNatively(entry(s))).toBe(true);
    expect(client.takesNatively(entry(s, { exits: { takeProfit: { price: 110 } } }))).toBe(true);
    expect(client.takesNatively(entry(s, { exits: { stopLoss: { pct: 2 } } }))).toBe(false);
    expect(client.takesNatively(entry(s, { exits: undefined }))).toBe(false);
  });

  it('bracket: legs held while the entry works, working once it fills; the take-profit fills and the stop-loss is canceled', async () => {
    const rec = new RecordingSink();
    const { s, client } = await start(rec);
    const e = entry(s, { type: 'limit', limitPrice: 98 });
    client.submit(e, s.driver.now());
    await client.idle();
    const venue = s.server.orderJsonByClientId(e.id)!;
    expect(venue.order_class).toBe('bracket');
    expect(statusOf(s.server.legsOf(e.id))).toEqual(['limit:held', 'stop:held']);
    // The legs are Sextant orders from the start, children of the entry in its exit group, accepted while held.
    for (const id of [`${e.id}-sl`, `${e.id}-tp`]) expect(rec.types(id)).toEqual(['OrderSubmitted', 'OrderAccepted']);
    const sl = rec.orderEvents.find((x) => x.event.orderId === `${e.id}-sl`)!;
    expect(sl.event.strategyId).toBe('brackets');

    s.server.quote('AAPL', { bid: 97, ask: 98 });
    await until(() => e.status === 'filled', 'the entry filled');
    await until(() => statusOf(s.server.legsOf(e.id)).join() === 'limit:new,stop:new', 'legs working at alpaca');
    s.server.quote('AAPL', { bid: 111, ask: 112 });
    await until(() => rec.types(`${e.id}-tp`).includes('OrderFilled') && rec.types(`${e.id}-sl`).includes('OrderCanceled'), 'take-profit filled, stop-loss canceled');
    await s.driver.settle();
    expect(rec.fills(`${e.id}-tp`).map((f) => [f.side, f.qty, f.price])).toEqual([['sell', 10, 111]]);
    expect(rec.types(`${e.id}-sl`)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled']);
    expect(await client.positions()).toEqual([]);
    expect(s.server.duplicateAcceptances()).toEqual([]);
  });

  it('OTO: one leg; canceling the entry before it fills cancels the held leg too', async () => {
    const rec = new RecordingSink();
    const { s, client } = await start(rec);
    const e = entry(s, { type: 'limit', limitPrice: 95, exits: { stopLoss: { price: 90 } } });
    client.submit(e, s.driver.now());
    await client.idle();
    expect(s.server.orderJsonByClientId(e.id)!.order_class).toBe('oto');
    expect(statusOf(s.server.legsOf(e.id))).toEqual(['stop:held']);
    expect(rec.types(`${e.id}-tp`)).toEqual([]);
    client.cancel(e.id, s.driver.now());
    await until(() => e.status === 'canceled' && rec.types(`${e.id}-sl`).includes('OrderCanceled'), 'entry and leg canceled');
    expect(statusOf(s.server.legsOf(e.id))).toEqual(['stop:canceled']);
  });

  it('a bad leg in Alpaca\'s answer is refused naming the leg and the field', async () => {
    const rec = new RecordingSink();
    const { s, client } = await start(rec);
    const e = entry(s, { type: 'limit', limitPrice: 98 });
    client.submit(e, s.driver.now());
    await client.idle();
    const parent = parseOrder(s.server.orderJsonByClientId(e.id));
    expect(legsOf(parent).map((l) => l.status)).toEqual(['held', 'held']);
    const bad = parseOrder({ ...s.server.orderJsonByClientId(e.id), legs: [{ ...s.server.legsOf(e.id)[0], qty: 'ten' }] });
    expect(() => legsOf(bad)).toThrow(/invalid alpaca order: field "legs\.0\.qty": expected a decimal string/);
  });

  it('a leg can be modified (Alpaca replaces it) and stays the same Sextant order', async () => {
    const rec = new RecordingSink();
    const { s, client } = await start(rec);
    const e = entry(s);
    client.submit(e, s.driver.now());
    await until(() => e.status === 'filled', 'the entry filled');
    await until(() => statusOf(s.server.legsOf(e.id)).join() === 'limit:new,stop:new', 'legs working');
    await client.idle();
    client.modify(`${e.id}-sl`, { stopPrice: 97 }, s.driver.now());
    await client.idle();
    expect(rec.types(`${e.id}-sl`)).toContain('OrderUpdated');
    s.server.quote('AAPL', { bid: 96.5, ask: 97.5 });
    await until(() => rec.types(`${e.id}-sl`).includes('OrderFilled') && rec.types(`${e.id}-tp`).includes('OrderCanceled'), 'stop-loss filled at its new level, take-profit canceled');
    expect(rec.fills(`${e.id}-sl`).reduce((a, f) => a + f.qty, 0)).toBe(10);
  });

  it('shapes Alpaca cannot take are refused with an error naming the field (a client used without the emulator)', async () => {
    const rec = new RecordingSink();
    const { s, client } = await start(rec);
    const cases: [Partial<OrderRequest>, RegExp][] = [
      [{ exits: { trailing: { pct: 2 } } }, /^exits\.trailing: /],
      [{ exits: { stopLoss: { price: 95 }, timeExitBars: 5 } }, /^exits\.timeExitBars: /],
      [{ exits: { stopLoss: { price: 95 }, breakEven: { triggerPct: 1 } } }, /^exits\.breakEven: /],
      [{ exits: { stopLoss: { pct: 3 } } }, /^exits\.stopLoss\.pct: /],
      [{ symbol: 'BTC/USD' }, /^exits: alpaca has no bracket or OTO orders for crypto/],
      [{ tif: 'IOC' }, /^tif: alpaca bracket and OTO orders are DAY or GTC/],
      [{ qty: 2.5 }, /^qty: alpaca bracket and OTO orders are for whole shares/],
      [{ type: 'stop', stopPrice: 101 }, /^type: /],
    ];
    for (const [req, reason] of cases) {
      const o = entry(s, req);
      client.submit(o, s.driver.now());
      expect(o.status).toBe('rejected');
      expect(o.reason).toMatch(reason);
    }
    expect(s.server.httpLog.filter((l) => l.method === 'POST')).toEqual([]);
    // Alpaca's own refusal (a take-profit below a buy's limit) rejects the entry and its legs.
    const bad = entry(s, { type: 'limit', limitPrice: 100, exits: { stopLoss: { price: 95 }, takeProfit: { price: 99 } } });
    client.submit(bad, s.driver.now());
    await client.idle();
    expect(bad.status).toBe('rejected');
    expect(bad.reason).toMatch(/take_profit\.limit_price/);
    for (const id of [`${bad.id}-sl`, `${bad.id}-tp`]) expect(rec.types(id).at(-1)).toBe('OrderRejected');
  });

  it('after a restart: held and working legs are listed and queried under <entry>-sl/-tp, adopted, and their fills reach the new client once', async () => {
    const { s, client } = await start();
    const working = entry(s, { type: 'limit', limitPrice: 90, exits: { stopLoss: { price: 85 }, takeProfit: { price: 95 } } });
    const filled = entry(s);
    client.submit(working, s.driver.now());
    client.submit(filled, s.driver.now());
    await until(() => filled.status === 'filled', 'the second entry filled');
    await until(() => statusOf(s.server.legsOf(filled.id)).join() === 'limit:new,stop:new', 'its legs working');
    await client.idle();

    const rec2 = new RecordingSink();
    const after = (await s.restart!(rec2)) as AlpacaExecutionClient;
    await after.connect();
    const open = await after.openOrders();
    const ids = (o: { clientOrderId: string }[]): string[] => o.map((r) => r.clientOrderId).sort();
    expect(ids(open)).toEqual([working.id, `${working.id}-sl`, `${working.id}-tp`, `${filled.id}-sl`, `${filled.id}-tp`].sort());
    expect(open.every((r) => r.status === 'accepted')).toBe(true);
    const tp = await after.queryOrder(`${filled.id}-tp`);
    expect(tp).toMatchObject({ clientOrderId: `${filled.id}-tp`, side: 'sell', type: 'limit', limitPrice: 110, qty: 10, status: 'accepted' });
    expect(await after.queryOrder(`${filled.id}-xx`)).toBeNull();

    // The node adopts what it stored (the legs with their links), then the take-profit fills.
    const restored = (id: string, req: OrderRequest): Order => {
      const o = new Order(id, 'brackets', req, s.driver.now(), { parentId: filled.id, ocoGroup: `${filled.id}-exits` });
      o.status = 'accepted';
      return o;
    };
    const legTp = restored(`${filled.id}-tp`, { symbol: 'AAPL', side: 'sell', type: 'limit', qty: 10, limitPrice: 110, reduceOnly: true });
    const legSl = restored(`${filled.id}-sl`, { symbol: 'AAPL', side: 'sell', type: 'stop', qty: 10, stopPrice: 95, reduceOnly: true });
    after.adopt(legTp);
    after.adopt(legSl);
    await after.idle();
    s.server.quote('AAPL', { bid: 111, ask: 112 });
    await until(() => legTp.status === 'filled' && legSl.status === 'canceled', 'take-profit filled, stop-loss canceled, heard by the new client');
    await s.driver.settle();
    expect(rec2.fills(legTp.id).map((f) => f.qty)).toEqual([10]);
    // Fills are told under the Sextant ids: the entry's and the leg's, never Alpaca's leg ids.
    const fills = await after.fillsSince(0);
    expect(fills.map((f) => `${f.clientOrderId} ${f.side} ${f.qty}`).sort()).toEqual([`${filled.id} buy 10`, `${filled.id}-tp sell 10`]);
    expect(await after.queryOrder(`${filled.id}-sl`)).toMatchObject({ status: 'canceled' });
  });

  it('a leg that filled while the client was away is found by a fresh client (query and fills), never under Alpaca\'s id', async () => {
    const { s, client } = await start();
    const e = entry(s);
    client.submit(e, s.driver.now());
    await until(() => e.status === 'filled', 'the entry filled');
    await until(() => statusOf(s.server.legsOf(e.id)).join() === 'limit:new,stop:new', 'legs working');
    await client.idle();
    await client.disconnect();
    s.server.quote('AAPL', { bid: 94, ask: 95 });
    await until(() => statusOf(s.server.legsOf(e.id)).join() === 'limit:canceled,stop:filled', 'stop-loss filled at alpaca, take-profit canceled');
    const after = (await s.restart!(new RecordingSink())) as AlpacaExecutionClient;
    await after.connect();
    expect(await after.openOrders()).toEqual([]);
    expect(await after.queryOrder(`${e.id}-sl`)).toMatchObject({ status: 'filled', filledQty: 10 });
    expect(await after.queryOrder(`${e.id}-tp`)).toMatchObject({ status: 'canceled' });
    expect((await after.fillsSince(0)).map((f) => f.clientOrderId).sort()).toEqual([e.id, `${e.id}-sl`]);
  });
});

describe('Alpaca behind the OrderEmulator', () => {
  it('passes native brackets through, holds what Alpaca cannot do (trailing, time, break-even, percent exits, crypto)', async () => {
    const rec = new RecordingSink();
    const emu = new OrderEmulator(rec);
    const { s, client } = await start(emu);
    emu.attach(client);
    expect(emu.needsEmulation(entry(s))).toBe(false);
    for (const req of [
      { exits: { stopLoss: { price: 95 }, trailing: { pct: 2 } } },
      { exits: { takeProfit: { price: 110 }, timeExitBars: 3 } },
      { exits: { stopLoss: { price: 95 }, breakEven: { triggerPct: 1 } } },
      { exits: { stopLoss: { pct: 3 } } },
      { symbol: 'BTC/USD' },
    ] satisfies Partial<OrderRequest>[]) expect(emu.needsEmulation(entry(s, req))).toBe(true);
    // A linked order whose parent is not waiting here to be sent with it (ctx.bracket's children ride with their
    // entry: alpaca-bracket-children.test.ts) is the emulator's: Alpaca cannot add legs to an order sent.
    const child = new Order('child-1', 'brackets', { symbol: 'AAPL', side: 'sell', type: 'limit', qty: 10, limitPrice: 110, reduceOnly: true }, s.driver.now(), { parentId: 'parent-1', ocoGroup: 'g' });
    expect(emu.needsEmulation(child)).toBe(true);

    const native = entry(s);
    emu.submit(native, s.driver.now());
    await until(() => native.status === 'filled', 'native entry filled');
    await until(() => rec.types(`${native.id}-tp`).includes('OrderAccepted') && rec.types(`${native.id}-sl`).includes('OrderAccepted'), 'legs accepted');
    await client.idle();
    expect(s.server.orderJsonByClientId(native.id)!.order_class).toBe('bracket');
    // Nothing released by the emulator for it: the legs are Alpaca's.
    expect(s.server.exchange.allOrders().some((o) => o.clientOrderId.startsWith(`${native.id}-`))).toBe(false);

    const trailing = entry(s, { exits: { trailing: { amount: 2 } } });
    emu.submit(trailing, s.driver.now());
    await until(() => trailing.status === 'filled', 'emulated-exit entry filled');
    // The emulator holds the entry and its exits: Alpaca sees plain orders under the released ids.
    expect(s.server.orderJsonByClientId(trailing.id)).toBeNull();
    expect(s.server.orderJsonByClientId(`${trailing.id}-E1`)!.order_class).toBe('');
    await until(() => rec.types(`${trailing.id}-trail`).includes('OrderAccepted'), 'emulated trailing exit placed');
    await client.idle();
    expect(s.server.orderJsonByClientId(`${trailing.id}-trail-E1`)).toMatchObject({ order_class: '', type: 'trailing_stop', legs: null });
  });
});

describe('the fake Alpaca server\'s OCO class (Trading API v2 payloads)', () => {
  it('an OCO exit for a held position: the take-profit is the parent, its stop works at once; a fill of either cancels the other', async () => {
    const { s, client } = await start();
    const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
      const r = await fetch(`${s.server.baseUrl}${path}`, {
        method, headers: { 'APCA-API-KEY-ID': s.server.keyId, 'APCA-API-SECRET-KEY': s.server.secretKey, 'Content-Type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    };
    const buy = new Order(`P${process.pid}-${++n}`, 'brackets', { symbol: 'AAPL', side: 'buy', type: 'market', qty: 10 }, s.driver.now());
    client.submit(buy, s.driver.now());
    await until(() => buy.status === 'filled', 'position opened');
    const oco = (cid: string, extra: Record<string, unknown> = {}): Promise<{ status: number; json: Record<string, unknown> }> =>
      call('POST', '/v2/orders', { symbol: 'AAPL', qty: '10', side: 'sell', type: 'limit', time_in_force: 'gtc', order_class: 'oco', client_order_id: cid, take_profit: { limit_price: '110' }, stop_loss: { stop_price: '95' }, ...extra });
    expect((await oco('oco-bad-tif', { time_in_force: 'ioc' })).json.message).toMatch(/time_in_force must be day or gtc/);
    expect((await oco('oco-bad-type', { type: 'market' })).json.message).toMatch(/oco orders must be limit orders/);
    expect((await oco('oco-wrong-side', { stop_loss: { stop_price: '111' } })).status).toBe(422);
    const placed = await oco('oco-1');
    expect(placed.status).toBe(200);
    expect(placed.json).toMatchObject({ client_order_id: 'oco-1', order_class: 'oco', type: 'limit', limit_price: '110', status: 'new' });
    const legs = placed.json.legs as Record<string, unknown>[];
    expect(legs.map((l) => [l.order_class, l.type, l.side, l.stop_price, l.status])).toEqual([['oco', 'stop', 'sell', '95', 'new']]);
    expect(legs[0]!.client_order_id).not.toBe('oco-1');
    const nested = await call('GET', `/v2/orders/${String(placed.json.id)}?nested=true`);
    expect((nested.json.legs as unknown[]).length).toBe(1);
    s.server.quote('AAPL', { bid: 111, ask: 112 });
    await until(() => s.server.orderJsonByClientId('oco-1')!.status === 'filled' && statusOf(s.server.legsOf('oco-1')).join() === 'stop:canceled', 'take-profit filled, stop canceled');
    expect(await client.positions()).toEqual([]);
  });
});
