// The Alpaca adapter under faults (docs/venues/alpaca.md, "Faults"): each fault alone, as a scenario,
// then a soak of 1,050 orders with about one submit in ten faulted (and reads, cancels, replaces) and a trade_updates stream that
// repeats, reorders and drops mid-fill. What must hold: no client order id accepted twice at the venue,
// no fill lost or doubled, every order finished or agreeing with the venue, positions equal to the venue's.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Order, type OrderRequest } from '../../src/model/order.ts';
import type { AlpacaExecutionClient } from '../../src/brokers/alpaca/index.ts';
import { splitClientId } from '../../src/brokers/alpaca/parse.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import { AlpacaFaults, seeded, type RestFaultKind } from '../fakes/alpaca/faults.ts';
import { alpacaSetup, type AlpacaSetup } from './alpaca-setup.ts';

const TERMINAL = new Set(['filled', 'canceled', 'expired', 'rejected']);
let setup: AlpacaSetup | undefined;
afterEach(async () => {
  await setup?.close?.();
  setup = undefined;
});

async function start(faults: AlpacaFaults, over: Parameters<typeof alpacaSetup>[2] = {}, cash = 100_000): Promise<{ rec: RecordingSink; s: AlpacaSetup; client: AlpacaExecutionClient }> {
  const rec = new RecordingSink();
  setup = await alpacaSetup(rec, { faults, cash, ...(over.log !== undefined && { log: over.log }) }, { requestTimeoutMs: 150, fillGraceMs: 100, ...over });
  const client = setup.client as AlpacaExecutionClient;
  await client.connect();
  setup.server.quote('AAPL', { bid: 99, ask: 100 });
  setup.server.quote('MSFT', { bid: 49, ask: 50 });
  return { rec, s: setup, client };
}

let n = 0;
const make = (s: AlpacaSetup, req: Partial<OrderRequest> & Pick<OrderRequest, 'side' | 'type'>): Order => new Order(`F${process.pid}-${++n}`, 'faults', { symbol: 'AAPL', qty: 10, ...req }, s.driver.now());

