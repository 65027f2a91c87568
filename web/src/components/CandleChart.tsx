// A price chart on lightweight-charts: candles with volume underneath, indicator lines over the price or in a
// lower pane (oscillators), buy/sell markers, and the bar under the crosshair reported to the caller (for a
// legend). Live-friendly: when only the last bars changed or new ones were appended, the series are updated in
// place (the view follows the newest bar), not reloaded. Times are epoch milliseconds.
import { useEffect, useRef } from 'react';
import {
  CandlestickSeries, ColorType, createChart, createSeriesMarkers, HistogramSeries, LineSeries, LineStyle,
  type IChartApi, type ISeriesApi, type ISeriesMarkersPluginApi, type SeriesType, type Time, type UTCTimestamp,
} from 'lightweight-charts';
import type { CandleBar, IndicatorLine, PriceMarker } from './candle-chart-types';

export type { CandleBar, IndicatorLine, PriceMarker } from './candle-chart-types';

const UP = '#059669';
const DOWN = '#e11d48';
const sec = (ms: number): UTCTimestamp => Math.floor(ms / 1000) as UTCTimestamp;

interface Point {
  readonly time: UTCTimestamp;
  readonly [k: string]: number;
}

/**
 * Reloads a series, or, when the same points are there with a few at the end changed or added (a live bar, a
 * re-read tail), updates just those: the view then follows the newest bar.
 */
function sync(api: ISeriesApi<SeriesType>, prev: readonly Point[], next: readonly Point[]): void {
  const n = prev.length;
  const m = next.length;
  const reload = () => api.setData(next as never);
  if (n === 0 || m < n || m - n > 20 || prev[0]!.time !== next[0]!.time) return reload();
  const same = (a: Point, b: Point): boolean => Object.keys(b).every((k) => a[k] === b[k]);
  let i = Math.max(0, n - 20);
  while (i < n && same(prev[i]!, next[i]!)) i++;
  // Changed points must be at the times they were (lightweight-charts updates a time it has, or appends).
  for (let k = i; k < n; k++) if (next[k]!.time !== prev[k]!.time) return reload();
  for (let k = n; k < m; k++) if (!(next[k]!.time > next[k - 1]!.time)) return reload();
  for (let k = i; k < m; k++) api.update(next[k] as never, k < n);
}

interface Made {
  readonly api: ISeriesApi<SeriesType>;
  data: readonly Point[];
}

