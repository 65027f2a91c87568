// The Store over any SqlDriver (PGlite or Postgres): buffered, validated appends written as
// multi-row INSERT ... SELECT FROM unnest(arrays) statements, one transaction per batch, with
// ON CONFLICT DO NOTHING on every natural key so replays are no-ops.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { InputError, InvariantError } from '../core/errors.ts';
import type { OrderEventType } from '../model/events.ts';
import type { Instrument } from '../model/instrument.ts';
import type { OrderSide, OrderType, TimeInForce } from '../model/order.ts';
import type { OrderStatus } from '../model/order-status.ts';
import { appliedMigrations, migrate } from './migrate.ts';
import * as commands from './commands-sql.ts';
import { accessSql } from './access-sql.ts';
import type { AccessStore } from './access-store.ts';
import { AuditAppender } from './audit/audit-sql.ts';
import { auditStore, type AuditTrailStore } from './audit/audit-store.ts';
import { auditEntriesOf, commandEntry, runEntry } from './audit/derive.ts';
import { postgresRunOwner } from './run-lock.ts';
import { foldFills } from './positions.ts';
import type { SqlConn, SqlDriver } from './sql.ts';
import { TABLES } from './tables.ts';
import type {
  AppliedMigration,
  CommandNode,
  CommandRecord,
  EquityInput,
  EquityRecord,
  FillInput,
  JsonValue,
  NewRun,
  OrderEventInput,
  OrderEventRecord,
  OrderInput,
  OrderRecord,
  PositionInput,
  PositionRecord,
  RiskEventInput,
  RiskEventRecord,
  NewCommand,
  RunCounts,
  RunOwnerRecord,
  RunRecord,
  RunStatus,
  Store,
  StoreCounts,
  StoreWriteStats,
  StrategyInput,
  StrategyStateRecord,
  WriteBatch,
} from './store.ts';
import {
  checkAll,
  checkBatch,
  checkEquity,
  checkFill,
  checkInstrument,
  checkOrder,
  checkOrderEvent,
  checkPosition,
  checkRiskEvent,
  checkRunKind,
  epochMs,
  jsonText,
  oneOf,
  text,
  type CheckedBatch,
  type CheckedStrategyState,
} from './validate.ts';

export interface SqlStoreOptions {
  /** Appends past this many buffered rows start a write in the background (default 20 000). */
  readonly maxBufferRows?: number;
  /** When set, buffered rows are also written every this many milliseconds. */
  readonly flushIntervalMs?: number;
}

/** Rows per INSERT statement (arrays are parameters, so this bounds memory, not a protocol limit). */
const CHUNK = 10_000;
/** A table is analyzed once this store has written this many rows to it, then at each doubling. */
const ANALYZE_FROM_ROWS = 500;

type Row = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function emptyBatch(): CheckedBatch {
  return { orders: [], orderEvents: [], fills: [], positions: [], equity: [], riskEvents: [], strategyStates: [] };
}

function rowCount(b: CheckedBatch): number {
  return b.orders.length + b.orderEvents.length + b.fills.length + b.positions.length + b.equity.length + b.riskEvents.length + b.strategyStates.length;
}

/** The last state of each (run, strategy) in a batch: only it needs writing. */
function latestStates(xs: readonly CheckedStrategyState[]): CheckedStrategyState[] {
  const last = new Map<string, CheckedStrategyState>();
  for (const x of xs) last.set(`${x.runId}\u0000${x.strategyId}`, x);
  return [...last.values()];
}

function pushAll<T>(to: T[], from: readonly T[]): void {
  for (let i = 0; i < from.length; i++) to.push(from[i]!);
}

function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

/** Opens a store over a driver: runs the migrations first, then reads one row of every table. */
export async function createSqlStore(db: SqlDriver, opts: SqlStoreOptions = {}): Promise<Store> {
  try {
    await migrate(db);
    // A damaged table shows now, as a ConfigError from the driver, rather than in the middle of a restore.
    await db.query(`SELECT ${TABLES.map((t) => `(SELECT 1 FROM ${t.name} LIMIT 1)`).join(', ')}`);
  } catch (e) {
    await db.close();
    throw e;
  }
  return new SqlStore(db, opts);
}

class SqlStore implements Store {
  readonly kind: Store['kind'];
  readonly location: string;
  readonly access: AccessStore;
  readonly audit: AuditTrailStore;
  readonly #db: SqlDriver;
  readonly #auditor: AuditAppender;
  readonly #maxBufferRows: number;
  #buf: CheckedBatch = emptyBatch();
  #rows = 0;
  #stateSource: (() => readonly StrategyStateRecord[]) | null = null;
  /** Runs known to exist (strategy states are checked against them before they join a batch). */
  readonly #knownRuns = new Set<string>();
  /** Resolves after the last queued write settles; never rejects (writes run one after another). */
  #tail: Promise<void> = Promise.resolve();
  readonly #inflight = new Set<Promise<void>>();
  /** A failed write nobody awaited yet (background flushes); the next flush() reports it. */
  #unreported: { error: unknown } | null = null;
  readonly #writeStats = { batches: 0, rows: 0, failures: 0 };
  #timer: ReturnType<typeof setInterval> | undefined;
  #closing: Promise<void> | null = null;
  /** Releases of the runs this store owns (lockRun), run at close. */
  readonly #owned = new Map<string, () => Promise<void>>();
  /** When this store took each run it owns. */
  readonly #ownedSince = new Map<string, number>();
  /** Rows written per table at the last ANALYZE, and since. */
  readonly #growth = new Map<string, { analyzedAt: number; since: number }>();

