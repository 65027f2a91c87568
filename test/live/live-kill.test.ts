// Crash safety of a live node against a venue: `sextant live --venue binance` is killed with SIGKILL while
// it trades against the fake Binance venue (LIVE_KILLS times, default 2; the soak figures in the
// closing notes are from LIVE_KILLS=30) and restarted each time with the
// same command. Two kills in five land 0-30 ms after the venue took one of the process's orders (its answer
// and fills on their way back), two in five 0-60 ms after a bar's closing frame once the process trades (the
// strategy's next intent being stored or sent), one in five somewhere in start-up (store open,
// reconciliation, the first checkpoint). Every restart must reconcile (never exit 4), and at the end
// the venue's order log must show no client order id accepted twice and no order the store does not know,
// the store's fills must be the venue's fills one for one, and the positions must agree.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { FakeBinanceVenue } from '../fakes/binance/venue.ts';
import { alternator, readStore, RUN, startLive, expectSameFills, storePositions, TICK_MS, until, venuePositions, type LiveChild } from './harness.ts';

/** 2 in the default run (each kill costs a process start, ~10 s); LIVE_KILLS=<n> runs more or fewer. */
const KILLS = Number(process.env.LIVE_KILLS ?? 2);
/**
 * The strategy keeps a resting limit buy at the venue too, adopted at each restart (the Binance adapter adopts
 * working orders: live-binance.test.ts shows it), so kills also land with an order working at the venue.
 * No warm-up: each process trades from its first live bar (the kills are meant for the order path).
 */
const ARGS = ['--param', 'qty=0.01', '--param', 'rest=0.2', '--warmup', '0'];

describe('a live node survives SIGKILL while trading at a venue', () => {
  let venue: FakeBinanceVenue;
  let stateDir: string;
  let strategy: string;
  const children: LiveChild[] = [];

  beforeAll(async () => {
    venue = await FakeBinanceVenue.start({ startPrice: 30_000, tickMs: TICK_MS });
    stateDir = mkdtempSync(join(tmpdir(), 'sextant-live-kill-'));
    strategy = alternator();
  });
  afterAll(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await venue.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it(`accepts no client order id twice and loses no fill across ${KILLS} kills`, async () => {
    const rng = new Rng(4242);
    const t0 = Date.now();
    let killed = 0;
    let inStartup = 0;
    let afterBar = 0;
    let afterOrder = 0;
    let fallbacks = 0;
    const ex = venue.spot.exchange;
    for (let k = 0; k < KILLS; k++) {
      const c = startLive(venue, stateDir, { strategy, args: ARGS });
      children.push(c);
      let timer: NodeJS.Timeout | undefined;
      const kill = (delayMs: number): void => {
        timer ??= setTimeout(() => c.child.kill('SIGKILL'), delayMs);
      };
      // Listeners on the venue for this process only (removed when it ends).
      const listeners: (() => void)[] = [];
      const on = <E extends 'bar' | 'order'>(event: E, fn: () => void): void => {
        if (event === 'bar') {
          venue.driver.on('bar', fn);
          listeners.push(() => venue.driver.off('bar', fn));
        } else {
          ex.on('order', fn);
          listeners.push(() => ex.off('order', fn));
        }
      };
      const ordersAtStart = ex.allOrders().length;
      const roll = rng.next();
      if (roll < 0.2) {
        inStartup++;
        kill(300 + Math.floor(rng.next() * 3000));
      } else if (roll < 0.6) {
        // 0-30 ms after the venue took one of this process's orders: its answer and fills are on their way
        // back, the store may not have them yet.
        afterOrder++;
        const delay = Math.floor(rng.next() * 30);
        on('order', () => {
          if (ex.allOrders().length > ordersAtStart) kill(delay);
        });
      } else {
        // 0-60 ms after a bar's closing frame, once this process is trading (one of its orders reached the
        // venue): the strategy's next intent is being stored or sent.
        afterBar++;
        let bars = 1 + Math.floor(rng.next() * 2);
        const delay = Math.floor(rng.next() * 60);
        on('bar', () => {
          if (ex.allOrders().length > ordersAtStart && --bars <= 0) kill(delay);
        });
      }
      // A process that never reaches its trigger (a very slow start) is killed anyway.
      const fallback = setTimeout(() => {
        fallbacks++;
        c.child.kill('SIGKILL');
      }, 45_000);
      const end = await c.exited;
      clearTimeout(fallback);
      clearTimeout(timer);
      for (const off of listeners) off();
      // A process that was not killed ended by itself: only a clean end is acceptable (never 4).
      if (end.signal === 'SIGKILL') killed++;
      else expect({ code: end.code, err: c.err() }).toEqual({ code: 0, err: '' });
    }
    // A last start must reconcile and trade, then stop cleanly.
    const last = startLive(venue, stateDir, { strategy, args: ARGS });
    children.push(last);
    await last.printed(/resuming live run "live-binance"/);
    const fills = ex.fills().length;
    await until(() => ex.fills().length >= fills + 2, 60_000, 'two fills after the last restart');
    last.child.kill('SIGTERM');
    expect((await last.exited).code, last.err()).toBe(0);
    const seconds = (Date.now() - t0) / 1000;

    const orders = ex.allOrders();
    const stored = await readStore(stateDir, [...new Set(orders.map((o) => o.clientOrderId))]);
    // No client order id accepted twice, no venue order the store does not know.
    expect(ex.duplicateAcceptances()).toEqual([]);
    for (const [id, rec] of stored.orders) expect(rec?.runId, `venue order ${id}`).toBe(RUN);
    // What is working at the venue is what the store holds as open, and nothing more.
    expect(ex.openOrders().map((o) => o.clientOrderId).sort()).toEqual(stored.open.map((o) => o.clientOrderId).sort());
    // Every venue fill once in the store, nothing else; positions equal.
    expectSameFills(stored.fills, venue);
    expect(storePositions(stored.fills)).toEqual(venuePositions(venue));
    // No restart found a mismatch (a mismatch would have stopped it with exit 4 and a MISMATCH line).
    const reconcile = stored.risk.filter((r) => r.kind === 'reconcile').map((r) => r.reason);
    expect(reconcile.filter((l) => /MISMATCH|no order or fill explains|does not know|but only|not among/.test(l))).toEqual([]);
    expect(killed).toBeGreaterThanOrEqual(Math.floor(KILLS * 0.8));
    // The kills hit a trading node: most processes had an order at the venue before they died.
    expect(orders.length).toBeGreaterThanOrEqual(Math.floor(KILLS / 2));
    const refused = ex.requests.filter((r) => !r.accepted);
    console.log(JSON.stringify({
      test: 'live-kill', kills: killed, inStartup, afterOrder, afterBar, fallbacks, seconds: Math.round(seconds), venueOrders: orders.length, venueFills: ex.fills().length,
      storedFills: stored.fills.length, refusedRequests: refused.length, refusedCodes: [...new Set(refused.map((r) => r.code))], duplicates: ex.duplicateAcceptances().length,
      reconciledLines: reconcile.length, bookedAtRestart: reconcile.filter((l) => l.startsWith('booked')).length, resent: reconcile.filter((l) => l.includes('sent now')).length,
    }));
  }, 120_000 + KILLS * 50_000);
});
