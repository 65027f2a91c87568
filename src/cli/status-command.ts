// `sextant status [--run id] [--json <file>|-]`: the stored state of the latest (or a given) paper run.
import { readStatus } from '../app/status.ts';
import { str, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { renderTable } from './table.ts';

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const s = await readStatus({ runId: str(a, 'run'), stateDir: str(a, 'state-dir') });
  writeJsonFlag(a, s, io);
  if (jsonOnStdout(a)) return 0;
  io.out(`run ${s.runId ?? '-'} (${s.runStatus ?? 'none'}) on ${s.store} [${s.source}]: equity ${s.equity?.toFixed(2) ?? '-'}, cash ${s.cash?.toFixed(2) ?? '-'}, ${s.orders} orders, ${s.fills} fills, last event ${s.lastEventTime ?? '-'}`);
  const again = s.venue?.name != null ? `sextant live --venue ${s.venue.name} --run ${s.runId}` : `sextant paper --run ${s.runId}`;
  if (s.runStatus === 'interrupted') io.out(`INTERRUPTED: the process trading run ${s.runId} ended without closing it (killed or crashed); \`${again}\` resumes it`);
  if (s.supervisor !== null) {
    const hint = s.supervisor.state === 'stuck' ? ' (`sextant kill` still works: the supervisor stops the stuck strategy and runs it)' : '';
    io.out(`${s.supervisor.state.toUpperCase()} at ${s.supervisor.time}: ${s.supervisor.message}${hint}`);
  }
  if (s.halted) io.out('HALTED: trading is halted by the kill switch (`sextant kill --resume` on the running node resumes it)');
  if (s.abortReason !== null) io.out(`ABORTED: ${s.abortReason}`);
  for (const e of s.strategyErrors) io.out(`FAILED strategy ${e.strategyId} at ${e.time ?? 'start'}: ${e.message}`);
  if (s.venue !== null) {
    if (s.venue.name !== null) io.out(`venue ${s.venue.name}${s.venue.connection !== null ? `: ${s.venue.connection}` : ''}`);
    for (const line of s.venue.reconciliation) io.out(`reconcile: ${line}`);
  }
  if (s.positions.length) io.out(renderTable(['Strategy', 'Symbol', 'Qty', 'Avg price'], s.positions.map((p) => [p.strategyId, p.symbol, String(p.qty), p.avgPrice.toFixed(4)])));
  if (s.openOrders.length) io.out(renderTable(['Order', 'Symbol', 'Side', 'Type', 'Qty', 'Filled', 'Status'], s.openOrders.map((o) => [o.id, o.symbol, o.side, o.type, String(o.qty), String(o.filledQty), o.status])));
  return 0;
}
