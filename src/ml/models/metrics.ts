// Scores of probabilistic binary predictions: log loss, Brier score, AUC and a reliability table (the
// calibration plot of the HTML report). Optional sample weights everywhere; `y` is 0/1.

const EPS = 1e-15;

function weightAt(w: ArrayLike<number> | undefined, i: number): number {
  return w ? w[i]! : 1;
}

function sameLength(p: ArrayLike<number>, y: ArrayLike<number>, w: ArrayLike<number> | undefined, who: string): void {
  if (p.length !== y.length || (w && w.length !== y.length)) throw new RangeError(`${who}: predictions, labels and weights differ in length`);
  if (p.length === 0) throw new RangeError(`${who}: no rows`);
}

/** Mean negative log-likelihood (natural log); probabilities clipped to [1e-15, 1 - 1e-15]. */
export function logLoss(p: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): number {
  sameLength(p, y, w, 'logLoss');
  let s = 0;
  let sw = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - EPS, Math.max(EPS, p[i]!));
    const wi = weightAt(w, i);
    s -= wi * (y[i] === 1 ? Math.log(q) : Math.log(1 - q));
    sw += wi;
  }
  return s / sw;
}

/** Mean squared error of the probabilities. */
export function brierScore(p: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): number {
  sameLength(p, y, w, 'brierScore');
  let s = 0;
  let sw = 0;
  for (let i = 0; i < p.length; i++) {
    const wi = weightAt(w, i);
    s += wi * (p[i]! - y[i]!) ** 2;
    sw += wi;
  }
  return s / sw;
}

/** Area under the ROC curve (ties count one half): the chance a random positive outranks a random negative. */
export function auc(p: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): number {
  sameLength(p, y, w, 'auc');
  const idx = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a]! - p[b]!);
  let negBelow = 0;
  let pos = 0;
  let neg = 0;
  let area = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    let tiePos = 0;
    let tieNeg = 0;
    while (j < idx.length && p[idx[j]!] === p[idx[i]!]) {
      const k = idx[j]!;
      if (y[k] === 1) tiePos += weightAt(w, k);
      else tieNeg += weightAt(w, k);
      j++;
    }
    area += tiePos * (negBelow + tieNeg / 2);
    negBelow += tieNeg;
    pos += tiePos;
    neg += tieNeg;
    i = j;
  }
  return pos > 0 && neg > 0 ? area / (pos * neg) : NaN;
}

export interface ReliabilityBin {
  /** Bin edges on the predicted probability: [lo, hi) (the last bin includes 1). */
  readonly lo: number;
  readonly hi: number;
  /** Mean predicted probability of the rows in the bin (NaN when empty). */
  readonly meanPredicted: number;
  /** Observed frequency of y = 1 in the bin (NaN when empty). */
  readonly observed: number;
  /** Number of rows (sum of weights when weighted). */
  readonly count: number;
}

/** Equal-width bins over [0, 1]: mean predicted vs observed frequency and count in each. */
export function reliabilityTable(p: ArrayLike<number>, y: ArrayLike<number>, bins = 10, w?: ArrayLike<number>): ReliabilityBin[] {
  sameLength(p, y, w, 'reliabilityTable');
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError('reliabilityTable: bins must be a positive integer');
  const sp = new Float64Array(bins);
  const sy = new Float64Array(bins);
  const sw = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i]! * bins)));
    const wi = weightAt(w, i);
    sp[b]! += wi * p[i]!;
    sy[b]! += wi * y[i]!;
    sw[b]! += wi;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lo: b / bins, hi: (b + 1) / bins,
    meanPredicted: sw[b]! > 0 ? sp[b]! / sw[b]! : NaN,
    observed: sw[b]! > 0 ? sy[b]! / sw[b]! : NaN,
    count: sw[b]!,
  }));
}
