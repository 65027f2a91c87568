import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { binomial, blockBounds, blockMoments, chooseBlocks, combinations, cscv, cscvFromMoments, sharpeFromMoments } from '../../src/research/pbo.ts';

function noise(trials: number, bars: number, seed: number, drift: (i: number) => number = () => 0): Float64Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: trials }, (_, i) => Float64Array.from({ length: bars }, () => drift(i) + 0.01 * rng.normal()));
}

describe('CSCV probability of backtest overfitting', () => {
  it('is near one half when every trial is pure noise (averaged over studies)', () => {
    // One study's PBO is widely spread (its combinations share blocks); over 20 seeds the mean is near 1/2.
    const pbos = Array.from({ length: 20 }, (_, i) => cscv(noise(20, 1000, i + 1), { blocks: 10 }).pbo);
    const mean = pbos.reduce((a, b) => a + b, 0) / pbos.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.7);
    expect(Math.min(...pbos)).toBeLessThan(0.4);
    expect(Math.max(...pbos)).toBeGreaterThan(0.6);
  });

  it('is zero when one trial is truly better: it wins in sample and ranks first out of sample', () => {
    const r = cscv(noise(20, 1000, 9, (i) => (i === 7 ? 0.004 : 0)), { blocks: 10 });
    expect(r.pbo).toBe(0);
    expect(r.combinations).toBe(252);
    for (const l of r.logits) expect(l).toBeCloseTo(Math.log(20), 12);
    expect(r.probOosLoss).toBe(0);
  });

  it('is one when the in-sample winner is always the out-of-sample loser', () => {
    // Trial 0 earns in the first half and loses in the second; trial 1 the opposite.
    const rng = new Rng(4);
    const a = Float64Array.from({ length: 200 }, (_, t) => (t < 100 ? 0.01 : -0.01) + 0.001 * rng.normal());
    const b = Float64Array.from({ length: 200 }, (_, t) => (t < 100 ? -0.01 : 0.01) + 0.001 * rng.normal());
    const r = cscv([a, b], { blocks: 2 });
    expect(r.combinations).toBe(2);
    expect(r.pbo).toBe(1);
    for (const l of r.logits) expect(l).toBeCloseTo(Math.log(0.5), 12);
    expect(r.probOosLoss).toBe(1);
  });

  it('ranks ties at their average rank', () => {
    // Three identical trials: the train-best ties with the other two out of sample, rank 2 of 3.
    const x = noise(1, 100, 2)[0]!;
    const r = cscv([x, x, x], { blocks: 4 });
    for (const l of r.logits) expect(l).toBe(0);
    expect(r.pbo).toBe(1);
  });

  it('gives the same answer from block moments as from the returns matrix', () => {
    const m = noise(12, 600, 5, (i) => 0.0003 * i);
    const direct = cscv(m, { blocks: 8, measure: (r) => {
      let s = 0;
      for (const v of r) s += v;
      const mean = s / r.length;
      let ss = 0;
      for (const v of r) ss += (v - mean) ** 2;
      return mean / Math.sqrt(ss / (r.length - 1));
    } });
    const moments = cscvFromMoments(m.map((r) => blockMoments(r, 8)), 8);
    expect(moments.pbo).toBe(direct.pbo);
    for (let i = 0; i < direct.logits.length; i++) expect(moments.logits[i]).toBeCloseTo(direct.logits[i]!, 9);
    for (let i = 0; i < direct.inSample.length; i++) expect(moments.inSample[i]).toBeCloseTo(direct.inSample[i]!, 9);
  });

  it('cuts blocks evenly and enumerates every half-split once', () => {
    expect(Array.from(blockBounds(10, 4))).toEqual([0, 2, 5, 7, 10]);
    expect(Array.from(blockMoments(Float64Array.of(1, 2, 3, 4, 5), 2))).toEqual([2, 3, 5, 3, 12, 50]);
    const c = combinations(6, 3);
    expect(c).toHaveLength(binomial(6, 3));
    expect(new Set(c).size).toBe(20);
    for (const mask of c) expect(mask.toString(2).split('').filter((b) => b === '1')).toHaveLength(3);
    expect(sharpeFromMoments(3, 6, 14)).toBeCloseTo(2, 12);
  });

  it('lowers the block count for large studies and short histories', () => {
    expect(chooseBlocks(100, 5000)).toBe(16);
    expect(chooseBlocks(10_000, 5000)).toBe(12);
    expect(chooseBlocks(100, 30)).toBe(6);
    expect(chooseBlocks(1e9, 5000)).toBe(2);
  });

  it('refuses fewer than two trials and odd block counts', () => {
    expect(() => cscv(noise(1, 100, 1), { blocks: 4 })).toThrow(/at least 2 trials/);
    expect(() => cscv(noise(3, 100, 1), { blocks: 5 })).toThrow(/even/);
  });
});
