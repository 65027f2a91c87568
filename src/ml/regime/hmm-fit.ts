// Baum-Welch (EM) for the diagonal Gaussian HMM: k-means++-seeded starts, several restarts with a seeded
// RNG, the best log-likelihood kept, states sorted by the mean of one feature so labels are stable.
import { z } from 'zod';
import { ConfigError, InputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { firstComplete, forwardBackward } from './forward-backward.ts';
import { GaussianHmm } from './hmm.ts';
import { kMeans } from './kmeans.ts';

export const HmmFitSchema = z.object({
  /** Number of hidden states. */
  k: z.number().int().min(1).max(16).default(3),
  /** Independent starts (each k-means++-seeded); the best log-likelihood wins. */
  restarts: z.number().int().min(1).default(5),
  maxIter: z.number().int().min(0).default(200),
  /** Stop when the log-likelihood gains less than tol x rows in one iteration. */
  tol: z.number().positive().default(1e-6),
  seed: z.number().int().default(1),
  /** Floor on every emission variance, as a fraction of that feature's overall variance. */
  minVarFraction: z.number().positive().max(1).default(1e-3),
  /** States are numbered by ascending mean of this feature (0 = the first, e.g. the return). */
  orderBy: z.number().int().min(0).default(0),
  /** Rows in the moving average the even restarts' k-means clusters on (1: raw rows in every restart). */
  initSmoothing: z.number().int().min(1).default(9),
});
export type HmmFitConfig = z.input<typeof HmmFitSchema>;

export interface HmmFitResult {
  readonly model: GaussianHmm;
  readonly logLikelihood: number;
  /** EM updates made by the winning restart. */
  readonly iterations: number;
  readonly converged: boolean;
  /** Final log-likelihood of every restart, in order. */
  readonly restartLogLikelihoods: readonly number[];
}

const PROB_FLOOR = 1e-10;

/**
 * Fits a k-state diagonal Gaussian HMM to `rows` rows of `x` (row-major, `featureNames.length` wide).
 * Leading rows holding NaN (a feature's warm-up) are skipped; a NaN after them is an InputError.
 */
export function fitGaussianHmm(x: Float64Array, rows: number, featureNames: readonly string[], config: HmmFitConfig = {}): HmmFitResult {
  const parsed = HmmFitSchema.safeParse(config);
  if (!parsed.success) throw new ConfigError(`HMM fit: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const cfg = parsed.data;
  const d = featureNames.length;
  if (cfg.orderBy >= d) throw new ConfigError(`HMM fit: orderBy ${cfg.orderBy} is not one of the ${d} features`);
  const first = firstComplete(x, rows, d);
  const n = rows - first;
  if (n < cfg.k * 2) throw new InputError(`HMM fit: ${n} complete rows are too few for ${cfg.k} states`);
  const data = x.slice(first * d, rows * d);
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) throw new InputError(`HMM fit: row ${first + Math.floor(i / d)} holds a non-finite value`);

  const minVar = columnVariances(data, n, d).map((v) => Math.max(v * cfg.minVarFraction, 1e-300));
  const rng = new Rng(cfg.seed);
  let best: { model: GaussianHmm; ll: number; iterations: number; converged: boolean } | undefined;
  const lls: number[] = [];
  for (let r = 0; r < cfg.restarts; r++) {
    // Even restarts cluster the smoothed rows (Lloyd-refined); odd ones start from raw k-means++ seeds.
    const smoothed = r % 2 === 0 && cfg.initSmoothing > 1;
    const init = initialModel(data, n, d, cfg.k, featureNames, minVar, rng.fork(), smoothed ? cfg.initSmoothing : 1, smoothed ? 25 : 0);
    const run = emRun(data, n, d, cfg, minVar, init);
    lls.push(run.ll);
    if (best === undefined || run.ll > best.ll) best = run;
  }
  const model = orderStates(best!.model, cfg.orderBy);
  return { model, logLikelihood: best!.ll, iterations: best!.iterations, converged: best!.converged, restartLogLikelihoods: lls };
}

function emRun(x: Float64Array, n: number, d: number, cfg: z.output<typeof HmmFitSchema>, minVar: Float64Array, init: GaussianHmm): { model: GaussianHmm; ll: number; iterations: number; converged: boolean } {
  const { k } = cfg;
  const names = init.featureNames;
  let model = init;
  let prev = -Infinity;
  let ll: number;
  let it = 0;
  let converged = false;
  for (;;) {
    const fb = forwardBackward(model, x, n, true);
    ll = fb.logLikelihood;
    if (ll - prev < cfg.tol * n) {
      converged = true;
      break;
    }
    if (it === cfg.maxIter) break;
    prev = ll;
    model = mStep(x, n, d, k, names, fb.gamma, fb.xiSum, minVar);
    it++;
  }
  // The model returned is the one whose likelihood `ll` was measured.
  return { model: new GaussianHmm(model, ll), ll, iterations: it, converged };
}

/**
 * A starting model: rows clustered by k-means (on a centered moving average of `smooth` rows when > 1,
 * so a persistent state's level shows through its noise: on returns, raw k-means splits the volatile
 * state by the sign of the return instead), cluster means of the raw rows, every state with the
 * data's overall variance (as hmmlearn does), transitions counted from the cluster sequence.
 */
function initialModel(x: Float64Array, n: number, d: number, k: number, names: readonly string[], minVar: Float64Array, rng: Rng, smooth: number, lloydIters: number): GaussianHmm {
  const labels = kMeans(smooth > 1 ? movingAverage(x, n, d, smooth) : x, n, d, k, rng, lloydIters);
  const centers = new Float64Array(k * d);
  const cnt = new Float64Array(k);
  for (let t = 0; t < n; t++) {
    cnt[labels[t]!]!++;
    for (let j = 0; j < d; j++) centers[labels[t]! * d + j]! += x[t * d + j]!;
  }
  for (let s = 0; s < k; s++) for (let j = 0; j < d; j++) centers[s * d + j]! /= Math.max(1, cnt[s]!);
  const total = columnVariances(x, n, d);
  const vars = new Float64Array(k * d);
  for (let s = 0; s < k; s++) for (let j = 0; j < d; j++) vars[s * d + j] = Math.max(total[j]!, minVar[j]!);
  // Transitions from the k-means label sequence, with one pseudo-count per cell.
  const a = new Float64Array(k * k).fill(1);
  for (let t = 1; t < n; t++) a[labels[t - 1]! * k + labels[t]!]!++;
  normalizeRows(a, k);
  const pi = new Float64Array(k).fill(1 / k);
  return new GaussianHmm({ k, d, pi, a, means: centers, vars, featureNames: names });
}

function mStep(x: Float64Array, n: number, d: number, k: number, names: readonly string[], gamma: Float64Array, xiSum: Float64Array, minVar: Float64Array): GaussianHmm {
  const pi = new Float64Array(k);
  for (let s = 0; s < k; s++) pi[s] = Math.max(gamma[s]!, PROB_FLOOR);
  normalize(pi);
  const a = xiSum.map((v) => Math.max(v, PROB_FLOOR));
  normalizeRows(a, k);
  const w = new Float64Array(k);
  const means = new Float64Array(k * d);
  for (let t = 0; t < n; t++) {
    for (let s = 0; s < k; s++) {
      const g = gamma[t * k + s]!;
      w[s]! += g;
      for (let j = 0; j < d; j++) means[s * d + j]! += g * x[t * d + j]!;
    }
  }
  for (let s = 0; s < k; s++) for (let j = 0; j < d; j++) means[s * d + j] = w[s]! > 0 ? means[s * d + j]! / w[s]! : 0;
  const vars = new Float64Array(k * d);
  for (let t = 0; t < n; t++) {
    for (let s = 0; s < k; s++) {
      const g = gamma[t * k + s]!;
      for (let j = 0; j < d; j++) vars[s * d + j]! += g * (x[t * d + j]! - means[s * d + j]!) ** 2;
    }
  }
  for (let s = 0; s < k; s++) for (let j = 0; j < d; j++) vars[s * d + j] = Math.max(w[s]! > 0 ? vars[s * d + j]! / w[s]! : 0, minVar[j]!);
  return new GaussianHmm({ k, d, pi, a, means, vars, featureNames: names });
}

/** The same model with states renumbered by ascending mean of feature `col` (ties keep their order). */
export function orderStates(m: GaussianHmm, col: number): GaussianHmm {
  const { k, d } = m;
  const order = Array.from({ length: k }, (_, s) => s).sort((p, q) => m.mean(p, col) - m.mean(q, col) || p - q);
  const pi = new Float64Array(k);
  const a = new Float64Array(k * k);
  const means = new Float64Array(k * d);
  const vars = new Float64Array(k * d);
  order.forEach((old, s) => {
    pi[s] = m.pi[old]!;
    means.set(m.means.subarray(old * d, old * d + d), s * d);
    vars.set(m.vars.subarray(old * d, old * d + d), s * d);
    order.forEach((oldTo, j) => (a[s * k + j] = m.a[old * k + oldTo]!));
  });
  return new GaussianHmm({ k, d, pi, a, means, vars, featureNames: m.featureNames }, m.logLikelihood);
}

function columnVariances(x: Float64Array, n: number, d: number): Float64Array {
  const v = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let t = 0; t < n; t++) mean += x[t * d + j]!;
    mean /= n;
    for (let t = 0; t < n; t++) v[j]! += (x[t * d + j]! - mean) ** 2;
    v[j]! /= n;
  }
  return v;
}

function normalize(p: Float64Array): void {
  let s = 0;
  for (const v of p) s += v;
  for (let i = 0; i < p.length; i++) p[i]! /= s;
}

function normalizeRows(a: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) normalize(a.subarray(i * k, i * k + k));
}

/** Centered moving average of each column over w rows (shorter at the ends). */
function movingAverage(x: Float64Array, n: number, d: number, w: number): Float64Array {
  const out = new Float64Array(n * d);
  const h = Math.floor(w / 2);
  for (let t = 0; t < n; t++) {
    const lo = Math.max(0, t - h);
    const hi = Math.min(n - 1, t + h);
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let u = lo; u <= hi; u++) s += x[u * d + j]!;
      out[t * d + j] = s / (hi - lo + 1);
    }
  }
  return out;
}
