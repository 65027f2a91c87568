import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { GaussianHmm } from './hmm.ts';
import { fitGaussianHmm } from './hmm-fit.ts';
import { sampleHmm } from './hmm-sample.ts';

// Three states over (return, log volatility): bear (falling, volatile), sideways, bull (rising, quiet).
const truth3 = new GaussianHmm({
  k: 3,
  d: 2,
  pi: Float64Array.of(1 / 3, 1 / 3, 1 / 3),
  a: Float64Array.of(0.95, 0.03, 0.02, 0.02, 0.96, 0.02, 0.02, 0.03, 0.95),
  means: Float64Array.of(-0.01, -3.6, 0, -4.4, 0.006, -4.9),
  vars: Float64Array.of(0.025 ** 2, 0.25 ** 2, 0.012 ** 2, 0.2 ** 2, 0.008 ** 2, 0.2 ** 2),
  featureNames: ['ret', 'logvol'],
});

const truth2 = new GaussianHmm({
  k: 2,
  d: 1,
  pi: Float64Array.of(0.5, 0.5),
  a: Float64Array.of(0.9, 0.1, 0.05, 0.95),
  means: Float64Array.of(-1, 1),
  vars: Float64Array.of(1, 0.5),
  featureNames: ['x'],
});

function maxTransitionError(fit: GaussianHmm, t: GaussianHmm): number {
  let e = 0;
  for (let i = 0; i < t.k; i++) for (let j = 0; j < t.k; j++) e = Math.max(e, Math.abs(fit.transition(i, j) - t.transition(i, j)));
  return e;
}

/** Largest |fitted mean - true mean| in units of the true state's standard deviation. */
function maxMeanError(fit: GaussianHmm, t: GaussianHmm): number {
  let e = 0;
  for (let s = 0; s < t.k; s++) for (let j = 0; j < t.d; j++) e = Math.max(e, Math.abs(fit.mean(s, j) - t.mean(s, j)) / Math.sqrt(t.vars[s * t.d + j]!));
  return e;
}

function accuracy(a: Int8Array, b: Int8Array): number {
  let ok = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) ok++;
  return ok / a.length;
}

/** All k^n state paths of a tiny sequence: the exact likelihood, posteriors and best path to check against. */
function enumerate(m: GaussianHmm, x: Float64Array, n: number): { ll: number; gamma: Float64Array; best: number[] } {
  const { k } = m;
  const logb = new Float64Array(k);
  const emis: number[][] = [];
  for (let t = 0; t < n; t++) {
    m.logEmission(x, t * m.d, logb);
    emis.push(Array.from(logb));
  }
  let total = 0;
  const gamma = new Float64Array(n * k);
  let best: number[] = [];
  let bestP = -Infinity;
  const path = new Array<number>(n).fill(0);
  for (let code = 0; code < k ** n; code++) {
    let c = code;
    for (let t = 0; t < n; t++) {
      path[t] = c % k;
      c = Math.floor(c / k);
    }
    let lp = Math.log(m.pi[path[0]!]!) + emis[0]![path[0]!]!;
    for (let t = 1; t < n; t++) lp += Math.log(m.transition(path[t - 1]!, path[t]!)) + emis[t]![path[t]!]!;
    const p = Math.exp(lp);
    total += p;
    for (let t = 0; t < n; t++) gamma[t * k + path[t]!]! += p;
    if (lp > bestP) {
      bestP = lp;
      best = [...path];
    }
  }
  return { ll: Math.log(total), gamma: gamma.map((g) => g / total), best };
}

describe('Gaussian HMM fit', () => {
  it('recovers a 3-state HMM: transitions within 0.04, means within 0.2 sd, Viterbi accuracy above 97%', () => {
    const { x, states } = sampleHmm(truth3, 2000, 7);
    const r = fitGaussianHmm(x, 2000, truth3.featureNames, { k: 3, seed: 3 });
    // Measured at these seeds: transition error 0.019, mean error 0.10 sd, accuracy 0.992.
    expect(maxTransitionError(r.model, truth3)).toBeLessThan(0.04);
    expect(maxMeanError(r.model, truth3)).toBeLessThan(0.2);
    expect(accuracy(r.model.viterbi(x, 2000), states)).toBeGreaterThan(0.97);
    // The fit explains the data at least as well as the parameters that generated it.
    expect(r.logLikelihood).toBeGreaterThanOrEqual(truth3.score(x, 2000) - 1e-6);
  });

  it('recovers a 2-state HMM with overlapping emissions: transitions within 0.03, means within 0.15 sd', () => {
    const { x, states } = sampleHmm(truth2, 3000, 11);
    const r = fitGaussianHmm(x, 3000, ['x'], { k: 2, seed: 5 });
    expect(maxTransitionError(r.model, truth2)).toBeLessThan(0.03);
    expect(maxMeanError(r.model, truth2)).toBeLessThan(0.15);
    expect(accuracy(r.model.viterbi(x, 3000), states)).toBeGreaterThan(0.9);
  });

  it('numbers states by ascending mean of the orderBy feature and is deterministic for a seed', () => {
    const { x } = sampleHmm(truth3, 600, 2);
    const a = fitGaussianHmm(x, 600, truth3.featureNames, { k: 3, seed: 9, restarts: 2 });
    const b = fitGaussianHmm(x, 600, truth3.featureNames, { k: 3, seed: 9, restarts: 2 });
    expect(JSON.stringify(a.model.save())).toBe(JSON.stringify(b.model.save()));
    expect(a.model.mean(0, 0)).toBeLessThan(a.model.mean(1, 0));
    expect(a.model.mean(1, 0)).toBeLessThan(a.model.mean(2, 0));
    const byVol = fitGaussianHmm(x, 600, truth3.featureNames, { k: 3, seed: 9, restarts: 2, orderBy: 1 });
    expect(byVol.model.mean(0, 1)).toBeLessThan(byVol.model.mean(1, 1));
    expect(byVol.model.mean(1, 1)).toBeLessThan(byVol.model.mean(2, 1));
  });

  it('never lowers the likelihood from one EM iteration to the next', () => {
    const { x } = sampleHmm(truth3, 400, 4);
    let prev = -Infinity;
    for (let it = 0; it <= 8; it++) {
      const ll = fitGaussianHmm(x, 400, truth3.featureNames, { k: 3, seed: 1, restarts: 1, maxIter: it, tol: 1e-12 }).logLikelihood;
      expect(ll).toBeGreaterThanOrEqual(prev - 1e-9);
      prev = ll;
    }
  });

  it('skips leading NaN rows and rejects a NaN after them or too few rows', () => {
    const { x } = sampleHmm(truth2, 200, 1);
    const padded = new Float64Array(205).fill(NaN);
    padded.set(x, 5);
    expect(fitGaussianHmm(padded, 205, ['x'], { k: 2, restarts: 1 }).model.viterbi(padded, 205).slice(0, 6)[4]).toBe(-1);
    padded[100] = NaN;
    expect(() => fitGaussianHmm(padded, 205, ['x'], { k: 2, restarts: 1 })).toThrow(InputError);
    expect(() => fitGaussianHmm(x, 3, ['x'], { k: 2 })).toThrow(InputError);
  });
});

