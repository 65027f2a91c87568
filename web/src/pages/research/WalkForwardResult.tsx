// A done walk-forward: out-of-sample figures and equity (the test windows chained), the efficiency (test
// score over train score), and each fold's windows, chosen params and scores.
import { useMemo } from 'react';
import { Stat, Table, Td } from '../../components/ui';
import { TimeChart, type ChartSeries } from '../../components/TimeChart';
import { fmtNum } from '../../lib/format';
import { paramsText, showMetric } from './metrics';
import type { WalkForwardReport } from './types';

const day = (iso: string): string => iso.slice(0, 10);

export function WalkForwardResult({ report }: { report: WalkForwardReport }) {
  const m = report.metrics ?? {};
  const series = useMemo<ChartSeries[]>(() => [{
    kind: 'line', name: 'Out-of-sample equity', color: '#7c3aed', precision: 0, points: (report.equity ?? []).map((p) => ({ timeMs: Date.parse(p.time), value: p.equity })),
  }], [report.equity]);
  return (
    <div className="flex flex-col gap-4" data-testid="walkforward-result">
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Out-of-sample return" value={showMetric('totalReturn', m.totalReturn)} />
        <Stat label="Out-of-sample Sharpe" value={showMetric('sharpe', m.sharpe)} />
        <Stat label="Out-of-sample max drawdown" value={showMetric('maxDrawdown', m.maxDrawdown)} />
        <Stat label="Efficiency (test / train)" value={<span data-testid="efficiency">{fmtNum(report.efficiency ?? null, 2)}</span>} />
      </div>
      {(report.equity?.length ?? 0) > 1 && <TimeChart series={series} height={220} label="Out-of-sample equity of the walk-forward" intraday={false} fit />}
      <Table head={['Fold', 'Train', 'Test', 'Chosen parameters', `Train ${report.objective}`, `Test ${report.objective}`, 'Test return']} caption="Walk-forward folds">
        {report.folds.map((f) => (
          <tr key={f.fold}>
            <Td className="num">{f.fold}</Td>
            <Td className="text-xs">{day(f.train.from)} – {day(f.train.to)}</Td>
            <Td className="text-xs">{day(f.test.from)} – {day(f.test.to)}</Td>
            <Td className="font-mono text-xs">{paramsText(f.params)}</Td>
            <Td className="num">{fmtNum(f.trainScore, 3)}</Td>
            <Td className="num">{fmtNum(f.testScore, 3)}</Td>
            <Td className="num">{showMetric('totalReturn', f.testMetrics.totalReturn)}</Td>
          </tr>
        ))}
      </Table>
    </div>
  );
}
