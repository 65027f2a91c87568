// The Store port: the system of record (runs, orders, order events, fills, positions, equity, risk
// events, settings). One SQL dialect, two implementations: PGlite (embedded, a folder on disk) and
// Postgres (`DATABASE_URL`). See docs/store.md.
import type { OrderEventType } from '../model/events.ts';
import type { AccessStore } from './access-store.ts';
import type { AuditTrailStore } from './audit/entry.ts';
import type { Instrument } from '../model/instrument.ts';
import type { OrderSide, OrderType, TimeInForce } from '../model/order.ts';
import type { OrderStatus } from '../model/order-status.ts';

/** A value that survives JSON.stringify / JSON.parse unchanged (stored as jsonb). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export type RunKind = 'backtest' | 'paper' | 'live';
export type RunStatus = 'running' | 'completed' | 'failed' | 'stopped';
export const RUN_KINDS: readonly RunKind[] = ['backtest', 'paper', 'live'];
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'completed', 'failed', 'stopped'];

export interface NewRun {
  /** Defaults to a random UUID. */
  readonly id?: string;
  readonly kind: RunKind;
  readonly config?: JsonValue;
  /** Defaults to the wall clock. */
  readonly startedMs?: number;
}

export interface RunRecord {
  readonly id: string;
  readonly kind: RunKind;
  readonly config: JsonValue;
  readonly status: RunStatus;
  readonly startedMs: number;
  readonly endedMs: number | null;
}

export interface StrategyInput {
  readonly id: string;
  /** Built-in name or module path of the strategy class. */
  readonly name: string;
  readonly config?: JsonValue;
}

/** An order intent; written before it is sent. `clientOrderId` is the idempotency key. */
export interface OrderInput {
  readonly clientOrderId: string;
  readonly runId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly qty: number;
  readonly limitPrice?: number | null;
  readonly stopPrice?: number | null;
  /** Defaults to GTC. */
  readonly tif?: TimeInForce;
  readonly expireTimeMs?: number | null;
  readonly parentId?: string | null;
  readonly ocoGroup?: string | null;
  readonly tag?: string | null;
  readonly reduceOnly?: boolean;
  /** A trailing stop's offset (both or neither). */
  readonly trailKind?: 'amount' | 'percent' | null;
  readonly trailValue?: number | null;
  /** A trailing stop's trigger level when stored (null before its first price); later ones arrive with order events. */
  readonly trailStop?: number | null;
  /** Defaults to 'initialized'. Later states arrive as order events. */
  readonly status?: OrderStatus;
  readonly createdMs: number;
}

export interface OrderRecord {
  readonly clientOrderId: string;
  readonly runId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly qty: number;
  readonly limitPrice: number | null;
  readonly stopPrice: number | null;
  readonly tif: TimeInForce;
  readonly expireTimeMs: number | null;
  readonly parentId: string | null;
  readonly ocoGroup: string | null;
  readonly tag: string | null;
  readonly reduceOnly: boolean;
  /** A trailing stop's offset; null (or absent) for other orders. */
  readonly trailKind?: 'amount' | 'percent' | null;
  readonly trailValue?: number | null;
  /** A trailing stop's trigger level as last stored (null before its first price). */
  readonly trailStop?: number | null;
  readonly status: OrderStatus;
  readonly filledQty: number;
  readonly avgFillPrice: number;
  readonly reason: string;
  /** Sequence number of the last order event applied to this row (0 = none). */
  readonly lastSeq: number;
  readonly createdMs: number;
  readonly updatedMs: number;
}

/**
 * One state change of an order. `(orderId, seq)` is the idempotency key; `seq` counts from 1 per
 * order. The order row takes the status (and fill totals, when given) of its highest seq.
 */
export interface OrderEventInput {
  /** The client order id. */
  readonly orderId: string;
  readonly seq: number;
  readonly type: OrderEventType;
  readonly status: OrderStatus;
  readonly reason?: string;
  /** Cumulative filled quantity after this event. */
  readonly filledQty?: number;
  /** Average fill price after this event. */
  readonly avgFillPrice?: number;
  /** The venue's id of the order when it is known (kept on the order row: the latest one given). */
  readonly venueOrderId?: string;
  /** A trailing stop's trigger level after this event (kept on the order row: the newest one given). */
  readonly trailStop?: number;
  readonly tsMs: number;
}

