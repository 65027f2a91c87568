// Research: backtests, optimizations and walk-forwards as background jobs with server-side ids (a client that
// reconnects finds its job again: GET /research/jobs), their progress (also on the WebSocket topic `jobs`),
// cancel, results (the `--json` document) and a backtest's tearsheet; the backtests stored in the warehouse
// and a comparison of them; the data sources and the warehouse's symbols. docs/api-research.md.
import { z } from 'zod';
import { isUserError } from '../../core/errors.ts';
import { RunReportSchema } from '../../app/dto/index.ts';
import { fileParamIn } from '../../app/file-param-scope.ts';
import { JOB_KINDS, JobSubmitSchema } from '../../app/jobs/job-request.ts';
import { JOB_STATES, JobSchema } from '../../app/jobs/job-service.ts';
import { PastRunEquitySchema, PastRunSchema, RunComparisonSchema, StoredSymbolSchema } from '../../app/jobs/past-runs.ts';
import { principalOf } from '../auth.ts';
import { HttpProblem, problem, problemOf, ProblemSchema } from '../problem.ts';
import type { RouteContext, ZApp } from '../types.ts';

const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const JobParams = z.object({ id: z.string().regex(/^j-[0-9a-f]{12}$/, 'a job id (j- and 12 hex digits)') });
const read = { scope: 'read' as const };
const trade = { scope: 'trade' as const };

const ResultSchema = z.discriminatedUnion('kind', [
  z.object({ id: z.string(), kind: z.literal('backtest'), result: RunReportSchema }),
  z.object({ id: z.string(), kind: z.literal('optimize'), result: z.record(z.string(), z.unknown()) }),
  z.object({ id: z.string(), kind: z.literal('walkforward'), result: z.record(z.string(), z.unknown()) }),
]);

/** The data sources a job's `data` may name. */
const DATA_SOURCES = [
  { kind: 'synthetic', spec: 'synthetic[:<seed>]', description: 'the embedded synthetic market: ten symbols of daily bars, the same for the same seed' },
  { kind: 'csv', spec: 'csv:<path>', description: 'a CSV file on the server (time, open, high, low, close, volume)' },
  { kind: 'store', spec: 'store:<SYMBOL>', description: 'bars stored in the server\'s warehouse (GET /api/v1/data/symbols)' },
] as const;

/** The tearsheet is a self-contained page with inline styles and no scripts: its own policy. */
const TEARSHEET_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Runs `fn`; a user error naming a field gets it as a field of the request's `part` (`body.request.cash`, `query.ids.1`, `params.runId`). */
function within<T>(part: 'body' | 'query' | 'params', fn: () => T): T {
  const prefixed = (e: unknown): never => {
    if (!isUserError(e) || e.where.field === undefined) throw e;
    const p = problemOf(e);
    throw new HttpProblem({ ...p, field: `${part}.${e.where.field}` });
  };
  try {
    const r = fn();
    return (r instanceof Promise ? r.catch(prefixed) : r) as T;
  } catch (e) {
    return prefixed(e);
  }
}

