// meta: several agents trade one portfolio and a meta-agent allocates capital among them. Each agent (a
// signal model, a flat cash agent, an ML model when one is given) gives a target exposure in [-1, 1] per
// bar and runs in shadow; the MetaAllocator (src/ml/meta: Hedge keyed by the rule-based regime of
// src/ml/regime) weighs them by the returns their targets earned, regime by regime. A symbol's position
// target is Σ weight × target × allocation of equity, rebalanced only when it moves more than `band`.
// Every allocation change is written to the strategy log with its reason and kept in `decisions`.
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import type { Bar } from '../../model/bar.ts';
import { parseRegimeRules, type RegimeRulesConfig } from '../../ml/regime/index.ts';
import type { StrategyContext } from '../context.ts';
import { PerSymbol, Strategy } from '../strategy.ts';
import { agentFactories, agentNames, agentSpecIssues, AgentSpecSchema, ML_AGENT, parseAgentList, type AgentFactory, type AgentSpec } from './meta-agents.ts';
import { MetaBook, type MetaBookConfig, type MetaLogEntry } from './meta-book.ts';
import { LoadedModel, mlAgentFactory, ModelSchedule } from './meta-ml.ts';
import { loadModelParam } from './ml-ensemble-model.ts';
import { rlAgentFactories } from './meta-rl-agent.ts';
import { LoadedPolicy, loadPolicyParam, PolicySchedule } from './rl-agent-policy.ts';

const DEFAULT_AGENTS: AgentSpec[] = [
  { model: 'sma-cross', params: {} },
  { model: 'donchian-breakout', params: {} },
  { model: 'rsi', params: {} },
  { model: 'zscore-reversion', params: {} },
];

/** The agent specs with an `ml-ensemble` agent (default params) appended when a model is given and none is listed. */
function withModelAgent(agents: readonly AgentSpec[], model: unknown): AgentSpec[] {
  if (model === undefined || agents.some((a) => a.model === ML_AGENT)) return [...agents];
  return [...agents, { model: ML_AGENT, params: {} }];
}

/** A JSON object given on the command line as text. */
function parseJsonObject(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

const schema = z
  .object({
    agents: z
      .preprocess(parseAgentList, z.array(AgentSpecSchema).min(1).default(DEFAULT_AGENTS))
      .describe('the agents: "sma-cross,zscore-reversion" (default params) or JSON [{model, params, name}]; models: the signal models and ml-ensemble'),
    cashAgent: z.boolean().default(true).describe('add a flat "cash" agent, so the meta-agent can keep capital out of the market'),
    weighting: z.enum(['hedge', 'equal']).default('hedge').describe('hedge: weights learned by regime from recent returns; equal: 1/n throughout (the baseline)'),
    allocation: z.number().gt(0).max(10).default(0.95).describe('fraction of equity held when every agent is fully long (split equally across symbols)'),
    allowShort: z.boolean().default(false).describe('let a negative combined target go short (margin account); otherwise it is flat'),
    band: z.number().min(0).max(1).default(0.1).describe("rebalance only when the target is more than this far from the position, as a fraction of the symbol's allocation"),
    costBps: z.number().min(0).max(1000).default(5).describe("cost charged to an agent's shadow return per unit its target moves (basis points)"),
    eta: z.number().positive().max(100).default(0.5).describe('Hedge learning rate per bar'),
    returnScale: z.number().positive().max(10).default(0.02).describe('a bar return of +returnScale or more is loss 0, of -returnScale or less loss 1'),
    floor: z.number().min(0).max(0.5).default(0.005).describe('minimum weight of every agent (fixed share), so a loser can come back'),
    byRegime: z.boolean().default(true).describe('learn weights per regime (false: one learner over all bars)'),
    regimePrior: z.number().min(0).max(100_000).default(20).describe("bars after which a regime's own weights count as much as the all-regime ones"),
    lookback: z.number().int().min(1).max(10_000).default(20).describe('bars of trailing return a logged reason quotes'),
    logChange: z.number().min(0).max(1).default(0.1).describe('log an allocation when a weight moved this far since the last log (a regime change always logs)'),
    regimeRules: z
      .preprocess(parseJsonObject, z.record(z.string(), z.unknown()).default({}))
      .describe('rule-based regime settings as JSON, e.g. {"trendWindow":20} (src/ml/regime; defaults suit daily bars)'),
    model: z
      .union([z.string().min(1), z.instanceof(LoadedModel), z.instanceof(ModelSchedule)])
      .optional()
      .describe('a trained model file (`sextant ml train`): adds an ml-ensemble agent unless agents lists one'),
    policy: z
      .union([z.string().min(1), z.instanceof(LoadedPolicy), z.instanceof(PolicySchedule)])
      .optional()
      .describe('a trained policy file (`sextant rl train`): adds an rl-agent agent'),
  })
  .superRefine((c, ctx) => {
    for (const issue of agentSpecIssues(c.agents)) ctx.addIssue({ code: 'custom', ...issue });
    let names: string[] = [];
    try {
      names = agentNames(withModelAgent(c.agents, c.model), c.cashAgent);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message, path: ['agents'] });
    }
    if (c.floor * names.length > 1) ctx.addIssue({ code: 'custom', message: `floor ${c.floor} x ${names.length} agents exceeds 1`, path: ['floor'] });
    try {
      parseRegimeRules(c.regimeRules as RegimeRulesConfig);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message, path: ['regimeRules'] });
    }
  });