  constructor(db: SqlDriver, opts: SqlStoreOptions) {
    this.#db = db;
    this.kind = db.kind;
    this.location = db.location;
    this.access = accessSql(db, () => this.#assertOpen());
    this.#auditor = new AuditAppender(db.kind === 'pglite');
    this.audit = auditStore(db, this.#auditor, () => this.#assertOpen());
    this.#maxBufferRows = Math.max(1, opts.maxBufferRows ?? 20_000);
    if (opts.flushIntervalMs !== undefined && opts.flushIntervalMs > 0) {
      this.#timer = setInterval(() => {
        if (this.#rows > 0) void this.#startWrite(this.#take());
      }, opts.flushIntervalMs);
      this.#timer.unref();
    }
  }

  async lockRun(id: string): Promise<void> {
    this.#assertOpen();
    if (this.#owned.has(id)) return;
    this.#owned.set(id, await this.#db.claimRun(id));
    this.#ownedSince.set(id, Date.now());
  }

  async runOwner(id: string): Promise<RunOwnerRecord | null> {
    this.#assertOpen();
    text(id, 'runId');
    const since = this.#ownedSince.get(id);
    if (since !== undefined) return { pid: process.pid, host: hostname(), sinceMs: since };
    // PGlite: a store this process could open has no other process in it.
    return this.#db.kind === 'postgres' ? postgresRunOwner(this.#db, id) : null;
  }

  // ---- operator commands ----

  submitCommand(c: NewCommand): Promise<CommandRecord> {
    this.#assertOpen();
    return this.#tx(async (tx) => {
      const rec = await commands.submitCommand(tx, c);
      await this.#auditor.append(tx, [commandEntry(rec, 'command.requested', rec.requestedMs)]);
      return rec;
    });
  }
  takeCommands(runId: string, node: CommandNode, nowMs?: number): Promise<CommandRecord[]> {
    this.#assertOpen();
    return commands.takeCommands(this.#db, runId, node, nowMs);
  }
  finishCommand(id: string, status: 'done' | 'failed', result: JsonValue, finishedMs?: number): Promise<CommandRecord> {
    this.#assertOpen();
    return this.#tx(async (tx) => {
      const rec = await commands.finishCommand(tx, id, status, result, finishedMs);
      await this.#auditor.append(tx, [commandEntry(rec, `command.${status}`, rec.finishedMs ?? Date.now())]);
      return rec;
    });
  }
  expireCommands(runId: string, reason: string, ids?: readonly string[]): Promise<CommandRecord[]> {
    this.#assertOpen();
    return this.#tx(async (tx) => {
      const recs = await commands.expireCommands(tx, runId, reason, ids);
      if (recs.length > 0) await this.#auditor.append(tx, recs.map((r) => commandEntry(r, 'command.expired', r.finishedMs ?? Date.now())));
      return recs;
    });
  }
  getCommand(id: string): Promise<CommandRecord | null> {
    return commands.getCommand(this.#db, id);
  }
  listCommands(runId: string): Promise<CommandRecord[]> {
    return commands.listCommands(this.#db, runId);
  }

  // ---- runs and reference data ----

  async startRun(run: NewRun): Promise<RunRecord> {
    this.#assertOpen();
    const id = run.id === undefined ? randomUUID() : text(run.id, 'run.id');
    const kind = checkRunKind(run.kind, 'run.kind');
    const config = jsonText(run.config === undefined ? {} : run.config, 'run.config');
    const startedMs = run.startedMs === undefined ? Date.now() : epochMs(run.startedMs, 'run.startedMs');
    await this.#tx(async (tx) => {
      const r = await tx.query(
        `INSERT INTO runs (id, kind, config, status, started_ms) VALUES ($1, $2, $3::jsonb, 'running', $4)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [id, kind, config, startedMs],
      );
      if (r.rows.length === 0) throw new InputError(`run "${id}" already exists`, { field: 'run.id' });
      await this.#auditor.append(tx, [runEntry(id, 'run.start', startedMs, { kind, config: JSON.parse(config) as JsonValue })]);
    });
    return { id, kind, config: JSON.parse(config) as JsonValue, status: 'running', startedMs, endedMs: null };
  }

  async endRun(id: string, status: Exclude<RunStatus, 'running'>, endedMs = Date.now()): Promise<void> {
    this.#assertOpen();
    text(id, 'runId');
    oneOf(status, ['completed', 'failed', 'stopped'] as const, 'status');
    epochMs(endedMs, 'endedMs');
    // The end of a run is recorded after its rows.
    await this.flush();
    await this.#tx(async (tx) => {
      const r = await tx.query('UPDATE runs SET status = $2, ended_ms = $3, updated_at = now() WHERE id = $1 RETURNING id', [id, status, endedMs]);
      if (r.rows.length === 0) throw new InputError(`no run "${id}"`, { field: 'runId' });
      await this.#auditor.append(tx, [runEntry(id, 'run.end', endedMs, { status })]);
    });
  }

  async resumeRun(id: string): Promise<void> {
    this.#assertOpen();
    text(id, 'runId');
    await this.#tx(async (tx) => {
      const r = await tx.query("UPDATE runs SET status = 'running', ended_ms = NULL, updated_at = now() WHERE id = $1 RETURNING id", [id]);
      if (r.rows.length === 0) throw new InputError(`no run "${id}"`, { field: 'runId' });
      await this.#auditor.append(tx, [runEntry(id, 'run.resume', Date.now(), {})]);
    });
  }

  async getRun(id: string): Promise<RunRecord | null> {
    const r = await this.#db.query('SELECT * FROM runs WHERE id = $1', [id]);
    return r.rows[0] === undefined ? null : toRun(r.rows[0]);
  }

  async listRuns(): Promise<RunRecord[]> {
    const r = await this.#db.query('SELECT * FROM runs ORDER BY started_ms DESC, id');
    return r.rows.map(toRun);
  }

  async putInstruments(instruments: readonly Instrument[]): Promise<void> {
    this.#assertOpen();
    const xs = checkAll(instruments, 'instruments', checkInstrument);
    if (xs.length === 0) return;
    await this.#tx(async (tx) => {
      for (const i of xs) {
        await tx.query(
          `INSERT INTO instruments (symbol, asset_class, currency, tick_size, lot_size, min_qty, multiplier, sector, calendar)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
           ON CONFLICT (symbol) DO UPDATE SET asset_class = EXCLUDED.asset_class, currency = EXCLUDED.currency,
             tick_size = EXCLUDED.tick_size, lot_size = EXCLUDED.lot_size, min_qty = EXCLUDED.min_qty,
             multiplier = EXCLUDED.multiplier, sector = EXCLUDED.sector, calendar = EXCLUDED.calendar, updated_at = now()`,
          [i.symbol, i.assetClass, i.currency, i.tickSize, i.lotSize, i.minQty, i.multiplier, i.sector, JSON.stringify(i.calendar)],
        );
      }
    });
  }

  async loadInstruments(): Promise<Instrument[]> {
    const r = await this.#db.query('SELECT * FROM instruments ORDER BY symbol');
    return r.rows.map((x) => ({
      symbol: String(x.symbol),
      assetClass: x.asset_class as Instrument['assetClass'],
      currency: String(x.currency),
      tickSize: num(x.tick_size),
      lotSize: num(x.lot_size),
      minQty: num(x.min_qty),
      multiplier: num(x.multiplier),
      sector: String(x.sector),
      calendar: x.calendar as Instrument['calendar'],
    }));
  }

  async putStrategy(s: StrategyInput): Promise<void> {
    this.#assertOpen();
    const id = text(s.id, 'strategy.id');
    const name = text(s.name, 'strategy.name');
    const config = jsonText(s.config === undefined ? {} : s.config, 'strategy.config');
    await this.#db.query(
      `INSERT INTO strategies (id, name, config) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, config = EXCLUDED.config, updated_at = now()`,
      [id, name, config],
    );
  }

  async getSetting<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined> {
    const r = await this.#db.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [text(key, 'key')]);
    return r.rows[0]?.value;
  }

  async putSetting(key: string, value: JsonValue): Promise<void> {
    this.#assertOpen();
    const k = text(key, 'key');
    const v = jsonText(value, `settings.${k}`);
    await this.#db.query(
      `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [k, v],
    );
  }

  /**
   * Saves strategies' own state in one transaction with every row appended before (a checkpoint: the
   * states never run ahead of, nor lag behind, the fills they saw). Resolves once committed.
   */
  saveStrategyStates(rows: readonly StrategyStateRecord[]): Promise<void> {
    return this.#saveStates(rows, (i) => `strategyStates[${i}]`);
  }

  saveStrategyState(row: StrategyStateRecord): Promise<void> {
    return this.#saveStates([row], () => 'strategyState');
  }

  async #saveStates(rows: readonly StrategyStateRecord[], name: (i: number) => string): Promise<void> {
    this.#assertOpen();
    const checked = rows.map((row, i) => ({
      runId: text(row.runId, `${name(i)}.runId`),
      strategyId: text(row.strategyId, `${name(i)}.strategyId`),
      stateJson: jsonText(row.state, `${name(i)}.state`),
      tsMs: epochMs(row.tsMs, `${name(i)}.tsMs`),
    }));
    // An unknown run is refused here, before the states join a batch whose other rows must not fail with them.
    for (let i = 0; i < checked.length; i++) {
      const runId = checked[i]!.runId;
      if (this.#knownRuns.has(runId)) continue;
      const r = await this.#db.query('SELECT 1 FROM runs WHERE id = $1', [runId]);
      if (r.rows.length === 0) throw new InputError(`strategy state: no run "${runId}"`, { field: `${name(i)}.runId` });
      this.#knownRuns.add(runId);
    }
    pushAll(this.#buf.strategyStates, checked);
    this.#rows += checked.length;
    if (this.#rows === 0) return;
    const p = this.#startWrite(this.#take());
    try {
      await p;
    } catch (e) {
      if (this.#unreported?.error === e) this.#unreported = null;
      throw e;
    }
  }

  async loadStrategyState(runId: string, strategyId: string): Promise<StrategyStateRecord | null> {
    const r = await this.#db.query('SELECT * FROM strategy_state WHERE run_id = $1 AND strategy_id = $2', [runId, strategyId]);
    const x = r.rows[0];
    return x === undefined ? null : { runId: String(x.run_id), strategyId: String(x.strategy_id), state: x.state as JsonValue, tsMs: num(x.ts_ms) };
  }

  // ---- buffered appends ----

  get bufferedRows(): number {
    return this.#rows;
  }

  get writeStats(): StoreWriteStats {
    return { ...this.#writeStats };
  }

  appendOrders(rows: readonly OrderInput[]): void {
    this.#append(this.#buf.orders, checkAll(rows, 'orders', checkOrder));
  }
  appendOrderEvents(rows: readonly OrderEventInput[]): void {
    this.#append(this.#buf.orderEvents, checkAll(rows, 'orderEvents', checkOrderEvent));
  }
  appendFills(rows: readonly FillInput[]): void {
    this.#append(this.#buf.fills, checkAll(rows, 'fills', checkFill));
  }
  appendPositions(rows: readonly PositionInput[]): void {
    this.#append(this.#buf.positions, checkAll(rows, 'positions', checkPosition));
  }
  appendEquity(rows: readonly EquityInput[]): void {
    this.#append(this.#buf.equity, checkAll(rows, 'equity', checkEquity));
  }
  appendRiskEvents(rows: readonly RiskEventInput[]): void {
    this.#append(this.#buf.riskEvents, checkAll(rows, 'riskEvents', checkRiskEvent));
  }

  #append<T>(to: T[], rows: readonly T[]): void {
    this.#assertOpen();
    pushAll(to, rows);
    this.#rows += rows.length;
    if (this.#rows >= this.#maxBufferRows) void this.#startWrite(this.#take());
  }

  setStateSource(source: (() => readonly StrategyStateRecord[]) | null): void {
    this.#stateSource = source;
  }

  /** Adds the source's states as of this moment to `b` (a state that cannot be stored was reported by whoever made it: left out). */
  #addStates(b: CheckedBatch): void {
    if (this.#stateSource === null) return;
    for (const row of this.#stateSource()) {
      try {
        b.strategyStates.push({ runId: text(row.runId, 'strategyState.runId'), strategyId: text(row.strategyId, 'strategyState.strategyId'), stateJson: jsonText(row.state, 'strategyState.state'), tsMs: epochMs(row.tsMs, 'strategyState.tsMs') });
      } catch {
        // left out (see above)
      }
    }
  }

  #take(): CheckedBatch {
    // The states as of this moment join the rows buffered up to it (a checkpoint).
    this.#addStates(this.#buf);
    const b = this.#buf;
    this.#buf = emptyBatch();
    this.#rows = 0;
    return b;
  }

  /** Queues a batch behind the writes already queued; returns its own outcome. */
  #startWrite(batch: CheckedBatch): Promise<void> {
    const p = this.#tail.then(() => this.#writeBatch(batch));
    this.#tail = p.then(
      () => undefined,
      () => undefined,
    );
    this.#inflight.add(p);
    p.then(
      () => this.#inflight.delete(p),
      (error: unknown) => {
        this.#inflight.delete(p);
        this.#unreported ??= { error };
      },
    ).catch(() => undefined);
    return p;
  }

  async flush(): Promise<void> {
    const pending = [...this.#inflight];
    if (this.#rows > 0) pending.push(this.#startWrite(this.#take()));
    const results = await Promise.allSettled(pending);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const unreported = this.#unreported;
    this.#unreported = null;
    if (failed !== undefined) throw failed.reason;
    if (unreported !== null) throw unreported.error;
  }

  async write(batch: WriteBatch): Promise<void> {
    this.#assertOpen();
    const checked = checkBatch(batch);
    if (this.#rows > 0) void this.#startWrite(this.#take());
    if (rowCount(checked) === 0) return;
    this.#addStates(checked);
    const p = this.#startWrite(checked);
    // This caller hears about its own failure; keep it from being reported twice.
    try {
      await p;
    } catch (e) {
      if (this.#unreported?.error === e) this.#unreported = null;
      throw e;
    }
  }

  async #writeBatch(b: CheckedBatch): Promise<void> {
    if (rowCount(b) === 0) return;
    try {
      await this.#tx(async (tx) => {
        // What each insert newly stored (a replayed row was audited when it was first written).
        const fresh = { orders: [] as OrderInput[], orderEvents: [] as OrderEventInput[], fills: [] as FillInput[], riskEvents: [] as RiskEventInput[] };
        for (const c of chunks(b.orders)) pushAll(fresh.orders, await insertOrders(tx, c));
        for (const c of chunks(b.orderEvents)) pushAll(fresh.orderEvents, await insertOrderEvents(tx, c));
        for (const c of chunks(b.fills)) pushAll(fresh.fills, await insertFills(tx, c));
        for (const c of chunks(dedupePositions(b.positions))) await upsertPositions(tx, c);
        for (const c of chunks(b.equity)) await insertEquity(tx, c);
        for (const c of chunks(b.riskEvents)) pushAll(fresh.riskEvents, await insertRiskEvents(tx, c));
        const entries = await auditEntriesOf(tx, fresh);
        if (entries.length > 0) await this.#auditor.append(tx, entries);
        for (const st of latestStates(b.strategyStates)) {
          await tx.query(
            `INSERT INTO strategy_state (run_id, strategy_id, state, ts_ms) VALUES ($1, $2, $3::jsonb, $4)
             ON CONFLICT (run_id, strategy_id) DO UPDATE SET state = EXCLUDED.state, ts_ms = EXCLUDED.ts_ms, updated_at = now()`,
            [st.runId, st.strategyId, st.stateJson, st.tsMs],
          );
        }
      });
    } catch (e) {
      this.#writeStats.failures++;
      throw translateDbError(e);
    }
    this.#writeStats.batches++;
    this.#writeStats.rows += rowCount(b);
    await this.#analyzeGrown(b);
  }

  /**
   * Refreshes planner statistics of a table each time it has doubled (from 500 rows written by
   * this store). PGlite runs no autovacuum, and Postgres keeps the foreign-key check plans of a
   * connection made while the tables were tiny (sequential scans): without fresh statistics each
   * inserted fill would scan the whole orders table. ANALYZE invalidates those plans.
   */
  async #analyzeGrown(b: CheckedBatch): Promise<void> {
    const written: [string, number][] = [
      ['orders', b.orders.length], ['order_events', b.orderEvents.length], ['fills', b.fills.length],
      ['positions', b.positions.length], ['equity_snapshots', b.equity.length], ['risk_events', b.riskEvents.length],
    ];
    for (const [table, n] of written) {
      if (n === 0) continue;
      const g = this.#growth.get(table) ?? { analyzedAt: 0, since: 0 };
      g.since += n;
      if (g.since >= Math.max(ANALYZE_FROM_ROWS, g.analyzedAt)) {
        try {
          await this.#db.exec(`ANALYZE ${table}`);
        } catch {
          // Statistics only speed things up; the rows are committed whatever happens here.
        }
        g.analyzedAt += g.since;
        g.since = 0;
      }
      this.#growth.set(table, g);
    }
  }

  // ---- queries ----

  async loadOpenOrders(runId?: string): Promise<OrderRecord[]> {
    const r = await this.#db.query(
      `SELECT * FROM orders WHERE status NOT IN ('denied', 'rejected', 'filled', 'canceled', 'expired')
         AND ($1::text IS NULL OR run_id = $1) ORDER BY created_ms, client_order_id`,
      [runId ?? null],
    );
    return r.rows.map(toOrder);
  }

  async listOrders(runId: string, page: { readonly limit: number; readonly offset: number }): Promise<OrderRecord[]> {
    this.#assertOpen();
    text(runId, 'runId');
    const r = await this.#db.query('SELECT * FROM orders WHERE run_id = $1 ORDER BY created_ms DESC, client_order_id DESC LIMIT $2 OFFSET $3', [runId, page.limit, page.offset]);
    return r.rows.map(toOrder);
  }

  async getOrder(clientOrderId: string): Promise<OrderRecord | null> {
    const r = await this.#db.query('SELECT * FROM orders WHERE client_order_id = $1', [clientOrderId]);
    return r.rows[0] === undefined ? null : toOrder(r.rows[0]);
  }

  async loadOrderEvents(clientOrderId: string): Promise<OrderEventRecord[]> {
    const r = await this.#db.query('SELECT * FROM order_events WHERE order_id = $1 ORDER BY seq', [clientOrderId]);
    return r.rows.map((x) => ({
      orderId: String(x.order_id),
      seq: num(x.seq),
      type: x.type as OrderEventType,
      status: x.status as OrderStatus,
      reason: String(x.reason),
      filledQty: numOrNull(x.filled_qty),
      avgFillPrice: numOrNull(x.avg_fill_price),
      tsMs: num(x.ts_ms),
    }));
  }

  async venueOrderIds(runId: string): Promise<Map<string, string>> {
    const r = await this.#db.query('SELECT client_order_id, venue_order_id FROM orders WHERE run_id = $1 AND venue_order_id IS NOT NULL', [runId]);
    return new Map(r.rows.map((x) => [String(x.client_order_id), String(x.venue_order_id)]));
  }

  async loadFills(runId: string): Promise<FillInput[]> {
    const r = await this.#db.query('SELECT * FROM fills WHERE run_id = $1 ORDER BY ts_ms, arrival', [runId]);
    return r.rows.map(toFill);
  }

  async loadPositions(runId: string): Promise<PositionRecord[]> {
    const r = await this.#db.query('SELECT * FROM positions WHERE run_id = $1 ORDER BY strategy_id, symbol', [runId]);
    return r.rows.map((x) => ({
      runId: String(x.run_id),
      strategyId: String(x.strategy_id),
      symbol: String(x.symbol),
      qty: num(x.qty),
      avgPrice: num(x.avg_price),
      realizedPnl: num(x.realized_pnl),
      commission: num(x.commission),
      updatedMs: num(x.updated_ms),
    }));
  }

  async positionsFromFills(runId: string): Promise<PositionRecord[]> {
    const [fills, mult] = [await this.loadFills(runId), await this.#db.query('SELECT symbol, multiplier FROM instruments')];
    const m = new Map(mult.rows.map((x) => [String(x.symbol), num(x.multiplier)]));
    return foldFills(runId, fills, (s) => m.get(s) ?? 1);
  }

  async loadEquity(runId: string): Promise<EquityRecord[]> {
    const r = await this.#db.query('SELECT * FROM equity_snapshots WHERE run_id = $1 ORDER BY ts_ms', [runId]);
    return r.rows.map(toEquity);
  }

  async loadRiskEvents(runId: string): Promise<RiskEventRecord[]> {
    const r = await this.#db.query('SELECT * FROM risk_events WHERE run_id = $1 ORDER BY ts_ms, id', [runId]);
    return r.rows.map((x) => ({ runId: String(x.run_id), tsMs: num(x.ts_ms), kind: String(x.kind), reason: String(x.reason) }));
  }

  async counts(): Promise<StoreCounts> {
    const r = await this.#db.query(
      `SELECT r.id,
         (SELECT count(*) FROM orders o WHERE o.run_id = r.id) AS orders,
         (SELECT count(*) FROM order_events e JOIN orders o ON o.client_order_id = e.order_id WHERE o.run_id = r.id) AS order_events,
         (SELECT count(*) FROM fills f WHERE f.run_id = r.id) AS fills,
         (SELECT count(*) FROM equity_snapshots q WHERE q.run_id = r.id) AS equity,
         (SELECT count(*) FROM risk_events k WHERE k.run_id = r.id) AS risk_events
       FROM runs r ORDER BY r.started_ms, r.id`,
    );
    const byRun: RunCounts[] = r.rows.map((x) => ({
      runId: String(x.id),
      orders: num(x.orders),
      orderEvents: num(x.order_events),
      fills: num(x.fills),
      equity: num(x.equity),
      riskEvents: num(x.risk_events),
    }));
    const sum = (k: keyof Omit<RunCounts, 'runId'>): number => byRun.reduce((s, x) => s + x[k], 0);
    return {
      runs: byRun.length,
      orders: sum('orders'),
      orderEvents: sum('orderEvents'),
      fills: sum('fills'),
      equity: sum('equity'),
      riskEvents: sum('riskEvents'),
      byRun,
    };
  }

  async countOrders(runId: string): Promise<number> {
    const r = await this.#db.query('SELECT count(*) AS n FROM orders WHERE run_id = $1', [runId]);
    return num(r.rows[0]?.n);
  }

  async lastEventTime(runId?: string): Promise<number | null> {
    const r = await this.#db.query(
      `SELECT greatest(
         (SELECT max(e.ts_ms) FROM order_events e JOIN orders o ON o.client_order_id = e.order_id WHERE $1::text IS NULL OR o.run_id = $1),
         (SELECT max(ts_ms) FROM fills WHERE $1::text IS NULL OR run_id = $1),
         (SELECT max(ts_ms) FROM equity_snapshots WHERE $1::text IS NULL OR run_id = $1),
         (SELECT max(ts_ms) FROM risk_events WHERE $1::text IS NULL OR run_id = $1)) AS t`,
      [runId ?? null],
    );
    return numOrNull(r.rows[0]?.t);
  }

  async latestEquity(runId?: string): Promise<EquityRecord | null> {
    const r = await this.#db.query(
      `SELECT * FROM equity_snapshots WHERE $1::text IS NULL OR run_id = $1 ORDER BY ts_ms DESC, created_at DESC, run_id LIMIT 1`,
      [runId ?? null],
    );
    return r.rows[0] === undefined ? null : toEquity(r.rows[0]);
  }

  async firstEquitySince(runId: string, sinceMs: number): Promise<EquityRecord | null> {
    this.#assertOpen();
    const r = await this.#db.query('SELECT * FROM equity_snapshots WHERE run_id = $1 AND ts_ms >= $2 ORDER BY ts_ms, created_at LIMIT 1', [runId, sinceMs]);
    return r.rows[0] === undefined ? null : toEquity(r.rows[0]);
  }

  migrations(): Promise<AppliedMigration[]> {
    return appliedMigrations(this.#db);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#timer !== undefined) clearInterval(this.#timer);
      try {
        await this.flush();
      } finally {
        // Written rows first, then the run is let go: a next owner sees everything this one wrote.
        for (const release of this.#owned.values()) await release().catch(() => undefined);
        await this.#db.close();
      }
    })();
    return this.#closing;
  }

  /** A transaction; a failed one makes the audit appender read the chain's head again. */
  #tx<T>(fn: (tx: SqlConn) => Promise<T>): Promise<T> {
    return this.#db.transaction(fn).catch((e: unknown) => {
      this.#auditor.forget();
      throw e;
    });
  }

  #assertOpen(): void {
    if (this.#closing !== null) throw new InvariantError('the store is closed');
  }
}

