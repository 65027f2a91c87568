// A time chart on TradingView's lightweight-charts: any number of line, area, histogram or candle series on one
// time axis (each on the right or left price scale, or its own overlay), with buy/sell markers, sized to its
// box. Series are given as props; new data replaces the old (`setData`), so a caller appending live points
// just passes the longer array (lightweight-charts diffs cheaply). Times are epoch milliseconds.
import { useEffect, useRef } from 'react';
import {
  AreaSeries, CandlestickSeries, ColorType, createChart, createSeriesMarkers, HistogramSeries, LineSeries,
  type IChartApi, type ISeriesApi, type SeriesMarker, type SeriesType, type Time, type UTCTimestamp,
} from 'lightweight-charts';

export interface LinePoint {
  readonly timeMs: number;
  readonly value: number;
}
export interface Candle {
  readonly timeMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}
export interface ChartMarker {
  readonly timeMs: number;
  readonly side: 'buy' | 'sell';
  readonly text?: string;
}

export type ChartSeries =
  | { readonly kind: 'line' | 'area' | 'histogram'; readonly name: string; readonly color: string; readonly points: readonly LinePoint[]; readonly scale?: 'right' | 'left' | 'overlay'; readonly markers?: readonly ChartMarker[]; readonly precision?: number }
  | { readonly kind: 'candles'; readonly name: string; readonly candles: readonly Candle[]; readonly markers?: readonly ChartMarker[]; readonly precision?: number };

const sec = (ms: number): UTCTimestamp => Math.floor(ms / 1000) as UTCTimestamp;

/** Points in strictly increasing seconds (lightweight-charts' rule): the last value of each second wins. */
function bySecond<T extends { timeMs: number }>(rows: readonly T[]): T[] {
  const out: T[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last !== undefined && sec(last.timeMs) >= sec(r.timeMs)) {
      if (sec(last.timeMs) === sec(r.timeMs)) out[out.length - 1] = r;
      continue;
    }
    out.push(r);
  }
  return out;
}

function markersOf(markers: readonly ChartMarker[] | undefined): SeriesMarker<Time>[] {
  return [...(markers ?? [])].sort((a, b) => a.timeMs - b.timeMs).map((m) => ({
    time: sec(m.timeMs),
    position: m.side === 'buy' ? 'belowBar' : 'aboveBar',
    shape: m.side === 'buy' ? 'arrowUp' : 'arrowDown',
    color: m.side === 'buy' ? '#047857' : '#be123c',
    ...(m.text === undefined ? {} : { text: m.text }),
  }));
}

/** `fit`: show the whole history whenever the series change (a finished run), rather than the latest bars at the default spacing. */
export function TimeChart({ series, height = 280, label, intraday = true, fit = false }: { series: readonly ChartSeries[]; height?: number; label: string; intraday?: boolean; fit?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const made = useRef(new Map<string, { api: ISeriesApi<SeriesType>; kind: ChartSeries['kind']; markers: ReturnType<typeof createSeriesMarkers<Time>> }>());

  useEffect(() => {
    if (box.current === null) return;
    const c = createChart(box.current, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: '#ffffff' }, textColor: '#334155', attributionLogo: false },
      grid: { vertLines: { color: '#f1f5f9' }, horzLines: { color: '#f1f5f9' } },
      // Intraday series may be seconds apart (a paper bot's equity each second): show the seconds then.
      timeScale: { timeVisible: intraday, secondsVisible: intraday, borderColor: '#cbd5e1' },
      // Room above and below the lines, so the top and bottom price labels stay whole.
      rightPriceScale: { borderColor: '#cbd5e1', scaleMargins: { top: 0.12, bottom: 0.08 } },
      leftPriceScale: { borderColor: '#cbd5e1', visible: false, scaleMargins: { top: 0.12, bottom: 0.08 } },
    });
    chart.current = c;
    const seriesMap = made.current;
    return () => {
      seriesMap.clear();
      chart.current = null;
      c.remove();
    };
  }, [intraday]);

  useEffect(() => {
    const c = chart.current;
    if (c === null) return;
    const seen = new Set<string>();
    for (const s of series) {
      seen.add(s.name);
      let entry = made.current.get(s.name);
      if (entry !== undefined && entry.kind !== s.kind) {
        c.removeSeries(entry.api);
        made.current.delete(s.name);
        entry = undefined;
      }
      if (entry === undefined) {
        const precision = s.precision ?? 2;
        const priceFormat = { type: 'price' as const, precision, minMove: 10 ** -precision };
        let api: ISeriesApi<SeriesType>;
        if (s.kind === 'candles') {
          api = c.addSeries(CandlestickSeries, { upColor: '#059669', downColor: '#e11d48', wickUpColor: '#059669', wickDownColor: '#e11d48', borderVisible: false, priceFormat });
        } else {
          const priceScaleId = s.scale === 'left' ? 'left' : s.scale === 'overlay' ? s.name : 'right';
          if (s.scale === 'left') c.applyOptions({ leftPriceScale: { visible: true } });
          const common = { priceScaleId, title: s.name, priceFormat, lastValueVisible: true };
          api = s.kind === 'line' ? c.addSeries(LineSeries, { ...common, color: s.color, lineWidth: 2 })
            : s.kind === 'area' ? c.addSeries(AreaSeries, { ...common, lineColor: s.color, topColor: `${s.color}55`, bottomColor: `${s.color}05`, lineWidth: 2 })
            : c.addSeries(HistogramSeries, { ...common, color: s.color });
          if (s.scale === 'overlay') api.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
        }
        entry = { api, kind: s.kind, markers: createSeriesMarkers(api, []) };
        made.current.set(s.name, entry);
      }
      if (s.kind === 'candles') entry.api.setData(bySecond(s.candles).map((k) => ({ time: sec(k.timeMs), open: k.open, high: k.high, low: k.low, close: k.close })));
      else entry.api.setData(bySecond(s.points).map((p) => ({ time: sec(p.timeMs), value: p.value })));
      entry.markers.setMarkers(markersOf(s.markers));
    }
    for (const [name, entry] of made.current) {
      if (!seen.has(name)) {
        c.removeSeries(entry.api);
        made.current.delete(name);
      }
    }
    if (fit) c.timeScale().fitContent();
  }, [series, fit]);

  return <div ref={box} role="img" aria-label={label} style={{ height }} className="w-full" />;
}
