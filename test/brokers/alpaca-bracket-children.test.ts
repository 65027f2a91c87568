// A strategy's ctx.bracket on Alpaca (docs/venues/alpaca.md, "Brackets, OTO and OCO"): the entry and its
// children `<entry>-tp` (limit) and `<entry>-sl` (stop or stop-limit) in the group `<entry>-exits` reach the
// client in one turn, behind the OrderEmulator as in a live node, and go to Alpaca as one bracket (or OTO)
// request; Alpaca's legs are those Sextant orders. What Alpaca cannot take stays with the emulator, and the
// client says why. The real SDK against the fake Alpaca server.
import { afterEach, describe, expect, it } from 'vitest';
import { exitGroupOf, legId } from '../../src/model/exit-ids.ts';
import { Order, type OrderRequest } from '../../src/model/order.ts';
import type { AlpacaExecutionClient } from '../../src/brokers/alpaca/index.ts';
import { OrderEmulator } from '../../src/execution/order-emulator.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import { AlpacaFaults } from '../fakes/alpaca/faults.ts';
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

async function start(faults?: AlpacaFaults): Promise<Started> {
  const rec = new RecordingSink();
  const emu = new OrderEmulator(rec);
  const log: string[] = [];
  setup = await alpacaSetup(emu, faults === undefined ? {} : { faults }, { fillGraceMs: 100, log: (l) => log.push(l), ...(faults !== undefined && { requestTimeoutMs: 150 }) });
  const client = setup.client as AlpacaExecutionClient;
  emu.attach(client);
  await client.connect();
  setup.server.quote('AAPL', { bid: 99, ask: 100 });
  return { s: setup, client, emu, rec, log };
}

let n = 0;
interface BracketSpec {
  readonly entry?: Partial<OrderRequest>;
  readonly tp?: Partial<OrderRequest> | null;
  readonly sl?: Partial<OrderRequest> | null;
}

/** The three orders ctx.bracket makes (a buy of 10 AAPL, take-profit 110, stop-loss 95 unless said otherwise). */
function bracket(s: AlpacaSetup, spec: BracketSpec = {}): { e: Order; tp: Order | null; sl: Order | null } {
  const now = s.driver.now();
  const e = new Order(`K${process.pid}-${++n}`, 'brackets', { symbol: 'AAPL', side: 'buy', type: 'limit', limitPrice: 98, qty: 10, ...spec.entry }, now);
  const links = { parentId: e.id, ocoGroup: exitGroupOf(e.id) };
  const child = (role: 'tp' | 'sl', req: OrderRequest): Order => new Order(legId(e.id, role), 'brackets', req, now, links);
  const base = { symbol: e.symbol, side: e.side === 'buy' ? 'sell' : 'buy', qty: e.qty, reduceOnly: true } as const;
  const tp = spec.tp === null ? null : child('tp', { ...base, type: 'limit', limitPrice: 110, tag: 'take-profit', ...spec.tp });
  const sl = spec.sl === null ? null : child('sl', { ...base, type: 'stop', stopPrice: 95, tag: 'stop-loss', ...spec.sl });
  return { e, tp, sl };
}

/** Sends them as ctx.bracket does: in one turn, entry first. */
function send(t: Started, b: { e: Order; tp: Order | null; sl: Order | null }): void {
  for (const o of [b.e, b.tp, b.sl]) if (o !== null) t.emu.submit(o, t.s.driver.now());
}

const statusOf = (legs: Record<string, unknown>[]): string[] => legs.map((l) => `${String(l.type)}:${String(l.status)}`).sort();
const posts = (s: AlpacaSetup): number => s.server.httpLog.filter((l) => l.method === 'POST').length;

