// One symbol's meta-agent: its agents run in shadow (each keeps its own target whether or not it gets
// capital), the rule-based regime classifier labels each bar from the closes so far, and the MetaAllocator
// (src/ml/meta) turns every agent's realized return into weights keyed by regime. The symbol's signal is
// the weighted sum of the agents' targets. Causal: bar t's weights read returns up to bar t only.
import { toIso } from '../../core/time.ts';
import type { Bar } from '../../model/bar.ts';
import { MetaAllocator, type MetaAllocatorConfig, type MetaDecision } from '../../ml/meta/index.ts';
import { RuleRegimeClassifier, regimeName, type RegimeRulesConfig } from '../../ml/regime/index.ts';
import type { StrategyContext } from '../context.ts';
import type { Agent, AgentFactory } from './meta-agents.ts';

/** Regime key of the bars before the classifier has enough history. */
export const WARMUP_REGIME = 'warmup';

export interface MetaBookConfig {
  readonly allocator: MetaAllocatorConfig;
  /** 'hedge': learned weights; 'equal': every agent 1/n throughout (the baseline). */
  readonly weighting: 'hedge' | 'equal';
  /** Cost charged to an agent's shadow return per unit its target moves, in basis points. */
  readonly costBps: number;
  readonly regimeRules: RegimeRulesConfig;
  /** Log a decision when some weight has moved at least this far since the last logged one (or the regime changed). */
  readonly logChange: number;
}

/** A logged allocation change. */
export interface MetaLogEntry {
  readonly timeMs: number;
  readonly symbol: string;
  readonly regime: string;
  /** Agent -> weight (sums to 1). */
  readonly weights: Readonly<Record<string, number>>;
  /** Agent -> its target for the next bar, in [-1, 1]. */
  readonly targets: Readonly<Record<string, number>>;
  /** Σ weight × target: the symbol's signal in [-1, 1] before the allocation is applied. */
  readonly signal: number;
  /** Why the weights moved (the allocator's reason for this bar). */
  readonly reason: string;
  /** The line written to the strategy log. */
  readonly message: string;
}

export class MetaBook {
  readonly agents: readonly Agent[];
  readonly names: readonly string[];
  readonly #allocator: MetaAllocator | null;
  readonly #regimes: RuleRegimeClassifier;
  readonly #costRate: number;
  readonly #logChange: number;
  /** Each agent's target over the period now ending, and the one before it (its move paid the cost). */
  readonly #held: Float64Array;
  readonly #before: Float64Array;
  readonly #returns: Float64Array;
  readonly #weights: Float64Array;
  #prevClose = NaN;
  #logged: { regime: string; weights: Float64Array } | null = null;
  #decision: MetaDecision | null = null;

  constructor(
    readonly symbol: string,
    factories: readonly AgentFactory[],
    config: MetaBookConfig,
  ) {
    this.agents = factories.map((f) => f(symbol));
    this.names = this.agents.map((a) => a.name);
    const n = this.agents.length;
    this.#allocator = config.weighting === 'hedge' ? new MetaAllocator(this.names, config.allocator) : null;
    this.#regimes = new RuleRegimeClassifier(config.regimeRules);
    this.#costRate = config.costBps / 10_000;
    this.#logChange = config.logChange;
    this.#held = new Float64Array(n);
    this.#before = new Float64Array(n);
    this.#returns = new Float64Array(n);
    this.#weights = new Float64Array(n).fill(1 / n);
  }

  /** The current weights, in agent order (a view). */
  get weights(): Float64Array {
    return this.#weights;
  }

  /** The regime of the latest bar. */
  get regime(): string {
    return this.#decision?.regime ?? WARMUP_REGIME;
  }

  /**
   * Takes the symbol's next bar: credits every agent with the return its target earned since the last
   * bar (less the cost of its last move), decides the weights in this bar's regime, then asks every agent
   * for its next target. Returns the signal Σ weight × target and a log entry when the allocation changed.
   */
  update(bar: Bar, ctx: StrategyContext): { signal: number; entry: MetaLogEntry | null } {
    const n = this.agents.length;
    const first = Number.isNaN(this.#prevClose);
    if (!first) {
      const r = this.#prevClose > 0 ? bar.close / this.#prevClose - 1 : 0;
      for (let i = 0; i < n; i++) this.#returns[i] = this.#held[i]! * r - this.#costRate * Math.abs(this.#held[i]! - this.#before[i]!);
    }
    this.#prevClose = bar.close;
    const code = this.#regimes.update(bar.close);
    const regime = code < 0 ? WARMUP_REGIME : regimeName(code);
    const a = this.#allocator;
    let reason: string;
    if (a !== null) {
      const d = first ? a.decide(bar.tsEventMs, regime) : a.step(bar.tsEventMs, regime, this.#returns);
      for (let i = 0; i < n; i++) this.#weights[i] = d.weights[this.names[i]!]!;
      reason = d.reason;
      this.#decision = d;
    } else {
      reason = 'equal weights (weighting=equal)';
      this.#decision = { timeMs: bar.tsEventMs, regime, weights: {}, reason };
    }
    let signal = 0;
    for (let i = 0; i < n; i++) {
      const raw = this.agents[i]!.target(bar, ctx);
      const t = Number.isNaN(raw) ? 0 : Math.max(-1, Math.min(1, raw));
      this.#before[i] = this.#held[i]!;
      this.#held[i] = t;
      signal += this.#weights[i]! * t;
    }
    return { signal, entry: this.#logEntry(bar.tsEventMs, regime, signal, reason) };
  }

  /** A log entry when this is the first decision, the regime changed, or a weight moved logChange or more since the last one logged. */
  #logEntry(timeMs: number, regime: string, signal: number, reason: string): MetaLogEntry | null {
    const last = this.#logged;
    const w = this.#weights;
    let moved = 0;
    if (last !== null) for (let i = 0; i < w.length; i++) moved = Math.max(moved, Math.abs(w[i]! - last.weights[i]!));
    if (last !== null && last.regime === regime && moved < this.#logChange) return null;
    const weights: Record<string, number> = {};
    const targets: Record<string, number> = {};
    const parts: string[] = [];
    this.names.forEach((name, i) => {
      weights[name] = w[i]!;
      targets[name] = this.#held[i]!;
      const delta = last === null ? '' : ` (${signed(w[i]! - last.weights[i]!)})`;
      parts.push(`${name} ${w[i]!.toFixed(2)}${delta}`);
    });
    const message = `meta ${this.symbol} ${toIso(timeMs)} ${regime}: weights ${parts.join(', ')}; signal ${signed(signal)}; ${reason}`;
    this.#logged = { regime, weights: Float64Array.from(w) };
    return { timeMs, symbol: this.symbol, regime, weights, targets, signal, reason, message };
  }
}

function signed(x: number): string {
  const s = x.toFixed(2);
  return x >= 0 && s !== '-0.00' ? `+${s}` : s === '-0.00' ? '+0.00' : s;
}
