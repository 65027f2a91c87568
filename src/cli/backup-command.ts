// `sextant backup --out <file|dir>` and `sextant restore --from <backup> [--force]`: the store of a state
// folder (or DATABASE_URL) to and from a verified backup file (docs/operations.md).
import { runBackup, runRestore } from '../app/backup.ts';
import { bool, str, type CommandIO, type ParsedArgs } from './args.ts';

const total = (rows: Readonly<Record<string, number>>): number => Object.values(rows).reduce((a, b) => a + b, 0);
const some = (rows: Readonly<Record<string, number>>): string => ['runs', 'orders', 'fills'].map((t) => `${rows[t] ?? 0} ${t}`).join(', ');

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const s = await runBackup({ out: str(a, 'out') ?? '', stateDir: str(a, 'state-dir') });
  io.out(`backed up ${s.header.source.location} (${s.header.source.kind}) to ${s.file}: ${total(s.rows)} rows (${some(s.rows)}), ${s.bytes} bytes, schema version ${s.header.migrations.at(-1)?.version ?? 0}`);
  return 0;
}

export async function runRestoreCommand(a: ParsedArgs, io: CommandIO): Promise<number> {
  const r = await runRestore({ from: str(a, 'from') ?? '', stateDir: str(a, 'state-dir'), force: bool(a, 'force') });
  const when = new Date(r.backup.header.createdMs).toISOString();
  io.out(`restored ${r.backup.file} (taken ${when} from ${r.backup.header.source.location}) into ${r.location}: ${total(r.backup.rows)} rows (${some(r.backup.rows)})`);
  if (r.keptAs !== null) io.out(`the replaced store was kept in ${r.keptAs} (delete it once the restore is checked)`);
  return 0;
}
