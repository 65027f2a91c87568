import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimate, divergingColor, linePath, renderHeatmap, renderHistogram, renderLineChart, renderMatrix, type Scale } from './svg.ts';

const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;

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

  it('draws one path per line series and one label per datum', () => {
    const svg = renderLineChart({
      id: 'c', title: 'T', x: [0, 1, 2], series: [{ name: 'a', cls: 'strategy', y: [1, 2, 3] }, { name: 'b', cls: 'benchmark', y: [3, 2, 1] }],
      yLabels: [datum('y[0]', 1), datum('y[2]', 3)], xLabels: [datum('t[0]', 'x'), datum('t[2]', 'y')],
    });
    expect(count(svg, /<path class="series/g)).toBe(2);
    expect(count(svg, /data-path=/g)).toBe(4);
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('leaves out a y label that would overlap one placed before it', () => {
    const svg = renderLineChart({
      id: 'c', title: 'T', x: [0, 1], series: [{ name: 'a', cls: 'strategy', y: [0, 1000] }],
      yLabels: [datum('lo', 0), datum('hi', 1000), datum('near', 1)], xLabels: [],
    });
    expect(svg).toContain('data-path="lo"');
    expect(svg).toContain('data-path="hi"');
    expect(svg).not.toContain('data-path="near"');
  });

  it('says so when a series has no value to draw', () => {
    const svg = renderLineChart({ id: 'r', title: 'R', x: [0, 1], series: [{ name: 'a', cls: 'strategy', y: [NaN, NaN] }], yLabels: [], xLabels: [], base: 0 });
    expect(svg).toContain('Not enough bars');
    expect(count(svg, /<path/g)).toBe(0);
  });

  it('draws a closed area for an underwater series', () => {
    const svg = renderLineChart({ id: 'u', title: 'U', x: [0, 1, 2], series: [{ name: 'dd', cls: 'drawdown', y: [0, -0.1, 0], area: true }], yLabels: [], xLabels: [], base: 0 });
    expect(svg).toMatch(/<path class="area drawdown" d="M[^"]*Z"/);
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
    const svg = renderHistogram({ id: 'h', title: 'H', edges: [0, 1, 2, 3], counts: [datum('c0', 4), datum('c1', 0), datum('c2', 1)], xLabels: [], markers: [{ name: 'VaR', datum: datum('v', 0.5) }] });
    expect(count(svg, /<rect class="bar"/g)).toBe(2);
    expect(count(svg, /<line class="marker"/g)).toBe(1);
  });

  it('draws a square per matrix cell, grey where the correlation is undefined', () => {
    const svg = renderMatrix('x', 'X', [datum('l0', 'a'), datum('l1', 'b')], [[datum('m00', 1), datum('m01', null)], [datum('m10', null), datum('m11', 1)]]);
    expect(count(svg, /<rect class="corr/g)).toBe(4);
    expect(count(svg, /<rect class="corr none"/g)).toBe(2);
  });

  it('colours gains green, losses red and zero white', () => {
    expect(divergingColor(0, 1)).toBe('#ffffff');
    // 85 % of the way from white to #16a34a and to #dc2626: 255 + (c − 255) × 0.85 per channel.
    expect(divergingColor(1, 1)).toBe('#39b165');
    expect(divergingColor(-2, 1)).toBe('#e14747');
    expect(divergingColor(Number.NaN, 1)).toBe('#f3f4f6');
  });
});
