// The SQL of the audit trail (migration 5), shared by PGlite and Postgres. An append takes a transaction-
// scoped advisory lock, reads the head, chains the new entries after it and inserts them: writers in
// several processes on one Postgres database make one chain, in the order they committed.
import { InputError } from '../../core/errors.ts';
import type { SqlConn } from '../sql.ts';
import { epochMs, text } from '../validate.ts';
import { chainEntries, type ChainedEntry } from './chain.ts';
import { AUDIT_ACTOR_KINDS, EMPTY_HEAD, type AuditEntry, type AuditFilter, type AuditHead, type AuditInput, type AuditRow } from './entry.ts';
import { parseAuditRow } from './verify.ts';

/** The advisory lock key every audit writer takes (an arbitrary constant: 'AUDIT' in ASCII). */
const AUDIT_LOCK_KEY = 0x41_55_44_49_54;
/** Rows per INSERT statement. */
const CHUNK = 5_000;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

export async function auditHead(db: SqlConn): Promise<AuditHead> {
  const r = await db.query('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
  const x = r.rows[0];
  return x === undefined ? EMPTY_HEAD : { count: num(x.seq), seq: num(x.seq), hash: String(x.hash) };
}

/** Checks one input at the boundary: an InputError names the entry and the field. */
function checkInput(x: AuditInput, i: number): AuditInput {
  const f = (name: string): string => `audit[${i}].${name}`;
  if (!(AUDIT_ACTOR_KINDS as readonly string[]).includes(x.actorKind)) throw new InputError(`must be one of ${AUDIT_ACTOR_KINDS.join(', ')}`, { field: f('actorKind') });
  epochMs(x.tsMs, f('tsMs'));
  text(x.actor, f('actor'), 200);
  text(x.source, f('source'), 200);
  text(x.kind, f('kind'), 200);
  if (x.runId !== undefined && x.runId !== null) text(x.runId, f('runId'), 200);
  if (x.symbol !== undefined && x.symbol !== null) text(x.symbol, f('symbol'), 200);
  return x;
}

/** Appends inside the caller's transaction (`tx` must be one); returns the new head. */
export async function appendAuditEntries(tx: SqlConn, inputs: readonly AuditInput[], recordedMs = Date.now(), knownHead: AuditHead | null = null): Promise<AuditHead> {
  inputs.forEach(checkInput);
  let head = knownHead;
  if (head === null) {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
    head = await auditHead(tx);
  }
  if (inputs.length === 0) return head;
  const entries = chainEntries(head, inputs, recordedMs);
  for (let i = 0; i < entries.length; i += CHUNK) await insertEntries(tx, entries.slice(i, i + CHUNK));
  const last = entries[entries.length - 1]!;
  return { count: last.seq, seq: last.seq, hash: last.hash };
}

/**
 * A store's one way to append. On Postgres every append takes the advisory lock and reads the head (other
 * processes write too). PGlite has one writer, this process (the folder lock), whose transactions run one
 * at a time: the head is read once and then kept, set inside each transaction before it commits and
 * forgotten when one fails (a stale head could only make the next insert hit the primary key and fail).
 */
export class AuditAppender {
  readonly #singleWriter: boolean;
  #head: AuditHead | null = null;

  constructor(singleWriter: boolean) {
    this.#singleWriter = singleWriter;
  }

  async append(tx: SqlConn, inputs: readonly AuditInput[], recordedMs = Date.now()): Promise<AuditHead> {
    const known = this.#head;
    this.#head = null;
    const head = await appendAuditEntries(tx, inputs, recordedMs, this.#singleWriter ? known : null);
    if (this.#singleWriter) this.#head = head;
    return head;
  }

  /** After a failed transaction: the next append reads the head again. */
  forget(): void {
    this.#head = null;
  }
}

async function insertEntries(tx: SqlConn, es: readonly ChainedEntry[]): Promise<void> {
  await tx.query(
    `INSERT INTO audit (seq, ts_ms, recorded_ms, actor_kind, actor, source, kind, run_id, symbol, payload, prev_hash, hash)
     SELECT * FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                          $9::text[], $10::text[], $11::text[], $12::text[])`,
    [
      es.map((e) => e.seq), es.map((e) => e.tsMs), es.map((e) => e.recordedMs), es.map((e) => e.actorKind), es.map((e) => e.actor),
      es.map((e) => e.source), es.map((e) => e.kind), es.map((e) => e.runId), es.map((e) => e.symbol), es.map((e) => e.payloadText),
      es.map((e) => e.prevHash), es.map((e) => e.hash),
    ],
  );
}

/** Stored rows after `afterSeq` in chain order, as the table holds them (for verification). */
export async function auditRows(db: SqlConn, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return (await db.query<AuditRow>('SELECT * FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit])).rows;
}

/** Every stored row in chain order, read a page at a time. */
export async function* allAuditRows(db: SqlConn, pageSize = 5_000): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const page = await auditRows(db, after, pageSize);
    for (const r of page) yield r;
    if (page.length < pageSize) return;
    after = num(page[page.length - 1]!.seq);
  }
}

/** Entries matching `f`, oldest first. A row that no longer parses is an InputError naming it (`sextant audit verify` says more). */
export async function listAuditEntries(db: SqlConn, f: AuditFilter): Promise<AuditEntry[]> {
  if (!Number.isInteger(f.limit) || f.limit < 1 || f.limit > 100_000) throw new InputError(`must be an integer from 1 to 100000, got ${String(f.limit)}`, { field: 'limit' });
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown): void => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.afterSeq !== undefined) add('seq > ?', f.afterSeq);
  if (f.fromMs !== undefined) add('ts_ms >= ?', f.fromMs);
  if (f.toMs !== undefined) add('ts_ms < ?', f.toMs);
  if (f.actor !== undefined) add('actor = ?', f.actor);
  if (f.symbol !== undefined) add('symbol = ?', f.symbol);
  if (f.runId !== undefined) add('run_id = ?', f.runId);
  if (f.kind !== undefined) {
    if (f.kind.endsWith('*') || f.kind.endsWith('.')) add("kind LIKE ? ESCAPE '\\'", `${f.kind.replace(/\*$/, '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    else add('kind = ?', f.kind);
  }
  params.push(f.limit);
  const sql = `SELECT * FROM audit${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT $${params.length}`;
  const out: AuditEntry[] = [];
  for (const row of (await db.query<AuditRow>(sql, params)).rows) {
    const p = parseAuditRow(row);
    if (!p.ok) throw new InputError(`audit entry ${String(row.seq)} is malformed (column ${p.field} is ${p.why}); run \`sextant audit verify\``, { field: 'audit' });
    out.push(p.entry);
  }
  return out;
}
