import { describe, expect, it } from 'vitest';
import { CartPole } from './cartpole.ts';
import { envSeed, SyncVecEnv } from './env.ts';

describe('SyncVecEnv', () => {
  it('resets env i with envSeed(seed, i) and auto-resets finished envs, keeping their last observation', async () => {
    const vec = new SyncVecEnv([new CartPole(), new CartPole()]);
    const obs = await vec.reset(9);
    expect(Array.from(obs.subarray(0, 4))).toEqual(Array.from(new CartPole().reset(envSeed(9, 0))));
    expect(Array.from(obs.subarray(4, 8))).toEqual(Array.from(new CartPole().reset(envSeed(9, 1))));
    // Always push right: env 0 falls over; compare with a lone CartPole played the same way.
    const solo = new CartPole();
    solo.reset(envSeed(9, 0));
    let r = solo.step(1);
    let steps = 1;
    while (!r.done) {
      r = solo.step(1);
      steps++;
    }
    let s = await vec.step(Float64Array.of(1, 1));
    for (let t = 1; t < steps; t++) {
      expect(s.dones[0]).toBe(0);
      s = await vec.step(Float64Array.of(1, 1));
    }
    expect(s.dones[0]).toBe(1);
    expect(s.truncated[0]).toBe(0);
    expect(s.infos[0]).toEqual({});
    expect(Array.from(s.terminalObservations.subarray(0, 4))).toEqual(Array.from(r.observation));
    // The next episode's first observation, from the env's continuing random stream.
    expect(Array.from(s.observations.subarray(0, 4))).toEqual(Array.from(solo.reset()));
  });

  it('envSeed mixes the seed and the index (no two nearby pairs collide)', () => {
    const seen = new Set<number>();
    for (let s = 0; s < 50; s++) for (let i = 0; i < 50; i++) seen.add(envSeed(s, i));
    expect(seen.size).toBe(2500);
  });
});
