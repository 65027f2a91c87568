// `sextant audit verify|show|export|checkpoint`: the tamper-evident audit trail of the store of
// --state-dir (or DATABASE_URL). docs/compliance.md explains the chain and what verify reports.
import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { InputError } from '../core/errors.ts';
import { withStateStore } from '../app/access/open.ts';
import { exportAudit, makeCheckpoint, readCheckpoint, verifyAudit, type AuditExportFormat } from '../app/audit/index.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import type { AuditEntryDto } from '../app/dto/access.ts';
import { num, str, type CommandIO, type ParsedArgs } from './args.ts';
import { iso } from './access-io.ts';
import { EXIT_AUDIT_BROKEN, EXIT_OK } from './exit-codes.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { renderTable } from './table.ts';

/** Opens a new file for writing; an existing one (or an unwritable path) is bad input, never overwritten. */
function createNew(path: string, flag: string): number {
  try {
    return openSync(path, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'EEXIST' ? `${path} exists: an audit file is never overwritten, choose a new name` : `cannot create ${path}: ${(e as Error).message}`, { field: `--${flag}` });
  }
}

const store = (a: ParsedArgs): { stateDir?: string; mustExist: true } => {
  const d = str(a, 'state-dir');
  return d === undefined ? { mustExist: true } : { stateDir: d, mustExist: true };
};

export async function runVerify(a: ParsedArgs, io: CommandIO): Promise<number> {
  const cpFile = str(a, 'from-checkpoint');
  const checkpoint = cpFile === undefined ? undefined : readCheckpoint(cpFile);
  const started = performance.now();
  const r = await withStateStore(store(a), (s) => verifyAudit(s, { ...(checkpoint === undefined ? {} : { checkpoint }), onProgress: (n) => io.err(`verified ${n.toLocaleString('en-US')} entries...`) }));
  const seconds = (performance.now() - started) / 1000;
  writeJsonFlag(a, { ...r, seconds: Number(seconds.toFixed(3)) }, io);
  if (!jsonOnStdout(a)) {
    if (r.ok) {
      io.out(`audit trail intact: ${r.entries} entries, head ${r.head.seq} ${r.head.hash}${r.checkpoint === 'matched' ? `; matches the checkpoint at entry ${checkpoint!.seq}` : ''} (${seconds.toFixed(2)} s)`);
      if (checkpoint === undefined) io.out('without a checkpoint, entries removed from the end cannot be seen: keep `sextant audit checkpoint` files elsewhere and pass one with --from-checkpoint');
    } else {
      io.out(`audit trail BROKEN at entry ${r.problem!.seq}: ${r.problem!.message}`);
      io.out(`${r.entries} entries before it verified`);
    }
  }
  return r.ok ? EXIT_OK : EXIT_AUDIT_BROKEN;
}

export async function runCheckpoint(a: ParsedArgs, io: CommandIO): Promise<number> {
  const cp = await withStateStore(store(a), (s) => makeCheckpoint(s));
  const out = str(a, 'out');
  const text = `${JSON.stringify(cp, null, 1)}\n`;
  if (out === undefined || out === '-') io.out(text.trimEnd());
  else {
    const fd = createNew(out, 'out');
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    io.out(`checkpoint of ${cp.count} entries (head ${cp.hash}) written to ${out}: keep it away from the store`);
  }
  return EXIT_OK;
}

function timeFlag(a: ParsedArgs, name: string): number | undefined {
  const v = str(a, name);
  if (v === undefined) return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(ms)) throw new InputError(`expected a date (2026-01-31) or an ISO time (2026-01-31T14:00:00Z), got "${v}"`, { field: `--${name}` });
  return ms;
}

export async function runShow(a: ParsedArgs, io: CommandIO): Promise<number> {
  const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } => (v === undefined ? {} : ({ [k]: v } as { [P in K]: V }));
  const filter = {
    ...opt('fromMs', timeFlag(a, 'from')), ...opt('toMs', timeFlag(a, 'to')), ...opt('actor', str(a, 'actor')), ...opt('kind', str(a, 'kind')),
    ...opt('symbol', str(a, 'symbol')), ...opt('runId', str(a, 'run')), ...opt('afterSeq', num(a, 'after')), limit: num(a, 'limit') ?? 100,
  };
  const entries = await withStateStore(store(a), (s) => s.audit.list(filter));
  writeJsonFlag(a, entries, io);
  if (jsonOnStdout(a)) return EXIT_OK;
  if (entries.length === 0) {
    io.out('no audit entries match');
    return EXIT_OK;
  }
  io.out(renderTable(['seq', 'time', 'actor', 'source', 'kind', 'run', 'symbol', 'details'], entries.map(showRow)));
  if (entries.length === filter.limit) io.out(`(first ${filter.limit}; --after ${entries[entries.length - 1]!.seq} shows the next, --limit more)`);
  return EXIT_OK;
}

function showRow(e: Omit<AuditEntryDto, 'payload'> & { readonly payload: unknown }): string[] {
  const details = canonicalJson(e.payload);
  return [String(e.seq), iso(e.tsMs), `${e.actorKind}:${e.actor}`, e.source, e.kind, e.runId ?? '-', e.symbol ?? '-', details.length > 80 ? `${details.slice(0, 77)}...` : details];
}

export async function runExport(a: ParsedArgs, io: CommandIO): Promise<number> {
  const format = (str(a, 'format') ?? 'jsonl') as AuditExportFormat;
  const out = str(a, 'out');
  const toStdout = out === undefined || out === '-';
  const file = toStdout ? null : createWriteStream('', { fd: createNew(out, 'out') });
  let n = 0;
  await withStateStore(store(a), async (s) => {
    for await (const line of exportAudit(s, format)) {
      n++;
      if (file === null) io.out(line);
      else if (!file.write(`${line}\n`)) await once(file, 'drain');
    }
  });
  if (file !== null) {
    file.end();
    await once(file, 'finish');
    io.err(`exported ${format === 'csv' ? n - 1 : n} audit entries to ${out} (${format})`);
  }
  return EXIT_OK;
}
