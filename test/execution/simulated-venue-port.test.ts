// The simulated venue's ExecutionClient side beyond the shared contract: what only a simulator can show
// (matching goes on while the client is away, queue priority under cancel-replace, volume-capped fills on
// bars), that its journal answers exactly what its sink heard, and that a backtest's venue keeps none.
import { describe, expect, it } from 'vitest';
import { RetryableVenueError } from '../../src/core/errors.ts';
import { FractionCommission } from '../../src/execution/commission.ts';
import type { ExecutionCapabilities } from '../../src/execution/execution-client.ts';
import { requestMassStatus } from '../../src/execution/mass-status.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue, type VenueConfig } from '../../src/execution/simulated-venue.ts';
import type { Bar } from '../../src/model/bar.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import { Order, type OrderRequest } from '../../src/model/order.ts';
import { BacktestNode } from '../../src/engine/backtest-node.ts';
import { randomWalk } from '../../bench/random-walk.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { RecordingSink } from './execution-client.contract.ts';

const T0 = Date.UTC(2024, 0, 2, 14, 30);

function venueWith(config: Partial<VenueConfig> = {}, capabilities: Partial<ExecutionCapabilities> = {}, inst = makeInstrument('X')) {
  const rec = new RecordingSink();
  const venue = new SimulatedVenue({ ...DEFAULT_VENUE_CONFIG, dailyBars: false, ...config }, rec, { rejectReason: () => null, positionQty: () => 0 }, {
    capabilities, journal: true, account: { currency: 'USD', cash: 10_000 },
  });
  const slot = venue.addInstrument(inst);
  let t = T0;
  const bar = (o: number, h: number, l: number, c: number, volume = 1e6): void => {
    t += 60_000;
    const b: Bar = { symbol: inst.symbol, tsEventMs: t, open: o, high: h, low: l, close: c, volume };
    venue.onBar(slot, b);
  };
  let n = 0;
  const submit = (req: Partial<OrderRequest> & Pick<OrderRequest, 'side' | 'type'>): Order => {
    const o = new Order(`O${++n}`, 's', { symbol: inst.symbol, qty: 10, ...req }, t);
    venue.submit(o, t);
    return o;
  };
  return { venue, rec, bar, submit, now: () => t };
}

