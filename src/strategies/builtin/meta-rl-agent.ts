// The RL agent of the `meta` strategy: a trained PPO policy (rl-agent's policy file, `--param policy=<file>`)
// as one more agent. Agents run in shadow, so the policy cannot see the meta-agent's real position; it sees
// its own, kept in a shadow account as the training env would keep it: one unit of equity, no costs, its
// order (the move to the target weight, unless within the rebalance band) filled at the next bar's open. Its
// observation is the training one (the policy's market features, the shadow position's weight and its
// unrealized PnL / equity), its target the action's weight over the policy's maxWeight, in [-1, 1].
import { ConfigError } from '../../core/errors.ts';
import type { Bar } from '../../model/bar.ts';
import type { Agent, AgentFactory } from './meta-agents.ts';
import { MarketWindow } from './rl-agent.ts';
import { LoadedPolicy, marketFeatures, PolicySchedule } from './rl-agent-policy.ts';
import { rebalanceQty } from './target-weight.ts';

export const RL_AGENT_NAME = 'rl-agent';

/** A policy's shadow account and its decisions on one symbol. */
export class PolicyAgent implements Agent {
  readonly #schedule: PolicySchedule;
  readonly #window: MarketWindow;
  readonly #obs: Float64Array;
  readonly #action = new Float64Array(1);
  #at = -1;
  #cash = 1;
  #qty = 0;
  #avgPrice = 0;
  /** Units ordered at the last bar's close, filled at this bar's open. */
  #pending = 0;
  /** The last observation (for tests and diagnostics). */
  lastObservation: Float64Array | null = null;

  constructor(
    readonly name: string,
    symbol: string,
    policy: LoadedPolicy | PolicySchedule,
  ) {
    this.#schedule = policy instanceof PolicySchedule ? policy : new PolicySchedule([{ fromMs: -Infinity, policy }], policy.source);
    const first = this.#schedule.entries[0]!.policy;
    this.#window = new MarketWindow(symbol, marketFeatures(first.observation));
    this.#obs = new Float64Array(first.policy.shape.observationSize);
  }

  /** The shadow account's equity at `price` (it starts at 1). */
  equityAt(price: number): number {
    return this.#cash + this.#qty * price;
  }

  target(bar: Bar): number {
    if (this.#pending !== 0) {
      this.#fill(this.#pending, bar.open);
      this.#pending = 0;
    }
    if (!this.#window.push(bar)) return 0;
    this.#at = this.#schedule.indexAt(bar.tsEventMs, this.#at);
    const equity = this.equityAt(bar.close);
    if (this.#at < 0 || !(equity > 0) || !(bar.close > 0)) return 0;
    const lp = this.#schedule.entries[this.#at]!.policy;
    const obs = this.#obs;
    this.#window.write(obs);
    if (lp.observation.account) {
      const n = obs.length - 2;
      obs[n] = (this.#qty * bar.close) / equity;
      obs[n + 1] = (this.#qty * (bar.close - this.#avgPrice)) / equity;
    }
    this.lastObservation = obs;
    lp.policy.act(obs, 1, null, this.#action);
    const weight = lp.weightOf(this.#action[0]!);
    const delta = rebalanceQty(weight, equity, bar.close, this.#qty, lp.action.rebalanceBand);
    if (delta !== 0) this.#pending = delta;
    const t = weight / lp.action.maxWeight;
    return t > 1 ? 1 : t < -1 ? -1 : t;
  }

  /** Books a fill of `delta` units at `price`: the average price moves on adding, stays on reducing, resets on a flip. */
  #fill(delta: number, price: number): void {
    const q = this.#qty;
    const next = q + delta;
    if (q === 0 || Math.sign(q) === Math.sign(delta)) this.#avgPrice = (this.#avgPrice * Math.abs(q) + price * Math.abs(delta)) / Math.abs(next);
    else if (next === 0) this.#avgPrice = 0;
    else if (Math.sign(next) !== Math.sign(q)) this.#avgPrice = price;
    this.#cash -= delta * price;
    this.#qty = next;
  }
}

/** The agent factories of meta's `policy` param: none without a policy; a file name not read is a ConfigError. */
export function rlAgentFactories(policy: LoadedPolicy | PolicySchedule | string | undefined): AgentFactory[] {
  if (policy === undefined) return [];
  if (typeof policy === 'string') {
    throw new ConfigError(`the policy file "${policy}" was not read: backtest, paper and live read policy files; this use of the strategy does not`, { field: 'param policy' });
  }
  return [(symbol) => new PolicyAgent(RL_AGENT_NAME, symbol, policy)];
}
