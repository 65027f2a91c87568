// What a research job asks for: a backtest, an optimization or a walk-forward, with the same meaning as the
// flags of `sextant backtest`, `optimize` and `walkforward` (docs/cli.md). One zod schema is the API body
// and the OpenAPI type; `checkJobRequest` then does the checks that need the app (strategy names, params,
// settings, data sources, the search space) so that a bad request is refused before any job exists,
// naming the field at fault (`request.space`, `request.params.fast`).
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { InputError, SextantError } from '../../core/errors.ts';
import { parseDataSource } from '../../data/source.ts';
import { parseConstraint } from '../../research/constraints.ts';
import { parseObjective } from '../../research/objective.ts';
import { gridSize, parseSpace } from '../../research/space.ts';
import { builtinStrategy, builtinStrategyNames } from '../../strategies/builtin-classes.ts';
import { parseStrategyConfig } from '../../strategies/registry.ts';
import type { BacktestRequest } from '../backtest.ts';
import { parseDateFlag } from '../market-data.ts';
import type { OptimizeRequest, WalkForwardRequest } from '../research.ts';
import { checkRunSettings } from '../run-settings.ts';
import { parseStoreSpec } from '../warehouse.ts';

/** The most parameter sets one job may evaluate: its result lists every one (the CLI has no such limit). */
export const MAX_PARAMETER_SETS = 100_000;

export const JOB_KINDS = ['backtest', 'optimize', 'walkforward'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

const ParamValue = z.union([z.string().max(200), z.number().finite(), z.boolean()]);

/** The settings of one strategy run (the `backtest` flags). */
const RunFields = {
  /** A built-in strategy (GET /api/v1/strategies). */
  strategy: z.string().min(1).max(100),
  /** Strategy parameters (`--param k=v`); for optimize and walkforward the ones held fixed. */
  params: z.record(z.string().min(1).max(100), ParamValue).optional(),
  /** `--data` sources: `synthetic[:<seed>]`, `csv:<path on the server>`, `store:<SYMBOL>` (the warehouse); default synthetic. */
  data: z.array(z.string().min(1).max(1000)).min(1).max(50).optional(),
  /** YYYY-MM-DD or an ISO time; `to` is inclusive of that day. */
  from: z.string().min(1).max(40).optional(),
  to: z.string().min(1).max(40).optional(),
  cash: z.number().positive().finite().optional(),
  /** Fraction of traded value, in [0, 1). */
  commission: z.number().min(0).lt(1).optional(),
  slippageBps: z.number().min(0).max(10_000).optional(),
  /** Sizing rule: pct-cash:<p>, qty:<n> or pct-equity:<p> (default pct-cash:95). */
  size: z.string().min(1).max(100).optional(),
  fill: z.enum(['next-open', 'close']).optional(),
  account: z.enum(['cash', 'margin']).optional(),
  leverage: z.number().min(1).max(100).optional(),
  /** equity (default), crypto, fx or future. */
  asset: z.string().min(1).max(20).optional(),
  /** `--instrument key=value`: multiplier, margin, commission-per-unit, min-commission, tick, lot, min-qty. */
  instrument: z.record(z.string().min(1).max(40), z.string().max(100)).optional(),
  /** Resample on load: 15m, 1h, 4h, 1d, 1w, W, M. */
  timeframe: z.string().min(1).max(20).optional(),
  skipBadRows: z.boolean().optional(),
};

export const BacktestJobSchema = z.strictObject({
  ...RunFields,
  /** Compare with buy-and-hold on the same data (default true). */
  benchmark: z.boolean().optional(),
  /** Record the run in the warehouse as `sextant backtest --save` does (GET /api/v1/research/runs lists them). */
  save: z.boolean().optional(),
});

export const OptimizeJobSchema = z.strictObject({
  ...RunFields,
  /** The search space: `fast=5:50:5,slow=20:200:10,exit=a|b`. */
  space: z.string().min(1).max(2000),
  /** sharpe (default), sortino, calmar, cagr, total_return, ... (`sextant optimize --help`). */
  objective: z.string().min(1).max(100).optional(),
  method: z.enum(['grid', 'random', 'tpe']).optional(),
  /** Parameter sets for random and tpe (grid runs the whole grid). */
  trials: z.number().int().min(1).max(100_000).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  /** Extra constraints such as `fast*2<slow`. */
  constraints: z.array(z.string().min(1).max(200)).max(20).optional(),
  engine: z.enum(['auto', 'fast', 'event']).optional(),
  /** Worker threads of the fast kernel (0: in the job's own thread; default: the machine's cores). */
  threads: z.number().int().min(0).max(64).optional(),
  /** CSCV blocks of the overfitting probability (even). */
  pboBlocks: z.number().int().min(2).max(64).optional(),
});

export const WalkForwardJobSchema = OptimizeJobSchema.extend({
  folds: z.number().int().min(1).max(1000).optional(),
  /** Training share of each fold, in (0, 1) (`--train`). */
  trainFraction: z.number().gt(0).lt(1).optional(),
  /** Training windows all start at the first bar. */
  anchored: z.boolean().optional(),
});

export const JobSubmitSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('backtest'), request: BacktestJobSchema }),
  z.strictObject({ kind: z.literal('optimize'), request: OptimizeJobSchema }),
  z.strictObject({ kind: z.literal('walkforward'), request: WalkForwardJobSchema }),
]);
export type JobSubmit = z.infer<typeof JobSubmitSchema>;
export type BacktestJob = z.infer<typeof BacktestJobSchema>;
export type OptimizeJob = z.infer<typeof OptimizeJobSchema>;
export type WalkForwardJob = z.infer<typeof WalkForwardJobSchema>;

