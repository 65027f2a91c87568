// Lot arithmetic: algorithms count in whole lots (integers) so children add up exactly.
import { ConfigError } from '../../core/errors.ts';
import { roundToStep } from '../../core/math.ts';

export function checkLotSize(lotSize: number): number {
  if (!(lotSize > 0) || !Number.isFinite(lotSize)) throw new ConfigError(`lot size must be a positive number, got ${lotSize}`, { field: 'lotSize' });
  return lotSize;
}

/** Whole lots in `qty`; throws when `qty` is not a positive whole number of lots. */
export function lotsIn(qty: number, lotSize: number, field = 'qty'): number {
  const n = Math.round(qty / lotSize);
  if (!(qty > 0) || !Number.isFinite(qty) || n < 1 || Math.abs(n * lotSize - qty) > 1e-9 * Math.max(1, Math.abs(qty))) {
    throw new ConfigError(`quantity ${qty} is not a positive whole number of lots of ${lotSize}`, { field });
  }
  return n;
}

/** Whole lots that fit in `qty` (rounded down; 0 for non-positive or NaN). */
export function floorLots(qty: number, lotSize: number): number {
  if (!(qty > 0)) return 0;
  if (qty === Infinity) return Infinity;
  return Math.floor(qty / lotSize + 1e-9);
}

/** `lots` x `lotSize` without binary noise (0.07 rather than 0.07000000000000001). */
export function qtyOfLots(lots: number, lotSize: number): number {
  return lots === 0 ? 0 : roundToStep(lots * lotSize, lotSize);
}

/**
 * Splits `totalLots` across slices in proportion to `weights` by rounding the cumulative target
 * down: slice k gets floor(total x W_k / W) - (lots already given), and the last slice with a positive
 * weight takes whatever remains, so the result sums to `totalLots` exactly. Slices after it get 0.
 */
export function allocateLots(totalLots: number, weights: ArrayLike<number>): Float64Array {
  const n = weights.length;
  const out = new Float64Array(n);
  if (n === 0) throw new ConfigError('a schedule needs at least one slice', { field: 'slices' });
  if (!Number.isInteger(totalLots) || totalLots < 0) throw new ConfigError(`total lots must be a whole number >= 0, got ${totalLots}`);
  let sum = 0;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new ConfigError(`slice weight ${i} must be a finite number >= 0, got ${w}`, { field: 'weights' });
    sum += w;
    if (w > 0) last = i;
  }
  if (!(sum > 0)) throw new ConfigError('slice weights are all zero: nothing to schedule against', { field: 'weights' });
  let cum = 0;
  let given = 0;
  for (let i = 0; i < last; i++) {
    cum += weights[i]!;
    const target = Math.min(totalLots, Math.floor((totalLots * cum) / sum + 1e-9));
    const q = target > given ? target - given : 0;
    out[i] = q;
    given += q;
  }
  out[last] = totalLots - given;
  return out;
}
