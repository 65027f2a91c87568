// Inline SVG charts as pure string functions: line and area charts over time (with trade markers on
// price charts), a monthly heat map, a histogram and a correlation matrix. Value axes step by nice
// numbers and time axes by calendar units (axis.ts); the left margin is sized by the widest y label,
// so every label lies inside the viewBox. Coordinates are rounded to 0.1 px; long series are
// decimated to the min and max of each pixel column, which keeps every spike visible.
import { linearAxis, logAxis, textWidth, timeAxis, type Axis, type Tick, type TickFormat } from './axis.ts';
import { decimate } from './downsample.ts';
import { escapeHtml, formatDatum, rawValue, type Datum } from './format.ts';
import type { Series } from '../stats.ts';

export { decimate } from './downsample.ts';

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 240;
/** Font size of chart text (the CSS sets the same). */
export const FONT_PX = 11;
/** Space around the plot; the left margin adds the widest y label to `left`. */
const M = { left: 12, right: 14, top: 12, bottom: 26 };
/** Up to this many markers are drawn one per fill; above it, fills of one side in the same cell share one. */
export const MARKERS_EXACT = 1000;
/** The cell (px) fills share a marker in: less than half a marker (10 px wide), so the shape looks the same. */
export const MARKER_CELL_PX = 4;

const c = (v: number): string => String(Math.round(v * 10) / 10);

/** An SVG <text> that shows a datum (with its JSON path and raw value for checking). */
export function datumText(d: Datum, x: number, y: number, attrs = ''): string {
  return `<text x="${c(x)}" y="${c(y)}"${attrs} data-path="${escapeHtml(d.path)}" data-value="${escapeHtml(rawValue(d.value))}">${escapeHtml(formatDatum(d))}</text>`;
}

/** An axis tick label: a round value of the scale (data-tick), not a datum of the report. */
function tickText(t: Tick, x: number, y: number, cls: string, anchor: string): string {
  return `<text class="axis ${cls}" x="${c(x)}" y="${c(y)}" text-anchor="${anchor}" data-tick="${rawValue(t.value)}">${escapeHtml(t.label)}</text>`;
}

export interface Scale {
  readonly lo: number;
  readonly hi: number;
  readonly px0: number;
  readonly px1: number;
}

export function scale(s: Scale, v: number): number {
  return s.hi === s.lo ? (s.px0 + s.px1) / 2 : s.px0 + ((v - s.lo) / (s.hi - s.lo)) * (s.px1 - s.px0);
}

