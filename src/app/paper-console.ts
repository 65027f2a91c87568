// `sextant paper` as the user sees it: a start line naming the run and every setting in effect, a status
// line from right after the restore, SIGINT/SIGTERM as a graceful stop, and a closing summary that says
// how many bars were processed and warns when the run did nothing useful. Exit code 0, or 1 when a
// strategy failed (it threw and was stopped) or a guard stopped the run (heap limit). Under npm/npx the
// run also stops when the wrapper process is gone (no orphan holding the store's lock).
import type { LiveStatus } from '../engine/live-node.ts';
import { startPaper, type PaperControlHooks, type PaperRequest, type PaperStart } from './paper.ts';
import { shouldWatchParent, watchParent, type ParentGuard } from './parent-guard.ts';

export interface PaperConsole {
  /** Lines for stdout: the start line, the first and the last status line, the summary. */
  readonly out: (line: string) => void;
  /** Warnings (stderr); printed even when quiet. */
  readonly err: (line: string) => void;
  /** The status line as it changes (every second): a terminal rewrites one line in place. Omit to print only the first and last. */
  readonly status?: (line: string) => void;
  /** No start line or status lines (warnings still go to err). */
  readonly quiet?: boolean;
  /** Stop gracefully on SIGINT/SIGTERM, and when an npm/npx wrapper parent is gone (default true). */
  readonly signals?: boolean;
  /** Without `status` (not a terminal): print a plain status line on `out` this often (ms); never when omitted. */
  readonly plainStatusEveryMs?: number;
  /** Called once the run is restored and about to trade, with its id (a supervisor's watchdog starts judging then). */
  readonly onReady?: (runId: string) => void;
  /** Aborting it stops the run gracefully (how a supervisor passes on a signal the worker never sees). */
  readonly stop?: AbortSignal;
  /** A supervisor serves the control endpoint and relays to the node (paper-worker.ts). */
  readonly control?: PaperControlHooks;
}

const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * One status line. What needs the operator comes first (a terminal cuts the line to its width):
 * ABORTED (a guard stopped the run), HALTED (kill switch), FAILED <strategies>; then time, equity and
 * counts; the positions last.
 */
export function formatStatusLine(s: LiveStatus): string {
  const pos = s.positions.map((p) => `${p.symbol} ${+p.qty.toFixed(4)}`).join(' ') || 'flat';
  // A replay's clock is the time of its last bar: before the first one there is no time to show.
  const when = s.nowMs > 0 ? iso(s.nowMs) : 'no bar yet';
  const eq = Number.isFinite(s.equity) ? s.equity.toFixed(2) : 'n/a';
  const failed = [...new Set(s.strategyErrors.map((e) => e.strategyId))];
  // A link being re-made is news; 'disconnected' is how a stopped run's link ends.
  const link = s.venue !== null && (s.venue.connection === 'reconnecting' || s.venue.connection === 'connecting') && `${s.venue.name.toUpperCase()} ${s.venue.connection.toUpperCase()}`;
  const flags = [s.abortReason !== null && 'ABORTED', s.halted && 'HALTED', link, failed.length > 0 && `FAILED ${failed.join(',')}`].filter(Boolean);
  return `${flags.map((f) => `${f} | `).join('')}${when} equity ${eq} pnl ${s.pnl >= 0 ? '+' : ''}${s.pnl.toFixed(2)} | bars ${s.barsSeen} | orders ${s.orders} fills ${s.fills} open ${s.openOrders} | ${pos}`;
}

/** The start line: the run (new or resumed, with what was restored), its data and every money setting. */
export function formatStartLine(session: PaperStart): string {
  const { plan, settings } = session;
  const r = session.node.status().restored;
  const kind = plan.venue !== undefined ? 'live' : 'paper';
  const runPart = plan.resumed === null ? `new ${kind} run "${plan.runId}"` : `resuming ${kind} run "${plan.runId}" (restored ${r?.fills ?? 0} fills, ${r?.openOrders ?? 0} working orders, ${r?.mismatches ?? 0} mismatches)`;
  const data = plan.replay !== undefined
    ? `replay of ${plan.replay} at ${Number.isFinite(settings.speed) ? `${settings.speed}x` : 'max'} speed`
    : plan.feed !== undefined
      ? `${plan.feed} market data ${plan.symbols.join(',')} (${plan.timeframe ?? '1m'} bars)`
      : `live synthetic market ${plan.symbols.join(',')} (bars ${settings.barMs} ms, ticks ${settings.tickMs} ms)`;
  const venue = session.node.status().venue;
  const broker = venue === null ? [] : [`  orders go to ${venue.name} (${venue.connection}); reconciliation: ${venue.reconciliation.length} line(s), see \`sextant status\``, ...venue.reconciliation.slice(0, 5).map((l) => `    ${l}`)];
  const params = Object.entries(plan.params).map(([k, v]) => `${k}=${v}`).join(',');
  const terms = [plan.asset && `asset ${plan.asset}`, plan.instrument && `instrument ${plan.instrument.join(',')}`, plan.timeframe && `timeframe ${plan.timeframe}`].filter(Boolean);
  return [
    `${runPart} on ${session.store.location}`,
    `  ${data}; strategies ${plan.strategies.join(' ')}${params ? ` (params ${params})` : ''}${terms.length ? `; ${terms.join(', ')}` : ''}`,
    venue === null
      ? `  cash ${settings.cash}, commission ${settings.commission}, size ${settings.size}, market orders fill at the ${settings.fill === 'next-open' ? 'next open' : 'close'}${plan.replay !== undefined ? '' : ' (quotes: buys at the ask, sells at the bid)'}; Ctrl-C stops`
      : `  cash ${settings.cash}, size ${settings.size}; fills and fees are the venue's; Ctrl-C stops (working orders stay at the venue)`,
    ...broker,
  ].join('\n');
}

