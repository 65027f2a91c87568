// Triple-barrier labels (López de Prado, AFML ch. 3). From bar i's close, an upper barrier at
// +profitTake * vol[i] and a lower one at -stopLoss * vol[i] (log returns; vol[i] the std of 1-bar log
// returns over the `volWindow` bars up to i, or a given target), and a vertical one `horizon` bars
// later. The label says which barrier the path touches first; `end` is the bar that touched it.
import { windowStd } from '../features/rolling.ts';
import type { BarSeries } from '../../model/bar.ts';
import type { LabelSet } from '../types.ts';
import { weightsFor, type Weighting } from './uniqueness.ts';

export interface TripleBarrierOptions {
  /** The vertical barrier: bars after i (>= 1). */
  readonly horizon: number;
  /** Upper barrier as a multiple of vol[i]; 0 = none. */
  readonly profitTake: number;
  /** Lower barrier as a multiple of vol[i]; 0 = none. */
  readonly stopLoss: number;
  /** Window of the rolling volatility (default 20); ignored when `target` is given. */
  readonly volWindow?: number;
  /** Per-bar barrier width instead of the rolling volatility (log-return units). */
  readonly target?: Float64Array;
  /**
   * 'close' (default, as AFML): a barrier counts when a close reaches it. 'highLow': when a bar's high
   * or low does; a bar reaching both counts as the stop (the order within a bar is unknown).
   */
  readonly touch?: 'close' | 'highLow';
  /** At the vertical barrier: 'sign' (default) labels 1 if the return is > 0, else 0; 'drop' leaves NaN. */
  readonly vertical?: 'sign' | 'drop';
  /** 'uniqueness' (default) or 'none'. */
  readonly weights?: Weighting;
}

export interface TripleBarrierLabels extends LabelSet {
  /** Which barrier: 1 upper, -1 lower, 0 vertical; 0 also where y is NaN. */
  readonly side: Int8Array;
  /** Log return from c[i] to the exit: the touching close, or for 'highLow' the barrier (or the open past it). */
  readonly ret: Float64Array;
  /** The barrier unit used at each row (vol[i] or target[i]). */
  readonly vol: Float64Array;
}

function check(o: TripleBarrierOptions): void {
  if (!Number.isInteger(o.horizon) || o.horizon < 1) throw new RangeError(`tripleBarrier: horizon must be an integer >= 1, got ${o.horizon}`);
  for (const [k, v] of [['profitTake', o.profitTake], ['stopLoss', o.stopLoss]] as const) {
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`tripleBarrier: ${k} must be a finite number >= 0, got ${v}`);
  }
  const w = o.volWindow ?? 20;
  if (!Number.isInteger(w) || w < 2) throw new RangeError(`tripleBarrier: volWindow must be an integer >= 2, got ${w}`);
}

/** Labels 1 (profit-take first, or a positive return at the vertical barrier) or 0; NaN where unknown. */
export function tripleBarrier(series: BarSeries, options: TripleBarrierOptions): TripleBarrierLabels {
  check(options);
  const n = series.length;
  const { close: c, high, low, open } = series;
  const h = options.horizon;
  const hl = options.touch === 'highLow';
  const vol = new Float64Array(n);
  if (options.target !== undefined) {
    if (options.target.length < n) throw new RangeError(`tripleBarrier: target has ${options.target.length} values for ${n} bars`);
    vol.set(options.target.subarray(0, n));
  } else {
    const r = new Float64Array(n);
    r[0] = NaN;
    for (let i = 1; i < n; i++) r[i] = Math.log(c[i]! / c[i - 1]!);
    const w = options.volWindow ?? 20;
    for (let i = 0; i < n; i++) vol[i] = windowStd(r, i, w);
  }
  const y = new Float64Array(n).fill(NaN);
  const end = new Int32Array(n);
  const side = new Int8Array(n);
  const ret = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    end[i] = Math.min(i + h, n - 1);
    const v = vol[i]!;
    if (!(v >= 0)) continue;
    const up = options.profitTake > 0 ? options.profitTake * v : Infinity;
    const dn = options.stopLoss > 0 ? -options.stopLoss * v : -Infinity;
    const c0 = c[i]!;
    const last = Math.min(i + h, n - 1);
    let hit = 0;
    let j = i + 1;
    for (; j <= last; j++) {
      if (hl) {
        const lo = Math.log(low[j]! / c0);
        const hi = Math.log(high[j]! / c0);
        if (lo <= dn) {
          hit = -1;
          ret[i] = Math.min(dn, Math.log(open[j]! / c0));
        } else if (hi >= up) {
          hit = 1;
          ret[i] = Math.max(up, Math.log(open[j]! / c0));
        }
      } else {
        const x = Math.log(c[j]! / c0);
        if (x >= up) hit = 1;
        else if (x <= dn) hit = -1;
        if (hit !== 0) ret[i] = x;
      }
      if (hit !== 0) break;
    }
    if (hit !== 0) {
      side[i] = hit;
      end[i] = j;
      y[i] = hit > 0 ? 1 : 0;
    } else if (i + h < n) {
      const x = Math.log(c[i + h]! / c0);
      ret[i] = x;
      if (options.vertical !== 'drop') y[i] = x > 0 ? 1 : 0;
    }
  }
  return { y, end, side, ret, vol, weight: weightsFor(y, end, options.weights ?? 'uniqueness') };
}