// ---- writes ----

/** Inserts new orders; returns those newly stored (a replayed identical order is skipped, a different one refused). */
async function insertOrders(tx: SqlConn, rows: readonly OrderInput[]): Promise<OrderInput[]> {
  const r = await tx.query<{ client_order_id: string }>(
    `INSERT INTO orders (client_order_id, run_id, strategy_id, symbol, side, type, qty, limit_price, stop_price, tif,
       expire_ms, parent_id, oco_group, tag, reduce_only, status, created_ms, trail_kind, trail_value, trail_stop, updated_ms)
     SELECT u.*, u.created_ms FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
       $7::float8[], $8::float8[], $9::float8[], $10::text[], $11::int8[], $12::text[], $13::text[], $14::text[],
       $15::bool[], $16::text[], $17::int8[], $18::text[], $19::float8[], $20::float8[])
       AS u(client_order_id, run_id, strategy_id, symbol, side, type, qty, limit_price, stop_price, tif,
            expire_ms, parent_id, oco_group, tag, reduce_only, status, created_ms, trail_kind, trail_value, trail_stop)
     ON CONFLICT DO NOTHING RETURNING client_order_id`,
    [
      rows.map((o) => o.clientOrderId), rows.map((o) => o.runId), rows.map((o) => o.strategyId), rows.map((o) => o.symbol),
      rows.map((o) => o.side), rows.map((o) => o.type), rows.map((o) => o.qty), rows.map((o) => o.limitPrice ?? null),
      rows.map((o) => o.stopPrice ?? null), rows.map((o) => o.tif ?? 'GTC'), rows.map((o) => o.expireTimeMs ?? null),
      rows.map((o) => o.parentId ?? null), rows.map((o) => o.ocoGroup ?? null), rows.map((o) => o.tag ?? null),
      rows.map((o) => o.reduceOnly ?? false), rows.map((o) => o.status ?? 'initialized'), rows.map((o) => o.createdMs),
      rows.map((o) => o.trailKind ?? null), rows.map((o) => o.trailValue ?? null), rows.map((o) => o.trailStop ?? null),
    ],
  );
  if (r.rows.length === rows.length) return [...rows];
  // Some were already stored: fine if they are the same order (a replay), an error if not.
  const inserted = new Set(r.rows.map((x) => x.client_order_id));
  const missing = rows.map((o, i) => [o, i] as const).filter(([o]) => !inserted.has(o.clientOrderId));
  const existing = await tx.query(
    'SELECT client_order_id, run_id, strategy_id, symbol, side, type, qty FROM orders WHERE client_order_id = ANY($1::text[])',
    [missing.map(([o]) => o.clientOrderId)],
  );
  const byId = new Map(existing.rows.map((x) => [String(x.client_order_id), x]));
  for (const [o, i] of missing) {
    const x = byId.get(o.clientOrderId);
    if (x === undefined) continue; // inserted earlier in this statement by an identical duplicate
    if (x.run_id !== o.runId || x.strategy_id !== o.strategyId || x.symbol !== o.symbol || x.side !== o.side || x.type !== o.type || num(x.qty) !== o.qty) {
      throw new InputError(
        `client order id "${o.clientOrderId}" is already used by another order (run ${String(x.run_id)}, ${String(x.side)} ${num(x.qty)} ${String(x.symbol)})`,
        { field: `orders[${i}].clientOrderId` },
      );
    }
  }
  return rows.filter((o) => inserted.has(o.clientOrderId));
}