describe('Alpaca adapter: each fault alone', () => {
  const submitCases: { kind: RestFaultKind; posts: number; what: string }[] = [
    { kind: 'lost-reply', posts: 1, what: 'found by its client order id, never sent again' },
    { kind: 'delay', posts: 1, what: 'found by its client order id, never sent again' },
    { kind: '503', posts: 1, what: 'found by its client order id, never sent again' },
    { kind: 'malformed', posts: 1, what: 'found by its client order id, never sent again' },
    { kind: 'lost-request', posts: 2, what: 'not found, sent again with the same client order id' },
    { kind: '500', posts: 2, what: 'not found, sent again with the same client order id' },
    { kind: '429', posts: 2, what: 'not found, sent again after Retry-After' },
  ];
  for (const c of submitCases) {
    it(`a submit answered by '${c.kind}' is ${c.what}; one order at the venue`, async () => {
      const faults = new AlpacaFaults();
      const { rec, s, client } = await start(faults);
      faults.next({ kind: c.kind, method: 'POST', path: '/v2/orders', delayMs: 300, retryAfterS: 0 });
      const o = make(s, { side: 'buy', type: 'limit', limitPrice: 95 });
      client.submit(o, s.driver.now());
      await client.idle();
      expect(o.status).toBe('accepted');
      const posts = s.server.httpLog.filter((l) => l.method === 'POST' && l.clientOrderId === o.id);
      expect(posts).toHaveLength(c.posts);
      expect(s.server.exchange.requests.filter((r) => r.clientOrderId === o.id && r.accepted)).toHaveLength(1);
      expect(s.server.httpLog.some((l) => l.path === '/v2/orders:by_client_order_id' && l.clientOrderId === o.id)).toBe(true);
      expect(rec.types(o.id)).toEqual(['OrderSubmitted', 'OrderAccepted']);
    });
  }

  it('a send that reaches Alpaca late, after a resend, is refused there as a duplicate: one order', async () => {
    const faults = new AlpacaFaults();
    const { s, client } = await start(faults);
    faults.next({ kind: 'late-request', method: 'POST', path: '/v2/orders', delayMs: 400 });
    const o = make(s, { side: 'buy', type: 'limit', limitPrice: 95 });
    client.submit(o, s.driver.now());
    await client.idle();
    await until(() => s.server.exchange.requests.filter((r) => r.clientOrderId === o.id).length === 2, 'the late copy arrived', 3000);
    expect(s.server.exchange.requests.filter((r) => r.clientOrderId === o.id).map((r) => [r.accepted, r.code ?? ''])).toEqual([[true, ''], [false, 'duplicate']]);
    expect(s.server.duplicateAcceptances()).toEqual([]);
    expect(o.status).toBe('accepted');
  });

  it('refusals are rejections with Alpaca\'s reason: insufficient buying power (403), invalid (422)', async () => {
    const { rec, s, client } = await start(new AlpacaFaults(), {}, 1_000);
    const big = make(s, { side: 'buy', type: 'limit', limitPrice: 95, qty: 100 });
    const frac = make(s, { side: 'buy', type: 'limit', limitPrice: 95, qty: 0.5, tif: 'GTC' });
    client.submit(big, s.driver.now());
    client.submit(frac, s.driver.now());
    await client.idle();
    expect(big.status).toBe('rejected');
    expect(big.reason).toMatch(/403 insufficient buying power/);
    expect(frac.status).toBe('rejected');
    expect(frac.reason).toMatch(/422 fractional orders must be DAY orders/);
    expect(rec.fills()).toEqual([]);
  });

  it('a dropped stream mid-fill reports reconnecting, then the fill arrives by the gap fill, once', async () => {
    const faults = new AlpacaFaults();
    const { rec, s, client } = await start(faults);
    const o = make(s, { side: 'buy', type: 'limit', limitPrice: 98, qty: 10 });
    client.submit(o, s.driver.now());
    await client.idle();
    faults.stream = { dropOnFill: 1 };
    s.server.quote('AAPL', { bid: 97, ask: 98, askSize: 4 });
    await until(() => rec.connection.some((e) => e.state === 'reconnecting'), 'reconnecting');
    faults.stream = {};
    await until(() => client.connectionState === 'connected' && o.filledQty === 4, 'reconnected with the fill read back');
    s.server.quote('AAPL', { bid: 97, ask: 98 });
    await until(() => o.status === 'filled', 'filled');
    expect(rec.fills(o.id).map((f) => [f.qty, f.price])).toEqual([[4, 98], [6, 98]]);
    expect(rec.connection.map((e) => e.state).slice(-2)).toEqual(['reconnecting', 'connected']);
  });

  it('duplicate and out-of-order trade updates: each fill once, the cancel after the fills it overtook', async () => {
    const faults = new AlpacaFaults(seeded(3));
    const { rec, s, client } = await start(faults);
    faults.stream = { duplicate: 1, reorder: 0.5 };
    const orders = [1, 2, 3, 4, 5].map(() => make(s, { side: 'buy', type: 'limit', limitPrice: 98, qty: 10 }));
    for (const o of orders) client.submit(o, s.driver.now());
    await client.idle();
    s.server.quote('AAPL', { bid: 97, ask: 98, askSize: 3 });
    s.server.quote('AAPL', { bid: 97, ask: 98, askSize: 3 });
    for (const o of orders) client.cancel(o.id, s.driver.now());
    await until(() => orders.every((o) => o.isClosed), 'every order finished', 5000);
    faults.stream = {};
    await client.resync();
    for (const o of orders) {
      const view = s.server.venueViewOf(o.id);
      expect(o.filledQty).toBeCloseTo(view.filledQty, 9);
      expect(o.status).toBe(view.status === 'filled' ? 'filled' : 'canceled');
    }
    expect(rec.fills().length).toBe(s.server.exchange.fills().length);
  });
});

