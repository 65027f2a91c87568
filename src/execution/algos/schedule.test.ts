import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../../core/time.ts';
import { BarSeries } from '../../model/bar.ts';
import { flatProfile, profileMass, uShapedProfile, volumeProfileFromBars } from './profile.ts';
import { bucketIntervals, planTwap, planVwap } from './schedule.ts';
import type { ParentOrder, Schedule } from './types.ts';

const DAY0 = Date.UTC(2024, 0, 2);
const OPEN = 14 * MS_PER_HOUR + 30 * MS_PER_MINUTE;
const CLOSE = 21 * MS_PER_HOUR;

function parent(qty: number, startMs = DAY0 + OPEN, endMs = DAY0 + CLOSE, id = 'P1'): ParentOrder {
  return { id, symbol: 'XYZ', side: 'buy', qty, startMs, endMs };
}

function lotSum(s: Schedule): number {
  return s.slices.reduce((a, x) => a + x.lots, 0);
}

describe('planTwap', () => {
  it('sums exactly to the parent for any quantity, slice count and lot size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 1, max: 200 }), fc.constantFrom(1, 0.01, 0.001, 1e-8, 100), (lots, n, lot) => {
        const s = planTwap(parent(lots * lot), { slices: n, lotSize: lot });
        expect(s.slices).toHaveLength(n);
        expect(lotSum(s)).toBe(lots);
        if (lot >= 1) expect(s.slices.reduce((a, x) => a + x.qty, 0)).toBe(lots * lot);
        for (const x of s.slices) expect(x.qty).toBe(Number((x.lots * lot).toPrecision(12)));
      }),
      { numRuns: 300 },
    );
  });

  it('makes slices that differ by at most one lot and tile the window', () => {
    const s = planTwap(parent(1000), { slices: 7 });
    const q = s.slices.map((x) => x.lots);
    expect(Math.max(...q) - Math.min(...q)).toBeLessThanOrEqual(1);
    expect(s.slices[0]!.startMs).toBe(DAY0 + OPEN);
    expect(s.slices[6]!.endMs).toBe(DAY0 + CLOSE);
    for (let i = 1; i < 7; i++) expect(s.slices[i]!.startMs).toBe(s.slices[i - 1]!.endMs);
  });

  it('randomizes sizes reproducibly from the seed and within the asked amount', () => {
    const a = planTwap(parent(100_000), { slices: 20, randomize: { seed: 7, amount: 0.3 } });
    const b = planTwap(parent(100_000), { slices: 20, randomize: { seed: 7, amount: 0.3 } });
    const c = planTwap(parent(100_000), { slices: 20, randomize: { seed: 8, amount: 0.3 } });
    expect(a.slices.map((x) => x.lots)).toEqual(b.slices.map((x) => x.lots));
    expect(a.slices.map((x) => x.lots)).not.toEqual(c.slices.map((x) => x.lots));
    expect(lotSum(a)).toBe(100_000);
    // Weights in [0.7, 1.3] normalise to at most 1.3 / 0.7 of the mean and at least 0.7 / 1.3 of it.
    for (const x of a.slices) {
      expect(x.lots).toBeLessThanOrEqual(5000 * (1.3 / 0.7) + 1);
      expect(x.lots).toBeGreaterThanOrEqual(5000 * (0.7 / 1.3) - 1);
    }
    expect(new Set(a.slices.map((x) => x.lots)).size).toBeGreaterThan(10);
  });

  it('rejects a parent that is not whole lots or has an empty window', () => {
    expect(() => planTwap(parent(10.5), { slices: 3 })).toThrow(/whole number of lots/);
    expect(() => planTwap(parent(10, 5, 5), { slices: 3 })).toThrow(/end time must be after/);
    expect(() => planTwap(parent(10), { slices: 0 })).toThrow(/slices/);
  });
});

