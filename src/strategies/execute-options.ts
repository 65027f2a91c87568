// What ctx.execute takes: the algorithm and its params, validated with zod so a bad param is a
// ConfigError naming it (`execute twap: field "slices": ...`).
import { z } from 'zod';
import type { ExecAlgo, ExecReport, VolumeProfile } from '../execution/algos/index.ts';
import type { OrderSide } from '../model/order.ts';
import { parseArgs } from './parse.ts';

const randomize = z.strictObject({ seed: z.number().int(), amount: z.number().min(0).lt(1) });
const profile = z.custom<VolumeProfile>(
  (v) => typeof v === 'object' && v !== null && typeof (v as VolumeProfile).bucketMs === 'number' && (v as VolumeProfile).weights instanceof Float64Array,
  { message: 'must be a VolumeProfile ({ bucketMs, weights: Float64Array }; see uShapedProfile, volumeProfileFromBars)' },
);

/** Fields every algorithm takes. The window is [start, start + durationMs); start defaults to now. */
const common = {
  /** Length of the window in ms. */
  durationMs: z.number().int().positive(),
  /** Start of the window, epoch ms (default: the current time). Children go out from the first bar at or after it. */
  startMs: z.number().int().optional(),
  /** Worst price for every child (buy: at most, sell: at least); market children when omitted. */
  limitPrice: z.number().positive().finite().optional(),
  /** Most a child (and all children between two bars) may be, as a fraction of the latest bar's volume; null = no cap. Default 1. */
  participationCap: z.number().positive().max(1).nullable().optional(),
  /** Parent order id (default `<strategy>-algo-<n>`); children are tagged `<id>.<seq>`. */
  id: z.string().min(1).optional(),
};

export const ExecuteOptionsSchema = z.discriminatedUnion('algo', [
  z.strictObject({ ...common, algo: z.literal('twap'), slices: z.number().int().positive(), randomize: randomize.optional() }),
  z.strictObject({
    ...common, algo: z.literal('vwap'),
    /** The intraday volume profile to follow; built from the symbol's bars so far with `bucketMs` when omitted. */
    profile: profile.optional(),
    /** Bucket of the profile built from history (default: the bar interval). */
    bucketMs: z.number().int().positive().optional(),
    slices: z.number().int().positive().optional(),
  }),
  z.strictObject({ ...common, algo: z.literal('pov'), rate: z.number().positive().max(1), minSlice: z.number().positive().optional(), maxSlice: z.number().positive().optional() }),
  z.strictObject({
    ...common, algo: z.literal('almgren-chriss'),
    periods: z.number().int().positive(), sigma: z.number().min(0).finite(), eta: z.number().positive().finite(),
    gamma: z.number().min(0).finite().optional(), epsilon: z.number().min(0).finite().optional(), lambda: z.number().min(0).finite(),
    tau: z.number().positive().finite().optional(),
  }),
  z.strictObject({ ...common, algo: z.literal('iceberg'), limitPrice: z.number().positive().finite(), display: z.number().positive(), randomize: randomize.optional() }),
]);

/** ctx.execute's options: `{ algo: 'twap', durationMs, slices }`, `{ algo: 'pov', durationMs, rate }`, ... */
export type ExecuteOptions = z.input<typeof ExecuteOptionsSchema>;
export type ParsedExecuteOptions = z.output<typeof ExecuteOptionsSchema>;

export function parseExecuteOptions(opts: unknown): ParsedExecuteOptions {
  const algo = typeof opts === 'object' && opts !== null ? String((opts as { algo?: unknown }).algo) : '';
  return parseArgs(ExecuteOptionsSchema, opts, `execute ${algo}`.trim());
}

/**
 * A parent order being worked by an execution algorithm; read-only, current at every read. Its progress
 * fields are the algorithm's own (ExecAlgo): state, filled, remaining and working quantity, average price.
 */
export interface AlgoHandle extends Pick<ExecAlgo, 'algo' | 'state' | 'filledQty' | 'remainingQty' | 'workingQty' | 'avgPrice' | 'isFinished'> {
  readonly id: string;
  readonly symbol: string;
  readonly side: OrderSide;
  /** Parent quantity (unsigned). */
  readonly qty: number;
  /** Stops sending children and cancels the working ones; what filled stays filled. */
  cancel(): void;
  /** Children, fills and totals so far. */
  report(): ExecReport;
}