/** Inserts order events and moves their orders' state; returns the events newly stored. */
async function insertOrderEvents(tx: SqlConn, rows: readonly OrderEventInput[]): Promise<OrderEventInput[]> {
  const r = await tx.query<{ order_id: string; seq: number }>(
    `INSERT INTO order_events (order_id, seq, type, status, reason, filled_qty, avg_fill_price, ts_ms)
     SELECT * FROM unnest($1::text[], $2::int4[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::int8[])
     ON CONFLICT DO NOTHING RETURNING order_id, seq`,
    [
      rows.map((e) => e.orderId), rows.map((e) => e.seq), rows.map((e) => e.type), rows.map((e) => e.status),
      rows.map((e) => e.reason ?? ''), rows.map((e) => e.filledQty ?? null), rows.map((e) => e.avgFillPrice ?? null),
      rows.map((e) => e.tsMs),
    ],
  );
  const key = (id: string, seq: number): string => `${id}\u0000${seq}`;
  const inserted = new Set(r.rows.map((x) => key(x.order_id, num(x.seq))));
  if (r.rows.length !== rows.length) {
    const missing = rows.map((e, i) => [e, i] as const).filter(([e]) => !inserted.has(key(e.orderId, e.seq)));
    const existing = await tx.query(
      `SELECT order_id, seq, type, status FROM order_events
       WHERE (order_id, seq) IN (SELECT * FROM unnest($1::text[], $2::int4[]))`,
      [missing.map(([e]) => e.orderId), missing.map(([e]) => e.seq)],
    );
    const byKey = new Map(existing.rows.map((x) => [key(String(x.order_id), num(x.seq)), x]));
    for (const [e, i] of missing) {
      const x = byKey.get(key(e.orderId, e.seq));
      if (x !== undefined && (x.type !== e.type || x.status !== e.status)) {
        throw new InputError(`order "${e.orderId}" already has event ${e.seq} (${String(x.type)} -> ${String(x.status)})`, { field: `orderEvents[${i}].seq` });
      }
    }
  }
  // The order row takes the state of its newest stored event (idempotent: only forward in seq).
  const newest = new Map<string, number>();
  for (const e of rows) newest.set(e.orderId, Math.max(newest.get(e.orderId) ?? 0, e.seq));
  await tx.query(
    `UPDATE orders o SET status = e.status,
       filled_qty = COALESCE(e.filled_qty, o.filled_qty),
       avg_fill_price = COALESCE(e.avg_fill_price, o.avg_fill_price),
       reason = CASE WHEN e.reason <> '' THEN e.reason ELSE o.reason END,
       last_seq = e.seq, updated_ms = greatest(o.updated_ms, e.ts_ms), updated_at = now()
     FROM unnest($1::text[], $2::int4[]) AS m(order_id, seq)
     JOIN order_events e ON e.order_id = m.order_id AND e.seq = m.seq
     WHERE o.client_order_id = m.order_id AND o.last_seq < m.seq`,
    [[...newest.keys()], [...newest.values()]],
  );
  // The venue's id, as the newest event that carries one gives it (a cancel-replace moves it on).
  const venueIds = new Map<string, string>();
  for (const e of rows) if (e.venueOrderId !== undefined) venueIds.set(e.orderId, e.venueOrderId);
  if (venueIds.size > 0) {
    await tx.query(
      `UPDATE orders o SET venue_order_id = v.venue_order_id FROM unnest($1::text[], $2::text[]) AS v(order_id, venue_order_id)
       WHERE o.client_order_id = v.order_id AND o.venue_order_id IS DISTINCT FROM v.venue_order_id`,
      [[...venueIds.keys()], [...venueIds.values()]],
    );
  }
  // A trailing stop's trigger level, as the newest event that carries one gives it.
  const trail = new Map<string, { seq: number; stop: number }>();
  for (const e of rows) if (e.trailStop !== undefined && e.seq >= (trail.get(e.orderId)?.seq ?? 0)) trail.set(e.orderId, { seq: e.seq, stop: e.trailStop });
  if (trail.size > 0) {
    await tx.query(
      `UPDATE orders o SET trail_stop = v.trail_stop FROM unnest($1::text[], $2::float8[]) AS v(order_id, trail_stop)
       WHERE o.client_order_id = v.order_id AND o.trail_stop IS DISTINCT FROM v.trail_stop`,
      [[...trail.keys()], [...trail.values()].map((t) => t.stop)],
    );
  }
  return r.rows.length === rows.length ? [...rows] : rows.filter((e) => inserted.has(key(e.orderId, e.seq)));
}

