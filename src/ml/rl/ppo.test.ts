import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { CartPole } from './cartpole.ts';
import { SyncVecEnv, type Env, type StepResult } from './env.ts';
import { Ppo } from './ppo.ts';
import { box } from './spaces.ts';
import { loadTf } from './tf-init.ts';

const cartpoles = (n: number): SyncVecEnv => new SyncVecEnv(Array.from({ length: n }, () => new CartPole()));

/** One-step task: observe o ~ U(-1, 1), act a, reward -(a - o)^2. A random N(0, 1) policy earns about -4/3. */
class Track implements Env {
  readonly observationSize = 1;
  readonly actionSpace = box(1, -2, 2);
  #rng = new Rng(0);
  #o = 0;
  reset(seed?: number): Float64Array {
    if (seed !== undefined) this.#rng = new Rng(seed);
    this.#o = this.#rng.next() * 2 - 1;
    return Float64Array.of(this.#o);
  }
  step(action: number | Float64Array): StepResult {
    const a = Math.min(2, Math.max(-2, (action as Float64Array)[0]!));
    return { observation: Float64Array.of(this.#o), reward: -((a - this.#o) ** 2), done: true, truncated: false };
  }
}

describe('Ppo', () => {
  it('computes the same log-probabilities in tfjs as the JS rollout did (first minibatch ratio 1)', async () => {
    const tf = await loadTf();
    const before = tf.memory().numTensors;
    const ppo = await Ppo.create({ observationSize: 4, actionSpace: cartpoles(1).actionSpace }, { seed: 3, steps: 16, epochs: 1, minibatchSize: 64 });
    const [s] = await ppo.learn(cartpoles(4), 64);
    expect(s!.updates).toBe(1);
    expect(Math.abs(s!.approxKl)).toBeLessThan(1e-6);
    expect(s!.clipFraction).toBe(0);
    // No tensor outlives an update: only the parameters and Adam's two moments remain until dispose.
    expect(tf.memory().numTensors).toBe(before + 3);
    ppo.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is deterministic: the same seed gives the same learning curve and weights; another seed does not', async () => {
    const run = async (seed: number): Promise<{ curve: unknown[]; params: number[] }> => {
      const ppo = await Ppo.create({ observationSize: 4, actionSpace: cartpoles(1).actionSpace }, { seed, steps: 16, epochs: 2, minibatchSize: 32, entropyCoef: 0.01 });
      const curve = (await ppo.learn(cartpoles(4), 128)).map(({ seconds: _s, ...rest }) => rest);
      const params = Array.from(ppo.policy.params);
      ppo.dispose();
      return { curve, params };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(b).toEqual(a);
    expect(c.params).not.toEqual(a.params);
    expect(a.curve).toHaveLength(2);
  });

  it('checkpoints: a loaded agent acts exactly as the saved one and goes on training', async () => {
    const ppo = await Ppo.create({ observationSize: 4, actionSpace: cartpoles(1).actionSpace }, { seed: 5, steps: 16, epochs: 2, minibatchSize: 32 });
    await ppo.learn(cartpoles(4), 64);
    const ck = JSON.parse(JSON.stringify(ppo.checkpoint()));
    expect(ck.steps).toBe(64);
    const loaded = await Ppo.fromCheckpoint(ck);
    const obs = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i));
    const a1 = new Float64Array(10);
    const a2 = new Float64Array(10);
    ppo.policy.act(obs, 10, new Rng(1), a1);
    loaded.policy.act(obs, 10, new Rng(1), a2);
    expect(Array.from(a2)).toEqual(Array.from(a1));
    const more = await loaded.learn(cartpoles(4), 64);
    expect(more[0]!.steps).toBe(128);
    ppo.dispose();
    loaded.dispose();
  });

  it('stops an iteration early once a minibatch exceeds 1.5 x targetKl; trains with a clipped value loss', async () => {
    const make = (over: object): Promise<Ppo> => Ppo.create({ observationSize: 4, actionSpace: cartpoles(1).actionSpace }, { seed: 7, steps: 16, epochs: 10, minibatchSize: 16, learningRate: 0.01, ...over });
    const free = await make({});
    const capped = await make({ targetKl: 1e-5 });
    const [a] = await free.learn(cartpoles(4), 64);
    const [b] = await capped.learn(cartpoles(4), 64);
    expect(a!.updates).toBe(40);
    expect(b!.updates).toBeLessThan(40);
    const clipped = await make({ clipRangeValue: 0.1 });
    const [c] = await clipped.learn(cartpoles(4), 64);
    expect(c!.updates).toBe(40);
    expect(Number.isFinite(c!.valueLoss)).toBe(true);
    // Clipping the value update changes the training (same seed, same data otherwise).
    expect(Array.from(clipped.policy.params)).not.toEqual(Array.from(free.policy.params));
    for (const p of [free, capped, clipped]) p.dispose();
  });

  it('learns a continuous action (Gaussian policy): tracking error falls well below a random policy', async () => {
    const vec = new SyncVecEnv(Array.from({ length: 8 }, () => new Track()));
    const ppo = await Ppo.create({ observationSize: 1, actionSpace: vec.actionSpace, hidden: [16] }, { seed: 2, steps: 32, epochs: 4, minibatchSize: 128, learningRate: 1e-2, gamma: 0 });
    const curve = await ppo.learn(vec, 256 * 16);
    expect(curve[0]!.meanEpisodeReturn).toBeLessThan(-0.8);
    expect(curve.at(-1)!.meanEpisodeReturn).toBeGreaterThan(-0.3);
    // The learned mean follows the observation.
    const mean = new Float64Array(3);
    ppo.policy.act(Float64Array.of(-0.8, 0, 0.8), 3, null, mean);
    expect(mean[0]!).toBeLessThan(mean[1]!);
    expect(mean[1]!).toBeLessThan(mean[2]!);
    ppo.dispose();
  });
});