describe('Alpaca adapter: replace (PATCH)', () => {
  it('a partly filled order modified: the replacement is for what is left; reports add back the fills; a restarted client agrees', async () => {
    const { rec, s, client } = await start(new AlpacaFaults());
    const o = make(s, { side: 'buy', type: 'limit', limitPrice: 98, qty: 10 });
    client.submit(o, s.driver.now());
    await client.idle();
    s.server.quote('AAPL', { bid: 97, ask: 98, askSize: 4 });
    await until(() => o.filledQty === 4, 'partial fill');
    s.server.quote('AAPL', { bid: 99, ask: 100 });
    client.modify(o.id, { qty: 12, limitPrice: 99 }, s.driver.now());
    await until(() => rec.types(o.id).includes('OrderUpdated'), 'OrderUpdated');
    const patch = s.server.httpLog.find((l) => l.method === 'PATCH')!;
    expect(patch.clientOrderId).toBe(`${o.id}~r1`);
    expect(s.server.orderJsonByClientId(`${o.id}~r1`)).toMatchObject({ qty: '8', limit_price: '99', replaces: expect.any(String) });
    expect(s.server.orderJsonByClientId(o.id)).toMatchObject({ status: 'replaced', filled_qty: '4' });
    expect(await client.queryOrder(o.id)).toMatchObject({ clientOrderId: o.id, qty: 12, filledQty: 4, avgFillPrice: 98, limitPrice: 99, status: 'partially-filled' });
    s.server.quote('AAPL', { bid: 98, ask: 99 });
    await until(() => o.status === 'filled', 'filled');
    expect(rec.fills(o.id).map((f) => [f.qty, f.price])).toEqual([[4, 98], [8, 99]]);
    const fills = await client.fillsSince(0);
    expect(fills.map((f) => [f.clientOrderId, f.qty])).toEqual([[o.id, 4], [o.id, 8]]);
    expect(new Set(fills.map((f) => f.venueOrderId)).size).toBe(2);
    const after = await s.restart!(new RecordingSink());
    await after.connect();
    expect(await after.queryOrder(o.id)).toMatchObject({ qty: 12, filledQty: 12, status: 'filled', avgFillPrice: (4 * 98 + 8 * 99) / 12 });
  });

  it('a replace whose answer is lost is found by its client order id; one that lands after the client gave up is adopted from the stream', async () => {
    const faults = new AlpacaFaults();
    const { rec, s, client } = await start(faults);
    const a = make(s, { side: 'buy', type: 'limit', limitPrice: 90 });
    const b = make(s, { side: 'buy', type: 'limit', limitPrice: 90 });
    client.submit(a, s.driver.now());
    client.submit(b, s.driver.now());
    await client.idle();
    faults.next({ kind: 'lost-reply', method: 'PATCH', delayMs: 300 });
    client.modify(a.id, { limitPrice: 91 }, s.driver.now());
    await client.idle();
    expect(a.limitPrice).toBe(91);
    expect(rec.rejectionsOf(a.id, 'modify')).toEqual([]);
    faults.next({ kind: 'late-request', method: 'PATCH', delayMs: 400 });
    client.modify(b.id, { limitPrice: 92 }, s.driver.now());
    await client.idle();
    expect(rec.rejectionsOf(b.id, 'modify')).toHaveLength(1);
    await until(() => b.limitPrice === 92, 'the late replace adopted');
    s.server.quote('AAPL', { bid: 90.5, ask: 91 });
    await until(() => a.status === 'filled' && b.status === 'filled', 'both filled on their new terms');
    expect(rec.fills().map((f) => [f.orderId, f.price]).sort()).toEqual([[a.id, 91], [b.id, 91]].sort());
    expect(s.server.venueViewOf(b.id)).toMatchObject({ orders: 2, status: 'filled' });
    expect(s.server.duplicateAcceptances()).toEqual([]);
  });
});

describe('Alpaca adapter: request budget', () => {
  it('keeps to the TokenBucket: a burst of 40 queries reaches Alpaca no faster than the budget allows', async () => {
    const { s, client } = await start(new AlpacaFaults(), { rateLimit: { capacity: 5, refillPerSecond: 20 } });
    const before = s.server.httpLog.length;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => client.queryOrder(`none-${i}`)));
    expect(answers.every((a) => a === null)).toBe(true);
    // Every request counts against the budget (the client's own background reads too); the 40 queries are among them.
    const log = s.server.httpLog.slice(before);
    // Each of the 40 reached Alpaca (a query that timed out on a loaded machine is asked again, and counts again).
    expect(new Set(log.filter((l) => l.clientOrderId?.startsWith('none-') === true).map((l) => l.clientOrderId)).size).toBe(40);
    const times = log.map((l) => l.atMs);
    // All of them take at least the time the budget gives after its first 5: (n - 5) / 20 s.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(((times.length - 5) / 20) * 1000 * 0.95);
    // In any stretch of t ms at most 5 + 20 * t / 1000 requests arrive, +4: the fake server stamps arrivals on its
    // event loop, which a loaded machine delays and then serves in a bunch (+2 failed twice under load 10).
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) expect(j - i + 1).toBeLessThanOrEqual(5 + (20 * (times[j]! - times[i]!)) / 1000 + 4);
    }
  });
});

