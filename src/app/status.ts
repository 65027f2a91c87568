// `sextant status`: the stored state of a paper/live run: positions, open orders, order and fill
// counts, equity and the last event time. With the embedded store in use by a running paper process
// (PGlite is single-process), the process's own status snapshot is reported instead.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { openStore, resolveStoreTarget } from '../store/open.ts';
import { foldFills } from '../store/positions.ts';
import { DEFAULT_STATE_DIR, SUPERVISOR_FILE } from './state-dir.ts';

export interface StatusReport {
  source: 'store' | 'running-process';
  store: string;
  runId: string | null;
  /**
   * As stored (running, completed, stopped, failed), or "interrupted": stored as running in an embedded
   * store that no process holds (this command could open it), so its process died without closing the run.
   */
  runStatus: string | null;
  equity: number | null;
  cash: number | null;
  lastEventTime: string | null;
  orders: number;
  fills: number;
  openOrders: { id: string; strategyId: string; symbol: string; side: string; type: string; qty: number; filledQty: number; status: string }[];
  positions: { strategyId: string; symbol: string; qty: number; avgPrice: number; realizedPnl: number }[];
  /** Strategies that failed (threw and were stopped), oldest first. */
  strategyErrors: { strategyId: string; message: string; time: string | null }[];
  /** Trading halted by the kill switch (an operator, or --halt-on-strategy-error). */
  halted: boolean;
  /** Why a guard stopped the run (heap limit), or null. */
  abortReason: string | null;
  /** Live runs: the venue and its link (a running process only), and the last start's reconciliation report. */
  venue: { name: string | null; connection: string | null; reconciliation: string[] } | null;
  /**
   * A running process only: why its node cannot answer now, as its supervisor wrote it (a strategy callback stuck,
   * or the node restarting after the watchdog or an operator's command stopped one); null when it answers.
   */
  supervisor: { state: 'stuck' | 'restarting'; message: string; time: string } | null;
}

const when = (ms: number): string | null => (ms > 0 ? new Date(ms).toISOString() : null);

/** The venue a live run was started on (its stored config), or null. */
function venueOf(config: unknown): string | null {
  const v = typeof config === 'object' && config !== null ? (config as { venue?: unknown }).venue : undefined;
  return typeof v === 'string' ? v : null;
}

