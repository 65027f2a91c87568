// rl-agent in the engine acts exactly as its policy does in the training env on the same bars: the same
// observations (bit for bit), the same actions and the same equity, bar for bar, for a discrete and a
// continuous policy with costs; a policy schedule switches at its entries; bad policy files name the field.
import { describe, expect, it } from 'vitest';
import { FractionCommission } from '../../execution/commission.ts';
import { FixedBpsSlippage } from '../../execution/slippage.ts';
import { BacktestNode } from '../../engine/backtest-node.ts';
import { TradingEnv } from '../../engine/gym/trading-env.ts';
import type { BarSeries } from '../../model/bar.ts';
import { makeInstrument } from '../../model/instrument.ts';
import { logReturns } from '../../ml/rl/observations.ts';
import { randomWalk } from '../../../test/helpers/bars.ts';
import { FileParamError } from '../file-params.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { RlAgent, type RlDecision } from './rl-agent.ts';
import { PolicySchedule, policyFromJson, type LoadedPolicy } from './rl-agent-policy.ts';
import { handPolicy } from './rl-agent-testing.ts';

const COMMISSION = 0.001;
const SLIPPAGE_BPS = 5;

/** The policy through one TradingEnv episode over the whole series: observations, actions and equity per decision. */
function inTheGym(series: BarSeries, lp: LoadedPolicy): { obs: Float64Array[]; actions: number[]; equity: number[] } {
  const k = lp.observation.features.logReturns;
  const env = new TradingEnv({
    series, episodeLength: series.length - 1 - k, features: logReturns(k), actions: lp.action.kind, sampling: 'sequential',
    commission: COMMISSION, slippageBps: SLIPPAGE_BPS, rebalanceBand: lp.action.rebalanceBand, maxWeight: lp.action.maxWeight,
  });
  const obs: Float64Array[] = [];
  const actions: number[] = [];
  const equity: number[] = [];
  const a = new Float64Array(1);
  let o = env.reset(1);
  for (;;) {
    obs.push(o);
    lp.policy.act(o, 1, null, a);
    actions.push(a[0]!);
    const r = env.step(lp.action.kind === 'discrete' ? a[0]! : a);
    equity.push(r.info!['equity']!);
    if (r.done) break;
    o = r.observation;
  }
  return { obs, actions, equity };
}

