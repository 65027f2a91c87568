// Operator commands in the store (table `commands`, migration 3): requested pending, taken by the node that
// owns the run (acknowledged), finished done or failed with the node's answer, or expired when no node took
// them in time. SqlStore delegates here; both backends share this SQL.
import { randomUUID } from 'node:crypto';
import { InputError } from '../core/errors.ts';
import type { SqlConn } from './sql.ts';
import { COMMAND_KINDS, type CommandNode, type CommandRecord, type JsonValue, type NewCommand } from './store.ts';
import { epochMs, jsonText, oneOf, text } from './validate.ts';

type Row = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

function toCommand(x: Row): CommandRecord {
  return {
    id: String(x.id),
    runId: String(x.run_id),
    kind: x.kind as CommandRecord['kind'],
    args: (x.args ?? {}) as JsonValue,
    requester: String(x.requester),
    requestedMs: num(x.requested_ms),
    expiresMs: num(x.expires_ms),
    status: x.status as CommandRecord['status'],
    result: (x.result ?? null) as JsonValue,
    node: x.node_pid === null || x.node_pid === undefined ? null : { pid: num(x.node_pid), host: String(x.node_host) },
    acknowledgedMs: numOrNull(x.acknowledged_ms),
    finishedMs: numOrNull(x.finished_ms),
  };
}

const byRequest = (a: CommandRecord, b: CommandRecord): number => a.requestedMs - b.requestedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export async function submitCommand(db: SqlConn, c: NewCommand): Promise<CommandRecord> {
  const id = c.id === undefined ? randomUUID() : text(c.id, 'command.id', 200);
  const runId = text(c.runId, 'command.runId');
  const kind = oneOf(c.kind, COMMAND_KINDS, 'command.kind');
  const args = jsonText(c.args === undefined ? {} : c.args, 'command.args');
  const requester = text(c.requester, 'command.requester', 500);
  const requestedMs = c.requestedMs === undefined ? Date.now() : epochMs(c.requestedMs, 'command.requestedMs');
  const expiresMs = epochMs(c.expiresMs, 'command.expiresMs');
  if (expiresMs < requestedMs) throw new InputError(`must not be before requestedMs (${requestedMs}), got ${expiresMs}`, { field: 'command.expiresMs' });
  const r = await db.query(
    `INSERT INTO commands (id, run_id, kind, args, requester, requested_ms, expires_ms)
     SELECT $1, $2, $3, $4::jsonb, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM runs WHERE id = $2)
     ON CONFLICT (id) DO NOTHING RETURNING *`,
    [id, runId, kind, args, requester, requestedMs, expiresMs],
  );
  if (r.rows[0] !== undefined) return toCommand(r.rows[0]);
  const run = await db.query('SELECT 1 FROM runs WHERE id = $1', [runId]);
  if (run.rows.length === 0) throw new InputError(`no run "${runId}"`, { field: 'command.runId' });
  throw new InputError(`command "${id}" already exists`, { field: 'command.id' });
}

const EXPIRED = (deadline: string): string => `expired: no node took it before ${deadline}`;

export async function takeCommands(db: SqlConn, runId: string, node: CommandNode, nowMs = Date.now()): Promise<CommandRecord[]> {
  text(runId, 'runId');
  const pid = node.pid;
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new InputError(`must be a positive integer, got ${String(pid)}`, { field: 'node.pid' });
  const host = text(node.host, 'node.host', 255);
  epochMs(nowMs, 'nowMs');
  // Past their deadline: never executed, whoever asks later.
  const overdue = await db.query('SELECT id, expires_ms FROM commands WHERE run_id = $1 AND status = $2 AND expires_ms < $3', [runId, 'pending', nowMs]);
  for (const o of overdue.rows) {
    await db.query(
      `UPDATE commands SET status = 'expired', result = $2::jsonb, finished_ms = $3, updated_at = now() WHERE id = $1 AND status = 'pending'`,
      [o.id, JSON.stringify({ message: EXPIRED(new Date(num(o.expires_ms)).toISOString()) }), nowMs],
    );
  }
  const r = await db.query(
    `UPDATE commands SET status = 'acknowledged', node_pid = $2, node_host = $3, acknowledged_ms = $4, updated_at = now()
     WHERE id IN (SELECT id FROM commands WHERE run_id = $1 AND status = 'pending' AND expires_ms >= $4 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [runId, pid, host, nowMs],
  );
  return r.rows.map(toCommand).sort(byRequest);
}

export async function finishCommand(db: SqlConn, id: string, status: 'done' | 'failed', result: JsonValue, finishedMs = Date.now()): Promise<CommandRecord> {
  text(id, 'id', 200);
  oneOf(status, ['done', 'failed'] as const, 'status');
  const json = jsonText(result, 'result');
  epochMs(finishedMs, 'finishedMs');
  const r = await db.query(
    `UPDATE commands SET status = $2, result = $3::jsonb, finished_ms = $4, updated_at = now() WHERE id = $1 AND status = 'acknowledged' RETURNING *`,
    [id, status, json, finishedMs],
  );
  if (r.rows[0] !== undefined) return toCommand(r.rows[0]);
  const now = await getCommand(db, id);
  if (now === null) throw new InputError(`no command "${id}"`, { field: 'id' });
  throw new InputError(`command "${id}" is ${now.status}; only an acknowledged command can finish`, { field: 'id' });
}

export async function expireCommands(db: SqlConn, runId: string, reason: string, ids?: readonly string[], nowMs = Date.now()): Promise<CommandRecord[]> {
  text(runId, 'runId');
  const why = text(reason, 'reason');
  const r = await db.query(
    `UPDATE commands SET status = 'expired', result = $2::jsonb, finished_ms = $3, updated_at = now()
     WHERE run_id = $1 AND status = 'pending' AND ($4::text[] IS NULL OR id = ANY($4::text[])) RETURNING *`,
    [runId, JSON.stringify({ message: why }), nowMs, ids === undefined ? null : [...ids]],
  );
  return r.rows.map(toCommand).sort(byRequest);
}

export async function getCommand(db: SqlConn, id: string): Promise<CommandRecord | null> {
  const r = await db.query('SELECT * FROM commands WHERE id = $1', [id]);
  return r.rows[0] === undefined ? null : toCommand(r.rows[0]);
}

export async function listCommands(db: SqlConn, runId: string): Promise<CommandRecord[]> {
  const r = await db.query('SELECT * FROM commands WHERE run_id = $1 ORDER BY requested_ms, id', [runId]);
  return r.rows.map(toCommand);
}
