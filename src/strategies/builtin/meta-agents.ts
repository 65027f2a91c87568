// The agents of the `meta` strategy: each is a signal source that gives a target exposure in [-1, 1] for
// the bar just closed (1 = fully long, 0 = flat). The meta-agent weighs them; they never place orders.
// Signal models (src/strategies/signal-models.ts) are the rule-based agents; a flat "cash" agent lets the
// meta-agent step aside; an ML model or an RL policy is one more implementation of `Agent`.
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import type { Bar } from '../../model/bar.ts';
import type { StrategyContext } from '../context.ts';
import type { SignalModel } from '../signal.ts';
import { SIGNAL_MODEL_NAMES, signalModel } from '../signal-models.ts';

/**
 * One agent on one symbol. `target` is called once per bar of that symbol, in bar order, and may read
 * only this bar, earlier ones and the context (never later bars). 0 while it has no opinion (warm-up).
 * An RL policy plugs in here: observation from the bars and the context, action mapped to [-1, 1].
 */
export interface Agent {
  readonly name: string;
  target(bar: Bar, ctx: StrategyContext): number;
}

/** Makes an agent for a symbol (each symbol gets its own agents: their state is per symbol). */
export type AgentFactory = (symbol: string) => Agent;

/** A rule-based agent: a signal model's target, clipped to [-1, 1]; 0 while the model warms up. */
export class SignalAgent implements Agent {
  constructor(
    readonly name: string,
    readonly model: SignalModel,
  ) {}
  target(bar: Bar): number {
    const v = this.model.update(bar);
    return v === null || Number.isNaN(v) ? 0 : Math.max(-1, Math.min(1, v));
  }
}

/** Always flat: its weight is the share of capital the meta-agent keeps out of the market. */
export class CashAgent implements Agent {
  readonly name = 'cash';
  target(): number {
    return 0;
  }
}

/** The kinds an agent spec may name: every signal model, and `ml-ensemble` (the run's `model` param). */
export const ML_AGENT = 'ml-ensemble';
export const AGENT_KINDS = [...SIGNAL_MODEL_NAMES, ML_AGENT] as [string, ...string[]];

export const AgentSpecSchema = z.object({
  model: z.enum(AGENT_KINDS).describe(`agent kind: a signal model (${SIGNAL_MODEL_NAMES.join(', ')}) or ${ML_AGENT} (needs the model param)`),
  params: z.record(z.string(), z.unknown()).default({}).describe("the model's params (defaults when omitted)"),
  name: z.string().min(1).optional().describe('name in the decision log (default: the model name, numbered when repeated)'),
});
export type AgentSpec = z.infer<typeof AgentSpecSchema>;

/** `sma-cross,zscore-reversion` (default params) or a JSON array of specs; anything else is left to the schema. */
export function parseAgentList(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const text = v.trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return v;
    }
  }
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((model) => ({ model }));
}

/** Issues with an agent's params against its model's schema (for the strategy schema's superRefine). */
export function agentSpecIssues(specs: readonly AgentSpec[]): { message: string; path: (string | number)[] }[] {
  const out: { message: string; path: (string | number)[] }[] = [];
  specs.forEach((s, i) => {
    if (s.model === ML_AGENT) return; // checked by the ml-ensemble strategy's own schema when built
    const def = signalModel(s.model);
    if (def === undefined) return;
    const r = def.schema.safeParse(s.params);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      out.push({ message: `${s.model}: ${issue.message}`, path: ['agents', i, 'params', ...issue.path.map(String)] });
      return;
    }
    const known = new Set(Object.keys(r.data as Record<string, unknown>));
    const unknown = Object.keys(s.params).find((k) => !known.has(k));
    if (unknown !== undefined) out.push({ message: `${s.model} has no parameter "${unknown}"`, path: ['agents', i, 'params', unknown] });
  });
  return out;
}

/** The names agents go by: a spec's own name, else its model's, numbered from the second use (`rsi`, `rsi#2`). */
export function agentNames(specs: readonly AgentSpec[], cash: boolean): string[] {
  const seen = new Map<string, number>();
  const names = specs.map((s) => {
    const base = s.name ?? s.model;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base}#${k}`;
  });
  if (cash) names.push('cash');
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ConfigError(`meta: two agents are named "${dup}"; give one a "name"`, { field: 'param agents' });
  return names;
}

/**
 * Factories for the specs (and the cash agent), in the order of `agentNames`. `ml` makes the ML agent of a
 * symbol; an `ml-ensemble` spec without it is a ConfigError.
 */
export function agentFactories(specs: readonly AgentSpec[], cash: boolean, ml?: (name: string, params: Record<string, unknown>) => AgentFactory): AgentFactory[] {
  const names = agentNames(specs, cash);
  const out: AgentFactory[] = specs.map((s, i) => {
    const name = names[i]!;
    if (s.model === ML_AGENT) {
      if (ml === undefined) throw new ConfigError(`meta: agent ${name} needs a trained model: --param model=model.json (write one with \`sextant ml train\`)`, { field: 'param model' });
      return ml(name, s.params);
    }
    const def = signalModel(s.model);
    if (def === undefined) throw new ConfigError(`meta: unknown signal model "${s.model}"`, { field: 'param agents' });
    const params = def.schema.parse(s.params);
    return () => new SignalAgent(name, def.create(params));
  });
  if (cash) out.push(() => new CashAgent());
  return out;
}
