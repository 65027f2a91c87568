// A trained policy survives its file exactly (weights, observation statistics, actions); training is
// deterministic given the seed (with the envs in worker threads too: checked by hand and by the gym's own
// worker test, which gives the same trajectories); a training range shorter than an episode names its flag.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { makeInstrument } from '../../model/instrument.ts';
import { ActorCritic } from '../../ml/rl/actor-critic.ts';
import { randomWalk } from '../../../test/helpers/bars.ts';
import { buildPolicyFile, readPolicy } from './policy-file.ts';
import { checkEnvSettings } from './settings.ts';
import { trainPolicy } from './trainer.ts';

const series = randomWalk(300, 5);
const env = checkEnvSettings({ episodeBars: 32, window: 4, commission: 0.001, reward: 'dsr' }, makeInstrument(series.symbol));

describe('rl policy files and training', () => {
  it('round-trips a trained policy through its file: the same weights, statistics and actions', async () => {
    const p = await trainPolicy(series, 0, 300, env, { steps: 256, envs: 2, workers: 0, seed: 7 });
    const dir = mkdtempSync(join(tmpdir(), 'sextant-rl-file-'));
    const path = join(dir, 'policy.json');
    writeFileSync(path, JSON.stringify(buildPolicyFile(p.checkpoint, env, { note: 'test' })));
    const loaded = readPolicy(path);
    const direct = ActorCritic.fromCheckpoint(p.checkpoint);
    expect(loaded.policy.params).toEqual(direct.params);
    expect(loaded.policy.obsNorm!.mean).toEqual(direct.obsNorm!.mean);
    expect(loaded.policy.obsNorm!.var).toEqual(direct.obsNorm!.var);
    expect(loaded.policy.obsNorm!.count).toBe(direct.obsNorm!.count);
    // Training moved the statistics away from their start.
    expect(direct.obsNorm!.count).toBeGreaterThan(100);
    expect(loaded.observation).toEqual({ features: { logReturns: 4 }, account: true });
    expect(loaded.action).toEqual({ kind: 'discrete', maxWeight: 1, rebalanceBand: 0.05, multiplier: 1 });
    // 500 random observations: the same most likely actions and the same values.
    const rng = new Rng(1);
    const obs = Float64Array.from({ length: 500 * 6 }, () => rng.normal() * 0.02);
    const a1 = new Float64Array(500);
    const a2 = new Float64Array(500);
    const v1 = new Float64Array(500);
    const v2 = new Float64Array(500);
    direct.act(obs, 500, null, a1, undefined, undefined, v1);
    loaded.policy.act(obs, 500, null, a2, undefined, undefined, v2);
    expect(a2).toEqual(a1);
    expect(v2).toEqual(v1);
    expect(new Set(a1).size).toBeGreaterThan(1);
  }, 20_000);

  it('trains the same policy from the same seed; another seed differs', async () => {
    const settings = { steps: 128, envs: 1, workers: 0 };
    const a = await trainPolicy(series, 0, 300, env, { ...settings, seed: 11 });
    const b = await trainPolicy(series, 0, 300, env, { ...settings, seed: 11 });
    const c = await trainPolicy(series, 0, 300, env, { ...settings, seed: 12 });
    expect(b.checkpoint.params).toBe(a.checkpoint.params);
    expect(b.checkpoint.obsNorm).toEqual(a.checkpoint.obsNorm);
    expect(b.curve.map((x) => x.meanEpisodeReturn)).toEqual(a.curve.map((x) => x.meanEpisodeReturn));
    expect(c.checkpoint.params).not.toBe(a.checkpoint.params);
  }, 20_000);

  it('names the flag when the training range is shorter than one episode', async () => {
    await expect(trainPolicy(series, 0, 30, env, { steps: 10, envs: 1, workers: 0, seed: 1 }, { rangeFlag: '--train-bars' })).rejects.toThrow(/--train-bars.*needs 37 bars/);
  });
});
