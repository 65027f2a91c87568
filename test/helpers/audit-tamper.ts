// Tampering with a stored audit log, the way someone with the database's superuser could: edit a column,
// edit and re-hash an entry, delete (with or without renumbering the rest), insert a forged entry with a
// valid hash, swap two entries, cut the tail. Each operation exists twice, on rows in memory and as SQL on
// a real table (triggers off through session_replication_role), with the entry verify must report.
import fc from 'fast-check';
import { canonicalJson } from '../../src/core/canonical-json.ts';
import { entryHash, parseAuditRow, type AuditRow } from '../../src/store/audit/index.ts';
import type { SqlConn } from '../../src/store/sql.ts';

export type Tamper =
  | { readonly op: 'edit'; readonly seq: number; readonly column: EditableColumn; readonly salt: number }
  | { readonly op: 'rehash'; readonly seq: number; readonly salt: number }
  | { readonly op: 'delete'; readonly seq: number }
  | { readonly op: 'delete-renumber'; readonly seq: number }
  | { readonly op: 'insert'; readonly seq: number; readonly salt: number }
  | { readonly op: 'swap'; readonly a: number; readonly b: number }
  | { readonly op: 'truncate'; readonly keep: number };

export const EDITABLE = ['ts_ms', 'recorded_ms', 'actor_kind', 'actor', 'source', 'kind', 'run_id', 'symbol', 'payload', 'prev_hash', 'hash'] as const;
export type EditableColumn = (typeof EDITABLE)[number];

type Row = Record<string, unknown> & AuditRow;

/** A different value of the same column type, chosen by `salt`. */
function edited(row: Row, column: EditableColumn, salt: number): unknown {
  const v = row[column];
  switch (column) {
    case 'ts_ms':
    case 'recorded_ms':
      return Number(v) + 1 + (salt % 1000);
    case 'actor_kind':
      return ['user', 'token', 'strategy', 'system'].filter((k) => k !== v)[salt % 3];
    case 'payload': {
      const p = JSON.parse(String(v)) as Record<string, unknown>;
      // Sometimes a semantically equal but non-canonical text, else a changed value.
      if (salt % 4 === 0) return JSON.stringify(p, null, 1);
      return canonicalJson({ ...p, tampered: salt });
    }
    case 'prev_hash':
    case 'hash':
      return `${(salt % 16).toString(16)}${String(v).slice(1)}` === v ? `${((salt + 1) % 16).toString(16)}${String(v).slice(1)}` : `${(salt % 16).toString(16)}${String(v).slice(1)}`;
    case 'run_id':
    case 'symbol':
      return v === null ? `X${salt}` : salt % 2 === 0 ? null : `${String(v)}x`;
    case 'actor':
    case 'kind':
    case 'source':
      return `${String(v)}-${salt}`;
  }
}

/** Re-hashes a row the way an attacker who knows the scheme would (its own hash only). */
function rehashed(row: Row, changes: Partial<Row>): Row {
  const next = { ...row, ...changes } as Row;
  const p = parseAuditRow({ ...next, hash: '0'.repeat(64) });
  if (!p.ok) throw new Error(`cannot re-hash: ${p.field}`);
  const { hash: _h, ...body } = p.entry;
  return { ...next, hash: entryHash(body) };
}

function forged(prev: Row | undefined, seq: number, salt: number, like: Row): Row {
  const base: Row = { ...like, seq, kind: 'order.intent', actor: `forger-${salt}`, prev_hash: prev === undefined ? '0'.repeat(64) : String(prev.hash), payload: JSON.stringify({ forged: salt }) };
  return rehashed(base, {});
}

const seqOf = (r: Row): number => Number(r.seq);

/** The entry verify must name, and whether only a checkpoint can show the change. */
export function expectedProblem(t: Tamper, last: number): { readonly seq: number; readonly needsCheckpoint: boolean } {
  switch (t.op) {
    case 'edit':
      return { seq: t.seq, needsCheckpoint: false };
    case 'rehash':
      return { seq: t.seq, needsCheckpoint: t.seq === last };
    case 'delete':
    case 'delete-renumber':
      return { seq: t.seq, needsCheckpoint: t.seq === last };
    case 'insert':
      return { seq: t.seq, needsCheckpoint: false };
    case 'swap':
      return { seq: t.a, needsCheckpoint: false };
    case 'truncate':
      return { seq: t.keep + 1, needsCheckpoint: true };
  }
}

