import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textWidth } from './axis.ts';
import { CHART_WIDTH, decimate, divergingColor, FONT_PX, linePath, MARKERS_EXACT, renderHeatmap, renderHistogram, renderLineChart, renderMatrix, type MarkerSpec, type Scale } from './svg.ts';

const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;

interface Label {
  x: number;
  y: number;
  anchor: string;
  tick: number;
  text: string;
  cls: string;
}

/** The axis labels of a chart: position, anchor, tick value and text. */
function axisLabels(svg: string): Label[] {
  const re = /<text class="axis (\w+)" x="([-\d.]+)" y="([-\d.]+)" text-anchor="(\w+)" data-tick="([^"]+)">([^<]*)<\/text>/g;
  const out: Label[] = [];
  for (let m = re.exec(svg); m !== null; m = re.exec(svg)) out.push({ cls: m[1]!, x: Number(m[2]), y: Number(m[3]), anchor: m[4]!, tick: Number(m[5]), text: m[6]! });
  return out;
}

/** The horizontal extent a label covers (by the same generous width estimate the margins use). */
function span(l: Label): [number, number] {
  const w = textWidth(l.text, FONT_PX);
  return l.anchor === 'end' ? [l.x - w, l.x] : l.anchor === 'middle' ? [l.x - w / 2, l.x + w / 2] : [l.x, l.x + w];
}

const viewBox = (svg: string): number[] => /viewBox="([^"]+)"/.exec(svg)![1]!.split(' ').map(Number);

describe('decimate', () => {
  it('keeps every point of a short series and marks NaN as gaps', () => {
    expect(Array.from(decimate([1, 2, NaN, 4], 10))).toEqual([0, 1, -1, 3]);
  });

  it('keeps the lowest and highest point of every column of a long series, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 50, maxLength: 600 }), fc.integer({ min: 3, max: 20 }), (y, columns) => {
        const idx = Array.from(decimate(y, columns));
        const kept = idx.filter((i) => i >= 0);
        for (let k = 1; k < kept.length; k++) expect(kept[k]!).toBeGreaterThan(kept[k - 1]!);
        expect(kept.length).toBeLessThanOrEqual(2 * columns + 1);
        const values = kept.map((i) => y[i]!);
        expect(Math.min(...values)).toBe(Math.min(...y));
        expect(Math.max(...values)).toBe(Math.max(...y));
        expect(kept[kept.length - 1]).toBe(y.length - 1);
      }),
    );
  });
});

describe('linePath', () => {
  it('maps the data to pixels and starts a new sub-path after a gap', () => {
    const xs: Scale = { lo: 0, hi: 3, px0: 0, px1: 300 };
    const ys: Scale = { lo: 0, hi: 10, px0: 100, px1: 0 };
    expect(linePath([0, 1, 2, 3], [0, 10, NaN, 5], xs, ys, 100)).toBe('M0 100L100 0M300 50');
  });
});

