// Research tools: the strategy catalog and the data, then the draft → run → poll → result cycle of a backtest,
// an optimization or a walk-forward as a background job of the app's JobService (the calls POST/GET
// /api/v1/research/jobs make). Submitting a job needs the trade scope, as over REST: it spends the server's CPU.
import { z } from 'zod';
import { NotFoundError } from '../app/app-errors.ts';
import { draftJob } from '../app/jobs/job-draft.ts';
import { BacktestJobSchema, JOB_KINDS, OptimizeJobSchema, WalkForwardJobSchema, type JobKind } from '../app/jobs/job-request.ts';
import { JOB_STATES, type Job } from '../app/jobs/job-service.ts';
import { describeStrategies } from '../app/strategy-catalog.ts';
import { fileParamIn } from '../app/file-param-scope.ts';
import { resultSummary } from './result-summary.ts';
import { READ_ONLY, tool, type ToolDef } from './tool.ts';

const JobIdSchema = z.string().regex(/^j-[0-9a-f]{12}$/, 'a job id: j- and 12 hex digits (run_backtest and list_jobs give them)').describe('The job id (j-…) that run_backtest, run_optimization or run_walkforward returned.');

/** The data sources a job's `data` may name (as GET /api/v1/data/sources lists them). */
const DATA_SOURCES = [
  { kind: 'synthetic', spec: 'synthetic[:<seed>]', description: 'the embedded synthetic market: ten symbols of daily bars, the same for the same seed' },
  { kind: 'csv', spec: 'csv:<path>', description: 'a CSV file on the server (time, open, high, low, close, volume); needs the admin scope' },
  { kind: 'store', spec: 'store:<SYMBOL>', description: "bars stored in the server's warehouse (the symbols listed here)" },
];

/** Field descriptions for the model (the app's schemas carry them as comments only). */
const RUN_FIELDS = {
  strategy: 'A built-in strategy name (list_strategies).',
  params: 'Strategy parameters by name (list_strategies gives each strategy\'s JSON Schema); for optimization and walk-forward, the ones held fixed.',
  data: 'Data sources: "synthetic" or "synthetic:<seed>" (default), "store:<SYMBOL>" (list_data), "csv:<path on the server>" (admin only). Several sources make a multi-symbol run.',
  from: 'First day (YYYY-MM-DD or ISO time).',
  to: 'Last day, inclusive (YYYY-MM-DD or ISO time).',
  cash: 'Starting cash (default 100000).',
  commission: 'Commission as a fraction of traded value (0.001 = 10 bps; default 0).',
  slippageBps: 'Slippage in basis points (default 0).',
  size: 'Position sizing: pct-cash:<p>, pct-equity:<p> or qty:<n> (default pct-cash:95).',
  timeframe: 'Resample the bars on load: 15m, 1h, 4h, 1d, 1w, W, M.',
} as const;
const SEARCH_FIELDS = {
  space: 'The search space: comma-separated name=lo:hi:step (numbers), name=a|b|c (choices), e.g. "fast=5:50:5,slow=20:200:10".',
  objective: 'What to maximize: sharpe (default), sortino, calmar, cagr, total_return, … or <metric>@dd<cap such as return@dd<0.2.',
  method: 'grid (default: every point), random or tpe (with trials).',
  trials: 'Parameter sets tried by random and tpe (default 100).',
  constraints: 'Conditions on the parameters, e.g. "fast*2<slow".',
} as const;

/** The schema with descriptions on the named fields (same validation). */
function described<S extends z.ZodObject>(schema: S, texts: Readonly<Record<string, string>>): S {
  const shape = schema.shape as Record<string, z.ZodType>;
  const extra = Object.fromEntries(Object.entries(texts).filter(([k]) => k in shape).map(([k, text]) => [k, shape[k]!.describe(text)]));
  return schema.extend(extra) as unknown as S;
}

/** A csv: source or a strategy's file param (a model, a policy) reads a file on the server's disk: admin only, as over REST. */
function csvNeedsAdmin(request: { data?: unknown; strategy?: unknown; params?: unknown }): { scope: 'admin'; why: string } | null {
  const list = Array.isArray(request.data) ? request.data : [];
  if (list.some((d) => typeof d === 'string' && d.trim().toLowerCase().startsWith('csv:'))) return { scope: 'admin', why: 'a csv: source reads a file on the server (synthetic and store: sources do not)' };
  const file = fileParamIn([request.strategy], request.params);
  return file === null ? null : { scope: 'admin', why: `param ${file} names a file on the server (a model or policy file)` };
}

