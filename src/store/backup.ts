// The backup file: a plain-text, line-oriented SQL-level export of Sextant's tables, the same for PGlite and
// Postgres (a backup of one restores into the other). Every row is the database's own row_to_json text,
// loaded back with json_populate_recordset, so values round-trip exactly (float8 prints shortest-exact,
// bigint and jsonb as written, timestamps with their zone) and never pass through JavaScript numbers.
//
//   SEXTANT-BACKUP 1 {"createdMs":...,"source":{...},"migrations":[...]}
//   #table instruments
//   {"symbol":"AAPL",...}
//   ...
//   #end {"rows":{"instruments":2,...},"sha256":"<hex of every byte before this line>"}
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { applyInTransaction, checksum, migrate } from './migrate.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';
import type { SqlConn, SqlDriver } from './sql.ts';
import type { AppliedMigration } from './store.ts';
import { TABLES, tablesAt, type TableInfo } from './tables.ts';

export const BACKUP_MAGIC = 'SEXTANT-BACKUP';
export const BACKUP_VERSION = 1;
/** Rows fetched from a cursor, and rows per INSERT on restore. */
const BATCH = 2000;
/** Rows that describe a live process, not data: never backed up. */
const SKIP_SETTINGS = "key NOT LIKE 'run-owner:%'";

export interface BackupHeader {
  readonly createdMs: number;
  readonly source: { readonly kind: string; readonly location: string };
  readonly migrations: readonly AppliedMigration[];
}

export interface BackupSummary {
  readonly file: string;
  readonly bytes: number;
  readonly rows: Readonly<Record<string, number>>;
  readonly header: BackupHeader;
}

/** Tables of the store other than Sextant's own: a backup that silently left one out would lie. */
async function checkTables(db: SqlConn, tables: readonly TableInfo[]): Promise<void> {
  const r = await db.query<{ t: string }>(
    "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  );
  const known = new Set([...tables.map((t) => t.name), 'schema_migrations']);
  const present = new Set(r.rows.map((x) => x.t));
  const missing = [...known].filter((t) => !present.has(t));
  if (missing.length > 0) throw new ConfigError(`the store is missing tables (${missing.join(', ')}): it is not a complete Sextant store`);
  const unknown = [...present].filter((t) => !known.has(t));
  if (unknown.length > 0) throw new ConfigError(`the store has tables this Sextant does not back up (${unknown.join(', ')}): upgrade Sextant`);
}

/**
 * Writes a consistent snapshot of the store to `file` (through `<file>.partial`, renamed once complete and
 * fsynced). One REPEATABLE READ, READ ONLY transaction: on Postgres writers keep going and the backup is
 * the state at its start (as pg_dump does).
 */
export async function writeBackup(db: SqlDriver, file: string, nowMs = Date.now()): Promise<BackupSummary> {
  const partial = `${file}.partial`;
  let fd: number;
  try {
    fd = openSync(partial, 'w');
  } catch (e) {
    throw new ConfigError(`cannot write the backup ${partial}: ${(e as Error).message}`, { field: '--out' });
  }
  const hash = createHash('sha256');
  let bytes = 0;
  const put = (s: string): void => {
    const b = Buffer.from(s, 'utf8');
    hash.update(b);
    writeSync(fd, b);
    bytes += b.length;
  };
  const rows: Record<string, number> = {};
  let header: BackupHeader;
  try {
    header = await db.transaction(async (tx) => {
      await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const mig = await tx.query<{ version: number; name: string; checksum: string }>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
      // A store not yet migrated by this Sextant (no node started since the upgrade) has its schema's tables only.
      const tables = tablesAt(Math.max(0, ...mig.rows.map((m) => Number(m.version))));
      await checkTables(tx, tables);
      const h: BackupHeader = { createdMs: nowMs, source: { kind: db.kind, location: db.location }, migrations: mig.rows.map((m) => ({ version: Number(m.version), name: m.name, checksum: m.checksum })) };
      put(`${BACKUP_MAGIC} ${BACKUP_VERSION} ${JSON.stringify(h)}\n`);
      for (const t of tables) {
        put(`#table ${t.name}\n`);
        let n = 0;
        const where = t.name === 'settings' ? ` WHERE ${SKIP_SETTINGS}` : '';
        await tx.exec(`DECLARE sextant_backup NO SCROLL CURSOR FOR SELECT row_to_json(x)::text AS j FROM ${t.name} x${where} ORDER BY ${t.orderBy}`);
        for (;;) {
          const r = await tx.query<{ j: string }>(`FETCH ${BATCH} FROM sextant_backup`);
          for (const row of r.rows) put(`${row.j}\n`);
          n += r.rows.length;
          if (r.rows.length < BATCH) break;
        }
        await tx.exec('CLOSE sextant_backup');
        rows[t.name] = n;
      }
      return h;
    });
    const trailer = `#end ${JSON.stringify({ rows, sha256: hash.digest('hex') })}\n`;
    writeSync(fd, trailer);
    bytes += Buffer.byteLength(trailer);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(partial, file);
  return { file, bytes, rows, header };
}

export interface VerifiedBackup {
  readonly file: string;
  readonly header: BackupHeader;
  /** Each table's rows, as the JSON text lines of the file. */
  readonly tables: ReadonlyMap<string, readonly string[]>;
  readonly rows: Readonly<Record<string, number>>;
  /** The migrations the backup's rows are shaped by (a prefix of this Sextant's). */
  readonly migrations: readonly Migration[];
}

/** Reads and checks a backup completely (format, version, checksum, row counts, schema version) before any use. */
export function verifyBackup(file: string): VerifiedBackup {
  const bad = (why: string): ConfigError => new ConfigError(`${file} is not a usable Sextant backup: ${why}`, { field: '--from' });
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new ConfigError(`cannot read the backup ${file}: ${(e as Error).message}`, { field: '--from' });
  }
  const magic = Buffer.from(`${BACKUP_MAGIC} `);
  if (!buf.subarray(0, magic.length).equals(magic)) throw bad(`it does not start with "${BACKUP_MAGIC}"`);
  const endAt = buf.lastIndexOf('\n#end ', buf.length - 2);
  if (endAt < 0 || buf[buf.length - 1] !== 0x0a) throw bad('it is truncated (no #end line)');
  const body = buf.subarray(0, endAt + 1);
  let trailer: { rows: Record<string, number>; sha256: string };
  try {
    trailer = JSON.parse(buf.subarray(endAt + 6).toString('utf8')) as typeof trailer;
  } catch {
    throw bad('its #end line is damaged');
  }
  if (createHash('sha256').update(body).digest('hex') !== trailer.sha256) throw bad('its checksum does not match (the file was changed or damaged)');
  const lines = body.toString('utf8').split('\n');
  lines.pop();
  const first = lines[0]!.slice(magic.length);
  const space = first.indexOf(' ');
  const version = Number(first.slice(0, space));
  if (version !== BACKUP_VERSION) throw bad(`it is format version ${first.slice(0, space)}; this Sextant reads version ${BACKUP_VERSION}`);
  const header = JSON.parse(first.slice(space + 1)) as BackupHeader;
  const tables = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of lines.slice(1)) {
    if (line.startsWith('#table ')) {
      const name = line.slice(7);
      if (!TABLES.some((t) => t.name === name)) throw bad(`it holds an unknown table "${name}"`);
      current = [];
      tables.set(name, current);
    } else if (current === null) {
      throw bad('a row comes before any #table line');
    } else current.push(line);
  }
  const migrations = backupMigrations(header, bad);
  // Every table of the backup's schema version (a backup from before a migration has no table of it).
  for (const t of tablesAt(migrations.at(-1)!.version)) {
    const n = tables.get(t.name)?.length ?? -1;
    if (n !== trailer.rows[t.name]) throw bad(`table ${t.name} has ${Math.max(n, 0)} rows, its #end line says ${trailer.rows[t.name] ?? 'none'}`);
  }
  for (const name of tables.keys()) if (!tablesAt(migrations.at(-1)!.version).some((t) => t.name === name)) throw bad(`it holds table "${name}", which its schema version does not have`);
  return { file, header, tables, rows: trailer.rows, migrations };
}

