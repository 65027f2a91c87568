// PPO learning CartPole, cheaply: the full solve (mean return >= 475) is in bench/ml-rl.ts.
import { describe, expect, it } from 'vitest';
import { CartPole } from './cartpole.ts';
import { SyncVecEnv } from './env.ts';
import { evaluatePolicy } from './evaluate.ts';
import { Ppo } from './ppo.ts';

describe('Ppo on CartPole-v1', () => {
  it('with seed 1, the mean return of the last 100 training episodes reaches 195 within 30,000 steps', async () => {
    const vec = new SyncVecEnv(Array.from({ length: 8 }, () => new CartPole()));
    const ppo = await Ppo.create({ observationSize: 4, actionSpace: vec.actionSpace }, {
      seed: 1, steps: 32, epochs: 4, minibatchSize: 64, learningRate: 1e-3, gamma: 0.98, lambda: 0.8,
    });
    const random = evaluatePolicy(ppo.policy, new CartPole(), { episodes: 20, seed: 100, deterministic: false });
    const curve = await ppo.learn(vec, 30_000, { onIteration: (s) => s.meanEpisodeReturn >= 195 });
    const last = curve.at(-1)!;
    // An untrained policy (near-uniform actions) lasts about 22 steps.
    expect(random.reduce((a, b) => a + b, 0) / 20).toBeLessThan(40);
    expect(curve[0]!.meanEpisodeReturn).toBeLessThan(40);
    expect(last.meanEpisodeReturn).toBeGreaterThanOrEqual(195);
    expect(last.steps).toBeLessThanOrEqual(30_000);
    ppo.dispose();
  }, 60_000);
});
