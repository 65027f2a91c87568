// A strategy's ctx.oco on Alpaca (docs/venues/alpaca.md, "Brackets, OTO and OCO"): a reduce-only limit
// take-profit and its stop-loss `<take-profit>-sl` in one OCO group, closing a position held, go as one
// 'oco' request (the take-profit the order sent, the stop its leg, both working at once); a restarted
// client finds the stop by that name. What Alpaca cannot take stays with the OrderEmulator. The real SDK
// against the fake Alpaca server.
import { afterEach, describe, expect, it } from 'vitest';
import { legId } from '../../src/model/exit-ids.ts';
import { Order, type OrderRequest } from '../../src/model/order.ts';
import type { AlpacaExecutionClient } from '../../src/brokers/alpaca/index.ts';
import { OrderEmulator } from '../../src/execution/order-emulator.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import { alpacaSetup, type AlpacaSetup } from './alpaca-setup.ts';

let setup: AlpacaSetup | undefined;
afterEach(async () => {
  await setup?.close?.();
  setup = undefined;
});

interface Started {
  readonly s: AlpacaSetup;
  readonly client: AlpacaExecutionClient;
  readonly emu: OrderEmulator;
  readonly rec: RecordingSink;
  readonly log: string[];
}

/** Connected, with 10 AAPL held (bought at 100). */
async function start(qty = 10): Promise<Started> {
  const rec = new RecordingSink();
  const emu = new OrderEmulator(rec);
  const log: string[] = [];
  setup = await alpacaSetup(emu, {}, { fillGraceMs: 100, log: (l) => log.push(l) });
  const client = setup.client as AlpacaExecutionClient;
  emu.attach(client);
  await client.connect();
  setup.server.quote('AAPL', { bid: 99, ask: 100 });
  const buy = new Order(`P${process.pid}-${++n}`, 'oco', { symbol: 'AAPL', side: 'buy', type: 'market', qty, tif: 'DAY' }, setup.driver.now());
  emu.submit(buy, setup.driver.now());
  await until(() => buy.status === 'filled', 'position opened');
  await client.idle();
  return { s: setup, client, emu, rec, log };
}

let n = 0;
/** The two orders ctx.oco makes for the position (sell 10, take-profit 110, stop-loss 95 unless said otherwise). */
function ocoPair(s: AlpacaSetup, tpReq: Partial<OrderRequest> = {}, slReq: Partial<OrderRequest> = {}): { tp: Order; sl: Order } {
  const now = s.driver.now();
  const id = `T${process.pid}-${++n}`;
  const links = { ocoGroup: `oco-${id}` };
  const base = { symbol: 'AAPL', side: 'sell', qty: 10, reduceOnly: true } as const;
  const tp = new Order(id, 'oco', { ...base, type: 'limit', limitPrice: 110, tag: 'take-profit', ...tpReq }, now, links);
  const sl = new Order(legId(id, 'sl'), 'oco', { ...base, type: 'stop', stopPrice: 95, tag: 'stop-loss', ...slReq }, now, links);
  return { tp, sl };
}

const ocoPosts = (s: AlpacaSetup): number => s.server.httpLog.filter((l) => l.method === 'POST' && l.path === '/v2/orders').length;

