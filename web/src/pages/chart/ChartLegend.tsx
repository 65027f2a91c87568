// The bar under the crosshair (or the newest one): its time, open, high, low, close, change and volume, and the
// indicators' values at it, in their line colours.
import { fmtNum, fmtTime } from '../../lib/format';
import type { IndicatorLine } from '../../components/CandleChart';
import type { CandleRow } from './chart-model';

export function ChartLegend({ bar, previous, lines, precision, symbol, timeframe }: {
  bar: CandleRow | undefined;
  previous: CandleRow | undefined;
  lines: readonly IndicatorLine[];
  precision: number;
  symbol: string;
  timeframe: string;
}) {
  const px = (v: number) => v.toFixed(precision);
  const change = bar !== undefined && previous !== undefined && previous.close !== 0 ? (bar.close / previous.close - 1) * 100 : null;
  return (
    <div data-testid="ohlc-legend" data-time={bar?.tsMs} data-close={bar?.close} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
      <span className="font-semibold text-slate-900">{symbol} · {timeframe}</span>
      {bar === undefined ? <span className="text-slate-500">no bars</span> : (
        <>
          <span className="text-slate-500">{fmtTime(bar.tsMs)}</span>
          <span className="num">O <b>{px(bar.open)}</b></span>
          <span className="num">H <b>{px(bar.high)}</b></span>
          <span className="num">L <b>{px(bar.low)}</b></span>
          <span className="num" data-testid="legend-close">C <b>{px(bar.close)}</b></span>
          {change !== null && <span className={`num ${change > 0 ? 'text-emerald-700' : change < 0 ? 'text-rose-700' : 'text-slate-600'}`}>{change > 0 ? '+' : ''}{change.toFixed(2)}%</span>}
          <span className="num text-slate-600">V {fmtNum(bar.volume, 2)}</span>
          {lines.map((l) => {
            const p = l.points.find((q) => q.timeMs === bar.tsMs);
            return <span key={l.name} className="num" style={{ color: darker(l.color) }}>{l.name} {p === undefined ? '—' : l.pane === 1 ? p.value.toFixed(2) : px(p.value)}</span>;
          })}
        </>
      )}
    </div>
  );
}

/** The line colours at a contrast text needs on white (WCAG AA). */
function darker(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const f = (v: number) => Math.round(v * 0.7).toString(16).padStart(2, '0');
  return `#${f((n >> 16) & 255)}${f((n >> 8) & 255)}${f(n & 255)}`;
}
