// Prometheus metrics of the server: per-bot trading metrics and the HTTP/process metrics.
export { BotMetrics, FILL_LATENCY_BUCKETS, SLIPPAGE_BPS_BUCKETS } from './bot-metrics.ts';
export type { WatchedNode } from './bot-watch.ts';
export { DENY_REASON_CODES, denyReasonCode, type DenyReasonCode } from './deny-reasons.ts';
export { registerServerMetrics, BOT_STATES, type ServerMetricsSource } from './server-metrics.ts';
export { registerHttpMetrics, registerProcessMetrics, HTTP_DURATION_BUCKETS, UNMATCHED_ROUTE } from './http-metrics.ts';