/** The log after `t`, in seq order (rows are not changed in place). */
export function tamperRows(rows: readonly Row[], t: Tamper): Row[] {
  const at = (seq: number): Row => rows.find((r) => seqOf(r) === seq)!;
  switch (t.op) {
    case 'edit':
      return rows.map((r) => (seqOf(r) === t.seq ? { ...r, [t.column]: edited(r, t.column, t.salt) } : r));
    case 'rehash':
      return rows.map((r) => (seqOf(r) === t.seq ? rehashed(r, { actor: `${String(r.actor)}-${t.salt}` }) : r));
    case 'delete':
      return rows.filter((r) => seqOf(r) !== t.seq);
    case 'delete-renumber':
      return rows.filter((r) => seqOf(r) !== t.seq).map((r) => (seqOf(r) > t.seq ? { ...r, seq: seqOf(r) - 1 } : r));
    case 'insert': {
      const shifted = rows.map((r) => (seqOf(r) >= t.seq ? { ...r, seq: seqOf(r) + 1 } : r));
      return [...shifted, forged(t.seq > 1 ? at(t.seq - 1) : undefined, t.seq, t.salt, at(t.seq))].sort((x, y) => seqOf(x) - seqOf(y));
    }
    case 'swap':
      return rows.map((r) => (seqOf(r) === t.a ? { ...r, seq: t.b } : seqOf(r) === t.b ? { ...r, seq: t.a } : r)).sort((x, y) => seqOf(x) - seqOf(y));
    case 'truncate':
      return rows.filter((r) => seqOf(r) <= t.keep);
  }
}

const OFFSET = 1_000_000_000;

/** The same tampering as SQL inside `tx` (a transaction the caller rolls back); `rows` is the log before it. */
export async function tamperSql(tx: SqlConn, rows: readonly Row[], t: Tamper): Promise<void> {
  await tx.exec('SET LOCAL session_replication_role = replica');
  const set = async (seq: number, changes: Record<string, unknown>): Promise<void> => {
    const cols = Object.keys(changes);
    await tx.query(`UPDATE audit SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE seq = $1`, [seq, ...cols.map((c) => changes[c])]);
  };
  const at = (seq: number): Row => rows.find((r) => seqOf(r) === seq)!;
  switch (t.op) {
    case 'edit':
      return set(t.seq, { [t.column]: edited(at(t.seq), t.column, t.salt) });
    case 'rehash': {
      const r = rehashed(at(t.seq), { actor: `${String(at(t.seq).actor)}-${t.salt}` });
      return set(t.seq, { actor: r.actor, hash: r.hash });
    }
    case 'delete':
      await tx.query('DELETE FROM audit WHERE seq = $1', [t.seq]);
      return;
    case 'delete-renumber':
      await tx.query('DELETE FROM audit WHERE seq = $1', [t.seq]);
      await tx.query('UPDATE audit SET seq = seq + $2 WHERE seq > $1', [t.seq, OFFSET]);
      await tx.query('UPDATE audit SET seq = seq - $1 - 1 WHERE seq > $1', [OFFSET]);
      return;
    case 'insert': {
      const f = forged(t.seq > 1 ? at(t.seq - 1) : undefined, t.seq, t.salt, at(t.seq));
      await tx.query('UPDATE audit SET seq = seq + $2 WHERE seq >= $1', [t.seq, OFFSET]);
      await tx.query('UPDATE audit SET seq = seq - $1 + 1 WHERE seq > $1', [OFFSET]);
      await tx.query(
        'INSERT INTO audit (seq, ts_ms, recorded_ms, actor_kind, actor, source, kind, run_id, symbol, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
        [f.seq, f.ts_ms, f.recorded_ms, f.actor_kind, f.actor, f.source, f.kind, f.run_id, f.symbol, f.payload, f.prev_hash, f.hash],
      );
      return;
    }
    case 'swap':
      await tx.query('UPDATE audit SET seq = $2 WHERE seq = $1', [t.a, OFFSET]);
      await tx.query('UPDATE audit SET seq = $2 WHERE seq = $1', [t.b, t.a]);
      await tx.query('UPDATE audit SET seq = $2 WHERE seq = $1', [OFFSET, t.b]);
      return;
    case 'truncate':
      await tx.query('DELETE FROM audit WHERE seq > $1', [t.keep]);
  }
}

/** Random tamperings of a log of `last` entries (last >= 3). */
export function tamperArb(last: number): fc.Arbitrary<Tamper> {
  const seq = fc.integer({ min: 1, max: last });
  const salt = fc.integer({ min: 0, max: 1_000_000 });
  return fc.oneof(
    fc.record({ op: fc.constant('edit' as const), seq, column: fc.constantFrom(...EDITABLE), salt }),
    fc.record({ op: fc.constant('rehash' as const), seq, salt }),
    fc.record({ op: fc.constant('delete' as const), seq }),
    fc.record({ op: fc.constant('delete-renumber' as const), seq }),
    fc.record({ op: fc.constant('insert' as const), seq, salt }),
    fc.integer({ min: 1, max: last - 1 }).chain((a) => fc.integer({ min: a + 1, max: last }).map((b) => ({ op: 'swap' as const, a, b }))),
    fc.record({ op: fc.constant('truncate' as const), keep: fc.integer({ min: 0, max: last - 1 }) }),
  );
}
