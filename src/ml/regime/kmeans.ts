// k-means++ seeding and a few Lloyd iterations: the starting point of each Baum-Welch restart.
// Distances are taken on standardized columns so a return column (~0.01) and a log-volatility column
// (~-4) weigh alike.
import type { Rng } from '../../core/rng.ts';

/** Cluster (0..k-1) of each of `rows` rows of `x` (row-major, `cols` wide, no NaN): k-means++ seeds, then
 * up to `maxIter` Lloyd iterations. */
export function kMeans(x: Float64Array, rows: number, cols: number, k: number, rng: Rng, maxIter = 25): Int32Array {
  const z = standardize(x, rows, cols);
  const centers = new Float64Array(k * cols);
  const d2 = new Float64Array(rows).fill(Infinity);
  // k-means++: first center uniform, each next one drawn with probability proportional to D(x)^2.
  let pick = rng.int(rows);
  for (let c = 0; c < k; c++) {
    centers.set(z.subarray(pick * cols, pick * cols + cols), c * cols);
    if (c === k - 1) break;
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const d = dist2(z, r, centers, c, cols);
      if (d < d2[r]!) d2[r] = d;
      total += d2[r]!;
    }
    pick = total > 0 ? drawProportional(d2, total, rng) : rng.int(rows);
  }
  const labels = new Int32Array(rows).fill(-1);
  const counts = new Float64Array(k);
  // Assign, then move the centers; maxIter 0 keeps the k-means++ seeds (one assignment, no Lloyd step).
  for (let it = 0; ; it++) {
    let changed = 0;
    for (let r = 0; r < rows; r++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = dist2(z, r, centers, c, cols);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (labels[r] !== best) changed++;
      labels[r] = best;
    }
    if (changed === 0 || it === maxIter) break;
    centers.fill(0);
    counts.fill(0);
    for (let r = 0; r < rows; r++) {
      const c = labels[r]!;
      counts[c]!++;
      for (let j = 0; j < cols; j++) centers[c * cols + j]! += z[r * cols + j]!;
    }
    for (let c = 0; c < k; c++) {
      // An empty cluster takes a random row, so every state starts with data.
      if (counts[c] === 0) {
        const r = rng.int(rows);
        centers.set(z.subarray(r * cols, r * cols + cols), c * cols);
        continue;
      }
      for (let j = 0; j < cols; j++) centers[c * cols + j]! /= counts[c]!;
    }
  }
  return labels;
}

function standardize(x: Float64Array, rows: number, cols: number): Float64Array {
  const z = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += x[r * cols + j]!;
    mean /= rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (x[r * cols + j]! - mean) ** 2;
    const sd = Math.sqrt(v / rows) || 1;
    for (let r = 0; r < rows; r++) z[r * cols + j] = (x[r * cols + j]! - mean) / sd;
  }
  return z;
}

function dist2(z: Float64Array, r: number, centers: Float64Array, c: number, cols: number): number {
  let s = 0;
  for (let j = 0; j < cols; j++) {
    const d = z[r * cols + j]! - centers[c * cols + j]!;
    s += d * d;
  }
  return s;
}

function drawProportional(w: Float64Array, total: number, rng: Rng): number {
  let u = rng.next() * total;
  for (let i = 0; i < w.length; i++) {
    u -= w[i]!;
    if (u < 0) return i;
  }
  return w.length - 1;
}
