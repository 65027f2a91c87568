// A gym-style trading environment over the node: each episode is a fresh TradingNode (history mode, the
// simulated venue with the configured commission and slippage) over a window of one symbol's bars. The
// agent decides at a bar's close; the decision becomes a target-position market order placed by an
// internal strategy, which fills at the next bar's open (the venue's default); the env then steps the
// node one bar and rewards the equity change (or another reward of src/ml/rl/rewards.ts).
//
// Timing of one step at decision bar t: observation of bars <= t -> action -> order -> node.step()
// processes bar t+1 (fill at its open, position marked at its close) -> reward from equity(t+1) - equity(t).
import { Rng } from '../../core/rng.ts';
import { ConfigError } from '../../core/errors.ts';
import { BarSeries } from '../../model/bar.ts';
import { makeInstrument, type Instrument } from '../../model/instrument.ts';
import { FractionCommission } from '../../execution/commission.ts';
import { FixedBpsSlippage } from '../../execution/slippage.ts';
import type { VenueConfig } from '../../execution/simulated-venue.ts';
import type { Env, EnvInfo, StepResult } from '../../ml/rl/env.ts';
import { logReturns, type MarketFeatures } from '../../ml/rl/observations.ts';
import { makeReward, type RewardFunction, type RewardSpec } from '../../ml/rl/rewards.ts';
import { box, discrete, type ActionSpace } from '../../ml/rl/spaces.ts';
import { TradingNode } from '../node.ts';
import { EnvStrategy } from './env-strategy.ts';

export interface TradingEnvConfig {
  readonly series: BarSeries;
  /** Default: an equity of the series' symbol (whole units). */
  readonly instrument?: Instrument;
  /** Decisions per episode (the episode uses episodeLength + 1 bars). */
  readonly episodeLength: number;
  /** 'discrete': 0 flat, 1 long, 2 short (± maxWeight); 'continuous': one number, the target weight in [-1, 1]. Default discrete. */
  readonly actions?: 'discrete' | 'continuous';
  /** Market features (default: the last 16 log returns). */
  readonly features?: MarketFeatures;
  /** Append the position's weight and its unrealized PnL / equity to the observation (default true). */
  readonly accountFeatures?: boolean;
  readonly reward?: RewardSpec;
  readonly cash?: number;
  /** Margin account leverage (default 2, so a full-weight position fills through an opening gap). */
  readonly leverage?: number;
  /** The weight of action ±1 (default 1: the whole equity). */
  readonly maxWeight?: number;
  /** No order when the target moves the weight by no more than this (default 0.05). */
  readonly rebalanceBand?: number;
  /** Commission as a fraction of traded value (default 0). */
  readonly commission?: number;
  /** Slippage in basis points of the price (default 0). */
  readonly slippageBps?: number;
  /** Other venue settings; its commission / slippage models override the two numbers above. */
  readonly venue?: Partial<VenueConfig>;
  /** 'random' (default): episode starts drawn uniformly from the seed; 'sequential': consecutive windows (evaluation). */
  readonly sampling?: 'random' | 'sequential';
  /** Bars episodes may use, [from, to) (a training or a test period); default the whole series. */
  readonly range?: { readonly from: number; readonly to: number };
  readonly seed?: number;
}

const WEIGHTS = [0, 1, -1];

export class TradingEnv implements Env {
  readonly observationSize: number;
  readonly actionSpace: ActionSpace;
  readonly instrument: Instrument;
  /** First and last decision bar an episode may start at. */
  readonly firstStart: number;
  readonly lastStart: number;
  readonly #cfg: TradingEnvConfig;
  readonly #features: MarketFeatures;
  readonly #account: boolean;
  readonly #reward: RewardFunction;
  readonly #venue: Partial<VenueConfig>;
  readonly #len: number;
  readonly #maxWeight: number;
  readonly #band: number;
  #rng: Rng;
  #episode = 0;
  #node: TradingNode | null = null;
  #strategy: EnvStrategy | null = null;
  #t = 0;
  #k = 0;
  #equity = 0;
  #over = true;

