// The meta-agent: allocates capital among agents by their recent out-of-sample returns and the regime,
// through Hedge keyed by regime. Each bar: `observe` the returns the agents earned over the period just
// ended (credited to the regime that period was decided in), then `decide` the weights for the next
// period. Every decision is logged with the reason its weights moved.
import { z } from 'zod';
import { ConfigError, InputError } from '../../core/errors.ts';
import { returnToLoss } from './hedge.ts';
import { RegimeHedge } from './regime-hedge.ts';

export const MetaAllocatorSchema = z.object({
  /** Hedge learning rate per period (losses in [0, 1]); hedgeEta(n, horizon) gives the regret-optimal one. */
  eta: z.number().positive().default(0.5),
  /** A period return of +returnScale or more is loss 0, of -returnScale or less loss 1. */
  returnScale: z.number().positive().default(0.02),
  /** Minimum weight per agent (fixed share); at most 1 / agents. */
  floor: z.number().min(0).max(1).default(0),
  /** Learn per regime (false: one Hedge over all periods). */
  byRegime: z.boolean().default(true),
  /** Periods after which a regime's own learner and the all-period one weigh equally. */
  regimePrior: z.number().min(0).default(20),
  /** Periods in the trailing return a decision's reason quotes. */
  lookback: z.number().int().min(1).default(20),
});
export type MetaAllocatorConfig = z.input<typeof MetaAllocatorSchema>;

export interface MetaDecision {
  readonly timeMs: number;
  readonly regime: string;
  /** Agent name -> weight; sums to 1. */
  readonly weights: Readonly<Record<string, number>>;
  /** What moved the weights, e.g. "agent sma-cross: 20-bar return +3.1% in bull_quiet; weight 0.25 -> 0.41". */
  readonly reason: string;
}

const ALL = '*';

export class MetaAllocator {
  readonly config: z.output<typeof MetaAllocatorSchema>;
  readonly #learner: RegimeHedge;
  /** Per regime: the last `lookback` returns of each agent (ring, row-major lookback x agents) and a count. */
  readonly #recent = new Map<string, { ring: Float64Array; count: number }>();
  #last: { regime: string; weights: Float64Array } | undefined;

