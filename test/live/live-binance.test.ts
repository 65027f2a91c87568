// `sextant live --venue binance` end to end: the real CLI (spawned from the sources) against the combined
// fake Binance venue on one port (signed REST + WebSocket API user data + market streams). One run, trading
// BTC/USDT and ETH/USDT (a resting buy working on each), goes through a day in the life of a live node:
// 1. it trades (orders reach the venue and fill there; `sextant status` shows the venue's fills and positions);
// 2. SIGTERM stops it cleanly, its resting orders staying at the venue; a restart adopts them (not sent again);
// 3. while it is down the venue fills one resting order and cancels the other: the restart books the fill and
//    finishes the other as canceled (the reconcile events say so);
// 4. a position change nothing explains (an old trade outside the fill window) makes the restart exit 4 with
//    the report, having sent nothing.
// The fill and the cancel made while the node is down are on two symbols in one stop, so that both cost one
// restart: each start of the node costs about 5 CPU-seconds (2-core machine).
// Credentials are given in the environment only and never appear in output or in the state folder.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBinanceVenue } from '../fakes/binance/venue.ts';
import type { FakeExchange, FakeOrder } from '../fakes/fake-exchange.ts';
import { alternator, filesContaining, readStore, startLive, statusJson, expectSameFills, storePositions, TICK_MS, until, venuePositions, type LiveChild, type Stored } from './harness.ts';

const QTY = 0.01;
const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];
const ARGS = ['--param', `qty=${QTY}`, '--param', 'rest=0.2', '--position-check', '1'];
const START_MS = 120_000;

