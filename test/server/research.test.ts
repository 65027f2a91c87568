// The research API against the real server (in-memory store, free port): backtest jobs run in worker threads,
// followed over the WebSocket topic `jobs` until done, their result equal to runBacktest of the same request
// in this process, the tearsheet page, saved runs listed and compared from the warehouse, stored symbols,
// a long optimization canceled, a walk-forward's result, and bad requests refused with the field at fault.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { runBacktest } from '../../src/app/backtest.ts';
import { importBars } from '../../src/app/warehouse.ts';
import { serve, type RunningServer } from '../../src/server/serve.ts';

// Each job runs in a new worker thread. From the sources that thread registers tsx and loads the engine's sources
// through it (job-worker-boot.mjs: 3 CPU-seconds for a backtest job, 1.8 with the build); when dist/ is built
// from the current sources (vitest.config.ts sets SEXTANT_FROM_SOURCE=auto), the job threads run the build, as the
// processes other tests spawn do (bin/sextant.js) and as the installed package does. The server, its job service
// and the runBacktest the results are compared with are the sources; test/app/job-service.test.ts runs jobs on the
// sources' worker.
vi.mock('../../src/app/jobs/job-service.ts', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../src/app/jobs/job-service.ts')>();
  const { existsSync } = await import('node:fs');
  const built = new URL('../../dist/app/jobs/job-worker.js', import.meta.url);
  if (process.env.SEXTANT_FROM_SOURCE !== 'auto' || !existsSync(built)) return mod;
  class JobService extends mod.JobService {
    constructor(opts: ConstructorParameters<typeof mod.JobService>[0] = {}) {
      super({ workerUrl: built, ...opts });
    }
  }
  return { ...mod, JobService };
});

interface WsMessage { type: string; topic?: string; bot?: string; data?: { id: string; state: string; progress: { done: number; total: number; fraction: number } } }
interface Job { id: string; kind: string; state: string; error: { message: string; field: string | null } | null; savedRunId: string | null; summary: Record<string, unknown> | null; progress: { done: number; total: number } }

let server: RunningServer;
let dir: string;
let token: string;
let readToken: string;
let csvPath: string;
const got: WsMessage[] = [];
let ws: WebSocket;

/** Answers are read loosely: each test checks the fields it needs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of many shapes, checked field by field
type Loose = any;

async function call(method: string, path: string, body?: unknown, tok = token): Promise<{ status: number; json: Loose; text: string; headers: Headers }> {
  const res = await fetch(`${server.url}${path}`, {
    method, headers: { authorization: `Bearer ${tok}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Waits for a `jobs` message of job `id` in state `state` (already received or to come). */
/** A job's message comes within seconds alone; 15 s was too short once beside a dozen processes on two cores. */
async function jobMessage(id: string, state: string, timeoutMs = 50_000): Promise<WsMessage> {
  const t0 = Date.now();
  for (;;) {
    const m = got.find((x) => x.topic === 'jobs' && x.bot === id && x.data?.state === state);
    if (m !== undefined) return m;
    if (Date.now() - t0 > timeoutMs) throw new Error(`no ${state} message for job ${id}; got: ${got.filter((x) => x.bot === id).map((x) => x.data?.state).join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A random walk of daily bars. */
function writeCsv(path: string, bars: number, seed: number): void {
  let x = seed;
  const rnd = (): number => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines = ['time,open,high,low,close,volume'];
  let close = 100;
  for (let i = 0; i < bars; i++) {
    const open = close;
    close = Math.max(1, open * (1 + (rnd() - 0.5) * 0.04));
    const day = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    lines.push(`${day},${open.toFixed(2)},${(Math.max(open, close) * 1.01).toFixed(2)},${(Math.min(open, close) * 0.99).toFixed(2)},${close.toFixed(2)},1000`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sextant-research-'));
  csvPath = join(dir, 'walk.csv');
  writeCsv(csvPath, 400, 42);
  server = await serve({ stateDir: join(dir, 'state'), url: 'memory://', port: 0 });
  token = (await server.services.tokens.create({ name: 'research', scope: 'admin' })).token;
  readToken = (await server.services.tokens.create({ name: 'reader', scope: 'read' })).token;
  ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/ws`, { headers: { authorization: `Bearer ${token}` } });
  ws.on('message', (raw) => got.push(JSON.parse(raw.toString()) as WsMessage));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ op: 'subscribe', topics: ['jobs'] }));
  const t0 = Date.now();
  while (!got.some((m) => m.type === 'subscribed')) {
    if (Date.now() - t0 > 5000) throw new Error('not subscribed');
    await new Promise((r) => setTimeout(r, 10));
  }
});