describe('ctx.bracket on Alpaca: one bracket request', () => {
  it('entry fills, the held legs start working; the take-profit fills and the stop-loss is canceled; Sextant sees both', async () => {
    const t = await start();
    const { s, client, rec } = t;
    const b = bracket(s);
    const tp = b.tp!;
    const sl = b.sl!;
    send(t, b);
    await client.idle();
    expect(posts(s)).toBe(1);
    const venue = s.server.orderJsonByClientId(b.e.id)!;
    expect(venue).toMatchObject({ order_class: 'bracket', type: 'limit', limit_price: '98' });
    expect(statusOf(s.server.legsOf(b.e.id))).toEqual(['limit:held', 'stop:held']);
    const legs = s.server.legsOf(b.e.id);
    expect(legs.find((l) => l.type === 'limit')).toMatchObject({ limit_price: '110', side: 'sell', qty: '10' });
    expect(legs.find((l) => l.type === 'stop')).toMatchObject({ stop_price: '95', side: 'sell', qty: '10' });
    // The strategy's own child orders are Alpaca's legs: accepted while held, nothing held by the emulator.
    for (const o of [tp, sl]) expect(rec.types(o.id)).toEqual(['OrderSubmitted', 'OrderAccepted']);
    expect(t.emu.state().orders).toEqual([]);

    s.server.quote('AAPL', { bid: 97, ask: 98 });
    await until(() => b.e.status === 'filled', 'the entry filled');
    await until(() => statusOf(s.server.legsOf(b.e.id)).join() === 'limit:new,stop:new', 'legs working at alpaca');
    s.server.quote('AAPL', { bid: 111, ask: 112 });
    await until(() => tp.status === 'filled' && sl.status === 'canceled', 'take-profit filled, stop-loss canceled');
    await s.driver.settle();
    expect(rec.fills(b.e.id).map((f) => [f.side, f.qty, f.price])).toEqual([['buy', 10, 98]]);
    expect(rec.fills(tp.id).map((f) => [f.side, f.qty, f.price])).toEqual([['sell', 10, 111]]);
    expect(rec.types(sl.id)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled']);
    expect(await client.positions()).toEqual([]);
    // Nothing was released by the emulator (no `-E<n>` orders), and nothing was sent twice.
    expect(s.server.exchange.allOrders().some((o) => /-E\d+$/.test(o.clientOrderId))).toBe(false);
    expect(posts(s)).toBe(1);
    expect(s.server.duplicateAcceptances()).toEqual([]);
  });

  it('a market entry with a stop-limit stop-loss: stop_loss carries both prices; the stop-loss fills, the take-profit is canceled', async () => {
    const t = await start();
    const { s, rec } = t;
    const b = bracket(s, { entry: { type: 'market', limitPrice: undefined }, sl: { type: 'stop-limit', stopPrice: 95, limitPrice: 94 } });
    send(t, b);
    await until(() => b.e.status === 'filled', 'the entry filled at the ask');
    await t.client.idle();
    expect(s.server.orderJsonByClientId(b.e.id)).toMatchObject({ order_class: 'bracket', type: 'market' });
    expect(s.server.legsOf(b.e.id).find((l) => l.type === 'stop_limit')).toMatchObject({ stop_price: '95', limit_price: '94' });
    await until(() => statusOf(s.server.legsOf(b.e.id)).join() === 'limit:new,stop_limit:new', 'legs working');
    s.server.quote('AAPL', { bid: 94.5, ask: 95 });
    await until(() => b.sl!.status === 'filled' && b.tp!.status === 'canceled', 'stop-loss filled, take-profit canceled');
    expect(rec.fills(b.sl!.id).map((f) => [f.side, f.qty])).toEqual([['sell', 10]]);
    expect(rec.fills(b.sl!.id)[0]!.price).toBeGreaterThanOrEqual(94);
  });

  it('one child: an OTO request; canceling the entry before it fills cancels the held leg', async () => {
    const t = await start();
    const { s, client, rec } = t;
    const b = bracket(s, { tp: null });
    send(t, b);
    await client.idle();
    expect(s.server.orderJsonByClientId(b.e.id)!.order_class).toBe('oto');
    expect(statusOf(s.server.legsOf(b.e.id))).toEqual(['stop:held']);
    t.emu.cancel(b.e.id, s.driver.now());
    await until(() => b.e.status === 'canceled' && b.sl!.status === 'canceled', 'entry and leg canceled');
    expect(rec.types(b.sl!.id)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled']);
  });

  it('a working leg canceled from Sextant ends at Alpaca; its sibling keeps working (a fill, not a cancel, ends the pair)', async () => {
    const t = await start();
    const { s, client } = t;
    const b = bracket(s, { entry: { type: 'market', limitPrice: undefined } });
    send(t, b);
    await until(() => b.e.status === 'filled', 'the entry filled');
    await until(() => statusOf(s.server.legsOf(b.e.id)).join() === 'limit:new,stop:new', 'legs working');
    await client.idle();
    t.emu.cancel(b.tp!.id, s.driver.now());
    await until(() => b.tp!.status === 'canceled', 'take-profit canceled');
    await s.driver.settle();
    expect(statusOf(s.server.legsOf(b.e.id))).toEqual(['limit:canceled', 'stop:new']);
    expect(b.sl!.status).toBe('accepted');
    t.emu.cancel(b.sl!.id, s.driver.now());
    await until(() => b.sl!.status === 'canceled', 'stop-loss canceled');
  });

  it('the bracket request\'s reply lost: found by the entry\'s client order id, never sent again; the legs linked and heard', async () => {
    const faults = new AlpacaFaults();
    const t = await start(faults);
    const { s, client, rec } = t;
    faults.next({ kind: 'lost-reply', method: 'POST', path: '/v2/orders', delayMs: 300 });
    const b = bracket(s, { entry: { type: 'market', limitPrice: undefined } });
    send(t, b);
    await until(() => b.e.status === 'filled', 'the entry filled');
    await until(() => statusOf(s.server.legsOf(b.e.id)).join() === 'limit:new,stop:new', 'legs working');
    await client.idle();
    expect(faults.counts.get('lost-reply')).toBe(1);
    expect(posts(s)).toBe(1);
    expect(s.server.orderJsonByClientId(b.e.id)!.order_class).toBe('bracket');
    s.server.quote('AAPL', { bid: 111, ask: 112 });
    await until(() => b.tp!.status === 'filled' && b.sl!.status === 'canceled', 'take-profit filled, stop-loss canceled');
    await s.driver.settle();
    expect(rec.fills(b.tp!.id).map((f) => [f.side, f.qty, f.price])).toEqual([['sell', 10, 111]]);
    expect(s.server.duplicateAcceptances()).toEqual([]);
  });

  it('Alpaca refusing the request rejects the entry and both children with its reason', async () => {
    const t = await start();
    const b = bracket(s_(t), { tp: { limitPrice: 97 } });
    send(t, b);
    await t.client.idle();
    for (const o of [b.e, b.tp!, b.sl!]) expect(o.status).toBe('rejected');
    expect(b.tp!.reason).toMatch(/take_profit\.limit_price/);
  });
});

const s_ = (t: Started): AlpacaSetup => t.s;

describe('ctx.bracket on Alpaca: what stays emulated, and why', () => {
  it('names the reason for each shape Alpaca cannot take, and the emulator holds those children', async () => {
    const t = await start();
    const cases: [BracketSpec, 'tp' | 'sl', RegExp][] = [
      [{ entry: { symbol: 'BTC/USD', tif: 'GTC' }, tp: { symbol: 'BTC/USD' }, sl: { symbol: 'BTC/USD' } }, 'sl', /entry \S+: symbol: alpaca has no bracket or OTO orders for crypto/],
      [{ entry: { qty: 2.5 }, tp: { qty: 2.5 }, sl: { qty: 2.5 } }, 'tp', /qty: alpaca bracket and OTO orders are for whole shares, got 2\.5/],
      [{ entry: { tif: 'IOC' }, tp: { tif: 'IOC' }, sl: { tif: 'IOC' } }, 'sl', /tif: alpaca bracket and OTO orders are DAY or GTC, got IOC/],
      [{ entry: { tif: 'DAY' } }, 'tp', /tif: alpaca's legs take their entry's time in force DAY, got GTC/],
      [{ entry: { type: 'stop', stopPrice: 101, limitPrice: undefined } }, 'tp', /type: alpaca bracket and OTO entries are sent as market or limit/],
      [{ sl: { type: 'trailing-stop', stopPrice: undefined, trailing: { kind: 'amount', value: 2 } } }, 'sl', /type: alpaca's stop-loss leg is a stop or stop-limit order, got trailing-stop/],
      [{ tp: { qty: 5 } }, 'tp', /qty: alpaca's legs are for the entry's quantity 10, got 5/],
    ];
    for (const [spec, role, reason] of cases) {
      const b = bracket(t.s, spec);
      t.emu.submit(b.e, t.s.driver.now());
      const child = role === 'tp' ? b.tp! : b.sl!;
      expect(t.client.nativeProblem(child)).toMatch(reason);
      expect(t.emu.needsEmulation(child)).toBe(true);
      expect(t.log.some((l) => l.startsWith(`bracket child ${child.id} is emulated, not sent as an alpaca leg: `) && reason.test(l))).toBe(true);
      t.emu.cancel(b.e.id, t.s.driver.now());
    }
    // A child that comes after its entry was sent cannot join it.
    const late = bracket(t.s);
    t.emu.submit(late.e, t.s.driver.now());
    await t.client.idle();
    expect(t.client.nativeProblem(late.tp!)).toMatch(/^parentId: its entry \S+ is not waiting here to be sent with it/);
  });

  it.each([
    ['the emulated stop-loss fills: the emulator cancels the native take-profit leg', { bid: 94, ask: 95 }, 'sl', 'tp'],
    ['the native take-profit leg fills: the emulator cancels the held stop-loss', { bid: 111, ask: 112 }, 'tp', 'sl'],
  ] as const)('one child rides, its sibling cannot (another time in force): still one OCO group; %s', async (_what, quote, filled, canceled) => {
    const t = await start();
    const { s, client, rec } = t;
    const b = bracket(s, { entry: { type: 'market', limitPrice: undefined }, sl: { tif: 'DAY' } });
    send(t, b);
    await client.idle();
    expect(s.server.orderJsonByClientId(b.e.id)!.order_class).toBe('oto');
    expect(t.log.some((l) => l.includes(`bracket child ${b.sl!.id} is emulated`) && l.includes('time in force GTC, got DAY'))).toBe(true);
    await until(() => b.e.status === 'filled', 'the entry filled');
    await until(() => statusOf(s.server.legsOf(b.e.id)).join() === 'limit:new' && s.server.orderJsonByClientId(`${b.sl!.id}-E1`) !== null, 'leg working, stop-loss released');
    await client.idle();
    s.server.quote('AAPL', quote);
    const byRole = { tp: b.tp!, sl: b.sl! };
    await until(() => rec.types(byRole[filled].id).includes('OrderFilled') && rec.types(byRole[canceled].id).includes('OrderCanceled'), `${filled} filled, ${canceled} canceled`);
    await s.driver.settle();
    expect(rec.fills(byRole[filled].id).map((f) => [f.side, f.qty])).toEqual([['sell', 10]]);
    expect(await client.positions()).toEqual([]);
  });

  it('a DAY entry with GTC children: the entry is a plain order, the children held by the emulator and released once it fills; OCO by the emulator', async () => {
    const t = await start();
    const { s, client, rec } = t;
    const b = bracket(s, { entry: { tif: 'DAY' } });
    send(t, b);
    await client.idle();
    expect(s.server.orderJsonByClientId(b.e.id)).toMatchObject({ order_class: '', legs: null });
    // The emulator holds the children: Alpaca knows nothing of them until they are released.
    for (const o of [b.tp!, b.sl!]) {
      expect(rec.types(o.id)).toEqual(['OrderSubmitted', 'OrderAccepted']);
      expect(s.server.orderJsonByClientId(o.id)).toBeNull();
      expect(s.server.orderJsonByClientId(`${o.id}-E1`)).toBeNull();
    }
    s.server.quote('AAPL', { bid: 97, ask: 98 });
    await until(() => b.e.status === 'filled', 'the entry filled');
    await until(() => s.server.orderJsonByClientId(`${b.tp!.id}-E1`) !== null && s.server.orderJsonByClientId(`${b.sl!.id}-E1`) !== null, 'children released as plain orders');
    await client.idle();
    s.server.quote('AAPL', { bid: 111, ask: 112 });
    await until(() => rec.types(b.tp!.id).includes('OrderFilled') && rec.types(b.sl!.id).includes('OrderCanceled'), 'take-profit filled, stop-loss canceled by the emulator');
    expect(rec.fills(b.tp!.id).map((f) => [f.side, f.qty, f.price])).toEqual([['sell', 10, 111]]);
    expect(await client.positions()).toEqual([]);
  });
});