describe('simulated venue as an ExecutionClient', () => {
  it('goes on matching while the client is away; the fill shows in mass status once it is back', async () => {
    const { venue, rec, bar, submit } = venueWith();
    bar(100, 100, 100, 100);
    const o = submit({ side: 'buy', type: 'limit', limitPrice: 98 });
    venue.dropConnection();
    expect(venue.connectionState).toBe('reconnecting');
    await expect(venue.connect()).rejects.toBeInstanceOf(RetryableVenueError);
    bar(99, 99, 97, 97);
    expect(rec.fills()).toEqual([]);
    expect(rec.types(o.id)).toEqual(['OrderSubmitted', 'OrderAccepted']);
    await expect(venue.fillsSince(0)).rejects.toThrow(/not connected \(reconnecting\)/);
    venue.restoreConnection();
    expect(rec.connection.map((e) => e.state)).toEqual(['reconnecting', 'connected']);
    const ms = await requestMassStatus(venue, 0);
    expect(ms.fills.map((f) => [f.clientOrderId, f.qty, f.price])).toEqual([[o.id, 10, 98]]);
    expect(ms.positions).toEqual([{ symbol: 'X', qty: 10, avgPrice: 98, tsMs: ms.fills[0]!.tsEventMs }]);
    expect(ms.balances[0]!.total).toBe(10_000 - 980);
  });

  it('a venue that started connected (backtests, paper) refuses the id of a finished order once connect() was called', async () => {
    const { venue, rec, bar, submit, now } = venueWith();
    bar(100, 100, 100, 100);
    const o = submit({ side: 'buy', type: 'market' });
    bar(100, 100, 100, 100);
    expect(o.status).toBe('filled');
    await venue.connect();
    expect(rec.connection).toEqual([]);
    const copy = new Order(o.id, 's', { symbol: 'X', side: 'buy', type: 'market', qty: 1 }, now());
    venue.submit(copy, now());
    bar(100, 100, 100, 100);
    expect(copy.status).toBe('initialized');
    expect(rec.rejectionsOf(o.id, 'submit')).toHaveLength(1);
    expect(rec.fills()).toHaveLength(1);
  });

  it('fills volume-capped orders in parts across bars, each part a fill report', async () => {
    const { venue, bar, submit } = venueWith({ volumeCap: 0.1 });
    bar(100, 100, 100, 100);
    const o = submit({ side: 'buy', type: 'market', qty: 25 });
    bar(101, 101, 101, 101, 100);
    expect(await venue.queryOrder(o.id)).toMatchObject({ status: 'partially-filled', filledQty: 10 });
    bar(102, 102, 102, 102, 100);
    bar(103, 103, 103, 103, 100);
    const fills = await venue.fillsSince(0);
    expect(fills.map((f) => [f.qty, f.price])).toEqual([[10, 101], [10, 102], [5, 103]]);
    expect(new Set(fills.map((f) => f.tradeId)).size).toBe(3);
    expect(await venue.queryOrder(o.id)).toMatchObject({ status: 'filled', filledQty: 25, avgFillPrice: (10 * 101 + 10 * 102 + 5 * 103) / 25 });
  });

  it.each([
    [true, ['O1', 'O2']],
    [false, ['O2', 'O1']],
  ])('modify with nativeModify=%s: in place keeps the queue position, cancel-replace goes to the back', async (nativeModify, order) => {
    const { venue, rec, bar, submit } = venueWith({ volumeCap: 0.1, limitFill: 'touch' }, { nativeModify });
    bar(100, 100, 100, 100);
    const a = submit({ side: 'buy', type: 'limit', limitPrice: 99 });
    submit({ side: 'buy', type: 'limit', limitPrice: 99 });
    const before = venue.venueOrderId(a.id);
    venue.modify(a.id, { limitPrice: 99.5 }, T0);
    expect(venue.venueOrderId(a.id) === before).toBe(nativeModify);
    // Room for one order per bar: the first on the book fills first.
    bar(99, 99, 99, 99, 100);
    expect(rec.fills().map((f) => f.orderId)).toEqual([order[0]]);
    bar(99, 99, 99, 99, 100);
    expect(rec.fills().map((f) => f.orderId)).toEqual(order);
  });

  it('keeps the position through a flip and the cash through commission and the multiplier', async () => {
    const fut = makeInstrument('F', { assetClass: 'future', multiplier: 10, tickSize: 0.01 });
    const { venue, bar, submit } = venueWith({ commission: new FractionCommission(0.001) }, {}, fut);
    bar(100, 100, 100, 100);
    submit({ side: 'buy', type: 'market', qty: 4 });
    bar(100, 100, 100, 100);
    submit({ side: 'sell', type: 'market', qty: 10 });
    bar(110, 110, 110, 110);
    expect(await venue.positions()).toEqual([{ symbol: 'F', qty: -6, avgPrice: 110, tsMs: expect.any(Number) }]);
    submit({ side: 'buy', type: 'market', qty: 2 });
    bar(90, 90, 90, 90);
    expect((await venue.positions())[0]).toMatchObject({ qty: -4, avgPrice: 110 });
    const cash = 10_000 - 4 * 100 * 10 + 10 * 110 * 10 - 2 * 90 * 10 - 0.001 * 10 * (400 + 1100 + 180);
    expect((await venue.balances())[0]!.total).toBeCloseTo(cash, 9);
    submit({ side: 'buy', type: 'market', qty: 4 });
    bar(90, 90, 90, 90);
    expect(await venue.positions()).toEqual([]);
  });

  it("answers from its journal exactly what its sink heard, over random orders and bars", async () => {
    const { venue, rec, bar, submit } = venueWith({ volumeCap: 0.5, commission: new FractionCommission(0.001) });
    let x = 1;
    const rnd = (): number => ((x = (x * 48271) % 2147483647) / 2147483647);
    let px = 100;
    bar(px, px, px, px);
    for (let i = 0; i < 400; i++) {
      const side = rnd() < 0.5 ? 'buy' : 'sell';
      const r = rnd();
      if (r < 0.3) submit({ side, type: 'market', qty: 1 + Math.floor(rnd() * 20) });
      else if (r < 0.6) submit({ side, type: 'limit', limitPrice: Math.round((px + (rnd() - 0.5) * 4) * 100) / 100, qty: 1 + Math.floor(rnd() * 20) });
      else if (r < 0.7) submit({ side, type: 'stop', stopPrice: Math.round((px + (side === 'buy' ? 1 : -1) * rnd() * 3) * 100) / 100 });
      else if (r < 0.8 && venue.workingCount > 0) venue.cancel(venue.workingOrders()[0]!.id, T0);
      const o = px;
      px = Math.max(1, Math.round((px + (rnd() - 0.5) * 3) * 100) / 100);
      bar(o, Math.max(o, px) + 0.5, Math.min(o, px) - 0.5, px, 20 + Math.floor(rnd() * 40));
    }
    const ms = await requestMassStatus(venue, 0);
    const heard = rec.fills();
    expect(heard.length).toBeGreaterThan(100);
    expect(ms.fills.map((f) => [f.clientOrderId, f.side, f.qty, f.price, f.commission, f.liquidity, f.tsEventMs])).toEqual(
      heard.map((f) => [f.orderId, f.side, f.qty, f.price, f.commission, f.liquidity, f.tsEventMs]),
    );
    const net = heard.reduce((q, f) => q + (f.side === 'buy' ? f.qty : -f.qty), 0);
    expect(ms.positions.reduce((q, p) => q + p.qty, 0)).toBeCloseTo(net, 9);
    const cash = 10_000 - heard.reduce((c, f) => c + (f.side === 'buy' ? 1 : -1) * f.qty * f.price + f.commission, 0);
    expect(ms.balances[0]!.total).toBeCloseTo(cash, 6);
    expect(ms.openOrders.map((r) => r.clientOrderId)).toEqual(venue.workingOrders().map((o) => o.id));
  });

  it('in a backtest keeps no journal, and its queries say how to get one', async () => {
    class Once extends Strategy<Record<string, never>> {
      constructor() {
        super({});
      }
      override onBar(bar: Bar, ctx: StrategyContext): void {
        if (ctx.position(bar.symbol).qty === 0 && ctx.openOrders().length === 0) ctx.buy(bar.symbol, 1);
      }
    }
    const out = new BacktestNode({ series: [randomWalk('W', 50, 7)], cash: 1e6, strategies: [{ strategy: new Once() }] }).run();
    expect(out.kernel.fills.length).toBe(1);
    await expect(out.kernel.venue.fillsSince(0)).rejects.toThrow(/fillsSince needs the venue's journal \(construct SimulatedVenue with options \{ journal: true \}\)/);
    await expect(out.kernel.venue.queryOrder('O-1')).rejects.toThrow(/journal: true/);
  });
});
