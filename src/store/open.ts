// Picks the store implementation: Postgres for postgres:// URLs (or DATABASE_URL), PGlite otherwise.
import { ConfigError } from '../core/errors.ts';
import { redactUrl } from './redact.ts';
import { SCHEMA_NAME, type SqlDriver } from './sql.ts';
import { createSqlStore, type SqlStoreOptions } from './sql-store.ts';
import type { Store } from './store.ts';

export const DEFAULT_STORE_DIR = './.sextant/db';

export interface OpenStoreOptions extends SqlStoreOptions {
  /** `postgres://...` / `postgresql://...` for a server, `memory://` for an in-memory PGlite. */
  readonly url?: string;
  /** PGlite folder when no URL applies (default `./.sextant/db`). */
  readonly dir?: string;
  /** Work inside this schema (created if missing): isolates tests and tenants sharing a database (default: SEXTANT_DB_SCHEMA, else the server's search path). */
  readonly schema?: string;
  /** Environment to read DATABASE_URL from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Open only a store that already exists (readers such as `status`): a PGlite folder that holds no
   * database is a ConfigError naming `existingField`, and nothing is created there.
   */
  readonly mustExist?: boolean;
  /** The field a missing store is reported under (default 'dir'). */
  readonly existingField?: string;
}

export type StoreTarget =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'pglite'; readonly dir: string | undefined };

/** Precedence: the `url` option, then DATABASE_URL, then `dir`, then ./.sextant/db. */
export function resolveStoreTarget(opts: OpenStoreOptions = {}): StoreTarget {
  const env = opts.env ?? process.env;
  const fromEnv = env.DATABASE_URL !== undefined && env.DATABASE_URL !== '';
  const url = opts.url ?? (fromEnv ? env.DATABASE_URL : undefined);
  const where = opts.url !== undefined ? { field: 'url' } : { field: 'DATABASE_URL' };
  if (url !== undefined) {
    if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
    if (url === 'memory://') return { kind: 'pglite', dir: undefined };
    throw new ConfigError(`unsupported database URL "${redactUrl(url)}": use postgres://user@host:5432/db or memory://`, where);
  }
  const dir = opts.dir ?? DEFAULT_STORE_DIR;
  if (dir === '') throw new ConfigError('the database folder must not be empty', { field: 'dir' });
  return { kind: 'pglite', dir };
}

/** The schema to work in: the option, else SEXTANT_DB_SCHEMA, else none (the server's search path). */
export function resolveSchema(opts: OpenStoreOptions = {}): string | undefined {
  const env = opts.env ?? process.env;
  const fromEnv = env.SEXTANT_DB_SCHEMA !== undefined && env.SEXTANT_DB_SCHEMA !== '' ? env.SEXTANT_DB_SCHEMA : undefined;
  const schema = opts.schema ?? fromEnv;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new ConfigError(`schema "${schema}" must be lower-case letters, digits and _ (at most 63)`, { field: opts.schema !== undefined ? 'schema' : 'SEXTANT_DB_SCHEMA' });
  }
  return schema;
}

/**
 * The raw connection to the store the options point at, without migrations (backup and restore). PGlite:
 * a new store is created only in an absent or empty folder, and only unless `mustExist`.
 */
export async function openDriver(opts: OpenStoreOptions = {}): Promise<SqlDriver> {
  const target = resolveStoreTarget(opts);
  const schema = resolveSchema(opts);
  if (target.kind === 'postgres') {
    let db: SqlDriver;
    try {
      // Each driver is loaded only when used: a PGlite user never loads pg, nor a Postgres user the WASM build.
      const { openPostgres } = await import('./postgres-driver.ts');
      db = await openPostgres(target.url, schema);
    } catch (e) {
      throw new ConfigError(`cannot open Postgres at ${redactUrl(target.url)}: ${e instanceof Error ? e.message : String(e)}`, { field: 'DATABASE_URL' });
    }
    if (opts.mustExist === true) {
      const r = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
      if (r.rows[0]?.t == null) {
        await db.close();
        throw new ConfigError(`no Sextant store in ${db.location}${schema === undefined ? '' : ` (schema ${schema})`} (a paper run creates one)`, { field: 'DATABASE_URL' });
      }
    }
    return db;
  }
  const { openPglite } = await import('./pglite-driver.ts');
  return openPglite(target.dir, schema, { create: opts.mustExist !== true, missingField: opts.existingField ?? 'dir' });
}

/** Opens (and migrates) the store the options and environment point at. */
export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const storeOpts: SqlStoreOptions = {
    ...(opts.maxBufferRows === undefined ? {} : { maxBufferRows: opts.maxBufferRows }),
    ...(opts.flushIntervalMs === undefined ? {} : { flushIntervalMs: opts.flushIntervalMs }),
  };
  return createSqlStore(await openDriver(opts), storeOpts);
}
