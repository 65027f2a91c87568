import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { generateMarket } from '../../data/synthetic.ts';
import { ActorCritic } from '../../ml/rl/actor-critic.ts';
import { SyncVecEnv, type VecEnv, type VecStep } from '../../ml/rl/env.ts';
import { createTradingEnv, seriesColumns, TRADING_ENV_FACTORY, type TradingEnvSpec } from './trading-env-factory.ts';
import { WorkerVecEnv } from './worker-vec-env.ts';

const series = generateMarket({ seed: 4, symbols: 1, bars: 800 }).series[0]!;
const spec: TradingEnvSpec = {
  series: seriesColumns(series, true), episodeLength: 40, commission: 0.001, slippageBps: 2, actions: 'continuous',
  reward: { kind: 'drawdown', penalty: 0.5 }, features: { logReturns: 8 },
};
const COUNT = 5;
const opened: VecEnv[] = [];
afterAll(async () => {
  await Promise.all(opened.map((e) => e.close()));
});

/** Steps a VecEnv with a seeded policy that reads its observations (so any difference in them changes the actions). */
async function trajectory(env: VecEnv, steps: number): Promise<VecStep[]> {
  const policy = new ActorCritic({ observationSize: env.observationSize, actionSpace: env.actionSpace, hidden: [8] }, false);
  policy.init(new Rng(1));
  const rng = new Rng(2);
  let obs = await env.reset(77);
  const out: VecStep[] = [{ observations: obs } as VecStep];
  const actions = new Float64Array(env.count);
  for (let t = 0; t < steps; t++) {
    policy.act(obs, env.count, rng, actions);
    const r = await env.step(actions);
    out.push(r);
    obs = r.observations;
  }
  return out;
}

describe('WorkerVecEnv', () => {
  it('gives the same trajectories as the in-process SyncVecEnv (auto-resets included)', async () => {
    const local = new SyncVecEnv(await Promise.all(Array.from({ length: COUNT }, (_, i) => createTradingEnv(spec, i))));
    const workers = await WorkerVecEnv.create({ ...TRADING_ENV_FACTORY, args: spec }, COUNT, { threads: 2 });
    opened.push(workers);
    expect(workers.threads).toBe(2);
    expect(workers.observationSize).toBe(10);
    expect(workers.actionSpace).toEqual(local.actionSpace);
    const a = await trajectory(local, 100);
    const b = await trajectory(workers, 100);
    const plain = (s: VecStep[]): unknown => JSON.parse(JSON.stringify(s, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)));
    expect(plain(b)).toEqual(plain(a));
    // 100 steps of 40-step episodes: every env finished two and reported their last infos.
    const finished = a.slice(1).reduce((n, s) => n + s.dones.reduce((x, y) => x + y, 0), 0);
    expect(finished).toBe(2 * COUNT);
    expect(a[40]!.infos.every((i) => i !== null && typeof i.equity === 'number')).toBe(true);
    await workers.close();
    await expect(workers.step(new Float64Array(COUNT))).rejects.toThrow(/closed/);
  }, 20_000);

  it('reports a factory that does not exist', async () => {
    await expect(WorkerVecEnv.create({ ...TRADING_ENV_FACTORY, exportName: 'nope', args: spec }, 2, { threads: 1 })).rejects.toThrow(/no function export "nope"/);
  }, 20_000);
});
