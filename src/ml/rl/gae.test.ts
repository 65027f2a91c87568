import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeGae } from './gae.ts';

describe('computeGae', () => {
  it('matches a hand computation on two envs, one finishing an episode mid-rollout', () => {
    // env 0: rewards 1, 2, 3; values 0.5, 1, 1.5; last value 2; episode ends after step 1.
    // env 1: rewards 0, 0, 1; values 0, 0, 0; last value 1; no episode end.
    const g = 0.9;
    const l = 0.8;
    const rewards = Float64Array.of(1, 0, 2, 0, 3, 1);
    const values = Float64Array.of(0.5, 0, 1, 0, 1.5, 0);
    const dones = Uint8Array.of(0, 0, 1, 0, 0, 0);
    const { advantages, returns } = computeGae(rewards, values, dones, Float64Array.of(2, 1), 3, 2, g, l);
    // env 0, t=2: delta = 3 + 0.9*2 - 1.5 = 3.3; A = 3.3
    // env 0, t=1: done -> delta = 2 - 1 = 1; A = 1
    // env 0, t=0: delta = 1 + 0.9*1 - 0.5 = 1.4; A = 1.4 + 0.72*1 = 2.12
    // env 1, t=2: delta = 1 + 0.9*1 - 0 = 1.9; t=1: delta 0, A = 0.72*1.9 = 1.368; t=0: A = 0.72*1.368 = 0.98496
    const want = [2.12, 0.98496, 1, 1.368, 3.3, 1.9];
    want.forEach((v, i) => expect(advantages[i]).toBeCloseTo(v, 12));
    want.forEach((v, i) => expect(returns[i]).toBeCloseTo(v + values[i]!, 12));
  });

  it('with lambda = 1 gives discounted returns to the end (bootstrapped) minus values', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true })), { minLength: 1, maxLength: 20 }),
      fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }),
      (rows, last, gamma) => {
        const T = rows.length;
        const r = Float64Array.from(rows.map((x) => x[0]));
        const v = Float64Array.from(rows.map((x) => x[1]));
        const { advantages } = computeGae(r, v, new Uint8Array(T), Float64Array.of(last), T, 1, gamma, 1);
        let ret = last;
        for (let t = T - 1; t >= 0; t--) {
          ret = r[t]! + gamma * ret;
          expect(advantages[t]!).toBeCloseTo(ret - v[t]!, 9);
        }
      },
    ));
  });
});
