// Draws observations from a Gaussian HMM (seeded): synthetic data with known states, for tests and for
// checking what a fit can recover.
import { Rng } from '../../core/rng.ts';
import type { HmmParams } from './hmm-params.ts';

export interface HmmSample {
  /** rows x d observations, row-major. */
  readonly x: Float64Array;
  /** The hidden state of each row. */
  readonly states: Int8Array;
}

export function sampleHmm(m: HmmParams, rows: number, seed: number): HmmSample {
  const { k, d } = m;
  const rng = new Rng(seed);
  const x = new Float64Array(rows * d);
  const states = new Int8Array(rows);
  const draw = (p: Float64Array, off: number): number => {
    let u = rng.next();
    for (let j = 0; j < k - 1; j++) {
      u -= p[off + j]!;
      if (u < 0) return j;
    }
    return k - 1;
  };
  let s = draw(m.pi, 0);
  for (let t = 0; t < rows; t++) {
    if (t > 0) s = draw(m.a, s * k);
    states[t] = s;
    for (let j = 0; j < d; j++) x[t * d + j] = m.means[s * d + j]! + Math.sqrt(m.vars[s * d + j]!) * rng.normal();
  }
  return { x, states };
}
