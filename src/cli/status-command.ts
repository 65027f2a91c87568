// `sextant status [--run id] [--json]`: the stored state of the latest (or a given) paper run.
import { readStatus } from '../app/status.ts';
import { bool, parseArgs, str } from './args.ts';
import { renderTable } from './table.ts';

export async function statusCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, [{ name: 'run', kind: 'string' }, { name: 'json', kind: 'boolean' }, { name: 'state-dir', kind: 'string' }]);
  const s = await readStatus({ runId: str(a, 'run'), stateDir: str(a, 'state-dir') });
  if (bool(a, 'json')) {
    out(JSON.stringify(s, null, 1));
    return 0;
  }
  out(`run ${s.runId ?? '-'} (${s.runStatus ?? 'none'}) on ${s.store} [${s.source}]: equity ${s.equity?.toFixed(2) ?? '-'}, cash ${s.cash?.toFixed(2) ?? '-'}, ${s.orders} orders, ${s.fills} fills, last event ${s.lastEventTime ?? '-'}`);
  if (s.positions.length) out(renderTable(['Strategy', 'Symbol', 'Qty', 'Avg price'], s.positions.map((p) => [p.strategyId, p.symbol, String(p.qty), p.avgPrice.toFixed(4)])));
  if (s.openOrders.length) out(renderTable(['Order', 'Symbol', 'Side', 'Type', 'Qty', 'Filled', 'Status'], s.openOrders.map((o) => [o.id, o.symbol, o.side, o.type, String(o.qty), String(o.filledQty), o.status])));
  return 0;
}
