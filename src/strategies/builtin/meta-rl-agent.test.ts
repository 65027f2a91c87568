// meta's RL agent: its shadow account sees what the training env shows the policy (observations and actions of
// a frictionless env episode in fractional units, bar for bar), and `--param policy` adds it to meta's agents.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { BacktestNode } from '../../engine/backtest-node.ts';
import { TradingEnv } from '../../engine/gym/trading-env.ts';
import type { Bar, BarSeries } from '../../model/bar.ts';
import { makeInstrument } from '../../model/instrument.ts';
import { logReturns } from '../../ml/rl/observations.ts';
import { randomWalk } from '../../../test/helpers/bars.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { MetaStrategy, type MetaParams } from './meta.ts';
import { PolicyAgent } from './meta-rl-agent.ts';
import { handPolicy } from './rl-agent-testing.ts';

const barAt = (s: BarSeries, i: number): Bar => ({ symbol: s.symbol, tsEventMs: s.time[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! });
const params = (p: Record<string, unknown>): MetaParams => parseStrategyConfig('meta', builtinStrategy('meta')!, p) as MetaParams;

describe("meta's RL agent", () => {
  it.each(['discrete', 'continuous'] as const)('sees the %s policy\'s env observations and takes its env actions, bar for bar, in its shadow account', (kind) => {
    const series = randomWalk(200, 9);
    const lp = handPolicy({ seed: 5, actions: kind, window: 4 });
    // The env without costs and with fractional units: what a shadow account of the policy's own is.
    const env = new TradingEnv({
      series, episodeLength: series.length - 5, features: logReturns(4), actions: kind, sampling: 'sequential', instrument: makeInstrument('X', { lotSize: 1e-9, minQty: 1e-9 }),
    });
    const agent = new PolicyAgent('rl-agent', 'X', lp);
    const a = new Float64Array(1);
    for (let t = 0; t < 4; t++) expect(agent.target(barAt(series, t))).toBe(0);
    let obs = env.reset(0);
    let steps = 0;
    const targets: number[] = [];
    for (let t = 4; ; t++) {
      const target = agent.target(barAt(series, t));
      const mine = agent.lastObservation!;
      for (let j = 0; j < obs.length; j++) expect(mine[j], `bar ${t}, number ${j}`).toBeCloseTo(obs[j]!, 7);
      lp.policy.act(obs, 1, null, a);
      // The shadow books fractional units without the venue's rounding: a continuous action may differ in its last digits.
      expect(target).toBeCloseTo(lp.weightOf(a[0]!), 9);
      targets.push(target);
      const r = env.step(kind === 'discrete' ? a[0]! : a);
      steps++;
      if (r.done) break;
      obs = r.observation;
    }
    expect(steps).toBe(series.length - 5);
    expect(new Set(targets).size).toBeGreaterThan(1);
  });

  it('joins the agents with --param policy, trades in a backtest, and refuses a policy that was not read', () => {
    const meta = new MetaStrategy(params({ agents: 'rsi', policy: handPolicy() }));
    expect(meta.book('X').names).toEqual(['rsi', 'cash', 'rl-agent']);
    const out = new BacktestNode({ series: [randomWalk(300, 3)], instruments: [makeInstrument('X')], strategies: [{ strategy: meta }], accountType: 'margin' }).run();
    expect(out.kernel.strategyErrors).toEqual([]);
    expect(meta.decisions.some((d) => d.weights['rl-agent'] !== undefined)).toBe(true);
    expect(() => new MetaStrategy(params({ policy: 'policy.json' }))).toThrow(ConfigError);
    expect(() => new MetaStrategy(params({ policy: 'policy.json' }))).toThrow(/was not read/);
  });
});