export interface OrderEventRecord {
  readonly orderId: string;
  readonly seq: number;
  readonly type: OrderEventType;
  readonly status: OrderStatus;
  readonly reason: string;
  readonly filledQty: number | null;
  readonly avgFillPrice: number | null;
  readonly tsMs: number;
}

/** An execution. `fillId` (venue execution id, or `${orderId}#${seq}`) and `(orderId, seq)` are unique. */
export interface FillInput {
  readonly fillId: string;
  /** The client order id; must belong to `runId`. */
  readonly orderId: string;
  /** 1, 2, ... per order. */
  readonly seq: number;
  readonly runId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  /** Positive; the side gives the sign. */
  readonly qty: number;
  readonly price: number;
  readonly commission: number;
  /**
   * The fee as the venue charged it when not in the account currency: `commissionQty` units of
   * `commissionAsset` (both or neither; `commission` is its value in the account currency).
   */
  readonly commissionAsset?: string | null;
  readonly commissionQty?: number | null;
  readonly liquidity: 'maker' | 'taker';
  readonly tsMs: number;
}


/** A position snapshot per (run, strategy, symbol); the newest `updatedMs` wins. */
export interface PositionInput {
  readonly runId: string;
  readonly strategyId: string;
  readonly symbol: string;
  /** Signed: > 0 long, < 0 short. */
  readonly qty: number;
  readonly avgPrice: number;
  readonly realizedPnl: number;
  readonly commission?: number;
  readonly updatedMs: number;
}

export interface PositionRecord {
  readonly runId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly qty: number;
  readonly avgPrice: number;
  readonly realizedPnl: number;
  readonly commission: number;
  readonly updatedMs: number;
}

/** One snapshot per (run, ts); replays of the same timestamp are ignored (first write wins). */
export interface EquityInput {
  readonly runId: string;
  readonly tsMs: number;
  readonly equity: number;
  readonly cash: number;
}
export type EquityRecord = EquityInput;

export interface RiskEventInput {
  readonly runId: string;
  readonly tsMs: number;
  readonly kind: string;
  readonly reason: string;
}
export type RiskEventRecord = RiskEventInput;

/** Rows written together in one transaction (in this order: orders, events, fills, positions, equity, risk). */
export interface WriteBatch {
  readonly orders?: readonly OrderInput[];
  readonly orderEvents?: readonly OrderEventInput[];
  readonly fills?: readonly FillInput[];
  readonly positions?: readonly PositionInput[];
  readonly equity?: readonly EquityInput[];
  readonly riskEvents?: readonly RiskEventInput[];
}

export interface RunCounts {
  readonly runId: string;
  readonly orders: number;
  readonly orderEvents: number;
  readonly fills: number;
  readonly equity: number;
  readonly riskEvents: number;
}

export interface StoreCounts {
  readonly runs: number;
  readonly orders: number;
  readonly orderEvents: number;
  readonly fills: number;
  readonly equity: number;
  readonly riskEvents: number;
  readonly byRun: readonly RunCounts[];
}

/** A strategy's own state (what `Strategy.onSave` returned) at one moment of a run. */
export interface StrategyStateRecord {
  readonly runId: string;
  readonly strategyId: string;
  readonly state: JsonValue;
  /** Engine time of the save, epoch ms. */
  readonly tsMs: number;
}

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
}

/** What an operator can ask a running node to do (docs/operations.md, "Kill switch"). */
export type CommandKind = 'halt' | 'resume' | 'cancel-all' | 'flatten' | 'kill' | 'stop';
export const COMMAND_KINDS: readonly CommandKind[] = ['halt', 'resume', 'cancel-all', 'flatten', 'kill', 'stop'];
/** Counts of a store's batch writes since it was opened. */
export interface StoreWriteStats {
  /** Transactions committed. */
  readonly batches: number;
  /** Rows those transactions held. */
  readonly rows: number;
  /** Transactions that failed (rolled back): the rows were not stored, and the writer was told. */
  readonly failures: number;
}

/** pending -> acknowledged (a node took it) -> done | failed; pending -> expired (no node took it in time). */
export type CommandStatus = 'pending' | 'acknowledged' | 'done' | 'failed' | 'expired';
export const COMMAND_STATUSES: readonly CommandStatus[] = ['pending', 'acknowledged', 'done', 'failed', 'expired'];