  constructor(cfg: TradingEnvConfig) {
    const s = cfg.series;
    this.#cfg = cfg;
    this.#len = cfg.episodeLength;
    if (!(Number.isInteger(this.#len) && this.#len >= 1)) throw new ConfigError(`episodeLength must be a positive integer, got ${cfg.episodeLength}`, { field: 'episodeLength' });
    this.#features = cfg.features ?? logReturns(16);
    this.#account = cfg.accountFeatures ?? true;
    this.#reward = makeReward(cfg.reward ?? { kind: 'pnl' });
    this.#maxWeight = cfg.maxWeight ?? 1;
    this.#band = cfg.rebalanceBand ?? 0.05;
    this.instrument = cfg.instrument ?? makeInstrument(s.symbol);
    this.actionSpace = cfg.actions === 'continuous' ? box(1, -1, 1) : discrete(3);
    const from = Math.max(cfg.range?.from ?? 0, this.#features.warmup);
    const to = Math.min(cfg.range?.to ?? s.length, s.length);
    this.firstStart = from;
    this.lastStart = to - 1 - this.#len;
    if (this.lastStart < this.firstStart) {
      throw new ConfigError(`an episode of ${this.#len} steps needs ${this.#len + 1 + this.#features.warmup} bars (warm-up ${this.#features.warmup}); the range has ${to - (cfg.range?.from ?? 0)}`, { field: 'episodeLength' });
    }
    this.observationSize = this.#features.fn(s, from).length + (this.#account ? 2 : 0);
    this.#venue = {
      ...(cfg.commission === undefined ? {} : { commission: new FractionCommission(cfg.commission) }),
      ...(cfg.slippageBps === undefined ? {} : { slippage: new FixedBpsSlippage(cfg.slippageBps) }),
      ...cfg.venue,
    };
    this.#rng = new Rng(cfg.seed ?? 0);
  }

  /** The node of the current episode (its kernel holds the orders, fills and equity so far). */
  get node(): TradingNode | null {
    return this.#node;
  }

  /** Bar index (in the whole series) of the current decision. */
  get index(): number {
    return this.#t;
  }

  reset(seed?: number): Float64Array {
    if (seed !== undefined) {
      this.#rng = new Rng(seed);
      this.#episode = 0;
    }
    const span = this.lastStart - this.firstStart + 1;
    // Sequential: back-to-back windows from the first start, around again after the last that fits.
    const windows = Math.floor((span - 1) / this.#len) + 1;
    const t0 = this.#cfg.sampling === 'sequential' ? this.firstStart + (this.#episode % windows) * this.#len : this.firstStart + this.#rng.int(span);
    this.#episode++;
    const s = this.#cfg.series;
    const end = t0 + this.#len + 1;
    const view = new BarSeries(s.symbol, end - t0, s.timeframeMs, {
      time: s.time.subarray(t0, end), open: s.open.subarray(t0, end), high: s.high.subarray(t0, end),
      low: s.low.subarray(t0, end), close: s.close.subarray(t0, end), volume: s.volume.subarray(t0, end),
    });
    const strategy = new EnvStrategy({ symbol: s.symbol, multiplier: this.instrument.multiplier });
    const node = new TradingNode({
      kind: 'backtest', data: { kind: 'history', series: [view] }, instruments: [this.instrument],
      strategies: [{ strategy, id: 'agent' }], cash: this.#cfg.cash ?? 100_000, accountType: 'margin', leverage: this.#cfg.leverage ?? 2,
      execution: { venue: this.#venue },
    });
    node.step(); // the decision bar t0
    this.#node = node;
    this.#strategy = strategy;
    this.#t = t0;
    this.#k = 0;
    this.#equity = node.kernel.portfolio.equity();
    this.#reward.reset(this.#equity);
    this.#over = false;
    return this.#observe();
  }

  step(action: number | Float64Array): StepResult {
    if (this.#over) throw new RangeError('TradingEnv.step after the episode ended: call reset()');
    const node = this.#node!;
    const strat = this.#strategy!;
    const weight = this.weightOf(action);
    strat.clearStep();
    strat.target(weight, this.#cfg.series.close[this.#t]!, this.#band);
    node.step();
    this.#t++;
    this.#k++;
    const prev = this.#equity;
    const equity = node.kernel.portfolio.equity();
    this.#equity = equity;
    const reward = this.#reward.reward({ prevEquity: prev, equity, traded: strat.traded, commission: strat.commission });
    const terminated = !(equity > 0);
    const truncated = !terminated && this.#k >= this.#len;
    this.#over = terminated || truncated;
    const info: EnvInfo = {
      equity, pnl: equity - prev, weight: this.#weightNow(), target: weight, traded: strat.traded, commission: strat.commission,
      fills: strat.fills, refused: strat.refused, index: this.#t,
    };
    return { observation: this.#observe(), reward, done: this.#over, truncated, info };
  }

  /** The target weight an action asks for. */
  weightOf(action: number | Float64Array): number {
    if (this.actionSpace.kind === 'discrete') {
      const a = typeof action === 'number' ? action : action[0]!;
      const w = WEIGHTS[a];
      if (w === undefined) throw new RangeError(`discrete trading actions are 0 (flat), 1 (long), 2 (short); got ${a}`);
      return w * this.#maxWeight;
    }
    const x = typeof action === 'number' ? action : action[0]!;
    return (x > 1 ? 1 : x < -1 ? -1 : Number.isNaN(x) ? 0 : x) * this.#maxWeight;
  }

  #weightNow(): number {
    const strat = this.#strategy!;
    const eq = this.#equity;
    const pos = strat.ctx.position(this.#cfg.series.symbol);
    return eq > 0 ? (pos.qty * this.#cfg.series.close[this.#t]! * this.instrument.multiplier) / eq : 0;
  }

  #observe(): Float64Array {
    const feats = this.#features;
    const n = this.observationSize - (this.#account ? 2 : 0);
    let out: Float64Array;
    if (feats.into !== undefined) {
      out = new Float64Array(this.observationSize);
      feats.into(this.#cfg.series, this.#t, out, 0);
    } else {
      const f = feats.fn(this.#cfg.series, this.#t);
      if (f.length !== n) throw new RangeError(`market features at bar ${this.#t} have ${f.length} numbers, at the first start ${n}`);
      if (!this.#account) return f;
      out = new Float64Array(this.observationSize);
      out.set(f);
    }
    if (this.#account) {
      const eq = this.#equity;
      const pos = this.#strategy!.ctx.position(this.#cfg.series.symbol);
      out[n] = this.#weightNow();
      out[n + 1] = eq > 0 ? pos.unrealizedPnl() / eq : 0;
    }
    return out;
  }
}
