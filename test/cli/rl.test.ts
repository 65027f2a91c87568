// `sextant rl train|evaluate` and `backtest --strategy rl-agent --param policy=<file>` through main(), in process,
// on a small seeded CSV: train writes a policy file that a backtest trades exactly as the training env does
// (equity bar for bar), evaluate walks forward and reports, CartPole prints its verdict, bad input exits 2
// naming the file or the flag.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { Rng } from '../../src/core/rng.ts';
import { loadMarketData } from '../../src/app/market-data.ts';
import { TradingEnv } from '../../src/engine/gym/trading-env.ts';
import { logReturns } from '../../src/ml/rl/observations.ts';
import { policyFromJson } from '../../src/strategies/builtin/rl-agent-policy.ts';
import { handPolicy } from '../../src/strategies/builtin/rl-agent-testing.ts';

const DIR = mkdtempSync(join(tmpdir(), 'sextant-rl-cli-'));
const at = (f: string): string => join(DIR, f);

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function writeCsv(path: string, bars: number, seed: number): void {
  const rng = new Rng(seed);
  const rows = ['Date,Open,High,Low,Close,Volume'];
  let p = 50;
  for (let i = 0, day = 0; i < bars; day++) {
    const d = new Date(Date.UTC(2015, 0, 5) + day * 86_400_000);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    const o = p * Math.exp(0.003 * rng.normal());
    p = o * Math.exp(0.015 * rng.normal());
    rows.push(`${d.toISOString().slice(0, 10)},${o.toFixed(4)},${(Math.max(o, p) * 1.005).toFixed(4)},${(Math.min(o, p) * 0.995).toFixed(4)},${p.toFixed(4)},${100_000 + Math.floor(rng.next() * 50_000)}`);
    i++;
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
}

const TRAIN = ['--envs', '1', '--episode-bars', '32', '--window', '4', '--commission', '0.001', '--seed', '3'];

beforeAll(() => {
  writeCsv(at('prices.csv'), 400, 1);
  writeCsv(at('other.csv'), 200, 2);
  // A valid policy file made without training, for the checks of bad input.
  const lp = handPolicy();
  writeFileSync(at('hand.json'), JSON.stringify({ format: 'sextant-rl-policy/1', policy: lp.policy.checkpoint(0, {}), observation: lp.observation, action: lp.action, metadata: {} }));
  writeFileSync(at('bad-policy.json'), JSON.stringify({ format: 'sextant-model/1' }));
  writeFileSync(at('not-json.json'), '{"format": "sextant-rl-policy/1",');
  const f = JSON.parse(readFileSync(at('hand.json'), 'utf8')) as { policy: { params: string } };
  f.policy.params = f.policy.params.slice(0, 40);
  writeFileSync(at('short.json'), JSON.stringify(f));
});

describe('sextant rl', () => {
  it('train writes a policy file; a backtest of rl-agent with it trades as the training env does, bar for bar', async () => {
    const t = await run('rl', 'train', '--data', `csv:${at('prices.csv')}`, ...TRAIN, '--steps', '256', '--out', at('policy.json'), '--json', at('train.json'), '--report', at('train.html'));
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/policy\.json: PPO discrete policy on PRICES .* \(400 bars\), pnl reward, 4 log returns \+ position/);
    const file = JSON.parse(readFileSync(at('policy.json'), 'utf8')) as {
      format: string; observation: unknown; action: unknown;
      metadata: { dataHash: string; bars: number; reward: { name: string }; libraries: Record<string, string>; learningCurve: { steps: number }[]; costs: { commission: number }; seed: number };
    };
    expect(file.format).toBe('sextant-rl-policy/1');
    expect(file.observation).toEqual({ features: { logReturns: 4 }, account: true });
    expect(file.action).toEqual({ kind: 'discrete', maxWeight: 1, rebalanceBand: 0.05, multiplier: 1 });
    expect(file.metadata).toMatchObject({ bars: 400, reward: { name: 'pnl' }, costs: { commission: 0.001 }, seed: 3 });
    expect(file.metadata.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(file.metadata.libraries).toMatchObject({ sextant: expect.any(String), node: process.versions.node, '@tensorflow/tfjs': expect.any(String) });
    // 256 steps on 1 env of 128-step rollouts: two iterations.
    expect(file.metadata.learningCurve.map((p) => p.steps)).toEqual([128, 256]);
    const summary = JSON.parse(readFileSync(at('train.json'), 'utf8')) as { trainedSteps: number; out: string };
    expect(summary).toMatchObject({ trainedSteps: 256, out: at('policy.json') });
    expect(readFileSync(at('train.html'), 'utf8')).toContain('id="chart-learning"');

    const b = await run('backtest', '--strategy', 'rl-agent', '--param', `policy=${at('policy.json')}`, '--data', `csv:${at('other.csv')}`,
      '--account', 'margin', '--leverage', '2', '--commission', '0.001', '--json', at('bt.json'), '--quiet');
    expect(b.code, b.err).toBe(0);
    const bt = JSON.parse(readFileSync(at('bt.json'), 'utf8')) as { params: { strategyParams: { policy: string } }; fills: unknown[]; equity: { equity: number }[] };
    expect(bt.params.strategyParams.policy).toBe(at('policy.json'));
    expect(bt.fills.length).toBeGreaterThan(0);

    // The same file's policy through one env episode over the same bars gives the same equity at every bar.
    const lp = policyFromJson(file, 'policy.json');
    const series = loadMarketData([`csv:${at('other.csv')}`], { skipBadRows: false }).series[0]!;
    const env = new TradingEnv({ series, episodeLength: series.length - 5, features: logReturns(4), sampling: 'sequential', commission: 0.001 });
    const a = new Float64Array(1);
    let obs = env.reset(0);
    for (let i = 0; ; i++) {
      lp.policy.act(obs, 1, null, a);
      const r = env.step(a[0]!);
      expect(bt.equity[4 + i + 1]!.equity, `equity at bar ${4 + i + 1}`).toBeCloseTo(r.info!['equity']!, 6);
      if (r.done) break;
      obs = r.observation;
    }
  }, 30_000);

  it('evaluate walks forward with retraining and writes the JSON and the HTML report', async () => {
    const t = await run('rl', 'train', '--data', `csv:${at('prices.csv')}`, ...TRAIN, '--steps', '128', '--out', at('small.json'), '--quiet');
    expect(t.code, t.err).toBe(0);
    const e = await run('rl', 'evaluate', '--policy', at('small.json'), '--data', `csv:${at('prices.csv')}`, '--train-bars', '150', '--test-bars', '100',
      '--seeds', '1,2', '--compare', 'buy-and-hold,sma-cross', '--json', at('eval.json'), '--report', at('eval.html'));
    expect(e.code, e.err).toBe(0);
    expect(e.out).toMatch(/The seed's targets out of sample: Sharpe > 1\.5 (met|NOT met)/);
    const r = JSON.parse(readFileSync(at('eval.json'), 'utf8')) as {
      walkForward: { folds: number; bars: number; trainBars: number }; folds: { train: { bars: number }; test: { bars: number } }[]; trials: { seed: number; primary: boolean }[];
      training: { stepsPerTraining: number; trainings: number }; outOfSample: { deflatedSharpe: { numTrials: number }; pbo: { pbo: number } | null };
      targets: Record<string, boolean>; comparison: { strategy: string }[]; policyFile: { overlapsTraining: boolean }; costs: { commission: number; leverage: number };
    };
    // Test blocks start at bar 150 every 100 bars: 150, 250, 350 (the last has 50 bars).
    expect(r.walkForward).toMatchObject({ folds: 3, bars: 250, trainBars: 150 });
    expect(r.folds.map((f) => f.test.bars)).toEqual([100, 100, 50]);
    expect(r.folds.every((f) => f.train.bars === 150)).toBe(true);
    expect(r.trials.map((x) => [x.seed, x.primary])).toEqual([[1, true], [2, false]]);
    expect(r.training).toEqual({ steps: 128, stepsPerTraining: 128, envs: 1, workers: 0, trainings: 6 });
    expect(r.outOfSample.deflatedSharpe.numTrials).toBe(2);
    expect(r.outOfSample.pbo?.pbo).toBeGreaterThanOrEqual(0);
    expect(Object.values(r.targets).every((v) => typeof v === 'boolean')).toBe(true);
    expect(r.comparison.map((c) => c.strategy)).toEqual(['rl-agent', 'buy-and-hold', 'sma-cross']);
    // The recipe's costs come from the file; the file's own policy was trained on these very bars.
    expect(r.costs).toMatchObject({ commission: 0.001, leverage: 2 });
    expect(r.policyFile.overlapsTraining).toBe(true);
    const html = readFileSync(at('eval.html'), 'utf8');
    expect(html).toContain('id="chart-equity"');
    expect(html).toContain('id="sextant-rl-evaluation"');
  }, 30_000);

  it('trains on CartPole and says whether the criterion was met', async () => {
    const c = await run('rl', 'train', '--env', 'cartpole', '--steps', '1000', '--json', '-');
    expect(c.code, c.err).toBe(0);
    const r = JSON.parse(c.out) as { solved: boolean; stepsToSolve: number | null; trainedSteps: number; evaluation: { episodes: number; meanReturn: number } };
    // 1,000 steps are far too few: it is not solved, and says so.
    expect(r).toMatchObject({ solved: false, stepsToSolve: null, evaluation: { episodes: 20 } });
    expect(r.trainedSteps).toBe(1024);
    const text = await run('rl', 'train', '--env', 'cartpole', '--steps', '256', '--envs', '2');
    expect(text.out).toMatch(/CartPole-v1: NOT solved within 256 steps .* seed 1, 2 envs/);
  }, 30_000);

  it.each([
    ['a policy file that is not one (backtest)', ['backtest', '--strategy', 'rl-agent', '--param', 'BAD', '--data', 'CSV'], /bad-policy\.json, field "format"/],
    ['a policy file that is not JSON (evaluate)', ['rl', 'evaluate', '--policy', 'NOTJSON', '--data', 'CSV'], /not-json\.json:1, field "--policy": not valid JSON/],
    ['a policy file with weights of the wrong size', ['rl', 'evaluate', '--policy', 'SHORT', '--data', 'CSV'], /short\.json, field "policy\.params"/],
    ['no --out for the trading env', ['rl', 'train', '--data', 'CSV', '--steps', '10'], /field "--out"/],
    ['a bad seed list', ['rl', 'evaluate', '--policy', 'SMALL', '--data', 'CSV', '--seeds', '1,x'], /field "--seeds"/],
    ['an episode longer than the data', ['rl', 'train', '--data', 'CSV', '--episode-bars', '500', '--out', 'OUT'], /field "--episode-bars"/],
    ['a training window too short for an episode', ['rl', 'evaluate', '--policy', 'SMALL', '--data', 'CSV', '--train-bars', '20'], /field "--train-bars"/],
  ])('exits 2 on %s, naming it', async (_what, argv, message) => {
    const map: Record<string, string> = {
      BAD: `policy=${at('bad-policy.json')}`, NOTJSON: at('not-json.json'), SHORT: at('short.json'), SMALL: at('hand.json'), CSV: `csv:${at('prices.csv')}`, OUT: at('out.json'),
    };
    const r = await run(...argv.map((x) => map[x] ?? x));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
