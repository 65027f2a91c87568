// Ensemble: a weighted vote of signal models. Each member gives a target in [-1, 1] (a member still
// warming up counts as 0); vote = sum(weight x target) / sum(weight). Go long when the vote exceeds
// `threshold` and stay long until it falls to `exitThreshold` or below; with `allowShort`, the mirror
// image. With the defaults (RSI 0.8, z-score reversion 0.2, threshold 0.5) RSI alone can open a
// position and the z-score rule alone cannot.
import { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { ConfigError } from '../../core/errors.ts';
import { SignalStrategy, type SignalModel } from '../signal.ts';
import { SIGNAL_MODEL_NAMES, signalModel } from '../signal-models.ts';

const member = z.object({
  model: z.enum(SIGNAL_MODEL_NAMES).describe('signal model name'),
  weight: z.number().positive().describe('weight of its vote'),
  params: z.record(z.string(), z.unknown()).default({}).describe("the model's params (defaults when omitted)"),
});
type Member = z.infer<typeof member>;

const DEFAULT_MEMBERS: Member[] = [
  { model: 'rsi', weight: 0.8, params: {} },
  { model: 'zscore-reversion', weight: 0.2, params: {} },
];

/** `rsi:0.8,zscore-reversion:0.2` (weights default to 1) or a JSON array of members. */
function parseMembers(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const text = v.trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return v;
    }
  }
  return text.split(',').map((part) => {
    const [model, weight] = part.split(':').map((s) => s.trim());
    return { model, weight: weight === undefined ? 1 : Number(weight) };
  });
}

const schema = z
  .object({
    members: z
      .preprocess(parseMembers, z.array(member).min(1).default(DEFAULT_MEMBERS))
      .describe(`voting models: "rsi:0.8,zscore-reversion:0.2" or JSON [{model, weight, params}]; models: ${SIGNAL_MODEL_NAMES.join(', ')}`),
    threshold: z.number().min(0).max(1).default(0.5).describe('enter when the weighted vote exceeds this (long) or is below minus this (short)'),
    exitThreshold: z.number().min(-1).max(1).optional().describe('exit a long when the vote falls to this or below (a short: to minus this or above); default threshold'),
    allowShort: z.boolean().default(false).describe('also trade the short side (needs a margin account)'),
  })
  .superRefine((c, ctx) => {
    if (c.exitThreshold !== undefined && c.exitThreshold > c.threshold) {
      ctx.addIssue({ code: 'custom', message: 'exitThreshold must not exceed threshold', path: ['exitThreshold'] });
    }
    c.members.forEach((m, i) => {
      const def = signalModel(m.model);
      if (def === undefined) return;
      const r = def.schema.safeParse(m.params);
      if (!r.success) {
        const issue = r.error.issues[0]!;
        ctx.addIssue({ code: 'custom', message: `${m.model}: ${issue.message}`, path: ['members', i, 'params', ...issue.path.map(String)] });
        return;
      }
      const known = new Set(Object.keys(r.data as Record<string, unknown>));
      const unknown = Object.keys(m.params).find((k) => !known.has(k));
      if (unknown !== undefined) ctx.addIssue({ code: 'custom', message: `${m.model} has no parameter "${unknown}"`, path: ['members', i, 'params', unknown] });
    });
  });
export type EnsembleParams = z.infer<typeof schema>;

export interface WeightedModel {
  readonly model: SignalModel;
  readonly weight: number;
}

export class EnsembleModel implements SignalModel {
  readonly #members: readonly WeightedModel[];
  readonly #total: number;
  readonly #threshold: number;
  readonly #exit: number;
  readonly #allowShort: boolean;
  #target = 0;
  #vote: number | null = null;

  constructor(members: readonly WeightedModel[], opts: { threshold: number; exitThreshold?: number; allowShort?: boolean }) {
    if (members.length === 0) throw new ConfigError('an ensemble needs at least one member', { field: 'members' });
    this.#members = members;
    this.#total = members.reduce((s, m) => s + m.weight, 0);
    if (!(this.#total > 0)) throw new ConfigError('ensemble weights must add up to more than 0', { field: 'members' });
    this.#threshold = opts.threshold;
    this.#exit = opts.exitThreshold ?? opts.threshold;
    this.#allowShort = opts.allowShort ?? false;
  }

  /** The latest weighted vote in [-1, 1] (null before any member has an opinion). */
  get vote(): number | null {
    return this.#vote;
  }

  update(bar: Bar): number | null {
    let sum = 0;
    let any = false;
    for (const m of this.#members) {
      const s = m.model.update(bar);
      if (s === null) continue;
      any = true;
      sum += m.weight * Math.max(-1, Math.min(1, s));
    }
    if (!any) return (this.#vote = null);
    const vote = (this.#vote = sum / this.#total);
    let t = this.#target;
    if (t === 1 && vote <= this.#exit) t = 0;
    else if (t === -1 && vote >= -this.#exit) t = 0;
    if (t === 0) {
      if (vote > this.#threshold) t = 1;
      else if (this.#allowShort && vote < -this.#threshold) t = -1;
    }
    return (this.#target = t);
  }
}

/** The ensemble model for parsed params (members built from the signal-model registry). */
export function createEnsembleModel(p: EnsembleParams): EnsembleModel {
  const members = p.members.map((m) => {
    const def = signalModel(m.model);
    if (def === undefined) throw new ConfigError(`unknown signal model "${m.model}"`, { field: 'members' });
    return { model: def.create(def.schema.parse(m.params)), weight: m.weight };
  });
  return new EnsembleModel(members, p);
}

export class Ensemble extends SignalStrategy<EnsembleParams> {
  static readonly schema = schema;
  static readonly description =
    'Weighted vote of signal models (default RSI 0.8, z-score reversion 0.2): long while the vote exceeds threshold (until it falls to exitThreshold); with allowShort, short below -threshold.';
  protected createModel(): SignalModel {
    return createEnsembleModel(this.config);
  }
}
