// Deterministic time schedules: TWAP (equal or seeded-random slices) and VWAP (slices in proportion
// to a volume profile). Quantities are whole lots and sum exactly to the parent.
import { ConfigError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { allocateLots, checkLotSize, lotsIn, qtyOfLots } from './lots.ts';
import { profileMass, type VolumeProfile } from './profile.ts';
import type { AlgoName, ParentOrder, Schedule, ScheduleSlice } from './types.ts';

/** Checks a parent order and returns its quantity in lots. */
export function checkParent(parent: ParentOrder, lotSize: number): number {
  checkLotSize(lotSize);
  if (parent.side !== 'buy' && parent.side !== 'sell') throw new ConfigError(`side must be buy or sell, got ${String(parent.side)}`, { field: 'side' });
  if (!Number.isFinite(parent.startMs) || !Number.isFinite(parent.endMs) || !(parent.endMs > parent.startMs)) {
    throw new ConfigError(`order ${parent.id}: end time must be after start time (${parent.startMs}..${parent.endMs})`, { field: 'endMs' });
  }
  if (parent.limitPrice !== undefined && !(parent.limitPrice > 0)) {
    throw new ConfigError(`order ${parent.id}: limit price must be positive, got ${parent.limitPrice}`, { field: 'limitPrice' });
  }
  return lotsIn(parent.qty, lotSize);
}

/** Splits [startMs, endMs) into `n` intervals on whole milliseconds. */
export function equalIntervals(startMs: number, endMs: number, n: number): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`number of slices must be a whole number >= 1, got ${n}`, { field: 'slices' });
  const edges = new Float64Array(n + 1);
  const span = endMs - startMs;
  for (let i = 0; i <= n; i++) edges[i] = startMs + Math.floor((span * i) / n);
  edges[n] = endMs;
  return edges;
}

/** A schedule from interval edges (n + 1 times) and per-interval weights. */
export function scheduleFromWeights(algo: AlgoName, parent: ParentOrder, lotSize: number, edges: ArrayLike<number>, weights: ArrayLike<number>): Schedule {
  const totalLots = checkParent(parent, lotSize);
  if (edges.length !== weights.length + 1) throw new ConfigError(`need one more edge than weights, got ${edges.length} edges and ${weights.length} weights`);
  const lots = allocateLots(totalLots, weights);
  const slices: ScheduleSlice[] = new Array<ScheduleSlice>(lots.length);
  for (let i = 0; i < lots.length; i++) {
    const l = lots[i]!;
    slices[i] = { index: i, startMs: edges[i]!, endMs: edges[i + 1]!, lots: l, qty: qtyOfLots(l, lotSize) };
  }
  return { algo, parent, lotSize, slices, unscheduledQty: 0, unscheduledLots: 0 };
}

export interface TwapOptions {
  /** Number of equal intervals over [startMs, endMs). */
  readonly slices: number;
  readonly lotSize?: number;
  /**
   * Seeded size randomization: slice weight 1 + amount x (2u - 1), u uniform in [0, 1) from
   * `new Rng(seed)`; amount in [0, 1). The same seed gives the same schedule.
   */
  readonly randomize?: { readonly seed: number; readonly amount: number };
}

/** TWAP: `slices` equal intervals, equal (or seeded-randomized) quantities. */
export function planTwap(parent: ParentOrder, opts: TwapOptions): Schedule {
  const lotSize = opts.lotSize ?? 1;
  const n = opts.slices;
  const edges = equalIntervals(parent.startMs, parent.endMs, n);
  const weights = new Float64Array(n).fill(1);
  const r = opts.randomize;
  if (r !== undefined) {
    if (!(r.amount >= 0 && r.amount < 1)) throw new ConfigError(`randomization amount must be in [0, 1), got ${r.amount}`, { field: 'randomize.amount' });
    const rng = new Rng(r.seed);
    for (let i = 0; i < n; i++) weights[i] = 1 + r.amount * (2 * rng.next() - 1);
  }
  return scheduleFromWeights('twap', parent, lotSize, edges, weights);
}

export interface VwapOptions {
  readonly profile: VolumeProfile;
  /** Equal intervals; when omitted, one interval per profile bucket overlapping the window. */
  readonly slices?: number;
  readonly lotSize?: number;
}

/** Interval edges on the profile's bucket boundaries inside [startMs, endMs). */
export function bucketIntervals(startMs: number, endMs: number, bucketMs: number): Float64Array {
  const first = Math.floor(startMs / bucketMs) + 1;
  const last = Math.ceil(endMs / bucketMs) - 1;
  const inner = Math.max(0, last - first + 1);
  const edges = new Float64Array(inner + 2);
  edges[0] = startMs;
  for (let i = 0; i < inner; i++) edges[i + 1] = (first + i) * bucketMs;
  edges[inner + 1] = endMs;
  return edges;
}

/** VWAP: each interval gets the parent in proportion to the profile's volume inside it. */
export function planVwap(parent: ParentOrder, opts: VwapOptions): Schedule {
  const lotSize = opts.lotSize ?? 1;
  checkParent(parent, lotSize);
  const edges = opts.slices === undefined ? bucketIntervals(parent.startMs, parent.endMs, opts.profile.bucketMs) : equalIntervals(parent.startMs, parent.endMs, opts.slices);
  const n = edges.length - 1;
  const weights = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    weights[i] = profileMass(opts.profile, edges[i]!, edges[i + 1]!);
    total += weights[i]!;
  }
  if (!(total > 0)) throw new ConfigError(`order ${parent.id}: the volume profile has no volume inside the order window`, { field: 'profile' });
  return scheduleFromWeights('vwap', parent, lotSize, edges, weights);
}
