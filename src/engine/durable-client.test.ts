// The persist-then-send client forwards the whole port: a modify or cancelAll of an intent still waiting
// for its store flush goes out after it, in order; everything else reaches the venue as it is.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue } from '../execution/simulated-venue.ts';
import { makeInstrument } from '../model/instrument.ts';
import { Order } from '../model/order.ts';
import type { OrderInput, Store } from '../store/store.ts';
import { RecordingSink } from '../../test/execution/execution-client.contract.ts';
import { IntentJournal, journalLine, parseJournal } from '../store/intent-journal.ts';
import { COMMIT_DELAY_MS, DurableExecutionClient, orderInput } from './durable-client.ts';
import { recoverJournal } from './journal-recovery.ts';

/** The two calls the client makes of a store: rows appended, and a flush that commits them. */
function store(): { store: Store; rows: OrderInput[]; flushed: number[] } {
  const rows: OrderInput[] = [];
  const flushed: number[] = [];
  const s = { appendOrders: (r: OrderInput[]) => void rows.push(...r), flush: async () => void flushed.push(rows.length) };
  return { store: s as unknown as Store, rows, flushed };
}

describe('DurableExecutionClient', () => {
  it('persists a submit first, sends only what its flush committed, then a modify or cancel of it in order; queries pass through', async () => {
    const rec = new RecordingSink();
    const venue = new SimulatedVenue({ ...DEFAULT_VENUE_CONFIG, dailyBars: false }, rec, { rejectReason: () => null, positionQty: () => 0 }, { journal: true });
    venue.addInstrument(makeInstrument('X'));
    const s = store();
    const client = new DurableExecutionClient(venue, s.store, 'run-1', () => 5, (e) => {
      throw e;
    });
    expect(client.venue).toBe('simulated');
    expect(client.capabilities).toBe(venue.capabilities);
    const a = new Order('A', 's', { symbol: 'X', side: 'buy', type: 'limit', limitPrice: 90, qty: 10 }, 1);
    const b = new Order('B', 's', { symbol: 'X', side: 'buy', type: 'limit', limitPrice: 91, qty: 10 }, 1);
    client.submit(a, 1);
    client.modify('A', { limitPrice: 92, qty: 4 }, 1);
    client.submit(b, 1);
    client.cancelAll(1, 'X');
    expect(rec.orderEvents).toEqual([]);
    expect(s.rows.map((r) => r.clientOrderId)).toEqual(['A', 'B']);
    // The flush starts at the end of this turn, with both intents; C comes while it runs and waits for the next one.
    await Promise.resolve();
    expect(s.flushed).toEqual([2]);
    const c = new Order('C', 's', { symbol: 'X', side: 'buy', type: 'limit', limitPrice: 89, qty: 1 }, 1);
    client.submit(c, 1);
    client.cancel('C', 1);
    await client.drained();
    // Each flush sends only what it committed, in arrival order.
    expect(s.flushed).toEqual([2, 3]);
    expect(rec.orderEvents.map((e) => `${e.event.orderId} ${e.event.type}`)).toEqual([
      'A OrderSubmitted', 'A OrderAccepted', 'A OrderUpdated', 'B OrderSubmitted', 'B OrderAccepted', 'A OrderCanceled', 'B OrderCanceled',
      'C OrderSubmitted', 'C OrderAccepted', 'C OrderCanceled',
    ]);
    expect(client.pending).toBe(0);
    expect(await client.queryOrder('A')).toMatchObject({ status: 'canceled', qty: 4, limitPrice: 92 });
    expect(await client.openOrders()).toEqual([]);
  });
});