  constructor(
    readonly agents: readonly string[],
    config: MetaAllocatorConfig = {},
    readonly onDecision?: (d: MetaDecision) => void,
  ) {
    const r = MetaAllocatorSchema.safeParse(config);
    if (!r.success) throw new ConfigError(`meta allocator: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    this.config = r.data;
    if (agents.length === 0) throw new ConfigError('meta allocator needs at least one agent');
    if (new Set(agents).size !== agents.length) throw new ConfigError(`meta allocator: agent names repeat (${agents.join(', ')})`);
    if (this.config.floor * agents.length > 1) throw new ConfigError(`meta allocator: floor ${this.config.floor} x ${agents.length} agents exceeds 1`, { field: 'floor' });
    this.#learner = new RegimeHedge(agents.length, { eta: this.config.eta, floor: this.config.floor, prior: this.config.regimePrior });
  }

  /** The weights for the period starting at `timeMs`, in `regime`; logged with their reason. */
  decide(timeMs: number, regime: string): MetaDecision {
    const key = this.config.byRegime ? regime : ALL;
    const w = Float64Array.from(this.#learner.weights(key));
    const weights: Record<string, number> = {};
    this.agents.forEach((a, i) => (weights[a] = w[i]!));
    const d: MetaDecision = { timeMs, regime, weights, reason: this.#reason(regime, key, w) };
    this.#last = { regime, weights: w };
    this.onDecision?.(d);
    return d;
  }

  /**
   * The return each agent earned over the period since the last decision (in agent order; NaN counts as
   * the worst loss). Credited to the regime that decision was made in; before any decision, to nothing.
   */
  observe(returns: ArrayLike<number>): void {
    if (returns.length !== this.agents.length) throw new InputError(`meta allocator: ${returns.length} returns for ${this.agents.length} agents`);
    if (this.#last === undefined) return;
    const regime = this.#last.regime;
    const key = this.config.byRegime ? regime : ALL;
    const losses = Array.from(returns, (r) => returnToLoss(r, this.config.returnScale));
    this.#learner.update(key, losses);
    this.#remember(regime, returns);
  }

  /** observe(returns) then decide(timeMs, regime): one bar of the allocator's loop. */
  step(timeMs: number, regime: string, returns: ArrayLike<number>): MetaDecision {
    this.observe(returns);
    return this.decide(timeMs, regime);
  }

  #remember(regime: string, returns: ArrayLike<number>): void {
    const n = this.agents.length;
    const L = this.config.lookback;
    let rec = this.#recent.get(regime);
    if (rec === undefined) {
      rec = { ring: new Float64Array(L * n), count: 0 };
      this.#recent.set(regime, rec);
    }
    const row = rec.count % L;
    for (let i = 0; i < n; i++) rec.ring[row * n + i] = Number.isNaN(returns[i]!) ? 0 : returns[i]!;
    rec.count++;
  }

  /** Compounded return of agent i over its last `lookback` periods in `regime`, and how many there were. */
  #trailing(regime: string, i: number): { ret: number; periods: number } {
    const rec = this.#recent.get(regime);
    if (rec === undefined) return { ret: 0, periods: 0 };
    const n = this.agents.length;
    const periods = Math.min(rec.count, this.config.lookback);
    let g = 1;
    for (let p = 0; p < periods; p++) g *= 1 + rec.ring[p * n + i]!;
    return { ret: g - 1, periods };
  }

  #reason(regime: string, key: string, w: Float64Array): string {
    const last = this.#last;
    const prev = last?.weights;
    // The agent whose weight moved most since the last decision; on a tie (two agents always tie) the
    // one that gained, then the first.
    let mover = 0;
    let move = 0;
    let gained = false;
    for (let i = 0; i < w.length; i++) {
      const delta = w[i]! - (prev?.[i] ?? 1 / w.length);
      const dw = Math.abs(delta);
      if (dw > move + 1e-12 || (Math.abs(dw - move) <= 1e-12 && delta > 0 && !gained)) {
        move = dw;
        mover = i;
        gained = delta > 0;
      }
    }
    const parts: string[] = [];
    if (last === undefined) parts.push(`first decision in ${regime}`);
    else if (last.regime !== regime) parts.push(`regime ${regime} (was ${last.regime})`);
    if (last !== undefined && this.config.byRegime && this.#learner.periods(key) === 0) parts.push(`no history in ${regime}: all-regime weights`);
    if (move < 5e-4) {
      parts.push(last === undefined ? 'equal weights' : 'weights unchanged');
      return parts.join('; ');
    }
    const t = this.#trailing(regime, mover);
    const before = prev?.[mover] ?? 1 / w.length;
    const perf = t.periods > 0 ? `${t.periods}-bar return ${pct(t.ret)} in ${regime}` : `no returns yet in ${regime}`;
    parts.push(`agent ${this.agents[mover]}: ${perf}; weight ${before.toFixed(2)} -> ${w[mover]!.toFixed(2)}`);
    return parts.join('; ');
  }
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

export interface MetaRun {
  /** rows x agents: the weights decided at each row (held over the next row's returns). */
  readonly weights: Float64Array;
  /** Per row: the meta-agent's return, the previous row's weights times this row's agent returns (0 at row 0). */
  readonly returns: Float64Array;
  readonly decisions: readonly MetaDecision[];
}

/**
 * The allocator over a whole history: `returns` is rows x agents (row-major; row t holds each agent's
 * return over the period ending at row t), `regimes[t]` the regime known at row t.
 */
export function runMetaAllocator(
  agents: readonly string[],
  returns: Float64Array,
  regimes: readonly string[],
  time: ArrayLike<number>,
  config: MetaAllocatorConfig = {},
): MetaRun {
  const n = agents.length;
  const rows = regimes.length;
  if (returns.length !== rows * n || time.length < rows) throw new InputError(`meta allocator: ${returns.length} returns, ${rows} regimes and ${time.length} times do not line up for ${n} agents`);
  const decisions: MetaDecision[] = [];
  const m = new MetaAllocator(agents, config, (d) => decisions.push(d));
  const weights = new Float64Array(rows * n);
  const out = new Float64Array(rows);
  for (let t = 0; t < rows; t++) {
    const r = returns.subarray(t * n, t * n + n);
    if (t > 0) {
      let p = 0;
      for (let i = 0; i < n; i++) p += weights[(t - 1) * n + i]! * r[i]!;
      out[t] = p;
    }
    const d = t > 0 ? m.step(time[t]!, regimes[t]!, r) : m.decide(time[t]!, regimes[t]!);
    agents.forEach((a, i) => (weights[t * n + i] = d.weights[a]!));
  }
  return { weights, returns: out, decisions };
}