/** A job as tools show it: times as ISO strings. */
function jobView(j: Job): Record<string, unknown> {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: j.id, kind: j.kind, state: j.state, progress: j.progress, position: j.position, createdTime: iso(j.createdMs), startedTime: iso(j.startedMs), endedTime: iso(j.endedMs),
    by: j.by, error: j.error, summary: j.summary, savedRunId: j.savedRunId, resultAvailable: j.resultAvailable, request: j.request,
  };
}

function jobLine(j: Job): string {
  const what = `${j.kind} ${String(j.request.strategy ?? '')}`.trim();
  if (j.state === 'running') return `job ${j.id} (${what}) is running: ${Math.round(j.progress.fraction * 100)}% (${j.progress.message})`;
  if (j.state === 'queued') return `job ${j.id} (${what}) is queued (${j.position} ahead)`;
  if (j.state === 'failed') return `job ${j.id} (${what}) failed: ${j.error?.message ?? 'no reason given'}${j.error?.field ? ` (field ${j.error.field})` : ''}`;
  return `job ${j.id} (${what}) is ${j.state}`;
}

function runTool(name: string, kind: JobKind, title: string, schema: z.ZodObject, what: string): ToolDef {
  return tool({
    name, title, scope: 'trade', mutates: true, input: schema,
    description: `Submits ${what} as a background job on the server and answers at once with the job id. The request is checked first (a bad field is refused, named). Then poll get_job until its state is done (or failed), and read get_job_result. Tip: call draft_backtest with the same arguments first to see every default. Needs the trade scope.`,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    fields: { 'request.': '' },
    needs: (a) => csvNeedsAdmin(a),
    run: (a, ctx) => {
      const job = ctx.services.jobs.submit({ kind, request: a }, ctx.actor);
      return { data: { job: jobView(job), next: `poll get_job with jobId "${job.id}" until state is done, then get_job_result` }, summary: `submitted: ${jobLine(job)}; poll get_job` };
    },
  });
}