describe('DurableExecutionClient with an intent journal', () => {
  const order = (id: string): Order => new Order(id, 's', { symbol: 'X', side: 'buy', type: 'limit', limitPrice: 90, qty: 1 }, 1);
  const venue = (rec: RecordingSink): SimulatedVenue => {
    const v = new SimulatedVenue({ ...DEFAULT_VENUE_CONFIG, dailyBars: false }, rec, { rejectReason: () => null, positionQty: () => 0 }, { journal: true });
    v.addInstrument(makeInstrument('X'));
    return v;
  };
  const tmp = (): string => mkdtempSync(join(tmpdir(), 'sextant-journal-'));

  it('journals the intents before it sends them, sends at the end of the turn without waiting for the store, then commits and deletes the journal', async () => {
    const dir = tmp();
    try {
      const rec = new RecordingSink();
      const v = venue(rec);
      const journal = IntentJournal.open(dir, 'run-1');
      let release!: () => void;
      const rows: OrderInput[] = [];
      const flushed: number[] = [];
      let started = 0;
      const s = {
        appendOrders: (r: OrderInput[]) => void rows.push(...r),
        flush: () => {
          // A flush commits what was appended when it started.
          started++;
          const n = rows.length;
          return new Promise<void>((r) => (release = () => (flushed.push(n), r())));
        },
      } as unknown as Store;
      // What the journal holds when the venue is handed each order.
      const atSend: string[][] = [];
      const submit = v.submit.bind(v);
      v.submit = (o, now) => {
        atSend.push(readAll(dir).map((r) => r.clientOrderId));
        submit(o, now);
      };
      const client = new DurableExecutionClient(v, s, 'run-1', () => 5, (e) => {
        throw e;
      }, journal);
      client.submit(order('A'), 1);
      client.modify('A', { limitPrice: 92 }, 1);
      client.submit(order('B'), 1);
      expect(rec.orderEvents).toEqual([]);
      await Promise.resolve();
      // Both journaled (one write) before the first was sent; sent before the store committed anything.
      expect(atSend).toEqual([['A', 'B'], ['A', 'B']]);
      expect(rec.orderEvents.map((e) => `${e.event.orderId} ${e.event.type}`)).toEqual(['A OrderSubmitted', 'A OrderAccepted', 'A OrderUpdated', 'B OrderSubmitted', 'B OrderAccepted']);
      expect(flushed).toEqual([]);
      // The commit starts COMMIT_DELAY_MS later (after the adapter's request is written).
      expect(started).toBe(0);
      await nextTurn();
      expect(started).toBe(1);
      // C is sent while the first commit runs; its record stays until a commit that started after it.
      client.submit(order('C'), 1);
      await Promise.resolve();
      expect(rec.orderEvents.at(-1)!.event.orderId).toBe('C');
      expect(readAll(dir).map((r) => r.clientOrderId)).toEqual(['A', 'B', 'C']);
      release();
      await nextTurn();
      await nextTurn();
      expect(flushed).toEqual([2]);
      expect(started).toBe(2);
      expect(readAll(dir).map((r) => r.clientOrderId)).toEqual(['C']);
      release();
      await client.drained();
      expect(flushed).toEqual([2, 3]);
      expect(readAll(dir)).toEqual([]);
      expect(client.pending).toBe(0);
      journal.close();
      expect(journal.files()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a restart stores the journaled intents the store does not have, skips those it has, ignores a torn last record with a warning', async () => {
    const dir = tmp();
    try {
      const a = orderInput(order('A'), 'run-1');
      const b = orderInput(order('B'), 'run-1');
      const c = orderInput(order('C'), 'run-1');
      // A process journaled A and B (A committed, B not) and died writing C.
      const first = IntentJournal.open(dir, 'run-1');
      first.append([a, b]);
      const torn = journalLine(c);
      appendFileSync(join(dir, first.files()[0]!), torn.slice(0, torn.length - 7));
      const committed = new Map([['A', a]]);
      const rows: OrderInput[] = [];
      const risk: string[] = [];
      let flushes = 0;
      const s = {
        getOrder: async (id: string) => committed.get(id) ?? null, appendOrders: (r: OrderInput[]) => void rows.push(...r),
        appendRiskEvents: (r: { reason: string }[]) => void risk.push(...r.map((x) => x.reason)), flush: async () => void flushes++,
      } as unknown as Store;
      const next = IntentJournal.open(dir, 'run-1');
      const r = await recoverJournal(next, s, 'run-1', true, 100);
      expect(rows.map((x) => x.clientOrderId)).toEqual(['B']);
      expect(rows[0]).toEqual(b);
      expect(r.stored).toEqual(['B']);
      expect(r.warnings.some((w) => /torn last record/.test(w))).toBe(true);
      expect(risk).toEqual(r.warnings);
      expect(flushes).toBe(1);
      // The old segment is gone once stored; the new process's own segment is all that is left.
      expect(next.files()).toHaveLength(1);
      expect(next.recover()).toEqual({ records: [], warnings: [] });
      next.close();
      expect(next.files()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recovers from the journal with the store empty: every record is stored; a bad checksum is skipped', async () => {
    const dir = tmp();
    try {
      const j = IntentJournal.open(dir, 'run-1');
      const rows = ['A', 'B', 'C'].map((id) => orderInput(order(id), 'run-1'));
      j.append(rows);
      const file = join(dir, j.files()[0]!);
      // One byte of B's record flipped.
      const text = readFileSync(file, 'utf8').replace('"B"', '"b"');
      writeFileSync(file, text);
      const stored: OrderInput[] = [];
      const s = { getOrder: async () => null, appendOrders: (r: OrderInput[]) => void stored.push(...r), appendRiskEvents: () => undefined, flush: async () => undefined } as unknown as Store;
      const r = await recoverJournal(IntentJournal.open(dir, 'run-1'), s, 'run-1', true, 100);
      expect(stored.map((x) => x.clientOrderId)).toEqual(['A', 'C']);
      expect(r.warnings).toEqual([expect.stringMatching(/record 2 has a bad checksum/), expect.stringMatching(/stored 2 intent/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Past the delay before a commit starts. */
const nextTurn = (): Promise<void> => new Promise((r) => setTimeout(r, COMMIT_DELAY_MS + 2));

/** The intact records of every segment in `dir`, in order. */
function readAll(dir: string): OrderInput[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.intents'))
    .sort((x, y) => Number(x.split('.')[1]) - Number(y.split('.')[1]))
    .flatMap((f) => parseJournal(readFileSync(join(dir, f), 'utf8'), f).records);
}
