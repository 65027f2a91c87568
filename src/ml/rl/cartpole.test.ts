import { describe, expect, it } from 'vitest';
import { CartPole } from './cartpole.ts';

// Golden states from Gymnasium 0.29's CartPoleEnv.step (classic_control/cartpole.py, euler), transcribed
// into a standalone Python script with its constants and run in CPython (float64).
describe('CartPole', () => {
  it('follows the Gymnasium CartPole-v1 dynamics step by step', () => {
    const env = new CartPole();
    env.setState([0.01, -0.02, 0.03, 0.04]);
    let r = env.step(1);
    for (const a of [0, 1, 1, 0, 0, 1, 0, 1, 1]) r = env.step(a);
    const want = [0.033008390428920745, 0.36765098601918744, 0.0038214652462337543, -0.4882037724625794];
    want.forEach((v, i) => expect(r.observation[i]).toBeCloseTo(v, 12));
    expect(r.done).toBe(false);
  });

  it('terminates when the pole passes 12 degrees, with reward 1 on the terminating step', () => {
    const env = new CartPole();
    env.setState([0.01, -0.02, 0.03, 0.04]);
    let n = 0;
    let r = env.step(1);
    n++;
    while (!r.done) {
      expect(r.reward).toBe(1);
      r = env.step(1);
      n++;
    }
    expect(n).toBe(10);
    expect(r.reward).toBe(1);
    expect(r.truncated).toBe(false);
    expect(r.observation[2]).toBeCloseTo(-0.2235691808247548, 12);
    expect(() => env.step(0)).toThrow(/reset/);
  });

  it('is cut (truncated, not terminated) after 500 steps', () => {
    const env = new CartPole({ maxSteps: 500 });
    let obs = env.reset(3);
    let steps = 0;
    // A balancing controller (push toward the side the pole leans, with damping) survives 500 steps.
    const policy = (o: Float64Array): number => (o[2]! + 0.5 * o[3]! + 0.01 * o[0]! + 0.1 * o[1]! > 0 ? 1 : 0);
    let last = env.step(policy(obs));
    steps++;
    while (!last.done) {
      obs = last.observation;
      last = env.step(policy(obs));
      steps++;
    }
    expect(steps).toBe(500);
    expect(last.truncated).toBe(true);
  });

  it('draws the start state uniformly in ±0.05 from the seed, reproducibly', () => {
    const a = new CartPole().reset(7);
    const b = new CartPole().reset(7);
    const c = new CartPole().reset(8);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    for (let s = 0; s < 50; s++) for (const v of new CartPole().reset(s)) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
  });
});