describe('charts', () => {
  const datum = (path: string, value: number | string | null) => ({ path, value, fmt: 'num' as const });
  const day = (k: number): number => Date.UTC(1995, 0, 3) + k * 86_400_000;

  it('draws one path per line series and labels the axes with round values', () => {
    const svg = renderLineChart({
      id: 'c', title: 'T', x: [day(0), day(1), day(2)], series: [{ name: 'a', cls: 'strategy', y: [1, 2, 3] }, { name: 'b', cls: 'benchmark', y: [3, 2, 1] }], yFormat: 'num',
    });
    expect(count(svg, /<path class="series/g)).toBe(2);
    const y = axisLabels(svg).filter((l) => l.cls === 'ylabel');
    expect(y.map((l) => l.text)).toEqual(['1.0', '1.5', '2.0', '2.5', '3.0']);
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('keeps the widest equity label (2,500,000 as 2.5M) and every other label inside the viewBox', () => {
    // The equity and buy-and-hold range of the ORCL report whose top label was cut at the left edge.
    const x = Array.from({ length: 5036 }, (_, i) => day((i * 7305) / 5036));
    const eq = x.map((_, i) => 100_000 + (i / 5035) * 386_380.86);
    const bh = x.map((_, i) => 100_000 * Math.exp((i / 5035) * Math.log(20.8257871)));
    const svg = renderLineChart({ id: 'e', title: 'E', x, series: [{ name: 's', cls: 'strategy', y: eq }, { name: 'b', cls: 'benchmark', y: bh }], yFormat: 'compact' });
    const labels = axisLabels(svg);
    expect(labels.filter((l) => l.cls === 'ylabel').map((l) => l.text)).toEqual(['0', '500k', '1M', '1.5M', '2M', '2.5M']);
    expect(labels.filter((l) => l.cls === 'xlabel').map((l) => l.text)).toEqual(['1996', '1998', '2000', '2002', '2004', '2006', '2008', '2010', '2012', '2014']);
    const [vx, vy, vw, vh] = viewBox(svg);
    for (const l of labels) {
      const [a, b] = span(l);
      expect(a, l.text).toBeGreaterThanOrEqual(vx!);
      expect(b, l.text).toBeLessThanOrEqual(vx! + vw!);
      expect(l.y - FONT_PX, l.text).toBeGreaterThanOrEqual(vy!);
      expect(l.y, l.text).toBeLessThanOrEqual(vy! + vh!);
    }
  });

  it('sizes the left margin by the widest label, so long labels do not reach the edge', () => {
    const narrow = renderLineChart({ id: 'n', title: 'N', x: [day(0), day(9)], series: [{ name: 'a', cls: 'strategy', y: [1, 3] }], yFormat: 'num' });
    const wide = renderLineChart({ id: 'w', title: 'W', x: [day(0), day(9)], series: [{ name: 'a', cls: 'strategy', y: [1_000.125, 1_000.5] }], yFormat: 'num' });
    const plotX = (svg: string): number => Number(/<rect class="plot" x="([\d.]+)"/.exec(svg)![1]);
    expect(axisLabels(wide).filter((l) => l.cls === 'ylabel').map((l) => l.text)).toContain('1,000.2');
    expect(plotX(wide)).toBeGreaterThan(plotX(narrow));
    for (const l of axisLabels(wide)) expect(span(l)[0]).toBeGreaterThanOrEqual(0);
  });

  it('draws a log scale with 1, 2, 5 ticks at equal distances per decade', () => {
    const svg = renderLineChart({ id: 'l', title: 'L', x: [day(0), day(1), day(2)], series: [{ name: 'a', cls: 'strategy', y: [100_000, 300_000, 2_082_578.71] }], yFormat: 'compact', logScale: true });
    const y = axisLabels(svg).filter((l) => l.cls === 'ylabel');
    expect(y.map((l) => l.text)).toEqual(['100k', '200k', '500k', '1M', '2M']);
    const at = new Map(y.map((l) => [l.tick, l.y]));
    // 100k → 1M and 200k → 2M are each one decade: the same number of pixels.
    expect(at.get(100_000)! - at.get(1_000_000)!).toBeCloseTo(at.get(200_000)! - at.get(2_000_000)!, 0);
  });

  it('falls back to a linear scale when a value is not positive', () => {
    const svg = renderLineChart({ id: 'l', title: 'L', x: [day(0), day(1)], series: [{ name: 'a', cls: 'strategy', y: [-5, 200] }], yFormat: 'num', logScale: true });
    expect(axisLabels(svg).filter((l) => l.cls === 'ylabel').map((l) => l.text)).toEqual(['-50', '0', '50', '100', '150', '200']);
  });

  it('marks each fill with a triangle: up for a buy, down for a sell', () => {
    const markers: MarkerSpec[] = [
      { side: 'buy', time: day(1), datum: { path: 'fills[0].price', value: 1.08977, fmt: 'price', decimals: 5 }, title: 'Buy' },
      { side: 'sell', time: day(2), datum: { path: 'fills[1].price', value: 1.08874, fmt: 'price', decimals: 5 }, title: 'Sell' },
    ];
    const svg = renderLineChart({ id: 'p', title: 'P', x: [day(0), day(1), day(2), day(3)], series: [{ name: 'Close', cls: 'price', y: [1.0716, 1.0898, 1.0887, 1.0901] }], yFormat: 'num', markers });
    expect(count(svg, /<path class="mk buy"/g)).toBe(1);
    expect(count(svg, /<path class="mk sell"/g)).toBe(1);
    // The buy's apex is above its centre, the sell's below.
    const buy = /<path class="mk buy" d="M[\d.]+ ([\d.]+)L[\d.]+ ([\d.]+)/.exec(svg)!;
    const sell = /<path class="mk sell" d="M[\d.]+ ([\d.]+)L[\d.]+ ([\d.]+)/.exec(svg)!;
    expect(Number(buy[1])).toBeLessThan(Number(buy[2]));
    expect(Number(sell[1])).toBeGreaterThan(Number(sell[2]));
    expect(svg).toContain('data-path="fills[0].price" data-value="1.08977"');
  });

  it('lets fills on the same pixel share a marker only above the exact limit', () => {
    const n = MARKERS_EXACT + 500;
    const markers: MarkerSpec[] = Array.from({ length: n }, (_, i) => ({ side: i % 2 === 0 ? 'buy' : 'sell', time: day(Math.floor(i / 2) % 10), datum: { path: `fills[${i}].price`, value: 100, fmt: 'price' }, title: 'f' }));
    const x = Array.from({ length: 10 }, (_, i) => day(i));
    const svg = renderLineChart({ id: 'p', title: 'P', x, series: [{ name: 'Close', cls: 'price', y: x.map(() => 100) }], yFormat: 'num', markers });
    // 10 distinct times × 2 sides, every one at price 100.
    expect(count(svg, /<path class="mk /g)).toBe(20);
    expect(svg).toMatch(/and \d+ more fills here/);
    const exact = renderLineChart({ id: 'p', title: 'P', x, series: [{ name: 'Close', cls: 'price', y: x.map(() => 100) }], yFormat: 'num', markers: markers.slice(0, MARKERS_EXACT) });
    expect(count(exact, /<path class="mk /g)).toBe(MARKERS_EXACT);
  });

  it('says so when a series has no value to draw', () => {
    const svg = renderLineChart({ id: 'r', title: 'R', x: [0, 1], series: [{ name: 'a', cls: 'strategy', y: [NaN, NaN] }], yFormat: 'num', base: 0 });
    expect(svg).toContain('Not enough bars');
    expect(count(svg, /<path/g)).toBe(0);
  });

  it('draws a closed area for an underwater series with percentage ticks', () => {
    const svg = renderLineChart({ id: 'u', title: 'U', x: [day(0), day(1), day(2)], series: [{ name: 'dd', cls: 'drawdown', y: [0, -0.6123, 0], area: true }], yFormat: 'pct', base: 0 });
    expect(svg).toMatch(/<path class="area drawdown" d="M[^"]*Z"/);
    expect(axisLabels(svg).filter((l) => l.cls === 'ylabel').map((l) => l.text)).toEqual(['-70%', '-60%', '-50%', '-40%', '-30%', '-20%', '-10%', '0%']);
  });

  it('draws a heat-map square per month with data and one per year total', () => {
    const svg = renderHeatmap('m', 'M', ['Jan', 'Feb', 'Mar'], [
      { label: datum('y0', 2020), cells: [null, datum('a', 0.01), datum('b', -0.02)], total: datum('t0', -0.01) },
      { label: datum('y1', 2021), cells: [datum('c', 0.03), null, null], total: datum('t1', 0.03) },
    ]);
    expect(count(svg, /<rect class="cell"/g)).toBe(3);
    expect(count(svg, /<rect class="total"/g)).toBe(2);
  });

  it('draws a bar per non-empty histogram bin', () => {
    const svg = renderHistogram({ id: 'h', title: 'H', edges: [-0.03, -0.01, 0.01, 0.03], counts: [datum('c0', 4), datum('c1', 0), datum('c2', 1)], markers: [{ name: 'VaR', datum: datum('v', -0.02) }] });
    expect(count(svg, /<rect class="bar"/g)).toBe(2);
    expect(count(svg, /<line class="marker"/g)).toBe(1);
    const labels = axisLabels(svg);
    expect(labels.filter((l) => l.cls === 'xlabel').map((l) => l.text)).toEqual(['-3%', '-2%', '-1%', '0%', '1%', '2%', '3%']);
    expect(labels.filter((l) => l.cls === 'ylabel').map((l) => l.text)).toEqual(['0', '1', '2', '3', '4']);
    for (const l of labels) expect(span(l)[1]).toBeLessThanOrEqual(CHART_WIDTH);
  });

  it('draws a square per matrix cell, grey where the correlation is undefined', () => {
    const svg = renderMatrix('x', 'X', [datum('l0', 'a'), datum('l1', 'b')], [[datum('m00', 1), datum('m01', null)], [datum('m10', null), datum('m11', 1)]]);
    expect(count(svg, /<rect class="corr/g)).toBe(4);
    expect(count(svg, /<rect class="corr none"/g)).toBe(2);
  });

  it('makes room for long matrix labels beside the rows and above the turned column heads', () => {
    const short = renderMatrix('x', 'X', [datum('l0', 'a'), datum('l1', 'b')], [[datum('m00', 1), datum('m01', 0.5)], [datum('m10', 0.5), datum('m11', 1)]]);
    const name = 'a-strategy-with-a-long-name';
    const long = renderMatrix('x', 'X', [datum('l0', name), datum('l1', 'b')], [[datum('m00', 1), datum('m01', 0.5)], [datum('m10', 0.5), datum('m11', 1)]]);
    const firstCell = (svg: string): { x: number; y: number } => {
      const m = /<rect class="corr" x="([\d.]+)" y="([\d.]+)"/.exec(svg)!;
      return { x: Number(m[1]), y: Number(m[2]) };
    };
    const w = textWidth(name, FONT_PX);
    expect(firstCell(long).x).toBeGreaterThan(w);
    expect(firstCell(long).y).toBeGreaterThan(w * Math.SQRT1_2);
    expect(firstCell(short).x).toBeLessThan(firstCell(long).x);
    // The last column head, turned 45°, ends inside the viewBox.
    const vw = viewBox(long)[2]!;
    const heads = [...long.matchAll(/<text x="([\d.]+)" y="[\d.]+" class="rowhead" text-anchor="start"[^>]*>([^<]*)</g)];
    for (const h of heads) expect(Number(h[1]) + textWidth(h[2]!, FONT_PX) * Math.SQRT1_2).toBeLessThanOrEqual(vw);
  });

  it('colours gains green, losses red and zero white', () => {
    expect(divergingColor(0, 1)).toBe('#ffffff');
    // 85 % of the way from white to #16a34a and to #dc2626: 255 + (c − 255) × 0.85 per channel.
    expect(divergingColor(1, 1)).toBe('#39b165');
    expect(divergingColor(-2, 1)).toBe('#e14747');
    expect(divergingColor(Number.NaN, 1)).toBe('#f3f4f6');
  });
});
