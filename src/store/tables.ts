// Sextant's tables in foreign-key order (a table follows those it references): the order a backup writes
// and a restore loads them. A migration that adds a table adds it here too (backup refuses unknown tables).

export interface TableInfo {
  readonly name: string;
  /** Columns that give a stable row order for a backup. */
  readonly orderBy: string;
  /** A GENERATED ALWAYS AS IDENTITY column whose values a restore keeps (and whose sequence it moves on). */
  readonly identity?: string;
  /** The migration that created it (default 1): a store or backup at an older schema has no such table. */
  readonly since?: number;
}

export const TABLES: readonly TableInfo[] = [
  { name: 'instruments', orderBy: 'symbol' },
  { name: 'strategies', orderBy: 'id' },
  { name: 'runs', orderBy: 'id' },
  { name: 'settings', orderBy: 'key' },
  { name: 'orders', orderBy: 'client_order_id' },
  { name: 'order_events', orderBy: 'order_id, seq' },
  { name: 'fills', orderBy: 'arrival', identity: 'arrival' },
  { name: 'positions', orderBy: 'run_id, strategy_id, symbol' },
  { name: 'equity_snapshots', orderBy: 'run_id, ts_ms' },
  { name: 'risk_events', orderBy: 'id', identity: 'id' },
  { name: 'strategy_state', orderBy: 'run_id, strategy_id', since: 2 },
  { name: 'commands', orderBy: 'run_id, requested_ms, id', since: 3 },
  { name: 'users', orderBy: 'username', since: 4 },
  { name: 'sessions', orderBy: 'id_hash', since: 4 },
  { name: 'api_tokens', orderBy: 'id', since: 4 },
  { name: 'broker_credentials', orderBy: 'id', since: 4 },
  { name: 'bots', orderBy: 'id', since: 4 },
  { name: 'api_audit', orderBy: 'seq', identity: 'seq', since: 4 },
  { name: 'audit', orderBy: 'seq', since: 5 },
];

/** The tables a store (or backup) at schema version `version` has. */
export function tablesAt(version: number): readonly TableInfo[] {
  return TABLES.filter((t) => (t.since ?? 1) <= version);
}
