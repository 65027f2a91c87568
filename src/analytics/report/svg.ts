// Inline SVG charts as pure string functions: line and area charts over time, a monthly heat map,
// a histogram and a correlation matrix. Coordinates are rounded to 0.1 px; long series are
// decimated to the min and max of each pixel column, which keeps every spike visible.
import { escapeHtml, formatValue, rawValue, type Datum } from './format.ts';
import type { Series } from '../stats.ts';

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 240;
const M = { left: 74, right: 14, top: 12, bottom: 26 };

const c = (v: number): string => String(Math.round(v * 10) / 10);

/** An SVG <text> that shows a datum (with its JSON path and raw value for checking). */
export function datumText(d: Datum, x: number, y: number, attrs = ''): string {
  return `<text x="${c(x)}" y="${c(y)}"${attrs} data-path="${escapeHtml(d.path)}" data-value="${escapeHtml(rawValue(d.value))}">${escapeHtml(formatValue(d.value, d.fmt))}</text>`;
}

/**
 * Indices of the points to draw: all of them when there are few, else per pixel column the first,
 * the lowest and the highest finite point, in order. -1 marks a gap (a NaN inside the column).
 */
export function decimate(y: Series, columns: number): Int32Array {
  const n = y.length;
  if (n <= 2 * columns) return Int32Array.from({ length: n }, (_, i) => (Number.isFinite(y[i]!) ? i : -1));
  const out: number[] = [];
  for (let b = 0; b < columns; b++) {
    const from = Math.floor((b * n) / columns);
    const to = Math.floor(((b + 1) * n) / columns);
    let lo = -1;
    let hi = -1;
    let gap = false;
    for (let i = from; i < to; i++) {
      const v = y[i]!;
      if (!Number.isFinite(v)) {
        gap = true;
        continue;
      }
      if (lo < 0 || v < y[lo]!) lo = i;
      if (hi < 0 || v > y[hi]!) hi = i;
    }
    if (gap) out.push(-1);
    if (lo < 0) continue;
    const first = Math.min(lo, hi);
    const second = Math.max(lo, hi);
    out.push(first);
    if (second !== first) out.push(second);
  }
  if (Number.isFinite(y[n - 1]!) && out[out.length - 1] !== n - 1) out.push(n - 1);
  return Int32Array.from(out);
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

export interface LineChartSpec {
  readonly id: string;
  readonly title: string;
  /** Shared x values (epoch ms). */
  readonly x: Series;
  readonly series: readonly LineSeriesSpec[];
  /** Labels on the y axis, each at its own value (e.g. the min and max of the data), most important first. */
  readonly yLabels: readonly Datum[];
  /** Labels on the x axis: the first at the left edge, the last at the right. */
  readonly xLabels: readonly Datum[];
  /** A reference line (e.g. 0) and the area base. */
  readonly base?: number;
  readonly width?: number;
  readonly height?: number;
}

/** The <svg> element; `fixedSize` gives it its natural size (it then only shrinks to fit). */
function frame(id: string, title: string, w: number, h: number, body: string, fixedSize = false): string {
  const size = fixedSize ? ` width="${w}" height="${h}"` : '';
  return `<svg id="${escapeHtml(id)}" class="chart${fixedSize ? ' matrix' : ''}"${size} viewBox="0 0 ${w} ${h}" preserveAspectRatio="xMidYMid meet" role="img" aria-label="${escapeHtml(title)}">${body}</svg>`;
}

export function renderLineChart(spec: LineChartSpec): string {
  const w = spec.width ?? CHART_WIDTH;
  const h = spec.height ?? CHART_HEIGHT;
  const x0 = M.left;
  const x1 = w - M.right;
  const y0 = h - M.bottom;
  const y1 = M.top;
  const [tLo, tHi] = extent(spec.x);
  let [lo, hi] = extent(...spec.series.map((s) => s.y));
  if (spec.base !== undefined && Number.isFinite(lo)) {
    lo = Math.min(lo, spec.base);
    hi = Math.max(hi, spec.base);
  }
  const empty = !Number.isFinite(lo);
  if (empty) [lo, hi] = [0, 1];
  const pad = hi > lo ? (hi - lo) * 0.04 : Math.abs(hi) * 0.05 || 1;
  const xs: Scale = { lo: tLo, hi: tHi, px0: x0, px1: x1 };
  const ys: Scale = { lo: lo - pad, hi: hi + pad, px0: y0, px1: y1 };
  const columns = Math.round(x1 - x0);
  let body = `<rect class="plot" x="${x0}" y="${y1}" width="${c(x1 - x0)}" height="${c(y0 - y1)}"/>`;
  if (spec.base !== undefined) body += `<line class="base" x1="${x0}" x2="${c(x1)}" y1="${c(scale(ys, spec.base))}" y2="${c(scale(ys, spec.base))}"/>`;
  for (const s of spec.series) {
    const d = s.area === true ? areaPath(spec.x, s.y, xs, ys, columns, spec.base ?? 0) : linePath(spec.x, s.y, xs, ys, columns);
    if (d !== '') body += `<path class="${s.area === true ? 'area' : 'series'} ${escapeHtml(s.cls)}" d="${d}"><title>${escapeHtml(s.name)}</title></path>`;
  }
  if (empty) body += `<text class="empty" x="${c((x0 + x1) / 2)}" y="${c((y0 + y1) / 2)}" text-anchor="middle">Not enough bars</text>`;
  const placed: number[] = [];
  for (const d of spec.yLabels) {
    if (typeof d.value !== 'number') continue;
    const y = scale(ys, d.value);
    // Labels come most important first; one that would overlap a placed one is left out.
    if (placed.some((p) => Math.abs(p - y) < 12)) continue;
    placed.push(y);
    body += `<line class="tick" x1="${x0 - 4}" x2="${x0}" y1="${c(y)}" y2="${c(y)}"/>`;
    body += datumText(d, x0 - 6, y + 3.5, ' class="ylabel" text-anchor="end"');
  }
  spec.xLabels.forEach((d, k) => {
    const last = k === spec.xLabels.length - 1 && k > 0;
    body += datumText(d, last ? x1 : x0, h - 8, ` class="xlabel" text-anchor="${last ? 'end' : 'start'}"`);
  });
  return frame(spec.id, spec.title, w, h, body);
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
  /** Labels under the first and last edge. */
  readonly xLabels: readonly Datum[];
  /** Vertical markers at values (e.g. VaR), labelled with the datum. */
  readonly markers: readonly { readonly name: string; readonly datum: Datum }[];
}

export function renderHistogram(spec: HistogramSpec): string {
  const w = CHART_WIDTH;
  const h = CHART_HEIGHT;
  const x0 = M.left;
  const x1 = w - M.right;
  const y0 = h - M.bottom;
  const y1 = M.top + 14;
  const lo = spec.edges[0] ?? 0;
  const hi = spec.edges[spec.edges.length - 1] ?? 1;
  let maxCount = 0;
  let maxAt = -1;
  spec.counts.forEach((d, k) => {
    if (typeof d.value === 'number' && d.value > maxCount) {
      maxCount = d.value;
      maxAt = k;
    }
  });
  const xs: Scale = { lo, hi, px0: x0, px1: x1 };
  const ys: Scale = { lo: 0, hi: maxCount || 1, px0: y0, px1: y1 };
  let body = `<rect class="plot" x="${x0}" y="${M.top}" width="${c(x1 - x0)}" height="${c(y0 - M.top)}"/>`;
  const single = spec.edges.length === 2 && lo === hi;
  spec.counts.forEach((d, k) => {
    if (typeof d.value !== 'number' || d.value <= 0) return;
    const a = single ? x0 + (x1 - x0) * 0.45 : scale(xs, spec.edges[k]!);
    const b = single ? x0 + (x1 - x0) * 0.55 : scale(xs, spec.edges[k + 1]!);
    const top = scale(ys, d.value);
    body += `<rect class="bar" x="${c(a + 0.5)}" y="${c(top)}" width="${c(Math.max(0.8, b - a - 1))}" height="${c(Math.max(0.5, y0 - top))}" data-path="${escapeHtml(d.path)}" data-value="${rawValue(d.value)}"><title>${escapeHtml(formatValue(d.value, d.fmt))}</title></rect>`;
  });
  if (maxAt >= 0) {
    const d = spec.counts[maxAt]!;
    body += `<line class="tick" x1="${x0 - 4}" x2="${x0}" y1="${c(y1)}" y2="${c(y1)}"/>`;
    body += datumText(d, x0 - 6, y1 + 3.5, ' class="ylabel" text-anchor="end"');
  }
  spec.markers.forEach((m, k) => {
    if (typeof m.datum.value !== 'number' || single) return;
    const x = scale(xs, m.datum.value);
    body += `<line class="marker" x1="${c(x)}" x2="${c(x)}" y1="${M.top}" y2="${c(y0)}"/>`;
    const d = m.datum;
    const anchor = x > (x0 + x1) / 2 ? 'end' : 'start';
    body += `<text class="markerlabel" x="${c(anchor === 'end' ? x - 3 : x + 3)}" y="${M.top + 11 + k * 12}" text-anchor="${anchor}">${escapeHtml(m.name)} `;
    body += `<tspan data-path="${escapeHtml(d.path)}" data-value="${escapeHtml(rawValue(d.value))}">${escapeHtml(formatValue(d.value, d.fmt))}</tspan></text>`;
  });
  spec.xLabels.forEach((d, k) => {
    const last = k === spec.xLabels.length - 1 && k > 0;
    body += datumText(d, last ? x1 : x0, h - 8, ` class="xlabel" text-anchor="${last ? 'end' : 'start'}"`);
  });
  return frame(spec.id, spec.title, w, h, body);
}

/** A correlation matrix: one square per pair (grey when undefined), values written when it is small. */
export function renderMatrix(id: string, title: string, labels: readonly Datum[], cells: readonly (readonly Datum[])[]): string {
  const m = labels.length;
  const left = 92;
  const top = 80;
  const size = Math.max(12, Math.min(44, Math.floor((CHART_WIDTH - left - 8) / Math.max(1, m))));
  const w = left + m * size + 8;
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
      body += `<rect class="corr${Number.isNaN(v) ? ' none' : ''}" x="${c(x + 1)}" y="${c(y + 1)}" width="${size - 2}" height="${size - 2}" fill="${divergingColor(v, 1)}" data-path="${escapeHtml(d.path)}" data-value="${rawValue(d.value)}"><title>${escapeHtml(formatValue(d.value, d.fmt))}</title></rect>`;
      if (showText) body += datumText(d, x + size / 2, y + size / 2 + 4, ' class="celltext" text-anchor="middle"');
    }),
  );
  return frame(id, title, w, h, body, true);
}