export function CandleChart({ candles, lines, markers, precision, seconds, height, label, viewKey, onHover }: {
  candles: readonly CandleBar[];
  lines: readonly IndicatorLine[];
  markers: readonly PriceMarker[];
  precision: number;
  seconds: boolean;
  height: number;
  label: string;
  /** A change (another symbol, source or timeframe) moves the view to the newest bars. */
  viewKey: string;
  /** The time of the bar under the crosshair, or null when it leaves the chart. */
  onHover?: (timeMs: number | null) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<{ c: IChartApi; candles: Made; volume: Made; markers: ISeriesMarkersPluginApi<Time>; lines: Map<string, Made & { pane: number }> } | null>(null);
  const hover = useRef(onHover);
  hover.current = onHover;
  const shownKey = useRef('');

  useEffect(() => {
    if (box.current === null) return;
    const c = createChart(box.current, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: '#ffffff' }, textColor: '#334155', attributionLogo: false, panes: { separatorColor: '#cbd5e1' } },
      grid: { vertLines: { color: '#f1f5f9' }, horzLines: { color: '#f1f5f9' } },
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#cbd5e1', shiftVisibleRangeOnNewBar: true, maxBarSpacing: 24 },
      rightPriceScale: { borderColor: '#cbd5e1' },
    });
    const candleApi = c.addSeries(CandlestickSeries, { upColor: UP, downColor: DOWN, wickUpColor: UP, wickDownColor: DOWN, borderVisible: false });
    const volumeApi = c.addSeries(HistogramSeries, { priceScaleId: 'volume', priceFormat: { type: 'volume' }, lastValueVisible: false, priceLineVisible: false });
    volumeApi.priceScale().applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
    chart.current = { c, candles: { api: candleApi, data: [] }, volume: { api: volumeApi, data: [] }, markers: createSeriesMarkers(candleApi, []), lines: new Map() };
    c.subscribeCrosshairMove((p) => hover.current?.(p.time === undefined ? null : (p.time as number) * 1000));
    return () => {
      chart.current = null;
      shownKey.current = '';
      c.remove();
    };
  }, []);

  useEffect(() => {
    chart.current?.c.applyOptions({ timeScale: { secondsVisible: seconds } });
  }, [seconds]);

  useEffect(() => {
    const ch = chart.current;
    if (ch === null) return;
    const priceFormat = { type: 'price' as const, precision, minMove: 10 ** -precision };
    ch.candles.api.applyOptions({ priceFormat });
    const cs = candles.map((k) => ({ time: sec(k.timeMs), open: k.open, high: k.high, low: k.low, close: k.close }));
    sync(ch.candles.api, ch.candles.data, cs);
    ch.candles.data = cs;
    const vs = candles.map((k) => ({ time: sec(k.timeMs), value: k.volume, color: k.close >= k.open ? `${UP}55` : `${DOWN}55` }) as unknown as Point);
    sync(ch.volume.api, ch.volume.data, vs);
    ch.volume.data = vs;

    const seen = new Set<string>();
    for (const l of lines) {
      seen.add(l.name);
      let made = ch.lines.get(l.name);
      if (made !== undefined && made.pane !== l.pane) {
        ch.c.removeSeries(made.api);
        ch.lines.delete(l.name);
        made = undefined;
      }
      if (made === undefined) {
        const api = ch.c.addSeries(LineSeries, {
          color: l.color, lineWidth: 2, lineStyle: l.dashed === true ? LineStyle.Dashed : LineStyle.Solid,
          priceFormat: l.pane === 0 ? priceFormat : { type: 'price', precision: 2, minMove: 0.01 }, priceLineVisible: false, crosshairMarkerVisible: false,
        }, l.pane);
        made = { api, data: [], pane: l.pane };
        ch.lines.set(l.name, made);
      }
      const ps = l.points.map((p) => ({ time: sec(p.timeMs), value: p.value }));
      sync(made.api, made.data, ps);
      made.data = ps;
    }
    for (const [name, made] of ch.lines) {
      if (seen.has(name)) continue;
      ch.c.removeSeries(made.api);
      ch.lines.delete(name);
    }
    const panes = ch.c.panes();
    if (panes.length > 1) {
      if (![...ch.lines.values()].some((m) => m.pane === 1)) ch.c.removePane(1);
      else {
        panes[0]!.setStretchFactor(3);
        panes[1]!.setStretchFactor(1);
      }
    }
    ch.markers.setMarkers([...markers].sort((a, b) => a.timeMs - b.timeMs).map((m) => ({
      time: sec(m.timeMs), position: m.side === 'buy' ? 'belowBar' : 'aboveBar', shape: m.side === 'buy' ? 'arrowUp' : 'arrowDown',
      color: m.side === 'buy' ? '#047857' : '#be123c', text: m.text,
    })));
    // Another series to show: the newest bars, about as many as fit.
    if (shownKey.current !== viewKey && cs.length > 0) {
      shownKey.current = viewKey;
      const fit = Math.max(30, Math.floor((box.current?.clientWidth ?? 800) / 7));
      ch.c.timeScale().setVisibleLogicalRange({ from: Math.max(cs.length - fit, -3), to: cs.length + 2 });
    }
  }, [candles, lines, markers, precision, viewKey]);

  return <div ref={box} role="img" aria-label={label} style={{ height }} className="w-full" />;
}
