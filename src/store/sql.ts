// The small SQL surface both implementations share: PGlite and node-postgres speak the same
// dialect, so the store above this line is written once.

export interface SqlResult<R> {
  readonly rows: R[];
}

/** A connection (or a transaction on one). Parameters are $1, $2, ... */
export interface SqlConn {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
  /** Runs several ;-separated statements without parameters. */
  exec(text: string): Promise<void>;
}

export interface SqlDriver extends SqlConn {
  readonly kind: 'pglite' | 'postgres';
  readonly location: string;
  /** Runs `fn` in BEGIN ... COMMIT on one connection; ROLLBACK and rethrow if it throws. */
  transaction<T>(fn: (tx: SqlConn) => Promise<T>): Promise<T>;
  /** Makes this process the live owner of `runId` (run-lock.ts); resolves to the release. */
  claimRun(runId: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Double-quotes an identifier that has already been checked to be a plain lower-case name. */
export function ident(name: string): string {
  return `"${name}"`;
}

export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
