// The market regime path: a Markov chain over bull, bear and crisis shared by all symbols.
import type { Rng } from '../core/rng.ts';
import { REGIME_TRANSITIONS_DAILY } from './synthetic-params.ts';

/**
 * One regime per bar. `barsPerDay` > 1 scales the daily switching probabilities down per bar so
 * regimes last the same calendar time at any timeframe. Starts in bull.
 */
export function regimePath(rng: Rng, bars: number, barsPerDay: number): Uint8Array {
  // Cumulative switching thresholds per "from" regime, scaled to one bar.
  const cumulative = REGIME_TRANSITIONS_DAILY.map((row, from) => {
    let acc = 0;
    return row.map((p, to) => {
      acc += to === from ? 0 : p / barsPerDay;
      return acc;
    });
  });
  const path = new Uint8Array(bars);
  let state = 0;
  for (let t = 0; t < bars; t++) {
    path[t] = state;
    const u = rng.next();
    const row = cumulative[state]!;
    // Leave `state` only when u falls in one of the off-diagonal slices.
    for (let to = 0; to < row.length; to++) {
      if (to !== state && u < row[to]!) {
        state = to;
        break;
      }
    }
  }
  return path;
}