/** The app request a job runs (the same objects the CLI builds from its flags). */
export function appRequestOf(job: JobSubmit): BacktestRequest | OptimizeRequest | WalkForwardRequest {
  const { instrument, ...rest } = job.request as BacktestJob & { instrument?: Record<string, string> };
  const base = { ...rest, ...(instrument === undefined ? {} : { instrument: Object.entries(instrument).map(([k, v]) => `${k}=${v}`) }) };
  if (job.kind === 'backtest') {
    const { save: _save, ...bt } = base as BacktestJob;
    return bt as BacktestRequest;
  }
  return base as OptimizeRequest;
}

/** A CLI flag or app field named by an app error, as the field of the job request. */
const FLAG_FIELDS: Record<string, string> = {
  '--slippage-bps': 'slippageBps', '--skip-bad-rows': 'skipBadRows', '--train': 'trainFraction', '--pbo-blocks': 'pboBlocks', '--constraint': 'constraints',
};

export function requestField(appField: string | undefined): string {
  if (appField === undefined) return 'request';
  const param = /^param (.+)$/.exec(appField);
  if (param !== null) return `request.params.${param[1]}`;
  const name = FLAG_FIELDS[appField] ?? appField.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  return `request.${name}`;
}

/** Runs an app check; its ConfigError or InputError comes back as an InputError on the request's field. */
function at<T>(fallbackField: string | null, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof SextantError) || (e.group !== 'config' && e.group !== 'input')) throw e;
    const where = (e as { where?: { field?: string } }).where;
    const field = fallbackField ?? (where?.field !== undefined ? requestField(where.field) : 'request');
    throw new InputError(e.message.replace(/^(?:[^:]*:\d+, )?field "[^"]*": /, ''), { field });
  }
}

/** Every check that needs no data loaded; throws InputError naming the request field. */
export function checkJobRequest(job: JobSubmit): void {
  const r = job.request;
  const cls = builtinStrategy(r.strategy);
  if (cls === undefined) throw new InputError(`no built-in strategy "${r.strategy}"; use one of: ${builtinStrategyNames().join(', ')}`, { field: 'request.strategy' });
  const req = appRequestOf(job);
  at(null, () => checkRunSettings(req));
  at('request.from', () => parseDateFlag(r.from, '--from'));
  at('request.to', () => parseDateFlag(r.to, '--to'));
  (r.data ?? []).forEach((spec, i) => at(`request.data.${i}`, () => checkDataSpec(spec, `request.data.${i}`)));
  if (job.kind === 'backtest') {
    at(null, () => parseStrategyConfig(r.strategy, cls, r.params ?? {}));
    return;
  }
  const o = job.request;
  const known = Object.keys((z.toJSONSchema(cls.schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> }).properties ?? {});
  const space = at('request.space', () => parseSpace(o.space));
  if ((o.method ?? 'grid') === 'grid') {
    const size = gridSize(space);
    if (size > MAX_PARAMETER_SETS) throw new InputError(`the grid has ${Number.isFinite(size) ? size : 'infinitely many'} parameter sets; a job runs at most ${MAX_PARAMETER_SETS} (coarser steps, or method random or tpe with trials)`, { field: 'request.space' });
  }
  for (const d of space.params) {
    if (!known.includes(d.name)) throw new InputError(`strategy ${r.strategy} has no parameter "${d.name}"; it takes: ${known.join(', ') || 'none'}`, { field: 'request.space' });
  }
  for (const k of Object.keys(o.params ?? {})) {
    if (!known.includes(k)) throw new InputError(`strategy ${r.strategy} has no parameter "${k}"; it takes: ${known.join(', ') || 'none'}`, { field: `request.params.${k}` });
    if (space.params.some((d) => d.name === k)) throw new InputError(`${k} is both fixed (params) and searched (space)`, { field: `request.params.${k}` });
  }
  if (o.objective !== undefined) at('request.objective', () => parseObjective(o.objective!));
  (o.constraints ?? []).forEach((c, i) => at(`request.constraints.${i}`, () => parseConstraint(c, known)));
}

/** A data source that can be read: its kind is known and a CSV file exists on the server. */
function checkDataSpec(spec: string, field: string): void {
  if (parseStoreSpec(spec) !== undefined) return;
  const src = parseDataSource(spec);
  if (src.kind !== 'csv') return;
  const path = resolve(src.path);
  if (!existsSync(path) || !statSync(path).isFile()) throw new InputError(`no such file on the server: ${src.path}`, { field });
}
