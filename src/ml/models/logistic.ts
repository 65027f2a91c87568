// L2-regularised logistic regression, the baseline every other model must beat. Standardized inputs, fitted
// by Newton's method (IRLS) with step halving: deterministic, exact to convergence, weighted rows.
// Objective: sum_i w_i * logloss_i + l2/2 * |beta|^2 (the intercept is not penalised).
import type { Classifier, SavedModel, TrainSet } from '../types.ts';
import { f64FromBase64, toBase64 } from './base64.ts';
import { checkPredictInput, checkTrainSet } from './classifier.ts';
import { fitScaler, scale, scalerFromState, scalerToState, type Scaler } from './standardize.ts';

export interface LogisticParams {
  readonly l2: number;
  readonly maxIter: number;
  /** Stop when the largest coefficient change is below this. */
  readonly tol: number;
}

const DEFAULTS: LogisticParams = { l2: 1, maxIter: 100, tol: 1e-10 };

/** Solves A x = b for a symmetric positive definite A (n x n, row-major) by Cholesky; A is overwritten. */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! ** 2;
    if (!(d > 0)) throw new Error('logistic: Hessian is not positive definite');
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / ljj;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i * n + k]! * z[k]!;
    z[i] = s / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * z[k]!;
    z[i] = s / a[i * n + i]!;
  }
  return z;
}

export class LogisticClassifier implements Classifier {
  readonly kind = 'logistic';
  readonly params: LogisticParams;
  #scaler: Scaler | undefined;
  /** Intercept then one coefficient per standardized column. */
  #beta: Float64Array | undefined;

  constructor(params: Partial<LogisticParams> = {}) {
    this.params = { ...DEFAULTS, ...params };
    if (!(this.params.l2 >= 0)) throw new RangeError('logistic: l2 must be >= 0');
    if (!Number.isInteger(this.params.maxIter) || this.params.maxIter < 1) throw new RangeError('logistic: maxIter must be a positive integer');
  }

  /** Intercept and coefficients on the standardized columns (undefined before fit). */
  get coefficients(): Float64Array | undefined {
    return this.#beta?.slice();
  }

  // async so bad input rejects like every other classifier's fit.
  async fit(data: TrainSet): Promise<void> {
    checkTrainSet(data, 'logistic');
    const { rows, cols, y, weight } = data;
    const scaler = fitScaler(data.x, rows, cols);
    const z = scale(scaler, data.x, rows);
    const d = cols + 1;
    const l2 = this.params.l2;
    const objective = (b: Float64Array): number => {
      let s = 0;
      for (let r = 0; r < rows; r++) {
        let m = b[0]!;
        for (let c = 0; c < cols; c++) m += b[c + 1]! * z[r * cols + c]!;
        // log(1 + e^m) - y m, computed stably.
        const sp = m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
        s += (weight ? weight[r]! : 1) * (sp - y[r]! * m);
      }
      for (let c = 1; c < d; c++) s += 0.5 * l2 * b[c]! ** 2;
      return s;
    };
    let beta = new Float64Array(d);
    let f = objective(beta);
    for (let it = 0; it < this.params.maxIter; it++) {
      const g = new Float64Array(d);
      const h = new Float64Array(d * d);
      const row = new Float64Array(d);
      row[0] = 1;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) row[c + 1] = z[r * cols + c]!;
        let m = 0;
        for (let c = 0; c < d; c++) m += beta[c]! * row[c]!;
        const p = 1 / (1 + Math.exp(-m));
        const wr = weight ? weight[r]! : 1;
        const e = wr * (p - y[r]!);
        const s = wr * p * (1 - p);
        for (let i = 0; i < d; i++) {
          g[i]! += e * row[i]!;
          const si = s * row[i]!;
          for (let j = 0; j <= i; j++) h[i * d + j]! += si * row[j]!;
        }
      }
      for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) h[j * d + i] = h[i * d + j]!;
      h[0] = h[0]! + 1e-10;
      for (let c = 1; c < d; c++) {
        g[c]! += l2 * beta[c]!;
        h[c * d + c]! += l2 + 1e-10;
      }
      const step = choleskySolve(h, g, d);
      // Step halving keeps each Newton step a descent step.
      let t = 1;
      let next = beta;
      let fn = f;
      for (let k = 0; k < 30; k++) {
        next = beta.map((b, i) => b - t * step[i]!);
        fn = objective(next);
        if (fn <= f) break;
        t /= 2;
      }
      let change = 0;
      for (let i = 0; i < d; i++) change = Math.max(change, Math.abs(next[i]! - beta[i]!));
      beta = next;
      f = fn;
      if (change < this.params.tol) break;
    }
    this.#scaler = scaler;
    this.#beta = beta;
  }

  predict(x: Float64Array, rows: number): Float64Array {
    const cols = checkPredictInput(x, rows, this.#scaler?.mean.length, 'logistic');
    const { mean, std } = this.#scaler!;
    const b = this.#beta!;
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let m = b[0]!;
      for (let c = 0; c < cols; c++) {
        const v = (x[r * cols + c]! - mean[c]!) / std[c]!;
        if (v === v) m += b[c + 1]! * v;
      }
      out[r] = 1 / (1 + Math.exp(-m));
    }
    return out;
  }

  save(): SavedModel {
    if (!this.#scaler || !this.#beta) throw new Error('logistic: save before fit');
    return { kind: this.kind, format: 1, params: { ...this.params }, state: { scaler: scalerToState(this.#scaler), beta: toBase64(this.#beta) } };
  }

  static restore(saved: SavedModel): LogisticClassifier {
    const c = new LogisticClassifier(saved.params as Partial<LogisticParams>);
    const s = saved.state as { scaler?: unknown; beta?: string };
    c.#scaler = scalerFromState(s?.scaler);
    c.#beta = f64FromBase64(s.beta as string, 'logistic beta');
    if (c.#beta.length !== c.#scaler.mean.length + 1) throw new RangeError('logistic: coefficients do not match the columns');
    return c;
  }
}