describe('sextant live --venue binance against the fake Binance venue', () => {
  let venue: FakeBinanceVenue;
  let stateDir: string;
  let strategy: string;
  const children: LiveChild[] = [];
  const key = `LK${randomBytes(12).toString('hex')}`;
  const secret = `LS${randomBytes(24).toString('hex')}`;
  const exchange = (): FakeExchange => venue.spot.exchange;
  /** The resting limit buys working at the venue, by venue symbol (BTCUSDT first). */
  const restingBuys = (): FakeOrder[] => exchange().openOrders().filter((o) => o.type === 'limit' && o.side === 'buy').sort((a, b) => a.symbol.localeCompare(b.symbol));
  const ids = (orders: readonly FakeOrder[]): string[] => orders.map((o) => o.clientOrderId);
  /** A resting buy on each symbol, none of them one of `old`. */
  const newRestingBuys = (old: readonly FakeOrder[]): boolean => {
    const now = restingBuys();
    return now.map((o) => o.symbol).join() === 'BTCUSDT,ETHUSDT' && now.every((o) => !ids(old).includes(o.clientOrderId));
  };

  beforeAll(async () => {
    venue = await FakeBinanceVenue.start({ startPrice: 30_000, tickMs: TICK_MS, apiKey: key, secret });
    stateDir = mkdtempSync(join(tmpdir(), 'sextant-live-binance-'));
    strategy = alternator();
  });
  afterAll(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await venue.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const live = (): LiveChild => {
    const c = startLive(venue, stateDir, { strategy, symbols: SYMBOLS, args: ARGS });
    children.push(c);
    return c;
  };

  /**
   * The store (and, with `status`, `sextant status`) agrees with the venue: every fill, the positions, every order
   * known. Returns what the store holds (one opening of the store serves the checks of each test). `sextant status`
   * reads the same stored fills (another opening of the store): it is checked after the first run's trading and
   * after the restart that booked a fill made while the node was down, not again after the restart that adopts.
   */
  async function expectStoreEqualsVenue(opts: { status: boolean }): Promise<Stored> {
    const venueIds = [...new Set(exchange().allOrders().map((o) => o.clientOrderId))];
    const stored = await readStore(stateDir, venueIds);
    expectSameFills(stored.fills, venue);
    expect(storePositions(stored.fills)).toEqual(venuePositions(venue));
    for (const [id, rec] of stored.orders) expect(rec, `venue order ${id} is in the store`).not.toBeNull();
    if (!opts.status) return stored;
    const s = await statusJson(stateDir);
    expect(s.fills).toBe(exchange().fills().length);
    const statusPos = Object.fromEntries(s.positions.map((p) => [p.symbol, Math.round(p.qty * 1e8) / 1e8]));
    expect(statusPos).toEqual(venuePositions(venue));
    return stored;
  }

  it('trades, stops on SIGTERM leaving its resting orders at the venue, and the store equals the venue', async () => {
    const c = live();
    await c.printed(/new live run "live-binance"/);
    expect(c.out()).toMatch(/binance agrees with the store: 0 open orders/);
    const traded = (symbol: string): boolean => exchange().fills().some((f) => f.symbol === symbol);
    await until(() => exchange().fills().length >= 4 && traded('BTCUSDT') && traded('ETHUSDT') && restingBuys().length === 2, 30_000, 'four fills on both symbols and a resting buy on each at the venue');
    c.child.kill('SIGTERM');
    const end = await c.exited;
    expect(end.code, c.err()).toBe(0);
    // Every order the venue accepted came from this run, once.
    expect(venue.spot.exchange.duplicateAcceptances()).toEqual([]);
    expect(exchange().requests.filter((r) => r.accepted).length).toBe(exchange().allOrders().length);
    expect(exchange().fills().length).toBeGreaterThanOrEqual(4);
    // Orders stay at the venue on a stop: one resting buy on each symbol.
    expect(restingBuys().map((o) => o.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    const stored = await expectStoreEqualsVenue({ status: true });
    expect(stored.open.map((o) => o.clientOrderId).sort()).toEqual(ids(restingBuys()).sort());
  }, START_MS * 2);

  it('restarts with its resting orders still working at the venue: adopted, not sent again, and followed', async () => {
    const resting = restingBuys();
    const accepted = exchange().requests.filter((r) => r.accepted).length;
    const c = live();
    await c.printed(/resuming live run "live-binance" \(restored \d+ fills, 2 working orders, 0 mismatches\)/);
    expect(c.out()).toMatch(/binance agrees with the store: 2 open orders/);
    const fillsBefore = exchange().fills().length;
    await until(() => exchange().fills().length >= fillsBefore + 2, 30_000, 'two more fills');
    c.child.kill('SIGTERM');
    expect((await c.exited).code, c.err()).toBe(0);
    // The resting buys are the same orders at the venue, never sent a second time, and the node still knows them.
    expect(ids(restingBuys())).toEqual(ids(resting));
    for (const id of ids(resting)) expect(exchange().requests.filter((r) => r.clientOrderId === id)).toHaveLength(1);
    expect(exchange().requests.filter((r) => r.accepted).length).toBeGreaterThan(accepted);
    expect((await expectStoreEqualsVenue({ status: false })).open.map((o) => o.clientOrderId).sort()).toEqual(ids(resting).sort());
  }, START_MS * 2);

  it('books at restart the fill the venue made of a resting order while it was down, and finishes the one it canceled', async () => {
    const [a, b] = restingBuys();
    expect([a!.symbol, b!.symbol]).toEqual(['BTCUSDT', 'ETHUSDT']);
    const mid = venue.driver.mid('BTCUSDT');
    // The market dips through the BTC bid for an instant and comes back: that resting buy fills at the venue.
    venue.driver.setMid('BTCUSDT', a!.limitPrice! - 1);
    venue.driver.setMid('BTCUSDT', mid);
    expect(exchange().order({ clientOrderId: a!.clientOrderId })!.status).toBe('filled');
    // The ETH one is canceled at the venue.
    expect(exchange().cancel({ clientOrderId: b!.clientOrderId }).ok).toBe(true);
    const c = live();
    await c.printed(/resuming live run "live-binance" \(restored \d+ fills, 2 working orders, 0 mismatches\)/);
    await until(() => newRestingBuys([a!, b!]), 30_000, 'a new resting buy on each symbol');
    const fillsBefore = exchange().fills().length;
    await until(() => exchange().fills().length >= fillsBefore + 2, 30_000, 'two more fills');
    c.child.kill('SIGTERM');
    expect((await c.exited).code, c.err()).toBe(0);
    // The venue knows every order of the run (the ones filled and canceled while down too): the store is read once for all checks.
    const stored = await expectStoreEqualsVenue({ status: true });
    const reconcile = stored.risk.filter((r) => r.kind === 'reconcile').map((r) => r.reason);
    expect(reconcile.some((l) => l.startsWith(`booked fill of ${a!.clientOrderId}`) && l.includes('filled at the venue while the node was down'))).toBe(true);
    expect(reconcile).toContain(`order ${a!.clientOrderId} was filled at binance while the node was down`);
    expect(stored.orders.get(a!.clientOrderId)!.status).toBe('filled');
    expect(reconcile.some((l) => l.startsWith(`order ${b!.clientOrderId} was canceled at binance while the node was down`))).toBe(true);
    expect(stored.orders.get(b!.clientOrderId)!.status).toBe('canceled');
    // No position difference was seen while running (the watch compares every second).
    expect(stored.risk.filter((r) => r.reason.startsWith('MISMATCH'))).toEqual([]);
  }, START_MS * 2);

  it('exits 4 with the report and sends nothing when a position change is unexplained', async () => {
    // 0.02 BTC arrives in the account through a trade older than any fill window the node reads (as a
    // deposit would): no order or fill of the run explains it.
    const ex = exchange();
    venue.clockShiftMs = -3_600_000;
    expect(ex.place({ clientOrderId: 'outside-deposit', symbol: 'BTCUSDT', side: 'buy', type: 'market', tif: 'GTC', qty: 0.02 }).ok).toBe(true);
    venue.clockShiftMs = 0;
    const requests = ex.requests.length;
    const orderPosts = (): number => venue.spot.log.filter((l) => l.method === 'POST' || l.method === 'DELETE').length;
    const posts = orderPosts();
    const c = live();
    const end = await c.exited;
    expect(end.code, c.out() + c.err()).toBe(4);
    expect(c.err()).toMatch(/position BTC\/USDT: store [\d.]+, binance [\d.]+ \(no order or fill explains the difference of 0\.02\)/);
    expect(ex.requests.length).toBe(requests);
    expect(orderPosts()).toBe(posts);
    const stored = await readStore(stateDir);
    expect(stored.risk.some((r) => r.kind === 'reconcile' && r.reason.includes('no order or fill explains the difference of 0.02'))).toBe(true);
  }, START_MS);

  it('tells how to resume a live run with the live command (`sextant paper --run` refuses a live run)', () => {
    const stopped = children[0]!.out();
    expect(stopped).toMatch(/run "live-binance" stopped/);
    expect(stopped).not.toMatch(/`sextant paper --run live-binance` resumes it/);
    expect(stopped).toMatch(/`sextant live --venue binance[^`]*--run live-binance[^`]*` resumes it/);
  });

  it('never shows the credentials in output or in the state folder', () => {
    expect(children.length).toBeGreaterThanOrEqual(4);
    for (const c of children) {
      for (const text of [c.out(), c.err()]) {
        expect(text.includes(key)).toBe(false);
        expect(text.includes(secret)).toBe(false);
      }
    }
    expect(filesContaining(stateDir, [key, secret])).toEqual([]);
  });
});
