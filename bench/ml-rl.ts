// Reinforcement learning (issue 18): the trading environment's steps/s in one process (random actions;
// and 8 envs acting through a 64x64 policy), where a step's time goes (the node's own step, the episode's
// node construction, the policy), the worker-thread VecEnv's steps/s, acting in plain JS vs one tfjs call
// per vector step, a PPO minibatch update, and PPO solving CartPole-v1: environment steps and wall time
// until the mean return of the last 100 training episodes reaches 475, then 20 deterministic evaluation
// episodes. Throughput figures are the best of 3 windows of 2 s after a warm-up. RL_SOLVE=0 skips the solve;
// RL_SEEDS=1,2,3 solves once per seed (default seed 1).
import { availableParallelism, loadavg } from 'node:os';
import { Rng } from '../src/core/rng.ts';
import { generateMarket } from '../src/data/synthetic.ts';
import { TradingNode } from '../src/engine/node.ts';
import { EnvStrategy } from '../src/engine/gym/env-strategy.ts';
import { createTradingEnv, seriesColumns, TRADING_ENV_FACTORY, type TradingEnvSpec } from '../src/engine/gym/trading-env-factory.ts';
import { TradingEnv } from '../src/engine/gym/trading-env.ts';
import { WorkerVecEnv } from '../src/engine/gym/worker-vec-env.ts';
import { ActorCritic } from '../src/ml/rl/actor-critic.ts';
import { CartPole } from '../src/ml/rl/cartpole.ts';
import { SyncVecEnv, type VecEnv } from '../src/ml/rl/env.ts';
import { evaluatePolicy } from '../src/ml/rl/evaluate.ts';
import { Ppo, type PpoConfig } from '../src/ml/rl/ppo.ts';
import { loadTf } from '../src/ml/rl/tf-init.ts';
import { peakRssMb, type BenchResult } from './types.ts';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';

const BARS = 10_000;
const EPISODE = 256;
const ENVS = 8;

/** Best rate (work per second) over `windows` windows of `ms` each, after one warm-up window. */
async function bestRate(windows: number, ms: number, chunk: () => number | Promise<number>): Promise<{ rate: number; seconds: number; work: number }> {
  let best = { rate: 0, seconds: 0, work: 0 };
  for (let w = 0; w <= windows; w++) {
    let work = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) work += await chunk();
    const seconds = (performance.now() - t0) / 1000;
    if (w > 0 && work / seconds > best.rate) best = { rate: work / seconds, seconds, work };
  }
  return best;
}

/** Actions for a batch of observations: a policy's forward pass and sampling. */
type Actor = (obs: Float64Array, rows: number, actions: Float64Array) => void;

/** Acting in plain JS (ActorCritic.act: batched forward pass and sampling). */
function jsActor(policy: ActorCritic): Actor {
  const rng = new Rng(3);
  return (obs, rows, actions) => policy.act(obs, rows, rng, actions);
}

/** Acting through tfjs: one call per batch (normalization and sampling in JS), the alternative to jsActor. */
async function tfActor(policy: ActorCritic): Promise<Actor> {
  const tf = await loadTf();
  const { actor } = policy;
  const ws = actor.shapes().map((shape, k) => {
    const off = k % 2 === 0 ? actor.wOffset[k >> 1]! : actor.bOffset[k >> 1]!;
    return tf.tensor(policy.params.slice(off, off + shape.reduce((a, b) => a * b, 1)), shape);
  });
  const rng = new Rng(3);
  const d = policy.shape.observationSize;
  const n = policy.actorOutputs;
  let norm = new Float64Array(0);
  return (obs, rows, actions) => {
    if (norm.length < rows * d) norm = new Float64Array(rows * d);
    policy.normalize(obs, rows, norm);
    const logits = tf.tidy(() => {
      let h: Tensor = tf.tensor2d(Float32Array.from(norm.subarray(0, rows * d)), [rows, d]);
      for (let l = 0; l < ws.length; l += 2) {
        h = tf.add(tf.matMul(h as Tensor2D, ws[l]! as Tensor2D), ws[l + 1]!);
        if (l + 2 < ws.length) h = tf.tanh(h);
      }
      return h;
    });
    const z = logits.dataSync();
    logits.dispose();
    for (let r = 0; r < rows; r++) {
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, z[r * n + j]!);
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(z[r * n + j]! - max);
      let u = rng.next() * sum;
      let a = n - 1;
      for (let j = 0; j < n; j++) if ((u -= Math.exp(z[r * n + j]! - max)) < 0) { a = j; break; }
      actions[r] = a;
    }
  };
}

