// The backtests kept in the warehouse (run with "keep in the run history"), newest first; pick two to ten to
// compare them side by side.
import { useState } from 'react';
import { Button, Card, ErrorNote, Table, Td } from '../../components/ui';
import { fmtTime, pnlClass } from '../../lib/format';
import { paramsText, showMetric } from './metrics';
import type { PastRun } from './types';

export function RunHistory({ runs, error, comparing, onCompare }: { runs: readonly PastRun[] | undefined; error: unknown; comparing: readonly string[]; onCompare(ids: string[]): void }) {
  const [picked, setPicked] = useState<readonly string[]>(comparing);
  const toggle = (id: string, on: boolean) => setPicked((p) => (on ? [...p.filter((x) => x !== id), id] : p.filter((x) => x !== id)));
  const ready = picked.length >= 2 && picked.length <= 10;
  return (
    <Card
      title="Run history"
      actions={<Button tone="primary" disabled={!ready} onClick={() => onCompare([...picked])}>Compare selected ({picked.length})</Button>}
    >
      <ErrorNote error={error} />
      {runs !== undefined && (
        <Table head={['', 'Recorded', 'Strategy', 'Parameters', 'Data', 'Return', 'Sharpe', 'Max drawdown', 'Trades']} caption="Stored backtest runs" empty={runs.length === 0 && 'No stored run yet: run a backtest with "keep in the run history".'}>
          {runs.map((r) => {
            const sp = (r.params as { strategyParams?: Record<string, unknown> }).strategyParams;
            return (
              <tr key={r.runId} data-testid={`run-${r.runId}`}>
                <Td>
                  <input
                    type="checkbox" aria-label={`Select run ${r.runId} (${r.strategy} ${paramsText(sp)})`} checked={picked.includes(r.runId)}
                    onChange={(e) => toggle(r.runId, e.target.checked)} className="h-4 w-4 accent-sky-700"
                  />
                </Td>
                <Td className="text-xs">{fmtTime(r.recordedTime)}</Td>
                <Td className="font-mono text-xs">{r.strategy}</Td>
                <Td className="font-mono text-xs">{paramsText(sp)}</Td>
                <Td className="text-xs">{r.data.join(', ')}</Td>
                <Td className={`num ${pnlClass(r.metrics.totalReturn)}`}>{showMetric('totalReturn', r.metrics.totalReturn)}</Td>
                <Td className="num">{showMetric('sharpe', r.metrics.sharpe)}</Td>
                <Td className="num">{showMetric('maxDrawdown', r.metrics.maxDrawdown)}</Td>
                <Td className="num">{showMetric('tradeCount', r.metrics.tradeCount)}</Td>
              </tr>
            );
          })}
        </Table>
      )}
      {picked.length > 10 && <p className="mt-2 text-sm text-rose-700">Compare at most 10 runs.</p>}
    </Card>
  );
}
