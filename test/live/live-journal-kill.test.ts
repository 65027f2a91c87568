// The intent journal's crash window (durability process, chosen with --durability process): `sextant live` against the fake Binance
// venue kills itself with SIGKILL right after intents were journaled and handed to the adapter, before their
// store commit (fault hook SEXTANT_FAULT_KILL_AFTER_INTENTS). The store then lacks them and only the journal has
// them. The next start must store them from the journal before reconciling (a 'journal' risk event names
// them), reconcile without a mismatch, trade on and stop cleanly; the venue must show no client order id
// accepted twice and no order the store does not know; the store's fills must be the venue's; the journal is
// empty after the clean stop.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/store/intent-journal.ts';
import { FakeBinanceVenue } from '../fakes/binance/venue.ts';
import { alternator, expectSameFills, readStore, RUN, startLive, storePositions, TICK_MS, until, venuePositions, type LiveChild } from './harness.ts';

const ARGS = ['--param', 'qty=0.01', '--param', 'rest=0.2', '--warmup', '0', '--durability', 'process'];

describe('a live node killed between the journal write and the store commit', () => {
  let venue: FakeBinanceVenue;
  let stateDir: string;
  const children: LiveChild[] = [];

  beforeAll(async () => {
    venue = await FakeBinanceVenue.start({ startPrice: 30_000, tickMs: TICK_MS });
    stateDir = mkdtempSync(join(tmpdir(), 'sextant-journal-kill-'));
  });
  afterAll(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await venue.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const start = (env: Record<string, string> = {}): LiveChild => {
    // The child gets this process's environment at spawn.
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const c = startLive(venue, stateDir, { strategy: alternator(), args: ARGS });
      children.push(c);
      return c;
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    }
  };
  const journaled = (): string[] => {
    const dir = join(stateDir, 'journal');
    if (!existsSync(dir)) return [];
    return readdirSync(dir).flatMap((f) => parseJournal(readFileSync(join(dir, f), 'utf8'), f).records.map((r) => r.clientOrderId));
  };

  it('stores the journaled intents at the next start, reconciles them, and the venue accepts none twice', async () => {
    const ex = venue.spot.exchange;
    // The third intent journaled (the first bar sends a resting limit buy and a market buy, the second a market sell).
    const first = start({ SEXTANT_FAULT_KILL_AFTER_INTENTS: '3' });
    const end = await first.exited;
    expect(end.signal, first.err()).toBe('SIGKILL');
    const inJournal = journaled();
    expect(inJournal.length).toBeGreaterThanOrEqual(1);
    const before = await readStore(stateDir, inJournal);
    // Journaled, not committed: the store does not know the last batch.
    const unknown = inJournal.filter((id) => before.orders.get(id) === null);
    expect(unknown.length, `journal ${inJournal.join(',')}`).toBeGreaterThanOrEqual(1);

    const second = start();
    await second.printed(/resuming live run "live-binance"/);
    const fills = ex.fills().length;
    await until(() => ex.fills().length >= fills + 2, 60_000, 'two fills after the restart');
    second.child.kill('SIGTERM');
    expect((await second.exited).code, second.err()).toBe(0);

    const orders = ex.allOrders();
    const stored = await readStore(stateDir, [...new Set([...orders.map((o) => o.clientOrderId), ...unknown])]);
    const notes = stored.risk.filter((r) => r.kind === 'journal').map((r) => r.reason);
    expect(notes).toEqual([expect.stringContaining(`stored ${unknown.length} intent(s) from the journal`)]);
    for (const id of unknown) expect(stored.orders.get(id)?.runId, `journaled ${id}`).toBe(RUN);
    expect(ex.duplicateAcceptances()).toEqual([]);
    for (const [id, rec] of stored.orders) expect(rec?.runId, `venue order ${id}`).toBe(RUN);
    expect(ex.openOrders().map((o) => o.clientOrderId).sort()).toEqual(stored.open.map((o) => o.clientOrderId).sort());
    expectSameFills(stored.fills, venue);
    expect(storePositions(stored.fills)).toEqual(venuePositions(venue));
    const reconcile = stored.risk.filter((r) => r.kind === 'reconcile').map((r) => r.reason);
    expect(reconcile.filter((l) => /MISMATCH|no order or fill explains|does not know|but only|not among/.test(l))).toEqual([]);
    // Every intent committed at the clean stop: nothing left to recover.
    expect(journaled()).toEqual([]);
    console.log(JSON.stringify({ test: 'live-journal-kill', journaled: inJournal, recovered: unknown, venueOrders: orders.length, reconcile }));
  }, 180_000);
});
