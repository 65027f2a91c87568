// `sextant live --venue ccxt:okx` end to end: the real CLI (spawned from the sources) against the fake OKX venue on
// one port (signed v5 REST with key, secret and passphrase; /ws/v5/private login and orders channel; candles, best
// bid/ask and trades on /ws/v5/public and /business), trading BTC/USDT and ETH/USDT with a resting buy on each:
// 1. it trades for a few seconds, SIGTERM stops it cleanly, the resting orders stay at the venue, and the store
//    equals the venue (every fill, the positions, every order);
// 2. while it is down the venue fills one resting order and cancels the other: the restart books the fill and
//    finishes the other as canceled (the reconcile events say so), trades on, and the store equals the venue.
// Credentials are given in the environment only (OKX_API_KEY, OKX_API_SECRET, OKX_API_PASSWORD) and never appear
// in output or in the state folder.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import type { FakeExchange, FakeOrder } from '../fakes/fake-exchange.ts';
import { FakeOkxVenue } from '../fakes/okx/venue.ts';
import { alternator, filesContaining, fillKeys, round8, ROOT, storePositions, TICK_MS, until, type LiveChild } from './harness.ts';

const RUN = 'live-okx';
const START_MS = 120_000;

describe('sextant live --venue ccxt:okx against the fake OKX venue', () => {
  let venue: FakeOkxVenue;
  let stateDir: string;
  let strategy: string;
  const children: LiveChild[] = [];
  const key = `OK${randomBytes(12).toString('hex')}`;
  const secret = `OS${randomBytes(24).toString('hex')}`;
  const passphrase = `OP${randomBytes(10).toString('hex')}`;
  const exchange = (): FakeExchange => venue.trading.exchange;
  const restingBuys = (): FakeOrder[] => exchange().openOrders().filter((o) => o.type === 'limit' && o.side === 'buy').sort((a, b) => a.symbol.localeCompare(b.symbol));
  /** Sextant's id of an order the fake holds (OKX's clOrdId is written with Z escapes: 'O-3' -> 'OZ2d3'). */
  const sextantId = (o: { clientOrderId: string }): string => o.clientOrderId.replace(/Z([0-9a-f]{2}|Z)/g, (_, x: string) => (x === 'Z' ? 'Z' : String.fromCharCode(parseInt(x, 16))));

  beforeAll(async () => {
    venue = await FakeOkxVenue.start({ tickMs: TICK_MS, apiKey: key, secret, passphrase });
    stateDir = mkdtempSync(join(tmpdir(), 'sextant-live-okx-'));
    strategy = alternator();
  });
  afterAll(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await venue.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const live = (): LiveChild => {
    const args = [
      join(ROOT, 'bin/sextant.js'), 'live', '--venue', 'ccxt:okx', '--base-url', venue.baseUrl, '--stream-url', venue.streamUrl,
      '--symbols', 'BTC/USDT,ETH/USDT', '--timeframe', '1m', '--strategy', strategy, '--state-dir', stateDir,
      '--param', 'qty=0.01', '--param', 'rest=0.2', '--position-check', '1',
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, OKX_API_KEY: key, OKX_API_SECRET: secret, OKX_API_PASSWORD: passphrase };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
    const printed = async (re: RegExp): Promise<void> => {
      await until(() => re.test(out) || child.exitCode !== null, 60_000, `sextant live to print ${re}`);
      if (!re.test(out)) throw new Error(`sextant live ended before printing ${re}:\n${out}\n${err}`);
    };
    const c: LiveChild = { child, out: () => out, err: () => err, printed, exited };
    children.push(c);
    return c;
  };

  /** The store agrees with the venue: every fill (order, side, quantity, price, commission), the positions, every order known. */
  async function expectStoreEqualsVenue(): Promise<{ risk: string[]; status: Map<string, string | null> }> {
    const ids = [...new Set(exchange().allOrders().map(sextantId))];
    const store = await openStore({ dir: join(stateDir, 'db'), env: {} });
    try {
      const fills = await store.loadFills(RUN);
      expect(fillKeys(fills.map((f) => ({ ...f, clientOrderId: f.orderId })))).toEqual(fillKeys(exchange().fills().map((f) => ({ ...f, clientOrderId: sextantId(f) }))));
      const fee = (xs: { id: string; c: number }[]): number[] => xs.sort((a, b) => a.id.localeCompare(b.id) || a.c - b.c).map((x) => x.c);
      const mine = fee(fills.map((f) => ({ id: f.orderId, c: f.commission })));
      const theirs = fee(exchange().fills().map((f) => ({ id: sextantId(f), c: f.commission })));
      for (let i = 0; i < theirs.length; i++) expect(Math.abs(mine[i]! - theirs[i]!)).toBeLessThan(1e-8);
      const venuePos: Record<string, number> = {};
      for (const p of exchange().positions()) venuePos[p.symbol.replace('-', '/')] = round8(p.qty);
      expect(storePositions(fills)).toEqual(venuePos);
      const status = new Map<string, string | null>();
      for (const id of ids) status.set(id, (await store.getOrder(id))?.status ?? null);
      for (const [id, s] of status) expect(s, `venue order ${id} is in the store`).not.toBeNull();
      const open = (await store.loadOpenOrders(RUN)).map((o) => o.clientOrderId).sort();
      expect(open).toEqual(restingBuys().map(sextantId).sort());
      return { risk: (await store.loadRiskEvents(RUN)).filter((r) => r.kind === 'reconcile').map((r) => r.reason), status };
    } finally {
      await store.close();
    }
  }

  it('trades, stops on SIGTERM leaving its resting orders at the venue, and the store equals the venue', async () => {
    const c = live();
    await c.printed(/new live run "live-okx"/);
    const traded = (instId: string): boolean => exchange().fills().some((f) => f.symbol === instId);
    await until(() => exchange().fills().length >= 4 && traded('BTC-USDT') && traded('ETH-USDT') && restingBuys().length === 2, 60_000, 'four fills on both symbols and a resting buy on each at the venue');
    c.child.kill('SIGTERM');
    const end = await c.exited;
    expect(end.code, c.err()).toBe(0);
    expect(exchange().duplicateAcceptances()).toEqual([]);
    expect(exchange().requests.filter((r) => r.accepted).length).toBe(exchange().allOrders().length);
    // Logged in on the private socket; the key, secret and passphrase never in output or stored.
    expect(venue.trading.logins).toContain(true);
    expect(venue.trading.logins).not.toContain(false);
    expect(`${c.out()}${c.err()}`).not.toMatch(new RegExp(`${key}|${secret}|${passphrase}`));
    expect(restingBuys().map((o) => o.symbol)).toEqual(['BTC-USDT', 'ETH-USDT']);
    await expectStoreEqualsVenue();
    expect(filesContaining(stateDir, [key, secret, passphrase])).toEqual([]);
  }, START_MS * 2);

  it('books at restart the fill OKX made of a resting order while it was down, and finishes the one it canceled', async () => {
    const [a, b] = restingBuys();
    expect([a!.symbol, b!.symbol]).toEqual(['BTC-USDT', 'ETH-USDT']);
    const mid = venue.mid('BTC-USDT');
    venue.setMid('BTC-USDT', a!.limitPrice! - 1);
    venue.setMid('BTC-USDT', mid);
    expect(exchange().order({ clientOrderId: a!.clientOrderId })!.status).toBe('filled');
    expect(exchange().cancel({ clientOrderId: b!.clientOrderId }).ok).toBe(true);
    const c = live();
    await c.printed(/resuming live run "live-okx" \(restored \d+ fills, 2 working orders, 0 mismatches\)/);
    const fillsBefore = exchange().fills().length;
    await until(() => exchange().fills().length >= fillsBefore + 2 && restingBuys().length === 2, 60_000, 'two more fills and a new resting buy on each symbol');
    c.child.kill('SIGTERM');
    expect((await c.exited).code, c.err()).toBe(0);
    const { risk, status } = await expectStoreEqualsVenue();
    const aId = sextantId(a!);
    const bId = sextantId(b!);
    expect(risk.some((l) => l.startsWith(`booked fill of ${aId}`) && l.includes('filled at the venue while the node was down'))).toBe(true);
    expect(risk).toContain(`order ${aId} was filled at ccxt:okx while the node was down`);
    expect(status.get(aId)).toBe('filled');
    expect(risk.some((l) => l.startsWith(`order ${bId} was canceled at ccxt:okx while the node was down`))).toBe(true);
    expect(status.get(bId)).toBe('canceled');
  }, START_MS * 2);
});