afterAll(async () => {
  ws?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('research jobs over the API', () => {
  const request = { strategy: 'sma-cross', data: ['synthetic:7'], params: { fast: 10, slow: 30 }, cash: 50_000, commission: 0.001 };
  let first: Job;

  it('runs a backtest job, followed over the WebSocket, whose result is runBacktest of the same request', async () => {
    const submitted = await call('POST', '/api/v1/research/jobs', { kind: 'backtest', request: { ...request, save: true } });
    expect(submitted.status).toBe(202);
    const id = (submitted.json as Job).id;
    expect(['queued', 'running']).toContain((submitted.json as Job).state);
    await jobMessage(id, 'done');
    const states = got.filter((m) => m.bot === id).map((m) => m.data!.state);
    expect(states).toContain('running');
    const progress = got.filter((m) => m.bot === id && m.data!.state === 'running' && m.data!.progress.total > 0).map((m) => m.data!.progress);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);

    first = (await call('GET', `/api/v1/research/jobs/${id}`)).json as Job;
    expect(first.state).toBe('done');
    expect(first.savedRunId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{8}$/);

    const result = await call('GET', `/api/v1/research/jobs/${id}/result`);
    expect(result.status).toBe(200);
    expect(result.json.kind).toBe('backtest');
    const here = await runBacktest(request);
    const r = result.json.result;
    expect(r.trades.length).toBe(here.trades.length);
    expect(r.trades.length).toBeGreaterThan(5);
    expect(r.finalValue).toBeCloseTo(here.finalValue, 6);
    expect(r.metrics.sharpe).toBeCloseTo(here.metrics.sharpe!, 9);
    expect(r.fills.length).toBe(here.fills.length);
    expect(r.params.cash).toBe(50_000);
    expect(first.summary!.finalValue).toBeCloseTo(here.finalValue, 6);
    expect(first.summary!.tradeCount).toBe(here.metrics.tradeCount);

    const page = await call('GET', `/api/v1/research/jobs/${id}/tearsheet`, undefined, readToken);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("style-src 'unsafe-inline'");
    expect(page.text).toMatch(/^<!doctype html>/i);
    expect(page.text).toContain('sma-cross');

    // The job list has it; a reader may list but not submit or cancel.
    const list = await call('GET', '/api/v1/research/jobs?state=done', undefined, readToken);
    expect((list.json as Job[]).map((j) => j.id)).toContain(id);
    expect((await call('POST', '/api/v1/research/jobs', { kind: 'backtest', request }, readToken)).status).toBe(403);
  }, 120_000);

  it('lists and compares saved runs, and the stored symbols a job can read', async () => {
    await importBars({ source: `csv:${csvPath}`, symbol: 'WALK', dir: join(dir, 'state', 'warehouse') });
    const symbols = await call('GET', '/api/v1/data/symbols');
    expect(symbols.json).toEqual([{ symbol: 'WALK', bars: 400, first: '2020-01-01T00:00:00.000Z', last: '2021-02-03T00:00:00.000Z' }]);
    const sources = await call('GET', '/api/v1/data/sources');
    expect((sources.json.sources as { kind: string }[]).map((s) => s.kind)).toEqual(['synthetic', 'csv', 'store']);

    const second = await call('POST', '/api/v1/research/jobs', { kind: 'backtest', request: { strategy: 'sma-cross', data: ['store:WALK'], params: { fast: 5, slow: 20 }, save: true } });
    expect(second.status).toBe(202);
    await jobMessage(second.json.id, 'done');
    const job2 = (await call('GET', `/api/v1/research/jobs/${second.json.id}`)).json as Job;
    const fromCsv = await runBacktest({ strategy: 'sma-cross', data: [`csv:${csvPath}`], params: { fast: 5, slow: 20 } });
    expect(job2.summary!.finalValue).toBeCloseTo(fromCsv.finalValue, 6);

    const runs = await call('GET', '/api/v1/research/runs');
    expect(runs.status).toBe(200);
    expect((runs.json as { runId: string }[]).map((x) => x.runId).sort()).toEqual([first.savedRunId, job2.savedRunId].sort());
    const cmp = await call('GET', `/api/v1/research/runs/compare?ids=${first.savedRunId},${job2.savedRunId}`);
    expect(cmp.status).toBe(200);
    const finalValues = (cmp.json.runs as { finalValue: number }[]).map((x) => x.finalValue);
    expect(finalValues[0]).toBeCloseTo(first.summary!.finalValue as number, 6);
    expect(finalValues[1]).toBeCloseTo(fromCsv.finalValue, 6);
    const sharpe = (cmp.json.metrics as { name: string; values: number[]; best: string }[]).find((m) => m.name === 'sharpe')!;
    expect(sharpe.best).toBe(sharpe.values[0]! > sharpe.values[1]! ? first.savedRunId : job2.savedRunId);
    expect((cmp.json.differences as { name: string }[]).map((d) => d.name)).toEqual(expect.arrayContaining(['data', 'cash', 'strategyParams.fast']));
    const missing = await call('GET', `/api/v1/research/runs/compare?ids=${first.savedRunId},20200101-000000-deadbeef`);
    expect(missing.status).toBe(404);
    expect(missing.json.field).toBe('query.ids.1');
  }, 120_000);

  it("gives a stored run's equity curve, whole or thinned to the points asked for", async () => {
    const full = (await call('GET', `/api/v1/research/jobs/${first.id}/result`)).json.result.equity as { time: string; equity: number }[];
    expect(full.length).toBeGreaterThan(1000);
    const all = await call('GET', `/api/v1/research/runs/${first.savedRunId}/equity?points=20000`);
    expect(all.status).toBe(200);
    expect(all.json.total).toBe(full.length);
    expect(all.json.points).toEqual(full.map((p) => ({ timeMs: Date.parse(p.time), equity: p.equity })));
    const thin = await call('GET', `/api/v1/research/runs/${first.savedRunId}/equity?points=100`);
    const points = thin.json.points as { timeMs: number; equity: number }[];
    expect(points.length).toBeLessThanOrEqual(100);
    expect(points.length).toBeGreaterThan(50);
    expect(points[0]).toEqual(all.json.points[0]);
    expect(points.at(-1)).toEqual(all.json.points.at(-1));
    const byTime = new Map((all.json.points as { timeMs: number; equity: number }[]).map((p) => [p.timeMs, p.equity]));
    for (const p of points) expect(byTime.get(p.timeMs)).toBe(p.equity);
    const missing = await call('GET', '/api/v1/research/runs/20200101-000000-deadbeef/equity');
    expect({ status: missing.status, field: missing.json.field }).toEqual({ status: 404, field: 'params.runId' });
    const bad = await call('GET', '/api/v1/research/runs/..%2Fetc/equity');
    expect({ status: bad.status, field: bad.json.field }).toEqual({ status: 400, field: 'params.runId' });
  });

  it('cancels a long optimization while it runs', async () => {
    const submitted = await call('POST', '/api/v1/research/jobs', {
      kind: 'optimize', request: { strategy: 'sma-cross', data: ['synthetic:3'], space: 'fast=2:60:1,slow=20:300:1', engine: 'event' },
    });
    expect(submitted.status).toBe(202);
    const id = submitted.json.id as string;
    // Running, with progress in parameter sets.
    const t0 = Date.now();
    while (!got.some((m) => m.bot === id && m.data!.state === 'running' && m.data!.progress.done > 0)) {
      if (Date.now() - t0 > 50_000) throw new Error('the optimization did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
    const canceled = await call('POST', `/api/v1/research/jobs/${id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.json.state).toBe('canceled');
    expect(canceled.json.progress.done).toBeLessThan(canceled.json.progress.total);
    await jobMessage(id, 'canceled');
    expect((await call('GET', `/api/v1/research/jobs/${id}/result`)).status).toBe(409);
    expect((await call('POST', `/api/v1/research/jobs/${id}/cancel`)).status).toBe(409);
    await new Promise((r) => setTimeout(r, 300));
    expect(((await call('GET', `/api/v1/research/jobs/${id}`)).json as Job).state).toBe('canceled');
  }, 120_000);

  it('runs a walk-forward and returns its folds', async () => {
    const submitted = await call('POST', '/api/v1/research/jobs', {
      kind: 'walkforward', request: { strategy: 'sma-cross', data: [`csv:${csvPath}`], space: 'fast=3:9:3,slow=15:30:5', folds: 3, threads: 0 },
    });
    expect(submitted.status).toBe(202);
    await jobMessage(submitted.json.id, 'done');
    const result = await call('GET', `/api/v1/research/jobs/${submitted.json.id}/result`);
    expect(result.json.kind).toBe('walkforward');
    expect(result.json.result.folds).toHaveLength(3);
    expect(result.json.result.engine).toBe('fast');
    expect((await call('GET', `/api/v1/research/jobs/${submitted.json.id}/tearsheet`)).status).toBe(409);
  }, 120_000);

  it('refuses bad requests before queueing, naming the field', async () => {
    const before = (await call('GET', '/api/v1/research/jobs')).json.length as number;
    const cases: [unknown, string][] = [
      [{ kind: 'backtest', request: { strategy: 'no-such' } }, 'body.request.strategy'],
      [{ kind: 'backtest', request: { strategy: 'sma-cross', data: ['synthetic', `csv:${join(dir, 'missing.csv')}`] } }, 'body.request.data.1'],
      [{ kind: 'backtest', request: { strategy: 'sma-cross', cash: -5 } }, 'body.request.cash'],
      [{ kind: 'backtest', request: { strategy: 'sma-cross', params: { fast: 'x' } } }, 'body.request.params.fast'],
      [{ kind: 'backtest', request: { strategy: 'sma-cross', size: 'lots' } }, 'body.request.size'],
      [{ kind: 'optimize', request: { strategy: 'sma-cross', space: 'nope=1:5' } }, 'body.request.space'],
      [{ kind: 'optimize', request: { strategy: 'sma-cross', space: 'fast=1:5', objective: 'luck' } }, 'body.request.objective'],
      [{ kind: 'optimize', request: { strategy: 'sma-cross', space: 'fast=1:1000:1,slow=1:1000:1' } }, 'body.request.space'],
      [{ kind: 'sweep', request: {} }, 'body.kind'],
    ];
    for (const [body, field] of cases) {
      const r = await call('POST', '/api/v1/research/jobs', body);
      expect({ status: r.status, field: r.json.field }).toEqual({ status: 400, field });
    }
    // A file on the server's disk needs admin: a trade token may use synthetic and store: data only.
    const trade = (await server.services.tokens.create({ name: 'trader', scope: 'trade' })).token;
    const refused = await call('POST', '/api/v1/research/jobs', { kind: 'backtest', request: { strategy: 'sma-cross', data: [`csv:${csvPath}`] } }, trade);
    expect({ status: refused.status, field: refused.json.field }).toEqual({ status: 403, field: 'body.request.data.0' });
    // So does a strategy's file param (a model file), which the backtest would read from the server's disk.
    const model = await call('POST', '/api/v1/research/jobs', { kind: 'backtest', request: { strategy: 'ml-ensemble', params: { model: '/etc/passwd' } } }, trade);
    expect({ status: model.status, field: model.json.field }).toEqual({ status: 403, field: 'body.request.params.model' });
    expect(model.text).toContain('param model names a file on the server (a model or policy file): it needs the admin scope');
    expect((await call('GET', '/api/v1/research/jobs')).json.length).toBe(before);
    expect((await call('GET', '/api/v1/research/jobs/j-000000000000')).status).toBe(404);
    // (The schema check names the part `querystring` today; docs/api.md says `query`.)
    expect((await call('GET', '/api/v1/research/runs/compare?ids=only-one')).json.field).toMatch(/^query(string)?\.ids$/);
  });

  it('describes every research route in the OpenAPI document', async () => {
    const doc = await call('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    const paths = Object.keys(doc.json.paths as Record<string, unknown>);
    for (const p of ['/api/v1/research/jobs', '/api/v1/research/jobs/{id}', '/api/v1/research/runs/{runId}/equity', '/api/v1/research/jobs/{id}/cancel', '/api/v1/research/jobs/{id}/result', '/api/v1/research/jobs/{id}/tearsheet', '/api/v1/research/runs', '/api/v1/research/runs/compare', '/api/v1/data/symbols', '/api/v1/data/sources']) {
      expect(paths).toContain(p);
    }
    const body = doc.json.paths['/api/v1/research/jobs'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(body)).toContain('walkforward');
  });
});