export function researchRoutes(app: ZApp, ctx: RouteContext): void {
  const jobs = ctx.services.jobs;

  app.post('/api/v1/research/jobs', {
    config: trade,
    schema: {
      tags: ['research'], summary: 'Submit a backtest, optimization or walk-forward; answers at once with the queued job (checked first: a bad request is a 400 naming the field)',
      body: JobSubmitSchema, response: { 202: JobSchema, ...errors },
    },
  }, async (request, reply) => {
    // A file on the server's disk named by a client needs admin (as a bot's csv replay); synthetic and store data do not.
    const files = ((request.body.request as { data?: unknown } | undefined)?.data ?? []) as unknown[];
    const csv = files.findIndex((d) => typeof d === 'string' && d.trim().toLowerCase().startsWith('csv:'));
    if (csv >= 0 && principalOf(request).scope !== 'admin') throw new HttpProblem(problem(403, 'a csv: source reads a file on the server: it needs the admin scope (synthetic and store: sources do not)', `body.request.data.${csv}`));
    const file = fileParamIn([(request.body.request as { strategy?: unknown } | undefined)?.strategy], (request.body.request as { params?: unknown } | undefined)?.params);
    if (file !== null && principalOf(request).scope !== 'admin') throw new HttpProblem(problem(403, `param ${file} names a file on the server (a model or policy file): it needs the admin scope`, `body.request.params.${file}`));
    // The job service names fields of the body (`request.cash`): here they are `body.request.cash`.
    const job = within('body', () => jobs.submit(request.body, principalOf(request).actor));
    return reply.code(202).send(job);
  });

  app.get('/api/v1/research/jobs', {
    config: read,
    schema: {
      tags: ['research'], summary: 'Jobs of this server, newest first (the kept records: the last 200)',
      querystring: z.strictObject({ state: z.enum(JOB_STATES).optional(), kind: z.enum(JOB_KINDS).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: z.array(JobSchema), ...errors },
    },
  }, (request) => jobs.list(request.query));

  app.get('/api/v1/research/jobs/:id', {
    config: read,
    schema: { tags: ['research'], summary: 'One job: state, progress, times, error, summary', params: JobParams, response: { 200: JobSchema, ...errors } },
  }, (request) => jobs.get(request.params.id));

  app.post('/api/v1/research/jobs/:id/cancel', {
    config: trade,
    schema: { tags: ['research'], summary: 'Cancel a queued or running job (its thread is ended)', params: JobParams, response: { 200: JobSchema, ...errors } },
  }, (request) => jobs.cancel(request.params.id));

  app.get('/api/v1/research/jobs/:id/result', {
    config: read,
    schema: {
      tags: ['research'], summary: "A done job's result: the `--json` document of sextant backtest, optimize or walkforward (409 before it is done)",
      params: JobParams, response: { 200: ResultSchema, ...errors },
    },
  }, (request) => {
    const job = jobs.get(request.params.id);
    return { id: job.id, kind: job.kind, result: jobs.result(job.id) } as z.infer<typeof ResultSchema>;
  });

  app.get('/api/v1/research/jobs/:id/tearsheet', {
    config: read,
    schema: { tags: ['research'], summary: "A done backtest job's tearsheet: one self-contained HTML page", params: JobParams, response: { 200: { description: 'The tearsheet page', content: { 'text/html': { schema: z.string() } } }, ...errors } },
    onSend: async (_request, reply, payload) => {
      if (reply.statusCode === 200) reply.header('content-security-policy', TEARSHEET_CSP);
      return payload;
    },
  }, async (request, reply) => reply.type('text/html; charset=utf-8').send(jobs.tearsheet(request.params.id)));

  app.get('/api/v1/research/runs', {
    config: read,
    schema: {
      tags: ['research'], summary: 'Backtests stored in the warehouse (`sextant backtest --save`, or a backtest job with save), newest first',
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100), strategy: z.string().min(1).max(100).optional() }),
      response: { 200: z.array(PastRunSchema), ...errors },
    },
  }, (request) => jobs.pastRuns(request.query));

  app.get('/api/v1/research/runs/compare', {
    config: read,
    schema: {
      tags: ['research'], summary: 'Stored runs side by side: settings that differ, every metric per run and the best run per metric',
      querystring: z.strictObject({
        /** Comma-separated run ids (2 to 10). */
        ids: z.string().min(1).max(1400).transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))
          .pipe(z.array(z.string().max(128)).min(2, 'name 2 to 10 runs, comma-separated').max(10, 'name 2 to 10 runs, comma-separated')),
      }),
      response: { 200: RunComparisonSchema, ...errors },
    },
  }, (request) => within('query', () => jobs.compareRuns(request.query.ids)));

  app.get('/api/v1/research/runs/:runId/equity', {
    config: read,
    schema: {
      tags: ['research'], summary: "A stored run's equity curve (for charting runs side by side), thinned evenly to at most `points` points",
      params: z.object({ runId: z.string().min(1).max(128) }),
      querystring: z.strictObject({ points: z.coerce.number().int().min(2).max(20_000).default(1000) }),
      response: { 200: PastRunEquitySchema, ...errors },
    },
  }, (request) => within('params', () => jobs.runEquity(request.params.runId, request.query.points)));

  app.get('/api/v1/data/sources', {
    config: read,
    schema: {
      tags: ['data'], summary: 'The data sources a job may read, and the symbols stored in the warehouse',
      response: { 200: z.object({ sources: z.array(z.object({ kind: z.string(), spec: z.string(), description: z.string() })), symbols: z.array(StoredSymbolSchema) }), ...errors },
    },
  }, async () => ({ sources: DATA_SOURCES.map((s) => ({ ...s })), symbols: await jobs.storedSymbols() }));

  app.get('/api/v1/data/symbols', {
    config: read,
    schema: { tags: ['data'], summary: 'Symbols stored in the warehouse with their bar count, first and last bar (`sextant data list`)', response: { 200: z.array(StoredSymbolSchema), ...errors } },
  }, () => jobs.storedSymbols());
}
