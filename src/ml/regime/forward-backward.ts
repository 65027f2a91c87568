// The scaled forward-backward pass over complete rows: the likelihood, the smoothed posteriors and the
// expected transition counts Baum-Welch needs.
import { InputError } from '../../core/errors.ts';
import type { EmissionModel } from './hmm-params.ts';

/** Index of the first row with no NaN (rows when none). */
export function firstComplete(x: Float64Array, rows: number, d: number): number {
  outer: for (let t = 0; t < rows; t++) {
    for (let j = 0; j < d; j++) if (Number.isNaN(x[t * d + j]!)) continue outer;
    return t;
  }
  return rows;
}

export interface ForwardBackward {
  readonly logLikelihood: number;
  /** Smoothed posteriors, n x k (empty unless asked for). */
  readonly gamma: Float64Array;
  /** Expected transition counts summed over time, k x k (empty unless asked for). */
  readonly xiSum: Float64Array;
}

/**
 * Scaled forward-backward (Rabiner's scaling, emissions shifted by their per-row maximum so nothing
 * underflows). `x` holds n complete rows. With `posteriors` false only the likelihood is computed.
 */
export function forwardBackward(m: EmissionModel, x: Float64Array, n: number, posteriors: boolean): ForwardBackward {
  const { k, d, a, pi } = m;
  const b = new Float64Array(n * k);
  const alpha = new Float64Array(n * k);
  const c = new Float64Array(n);
  const logb = new Float64Array(k);
  let ll = 0;
  for (let t = 0; t < n; t++) {
    if (!m.logEmission(x, t * d, logb)) throw new InputError(`HMM input row ${t} holds NaN`);
    let max = -Infinity;
    for (let s = 0; s < k; s++) if (logb[s]! > max) max = logb[s]!;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const bj = Math.exp(logb[j]! - max);
      b[t * k + j] = bj;
      let pred = 0;
      if (t === 0) pred = pi[j]!;
      else for (let i = 0; i < k; i++) pred += alpha[(t - 1) * k + i]! * a[i * k + j]!;
      const v = pred * bj;
      alpha[t * k + j] = v;
      sum += v;
    }
    c[t] = sum;
    for (let j = 0; j < k; j++) alpha[t * k + j]! /= sum;
    ll += Math.log(sum) + max;
  }
  if (!posteriors) return { logLikelihood: ll, gamma: new Float64Array(0), xiSum: new Float64Array(0) };
  const gamma = new Float64Array(n * k);
  const xiSum = new Float64Array(k * k);
  const beta = new Float64Array(k).fill(1);
  const tmp = new Float64Array(k);
  for (let s = 0; s < k; s++) gamma[(n - 1) * k + s] = alpha[(n - 1) * k + s]!;
  for (let t = n - 2; t >= 0; t--) {
    // tmp_j = b_{t+1}(j) beta_{t+1}(j) / c_{t+1}
    for (let j = 0; j < k; j++) tmp[j] = (b[(t + 1) * k + j]! * beta[j]!) / c[t + 1]!;
    let g = 0;
    for (let i = 0; i < k; i++) {
      const al = alpha[t * k + i]!;
      let bi = 0;
      for (let j = 0; j < k; j++) {
        const w = a[i * k + j]! * tmp[j]!;
        bi += w;
        xiSum[i * k + j]! += al * w;
      }
      beta[i] = bi;
      const gi = al * bi;
      gamma[t * k + i] = gi;
      g += gi;
    }
    for (let i = 0; i < k; i++) gamma[t * k + i]! /= g;
  }
  return { logLikelihood: ll, gamma, xiSum };
}
