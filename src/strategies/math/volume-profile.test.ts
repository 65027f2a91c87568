import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { volumeProfile } from './volume-profile.ts';

/** [high, low, volume] rows as the three columns. */
function cols(rows: readonly (readonly [number, number, number])[]): [number[], number[], number[]] {
  return [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])];
}

describe('volumeProfile', () => {
  // Bins of 1: [99,100) [100,101) [101,102) [102,103) [103,104).
  // 100-102 x 200: 100 to each of bins 100 and 101. 101 x 300 (no range): all to bin 101.
  // 101.5-103.5 x 400: 100 to bin 101, 200 to bin 102, 100 to bin 103. 99-100 x 50: a high on a
  // bin edge belongs to the bin below, so all 50 to bin 99.
  const rows = [
    [102, 100, 200],
    [101, 101, 300],
    [103.5, 101.5, 400],
    [100, 99, 50],
  ] as const;

  it('spreads each bar over its range: volume per bin, origin, total', () => {
    const p = volumeProfile(...cols(rows), { binSize: 1 })!;
    expect(p.origin).toBe(99);
    expect([...p.volumes]).toEqual([50, 100, 500, 200, 100]);
    expect(p.total).toBe(950);
  });

  it('finds the point of control and grows the 70% value area towards the larger neighbour', () => {
    const p = volumeProfile(...cols(rows), { binSize: 1 })!;
    expect([p.pocIndex, p.poc]).toEqual([2, 101.5]);
    // 500 (POC), then bin 102 (200 > 100 below): 700 >= 0.7 x 950 = 665.
    expect([p.valIndex, p.vahIndex, p.val, p.vah]).toEqual([2, 3, 101, 103]);
    // 90% needs 855: then bin 100 (100 vs 100 above: both on a tie) -> 900.
    const wide = volumeProfile(...cols(rows), { binSize: 1, valueArea: 0.9 })!;
    expect([wide.val, wide.vah]).toEqual([100, 104]);
  });

  it('marks high-volume peaks and low-volume troughs inside the profile', () => {
    const p = volumeProfile(...cols(rows), { binSize: 1 })!;
    expect(p.hvn).toEqual([101.5]); // 500 >= 1.5 x mean 190
    expect(p.lvn).toEqual([]);
    // Two peaks of 300 with a trough of 20 between them (mean 206.67).
    const twin = volumeProfile(...cols([[100.5, 100.5, 300], [101.5, 101.5, 20], [102.5, 102.5, 300]]), { binSize: 1, hvnRatio: 1.2 })!;
    expect(twin.hvn).toEqual([100.5, 102.5]);
    expect(twin.lvn).toEqual([101.5]);
    // Equal peaks: the POC is the one nearer the middle, else the lower.
    expect(twin.poc).toBe(100.5);
  });

  it('puts the grid on the anchor and handles bins finer than the bars', () => {
    const p = volumeProfile([101], [100], [100], { binSize: 0.25, anchor: 0.1 })!;
    // Bins from 99.85: [99.85,100.1) gets 0.1/1 of the volume, three full bins 25 each, [100.85,101.1) gets 15.
    expect(p.origin).toBeCloseTo(99.85, 12);
    expect([...p.volumes].map((v) => Math.round(v * 1e9) / 1e9)).toEqual([10, 25, 25, 25, 15]);
  });

  it('does not depend on the order of the bars and keeps all the volume', () => {
    const rng = new Rng(3);
    const bars = Array.from({ length: 60 }, () => {
      const low = 90 + 20 * rng.next();
      return [low + 3 * rng.next(), low, Math.floor(1000 * rng.next())] as const;
    });
    const a = volumeProfile(...cols(bars), { binSize: 0.5 })!;
    const shuffled = [...bars].sort((x, y) => x[1] - y[1]);
    const b = volumeProfile(...cols(shuffled), { binSize: 0.5 })!;
    expect(b.poc).toBe(a.poc);
    expect([b.val, b.vah]).toEqual([a.val, a.vah]);
    const sum = a.volumes.reduce((s, v) => s + v, 0);
    expect(sum).toBeCloseTo(bars.reduce((s, r) => s + r[2], 0), 6);
    const inVa = a.volumes.subarray(a.valIndex, a.vahIndex + 1).reduce((s, v) => s + v, 0);
    expect(inVa / a.total).toBeGreaterThanOrEqual(0.7 - 1e-12);
    expect(a.val).toBeLessThanOrEqual(a.poc);
    expect(a.vah).toBeGreaterThanOrEqual(a.poc);
  });

  it('returns null without bars or volume and rejects a bad bin size', () => {
    expect(volumeProfile([], [], [], { binSize: 1 })).toBeNull();
    expect(volumeProfile([101], [100], [0], { binSize: 1 })).toBeNull();
    expect(() => volumeProfile([101], [100], [1], { binSize: 0 })).toThrow(RangeError);
  });
});
