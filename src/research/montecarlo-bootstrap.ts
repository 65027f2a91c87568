// Resampling schemes for Monte Carlo: each fills `out` with indices into a sample of size n, drawn
// from a seeded Rng so a seed reproduces every path. All schemes are circular where blocks are
// involved (a block running past the end wraps to the start), which makes every index equally likely:
// the expected mean of a resampled series equals the sample mean exactly.
import type { Rng } from '../core/rng.ts';

/**
 * Uniform integer in [0, n) from one 32-bit draw (Rng.int uses two for 53 bits); the bias is at most
 * n / 2^32, far below Monte Carlo noise for any sample that fits in memory.
 */
function below(rng: Rng, n: number): number {
  return ((rng.nextU32() * n) / 4294967296) | 0;
}

/** How returns are cut into blocks: Politis-Romano stationary (geometric lengths) or fixed length. */
export type BlockKind = 'stationary' | 'fixed';

/** i.i.d. bootstrap: n draws with replacement. */
export function iidIndices(rng: Rng, n: number, out: Int32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = below(rng, n);
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates); `out.length` must be n. */
export function permutationIndices(rng: Rng, out: Int32Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = below(rng, i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
}

/**
 * Stationary bootstrap (Politis & Romano 1994): blocks start at uniform indices and run on
 * circularly for a geometric number of steps with mean `meanBlock` (at each step a new block starts
 * with probability 1 / meanBlock). Lengths are drawn directly, one draw per block. meanBlock = 1 is
 * the i.i.d. bootstrap.
 */
export function stationaryIndices(rng: Rng, n: number, meanBlock: number, out: Int32Array): void {
  const logQ = Math.log(1 - 1 / meanBlock);
  let i = 0;
  while (i < out.length) {
    let j = below(rng, n);
    // Geometric on {1, 2, ...}: 1 + floor(ln U / ln(1 - p)), U uniform in (0, 1].
    const len = meanBlock === 1 ? 1 : 1 + Math.floor(Math.log(1 - rng.next()) / logQ);
    for (let k = 0; k < len && i < out.length; k++, i++) {
      out[i] = j;
      if (++j === n) j = 0;
    }
  }
}

/** Circular block bootstrap (Politis & Romano 1992): blocks of exactly `block` indices from uniform starts. */
export function fixedBlockIndices(rng: Rng, n: number, block: number, out: Int32Array): void {
  let i = 0;
  while (i < out.length) {
    let j = below(rng, n);
    for (let k = 0; k < block && i < out.length; k++, i++) {
      out[i] = j;
      if (++j === n) j = 0;
    }
  }
}
