// The market-regime timeline of a tearsheet: a band of coloured segments on the equity chart's time
// scale, one colour per regime, with a legend. The segments come in the report's `analysis.regimes`
// (labelled by the app layer with the rule-based classifier of src/ml/regime, bar by bar from the closes
// so far); this module only shapes and draws them.
import { toIso } from '../../core/time.ts';
import { escapeHtml, rawValue } from './format.ts';
import { scale, type Scale } from './svg.ts';

/** One run of bars with the same regime: [from, to), times as ISO strings. */
export interface RegimeSegmentRow {
  from: string;
  to: string;
  regime: string;
  bars: number;
}

export interface RegimeTimeline {
  /** The symbol whose closes were labelled (the run's first). */
  symbol: string;
  /** Every regime the classifier can give, in legend order. */
  names: string[];
  /** Bars before the classifier had enough history belong to no segment. */
  segments: RegimeSegmentRow[];
}

/** The timeline of a symbol from its segments (epoch ms; `regimeSegments` of src/ml/regime gives them). */
export function regimeTimelineOf(
  symbol: string,
  names: readonly string[],
  segments: readonly { readonly fromMs: number; readonly toMs: number; readonly regime: string; readonly bars: number }[],
): RegimeTimeline {
  return { symbol, names: [...names], segments: segments.map((s) => ({ from: toIso(s.fromMs), to: toIso(s.toMs), regime: s.regime, bars: s.bars })) };
}

/** Colours of the seven rule-based regimes: greens up, reds down, greys sideways, darker when volatile. */
const COLOURS: Readonly<Record<string, string>> = {
  bull_quiet: '#86efac',
  bull_volatile: '#16a34a',
  bear_quiet: '#fca5a5',
  bear_volatile: '#dc2626',
  sideways_quiet: '#cbd5e1',
  sideways_volatile: '#64748b',
  crisis: '#6b21a8',
};

const cls = (regime: string): string => `rg-${regime.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** CSS of the band and its legend (a regime without a colour of its own is drawn amber). */
export const REGIME_CSS =
  'svg.band{width:100%;height:auto;display:block}svg .rg{fill:#fbbf24}svg .rgplot{fill:#fff;stroke:var(--line)}.legend.regimes{flex-wrap:wrap}.legend i.rg{height:10px;background:#fbbf24}' +
  Object.entries(COLOURS).map(([r, c]) => `svg .${cls(r)}{fill:${c}}.legend i.${cls(r)}{background:${c}}`).join('');

export const REGIME_BAND_HEIGHT = 26;
const BAND_TOP = 3;
const BAND_PX = 20;

const c = (v: number): string => String(Math.round(v * 10) / 10);

/** One drawn rectangle: pixel span and the segment it shows (by index). */
interface Run {
  x: number;
  x2: number;
  seg: number;
}

/**
 * The rectangles to draw: one per segment while there are no more segments than pixel columns, else
 * per pixel column the segment that covers most of it, neighbouring columns of one regime merged (so a
 * 200,000-bar run's band stays a few hundred elements).
 */
export function bandRuns(t: RegimeTimeline, xs: Scale): Run[] {
  const x0 = Math.min(xs.px0, xs.px1);
  const x1 = Math.max(xs.px0, xs.px1);
  const spans = t.segments.map((s) => {
    const a = Math.max(x0, Math.min(x1, scale(xs, Date.parse(s.from))));
    const b = Math.max(x0, Math.min(x1, scale(xs, Date.parse(s.to))));
    return [a, b] as const;
  });
  const columns = Math.max(1, Math.round(x1 - x0));
  if (t.segments.length <= columns) {
    return spans.flatMap(([a, b], seg) => (b > a ? [{ x: a, x2: b, seg }] : []));
  }
  const best = new Int32Array(columns).fill(-1);
  const cover = new Float64Array(columns);
  spans.forEach(([a, b], seg) => {
    for (let k = Math.max(0, Math.floor(a - x0)); k < columns && x0 + k < b; k++) {
      const w = Math.min(b, x0 + k + 1) - Math.max(a, x0 + k);
      if (w > cover[k]!) {
        cover[k] = w;
        best[k] = seg;
      }
    }
  });
  const runs: Run[] = [];
  for (let k = 0; k < columns; k++) {
    const seg = best[k]!;
    if (seg < 0) continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && last.x2 === x0 + k && t.segments[last.seg]!.regime === t.segments[seg]!.regime) last.x2 = x0 + k + 1;
    else runs.push({ x: x0 + k, x2: x0 + k + 1, seg });
  }
  return runs;
}

/**
 * The band as an SVG as wide as the chart above it (`w`), on its time scale `xs`. Each rectangle names
 * its segment's regime in the report JSON (data-path), and its tooltip gives the segment's span.
 */
export function renderRegimeBand(t: RegimeTimeline, xs: Scale, w: number, id = 'chart-regimes'): string {
  let body = `<rect class="rgplot" x="${c(xs.px0)}" y="${BAND_TOP}" width="${c(xs.px1 - xs.px0)}" height="${BAND_PX}"/>`;
  for (const r of bandRuns(t, xs)) {
    const s = t.segments[r.seg]!;
    const path = `analysis.regimes.segments[${r.seg}].regime`;
    const title = `${s.regime}: ${s.from.slice(0, 10)} to ${s.to.slice(0, 10)}, ${s.bars} bars`;
    body +=
      `<rect class="rg ${cls(s.regime)}" x="${c(r.x)}" y="${BAND_TOP}" width="${c(r.x2 - r.x)}" height="${BAND_PX}" data-path="${escapeHtml(path)}" data-value="${escapeHtml(rawValue(s.regime))}">` +
      `<title>${escapeHtml(title)}</title></rect>`;
  }
  return `<svg id="${escapeHtml(id)}" class="band" viewBox="0 0 ${w} ${REGIME_BAND_HEIGHT}" preserveAspectRatio="xMidYMid meet" role="img" aria-label="Market regimes">${body}</svg>`;
}

/** The legend: a swatch and the name of every regime, each name a datum of the JSON (shown as it is there). */
export function regimeLegendHtml(t: RegimeTimeline): string {
  const items = t.names.map(
    (n, i) => `<span><i class="rg ${cls(n)}"></i><span data-path="analysis.regimes.names[${i}]" data-value="${escapeHtml(rawValue(n))}">${escapeHtml(n)}</span></span>`,
  );
  return `<div class="legend regimes">${items.join('')}</div>`;
}
