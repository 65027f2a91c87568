// rl-agent: trades a trained PPO policy (`sextant rl train`). Per bar and symbol it builds the observation the
// policy was trained on, exactly as the training env (src/engine/gym/trading-env.ts) built it: the market
// features of src/ml/rl/observations.ts at this bar (same function, bars up to this one only), then the
// position's weight and its unrealized PnL / equity; takes the most likely action (argmax, or the mean of a
// continuous policy); and orders the difference to the action's target weight with one market order, unless
// it moves the weight by no more than the rebalance band, as the env's strategy does. So a backtest on the
// bars of a training episode takes the episode's actions bar for bar (rl-agent.test.ts checks it).
// The policy comes in as a value (strategies do no I/O): `--param policy=policy.json` is read by the app layer.
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import { BarSeries, type Bar } from '../../model/bar.ts';
import type { MarketFeatures } from '../../ml/rl/observations.ts';
import type { StrategyContext } from '../context.ts';
import { PerSymbol, Strategy } from '../strategy.ts';
import { LoadedPolicy, loadPolicyParam, marketFeatures, PolicySchedule } from './rl-agent-policy.ts';
import { orderToWeight } from './target-weight.ts';

const schema = z.object({
  policy: z
    .union([z.string().min(1), z.instanceof(LoadedPolicy), z.instanceof(PolicySchedule)])
    .optional()
    .describe('the trained policy: a policy file written by `sextant rl train` (read by backtest, paper and live)'),
  multiplier: z.number().positive().max(1e9).optional().describe("contract multiplier of the traded instrument (default: the training instrument's)"),
  longOnly: z.boolean().default(false).describe('trade a short action as flat (a cash account, where shorts are denied); not how the policy was trained'),
  scale: z.number().gt(0).max(10).default(1).describe('multiply every target weight (e.g. 0.95 so a full long fits a cash account through an opening gap); 1 as trained'),
});
export type RlAgentParams = z.infer<typeof schema>;

const DESCRIPTION =
  "Runs a PPO policy trained by `sextant rl train`: each bar, the observation it was trained on (recent log returns, the position's weight and unrealized PnL), its most likely action, traded as target weight with a rebalance band as in training.";

/** One decision, for tests and diagnostics. */
export interface RlDecision {
  readonly symbol: string;
  readonly tsMs: number;
  readonly observation: Float64Array;
  /** The action index (discrete) or the action's number (continuous). */
  readonly action: number;
  /** The target weight it asked for. */
  readonly weight: number;
}

export interface RlAgentHooks {
  readonly onDecision?: (d: RlDecision) => void;
}

/**
 * The last `warmup + 1` bars of a symbol, and the market features at the latest of them. Market features read
 * only bars up to the index they are asked about and look back `warmup` bars, so the window gives what the
 * whole history gives. Each call sees fresh columns (feature functions may cache by column).
 */
export class MarketWindow {
  readonly size: number;
  readonly #cols: Float64Array[];
  #count = 0;

  constructor(
    readonly symbol: string,
    readonly features: MarketFeatures,
  ) {
    this.size = features.warmup + 1;
    this.#cols = Array.from({ length: 6 }, () => new Float64Array(this.size));
  }

  /** Adds a bar; true once the window is full (the features are defined). */
  push(bar: Bar): boolean {
    const i = this.#count % this.size;
    const c = this.#cols;
    c[0]![i] = bar.tsEventMs;
    c[1]![i] = bar.open;
    c[2]![i] = bar.high;
    c[3]![i] = bar.low;
    c[4]![i] = bar.close;
    c[5]![i] = bar.volume;
    this.#count++;
    return this.#count >= this.size;
  }

  /** Writes the features at the latest bar into out[0..). */
  write(out: Float64Array): void {
    const w = this.size;
    const start = this.#count % w;
    const [time, open, high, low, close, volume] = this.#cols.map((col) => {
      const a = new Float64Array(w);
      a.set(col.subarray(start), 0);
      a.set(col.subarray(0, start), w - start);
      return a;
    }) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const series = new BarSeries(this.symbol, w, 0, { time, open, high, low, close, volume });
    if (this.features.into !== undefined) this.features.into(series, w - 1, out, 0);
    else out.set(this.features.fn(series, w - 1));
  }
}

class SymbolState {
  readonly window: MarketWindow;
  readonly obs: Float64Array;
  readonly action = new Float64Array(1);
  at = -1;
  constructor(symbol: string, policy: LoadedPolicy) {
    this.window = new MarketWindow(symbol, marketFeatures(policy.observation));
    this.obs = new Float64Array(policy.policy.shape.observationSize);
  }
}

export class RlAgent extends Strategy<RlAgentParams> {
  static readonly schema = schema;
  static readonly description = DESCRIPTION;
  /** `--param policy=<file>`: the app layer reads the policy file (src/app/strategy-file-params.ts). */
  static readonly fileParams = { policy: loadPolicyParam };
  readonly #schedule: PolicySchedule;
  readonly #hooks: RlAgentHooks;
  readonly #states: PerSymbol<SymbolState>;

  constructor(config: RlAgentParams, hooks: RlAgentHooks = {}) {
    super(config);
    const p = config.policy;
    if (p === undefined) throw new ConfigError('rl-agent needs a trained policy: --param policy=policy.json (write one with `sextant rl train`)', { field: 'param policy' });
    if (typeof p === 'string') {
      throw new ConfigError(`the policy file "${p}" was not read: backtest, paper and live read policy files; this use of the strategy does not`, { field: 'param policy' });
    }
    this.#schedule = p instanceof PolicySchedule ? p : new PolicySchedule([{ fromMs: -Infinity, policy: p }], p.source);
    this.#hooks = hooks;
    const first = this.#schedule.entries[0]!.policy;
    this.#states = new PerSymbol((symbol) => new SymbolState(symbol, first));
  }

  override onBar(bar: Bar, ctx: StrategyContext): void {
    const s = this.#states.get(bar.symbol);
    if (!s.window.push(bar)) return;
    s.at = this.#schedule.indexAt(bar.tsEventMs, s.at);
    if (s.at < 0) return;
    const lp = this.#schedule.entries[s.at]!.policy;
    const multiplier = this.config.multiplier ?? lp.action.multiplier;
    // Each symbol trades an equal share of the equity (the whole of it with one symbol, as in training).
    const equity = ctx.equity() / Math.max(1, ctx.symbols().length);
    const obs = s.obs;
    s.window.write(obs);
    if (lp.observation.account) {
      const pos = ctx.position(bar.symbol);
      const n = obs.length - 2;
      obs[n] = equity > 0 ? (pos.qty * bar.close * multiplier) / equity : 0;
      obs[n + 1] = equity > 0 ? pos.unrealizedPnl() / equity : 0;
    }
    lp.policy.act(obs, 1, null, s.action);
    const action = s.action[0]!;
    const w = lp.weightOf(action) * this.config.scale;
    const weight = this.config.longOnly && w < 0 ? 0 : w;
    this.#hooks.onDecision?.({ symbol: bar.symbol, tsMs: bar.tsEventMs, observation: obs.slice(), action, weight });
    this.#target(ctx, bar.symbol, weight, bar.close, equity, multiplier, lp.action.rebalanceBand);
  }

  /**
   * Orders the difference between the position and `weight` × equity at `price` (this bar's close), unless it
   * moves the weight by no more than `band`; working orders of the symbol are canceled first (the env's rule).
   */
  #target(ctx: StrategyContext, symbol: string, weight: number, price: number, equity: number, multiplier: number, band: number): void {
    orderToWeight(ctx, symbol, weight, price, equity, multiplier, band);
  }
}
