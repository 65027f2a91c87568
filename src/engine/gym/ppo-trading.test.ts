// PPO through the trading gym: on a market that only rises, the agent must learn to hold a long position.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { BarSeries } from '../../model/bar.ts';
import { SyncVecEnv } from '../../ml/rl/env.ts';
import { evaluatePolicy } from '../../ml/rl/evaluate.ts';
import { logReturns } from '../../ml/rl/observations.ts';
import { Ppo } from '../../ml/rl/ppo.ts';
import { TradingEnv } from './trading-env.ts';

function risingMarket(n: number, seed: number): BarSeries {
  const rng = new Rng(seed);
  let p = 100;
  return BarSeries.fromBars('UP', Array.from({ length: n }, (_, i) => {
    const o = p;
    p = o * (1.004 + 0.002 * rng.normal());
    return { tsEventMs: Date.UTC(2020, 0, 1) + i * 86_400_000, open: o, close: p, high: Math.max(o, p) * 1.001, low: Math.min(o, p) * 0.999, volume: 1e6 };
  }), 86_400_000);
}

describe('PPO on TradingEnv', () => {
  it('learns to be long in a market that rises every day (costs included)', async () => {
    const series = risingMarket(600, 1);
    const envs = Array.from({ length: 4 }, () => new TradingEnv({ series, episodeLength: 32, commission: 0.0005, features: logReturns(4) }));
    const vec = new SyncVecEnv(envs);
    const ppo = await Ppo.create({ observationSize: vec.observationSize, actionSpace: vec.actionSpace, hidden: [16] }, {
      seed: 3, steps: 32, epochs: 4, minibatchSize: 64, learningRate: 3e-3, normalizeReward: true, entropyCoef: 0.01,
    });
    const curve = await ppo.learn(vec, 128 * 25);
    // The untrained (near-uniform) policy loses to costs and shorts; the training episodes' mean return climbs.
    expect(curve[0]!.meanEpisodeReturn).toBeLessThan(0);
    expect(curve.at(-1)!.meanEpisodeReturn).toBeGreaterThan(0);
    // Evaluated greedily on 10 episodes, the trained policy earns at least 80% of always-long.
    const evalEnv = (): TradingEnv => new TradingEnv({ series, episodeLength: 32, commission: 0.0005, features: logReturns(4) });
    const trained = evaluatePolicy(ppo.policy, evalEnv(), { episodes: 10, seed: 50 }).reduce((a, b) => a + b, 0);
    const env = evalEnv();
    let long = 0;
    for (let e = 0; e < 10; e++) {
      env.reset(50 + e);
      for (let r = env.step(1); ; r = env.step(1)) {
        long += r.reward;
        if (r.done) break;
      }
    }
    expect(long).toBeGreaterThan(0);
    expect(trained).toBeGreaterThan(0.8 * long);
    ppo.dispose();
  }, 30_000);
});
