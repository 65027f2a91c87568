import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from '../core/time.ts';
import { drawdownEpisodes, drawdownSeries, drawdownTable, maxDrawdown, maxDrawdownDuration, ulcerIndex } from './drawdown.ts';

const days = (n: number): number[] => Array.from({ length: n }, (_, i) => i * MS_PER_DAY);
const equityArb = fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 80 });

describe('drawdown series and maximum', () => {
  it('measures each bar against the running peak', () => {
    const dd = drawdownSeries([100, 120, 90, 130, 117]);
    expect(Array.from(dd)).toEqual([0, 0, 90 / 120 - 1, 0, 117 / 130 - 1]);
    expect(maxDrawdown([100, 120, 90, 130, 117])).toBeCloseTo(-0.25, 15);
  });

  it('counts a fall from the first bar', () => {
    expect(maxDrawdown([100, 50, 60])).toBeCloseTo(-0.5, 15);
    expect(maxDrawdown([])).toBeNull();
  });

  it('lies in [−1, 0] for any positive curve', () => {
    fc.assert(
      fc.property(equityArb, (e) => {
        const m = maxDrawdown(e)!;
        return m <= 0 && m >= -1;
      }),
    );
  });

  it('is zero for a non-decreasing curve, with no episodes and zero duration', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 60 }), (steps) => {
        const e = [100];
        for (const s of steps) e.push(e[e.length - 1]! + s);
        expect(maxDrawdown(e)).toBe(0);
        expect(drawdownEpisodes(days(e.length), e)).toEqual([]);
        expect(maxDrawdownDuration(days(e.length), e)).toEqual({ bars: 0, days: 0 });
        expect(ulcerIndex(e)).toBe(0);
      }),
    );
  });

  it('does not change when the curve is scaled', () => {
    fc.assert(
      fc.property(equityArb, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (e, k) => {
        expect(maxDrawdown(e.map((x) => x * k))).toBeCloseTo(maxDrawdown(e)!, 12);
      }),
    );
  });
});

describe('drawdown episodes', () => {
  it('runs from the last bar at the peak to the first bar back at it', () => {
    const e = [100, 100, 90, 80, 95, 100, 110, 105, 108];
    const eps = drawdownEpisodes(days(e.length), e);
    expect(eps).toHaveLength(2);
    expect(eps[0]).toMatchObject({ startIndex: 1, troughIndex: 3, recoveryIndex: 5, lengthBars: 4, recoveryBars: 2, lengthDays: 4, recoveryDays: 2 });
    expect(eps[0]!.depth).toBeCloseTo(-0.2, 15);
    // Still under water at the end: no recovery, length up to the last bar.
    expect(eps[1]).toMatchObject({ startIndex: 6, troughIndex: 7, recoveryIndex: null, recoveryMs: null, lengthBars: 2, recoveryBars: null, recoveryDays: null });
    expect(maxDrawdownDuration(days(e.length), e)).toEqual({ bars: 4, days: 4 });
  });

  it('sorts the table worst first and keeps the top n', () => {
    const e = [100, 90, 100, 70, 100, 95, 100];
    const t = drawdownTable(days(e.length), e, 2);
    expect(t.map((x) => x.startIndex)).toEqual([2, 0]);
    expect(drawdownTable(days(e.length), e)).toHaveLength(3);
  });

  it('agrees with the underwater series: the deepest episode is the max drawdown and episodes cover exactly the bars under water', () => {
    fc.assert(
      fc.property(equityArb, (e) => {
        const eps = drawdownEpisodes(days(e.length), e);
        const dd = drawdownSeries(e);
        const worst = eps.reduce((m, x) => Math.min(m, x.depth), 0);
        expect(worst).toBeCloseTo(maxDrawdown(e)!, 12);
        let under = 0;
        for (const x of dd) if (x < 0) under++;
        const covered = eps.reduce((s, x) => s + (x.recoveryIndex ?? e.length) - x.startIndex - 1, 0);
        expect(covered).toBe(under);
      }),
    );
  });

  it('requires one timestamp per bar', () => {
    expect(() => drawdownEpisodes([0, 1], [1, 2, 3])).toThrow(/timeMs/);
  });
});

describe('ulcer index', () => {
  it('is the root mean square of the underwater series', () => {
    const e = [100, 80, 100, 90];
    expect(ulcerIndex(e)).toBeCloseTo(Math.sqrt((0.2 ** 2 + 0.1 ** 2) / 4), 15);
  });
});