/** Why a run that processed no bar did nothing, and what to do instead. */
function noBarsWarning(session: PaperStart): string {
  const { plan } = session;
  if (plan.replay !== undefined && plan.resumed !== null) {
    return `warning: processed 0 bars: run "${plan.runId}" had already replayed every bar of ${plan.replay} (a resumed replay continues after its last bar). Omit --run to replay it again in a new run.`;
  }
  if (plan.replay !== undefined) return `warning: processed 0 bars: ${plan.replay} has no bars to replay`;
  return `warning: processed 0 bars: no ${session.settings.barMs} ms bar completed before the run stopped (equities trade only in NYSE hours; --always-open trades them around the clock)`;
}

/** How a paper session ended: 'failed' when a strategy failed or a guard (heap limit) stopped the run (said on stderr). */
export type PaperOutcome = 'completed' | 'failed';

/** Runs a paper session to its end. */
export async function runPaper(req: PaperRequest, io: PaperConsole): Promise<PaperOutcome> {
  const quiet = io.quiet === true;
  let lastPlainMs = Date.now();
  let ready = false;
  const session = await startPaper(
    req,
    (s) => {
      // The status right after the restore is drawn below the start line (onReady), not before it.
      if (quiet || !ready) return;
      if (io.status !== undefined) io.status(formatStatusLine(s));
      else if (io.plainStatusEveryMs !== undefined && Date.now() - lastPlainMs >= io.plainStatusEveryMs) {
        lastPlainMs = Date.now();
        io.out(formatStatusLine(s));
      }
    },
    (start) => {
      ready = true;
      lastPlainMs = Date.now();
      io.onReady?.(start.plan.runId);
      if (quiet) return;
      io.out(formatStartLine(start));
      const first = formatStatusLine(start.node.status());
      if (io.status === undefined) io.out(first);
      else io.status(first);
    },
    undefined,
    io.control,
  );
  let stopping = false;
  const onSignal = (): void => {
    stopping = true;
    void session.stop();
  };
  const signals = io.signals !== false;
  if (io.stop !== undefined) {
    if (io.stop.aborted) onSignal();
    else io.stop.addEventListener('abort', onSignal, { once: true });
  }
  let parent: ParentGuard | undefined;
  if (signals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    if (shouldWatchParent()) {
      parent = watchParent((why) => {
        // After Ctrl-C npm exits too: the stop is already under way, nothing to say.
        if (!stopping) io.err(`stopping: ${why} (npm/npx was killed); the run stops gracefully and releases its lock`);
        onSignal();
      });
    }
  }
  try {
    await session.done;
  } finally {
    parent?.stop();
    if (signals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  const s = session.node.status();
  if (!quiet) {
    io.out(formatStatusLine(s));
    const { plan } = session;
    // The command that resumes it: a live run resumes on its venue (sextant paper refuses a live run).
    const again = plan.venue !== undefined ? `sextant live --venue ${plan.venue} --run ${plan.runId}` : `sextant paper --run ${plan.runId}`;
    const resume = plan.replay !== undefined && session.node.finished ? '' : `; \`${again}\` resumes it`;
    io.out(`run "${session.plan.runId}" ${session.node.finished ? 'completed' : 'stopped'}: ${s.barsSeen} bars processed${resume}`);
  }
  if (s.barsSeen === 0) io.err(noBarsWarning(session));
  const failed = s.strategyErrors;
  for (const e of failed) io.err(`error: strategy ${e.strategyId} failed at ${e.tsMs > 0 ? iso(e.tsMs) : 'start'} and was stopped: ${e.message}`);
  if (failed.length > 0 && req.haltOnStrategyError === true) io.err(`error: all trading was halted (--halt-on-strategy-error); \`sextant kill --resume\` on a running node resumes it`);
  if (s.abortReason !== null) io.err(`error: run "${session.plan.runId}" aborted: ${s.abortReason}`);
  return failed.length > 0 || s.abortReason !== null ? 'failed' : 'completed';
}