describe('Alpaca adapter: soak under faults', () => {
  it('1,050 orders with ~10% of their submits faulted (and faulted reads, cancels, replaces, stream frames): no duplicate at the venue, no lost fill, every order finished or reconciled, positions equal', { timeout: 120_000 }, async () => {
    const faults = new AlpacaFaults(seeded(20261207));
    const { rec, s, client } = await start(faults, { requestTimeoutMs: 800, fillGraceMs: 300, ...(process.env.DEBUG_SOAK !== undefined && { log: (l: string) => appendFileSync(process.env.DEBUG_SOAK!, `${Date.now() % 100000} ${l}\n`) }) }, 10_000_000);
    const all: RestFaultKind[] = ['lost-request', 'late-request', 'lost-reply', 'delay', '429', '500', '503', 'malformed'];
    faults.rest = [
      { method: 'POST', path: '/v2/orders', rate: 0.1, kinds: all, delayMs: 900, retryAfterS: 0 },
      { method: 'PATCH', rate: 0.1, kinds: all, delayMs: 900, retryAfterS: 0 },
      { method: 'DELETE', rate: 0.1, kinds: ['lost-reply', 'delay', '429', '500', '503'], delayMs: 900, retryAfterS: 0 },
      { method: 'GET', rate: 0.03, kinds: ['lost-reply', '429', '500', '503', 'malformed'], delayMs: 900, retryAfterS: 0 },
    ];
    faults.stream = { duplicate: 0.03, reorder: 0.03, dropOnFill: 0.01 };
    const rnd = seeded(11);
    const mids = { AAPL: 100, MSFT: 50 };
    const orders: Order[] = [];
    const quote = (sym: 'AAPL' | 'MSFT'): void => {
      mids[sym] = Math.max(10, Math.round((mids[sym] + (rnd() - 0.5) * 2) * 100) / 100);
      const size = rnd() < 0.3 ? 5 : 1e6;
      s.server.quote(sym, { bid: mids[sym] - 0.05, ask: mids[sym] + 0.05, bidSize: size, askSize: size });
    };
    const started = Date.now();
    const lag = monitorEventLoopDelay({ resolution: 20 });
    lag.enable();
    for (let batch = 0; batch < 30; batch++) {
      await until(() => client.connectionState === 'connected', `connected (${JSON.stringify(rec.connection.slice(-3))})`, 20_000);
      for (let i = 0; i < 35; i++) {
        const sym = rnd() < 0.5 ? 'AAPL' : 'MSFT';
        const mid = mids[sym];
        const side = rnd() < 0.5 ? 'buy' : 'sell';
        const r = rnd();
        const qty = rnd() < 0.1 ? 0.5 : 1 + Math.floor(rnd() * 20);
        const off = (side === 'buy' ? -1 : 1) * Math.round(rnd() * 200) / 100;
        const req: OrderRequest =
          r < 0.4 ? { symbol: sym, side, type: 'market', qty }
          : r < 0.8 ? { symbol: sym, side, type: 'limit', qty, limitPrice: Math.round((mid + off) * 100) / 100 }
          : r < 0.9 ? { symbol: sym, side, type: 'stop', qty, stopPrice: Math.round((mid - off) * 100) / 100 }
          : r < 0.95 ? { symbol: sym, side, type: 'stop-limit', qty, stopPrice: Math.round((mid - off) * 100) / 100, limitPrice: Math.round((mid - 2 * off) * 100) / 100 }
          : { symbol: sym, side, type: 'trailing-stop', qty, trailing: { kind: 'amount', value: 1 } };
        const o = new Order(`S${process.pid}-${batch}-${i}`, 'soak', { ...req, tif: qty % 1 !== 0 ? 'DAY' : rnd() < 0.1 ? 'IOC' : 'GTC' }, s.driver.now());
        orders.push(o);
        client.submit(o, s.driver.now());
      }
      quote('AAPL');
      quote('MSFT');
      for (const o of orders) {
        if (!o.isOpen || o.status === 'submitted') continue;
        const r = rnd();
        if (r < 0.15) client.cancel(o.id, s.driver.now());
        else if (r < 0.2 && o.type === 'limit') client.modify(o.id, { limitPrice: Math.round((o.limitPrice! + (o.side === 'buy' ? -0.5 : 0.5)) * 100) / 100 }, s.driver.now());
      }
      // Paced by the client: the next batch goes once this one's commands are answered (or 2 s passed).
      await Promise.race([client.idle(), new Promise((r) => setTimeout(r, 2_000))]);
      quote('AAPL');
      quote('MSFT');
    }
    // Faults stop; the client settles what is still in doubt.
    faults.rest = [];
    faults.stream = {};
    await until(() => client.connectionState === 'connected', 'connected', 20_000);
    await client.idle();
    await new Promise((r) => setTimeout(r, 600));
    for (let k = 0; k < 3; k++) {
      await client.resync();
      await client.idle();
    }
    const seconds = (Date.now() - started) / 1000;
    lag.disable();

    // 1. No client order id accepted twice (Alpaca keeps them for ever; the request log says so).
    expect(s.server.duplicateAcceptances()).toEqual([]);
    // 2. Every venue fill heard exactly once, on the order it belongs to.
    const key = (id: string, qty: number, price: number): string => `${id}|${qty.toFixed(6)}|${price.toFixed(6)}`;
    const venueFills = s.server.exchange.fills().map((f) => key(splitClientId(f.clientOrderId).baseId, f.qty, f.price)).sort();
    const heardFills = rec.fills().map((f) => key(f.orderId, f.qty, f.price)).sort();
    if (process.env.DEBUG_SOAK) {
      const missing = venueFills.filter((k) => !heardFills.includes(k));
      const extra = heardFills.filter((k) => !venueFills.includes(k));
      for (const k of [...missing, ...extra]) {
        const id = k.split('|')[0]!;
        const o = orders.find((x) => x.id === id);
        console.log(k, missing.includes(k) ? 'MISSING' : 'EXTRA', o?.status, o?.filledQty, o?.qty, o?.type, JSON.stringify(s.server.venueViewOf(id)));
        console.log(rec.orderEvents.filter((e) => e.event.orderId === id).map((e) => e.event.type + ':' + e.status).join(' '));
        console.log(JSON.stringify(client.anomalies.filter((a) => a.clientOrderId === id)));
        console.log(s.server.httpLog.filter((l) => l.clientOrderId !== undefined && l.clientOrderId.startsWith(id)).map((l) => `${l.method} ${l.path} ${l.status} ${l.fault ?? ''} ${l.clientOrderId}`).join('\n'));
      }
    }
    expect(heardFills).toEqual(venueFills);
    // 3. Every order finished, or open on both sides; filled quantities equal the venue's.
    const disagree: string[] = [];
    for (const o of orders) {
      const v = s.server.venueViewOf(o.id);
      if (Math.abs(v.filledQty - o.filledQty) > 1e-9) disagree.push(`${o.id} filled ${o.filledQty} venue ${v.filledQty}`);
      if (v.standing === null) {
        if (o.status !== 'rejected') disagree.push(`${o.id} ${o.status} but unknown at the venue`);
        continue;
      }
      const open = v.status === 'new' || v.status === 'partially_filled';
      if (open !== o.isOpen || (!open && v.status !== o.status)) disagree.push(`${o.id} ${o.status} venue ${v.status}`);
    }
    expect(disagree).toEqual([]);
    // 4. Positions: the venue's, the client's report of them, and the sum of the fills heard agree.
    const heard = new Map<string, number>();
    for (const f of rec.fills()) heard.set(f.symbol, (heard.get(f.symbol) ?? 0) + (f.side === 'buy' ? f.qty : -f.qty));
    const venue = new Map(s.server.exchange.positions().map((p) => [p.symbol, p.qty]));
    const reported = new Map((await client.positions()).map((p) => [p.symbol, p.qty]));
    for (const sym of ['AAPL', 'MSFT']) {
      expect(heard.get(sym) ?? 0).toBeCloseTo(venue.get(sym) ?? 0, 6);
      expect(reported.get(sym) ?? 0).toBeCloseTo(venue.get(sym) ?? 0, 6);
    }
    const counts = Object.fromEntries(faults.counts);
    const byStatus: Record<string, number> = {};
    for (const o of orders) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    const requests = s.server.httpLog.length;
    const faulted = s.server.httpLog.filter((l) => l.fault !== undefined).length;
    const posts = s.server.httpLog.filter((l) => l.method === 'POST');
    const faultedPosts = posts.filter((l) => l.fault !== undefined).length;
    const notConnected = orders.filter((o) => /not connected/.test(o.reason)).length;
    console.log(JSON.stringify({ orders: orders.length, seconds, requests, faulted, posts: posts.length, faultedPosts, notConnected, fills: venueFills.length, byStatus, faults: counts, refusedCopies: s.server.exchange.requests.filter((r) => r.code === 'duplicate').length, anomalies: client.anomalies.length, loopLagMaxMs: Math.round(lag.max / 1e6), loopLagP99Ms: Math.round(lag.percentile(99) / 1e6) }));
    expect(orders.length).toBeGreaterThanOrEqual(1000);
    expect(orders.filter((o) => TERMINAL.has(o.status)).length).toBeGreaterThan(500);
    // About one order in ten met a fault on its way out, besides faulted reads, cancels, replaces and stream frames.
    expect(faultedPosts / posts.length).toBeGreaterThan(0.07);
    expect(notConnected).toBeLessThan(orders.length / 10);
  });
});
