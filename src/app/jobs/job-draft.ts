// The "draft" step of a research job (transport-agnostic; the MCP server's draft_backtest calls it): the same
// checks as submitting (JobService.submit: schema, then checkJobRequest) without running anything, and the
// request as it would run, with every default filled in, so that a client (an AI assistant) can show or
// correct it before it spends the server's CPU. No data is loaded: a `store:` symbol missing from the
// warehouse or too few bars for the folds are found when the job runs.
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import { domainSize, gridSize, parseSpace, type ParamDomain } from '../../research/space.ts';
import { builtinStrategy } from '../../strategies/builtin-classes.ts';
import { parseStrategyConfig } from '../../strategies/registry.ts';
import { checkRunSettings } from '../run-settings.ts';
import { checkJobRequest, JobSubmitSchema, MAX_PARAMETER_SETS, type JobKind, type JobSubmit } from './job-request.ts';

export interface JobDraft {
  readonly kind: JobKind;
  /** The request as given (after schema parsing): what to submit unchanged to run it. */
  readonly request: Record<string, unknown>;
  /** The request as it would run: strategy parameters and run settings with their defaults. */
  readonly resolved: Record<string, unknown>;
  /** Settings left out, which take their default. */
  readonly defaulted: readonly string[];
  /** Things worth knowing before running it (large grids, defaults that matter). */
  readonly notes: readonly string[];
}

/** Parses and checks a job submission as JobService.submit does; InputError names the field (`request.space`). */
export function parseJobSubmit(input: unknown): JobSubmit {
  const parsed = JobSubmitSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(issue.message, { field: issue.path.join('.') || 'body' });
  }
  checkJobRequest(parsed.data);
  return parsed.data;
}

const domainText = (d: ParamDomain): string =>
  d.kind === 'choice' ? d.values.join('|') : d.step === null ? `${d.lo}..${d.hi} (continuous)` : `${d.lo}..${d.hi} step ${d.step} (${domainSize(d)} values)`;

export function draftJob(input: unknown): JobDraft {
  const submit = parseJobSubmit(input);
  const r = submit.request;
  const settings = checkRunSettings({ ...r, instrument: r.instrument });
  const notes: string[] = [];
  const run = {
    strategy: r.strategy, data: r.data ?? ['synthetic'], from: r.from ?? null, to: r.to ?? null,
    cash: settings.cash, commission: settings.commission, slippageBps: settings.slippageBps, size: settings.sizeText, fill: settings.fill,
    account: settings.account, leverage: settings.leverage, asset: r.asset ?? 'equity', instrument: r.instrument ?? null, timeframe: r.timeframe ?? null,
  };
  const defaulted = [...settings.defaulted, ...(r.data === undefined ? ['data'] : [])];
  if (r.data === undefined) notes.push('no data given: the embedded synthetic market (`synthetic`, daily bars) is used');
  const cls = builtinStrategy(r.strategy)!;
  if (submit.kind === 'backtest') {
    const params = parseStrategyConfig(r.strategy, cls, r.params ?? {}) as Record<string, unknown>;
    const given = new Set(Object.keys(r.params ?? {}));
    const paramDefaults = Object.keys(params).filter((k) => !given.has(k));
    if (paramDefaults.length > 0) notes.push(`strategy parameters at their defaults: ${paramDefaults.map((k) => `${k}=${JSON.stringify(params[k])}`).join(', ')}`);
    return {
      kind: submit.kind, request: r as Record<string, unknown>, defaulted,
      resolved: { ...run, params, benchmark: submit.request.benchmark ?? true, save: submit.request.save ?? false }, notes,
    };
  }
  const o = submit.request;
  const space = parseSpace(o.space);
  const method = o.method ?? 'grid';
  const size = gridSize(space);
  const evaluated = method === 'grid' ? size : (o.trials ?? 100);
  if (method === 'grid') notes.push(`the grid has ${size} parameter sets (a job runs at most ${MAX_PARAMETER_SETS})`);
  else if (o.trials === undefined) notes.push(`method ${method} without trials: 100 parameter sets are tried`);
  const schema = z.toJSONSchema(cls.schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { default?: unknown }> };
  const searched = new Set(space.params.map((d) => d.name));
  const fixed = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => !searched.has(k)).map(([k, v]) => [k, o.params?.[k] ?? v.default ?? null]));
  const search = {
    space: Object.fromEntries(space.params.map((d) => [d.name, domainText(d)])), method, parameterSets: Number.isFinite(size) ? size : null, evaluated,
    objective: o.objective ?? 'sharpe', seed: o.seed ?? null, constraints: o.constraints ?? [], engine: o.engine ?? 'auto', fixedParams: fixed,
  };
  if (submit.kind === 'optimize') return { kind: submit.kind, request: o as Record<string, unknown>, defaulted, resolved: { ...run, ...search }, notes };
  const w = submit.request;
  return {
    kind: submit.kind, request: w as Record<string, unknown>, defaulted,
    resolved: { ...run, ...search, folds: w.folds ?? 5, trainFraction: w.trainFraction ?? 0.75, anchored: w.anchored ?? false }, notes,
  };
}