/** Inserts fills; returns those newly stored (a replayed identical fill is skipped, a conflicting one refused). */
async function insertFills(tx: SqlConn, rows: readonly FillInput[]): Promise<FillInput[]> {
  const r = await tx.query<{ fill_id: string }>(
    `INSERT INTO fills (fill_id, order_id, seq, run_id, strategy_id, symbol, side, qty, price, commission, liquidity, ts_ms, commission_asset, commission_qty)
     SELECT fill_id, order_id, seq, run_id, strategy_id, symbol, side, qty, price, commission, liquidity, ts_ms, commission_asset, commission_qty
     FROM unnest($1::text[], $2::text[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[],
                 $9::float8[], $10::float8[], $11::text[], $12::int8[], $13::text[], $14::float8[])
       WITH ORDINALITY AS u(fill_id, order_id, seq, run_id, strategy_id, symbol, side, qty, price, commission, liquidity, ts_ms, commission_asset, commission_qty, n)
     ORDER BY n
     ON CONFLICT DO NOTHING RETURNING fill_id`,
    [
      rows.map((f) => f.fillId), rows.map((f) => f.orderId), rows.map((f) => f.seq), rows.map((f) => f.runId),
      rows.map((f) => f.strategyId), rows.map((f) => f.symbol), rows.map((f) => f.side), rows.map((f) => f.qty),
      rows.map((f) => f.price), rows.map((f) => f.commission), rows.map((f) => f.liquidity), rows.map((f) => f.tsMs),
      rows.map((f) => f.commissionAsset ?? null), rows.map((f) => f.commissionQty ?? null),
    ],
  );
  if (r.rows.length === rows.length) return [...rows];
  const inserted = new Set(r.rows.map((x) => x.fill_id));
  const missing = rows.map((f, i) => [f, i] as const).filter(([f]) => !inserted.has(f.fillId));
  const existing = await tx.query(
    `SELECT fill_id, order_id, seq, run_id, side, qty, price FROM fills
     WHERE fill_id = ANY($1::text[]) OR (order_id, seq) IN (SELECT * FROM unnest($2::text[], $3::int4[]))`,
    [missing.map(([f]) => f.fillId), missing.map(([f]) => f.orderId), missing.map(([f]) => f.seq)],
  );
  const byId = new Map(existing.rows.map((x) => [String(x.fill_id), x]));
  for (const [f, i] of missing) {
    const x = byId.get(f.fillId);
    const same = x !== undefined && x.order_id === f.orderId && num(x.seq) === f.seq && x.run_id === f.runId && x.side === f.side && num(x.qty) === f.qty && num(x.price) === f.price;
    if (!same) {
      const other = x ?? existing.rows.find((y) => y.order_id === f.orderId && num(y.seq) === f.seq);
      const what = other === undefined ? 'another fill' : `fill "${String(other.fill_id)}" (order ${String(other.order_id)} #${num(other.seq)}, ${String(other.side)} ${num(other.qty)} @ ${num(other.price)})`;
      throw new InputError(`fill "${f.fillId}" (order ${f.orderId} #${f.seq}) conflicts with stored ${what}`, { field: `fills[${i}].fillId` });
    }
  }
  return rows.filter((f) => inserted.has(f.fillId));
}

