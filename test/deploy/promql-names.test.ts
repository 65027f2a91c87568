// The metric-name extraction the alert and dashboard checks rely on: what it must find, and what it must skip.
import { describe, expect, it } from 'vitest';
import { metricNames } from '../helpers/promql-names.ts';

describe('metricNames', () => {
  it.each([
    ['up{job="sextant"} == 0', ['up']],
    ['sum by (instance, job, bot, le) (rate(sextant_fill_latency_seconds_bucket{bot=~"$bot"}[$__rate_interval]))', ['sextant_fill_latency_seconds_bucket']],
    ['histogram_quantile(0.99, sum by (le) (rate(a_bucket[5m]))) > 60 and on (instance) sum(increase(a_count[15m])) >= 5', ['a_bucket', 'a_count']],
    ['x > on (instance, job, bot) (y{breaker="daily-loss"} or on (instance, job, bot) (0 * x + 0.03))', ['x', 'y']],
    ['(c > 0) unless on (bot, source) (c offset 1h > 0)', ['c']],
    ['nodejs_heap_size_used_bytes / on (instance, job) sextant_heap_limit_bytes > 0.85', ['nodejs_heap_size_used_bytes', 'sextant_heap_limit_bytes']],
    ['clamp_min(3 * sextant_bar_interval_seconds, 120) + 1e-3 * time()', ['sextant_bar_interval_seconds']],
    ['count without (state) (s{state!="x"}) > bool 2', ['s']],
    ['label_values(sextant_account_equity, bot)', ['sextant_account_equity']],
    ['label_values(instance)', []],
    ['sum(rate(m{route=~"/api/.*", status_code=~"5.."}[${__range}])) # a comment naming no_metric', ['m']],
  ])('%s', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });
});
