// The bot's equity curve and its drawdown from the running peak, from the stored history and then each
// second from the WebSocket (the points are given by useBotData).
import { useMemo } from 'react';
import { Card } from '../../components/ui';
import { TimeChart, type ChartSeries, type LinePoint } from '../../components/TimeChart';
import { drawdownOf } from './figures';
import { fmtPct } from '../../lib/format';

export function EquityCard({ points }: { points: readonly LinePoint[] }) {
  const drawdown = useMemo(() => drawdownOf(points), [points]);
  const equitySeries = useMemo<ChartSeries[]>(() => [{ kind: 'area', name: 'Equity', color: '#0369a1', points }], [points]);
  const ddSeries = useMemo<ChartSeries[]>(() => [{ kind: 'area', name: 'Drawdown %', color: '#be123c', points: drawdown }], [drawdown]);
  const now = drawdown.at(-1)?.value ?? null;
  const max = drawdown.reduce((m, p) => Math.min(m, p.value), 0);
  // Percent to the hundredth: a drawdown too small to show reads 0.00%, not -0.00%.
  const pct = (v: number | null): string => (v === null ? '—' : fmtPct(Math.abs(v) < 0.005 ? 0 : v / 100));
  return (
    <Card
      title="Equity and drawdown"
      actions={<span className="text-xs text-slate-600" data-testid="drawdown">drawdown now <b className="num">{pct(now)}</b>, max <b className="num">{pct(max)}</b></span>}
    >
      {points.length === 0 ? (
        <p className="text-sm text-slate-500">No equity recorded yet.</p>
      ) : (
        <div className="flex flex-col gap-2" data-testid="equity-chart">
          <TimeChart series={equitySeries} height={240} label="Equity over time" fit />
          <TimeChart series={ddSeries} height={110} label="Drawdown from the peak, in percent" fit />
        </div>
      )}
    </Card>
  );
}
