// Regimes as a timeline: consecutive bars with the same label merged into one segment (for the tearsheet).
import { REGIME_NAMES } from './names.ts';

export interface RegimeSegment {
  /** Open time of the segment's first bar. */
  readonly fromMs: number;
  /** End (exclusive): the open time of the first bar after the segment. */
  readonly toMs: number;
  readonly regime: string;
  /** Number of bars in the segment. */
  readonly bars: number;
}

/**
 * Segments of equal labels. Bars labelled < 0 (warm-up) belong to no segment. The last segment ends one
 * bar length after its last bar: `barMs`, or else the spacing of the last two bars.
 */
export function regimeSegments(time: ArrayLike<number>, labels: ArrayLike<number>, names: readonly string[] = REGIME_NAMES, barMs?: number): RegimeSegment[] {
  const n = Math.min(time.length, labels.length);
  const step = barMs ?? (n >= 2 ? time[n - 1]! - time[n - 2]! : 0);
  const out: RegimeSegment[] = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const l = i < n ? labels[i]! : -1;
    if (start >= 0 && l !== labels[start]) {
      out.push({ fromMs: time[start]!, toMs: i < n ? time[i]! : time[n - 1]! + step, regime: names[labels[start]!] ?? `state_${labels[start]}`, bars: i - start });
      start = -1;
    }
    if (start < 0 && l >= 0) start = i;
  }
  return out;
}
