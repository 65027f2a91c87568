// What the reports read of a stored run: the run, its fills (in booking order), its orders and the instruments'
// contract multipliers; and what a run's stored config says of its venue and its data.
import { ConfigError } from '../../core/errors.ts';
import type { FillInput, OrderRecord, RunRecord, Store } from '../../store/store.ts';

export interface RunRecords {
  readonly run: RunRecord;
  readonly fills: readonly FillInput[];
  /** Oldest first. */
  readonly orders: readonly OrderRecord[];
  /** Contract multiplier by symbol (instruments the store knows; 1 for the rest). */
  readonly multipliers: ReadonlyMap<string, number>;
  /** The venue's id of each order that has one (client order id -> venue order id). */
  readonly venueOrderIds: ReadonlyMap<string, string>;
}

/** Every order of a run, oldest first (listOrders pages newest first). */
export async function allOrders(store: Store, runId: string): Promise<OrderRecord[]> {
  const out: OrderRecord[] = [];
  const limit = 5000;
  for (let offset = 0; ; offset += limit) {
    const page = await store.listOrders(runId, { limit, offset });
    out.push(...page);
    if (page.length < limit) break;
  }
  return out.reverse();
}

/** The records of each run in `runIds`, from an open store. An unknown run is a ConfigError naming --run. */
export async function readRunRecords(store: Store, runIds: readonly string[]): Promise<RunRecords[]> {
  const runs = await store.listRuns();
  const instruments = await store.loadInstruments();
  const multipliers = new Map(instruments.map((i) => [i.symbol, i.multiplier]));
  const out: RunRecords[] = [];
  for (const id of runIds) {
    const run = runs.find((r) => r.id === id);
    if (run === undefined) {
      const known = runs.map((r) => r.id);
      throw new ConfigError(`no run "${id}" in ${store.location}; ${known.length === 0 ? 'it holds no run' : `runs: ${known.join(', ')}`}`, { field: '--run' });
    }
    const [fills, orders, venueOrderIds] = await Promise.all([store.loadFills(id), allOrders(store, id), store.venueOrderIds(id)]);
    out.push({ run, fills, orders, multipliers, venueOrderIds });
  }
  return out;
}

/**
 * The venue or counterparty of a run's executions: a live run's venue as stored with it (`alpaca`,
 * `ccxt:kraken`, ...), upper-cased; paper and backtest runs trade against the simulated venue, "SIMULATED".
 */
export function venueOfRun(run: RunRecord): string {
  const cfg = run.config;
  const v = cfg !== null && typeof cfg === 'object' && !Array.isArray(cfg) ? (cfg as { venue?: unknown }).venue : undefined;
  return run.kind === 'live' && typeof v === 'string' && v !== '' ? v.toUpperCase() : 'SIMULATED';
}

/** The history source a replay run was started on (`csv:...`, `synthetic:1`), or null. */
export function replaySourceOf(run: RunRecord): string | null {
  const cfg = run.config;
  const v = cfg !== null && typeof cfg === 'object' && !Array.isArray(cfg) ? (cfg as { replay?: unknown }).replay : undefined;
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The `--data` sources given, else the replay sources the runs were started on; none at all is a ConfigError. */
export function dataSpecs(given: readonly string[] | undefined, runs: readonly RunRecords[]): string[] {
  if (given !== undefined && given.length > 0) return [...given];
  const own = [...new Set(runs.map((r) => replaySourceOf(r.run)).filter((s): s is string => s !== null))];
  if (own.length === 0) throw new ConfigError('the run stores no replay source to price it: give the bars with --data (csv:<path>, store:<symbol>)', { field: '--data' });
  return own;
}

/** The TCA's bars: those given, else a replay run's own source, else none (the report then has no arrival prices). */
export function tcaSources(given: readonly string[] | undefined, run: RunRecord): string[] {
  if (given !== undefined && given.length > 0) return [...given];
  const own = replaySourceOf(run);
  return own === null ? [] : [own];
}
