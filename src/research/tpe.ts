// Tree-structured Parzen Estimator (Bergstra et al. 2011), univariate as in hyperopt and Optuna.
//
// The trials so far are split by score: the best ⌈γ·n⌉ are "good", the rest "bad" (unscored trials
// are bad). Each parameter gets two Parzen densities, l(x) over the good values and g(x) over the
// bad ones: for a numeric parameter a mixture of Gaussians truncated to its range (one per observed
// value, bandwidth = the larger gap to its sorted neighbours, clipped, plus a wide prior component);
// for a categorical one smoothed frequencies. Candidates are drawn from l and the one maximizing
// l(x)/g(x) — the expected improvement is monotone in this ratio — is proposed. Grid steps quantize:
// a candidate snaps to the grid and its density is the mass of its grid cell.
import { normalCdf, normalPdf } from '../analytics/stats.ts';
import type { Rng } from '../core/rng.ts';
import { domainSize, domainValue, snap, type ParamDomain, type ParamSpace } from './space.ts';
import type { ParamValue, Params } from './types.ts';

export interface TpeOptions {
  /** Share of trials that are "good" (default 0.25). */
  readonly gamma?: number;
  /** Candidates drawn from l(x) per proposal (default 24). */
  readonly candidates?: number;
  /** Weight of the prior component of each density (default 1). */
  readonly priorWeight?: number;
}

export interface Observation {
  readonly params: Params;
  readonly score: number | null;
}

type Numeric = Exclude<ParamDomain, { kind: 'choice' }>;

/** A one-dimensional density that can be sampled and evaluated (log). */
interface Density {
  sample(rng: Rng): ParamValue;
  logPdf(x: ParamValue): number;
}

/** Truncated-Gaussian mixture over [lo, hi] (cells of width `step` when quantized). */
class ParzenNumeric implements Density {
  readonly #mus: number[];
  readonly #sigmas: number[];
  readonly #weights: number[];
  readonly #mass: number[];
  readonly #lo: number;
  readonly #hi: number;
  readonly #half: number;

  constructor(
    readonly d: Numeric,
    values: readonly number[],
    priorWeight: number,
  ) {
    const step = d.step ?? 0;
    this.#half = step / 2;
    this.#lo = d.lo - this.#half;
    this.#hi = d.hi + this.#half;
    const width = this.#hi - this.#lo;
    const priorMu = (d.lo + d.hi) / 2;
    const priorSigma = width;
    const pts = values.map((v, i) => ({ mu: v, w: 1, prior: false, i })).concat([{ mu: priorMu, w: priorWeight, prior: true, i: -1 }]);
    pts.sort((a, b) => a.mu - b.mu || a.i - b.i);
    const n = values.length;
    const minSigma = priorSigma / Math.min(100, 1 + n);
    this.#mus = [];
    this.#sigmas = [];
    this.#weights = [];
    this.#mass = [];
    pts.forEach((p, k) => {
      let sigma: number;
      if (p.prior) sigma = priorSigma;
      else {
        const left = k > 0 ? p.mu - pts[k - 1]!.mu : p.mu - this.#lo;
        const right = k < pts.length - 1 ? pts[k + 1]!.mu - p.mu : this.#hi - p.mu;
        sigma = Math.min(priorSigma, Math.max(minSigma, left, right));
      }
      this.#mus.push(p.mu);
      this.#sigmas.push(sigma);
      this.#weights.push(p.w);
      this.#mass.push(normalCdf((this.#hi - p.mu) / sigma) - normalCdf((this.#lo - p.mu) / sigma));
    });
    const total = this.#weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < this.#weights.length; i++) this.#weights[i]! /= total;
  }

