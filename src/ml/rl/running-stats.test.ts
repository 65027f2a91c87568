import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RewardScaler, RunningMeanStd } from './running-stats.ts';

describe('RunningMeanStd', () => {
  it('merged batch by batch, equals the mean and population variance of all rows', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fc.tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
      (batches) => {
        const rs = new RunningMeanStd(2);
        for (const b of batches) rs.update(Float64Array.from(b.flat()), b.length);
        const all = batches.flat();
        for (let j = 0; j < 2; j++) {
          const xs = all.map((r) => r[j]!);
          const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
          const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length;
          // The 1e-4 starting count (mean 0, var 1) weighs 1e-4 / (n + 1e-4) of the result.
          const tol = 1e-3 * (1 + Math.abs(mean) + variance);
          expect(Math.abs(rs.mean[j]! - mean)).toBeLessThan(tol);
          expect(Math.abs(rs.var[j]! - variance)).toBeLessThan(tol + 1e-3 * mean * mean);
        }
      },
    ), { numRuns: 200 });
  });

  it('normalizes to (x - mean) / sd, clipped, and round-trips through save/load', () => {
    const rs = new RunningMeanStd(1);
    rs.update(Float64Array.of(1, 3, 5, 7), 4); // mean 4, var 5
    const out = new Float64Array(3);
    rs.normalize(Float64Array.of(4, 4 + Math.sqrt(5), 1000), 3, out, 10);
    expect(out[0]).toBeCloseTo(0, 3);
    expect(out[1]).toBeCloseTo(1, 3);
    expect(out[2]).toBe(10);
    const back = RunningMeanStd.load(JSON.parse(JSON.stringify(rs.save())));
    expect(Array.from(back.mean)).toEqual(Array.from(rs.mean));
    expect(Array.from(back.var)).toEqual(Array.from(rs.var));
    expect(back.count).toBe(rs.count);
  });
});

describe('RewardScaler', () => {
  it('divides rewards by the running sd of the discounted return, which restarts after an episode ends', () => {
    const s = new RewardScaler(1, 0.5, 1e9);
    const r1 = Float64Array.of(2);
    s.scale(r1, Uint8Array.of(0)); // return 2
    const sd1 = Math.sqrt(s.stats.var[0]!);
    expect(r1[0]).toBeCloseTo(2 / Math.sqrt(sd1 * sd1 + 1e-8), 6);
    const r2 = Float64Array.of(2);
    s.scale(r2, Uint8Array.of(1)); // return 0.5 * 2 + 2 = 3, then forgotten
    const r3 = Float64Array.of(4);
    s.scale(r3, Uint8Array.of(0)); // return 4 (not 0.5 * 3 + 4)
    expect(s.stats.mean[0]).toBeCloseTo((2 + 3 + 4) / 3, 3);
    expect(r3[0]).toBeCloseTo(4 / Math.sqrt(2 / 3 + 1e-8), 2); // population var of 2, 3, 4
  });

  it('clips scaled rewards', () => {
    // One return seen: its variance is nearly 0, so the scaled reward is huge and clipped.
    const s = new RewardScaler(1, 0.9, 5);
    const r = Float64Array.of(-100);
    s.scale(r, Uint8Array.of(0));
    expect(r[0]).toBe(-5);
  });
});