describe('ctx.oco on Alpaca: one oco request', () => {
  it('both work at once; the take-profit fills and Alpaca cancels the stop; Sextant sees both', async () => {
    const t = await start();
    const { s, client, rec } = t;
    const { tp, sl } = ocoPair(s);
    const before = ocoPosts(s);
    t.emu.submit(tp, s.driver.now());
    t.emu.submit(sl, s.driver.now());
    await client.idle();
    expect(ocoPosts(s) - before).toBe(1);
    expect(s.server.orderJsonByClientId(tp.id)).toMatchObject({ order_class: 'oco', type: 'limit', side: 'sell', limit_price: '110', status: 'new' });
    expect(s.server.legsOf(tp.id).map((l) => [l.type, l.side, l.stop_price, l.status])).toEqual([['stop', 'sell', '95', 'new']]);
    for (const o of [tp, sl]) expect(rec.types(o.id)).toEqual(['OrderSubmitted', 'OrderAccepted']);
    expect(t.emu.state().orders).toEqual([]);
    s.server.quote('AAPL', { bid: 111, ask: 112 });
    await until(() => tp.status === 'filled' && sl.status === 'canceled', 'take-profit filled, stop canceled');
    await s.driver.settle();
    expect(rec.fills(tp.id).map((f) => [f.side, f.qty, f.price])).toEqual([['sell', 10, 111]]);
    expect(rec.types(sl.id)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled']);
    expect(await client.positions()).toEqual([]);
    expect(s.server.exchange.allOrders().some((o) => /-E\d+$/.test(o.clientOrderId))).toBe(false);
  });

  it('a stop-limit stop fills and Alpaca cancels the take-profit', async () => {
    const t = await start();
    const { s, client, rec } = t;
    const { tp, sl } = ocoPair(s, {}, { type: 'stop-limit', stopPrice: 95, limitPrice: 94 });
    t.emu.submit(tp, s.driver.now());
    t.emu.submit(sl, s.driver.now());
    await client.idle();
    expect(s.server.legsOf(tp.id).map((l) => [l.type, l.stop_price, l.limit_price])).toEqual([['stop_limit', '95', '94']]);
    s.server.quote('AAPL', { bid: 94.5, ask: 95 });
    await until(() => sl.status === 'filled' && tp.status === 'canceled', 'stop filled, take-profit canceled');
    expect(rec.fills(sl.id).map((f) => [f.side, f.qty])).toEqual([['sell', 10]]);
    expect(await client.positions()).toEqual([]);
  });

  it('after a restart: the take-profit and its stop leg are listed and queried by their Sextant ids, adopted, and the stop\'s fill reaches the new client', async () => {
    const t = await start();
    const { s, client } = t;
    const { tp, sl } = ocoPair(s);
    t.emu.submit(tp, s.driver.now());
    t.emu.submit(sl, s.driver.now());
    await client.idle();
    const rec2 = new RecordingSink();
    const after = (await s.restart!(rec2)) as AlpacaExecutionClient;
    await after.connect();
    expect((await after.openOrders()).map((r) => r.clientOrderId).sort()).toEqual([tp.id, sl.id].sort());
    expect(await after.queryOrder(sl.id)).toMatchObject({ clientOrderId: sl.id, side: 'sell', type: 'stop', stopPrice: 95, qty: 10, status: 'accepted' });
    const restored = (o: Order): Order => {
      const c = new Order(o.id, o.strategyId, o.request, o.createdMs, o.links);
      c.status = 'accepted';
      return c;
    };
    const [tp2, sl2] = [restored(tp), restored(sl)];
    after.adopt(tp2);
    after.adopt(sl2);
    await after.idle();
    s.server.quote('AAPL', { bid: 94, ask: 95 });
    await until(() => sl2.status === 'filled' && tp2.status === 'canceled', 'stop filled, take-profit canceled, heard by the new client');
    await s.driver.settle();
    expect(rec2.fills(sl.id).map((f) => f.qty)).toEqual([10]);
    expect((await after.fillsSince(0)).map((f) => f.clientOrderId).filter((id) => id === sl.id)).toEqual([sl.id]);
  });
});

describe('ctx.oco on Alpaca: what stays emulated, and why', () => {
  it('fractional quantity: both held by the emulator (each says why), released as plain orders, OCO by the emulator', async () => {
    const t = await start(2.5);
    const { s, client, rec } = t;
    const { tp, sl } = ocoPair(s, { qty: 2.5, tif: 'DAY' }, { qty: 2.5, tif: 'DAY' });
    expect(client.nativeProblem(tp)).toMatch(/^qty: alpaca oco orders are for whole shares, got 2\.5/);
    t.emu.submit(tp, s.driver.now());
    expect(client.nativeProblem(sl)).toMatch(/^ocoGroup: a stop rides in its take-profit's alpaca oco request/);
    t.emu.submit(sl, s.driver.now());
    expect(t.log.filter((l) => l.startsWith('oco order ') && l.includes('is emulated, not sent as an alpaca leg'))).toHaveLength(2);
    await until(() => s.server.orderJsonByClientId(`${tp.id}-E1`) !== null && s.server.orderJsonByClientId(`${sl.id}-E1`) !== null, 'released as plain orders');
    expect(s.server.orderJsonByClientId(`${tp.id}-E1`)).toMatchObject({ order_class: '', legs: null });
    await client.idle();
    s.server.quote('AAPL', { bid: 111, ask: 112 });
    await until(() => rec.types(tp.id).includes('OrderFilled') && rec.types(sl.id).includes('OrderCanceled'), 'take-profit filled, stop canceled by the emulator');
    expect(rec.fills(tp.id).map((f) => [f.side, f.qty, f.price])).toEqual([['sell', 2.5, 111]]);
  });

  it('names the reason for other shapes (each pair sent as ctx.oco would, in one turn)', async () => {
    const t = await start();
    const cases: [Partial<OrderRequest>, Partial<OrderRequest>, 'tp' | 'sl', RegExp][] = [
      [{ tif: 'IOC' }, { tif: 'IOC' }, 'tp', /^tif: alpaca oco orders are DAY or GTC, got IOC/],
      [{}, { tif: 'DAY' }, 'sl', /^tif: alpaca's oco leg takes its take-profit's time in force GTC, got DAY/],
      [{}, { qty: 5 }, 'sl', /^qty: alpaca's oco leg is for its take-profit's quantity 10, got 5/],
      [{ reduceOnly: false }, {}, 'tp', /^reduceOnly: an alpaca oco order closes a position/],
    ];
    for (const [tpReq, slReq, role, reason] of cases) {
      const { tp, sl } = ocoPair(t.s, tpReq, slReq);
      if (role === 'sl') t.client.submit(tp, t.s.driver.now()); // its take-profit waits in the client for this turn
      expect(t.client.nativeProblem(role === 'tp' ? tp : sl)).toMatch(reason);
      if (role === 'sl') t.client.cancel(tp.id, t.s.driver.now());
    }
    await t.client.idle();
  });
});
