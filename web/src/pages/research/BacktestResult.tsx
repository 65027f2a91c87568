// A done backtest: headline figures against buy and hold, the equity curve, warnings, and its tearsheet (the
// server's self-contained HTML page, opened in a new tab).
import { useMemo } from 'react';
import { Stat, Table, Td } from '../../components/ui';
import { TimeChart, type ChartSeries } from '../../components/TimeChart';
import { fmtMoney, pnlClass } from '../../lib/format';
import { METRICS, fmtMetric, paramsText } from './metrics';
import type { BacktestReport } from './types';

const HEADLINE = ['totalReturn', 'cagr', 'sharpe', 'maxDrawdown', 'tradeCount', 'winRate'];

export function BacktestResult({ report, jobId }: { report: BacktestReport; jobId: string }) {
  const m = report.metrics as unknown as Record<string, number | null>;
  const bm = report.benchmark?.metrics as unknown as Record<string, number | null> | undefined;
  const series = useMemo<ChartSeries[]>(() => [{
    kind: 'area', name: 'Equity', color: '#0369a1', precision: 0, points: report.equity.map((p) => ({ timeMs: Date.parse(p.time), value: p.equity })),
  }], [report.equity]);
  const intraday = report.equity.some((p) => !p.time.endsWith('T00:00:00.000Z'));
  return (
    <div className="flex flex-col gap-4" data-testid="backtest-result">
      <p className="text-sm text-slate-700">
        <span className="font-mono">{report.params.strategy}</span> ({paramsText(report.params.strategyParams)}) on {report.params.data.join(', ')}, {report.bars.toLocaleString('en-US')} bars
      </p>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Final value" value={<span data-testid="final-value">{fmtMoney(report.finalValue)}</span>} />
        {HEADLINE.map((name) => {
          const [, label, format] = METRICS.find(([n]) => n === name)!;
          return <Stat key={name} label={label} value={<span data-testid={`metric-${name}`}>{fmtMetric(format, m[name])}</span>} className={name === 'totalReturn' ? pnlClass(m[name]) : ''} />;
        })}
        <Stat label="Run time" value={`${report.runSeconds.toFixed(2)} s`} />
      </div>
      <TimeChart series={series} height={260} label={`Equity of the backtest, ${report.equity.length} points`} intraday={intraday} fit />
      <a
        href={`/api/v1/research/jobs/${encodeURIComponent(jobId)}/tearsheet`} target="_blank" rel="noopener"
        className="self-start rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-1"
      >
        Open the tearsheet (new tab)
      </a>
      {report.warnings.length > 0 && (
        <ul className="list-disc pl-5 text-sm text-amber-800">{report.warnings.map((w) => <li key={w.code}>{w.message}</li>)}</ul>
      )}
      <details>
        <summary className="cursor-pointer text-sm font-medium text-sky-800">Every metric{bm !== undefined ? ', against buy and hold' : ''}</summary>
        <Table head={bm !== undefined ? ['Metric', 'Strategy', 'Buy and hold'] : ['Metric', 'Strategy']} caption="Backtest metrics">
          {METRICS.filter(([n]) => n in m).map(([n, label, format]) => (
            <tr key={n}>
              <Td>{label}</Td>
              <Td className="num">{fmtMetric(format, m[n])}</Td>
              {bm !== undefined && <Td className="num">{fmtMetric(format, bm[n])}</Td>}
            </tr>
          ))}
        </Table>
      </details>
    </div>
  );
}