describe('volume profiles', () => {
  const u = uShapedProfile({ bucketMs: 30 * MS_PER_MINUTE, openMs: OPEN, closeMs: CLOSE, curvature: 2 });

  it('U shape is heavy at the open and close, light at midday and zero outside the session', () => {
    const w = u.weights;
    const first = OPEN / (30 * MS_PER_MINUTE);
    const last = CLOSE / (30 * MS_PER_MINUTE) - 1;
    const mid = Math.floor((first + last) / 2);
    expect(w[first]!).toBeGreaterThan(w[mid]! * 2);
    expect(w[last]!).toBeGreaterThan(w[mid]! * 2);
    expect(w[first - 1]).toBe(0);
    expect(w[last + 1]).toBe(0);
    for (let b = first + 1; b <= mid; b++) expect(w[b]!).toBeLessThanOrEqual(w[b - 1]!);
  });

  it('integrates partial buckets in proportion to the time covered', () => {
    const b = 30 * MS_PER_MINUTE;
    const whole = profileMass(u, DAY0 + OPEN, DAY0 + OPEN + b);
    expect(profileMass(u, DAY0 + OPEN, DAY0 + OPEN + b / 3)).toBeCloseTo(whole / 3, 12);
    expect(profileMass(u, DAY0, DAY0 + MS_PER_DAY)).toBeCloseTo(u.weights.reduce((a, x) => a + x, 0), 9);
    expect(profileMass(u, DAY0, DAY0 + 2 * MS_PER_DAY)).toBeCloseTo(2 * u.weights.reduce((a, x) => a + x, 0), 9);
  });

  it('learns the time-of-day profile from history as mean volume per bucket per day', () => {
    const hourly: { tsEventMs: number; open: number; high: number; low: number; close: number; volume: number }[] = [];
    for (let d = 0; d < 3; d++) {
      for (let h = 14; h < 21; h++) hourly.push({ tsEventMs: DAY0 + d * MS_PER_DAY + h * MS_PER_HOUR, open: 1, high: 1, low: 1, close: 1, volume: (h === 14 ? 300 : 100) * (d + 1) });
    }
    const p = volumeProfileFromBars(BarSeries.fromBars('XYZ', hourly, MS_PER_HOUR), MS_PER_HOUR);
    expect(p.weights[14]).toBeCloseTo((300 + 600 + 900) / 3, 9);
    expect(p.weights[15]).toBeCloseTo((100 + 200 + 300) / 3, 9);
    expect(p.weights[13]).toBe(0);
  });
});

describe('planVwap', () => {
  const u = uShapedProfile({ bucketMs: 5 * MS_PER_MINUTE, openMs: OPEN, closeMs: CLOSE });

  it('sums exactly to the parent and follows the profile, one slice per bucket', () => {
    const s = planVwap(parent(1_000_000), { profile: u });
    expect(s.slices).toHaveLength(78);
    expect(lotSum(s)).toBe(1_000_000);
    const total = u.weights.reduce((a, x) => a + x, 0);
    for (const x of s.slices) {
      const b = Math.floor((x.startMs - DAY0) / (5 * MS_PER_MINUTE));
      expect(Math.abs(x.lots - (1_000_000 * u.weights[b]!) / total)).toBeLessThanOrEqual(1);
    }
    expect(s.slices[0]!.lots).toBeGreaterThan(s.slices[39]!.lots * 2);
  });

  it('sums exactly for any window, profile and quantity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500_000 }),
        fc.integer({ min: 0, max: 6 * 60 }),
        fc.integer({ min: 1, max: 3 * 24 * 60 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 24, maxLength: 24 }),
        fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
        (qty, startMin, lenMin, w, slices) => {
          fc.pre(w.some((x) => x > 0));
          const profile = { bucketMs: MS_PER_HOUR, weights: Float64Array.from(w) };
          const start = DAY0 + startMin * MS_PER_MINUTE;
          const p = parent(qty, start, start + lenMin * MS_PER_MINUTE);
          if (profileMass(profile, p.startMs, p.endMs) <= 0) {
            expect(() => planVwap(p, { profile, slices })).toThrow(/no volume inside/);
            return;
          }
          const s = planVwap(p, { profile, slices });
          expect(lotSum(s)).toBe(qty);
          expect(s.slices[0]!.startMs).toBe(p.startMs);
          expect(s.slices[s.slices.length - 1]!.endMs).toBe(p.endMs);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('on a flat profile equals TWAP with the same intervals', () => {
    const p = parent(9999);
    const v = planVwap(p, { profile: flatProfile(5 * MS_PER_MINUTE), slices: 13 });
    const t = planTwap(p, { slices: 13 });
    expect(v.slices.map((x) => x.lots)).toEqual(t.slices.map((x) => x.lots));
  });

  it('aligns intervals on bucket boundaries with partial first and last intervals', () => {
    expect([...bucketIntervals(7, 31, 10)]).toEqual([7, 10, 20, 30, 31]);
    expect([...bucketIntervals(10, 20, 10)]).toEqual([10, 20]);
  });
});