async function vecRate(env: VecEnv, act: Actor): Promise<{ rate: number; seconds: number; work: number }> {
  let obs = await env.reset(1);
  const actions = new Float64Array(env.count);
  return bestRate(3, 2000, async () => {
    for (let i = 0; i < 50; i++) {
      act(obs, env.count, actions);
      obs = (await env.step(actions)).observations;
    }
    return 50 * env.count;
  });
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');
  const series = generateMarket({ seed: 1, symbols: 1, bars: BARS }).series[0]!;
  const spec: TradingEnvSpec = { series: seriesColumns(series, true), episodeLength: EPISODE, commission: 0.0005 };
  const workDesc = `synthetic daily bars (${BARS}), ${EPISODE}-step episodes, discrete actions, commission 5 bps, default observation (16 log returns + 2 account numbers)`;

  // 1. One env, random actions: the environment alone.
  {
    const env = await createTradingEnv(spec, 0);
    const rng = new Rng(2);
    env.reset(1);
    const r = await bestRate(3, 2000, () => {
      for (let i = 0; i < 1000; i++) if (env.step(rng.int(3)).done) env.reset();
      return 1000;
    });
    out.push({ name: 'rl.env.trading.random-actions', work: `1 TradingEnv, ${workDesc}, uniform random actions`, seconds: r.seconds, rate: r.rate, unit: 'steps/s', usPerStep: 1e6 / r.rate, loadAvg: load(), peakRssMb: peakRssMb() });
    // Always flat: no order is ever placed, so the difference to random actions is the order round trip.
    env.reset(1);
    const f = await bestRate(3, 2000, () => {
      for (let i = 0; i < 1000; i++) if (env.step(0).done) env.reset();
      return 1000;
    });
    out.push({ name: 'rl.env.trading.no-orders', work: `1 TradingEnv, ${workDesc}, always flat (no orders)`, seconds: f.seconds, rate: f.rate, unit: 'steps/s', usPerStep: 1e6 / f.rate, loadAvg: load(), peakRssMb: peakRssMb() });
  }
  // 2. Envs in-process acting through a small policy: plain JS (64x64 and 32x32), or one tfjs call per vector step.
  const obsSize = (await createTradingEnv(spec, 0)).observationSize;
  const makePolicy = (hidden: number[]): ActorCritic => {
    const p = new ActorCritic({ observationSize: obsSize, actionSpace: { kind: 'discrete', n: 3 }, hidden }, true);
    p.init(new Rng(1));
    return p;
  };
  const policy = makePolicy([64, 64]);
  const runs: [string, number, () => Promise<Actor>][] = [
    ['policy-64x64-js', ENVS, async () => jsActor(policy)],
    ['policy-32x32-js', ENVS, async () => jsActor(makePolicy([32, 32]))],
    ['policy-64x64-tfjs', ENVS, () => tfActor(policy)],
    ['policy-64x64-js', 4 * ENVS, async () => jsActor(policy)],
    ['policy-64x64-tfjs', 4 * ENVS, () => tfActor(policy)],
  ];
  for (const [what, count, make] of runs) {
    const vec = new SyncVecEnv(await Promise.all(Array.from({ length: count }, (_, i) => createTradingEnv(spec, i))));
    const r = await vecRate(vec, await make());
    out.push({
      name: `rl.env.trading.${what}.${count}-envs`, work: `SyncVecEnv of ${count} TradingEnvs, ${workDesc}, actions sampled from a ${what.split('-')[1]} tanh MLP on the batch (${what.endsWith('tfjs') ? 'one tfjs call per vector step' : 'plain JS'})`,
      seconds: r.seconds, rate: r.rate, unit: 'steps/s', target: '>= 50,000 steps/s', loadAvg: load(), peakRssMb: peakRssMb(),
    });
  }
  // 3. Where a step's time goes: the node stepping one bar with the env's (idle) strategy; a new node per episode; the policy.
  {
    const strategy = new EnvStrategy({ symbol: series.symbol, multiplier: 1 });
    let node = new TradingNode({ kind: 'backtest', data: { kind: 'history', series: [series] }, strategies: [{ strategy }], accountType: 'margin' });
    const r = await bestRate(3, 2000, () => {
      let n = 0;
      for (; n < 1000; n++) {
        if (!node.step()) {
          node = new TradingNode({ kind: 'backtest', data: { kind: 'history', series: [series] }, strategies: [{ strategy: new EnvStrategy({ symbol: series.symbol, multiplier: 1 }) }], accountType: 'margin' });
        }
      }
      return n;
    });
    out.push({ name: 'rl.env.breakdown.node-step', work: `TradingNode.step() over ${BARS} bars, idle strategy (no orders)`, seconds: r.seconds, rate: r.rate, unit: 'steps/s', usPerStep: 1e6 / r.rate, loadAvg: load(), peakRssMb: peakRssMb() });
    const env = new TradingEnv({ series, episodeLength: EPISODE, commission: 0.0005 });
    const rr = await bestRate(3, 2000, () => {
      for (let i = 0; i < 100; i++) env.reset(i);
      return 100;
    });
    out.push({ name: 'rl.env.breakdown.reset', work: 'TradingEnv.reset: a new TradingNode over the episode window, stepped to its first bar', seconds: rr.seconds, rate: rr.rate, unit: 'resets/s', usPerReset: 1e6 / rr.rate, usPerStepAt256: 1e6 / rr.rate / EPISODE, loadAvg: load(), peakRssMb: peakRssMb() });
    const obs = new Float64Array(4 * ENVS * obsSize).map((_, i) => Math.sin(i));
    const actions = new Float64Array(4 * ENVS);
    for (const [what, act] of [['js', jsActor(policy)], ['tfjs', await tfActor(policy)]] as const) {
      for (const rows of [1, ENVS, 4 * ENVS]) {
        const rp = await bestRate(3, 2000, () => {
          for (let i = 0; i < 50; i++) act(obs, rows, actions);
          return 50 * rows;
        });
        out.push({ name: `rl.env.breakdown.policy-64x64-${what}.batch-${rows}`, work: `64x64 actor forward + sampling (${what === 'js' ? 'plain JS' : 'one tfjs call'}), batches of ${rows} observations`, seconds: rp.seconds, rate: rp.rate, unit: 'actions/s', usPerAction: 1e6 / rp.rate, loadAvg: load(), peakRssMb: peakRssMb() });
      }
    }
  }
  // 4. Worker threads: the same envs and policy, the envs in workers.
  for (const count of [ENVS, 4 * ENVS]) {
    const threads = availableParallelism();
    const t0 = performance.now();
    const vec = await WorkerVecEnv.create({ ...TRADING_ENV_FACTORY, args: spec }, count, { threads });
    const startup = (performance.now() - t0) / 1000;
    try {
      const r = await vecRate(vec, jsActor(policy));
      out.push({ name: `rl.env.worker.${count}-envs`, work: `WorkerVecEnv, ${count} TradingEnvs over ${threads} worker threads, ${workDesc}, 64x64 policy in the main thread`, seconds: r.seconds, rate: r.rate, unit: 'steps/s', threads, startupSeconds: startup, loadAvg: load(), peakRssMb: peakRssMb() });
    } finally {
      await vec.close();
    }
  }
  // 5. PPO: one minibatch update, then the CartPole solve.
  // Learning rate 1e-3 decayed linearly to 0 over a 300,000-step budget (the solve stops when solved).
  const BUDGET = 300_000;
  const config: Partial<PpoConfig> = { seed: 1, steps: 32, epochs: 4, minibatchSize: 64, learningRate: 1e-3, anneal: true, gamma: 0.98, lambda: 0.8 };
  {
    const vec = new SyncVecEnv(Array.from({ length: ENVS }, () => new CartPole()));
    const ppo = await Ppo.create({ observationSize: 4, actionSpace: vec.actionSpace }, config);
    await ppo.learn(vec, 256 * 4);
    const t0 = performance.now();
    const curve = await ppo.learn(vec, 256 * 20);
    const seconds = (performance.now() - t0) / 1000;
    const updates = curve.reduce((a, s) => a + s.updates, 0);
    out.push({ name: 'rl.ppo.update', work: 'PPO minibatch update (64 samples, 4-64-64-2 actor + 4-64-64-1 critic, tfjs wasm: forward, gradients, clipping, Adam), CartPole rollouts included', seconds, rate: updates / seconds, unit: 'updates/s', msPerUpdate: (1000 * seconds) / updates, loadAvg: load(), peakRssMb: peakRssMb() });
    ppo.dispose();
  }
  const seeds = process.env.RL_SOLVE === '0' ? [] : (process.env.RL_SEEDS ?? '1').split(',').map(Number);
  for (const seed of seeds) {
    const vec = new SyncVecEnv(Array.from({ length: ENVS }, () => new CartPole()));
    const ppo = await Ppo.create({ observationSize: 4, actionSpace: vec.actionSpace }, { ...config, seed });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let solvedAt = -1;
    const curve = await ppo.learn(vec, BUDGET, { onIteration: (s) => (s.meanEpisodeReturn >= 475 ? ((solvedAt = s.steps), true) : false) });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const evalReturns = evaluatePolicy(ppo.policy, new CartPole(), { episodes: 20, seed: 10_000 });
    const last = curve.at(-1)!;
    out.push({
      name: `rl.ppo.cartpole.solve.seed-${seed}`,
      work: `PPO on CartPole-v1, ${ENVS} envs, ${JSON.stringify({ ...config, seed })}, lr annealed over ${BUDGET} steps; solved = mean return of the last 100 training episodes >= 475`,
      seconds, rate: last.steps / seconds, unit: 'env steps/s (training)', solved: solvedAt > 0, stepsToSolve: solvedAt > 0 ? solvedAt : null,
      episodes: last.episodes, cpuSeconds: (cpu.user + cpu.system) / 1e6, updates: curve.reduce((a, s) => a + s.updates, 0),
      evalDeterministic20: evalReturns.reduce((a, b) => a + b, 0) / evalReturns.length, evalMin: Math.min(...evalReturns),
      curve: curve.filter((_, i) => i % 10 === 0 || i === curve.length - 1).map((s) => [s.steps, Math.round(s.meanEpisodeReturn * 10) / 10]),
      loadAvg: load(), peakRssMb: peakRssMb(),
    });
    ppo.dispose();
  }
  return out;
}