/** One row per key (the newest, then the last given): an upsert may touch a row once per statement. */
function dedupePositions(rows: readonly PositionInput[]): PositionInput[] {
  const m = new Map<string, PositionInput>();
  for (const p of rows) {
    const k = `${p.runId}\u0000${p.strategyId}\u0000${p.symbol}`;
    const prev = m.get(k);
    if (prev === undefined || p.updatedMs >= prev.updatedMs) m.set(k, p);
  }
  return [...m.values()];
}

async function upsertPositions(tx: SqlConn, rows: readonly PositionInput[]): Promise<void> {
  await tx.query(
    `INSERT INTO positions (run_id, strategy_id, symbol, qty, avg_price, realized_pnl, commission, updated_ms)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::int8[])
     ON CONFLICT (run_id, strategy_id, symbol) DO UPDATE SET qty = EXCLUDED.qty, avg_price = EXCLUDED.avg_price,
       realized_pnl = EXCLUDED.realized_pnl, commission = EXCLUDED.commission, updated_ms = EXCLUDED.updated_ms, updated_at = now()
     WHERE positions.updated_ms <= EXCLUDED.updated_ms`,
    [
      rows.map((p) => p.runId), rows.map((p) => p.strategyId), rows.map((p) => p.symbol), rows.map((p) => p.qty),
      rows.map((p) => p.avgPrice), rows.map((p) => p.realizedPnl), rows.map((p) => p.commission ?? 0), rows.map((p) => p.updatedMs),
    ],
  );
}