  sample(rng: Rng): number {
    let u = rng.next();
    let k = 0;
    while (k < this.#weights.length - 1 && u >= this.#weights[k]!) u -= this.#weights[k++]!;
    const mu = this.#mus[k]!;
    const sigma = this.#sigmas[k]!;
    let x = NaN;
    for (let tries = 0; tries < 64; tries++) {
      const y = mu + sigma * rng.normal();
      if (y >= this.#lo && y <= this.#hi) {
        x = y;
        break;
      }
    }
    if (Number.isNaN(x)) x = this.#lo + rng.next() * (this.#hi - this.#lo);
    return snap(this.d, x);
  }

  logPdf(v: ParamValue): number {
    const x = v as number;
    let p = 0;
    for (let k = 0; k < this.#mus.length; k++) {
      const mu = this.#mus[k]!;
      const s = this.#sigmas[k]!;
      const z = this.#mass[k]!;
      if (!(z > 0)) continue;
      if (this.#half > 0) {
        const a = Math.max(this.#lo, x - this.#half);
        const b = Math.min(this.#hi, x + this.#half);
        p += (this.#weights[k]! * (normalCdf((b - mu) / s) - normalCdf((a - mu) / s))) / z;
      } else {
        p += (this.#weights[k]! * normalPdf((x - mu) / s)) / (s * z);
      }
    }
    return Math.log(Math.max(p, 1e-300));
  }
}

/** Smoothed frequencies: (count + priorWeight / K) / (n + priorWeight). */
class ParzenChoice implements Density {
  readonly #p: number[];
  constructor(
    readonly values: readonly ParamValue[],
    observed: readonly ParamValue[],
    priorWeight: number,
  ) {
    const k = values.length;
    const counts = values.map((v) => observed.filter((o) => o === v).length);
    this.#p = counts.map((c) => (c + priorWeight / k) / (observed.length + priorWeight));
  }
  sample(rng: Rng): ParamValue {
    let u = rng.next();
    for (let i = 0; i < this.#p.length - 1; i++) {
      if (u < this.#p[i]!) return this.values[i]!;
      u -= this.#p[i]!;
    }
    return this.values[this.values.length - 1]!;
  }
  logPdf(x: ParamValue): number {
    const i = this.values.indexOf(x);
    return i < 0 ? -Infinity : Math.log(this.#p[i]!);
  }
}

function density(d: ParamDomain, values: readonly ParamValue[], priorWeight: number): Density {
  if (d.kind === 'choice') return new ParzenChoice(d.values, values, priorWeight);
  return new ParzenNumeric(d, values as number[], priorWeight);
}

/** Splits observations into the best ⌈γ·n⌉ (scored, by descending score) and the rest. */
export function splitGoodBad(history: readonly Observation[], gamma: number): { good: Observation[]; bad: Observation[] } {
  const sorted = [...history].sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity));
  const scored = sorted.filter((o) => o.score !== null).length;
  const nGood = Math.min(Math.max(1, Math.ceil(gamma * history.length)), Math.max(1, scored));
  return { good: sorted.slice(0, nGood), bad: sorted.slice(nGood) };
}

export class TpeSampler {
  readonly gamma: number;
  readonly candidates: number;
  readonly priorWeight: number;

  constructor(
    readonly space: ParamSpace,
    readonly rng: Rng,
    opts: TpeOptions = {},
  ) {
    this.gamma = opts.gamma ?? 0.25;
    this.candidates = opts.candidates ?? 24;
    this.priorWeight = opts.priorWeight ?? 1;
    if (!(this.gamma > 0 && this.gamma < 1)) throw new RangeError(`gamma must be in (0, 1), got ${this.gamma}`);
  }

  /**
   * Proposes the candidate with the largest l(x)/g(x) among those `accept` allows (valid and not
   * yet run). Returns null when no acceptable candidate turns up in 10 rounds of draws. `accept`
   * is asked only about a candidate that beats the best acceptable one so far.
   */
  suggest(history: readonly Observation[], accept: (p: Params) => boolean): Params | null {
    const { good, bad } = splitGoodBad(history, this.gamma);
    const l: Density[] = [];
    const g: Density[] = [];
    for (const d of this.space.params) {
      l.push(density(d, good.map((o) => o.params[d.name]!), this.priorWeight));
      g.push(density(d, bad.map((o) => o.params[d.name]!), this.priorWeight));
    }
    let best: Params | null = null;
    let bestScore = -Infinity;
    for (let round = 0; round < 10 && best === null; round++) {
      for (let c = 0; c < this.candidates; c++) {
        const p: Record<string, ParamValue> = {};
        let score = 0;
        this.space.params.forEach((d, i) => {
          const x = domainSize(d) === 1 ? domainValue(d, 0) : l[i]!.sample(this.rng);
          p[d.name] = x;
          score += l[i]!.logPdf(x) - g[i]!.logPdf(x);
        });
        if (score > bestScore && accept(p)) {
          best = p;
          bestScore = score;
        }
      }
    }
    return best;
  }

  /** The log ratio log l(x) − log g(x) of a point under the split of `history` (for tests and reports). */
  logRatio(history: readonly Observation[], p: Params): number {
    const { good, bad } = splitGoodBad(history, this.gamma);
    let s = 0;
    for (const d of this.space.params) {
      const l = density(d, good.map((o) => o.params[d.name]!), this.priorWeight);
      const g = density(d, bad.map((o) => o.params[d.name]!), this.priorWeight);
      s += l.logPdf(p[d.name]!) - g.logPdf(p[d.name]!);
    }
    return s;
  }
}