describe('Gaussian HMM inference', () => {
  it('gives the exact likelihood, smoothed posteriors and Viterbi path of a short sequence (all paths enumerated)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 6 }), (seed, n) => {
        const { x } = sampleHmm(truth3, n, seed);
        const exact = enumerate(truth3, x, n);
        expect(truth3.score(x, n)).toBeCloseTo(exact.ll, 9);
        const g = truth3.smooth(x, n);
        for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(exact.gamma[i]!, 9);
        expect(Array.from(truth3.viterbi(x, n))).toEqual(exact.best);
      }),
      { numRuns: 40 },
    );
  });

  it('filters forward only: the probability at t is unchanged when rows after t are appended', () => {
    const { x } = sampleHmm(truth2, 300, 5);
    const full = truth2.filter(x, 300);
    for (const cut of [1, 17, 150, 299]) {
      const part = truth2.filter(x.subarray(0, cut), cut);
      expect(Array.from(part)).toEqual(Array.from(full.subarray(0, cut * 2)));
    }
    // The smoothed posterior, by contrast, reads the future: it moves when rows are appended.
    const smoothFull = truth2.smooth(x, 300);
    const smoothPart = truth2.smooth(x.subarray(0, 150), 150);
    let moved = 0;
    for (let i = 0; i < 150 * 2; i++) moved = Math.max(moved, Math.abs(smoothPart[i]! - smoothFull[i]!));
    expect(moved).toBeGreaterThan(0.01); // 0.032 at this seed
    for (let t = 0; t < 300; t++) expect(full[t * 2]! + full[t * 2 + 1]!).toBeCloseTo(1, 12);
  });

  it('streams the same filter bar by bar, NaN until the first complete row, predicting through a gap', () => {
    const { x } = sampleHmm(truth2, 50, 8);
    x[0] = NaN;
    x[20] = NaN;
    const batch = truth2.filter(x, 50);
    const f = truth2.createFilter();
    for (let t = 0; t < 50; t++) expect(Array.from(f.update(x, t))).toEqual(Array.from(batch.subarray(t * 2, t * 2 + 2)));
    expect(Number.isNaN(batch[0]!)).toBe(true);
    // Row 20 is missing: its probability is row 19's pushed through the transition matrix.
    const p19 = [batch[38]!, batch[39]!];
    expect(batch[40]).toBeCloseTo(p19[0]! * 0.9 + p19[1]! * 0.05, 14);
  });

  it('recovers from an observation its transitions call impossible instead of going NaN', () => {
    const stuck = new GaussianHmm({ k: 2, d: 1, pi: Float64Array.of(1, 0), a: Float64Array.of(1, 0, 0, 1), means: Float64Array.of(0, 100), vars: Float64Array.of(1, 1), featureNames: ['x'] });
    const p = stuck.filter(Float64Array.of(0, 100, 100), 3);
    expect(Array.from(p.subarray(0, 2))).toEqual([1, 0]);
    expect(p[3]).toBeCloseTo(1, 12);
    expect(p[5]).toBeCloseTo(1, 12);
  });

  it('saves to JSON and loads to the same predictions bit for bit; refuses a malformed file', () => {
    const { x } = sampleHmm(truth3, 400, 6);
    const m = fitGaussianHmm(x, 400, truth3.featureNames, { k: 3, restarts: 2 }).model;
    const back = GaussianHmm.load(JSON.parse(JSON.stringify(m.save())));
    expect(Array.from(back.filter(x, 400))).toEqual(Array.from(m.filter(x, 400)));
    expect(Array.from(back.viterbi(x, 400))).toEqual(Array.from(m.viterbi(x, 400)));
    expect(back.logLikelihood).toBe(m.logLikelihood);
    const bad = JSON.parse(JSON.stringify(m.save()));
    bad.state.vars[0] = -1;
    expect(() => GaussianHmm.load(bad)).toThrow(InputError);
    expect(() => GaussianHmm.load({ ...m.save(), params: { k: 2, d: 2, featureNames: ['a', 'b'] } })).toThrow(InputError);
  });
});