async function insertEquity(tx: SqlConn, rows: readonly EquityInput[]): Promise<void> {
  await tx.query(
    `INSERT INTO equity_snapshots (run_id, ts_ms, equity, cash)
     SELECT * FROM unnest($1::text[], $2::int8[], $3::float8[], $4::float8[]) ON CONFLICT DO NOTHING`,
    [rows.map((q) => q.runId), rows.map((q) => q.tsMs), rows.map((q) => q.equity), rows.map((q) => q.cash)],
  );
}

/** Inserts risk events; returns those newly stored, in the order given. */
async function insertRiskEvents(tx: SqlConn, rows: readonly RiskEventInput[]): Promise<RiskEventInput[]> {
  const r = await tx.query(
    `INSERT INTO risk_events (run_id, ts_ms, kind, reason)
     SELECT run_id, ts_ms, kind, reason FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[]) WITH ORDINALITY AS u(run_id, ts_ms, kind, reason, n)
     ORDER BY n ON CONFLICT DO NOTHING RETURNING run_id, ts_ms, kind, reason`,
    [rows.map((k) => k.runId), rows.map((k) => k.tsMs), rows.map((k) => k.kind), rows.map((k) => k.reason)],
  );
  return r.rows.map((x) => ({ runId: String(x.run_id), tsMs: num(x.ts_ms), kind: String(x.kind), reason: String(x.reason) }));
}

