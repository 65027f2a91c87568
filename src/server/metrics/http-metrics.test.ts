// HTTP metrics on a real fastify app (app.inject): durations by route pattern, requests in flight, the
// process metrics, and promtool's verdict on the scrape.
import Fastify from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseSamples, samplesOf, valueOf } from '../../../test/helpers/prom-text.ts';
import { promtoolCheck, runPromtoolTests } from '../../../test/helpers/promtool.ts';
import { registerHttpMetrics, UNMATCHED_ROUTE } from './http-metrics.ts';

function app(registry: Registry) {
  // A type-provider instance, as the server builds it, takes the hooks too.
  const a = Fastify().withTypeProvider<ZodTypeProvider>();
  registerHttpMetrics(a, registry);
  let release: () => void = () => {};
  let entered = false;
  a.get('/api/v1/bots/:id', async (req) => ({ id: (req.params as { id: string }).id }));
  a.post('/api/v1/bots', async (_req, reply) => reply.code(201).send({ ok: true }));
  a.get('/slow', async () => {
    entered = true;
    await new Promise<void>((r) => (release = r));
    return 'done';
  });
  return { a, release: () => release(), entered: () => entered };
}

describe('HTTP metrics', () => {
  it('times requests by method, route pattern and status code, and counts requests in flight', async () => {
    const registry = new Registry();
    const { a, release, entered } = app(registry);
    for (const id of ['a1', 'b2', 'c3']) expect((await a.inject({ method: 'GET', url: `/api/v1/bots/${id}?x=1` })).statusCode).toBe(200);
    expect((await a.inject({ method: 'POST', url: '/api/v1/bots', payload: {} })).statusCode).toBe(201);
    expect((await a.inject({ method: 'GET', url: '/no/such/path/42' })).statusCode).toBe(404);

    const slow = a.inject({ method: 'GET', url: '/slow' });
    while (!entered()) await new Promise((r) => setTimeout(r, 1));
    expect(valueOf(parseSamples(await registry.metrics()), 'sextant_http_requests_in_flight')).toBe(1);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 30));
    release();
    expect((await slow).body).toBe('done');
    const waited = (performance.now() - t0) / 1000;

    const s = parseSamples(await registry.metrics());
    expect(valueOf(s, 'sextant_http_requests_in_flight')).toBe(0);
    const d = 'sextant_http_request_duration_seconds_count';
    expect(valueOf(s, d, { method: 'GET', route: '/api/v1/bots/:id', status_code: '200' })).toBe(3);
    expect(valueOf(s, d, { method: 'POST', route: '/api/v1/bots', status_code: '201' })).toBe(1);
    expect(valueOf(s, d, { method: 'GET', route: UNMATCHED_ROUTE, status_code: '404' })).toBe(1);
    expect(valueOf(s, d, { method: 'GET', route: '/slow', status_code: '200' })).toBe(1);
    // Never a raw URL among the routes.
    expect(new Set(samplesOf(s, d).map((x) => x.labels.route))).toEqual(new Set(['/api/v1/bots/:id', '/api/v1/bots', UNMATCHED_ROUTE, '/slow']));
    const slowSum = valueOf(s, 'sextant_http_request_duration_seconds_sum', { route: '/slow' });
    expect(slowSum).toBeGreaterThanOrEqual(0.029);
    expect(slowSum).toBeLessThan(waited + 0.5);
    expect(valueOf(s, 'sextant_http_request_duration_seconds_bucket', { route: '/slow', le: '0.01' })).toBe(0);
    // Process and Node.js metrics of the default collectors.
    expect(valueOf(s, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(samplesOf(s, 'nodejs_heap_size_used_bytes').length).toBe(1);
    await a.close();
  });

  it.runIf(runPromtoolTests)('the scrape passes promtool check metrics with no lint problems', async () => {
    const registry = new Registry();
    const { a } = app(registry);
    await a.inject({ method: 'GET', url: '/api/v1/bots/x' });
    await a.inject({ method: 'GET', url: '/nope' });
    const r = promtoolCheck(await registry.metrics());
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
    await a.close();
  });
});
