// Eigen-decomposition of a small real symmetric matrix by the cyclic Jacobi method: plane rotations
// zero the off-diagonal entries one by one until they are negligible. O(n^3) per sweep and usually
// under ten sweeps; accurate to working precision, also for clustered or repeated eigenvalues. Meant
// for correlation matrices of a few dozen assets.
import { InputError } from '../../core/errors.ts';

export interface SymmetricEigen {
  readonly n: number;
  /** Eigenvalues, largest first. */
  readonly values: Float64Array;
  /**
   * Eigenvectors, row-major n x n: column j (entries `vectors[i * n + j]`) belongs to `values[j]`.
   * Orthonormal; each column's sign makes its largest-magnitude entry positive (first one on ties).
   */
  readonly vectors: Float64Array;
  /** Sweeps the iteration took. */
  readonly sweeps: number;
}

const MAX_SWEEPS = 100;

/** Eigenvalues and eigenvectors of the symmetric n x n matrix `a` (row-major; only symmetry is assumed, checked to 1e-9 relative). */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`matrix size must be a positive integer, got ${n}`);
  if (a.length !== n * n) throw new InputError(`a ${n} x ${n} matrix needs ${n * n} entries, got ${a.length}`);
  const m = Float64Array.from(a);
  let scale = 0;
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(m[i]!)) throw new InputError(`matrix entry ${i} is not a finite number`);
    scale = Math.max(scale, Math.abs(m[i]!));
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(m[i * n + j]! - m[j * n + i]!) > 1e-9 * Math.max(1, scale)) throw new InputError(`matrix is not symmetric at (${i}, ${j})`);
      m[j * n + i] = m[i * n + j]!;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;

  let sweeps = 0;
  for (; sweeps < MAX_SWEEPS; sweeps++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += m[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) off += m[i * n + j]! ** 2;
    }
    if (off === 0 || off <= 1e-30 * diag) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        // Entries too small to change either diagonal element are set to zero.
        const g = 100 * Math.abs(apq);
        if (sweeps > 3 && Math.abs(app) + g === Math.abs(app) && Math.abs(aqq) + g === Math.abs(aqq)) {
          m[p * n + q] = m[q * n + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          if (k === p || k === q) continue;
          const akp = m[k * n + p]!;
          const akq = m[k * n + q]!;
          m[k * n + p] = m[p * n + k] = c * akp - s * akq;
          m[k * n + q] = m[q * n + k] = s * akp + c * akq;
        }
        m[p * n + p] = app - t * apq;
        m[q * n + q] = aqq + t * apq;
        m[p * n + q] = m[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }

  // Sort by eigenvalue, largest first (stable on ties: original column order), and fix signs.
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j]! - m[i * n + i]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, j) => {
    values[j] = m[col * n + col]!;
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(v[i * n + col]!) > Math.abs(big) + 1e-12) big = v[i * n + col]!;
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[i * n + j] = sign * v[i * n + col]!;
  });
  return { n, values, vectors, sweeps };
}