export type MetaParams = z.infer<typeof schema>;

const DESCRIPTION =
  'Meta-agent: several agents (signal models, a cash agent, a trained model when given) trade one portfolio; Hedge keyed by the rule-based market regime weighs them by the returns their targets earned, and each allocation change is logged with its reason.';

export class MetaStrategy extends Strategy<MetaParams> {
  static readonly schema = schema;
  static readonly description = DESCRIPTION;
  /** `--param model=<file>` and `--param policy=<file>`: the app layer reads them, as for ml-ensemble and rl-agent. */
  static readonly fileParams = { model: loadModelParam, policy: loadPolicyParam };
  readonly #factories: readonly AgentFactory[];
  readonly #book: MetaBookConfig;
  readonly #books = new PerSymbol((symbol) => new MetaBook(symbol, this.#factories, this.#book));
  readonly #decisions: MetaLogEntry[] = [];

  constructor(config: MetaParams, extraAgents: readonly AgentFactory[] = []) {
    super(config);
    this.#factories = [...agentFactories(withModelAgent(config.agents, config.model), config.cashAgent, mlAgentFactory(config.model)), ...rlAgentFactories(config.policy), ...extraAgents];
    if (config.floor * this.#factories.length > 1) throw new ConfigError(`meta: floor ${config.floor} x ${this.#factories.length} agents exceeds 1`, { field: 'param floor' });
    this.#book = {
      allocator: {
        eta: config.eta, returnScale: config.returnScale, floor: config.floor, byRegime: config.byRegime, regimePrior: config.regimePrior, lookback: config.lookback,
      },
      weighting: config.weighting,
      costBps: config.costBps,
      regimeRules: config.regimeRules as RegimeRulesConfig,
      logChange: config.logChange,
    };
  }

  /** Every logged allocation change, oldest first (also written to the strategy log). */
  get decisions(): readonly MetaLogEntry[] {
    return this.#decisions;
  }

  /** The meta-agent of a symbol (created on its first bar). */
  book(symbol: string): MetaBook {
    return this.#books.get(symbol);
  }

  override onBar(bar: Bar, ctx: StrategyContext): void {
    const { signal, entry } = this.#books.get(bar.symbol).update(bar, ctx);
    if (entry !== null) {
      this.#decisions.push(entry);
      ctx.log(entry.message);
    }
    const c = this.config;
    const clipped = c.allowShort ? signal : Math.max(0, signal);
    const allocation = c.allocation / Math.max(1, ctx.symbols().length);
    this.#rebalance(ctx, bar, clipped * allocation, c.band * allocation);
  }

  /**
   * Moves the position towards `target` (a signed fraction of equity) when it is more than `band` away.
   * Growing goes through the pct-equity target sizer; shrinking sells the share of the position that is
   * too much, reduce-only; a change of side closes first and opens the other side on a later bar.
   * Nothing is sent while an order of the symbol is still working.
   */
  #rebalance(ctx: StrategyContext, bar: Bar, target: number, band: number): void {
    const symbol = bar.symbol;
    const pos = ctx.position(symbol);
    const equity = ctx.equity();
    if (!(equity > 0) || !(bar.close > 0) || ctx.openOrders(symbol).length > 0) return;
    const held = (pos.qty * bar.close) / equity;
    if (pos.isFlat && target === 0) return;
    if (Math.abs(target - held) <= band && !(target === 0 && !pos.isFlat)) return;
    if (!pos.isFlat && (target === 0 || Math.sign(target) !== Math.sign(held))) {
      ctx.close(symbol);
      return;
    }
    if (Math.abs(target) > Math.abs(held)) {
      const size = ctx.size.pctEquity(Math.abs(target) * 100);
      if (target > 0) ctx.buy(symbol, size);
      else ctx.sell(symbol, size);
      return;
    }
    const qty = Math.abs(pos.qty) * (1 - Math.abs(target) / Math.abs(held));
    if (qty > 0) {
      if (held > 0) ctx.sell(symbol, qty, { reduceOnly: true });
      else ctx.buy(symbol, qty, { reduceOnly: true });
    }
  }
}
