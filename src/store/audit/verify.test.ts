// The chain and its verifier on rows in memory: an untampered log verifies; each kind of tampering is
// reported at the entry it touched (a scenario table, then 2,000 random tamperings with fast-check).
// test/store/audit-tamper.test.ts does the same on logs stored in PGlite and Postgres.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/canonical-json.ts';
import { EDITABLE, expectedProblem, tamperArb, tamperRows, type Tamper } from '../../../test/helpers/audit-tamper.ts';
import { chainEntries, entryHash, hashedContent, hashedText, sha256Hex } from './chain.ts';
import { EMPTY_HEAD, GENESIS_HASH, type AuditEntry, type AuditInput, type AuditRow } from './entry.ts';
import { verifyAuditChain } from './verify.ts';

const T0 = Date.UTC(2026, 11, 1, 14, 30);
const asRow = (e: AuditEntry): AuditRow & Record<string, unknown> => ({
  seq: String(e.seq), ts_ms: String(e.tsMs), recorded_ms: String(e.recordedMs), actor_kind: e.actorKind, actor: e.actor, source: e.source, kind: e.kind,
  run_id: e.runId, symbol: e.symbol, payload: canonicalJson(e.payload), prev_hash: e.prevHash, hash: e.hash,
});

function inputs(n: number): AuditInput[] {
  return Array.from({ length: n }, (_, i) => (i % 3 === 0
    ? { tsMs: T0 + i, actorKind: 'strategy', actor: 'sma', source: 'run:r1', kind: 'order.intent', runId: 'r1', symbol: 'AAPL', payload: { clientOrderId: `o${i}`, side: 'buy', qty: i + 1, type: 'market' } }
    : i % 3 === 1
      ? { tsMs: T0 + i, actorKind: 'system', actor: 'venue', source: 'run:r1', kind: 'fill', runId: 'r1', symbol: 'AAPL', payload: { price: 187.25 + i / 100, qty: 0.1 + i, note: 'ü € \u0000' } }
      : { tsMs: T0 + i, actorKind: 'user', actor: 'alice', source: '10.0.0.7', kind: 'api.POST /api/v1/bots/:id/kill', payload: { target: 'bot1', body: { flatten: true } } }) as AuditInput);
}

const LOG = chainEntries(EMPTY_HEAD, inputs(40), T0 + 1000).map(asRow);
const LAST = 40;
const checkpoint = { count: LAST, seq: LAST, hash: String(LOG[LAST - 1]!.hash) };

