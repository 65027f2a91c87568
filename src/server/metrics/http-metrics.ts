// HTTP metrics of the API server (request durations by route pattern, requests in flight) and the
// process metrics of prom-client's default collectors, on one registry.
import type { FastifyBaseLogger, FastifyInstance, FastifyTypeProvider, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerBase } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const HTTP_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route label of a request no route matched (never the raw URL: that would be unbounded). */
export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Adds `sextant_http_request_duration_seconds` {method, route, status_code} and
 * `sextant_http_requests_in_flight` to `app` through onRequest/onResponse hooks, and the default process
 * and Node.js metrics to `registry`. Call once per registry, before the routes are registered.
 */
export function registerHttpMetrics<
  S extends RawServerBase, Rq extends RawRequestDefaultExpression<S>, Rp extends RawReplyDefaultExpression<S>, L extends FastifyBaseLogger, T extends FastifyTypeProvider,
>(app: FastifyInstance<S, Rq, Rp, L, T>, registry: Registry): void {
  registerProcessMetrics(registry);
  const duration = new Histogram({
    name: 'sextant_http_request_duration_seconds', help: 'Time from receiving an HTTP request to sending its response, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'], buckets: HTTP_DURATION_BUCKETS, registers: [registry],
  });
  const inFlight = new Gauge({ name: 'sextant_http_requests_in_flight', help: 'HTTP requests received and not yet answered.', registers: [registry] });
  // Start times of the requests in flight; a request leaves it once (answered or aborted).
  const started = new WeakMap<object, bigint>();
  const done = (request: object): bigint | undefined => {
    const t0 = started.get(request);
    if (t0 === undefined) return undefined;
    started.delete(request);
    inFlight.dec();
    return t0;
  };
  app.addHook('onRequest', (request, _reply, next) => {
    started.set(request, process.hrtime.bigint());
    inFlight.inc();
    next();
  });
  app.addHook('onResponse', (request, reply, next) => {
    const t0 = done(request);
    if (t0 !== undefined) {
      const method = METHODS.has(request.method) ? request.method : 'other';
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      duration.observe({ method, route, status_code: String(reply.statusCode) }, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    next();
  });
  // A client that goes away before its request is complete gets no response: it only leaves the gauge.
  app.addHook('onRequestAbort', (request, next) => {
    done(request);
    next();
  });
}

/**
 * prom-client's gauges that end in `_total` (totals of the per-type gauges of the same name without it):
 * promtool's lint rejects a `_total` suffix on anything but a counter; sum the per-type series instead.
 */
const LINT_FAILING_DEFAULTS = new Set(['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']);

/** prom-client's default process and Node.js metrics on `registry`, less the three above. */
export function registerProcessMetrics(registry: Registry): void {
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  for (const { name } of defaults.getMetricsAsArray()) {
    const metric = defaults.getSingleMetric(name);
    if (metric !== undefined && !LINT_FAILING_DEFAULTS.has(name)) registry.registerMetric(metric);
  }
}