/** A command requested for the node that owns `runId`. */
export interface NewCommand {
  /** Defaults to a random UUID. */
  readonly id?: string;
  readonly runId: string;
  readonly kind: CommandKind;
  readonly args?: JsonValue;
  /** Who asked (`cli:<user>@<host> pid <n>`, `api`, ...). */
  readonly requester: string;
  /** Defaults to the wall clock. */
  readonly requestedMs?: number;
  /** A node takes the command only before this time; after it, the command expires unexecuted. */
  readonly expiresMs: number;
}

/** The node that took a command. */
export interface CommandNode {
  readonly pid: number;
  readonly host: string;
}

export interface CommandRecord {
  readonly id: string;
  readonly runId: string;
  readonly kind: CommandKind;
  readonly args: JsonValue;
  readonly requester: string;
  readonly requestedMs: number;
  readonly expiresMs: number;
  readonly status: CommandStatus;
  /** The node's answer (done/failed) or why it expired; null while pending or acknowledged. */
  readonly result: JsonValue;
  readonly node: CommandNode | null;
  readonly acknowledgedMs: number | null;
  readonly finishedMs: number | null;
}

/** The process that owns a run (lockRun) while it trades. */
export interface RunOwnerRecord {
  readonly pid: number;
  readonly host: string;
  readonly sinceMs: number;
}

export type StoreKind = 'pglite' | 'postgres';

/**
 * The persistence port. Appends are synchronous and validated on the spot (a bad row throws
 * InputError naming the field, and nothing of that call is buffered); rows are written in
 * multi-row INSERTs, one transaction per batch, when `flush()` is called or the buffer fills.
 * Inserts are idempotent on their natural keys, so a replay after a crash never duplicates.
 * Queries read committed rows only: flush first to see your own appends.
 */
export interface Store {
  readonly kind: StoreKind;
  /** Where the data lives: a directory, `memory://`, or the Postgres URL without its password. */
  readonly location: string;
  /** Users, sessions, API tokens, broker credentials and bot definitions (access-store.ts). */
  readonly access: AccessStore;
  /**
   * The tamper-evident audit trail (audit/, docs/compliance.md). Orders, order events, fills and risk events
   * are audited by the batch writes themselves, in the same transaction; runs and commands by their calls.
   */
  readonly audit: AuditTrailStore;

  /**
   * Makes this process the one live owner of run `id` until close(): on Postgres a session advisory lock
   * (a second process gets a ConfigError naming the owner's pid and host); on PGlite the folder lock
   * already gives one process the whole store, so this only checks nothing else in this process owns it.
   */
  lockRun(id: string): Promise<void>;

  // ---- runs and reference data (written at once) ----
  startRun(run: NewRun): Promise<RunRecord>;
  endRun(id: string, status: Exclude<RunStatus, 'running'>, endedMs?: number): Promise<void>;
  /** Marks an ended run as running again (a paper run resumed by a new process); clears its end time. */
  resumeRun(id: string): Promise<void>;
  getRun(id: string): Promise<RunRecord | null>;
  listRuns(): Promise<RunRecord[]>;
  putInstruments(instruments: readonly Instrument[]): Promise<void>;
  loadInstruments(): Promise<Instrument[]>;
  putStrategy(strategy: StrategyInput): Promise<void>;
  getSetting<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined>;
  putSetting(key: string, value: JsonValue): Promise<void>;
  /**
   * Replaces one strategy's saved state in a run. The write is queued behind every row appended
   * before the call, so a stored state never runs ahead of the fills it saw. Resolves once committed.
   */
  saveStrategyState(row: StrategyStateRecord): Promise<void>;
  /** Saves several states in one transaction together with every row appended before them (a checkpoint). */
  saveStrategyStates(rows: readonly StrategyStateRecord[]): Promise<void>;
  /** The strategy's latest saved state in the run, or null when it never saved one. */
  loadStrategyState(runId: string, strategyId: string): Promise<StrategyStateRecord | null>;