/** The backup's schema must be one this Sextant knows: the same migrations, none changed, none newer. */
function backupMigrations(h: BackupHeader, bad: (why: string) => ConfigError): Migration[] {
  const out: Migration[] = [];
  for (const [i, m] of h.migrations.entries()) {
    const ours = MIGRATIONS[i];
    if (ours === undefined || ours.version !== m.version) throw bad(`its schema is at migration ${m.version} (${m.name}), newer than this Sextant knows; upgrade Sextant`);
    if (checksum(ours.sql) !== m.checksum) throw bad(`its migration ${m.version} (${m.name}) differs from this Sextant's`);
    out.push(ours);
  }
  if (out.length === 0) throw bad('it records no schema version');
  return out;
}

/**
 * Loads a verified backup in one transaction: drops Sextant's tables when `replace` (else the schema must
 * hold none), creates them at the backup's schema version, inserts every row. Then migrates to this
 * Sextant's version. A failure leaves the target as it was.
 */
export async function loadBackup(db: SqlDriver, b: VerifiedBackup, replace: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    if (replace) await tx.exec(`DROP TABLE IF EXISTS ${[...TABLES].reverse().map((t) => t.name).join(', ')}, schema_migrations CASCADE`);
    await applyInTransaction(tx, b.migrations);
    const version = b.migrations.at(-1)!.version;
    for (const t of TABLES) {
      // A table newer than the backup's schema does not exist yet: the migrations after the load create it.
      if (t.since !== undefined && t.since > version) continue;
      const lines = b.tables.get(t.name) ?? [];
      for (let i = 0; i < lines.length; i += BATCH) {
        const json = `[${lines.slice(i, i + BATCH).join(',')}]`;
        await tx.query(`INSERT INTO ${t.name} ${t.identity ? 'OVERRIDING SYSTEM VALUE ' : ''}SELECT * FROM json_populate_recordset(NULL::${t.name}, $1::json)`, [json]);
      }
      // New rows continue after the restored ones.
      if (t.identity !== undefined) {
        await tx.query(`SELECT setval(pg_get_serial_sequence('${t.name}', '${t.identity}'), COALESCE(max(${t.identity}), 0) + 1, false) FROM ${t.name}`);
      }
    }
  });
  await migrate(db);
}