export const RESEARCH_TOOLS: readonly ToolDef[] = [
  tool({
    name: 'list_strategies', title: 'List strategies', scope: 'read', mutates: false, annotations: READ_ONLY,
    description: 'The built-in trading strategies: name, what each does, its parameters (type, default, meaning) and the JSON Schema of its parameters. Use a name and params from here in draft_backtest and run_backtest.',
    input: z.strictObject({ name: z.string().min(1).max(100).optional().describe('Only this strategy.') }),
    run: (a) => {
      const all = describeStrategies().filter((s) => a.name === undefined || s.name === a.name);
      if (a.name !== undefined && all.length === 0) throw new NotFoundError(`no built-in strategy "${a.name}"; call list_strategies without a name to see them all`, { field: 'name' });
      return { data: { strategies: all }, summary: `${all.length} strateg${all.length === 1 ? 'y' : 'ies'}: ${all.map((s) => s.name).join(', ')}` };
    },
  }),
  tool({
    name: 'list_data', title: 'List data sources', scope: 'read', mutates: false, annotations: READ_ONLY,
    description: 'The data a backtest can run on: the kinds of source (synthetic, store:<SYMBOL>, csv:<path>) and the symbols stored in the server\'s warehouse with their bar count and first and last bar.',
    input: z.strictObject({}),
    run: async (_a, ctx) => {
      const symbols = await ctx.services.jobs.storedSymbols();
      return { data: { sources: DATA_SOURCES, symbols }, summary: `${symbols.length} stored symbol${symbols.length === 1 ? '' : 's'}${symbols.length > 0 ? `: ${symbols.slice(0, 20).map((s) => s.symbol).join(', ')}${symbols.length > 20 ? ', …' : ''}` : ' (use data "synthetic" or import bars with sextant data import)'}` };
    },
  }),
  tool({
    name: 'draft_backtest', title: 'Draft a research job', scope: 'read', mutates: false, annotations: READ_ONLY,
    description: 'Checks a backtest (or, with kind, an optimization or walk-forward) request without running it, and echoes it with every default resolved: strategy parameters, cash, commission, sizing, data, search space size. Fix what it refuses, then submit the same request with run_backtest / run_optimization / run_walkforward.',
    input: z.strictObject({
      kind: z.enum(JOB_KINDS).default('backtest').describe('backtest (default), optimize or walkforward.'),
      request: z.record(z.string(), z.unknown()).describe('The arguments you would give run_backtest, run_optimization or run_walkforward (strategy, params, data, …).'),
    }),
    needs: (a) => csvNeedsAdmin(a.request),
    run: (a) => {
      const d = draftJob({ kind: a.kind, request: a.request });
      const r = d.resolved;
      return { data: { ...d }, summary: `valid ${d.kind} of ${String(r.strategy)} on ${(r.data as string[]).join(', ')}${d.notes.length > 0 ? `; ${d.notes.join('; ')}` : ''}` };
    },
  }),
  runTool('run_backtest', 'backtest', 'Run a backtest', described(BacktestJobSchema, { ...RUN_FIELDS, benchmark: 'Compare with buy-and-hold on the same data (default true).', save: 'Also record the run in the warehouse (default false).' }), 'a backtest of one strategy'),
  runTool('run_optimization', 'optimize', 'Run an optimization', described(OptimizeJobSchema, { ...RUN_FIELDS, ...SEARCH_FIELDS }), 'a parameter optimization (grid, random or TPE search over a space)'),
  runTool('run_walkforward', 'walkforward', 'Run a walk-forward', described(WalkForwardJobSchema, {
    ...RUN_FIELDS, ...SEARCH_FIELDS, folds: 'Number of folds (default 5).', trainFraction: 'Training share of each fold, in (0, 1) (default 0.75).', anchored: 'Training windows all start at the first bar (default false).',
  }), 'a walk-forward analysis (optimize on each training window, test out of sample)'),
  tool({
    name: 'get_job', title: 'Get a job', scope: 'read', mutates: false, annotations: READ_ONLY,
    description: "A research job's state (queued, running, done, failed, canceled), progress and, once done, its headline summary. Poll this after run_backtest until the state is done or failed (every few seconds).",
    input: z.strictObject({ jobId: JobIdSchema }),
    fields: { id: 'jobId' },
    run: (a, ctx) => {
      const job = ctx.services.jobs.get(a.jobId);
      return { data: { job: jobView(job) }, summary: jobLine(job) };
    },
  }),
  tool({
    name: 'list_jobs', title: 'List jobs', scope: 'read', mutates: false, annotations: READ_ONLY,
    description: "The server's research jobs, newest first (to find a job again).",
    input: z.strictObject({
      state: z.enum(JOB_STATES).optional().describe('Only jobs in this state.'),
      kind: z.enum(JOB_KINDS).optional().describe('Only jobs of this kind.'),
      limit: z.number().int().min(1).max(200).default(20).describe('At most this many (default 20).'),
    }),
    run: (a, ctx) => {
      const jobs = ctx.services.jobs.list(a);
      return { data: { jobs: jobs.map((j) => ({ id: j.id, kind: j.kind, state: j.state, strategy: j.request.strategy ?? null, progress: j.progress.fraction, createdTime: new Date(j.createdMs).toISOString(), summary: j.summary, error: j.error?.message ?? null })) }, summary: `${jobs.length} job${jobs.length === 1 ? '' : 's'}` };
    },
  }),
  tool({
    name: 'get_job_result', title: 'Get a job result', scope: 'read', mutates: false, annotations: READ_ONLY,
    description: "The result of a done job, condensed for reading: a backtest's settings, metrics (return, CAGR, Sharpe, drawdown, …), benchmark, trade statistics, the last trades and the tearsheet's tables (drawdowns, monthly returns, return distribution, attribution); an optimization's best parameters and top trials with overfitting statistics; a walk-forward's folds, out-of-sample metrics and parameter stability.",
    input: z.strictObject({
      jobId: JobIdSchema,
      trades: z.number().int().min(0).max(500).default(10).describe('Backtests: how many of the last closed trades to include (default 10); optimizations: how many top trials.'),
    }),
    fields: { id: 'jobId' },
    run: (a, ctx) => {
      const job = ctx.services.jobs.get(a.jobId);
      const summary = resultSummary(job.kind, ctx.services.jobs.result(job.id), a.trades);
      return { data: { id: job.id, kind: job.kind, ...summary.data }, summary: summary.line };
    },
  }),
  tool({
    name: 'cancel_job', title: 'Cancel a job', scope: 'trade', mutates: true,
    description: 'Cancels a queued or running research job (its thread is ended). Needs the trade scope.',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    input: z.strictObject({ jobId: JobIdSchema }),
    fields: { id: 'jobId' },
    target: (a) => a.jobId,
    run: (a, ctx) => {
      const job = ctx.services.jobs.cancel(a.jobId);
      return { data: { job: jobView(job) }, summary: jobLine(job) };
    },
  }),
];