/** rl-agent over the series in a backtest with the env's account and costs: its decisions and equity curve. */
function inTheEngine(series: BarSeries, policy: LoadedPolicy | PolicySchedule): { decisions: RlDecision[]; equity: Float64Array } {
  const decisions: RlDecision[] = [];
  const strategy = new RlAgent({ policy, longOnly: false, scale: 1 }, { onDecision: (d) => decisions.push(d) });
  const out = new BacktestNode({
    series: [series], instruments: [makeInstrument(series.symbol)], cash: 100_000, accountType: 'margin', leverage: 2,
    venue: { commission: new FractionCommission(COMMISSION), slippage: new FixedBpsSlippage(SLIPPAGE_BPS) },
    strategies: [{ strategy }],
  }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  return { decisions, equity: out.equity };
}

const changes = (xs: readonly number[]): number => xs.reduce((n, x, i) => n + (i > 0 && x !== xs[i - 1] ? 1 : 0), 0);

describe('rl-agent', () => {
  it.each([
    ['discrete', 1],
    ['continuous', 2],
  ] as const)('takes the %s policy\'s gym actions bar for bar on the same bars, with the same observations and equity', (kind, seed) => {
    const series = randomWalk(260, 40 + seed);
    const lp = handPolicy({ seed, actions: kind, window: 5 });
    const gym = inTheGym(series, lp);
    const bt = inTheEngine(series, lp);
    const k = 5;
    // The env decides at bars k..n-2; the strategy also at the last bar (an order that never fills).
    expect(gym.actions).toHaveLength(series.length - 1 - k);
    expect(bt.decisions).toHaveLength(series.length - k);
    expect(bt.decisions[0]!.tsMs).toBe(series.time[k]);
    for (let i = 0; i < gym.actions.length; i++) {
      expect(bt.decisions[i]!.observation, `observation at decision ${i}`).toEqual(gym.obs[i]);
      expect(bt.decisions[i]!.action, `action at decision ${i}`).toBe(gym.actions[i]);
      // Equity after the step of decision i is marked at bar k + i + 1.
      expect(bt.equity[k + i + 1], `equity after decision ${i}`).toBeCloseTo(gym.equity[i]!, 6);
    }
    // The policy really trades: it changes its mind many times and ends up away from the start.
    if (kind === 'discrete') expect(new Set(gym.actions).size).toBe(3);
    expect(changes(gym.actions)).toBeGreaterThan(10);
    expect(Math.abs(gym.equity.at(-1)! - 100_000)).toBeGreaterThan(100);
  });

  it('switches policies at the entries of a schedule (each acts from its first bar on)', () => {
    const series = randomWalk(120, 7);
    const a = handPolicy({ seed: 3 });
    const b = handPolicy({ seed: 4 });
    const switchAt = 60;
    const both = inTheEngine(series, new PolicySchedule([{ fromMs: -Infinity, policy: a }, { fromMs: series.time[switchAt]!, policy: b }])).decisions;
    const onlyA = inTheEngine(series, a).decisions;
    // Up to the switch, the schedule is policy a.
    expect(both.slice(0, switchAt - 4).map((d) => d.action)).toEqual(onlyA.slice(0, switchAt - 4).map((d) => d.action));
    // From the switch on, each action is policy b's on the schedule's own observation.
    const x = new Float64Array(1);
    for (const d of both.slice(switchAt - 4)) {
      b.policy.act(d.observation, 1, null, x);
      expect(d.action).toBe(x[0]);
    }
    expect(both.slice(switchAt - 4).some((d, i) => d.action !== onlyA[switchAt - 4 + i]!.action)).toBe(true);
  });

  it('with longOnly and scale, trades a cash account without shorts and within the scaled weight', () => {
    const series = randomWalk(260, 41);
    const lp = handPolicy({ seed: 1, window: 5 });
    const cls = builtinStrategy('rl-agent')!;
    const decisions: RlDecision[] = [];
    const strategy = new RlAgent(parseStrategyConfig('rl-agent', cls, { policy: lp, longOnly: 'true', scale: '0.9' }) as never, { onDecision: (d) => decisions.push(d) });
    const out = new BacktestNode({ series: [series], instruments: [makeInstrument(series.symbol)], cash: 100_000, strategies: [{ strategy }] }).run();
    expect(out.kernel.strategyErrors).toEqual([]);
    // The policy asks for shorts (the same policy as the discrete case above); they become flat.
    expect(decisions.filter((d) => d.action === 2).length).toBeGreaterThan(10);
    expect(decisions.every((d) => d.weight === (d.action === 1 ? 0.9 : 0))).toBe(true);
    expect(out.kernel.fills.length).toBeGreaterThan(10);
    // Nothing was denied: no short in a cash account, and a 90% long fits through the opening gaps.
    expect(out.kernel.rejections).toEqual([]);
    expect(out.kernel.trades.closed.every((t) => t.side === 'long')).toBe(true);
  });

  it('is a registered strategy whose params need a policy value', () => {
    const cls = builtinStrategy('rl-agent')!;
    expect(cls).toBe(RlAgent);
    const none = parseStrategyConfig('rl-agent', cls, {});
    expect(() => new cls(none)).toThrow(/needs a trained policy/);
    const unread = parseStrategyConfig('rl-agent', cls, { policy: 'p.json' });
    expect(() => new cls(unread)).toThrow(/was not read/);
    // Serialized (a paper run's stored config), a loaded policy is its file name.
    expect(JSON.stringify(parseStrategyConfig('rl-agent', cls, { policy: handPolicy({ source: 'p.json' }) }))).toBe('{"policy":"p.json","longOnly":false,"scale":1}');
  });

  it.each([
    ['a wrong format', (f: Record<string, unknown>) => ({ ...f, format: 'sextant-model/1' }), 'format'],
    ['weights of the wrong size', (f: Record<string, unknown>) => ({ ...f, policy: { ...(f['policy'] as object), params: 'AAAAAA==' } }), 'policy.params'],
    ['an observation spec the network does not take', (f: Record<string, unknown>) => ({ ...f, observation: { features: { logReturns: 9 }, account: true } }), 'policy.observationSize'],
    ['an unknown action kind', (f: Record<string, unknown>) => ({ ...f, action: { ...(f['action'] as object), kind: 'ternary' } }), 'action.kind'],
    ['statistics of the wrong width', (f: Record<string, unknown>) => ({ ...f, policy: { ...(f['policy'] as object), obsNorm: { mean: [0], var: [1], count: 5 } } }), 'policy.obsNorm'],
  ])('rejects a policy file with %s, naming the field', (_what, spoil, field) => {
    const lp = handPolicy();
    const file = JSON.parse(JSON.stringify({
      format: 'sextant-rl-policy/1', policy: lp.policy.checkpoint(0, {}), observation: lp.observation, action: lp.action, metadata: {},
    })) as Record<string, unknown>;
    expect(policyFromJson(file, 'ok.json').source).toBe('ok.json');
    let err: unknown = null;
    try {
      policyFromJson(spoil(file), 'bad.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FileParamError);
    expect((err as FileParamError).field).toBe(field);
  });
});