/** Min and max of the finite values of several series (NaN, NaN when none). */
export function extent(...series: Series[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/** SVG path data of y over x, decimated to `columns`; gaps start a new sub-path. */
export function linePath(x: Series, y: Series, xs: Scale, ys: Scale, columns: number): string {
  const idx = decimate(y, columns);
  let d = '';
  let pen = false;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    if (i < 0) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${c(scale(xs, x[i]!))} ${c(scale(ys, y[i]!))}`;
    pen = true;
  }
  return d;
}

/** A closed area between y and the base line `base` (an underwater chart). */
export function areaPath(x: Series, y: Series, xs: Scale, ys: Scale, columns: number, base: number): string {
  const line = linePath(x, y, xs, ys, columns);
  if (line === '') return '';
  const n = x.length;
  const yb = c(scale(ys, base));
  return `M${c(scale(xs, x[0]!))} ${yb}${line.replace(/^M/, 'L').replace(/M/g, 'L')}L${c(scale(xs, x[n - 1]!))} ${yb}Z`;
}

export interface LineSeriesSpec {
  readonly name: string;
  /** CSS class (colour) of the series. */
  readonly cls: string;
  readonly y: Series;
  /** Draw as an area down to `base` instead of a line. */
  readonly area?: boolean;
}

/** A trade marked on a price chart: an up-triangle for a buy, a down-triangle for a sell. */
export interface MarkerSpec {
  readonly side: 'buy' | 'sell';
  /** Epoch ms. */
  readonly time: number;
  /** The fill price (its JSON path and value). */
  readonly datum: Datum;
  /** The tooltip (a function: only the fills that get a marker of their own need one). */
  readonly title: string | (() => string);
}

export interface LineChartSpec {
  readonly id: string;
  readonly title: string;
  /** Shared x values (epoch ms). */
  readonly x: Series;
  readonly series: readonly LineSeriesSpec[];
  /** How the value axis labels read. */
  readonly yFormat: TickFormat;
  /** A logarithmic value axis (used only when every value is > 0). */
  readonly logScale?: boolean;
  /** A reference line (e.g. 0) and the area base. */
  readonly base?: number;
  readonly markers?: readonly MarkerSpec[];
  readonly width?: number;
  readonly height?: number;
}

/** The <svg> element; `fixedSize` gives it its natural size (it then only shrinks to fit). */
function frame(id: string, title: string, w: number, h: number, body: string, fixedSize = false): string {
  const size = fixedSize ? ` width="${w}" height="${h}"` : '';
  return `<svg id="${escapeHtml(id)}" class="chart${fixedSize ? ' matrix' : ''}"${size} viewBox="0 0 ${w} ${h}" preserveAspectRatio="xMidYMid meet" role="img" aria-label="${escapeHtml(title)}">${body}</svg>`;
}

/** The left margin that holds the widest y label, its tick and a gap. */
function leftMargin(axis: Axis): number {
  return M.left + Math.max(0, ...axis.ticks.map((t) => textWidth(t.label, FONT_PX))) + 6;
}

/** Grid lines, tick marks and labels of a value axis; `pos` maps a value to the scale's units. */
function yAxisSvg(axis: Axis, ys: Scale, x0: number, x1: number, pos: (v: number) => number): string {
  let s = '';
  let last = Infinity;
  for (const t of axis.ticks) {
    const y = scale(ys, pos(t.value));
    if (!Number.isFinite(y)) continue;
    s += `<line class="grid" x1="${c(x0)}" x2="${c(x1)}" y1="${c(y)}" y2="${c(y)}"/><line class="tick" x1="${c(x0 - 4)}" x2="${c(x0)}" y1="${c(y)}" y2="${c(y)}"/>`;
    // Ticks come bottom to top; a label closer than a line's height to the one below is left out.
    if (Math.abs(last - y) < FONT_PX + 1) continue;
    last = y;
    s += tickText(t, x0 - 6, y + 3.5, 'ylabel', 'end');
  }
  return s;
}

/** Grid lines, tick marks and labels of an x axis; labels stay inside [2, w − 2]. */
function xAxisSvg(axis: Axis, xs: Scale, y0: number, y1: number, w: number, h: number): string {
  let s = '';
  for (const t of axis.ticks) {
    const x = scale(xs, t.value);
    const half = textWidth(t.label, FONT_PX) / 2;
    s += `<line class="grid" x1="${c(x)}" x2="${c(x)}" y1="${c(y1)}" y2="${c(y0)}"/><line class="tick" x1="${c(x)}" x2="${c(x)}" y1="${c(y0)}" y2="${c(y0 + 4)}"/>`;
    s += tickText(t, Math.min(w - 2 - half, Math.max(2 + half, x)), h - 8, 'xlabel', 'middle');
  }
  return s;
}

/** True when `logScale` is asked and every drawn value is positive. */
function useLog(spec: LineChartSpec, lo: number): boolean {
  return spec.logScale === true && lo > 0 && spec.base === undefined;
}

const markerValue = (m: MarkerSpec): number => (typeof m.datum.value === 'number' ? m.datum.value : NaN);

/** Where a line chart draws: its axes, the plot's corners and its time scale (a band drawn under it shares `xs`). */
export interface LineChartLayout {
  readonly w: number;
  readonly h: number;
  readonly empty: boolean;
  readonly log: boolean;
  readonly yAxis: Axis;
  readonly xAxis: Axis;
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
  readonly xs: Scale;
  readonly ys: Scale;
}

export function lineChartLayout(spec: LineChartSpec): LineChartLayout {
  const w = spec.width ?? CHART_WIDTH;
  const h = spec.height ?? CHART_HEIGHT;
  const [tLo, tHi] = extent(spec.x);
  let [lo, hi] = extent(...spec.series.map((s) => s.y), (spec.markers ?? []).map(markerValue));
  if (spec.base !== undefined && Number.isFinite(lo)) {
    lo = Math.min(lo, spec.base);
    hi = Math.max(hi, spec.base);
  }
  const empty = !Number.isFinite(lo);
  const log = !empty && useLog(spec, lo);
  const yAxis: Axis = empty ? { kind: 'linear' as const, lo: 0, hi: 1, ticks: [] } : log ? logAxis(lo, hi, spec.yFormat) : linearAxis(lo, hi, spec.yFormat);
  const pos = log ? Math.log10 : (v: number): number => v;
  const x0 = leftMargin(yAxis);
  const x1 = w - M.right;
  const y0 = h - M.bottom;
  const y1 = M.top;
  const xAxis = timeAxis(tLo, tHi, x1 - x0, FONT_PX);
  const xs: Scale = { lo: xAxis.lo, hi: xAxis.hi, px0: x0, px1: x1 };
  const ys: Scale = { lo: pos(yAxis.lo), hi: pos(yAxis.hi), px0: y0, px1: y1 };
  return { w, h, empty, log, yAxis, xAxis, x0, x1, y0, y1, xs, ys };
}

export function renderLineChart(spec: LineChartSpec): string {
  const markers = spec.markers ?? [];
  const { w, h, empty, log, yAxis, xAxis, x0, x1, y0, y1, xs, ys } = lineChartLayout(spec);
  const pos = log ? Math.log10 : (v: number): number => v;
  const columns = Math.round(x1 - x0);
  let body = `<rect class="plot" x="${c(x0)}" y="${y1}" width="${c(x1 - x0)}" height="${c(y0 - y1)}"/>`;
  body += yAxisSvg(yAxis, ys, x0, x1, pos) + xAxisSvg(xAxis, xs, y0, y1, w, h);
  if (spec.base !== undefined) body += `<line class="base" x1="${c(x0)}" x2="${c(x1)}" y1="${c(scale(ys, spec.base))}" y2="${c(scale(ys, spec.base))}"/>`;
  for (const s of spec.series) {
    const y = log ? Float64Array.from(s.y, (v) => (v > 0 ? Math.log10(v) : NaN)) : s.y;
    const d = s.area === true ? areaPath(spec.x, y, xs, ys, columns, spec.base ?? 0) : linePath(spec.x, y, xs, ys, columns);
    if (d !== '') body += `<path class="${s.area === true ? 'area' : 'series'} ${escapeHtml(s.cls)}" d="${d}"><title>${escapeHtml(s.name)}</title></path>`;
  }
  body += markersSvg(markers, (m) => [scale(xs, m.time), scale(ys, pos(markerValue(m)))]);
  if (empty) body += `<text class="empty" x="${c((x0 + x1) / 2)}" y="${c((y0 + y1) / 2)}" text-anchor="middle">Not enough bars</text>`;
  return frame(spec.id, spec.title, w, h, body);
}

/**
 * Triangles at the fills: up for a buy, down for a sell, centred on (time, price). Above
 * MARKERS_EXACT markers, fills of one side in the same MARKER_CELL_PX cell share the first one's marker.
 */
function markersSvg(markers: readonly MarkerSpec[], at: (m: MarkerSpec) => [number, number]): string {
  const groups = new Map<string, { m: MarkerSpec; x: number; y: number; n: number }>();
  const list: { m: MarkerSpec; x: number; y: number; n: number }[] = [];
  for (const m of markers) {
    const [x, y] = at(m);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (markers.length <= MARKERS_EXACT) {
      list.push({ m, x, y, n: 1 });
      continue;
    }
    const key = `${m.side}|${Math.round(x / MARKER_CELL_PX)}|${Math.round(y / MARKER_CELL_PX)}`;
    const g = groups.get(key);
    if (g !== undefined) g.n++;
    else {
      const first = { m, x, y, n: 1 };
      groups.set(key, first);
      list.push(first);
    }
  }
  let s = '';
  for (const { m, x, y, n } of list) {
    const d = m.side === 'buy' ? `M${c(x)} ${c(y - 5.5)}L${c(x + 5)} ${c(y + 3)}L${c(x - 5)} ${c(y + 3)}Z` : `M${c(x)} ${c(y + 5.5)}L${c(x + 5)} ${c(y - 3)}L${c(x - 5)} ${c(y - 3)}Z`;
    const more = n > 1 ? ` and ${n - 1} more fills here` : '';
    const title = typeof m.title === 'string' ? m.title : m.title();
    s += `<path class="mk ${m.side}" d="${d}" data-path="${escapeHtml(m.datum.path)}" data-value="${escapeHtml(rawValue(m.datum.value))}"><title>${escapeHtml(title + more)}</title></path>`;
  }
  return s;
}

/** Red for losses, green for gains, white at 0; `v / max` in [-1, 1]. */
export function divergingColor(v: number, max: number): string {
  if (!(max > 0) || !Number.isFinite(v)) return '#f3f4f6';
  const t = Math.max(-1, Math.min(1, v / max));
  const [r, g, b] = t >= 0 ? [22, 163, 74] : [220, 38, 38];
  const a = Math.abs(t) * 0.85;
  const mix = (ch: number): number => Math.round(255 + (ch - 255) * a);
  return `#${[mix(r), mix(g), mix(b)].map((v2) => v2.toString(16).padStart(2, '0')).join('')}`;
}

export interface HeatmapRow {
  readonly label: Datum;
  readonly cells: readonly (Datum | null)[];
  readonly total: Datum;
}

/** The monthly returns heat map: one row per year, Jan..Dec then the year's total. */
export function renderHeatmap(id: string, title: string, columns: readonly string[], rows: readonly HeatmapRow[]): string {
  const w = CHART_WIDTH;
  const cellH = 22;
  const top = 20;
  const left = 48;
  const cellW = (w - left - 4) / (columns.length + 1);
  const h = top + rows.length * cellH + 6;
  let max = 0;
  for (const r of rows) for (const d of r.cells) if (d !== null && typeof d.value === 'number') max = Math.max(max, Math.abs(d.value));
  let maxTotal = 0;
  for (const r of rows) if (typeof r.total.value === 'number') maxTotal = Math.max(maxTotal, Math.abs(r.total.value));
  let body = '';
  columns.forEach((name, k) => (body += `<text class="colhead" x="${c(left + (k + 0.5) * cellW)}" y="14" text-anchor="middle">${escapeHtml(name)}</text>`));
  body += `<text class="colhead" x="${c(left + (columns.length + 0.5) * cellW)}" y="14" text-anchor="middle">Year</text>`;
  rows.forEach((r, i) => {
    const y = top + i * cellH;
    body += datumText(r.label, left - 6, y + cellH / 2 + 4, ' class="rowhead" text-anchor="end"');
    r.cells.forEach((d, k) => {
      if (d === null || typeof d.value !== 'number') return;
      const x = left + k * cellW;
      body += `<rect class="cell" x="${c(x + 1)}" y="${c(y + 1)}" width="${c(cellW - 2)}" height="${cellH - 2}" fill="${divergingColor(d.value, max)}"/>`;
      body += datumText(d, x + cellW / 2, y + cellH / 2 + 4, ' class="celltext" text-anchor="middle"');
    });
    const x = left + columns.length * cellW;
    if (typeof r.total.value === 'number') {
      body += `<rect class="total" x="${c(x + 3)}" y="${c(y + 1)}" width="${c(cellW - 4)}" height="${cellH - 2}" fill="${divergingColor(r.total.value, maxTotal)}"/>`;
      body += datumText(r.total, x + cellW / 2 + 1, y + cellH / 2 + 4, ' class="celltext strong" text-anchor="middle"');
    }
  });
  return frame(id, title, w, h, body);
}

export interface HistogramSpec {
  readonly id: string;
  readonly title: string;
  readonly edges: readonly number[];
  /** Datums of the counts (the bar heights). */
  readonly counts: readonly Datum[];
  /** Vertical markers at values (e.g. VaR), labelled with the datum. */
  readonly markers: readonly { readonly name: string; readonly datum: Datum }[];
}

export function renderHistogram(spec: HistogramSpec): string {
  const w = CHART_WIDTH;
  const h = CHART_HEIGHT;
  const lo = spec.edges[0] ?? 0;
  const hi = spec.edges[spec.edges.length - 1] ?? 1;
  let maxCount = 0;
  for (const d of spec.counts) if (typeof d.value === 'number' && d.value > maxCount) maxCount = d.value;
  const yAxis = linearAxis(0, Math.max(1, maxCount), 'int');
  const x0 = leftMargin(yAxis);
  const x1 = w - M.right;
  const y0 = h - M.bottom;
  const y1 = M.top + 14;
  const single = spec.edges.length === 2 && lo === hi;
  const xAxis = linearAxis(lo, hi, 'pct', false);
  const xs: Scale = { lo: xAxis.lo, hi: xAxis.hi, px0: x0, px1: x1 };
  const ys: Scale = { lo: yAxis.lo, hi: yAxis.hi, px0: y0, px1: y1 };
  let body = `<rect class="plot" x="${c(x0)}" y="${M.top}" width="${c(x1 - x0)}" height="${c(y0 - M.top)}"/>`;
  body += yAxisSvg(yAxis, ys, x0, x1, (v) => v);
  if (!single) body += xAxisSvg(xAxis, xs, y0, M.top, w, h);
  spec.counts.forEach((d, k) => {
    if (typeof d.value !== 'number' || d.value <= 0) return;
    const a = single ? x0 + (x1 - x0) * 0.45 : scale(xs, spec.edges[k]!);
    const b = single ? x0 + (x1 - x0) * 0.55 : scale(xs, spec.edges[k + 1]!);
    const top = scale(ys, d.value);
    body += `<rect class="bar" x="${c(a + 0.5)}" y="${c(top)}" width="${c(Math.max(0.8, b - a - 1))}" height="${c(Math.max(0.5, y0 - top))}" data-path="${escapeHtml(d.path)}" data-value="${rawValue(d.value)}"><title>${escapeHtml(formatDatum(d))}</title></rect>`;
  });
  spec.markers.forEach((m, k) => {
    if (typeof m.datum.value !== 'number' || single) return;
    const x = scale(xs, m.datum.value);
    body += `<line class="marker" x1="${c(x)}" x2="${c(x)}" y1="${M.top}" y2="${c(y0)}"/>`;
    const d = m.datum;
    const anchor = x > (x0 + x1) / 2 ? 'end' : 'start';
    body += `<text class="markerlabel" x="${c(anchor === 'end' ? x - 3 : x + 3)}" y="${M.top + 11 + k * 12}" text-anchor="${anchor}">${escapeHtml(m.name)} `;
    body += `<tspan data-path="${escapeHtml(d.path)}" data-value="${escapeHtml(rawValue(d.value))}">${escapeHtml(formatDatum(d))}</tspan></text>`;
  });
  return frame(spec.id, spec.title, w, h, body);
}

/** A correlation matrix: one square per pair (grey when undefined), values written when it is small. */
export function renderMatrix(id: string, title: string, labels: readonly Datum[], cells: readonly (readonly Datum[])[]): string {
  const m = labels.length;
  // Room for the widest label: beside the rows, and above the columns where it is turned 45°.
  const widest = Math.max(0, ...labels.map((d) => textWidth(formatDatum(d), FONT_PX)));
  const left = Math.max(40, widest + 12);
  const top = Math.max(30, Math.ceil(widest * Math.SQRT1_2) + 14);
  const size = Math.max(12, Math.min(44, Math.floor((CHART_WIDTH - left - 8) / Math.max(1, m))));
  const w = Math.ceil(Math.max(left + m * size + 8, left + (m - 0.5) * size + widest * Math.SQRT1_2 + 8));
  const h = top + m * size + 8;
  const showText = size >= 30;
  let body = '';
  labels.forEach((d, k) => {
    body += datumText(d, left - 6, top + k * size + size / 2 + 4, ' class="rowhead" text-anchor="end"');
    const x = left + k * size + size / 2;
    body += datumText(d, x, top - 6, ` class="rowhead" text-anchor="start" transform="rotate(-45 ${c(x)} ${c(top - 6)})"`);
  });
  cells.forEach((row, a) =>
    row.forEach((d, b) => {
      const v = typeof d.value === 'number' ? d.value : NaN;
      const x = left + b * size;
      const y = top + a * size;
      body += `<rect class="corr${Number.isNaN(v) ? ' none' : ''}" x="${c(x + 1)}" y="${c(y + 1)}" width="${size - 2}" height="${size - 2}" fill="${divergingColor(v, 1)}" data-path="${escapeHtml(d.path)}" data-value="${rawValue(d.value)}"><title>${escapeHtml(formatDatum(d))}</title></rect>`;
      if (showText) body += datumText(d, x + size / 2, y + size / 2 + 4, ' class="celltext" text-anchor="middle"');
    }),
  );
  return frame(id, title, w, h, body, true);
}
