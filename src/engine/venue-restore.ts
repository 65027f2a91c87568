// Start-up reconciliation of a live node with its venue (docs/live.md, "Reconciliation"). The store says
// what this run believed when it stopped; the venue says what happened since. Before the node trades:
// 1. the venue's mass status is read (open orders, fills since the last checkpoint, positions, balances),
//    and each order the store holds as open but the venue does not list is queried by client order id;
// 2. the pure `reconcile` (execution/reconcile.ts) turns the difference into actions and mismatches;
// 3. every line of its report is stored as a 'reconcile' risk event (the operator's record);
// 4. any mismatch stops the start (ReconciliationError: fail closed, nothing sent);
// 5. otherwise the actions are applied through the node's effects: fills made while down are booked,
//    orders the venue finished are finished, orders that never left are sent, and orders still working
//    are adopted by the client (followed, not sent again).
// Positions the account held before this run first started are its baseline (stored at the first start)
// and are not this run's to explain.
import { ReconciliationError } from '../core/errors.ts';
import type { ExecutionClient } from '../execution/execution-client.ts';
import { queryOrderChecked, requestMassStatus } from '../execution/mass-status.ts';
import { reconcile, type LocalOrder, type ReconciledFill, type ReconcileResult } from '../execution/reconcile.ts';
import type { OrderStatusReport, PositionReport } from '../execution/reports.ts';
import type { FillInput, OrderRecord, Store } from '../store/store.ts';

/** How far before the last stored fill the venue's fills are read (clock skew between us and the venue). */
const FILL_LOOKBACK_MS = 60_000;

/** What applying the actions does to the node (LiveNode implements these over its kernel and store). */
export interface VenueRestoreEffects {
  /** A fill the venue made while the node was down: stored, and booked into the portfolio. */
  bookFill(fill: ReconciledFill): void;
  /** A stored open order the venue has finished: its final status is stored. */
  finishOrder(rec: OrderRecord, status: 'filled' | 'canceled' | 'expired' | 'rejected', reason: string): void;
  /** A stored order that never reached the venue: sent now (same client order id). */
  resend(rec: OrderRecord): void;
  /** A stored order the venue is still working: followed from now on, with what it has filled. */
  adopt(rec: OrderRecord, venue: OrderStatusReport): void;
  /** A working order at the venue that this run did not place: recorded for the operator, not managed. */
  external(venue: OrderStatusReport): void;
}

export interface VenueRestoreInput {
  readonly client: ExecutionClient;
  readonly store: Store;
  readonly runId: string;
  readonly openOrders: readonly OrderRecord[];
  readonly fills: readonly FillInput[];
  /** The run's start (ms): the fills the venue is asked for start no earlier than this. */
  readonly runStartedMs: number;
  readonly nowMs: number;
}

export interface VenueRestoreResult extends ReconcileResult {
  readonly venue: string;
  readonly baseline: ReadonlyMap<string, number>;
}

const baselineKey = (runId: string): string => `venue-baseline:${runId}`;

/** At a run's first start: the positions the account already holds, kept as the run's baseline. */
export async function recordBaseline(store: Store, runId: string, positions: readonly PositionReport[]): Promise<Map<string, number>> {
  const baseline = Object.fromEntries(positions.filter((p) => p.qty !== 0).map((p) => [p.symbol, p.qty]));
  await store.putSetting(baselineKey(runId), baseline);
  return new Map(Object.entries(baseline));
}

export async function loadBaseline(store: Store, runId: string): Promise<Map<string, number>> {
  const b = await store.getSetting<Record<string, number>>(baselineKey(runId));
  return new Map(Object.entries(b ?? {}));
}

/** Reads the venue, reconciles, records the report, fails closed on a mismatch, else applies the actions. */
export async function restoreFromVenue(input: VenueRestoreInput, effects: VenueRestoreEffects): Promise<VenueRestoreResult> {
  const { client, store, runId } = input;
  const lastFill = input.fills.reduce((m, f) => Math.max(m, f.tsMs), Number.NEGATIVE_INFINITY);
  const sinceMs = Math.max(0, Math.min(input.runStartedMs, Number.isFinite(lastFill) ? lastFill - FILL_LOOKBACK_MS : input.runStartedMs));
  const status = await requestMassStatus(client, sinceMs);
  const listed = new Set(status.openOrders.map((o) => o.clientOrderId));
  const queried = new Map<string, OrderStatusReport | null>();
  for (const o of input.openOrders) if (!listed.has(o.clientOrderId)) queried.set(o.clientOrderId, await queryOrderChecked(client, o.clientOrderId));
  // Which venue client ids are this run's (finished ones included): one lookup per id the venue mentions.
  const known = new Set(input.openOrders.map((o) => o.clientOrderId));
  for (const f of input.fills) known.add(f.orderId);
  for (const id of new Set([...status.fills.map((f) => f.clientOrderId), ...status.openOrders.map((o) => o.clientOrderId)])) {
    if (!known.has(id) && (await store.getOrder(id))?.runId === runId) known.add(id);
  }
  const baseline = await loadBaseline(store, runId);
  const positions = new Map(baseline);
  for (const f of input.fills) positions.set(f.symbol, (positions.get(f.symbol) ?? 0) + (f.side === 'buy' ? f.qty : -f.qty));
  const local = {
    openOrders: input.openOrders.map((o): LocalOrder => ({ clientOrderId: o.clientOrderId, strategyId: o.strategyId, symbol: o.symbol, side: o.side, qty: o.qty, status: o.status, filledQty: o.filledQty, avgFillPrice: o.avgFillPrice })),
    isKnownOrder: (id: string) => known.has(id),
    positions,
  };
  const result = reconcile(local, status, queried, input.nowMs);
  const lines = result.report.length > 0 ? result.report : [`${status.venue} agrees with the store: ${input.openOrders.length} open orders, ${status.fills.length} fills since ${new Date(sinceMs).toISOString()}, ${status.positions.length} positions`];
  store.appendRiskEvents(lines.map((reason) => ({ runId, tsMs: input.nowMs, kind: 'reconcile', reason })));
  if (!result.ok) {
    await store.flush();
    throw new ReconciliationError(status.venue, result.report);
  }
  const records = new Map(input.openOrders.map((o) => [o.clientOrderId, o]));
  const finished = new Set<string>();
  for (const a of result.actions) {
    if (a.kind === 'book-fill') effects.bookFill(a.fill);
    else if (a.kind === 'finish-order') {
      finished.add(a.clientOrderId);
      effects.finishOrder(records.get(a.clientOrderId)!, a.status, a.reason);
    } else if (a.kind === 'resend') {
      finished.add(a.clientOrderId);
      effects.resend(records.get(a.clientOrderId)!);
    } else effects.external(a.report);
  }
  const open = new Map(status.openOrders.map((o) => [o.clientOrderId, o]));
  for (const rec of input.openOrders) {
    const venueView = open.get(rec.clientOrderId);
    if (!finished.has(rec.clientOrderId) && venueView !== undefined) effects.adopt(rec, venueView);
  }
  return { ...result, report: lines, venue: status.venue, baseline };
}