  // ---- buffered appends ----
  appendOrders(rows: readonly OrderInput[]): void;
  appendOrderEvents(rows: readonly OrderEventInput[]): void;
  appendFills(rows: readonly FillInput[]): void;
  appendPositions(rows: readonly PositionInput[]): void;
  appendEquity(rows: readonly EquityInput[]): void;
  appendRiskEvents(rows: readonly RiskEventInput[]): void;
  /** Rows appended but not yet handed to a write. */
  readonly bufferedRows: number;
  /** Batch writes (appends, `write`) of this store object so far: committed and failed transactions (metrics). */
  readonly writeStats: StoreWriteStats;
  /**
   * Where the strategies' current states come from: every batch this store commits from now on (whoever
   * triggers it: a flush, the durable client persisting an intent) carries the states that changed, in
   * the same transaction as its rows, so fills and strategy state always come back from the same moment.
   * null stops it.
   */
  setStateSource(source: (() => readonly StrategyStateRecord[]) | null): void;
  /**
   * Resolves once every row appended before the call is committed (see docs/store.md for what
   * committed means on each implementation); rejects if any of them could not be written.
   */
  flush(): Promise<void>;
  /** Validates the whole batch, then writes it in one transaction after the rows already queued. */
  write(batch: WriteBatch): Promise<void>;

  // ---- queries (status and restart recovery) ----
  /** Orders not in a terminal state (including 'initialized': persisted intents that may not have been sent). */
  loadOpenOrders(runId?: string): Promise<OrderRecord[]>;
  /** A run's orders, newest first (by creation time), one page. */
  listOrders(runId: string, page: { readonly limit: number; readonly offset: number }): Promise<OrderRecord[]>;
  getOrder(clientOrderId: string): Promise<OrderRecord | null>;
  loadOrderEvents(clientOrderId: string): Promise<OrderEventRecord[]>;
  /** The venue's id of each order of the run that has one (client order id -> venue order id). */
  venueOrderIds(runId: string): Promise<Map<string, string>>;
  loadFills(runId: string): Promise<FillInput[]>;
  loadPositions(runId: string): Promise<PositionRecord[]>;
  /** Positions recomputed from the run's fills (in time, then arrival order); flat ones included. */
  positionsFromFills(runId: string): Promise<PositionRecord[]>;
  loadEquity(runId: string): Promise<EquityRecord[]>;
  loadRiskEvents(runId: string): Promise<RiskEventRecord[]>;
  counts(): Promise<StoreCounts>;
  /** Orders stored for one run (an index lookup; counts() scans every run's tables). */
  countOrders(runId: string): Promise<number>;
  /** Latest event timestamp (order events, fills, equity, risk events), or null when there is none. */
  lastEventTime(runId?: string): Promise<number | null>;
  latestEquity(runId?: string): Promise<EquityRecord | null>;
  /** A run's first equity point at or after `sinceMs` (today's opening equity, say), or null. */
  firstEquitySince(runId: string, sinceMs: number): Promise<EquityRecord | null>;
  migrations(): Promise<AppliedMigration[]>;

  // ---- operator commands (a running node takes its run's commands; rows stay as the audit trail) ----
  /** Records a pending command. */
  submitCommand(command: NewCommand): Promise<CommandRecord>;
  /**
   * For the node that owns `runId`: expires its pending commands past their `expiresMs`, then acknowledges
   * (with `node`) and returns the others, oldest first. Each pending command is taken once.
   */
  takeCommands(runId: string, node: CommandNode, nowMs?: number): Promise<CommandRecord[]>;
  /** Records a taken command's outcome. Only an acknowledged command can finish. */
  finishCommand(id: string, status: 'done' | 'failed', result: JsonValue, finishedMs?: number): Promise<CommandRecord>;
  /**
   * Expires pending commands of `runId` (only those of `ids` when given), with `reason` as their result: a
   * starting node clears what was meant for its predecessor; a requester gives up on its own. Returns them.
   */
  expireCommands(runId: string, reason: string, ids?: readonly string[]): Promise<CommandRecord[]>;
  getCommand(id: string): Promise<CommandRecord | null>;
  /** A run's commands, oldest first. */
  listCommands(runId: string): Promise<CommandRecord[]>;
  /**
   * The live owner of a run, or null when no process owns it. Postgres: asks the server whether the run's
   * advisory lock is held (a dead owner's lock is gone with its session); PGlite: only this process can have
   * the store open, so the owner is this process (lockRun) or nobody.
   */
  runOwner(runId: string): Promise<RunOwnerRecord | null>;

  /** Flushes, then releases the database. Idempotent. */
  close(): Promise<void>;
}
