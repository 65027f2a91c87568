// Statistics of out-of-sample predictions: the rank information coefficient, hit rate, and the scores of the
// probabilities (AUC, log loss, Brier, reliability), over the rows where both a score and a label exist.
import { auc, brierScore, logLoss, reliabilityTable, type ReliabilityBin } from '../../ml/models/metrics.ts';

/** Average ranks (1-based; ties share their mean rank). */
export function ranks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const r = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]!] === x[idx[i]!]) j++;
    const mean = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]!] = mean;
    i = j + 1;
  }
  return r;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Spearman's rank correlation (Pearson correlation of the average ranks). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError('spearman: x and y differ in length');
  return x.length < 3 ? NaN : pearson(ranks(x), ranks(y));
}

export interface PredictionStats {
  /** Rows with a score and a label. */
  readonly rows: number;
  /** Spearman correlation of the score with the forward log return over the label horizon. */
  readonly ic: number | null;
  /** ic * sqrt((n - 2) / (1 - ic^2)); overlapping horizons (> 1 bar) make it look stronger than it is. */
  readonly icT: number | null;
  /** Share of rows where (score > 0.5) equals the label. */
  readonly hitRate: number | null;
  /** Share of labels equal to 1 (the hit rate of always saying "up"). */
  readonly baseRate: number | null;
  readonly auc: number | null;
  readonly logLoss: number | null;
  readonly brier: number | null;
  readonly reliability: readonly ReliabilityBin[];
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Stats of `score` against `label` (0/1) and `forward` (returns), over rows where all three are defined. */
export function predictionStats(score: ArrayLike<number>, label: ArrayLike<number>, forward: ArrayLike<number>): PredictionStats {
  const p: number[] = [];
  const y: number[] = [];
  const f: number[] = [];
  for (let i = 0; i < score.length; i++) {
    if (Number.isNaN(score[i]!) || Number.isNaN(label[i]!) || Number.isNaN(forward[i]!)) continue;
    p.push(score[i]!);
    y.push(label[i]!);
    f.push(forward[i]!);
  }
  const n = p.length;
  if (n < 3) return { rows: n, ic: null, icT: null, hitRate: null, baseRate: null, auc: null, logLoss: null, brier: null, reliability: [] };
  const ic = spearman(p, f);
  let hits = 0;
  let ups = 0;
  for (let i = 0; i < n; i++) {
    if ((p[i]! > 0.5 ? 1 : 0) === y[i]) hits++;
    ups += y[i]!;
  }
  return {
    rows: n, ic: orNull(ic), icT: orNull(ic * Math.sqrt((n - 2) / (1 - ic * ic))), hitRate: hits / n, baseRate: ups / n,
    auc: orNull(auc(p, y)), logLoss: orNull(logLoss(p, y)), brier: orNull(brierScore(p, y)), reliability: reliabilityTable(p, y, 10),
  };
}
