import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { MS_PER_DAY, toIso } from '../../core/time.ts';
import { computeMetrics } from '../metrics.ts';
import { buildAnalysis } from './analysis.ts';
import { readPath } from './format.ts';
import { renderTearsheet } from './html.ts';
import { buildTearsheetModel, type TearsheetSource } from './model.ts';
import { bandRuns, regimeTimelineOf, type RegimeTimeline } from './regime-timeline.ts';
import { lineChartLayout, scale } from './svg.ts';

const T0 = Date.UTC(2021, 0, 4);
const NAMES = ['bull_quiet', 'bull_volatile', 'bear_quiet', 'bear_volatile', 'sideways_quiet', 'sideways_volatile', 'crisis'];

/** A report of `n` daily bars (a random equity curve, no trades) whose analysis carries `regimes`. */
function report(n: number, regimes: RegimeTimeline | null | undefined): TearsheetSource {
  const rng = new Rng(4);
  const timeMs = Float64Array.from({ length: n }, (_, i) => T0 + i * MS_PER_DAY);
  const equity = new Float64Array(n);
  equity[0] = 100_000;
  for (let i = 1; i < n; i++) equity[i] = equity[i - 1]! * (1 + 0.01 * rng.normal());
  const analysis = buildAnalysis({ timeMs, equity, ...(regimes === undefined ? {} : { regimes }) });
  if (regimes === undefined) delete (analysis as Partial<typeof analysis>).regimes; // a report written before the timeline
  return {
    params: { strategy: 'demo', data: ['synthetic:1'] },
    bars: n,
    finalValue: equity[n - 1]!,
    finalCash: equity[n - 1]!,
    metrics: computeMetrics({ timeMs, equity, trades: [] }),
    benchmark: null,
    trades: [],
    fills: [],
    equity: Array.from(equity, (e, i) => ({ time: toIso(timeMs[i]!), equity: e })),
    analysis,
  };
}

/** Segments of the given lengths (bars) and regimes, from bar `start` of the daily grid on. */
function timeline(start: number, parts: readonly [string, number][]): RegimeTimeline {
  let at = start;
  const segs = parts.map(([regime, bars]) => {
    const s = { fromMs: T0 + at * MS_PER_DAY, toMs: T0 + (at + bars) * MS_PER_DAY, regime, bars };
    at += bars;
    return s;
  });
  return regimeTimelineOf('SPY', NAMES, segs);
}

/** The band's rectangles: class, x, width, data-path, data-value and tooltip. */
function bandRects(html: string): { cls: string; x: number; w: number; path: string; value: string; title: string }[] {
  const svg = /<svg id="chart-regimes"[\s\S]*?<\/svg>/.exec(html)![0];
  return [...svg.matchAll(/<rect class="rg ([^"]+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" data-path="([^"]+)" data-value="([^"]+)"><title>([^<]*)<\/title><\/rect>/g)].map((m) => ({
    cls: m[1]!, x: Number(m[2]), w: Number(m[3]), path: m[4]!, value: m[5]!, title: m[6]!,
  }));
}

