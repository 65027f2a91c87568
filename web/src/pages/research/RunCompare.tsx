// Stored runs side by side: the settings that differ, every metric per run with the best marked, and the
// equity curves on one chart (each run's curve from the warehouse, thinned to ~800 points).
import { useMemo } from 'react';
import { api, ok } from '../../api/client';
import { Button, Card, ErrorNote, Table, Td } from '../../components/ui';
import { TimeChart, type ChartSeries } from '../../components/TimeChart';
import { useApi } from '../../lib/hooks';
import { METRICS, fmtMetric } from './metrics';
import type { RunComparison, RunEquity } from './types';

const COLORS = ['#0369a1', '#c2410c', '#15803d', '#7c3aed', '#be123c', '#0f766e', '#a16207', '#4338ca', '#be185d', '#334155'];

/** A run's name in the comparison: its number and what sets it apart (the differing settings). */
function labels(c: RunComparison): string[] {
  return c.runs.map((r, i) => {
    const own = c.differences.slice(0, 3).map((d) => `${d.name.replace(/^strategyParams\./, '')}=${String(d.values[i])}`);
    return `#${i + 1} ${own.length > 0 ? own.join(' ') : r.strategy}`;
  });
}

export function RunCompare({ ids, onClose }: { ids: readonly string[]; onClose(): void }) {
  const key = ids.join(',');
  const cmp = useApi(() => ok(api.GET('/api/v1/research/runs/compare', { params: { query: { ids: key } } })), [key]);
  const curves = useApi<RunEquity[]>(() => Promise.all(ids.map((id) => ok(api.GET('/api/v1/research/runs/{runId}/equity', { params: { path: { runId: id }, query: { points: 800 } } })))), [key]);
  const c = cmp.data;
  const names = useMemo(() => (c === undefined ? [] : labels(c)), [c]);
  const series = useMemo<ChartSeries[]>(() => (curves.data ?? []).map((e, i) => ({
    kind: 'line', name: names[i] ?? e.runId, color: COLORS[i % COLORS.length]!, precision: 0, points: e.points.map((p) => ({ timeMs: p.timeMs, value: p.equity })),
  })), [curves.data, names]);
  const best = new Map((c?.metrics ?? []).map((m) => [m.name, m]));
  return (
    <Card title={`Comparing ${ids.length} runs`} actions={<Button onClick={onClose}>Close comparison</Button>}>
      <div className="flex flex-col gap-4" data-testid="run-compare">
        <ErrorNote error={cmp.error ?? curves.error} />
        {c !== undefined && (
          <>
            <ol className="flex flex-col gap-1 text-xs text-slate-700">
              {c.runs.map((r, i) => (
                <li key={r.runId} className="flex flex-wrap items-center gap-x-2">
                  <span aria-hidden="true" className="inline-block h-2.5 w-4 rounded-sm" style={{ background: COLORS[i % COLORS.length] }} />
                  <span className="font-medium">{names[i]}</span> <span className="font-mono text-slate-500">{r.runId}</span>
                </li>
              ))}
            </ol>
            {series.length > 0 && <TimeChart series={series} height={280} label={`Equity curves of ${ids.length} runs`} intraday={false} fit />}
            {c.differences.length > 0 && (
              <Table head={['Setting', ...names]} caption="Settings that differ">
                {c.differences.map((d) => (
                  <tr key={d.name}>
                    <Td className="font-mono text-xs">{d.name}</Td>
                    {d.values.map((v, i) => <Td key={i} className="num">{v === null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v)}</Td>)}
                  </tr>
                ))}
              </Table>
            )}
            <Table head={['Metric', ...names]} caption="Metrics side by side (best in bold)">
              {METRICS.filter(([n]) => best.has(n)).map(([n, label, format]) => {
                const m = best.get(n)!;
                return (
                  <tr key={n} data-testid={`compare-${n}`}>
                    <Td>{label}</Td>
                    {m.values.map((v, i) => {
                      // A tie across every run has no best worth marking.
                      const isBest = m.best !== null && c.runs[i]!.runId === m.best && new Set(m.values).size > 1;
                      // (relative: the screen reader's note stays inside the table's scroll box on a phone)
                      return <Td key={i} className={`num ${isBest ? 'relative font-semibold text-emerald-800' : ''}`}>{fmtMetric(format, v)}{isBest && <span className="sr-only"> (best)</span>}</Td>;
                    })}
                  </tr>
                );
              })}
            </Table>
          </>
        )}
      </div>
    </Card>
  );
}