/** Foreign-key violations are bad input (an unknown run or order); everything else passes through. */
const FK_FIELDS: Readonly<Record<string, string>> = {
  orders_run_id_fkey: 'orders.runId',
  order_events_order_id_fkey: 'orderEvents.orderId',
  fills_order_id_run_id_fkey: 'fills.orderId',
  positions_run_id_fkey: 'positions.runId',
  equity_snapshots_run_id_fkey: 'equity.runId',
  risk_events_run_id_fkey: 'riskEvents.runId',
};

function translateDbError(e: unknown): unknown {
  const err = e as { code?: unknown; constraint?: unknown; detail?: unknown; message?: unknown };
  if (err?.code !== '23503') return e;
  const constraint = typeof err.constraint === 'string' ? err.constraint : '';
  const field = FK_FIELDS[constraint] ?? constraint;
  const detail = typeof err.detail === 'string' ? err.detail : String(err.message);
  const what = constraint.startsWith('fills_') ? 'no order with this client order id in this run' : constraint.startsWith('order_events_') ? 'no such order' : 'no such run';
  return new InputError(`${what} (${detail}); nothing of this batch was written`, { field });
}

// ---- row mapping ----

function toRun(x: Row): RunRecord {
  return {
    id: String(x.id),
    kind: x.kind as RunRecord['kind'],
    config: x.config as JsonValue,
    status: x.status as RunStatus,
    startedMs: num(x.started_ms),
    endedMs: numOrNull(x.ended_ms),
  };
}

function toOrder(x: Row): OrderRecord {
  return {
    clientOrderId: String(x.client_order_id),
    runId: String(x.run_id),
    strategyId: String(x.strategy_id),
    symbol: String(x.symbol),
    side: x.side as OrderSide,
    type: x.type as OrderType,
    qty: num(x.qty),
    limitPrice: numOrNull(x.limit_price),
    stopPrice: numOrNull(x.stop_price),
    tif: x.tif as TimeInForce,
    expireTimeMs: numOrNull(x.expire_ms),
    parentId: strOrNull(x.parent_id),
    ocoGroup: strOrNull(x.oco_group),
    tag: strOrNull(x.tag),
    reduceOnly: x.reduce_only === true,
    trailKind: x.trail_kind === 'amount' || x.trail_kind === 'percent' ? x.trail_kind : null,
    trailValue: numOrNull(x.trail_value),
    trailStop: numOrNull(x.trail_stop),
    status: x.status as OrderStatus,
    filledQty: num(x.filled_qty),
    avgFillPrice: num(x.avg_fill_price),
    reason: String(x.reason),
    lastSeq: num(x.last_seq),
    createdMs: num(x.created_ms),
    updatedMs: num(x.updated_ms),
  };
}

function toFill(x: Row): FillInput {
  return {
    fillId: String(x.fill_id),
    orderId: String(x.order_id),
    seq: num(x.seq),
    runId: String(x.run_id),
    strategyId: String(x.strategy_id),
    symbol: String(x.symbol),
    side: x.side as OrderSide,
    qty: num(x.qty),
    price: num(x.price),
    commission: num(x.commission),
    ...(x.commission_asset !== null && x.commission_asset !== undefined && { commissionAsset: String(x.commission_asset), commissionQty: num(x.commission_qty) }),
    liquidity: x.liquidity as FillInput['liquidity'],
    tsMs: num(x.ts_ms),
  };
}

function toEquity(x: Row): EquityRecord {
  return { runId: String(x.run_id), tsMs: num(x.ts_ms), equity: num(x.equity), cash: num(x.cash) };
}