describe('the audit hash chain', () => {
  it('hashes the canonical JSON of the entry with the previous hash; entry 1 follows 64 zeros', () => {
    const [e1, e2] = chainEntries(EMPTY_HEAD, inputs(2), T0);
    expect(e1!.prevHash).toBe(GENESIS_HASH);
    expect(e2!.prevHash).toBe(e1!.hash);
    const { hash: _h, ...body } = e1!;
    // The documented encoding, written out by hand (docs/compliance.md).
    const text = `{"actor":"sma","actorKind":"strategy","kind":"order.intent","payload":{"clientOrderId":"o0","qty":1,"side":"buy","type":"market"},"prevHash":"${GENESIS_HASH}","recordedMs":${T0},"runId":"r1","seq":1,"source":"run:r1","symbol":"AAPL","tsMs":${T0},"v":1}`;
    expect(e1!.hash).toBe(sha256Hex(text));
    expect(entryHash(body)).toBe(e1!.hash);
  });

  it('an untampered log verifies clean, with and without its checkpoint; an empty log too', async () => {
    expect(await verifyAuditChain(LOG)).toMatchObject({ ok: true, entries: LAST, head: { count: LAST, seq: LAST, hash: checkpoint.hash }, problem: null, checkpoint: 'none' });
    expect(await verifyAuditChain(LOG, checkpoint)).toMatchObject({ ok: true, checkpoint: 'matched' });
    expect(await verifyAuditChain(LOG, { count: 10, seq: 10, hash: String(LOG[9]!.hash) })).toMatchObject({ ok: true, checkpoint: 'matched' });
    expect(await verifyAuditChain([])).toMatchObject({ ok: true, entries: 0, head: EMPTY_HEAD });
  });

  const table: [string, Tamper, string, string][] = [
    ['a payload value changed', { op: 'edit', seq: 7, column: 'payload', salt: 1 }, 'edited', 'entry 7 (order.intent) was edited: its content does not match its hash'],
    ['the payload re-spaced (same JSON, not canonical)', { op: 'edit', seq: 7, column: 'payload', salt: 4 }, 'malformed', 'entry 7: column payload is not in canonical form (edited by hand?): the entry was edited'],
    ['the actor changed', { op: 'edit', seq: 3, column: 'actor', salt: 2 }, 'edited', 'entry 3 (api.POST /api/v1/bots/:id/kill) was edited: its content does not match its hash'],
    ['the time moved', { op: 'edit', seq: 1, column: 'ts_ms', salt: 0 }, 'edited', 'entry 1 (order.intent) was edited: its content does not match its hash'],
    ['an entry changed and re-hashed', { op: 'rehash', seq: 12, salt: 9 }, 'rewritten', 'entry 12 was replaced: entry 13 was chained to a different entry 12'],
    ['an entry deleted', { op: 'delete', seq: 20 }, 'missing', 'entry 20 is missing (deleted)'],
    ['an entry deleted, the rest renumbered', { op: 'delete-renumber', seq: 20 }, 'deleted', 'entry 20 was deleted or moved: the entry now numbered 20 was written as entry 21'],
    ['a forged entry inserted, the rest renumbered', { op: 'insert', seq: 15, salt: 3 }, 'inserted', 'entry 15 was inserted: the entry after it was written as entry 15'],
    ['two entries swapped', { op: 'swap', a: 5, b: 30 }, 'edited', 'entry 5 (api.POST /api/v1/bots/:id/kill) was edited: its content does not match its hash'],
  ];
  it.each(table)('%s: reported at the right entry, without a checkpoint', async (_name, t, kind, message) => {
    const r = await verifyAuditChain(tamperRows(LOG, t));
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ seq: expectedProblem(t, LAST).seq, kind });
    expect(r.problem!.message).toContain(message);
  });

  it.each([
    ['the last 5 entries cut', { op: 'truncate', keep: 35 } as Tamper, 'truncated', 'the log ends at entry 35 but the checkpoint saw 40 entries: entries 36 to 40 were removed'],
    ['the last entry deleted', { op: 'delete', seq: 40 } as Tamper, 'truncated', 'the log ends at entry 39 but the checkpoint saw 40 entries: entry 40 was removed'],
    ['the last entry re-hashed', { op: 'rehash', seq: 40, salt: 1 } as Tamper, 'checkpoint-mismatch', 'entry 40 is not the entry the checkpoint saw'],
  ])('%s: invisible in the chain alone, reported against the checkpoint', async (_name, t, kind, message) => {
    expect((await verifyAuditChain(tamperRows(LOG, t))).ok).toBe(true);
    const r = await verifyAuditChain(tamperRows(LOG, t), checkpoint);
    expect(r).toMatchObject({ ok: false, checkpoint: 'failed', problem: { seq: expectedProblem(t, LAST).seq, kind } });
    expect(r.problem!.message).toContain(message);
  });

  it('a whole rewritten chain from entry 10 on verifies alone but not against a checkpoint taken before', async () => {
    const rewritten = chainEntries({ count: 9, seq: 9, hash: String(LOG[8]!.hash) }, inputs(31).map((x) => ({ ...x, actor: 'mallory' })), T0 + 5).map(asRow);
    const forged = [...LOG.slice(0, 9), ...rewritten];
    expect((await verifyAuditChain(forged)).ok).toBe(true);
    expect((await verifyAuditChain(forged, { count: 25, seq: 25, hash: String(LOG[24]!.hash) })).problem).toMatchObject({ seq: 25, kind: 'checkpoint-mismatch' });
  });

  it('2,000 random tamperings: every one detected at the entry it touched (with the checkpoint; without it, all but a cut tail)', async () => {
    await fc.assert(fc.asyncProperty(tamperArb(LAST), async (t) => {
      const bad = tamperRows(LOG, t);
      const want = expectedProblem(t, LAST);
      const withCp = await verifyAuditChain(bad, checkpoint);
      expect(withCp.ok).toBe(false);
      expect(withCp.problem!.seq).toBe(want.seq);
      const alone = await verifyAuditChain(bad);
      if (want.needsCheckpoint) expect(alone.ok).toBe(true);
      else expect(alone.problem?.seq).toBe(want.seq);
    }), { numRuns: 2000 });
  });

  it('every column is covered by the hash: editing any one of them breaks the entry', async () => {
    for (const column of EDITABLE) {
      for (const seq of [1, 20, LAST]) expect((await verifyAuditChain(tamperRows(LOG, { op: 'edit', seq, column, salt: 5 }))).problem?.seq, `${column} of ${seq}`).toBe(seq);
    }
  });
});

describe('the hashed text', () => {
  it('is exactly canonicalJson(hashedContent(entry)) (the documented definition), for any entry', () => {
    const str = fc.string({ minLength: 1, maxLength: 12 });
    fc.assert(fc.property(
      fc.record({
        seq: fc.integer({ min: 1, max: 2 ** 40 }), tsMs: fc.integer({ min: -1e12, max: 4e12 }), recordedMs: fc.integer({ min: 0, max: 4e12 }),
        actorKind: fc.constantFrom('user', 'token', 'strategy', 'system'), actor: str, source: str, kind: str,
        runId: fc.option(str, { nil: null }), symbol: fc.option(str, { nil: null }), payload: fc.jsonValue(), prevHash: fc.stringMatching(/^[0-9a-f]{64}$/),
      }),
      (e) => {
        const entry = e as Omit<AuditEntry, 'hash'>;
        expect(hashedText(entry)).toBe(canonicalJson(hashedContent(entry)));
      },
    ), { numRuns: 500 });
  });
});