describe('the regime timeline of the tearsheet', () => {
  // 300 bars: 60 of warm-up, then five regimes.
  const t = timeline(60, [['bull_quiet', 80], ['bull_volatile', 20], ['sideways_quiet', 50], ['bear_volatile', 40], ['crisis', 50]]);
  const src = report(300, t);
  const html = renderTearsheet(src);
  const json: unknown = JSON.parse(JSON.stringify(src));

  it('draws one segment per regime run, in order, under the equity chart', () => {
    const rects = bandRects(html);
    expect(rects.map((r) => r.value)).toEqual(['bull_quiet', 'bull_volatile', 'sideways_quiet', 'bear_volatile', 'crisis']);
    expect(rects.map((r) => r.cls)).toEqual(['rg-bull_quiet', 'rg-bull_volatile', 'rg-sideways_quiet', 'rg-bear_volatile', 'rg-crisis']);
    expect(rects.map((r) => r.path)).toEqual([0, 1, 2, 3, 4].map((i) => `analysis.regimes.segments[${i}].regime`));
    expect(rects[0]!.title).toBe('bull_quiet: 2021-03-05 to 2021-05-24, 80 bars');
    // Inside the equity figure, after its legend.
    const fig = /<figure id="fig-equity">[\s\S]*?<\/figure>/.exec(html)![0];
    expect(fig.indexOf('id="chart-equity"')).toBeLessThan(fig.indexOf('id="chart-regimes"'));
    expect(fig).toContain('Market regime of <span data-path="analysis.regimes.symbol" data-value="SPY">SPY</span>');
  });

  it("places each segment on the equity chart's time scale: it starts where its first bar is and is as wide as its bars", () => {
    const layout = lineChartLayout(buildTearsheetModel(src).equity);
    const rects = bandRects(html);
    let bar = 60;
    t.segments.forEach((s, i) => {
      const x = scale(layout.xs, T0 + bar * MS_PER_DAY);
      const x2 = scale(layout.xs, T0 + (bar + s.bars) * MS_PER_DAY);
      expect(rects[i]!.x).toBeCloseTo(x, 1);
      expect(rects[i]!.w).toBeCloseTo(Math.min(x2, layout.x1) - x, 0);
      bar += s.bars;
    });
    // The warm-up is left blank: the first segment starts a fifth of the way along.
    expect((rects[0]!.x - layout.x0) / (layout.x1 - layout.x0)).toBeGreaterThan(0.18);
    // The legend names all seven regimes, each a datum.
    for (let i = 0; i < NAMES.length; i++) expect(html).toContain(`<span data-path="analysis.regimes.names[${i}]" data-value="${NAMES[i]}">${NAMES[i]}</span>`);
  });

  it('names only values of the report JSON, so the page check of the tearsheet holds', () => {
    const tagged = [...html.matchAll(/data-path="(analysis\.regimes[^"]*)" data-value="([^"]*)"/g)];
    expect(tagged.length).toBe(1 + 5 + NAMES.length);
    for (const [, path, value] of tagged) expect(String(readPath(json, path!))).toBe(value);
  });

  it('leaves the band out of a report without regimes (null, or written before they existed)', () => {
    for (const r of [null, undefined]) {
      const page = renderTearsheet(report(300, r));
      expect(page).not.toContain('chart-regimes');
      expect(page).not.toContain('Market regime');
    }
  });

  it('draws a run of thousands of short segments as at most one rectangle per pixel column, each the regime covering most of it', () => {
    // 4,000 bars alternating 1 bar of bull_quiet and 3 of bear_quiet: every pixel column is mostly bear_quiet.
    const parts: [string, number][] = [];
    for (let k = 0; k < 1000; k++) parts.push(['bull_quiet', 1], ['bear_quiet', 3]);
    const big = timeline(0, parts);
    const layout = lineChartLayout(buildTearsheetModel(report(4000, big)).equity);
    const runs = bandRuns(big, layout.xs);
    expect(runs.length).toBeLessThanOrEqual(Math.round(layout.x1 - layout.x0));
    expect(new Set(runs.map((r) => big.segments[r.seg]!.regime))).toEqual(new Set(['bear_quiet']));
    // Neighbouring columns of one regime are merged: one rectangle from the first bar to the end of the plot.
    expect(runs).toHaveLength(1);
    expect(runs[0]!.x).toBeCloseTo(layout.x0, 6);
    // Blocks of 400 bars (wider than a column) keep their own rectangles.
    const blocks = timeline(0, Array.from({ length: 10 }, (_, k) => [k % 2 === 0 ? 'bull_quiet' : 'crisis', 400] as [string, number]));
    expect(bandRuns(blocks, layout.xs).map((r) => blocks.segments[r.seg]!.regime)).toEqual(blocks.segments.map((s) => s.regime));
  });
});