function processAlive(pidFile: string): boolean {
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/** The supervisor's note of a running process (SUPERVISOR_FILE), if it wrote one that can be read. */
function supervisorNote(stateDir: string): StatusReport['supervisor'] {
  try {
    const n = JSON.parse(readFileSync(join(stateDir, SUPERVISOR_FILE), 'utf8')) as { state?: unknown; message?: unknown; writtenMs?: unknown; pid?: unknown };
    // One left by a process killed while stuck is not this process's.
    if (String(n.pid) !== readFileSync(join(stateDir, 'paper.pid'), 'utf8').trim()) return null;
    if ((n.state !== 'stuck' && n.state !== 'restarting') || typeof n.message !== 'string' || typeof n.writtenMs !== 'number') return null;
    return { state: n.state, message: n.message, time: new Date(n.writtenMs).toISOString() };
  } catch {
    // None (the node answers), or removed while being read.
    return null;
  }
}

export async function readStatus(opts: { runId?: string; stateDir?: string } = {}): Promise<StatusReport> {
  const stateDir = opts.stateDir ?? DEFAULT_STATE_DIR;
  const target = resolveStoreTarget({ dir: join(stateDir, 'db') });
  if (target.kind === 'pglite' && processAlive(join(stateDir, 'paper.pid')) && existsSync(join(stateDir, 'status.json'))) {
    const s = JSON.parse(readFileSync(join(stateDir, 'status.json'), 'utf8')) as {
      runId: string; equity: number; cash: number; nowMs: number; orders: number; fills: number; openOrders: number; store: string;
      positions: { symbol: string; qty: number; avgPrice: number }[];
      strategyErrors?: { strategyId: string; message: string; tsMs: number }[]; halted?: boolean; abortReason?: string | null;
      venue?: { name: string; connection: string; reconciliation: string[] } | null;
    };
    return {
      source: 'running-process', store: s.store, runId: s.runId, runStatus: 'running', equity: s.equity, cash: s.cash, lastEventTime: new Date(s.nowMs).toISOString(),
      orders: s.orders, fills: s.fills, openOrders: [], positions: s.positions.map((p) => ({ strategyId: '*', symbol: p.symbol, qty: p.qty, avgPrice: p.avgPrice, realizedPnl: 0 })),
      strategyErrors: (s.strategyErrors ?? []).map((e) => ({ strategyId: e.strategyId, message: e.message, time: when(e.tsMs) })),
      halted: s.halted === true, abortReason: s.abortReason ?? null,
      venue: s.venue ? { name: s.venue.name, connection: s.venue.connection, reconciliation: s.venue.reconciliation } : null,
      supervisor: supervisorNote(stateDir),
    };
  }
  const store = await openStore({ dir: join(stateDir, 'db'), mustExist: true, existingField: '--state-dir' });
  try {
    const runs = await store.listRuns();
    const run = opts.runId === undefined ? runs.sort((a, b) => b.startedMs - a.startedMs)[0] : runs.find((r) => r.id === opts.runId);
    if (opts.runId !== undefined && run === undefined) {
      const known = runs.map((r) => r.id);
      throw new ConfigError(`no run "${opts.runId}" in ${store.location}; ${known.length === 0 ? 'it holds no run' : `runs: ${known.join(', ')}`}`, { field: '--run' });
    }
    const runId = run?.id ?? null;
    // Everything for this one run only: index lookups and one read of its fills, however many runs the store holds.
    const [orders, fills, open, equity, last, instruments, events, halted] = runId === null
      ? [0, [], [], null, null, [], [], false]
      : await Promise.all([
        store.countOrders(runId), store.loadFills(runId), store.loadOpenOrders(runId), store.latestEquity(runId), store.lastEventTime(runId), store.loadInstruments(),
        store.loadRiskEvents(runId), store.getSetting<boolean>(`halted:${runId}`),
      ]);
    // Stored as "<strategy id>: <message>" (engine/live-node.ts); onSave problems are stored the same way.
    const strategyErrors = events.filter((e) => e.kind === 'strategy-error').map((e) => {
      const cut = e.reason.indexOf(': ');
      return { strategyId: cut < 0 ? '?' : e.reason.slice(0, cut), message: cut < 0 ? e.reason : e.reason.slice(cut + 2), time: when(e.tsMs) };
    });
    const abort = events.filter((e) => e.kind === 'resource-limit').at(-1);
    // The last start's reconciliation: the 'reconcile' events stored at its time (one batch per start).
    const reconciled = events.filter((e) => e.kind === 'reconcile');
    const lastStart = reconciled.filter((e) => !e.reason.startsWith('MISMATCH while running')).at(-1)?.tsMs;
    const reconciliation = reconciled.filter((e) => e.tsMs === lastStart || e.reason.startsWith('MISMATCH while running')).map((e) => e.reason);
    const multiplier = new Map(instruments.map((i) => [i.symbol, i.multiplier]));
    const positions = runId === null ? [] : foldFills(runId, fills, (s) => multiplier.get(s) ?? 1);
    return {
      source: 'store', store: store.location, runId, runStatus: target.kind === 'pglite' && run?.status === 'running' ? 'interrupted' : (run?.status ?? null), equity: equity?.equity ?? null, cash: equity?.cash ?? null,
      lastEventTime: last === null ? null : new Date(last).toISOString(), orders, fills: fills.length,
      openOrders: open.map((o) => ({ id: o.clientOrderId, strategyId: o.strategyId, symbol: o.symbol, side: o.side, type: o.type, qty: o.qty, filledQty: o.filledQty, status: o.status })),
      positions: positions.filter((p) => p.qty !== 0).map((p) => ({ strategyId: p.strategyId, symbol: p.symbol, qty: p.qty, avgPrice: p.avgPrice, realizedPnl: p.realizedPnl })),
      strategyErrors, halted: halted === true, abortReason: abort?.reason ?? null,
      venue: run?.kind === 'live' || reconciled.length > 0 ? { name: venueOf(run?.config), connection: null, reconciliation } : null,
      supervisor: null,
    };
  } finally {
    await store.close();
  }
}
