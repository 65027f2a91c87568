// Server-wide metrics: bot states from the bot list, the store's write counts (the store's own counting is
// tested by the store contract; the server's wiring by test/deploy/dashboards.test.ts against a real server),
// the heap limit, and promtool's verdict on the scrape.
import { getHeapStatistics } from 'node:v8';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseSamples, samplesOf, valueOf } from '../../../test/helpers/prom-text.ts';
import { promtoolCheck, runPromtoolTests } from '../../../test/helpers/promtool.ts';
import { BOT_STATES, registerServerMetrics, type ServerMetricsSource } from './server-metrics.ts';

describe('server metrics', () => {
  it('reads every bot\'s state and desired state, the store\'s write counts and the heap limit at each scrape', async () => {
    const bots: { id: string; state: string; desired: 'running' | 'stopped' }[] = [
      { id: 'a', state: 'running', desired: 'running' },
      { id: 'b', state: 'failed', desired: 'running' },
    ];
    let listed = 0;
    let writes = { batches: 0, rows: 0, failures: 0 };
    const source: ServerMetricsSource = { bots: () => (listed++, bots), storeWrites: () => writes };
    const registry = new Registry();
    registerServerMetrics(registry, source);
    const first = await registry.metrics();
    let s = parseSamples(first);
    // One list per scrape, shared by the two bot families.
    expect(listed).toBe(1);
    expect(samplesOf(s, 'sextant_bot_state', { bot: 'a' }).map((x) => [x.labels.state, x.value])).toEqual(BOT_STATES.map((st) => [st, st === 'running' ? 1 : 0]));
    expect(valueOf(s, 'sextant_bot_state', { bot: 'b', state: 'failed' })).toBe(1);
    expect(valueOf(s, 'sextant_bot_state', { bot: 'b', state: 'running' })).toBe(0);
    expect(valueOf(s, 'sextant_bot_desired_running', { bot: 'b' })).toBe(1);
    expect(valueOf(s, 'sextant_store_write_batches_total')).toBe(0);
    expect(valueOf(s, 'sextant_store_write_failures_total')).toBe(0);
    expect(valueOf(s, 'sextant_heap_limit_bytes')).toBe(getHeapStatistics().heap_size_limit);

    writes = { batches: 1, rows: 3, failures: 1 };
    bots[1] = { id: 'b', state: 'stopped', desired: 'stopped' };
    bots.pop();
    s = parseSamples(await registry.metrics());
    expect(valueOf(s, 'sextant_store_write_batches_total')).toBe(1);
    expect(valueOf(s, 'sextant_store_rows_written_total')).toBe(3);
    expect(valueOf(s, 'sextant_store_write_failures_total')).toBe(1);
    // A removed bot's series are gone; the state follows the list.
    expect(samplesOf(s, 'sextant_bot_state', { bot: 'b' })).toEqual([]);
    expect(valueOf(s, 'sextant_bot_desired_running', { bot: 'a' })).toBe(1);
    if (runPromtoolTests) expect(promtoolCheck(first)).toEqual({ status: 0, output: '' });
  });
});
