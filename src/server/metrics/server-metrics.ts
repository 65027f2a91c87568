// Server-wide metric families, read at scrape time: every defined bot's state and the state its operator
// asked for (a bot that should run and does not is what "bot down" alerts on: its per-bot families are gone
// once it stops), the store's batch writes and their failures, and V8's heap limit (to read the heap's
// fill against). docs/prometheus-metrics.md describes them.
import { getHeapStatistics } from 'node:v8';
import { Counter, Gauge, type Registry } from 'prom-client';

/** The states a bot's `sextant_bot_state` series take (src/app/bots/bot-service.ts BotState). */
export const BOT_STATES = ['stopped', 'starting', 'running', 'stopping', 'failed'] as const;

/** What the families read: the server's bots and its store's write counts. */
export interface ServerMetricsSource {
  bots(): readonly { readonly id: string; readonly state: string; readonly desired: 'running' | 'stopped' }[];
  storeWrites(): { readonly batches: number; readonly rows: number; readonly failures: number };
}

/** Registers the server-wide families on `registry` (once per registry). */
export function registerServerMetrics(registry: Registry, source: ServerMetricsSource): void {
  // One list per scrape for both bot families (a registry collects every family in one synchronous pass).
  let listed: ReturnType<ServerMetricsSource['bots']> | null = null;
  const bots = (): ReturnType<ServerMetricsSource['bots']> => {
    if (listed === null) {
      listed = source.bots();
      queueMicrotask(() => (listed = null));
    }
    return listed;
  };
  const state: Gauge<'bot' | 'state'> = new Gauge({
    name: 'sextant_bot_state', help: 'Each defined bot\'s state: 1 for the current one of stopped, starting, running, stopping, failed, 0 for the others.',
    labelNames: ['bot', 'state'], registers: [registry],
    collect: () => {
      state.reset();
      for (const b of bots()) for (const s of BOT_STATES) state.set({ bot: b.id, state: s }, b.state === s ? 1 : 0);
    },
  });
  const desired: Gauge<'bot'> = new Gauge({
    name: 'sextant_bot_desired_running', help: '1 when the operator last asked the bot to run (it is started again with the server), 0 when asked to stop.',
    labelNames: ['bot'], registers: [registry],
    collect: () => {
      desired.reset();
      for (const b of bots()) desired.set({ bot: b.id }, b.desired === 'running' ? 1 : 0);
    },
  });
  const writes = (name: string, help: string, read: (w: ReturnType<ServerMetricsSource['storeWrites']>) => number): void => {
    const c: Counter = new Counter({
      name, help, registers: [registry],
      collect: () => {
        c.reset();
        c.inc(read(source.storeWrites()));
      },
    });
  };
  writes('sextant_store_write_batches_total', 'Store transactions that committed buffered rows (orders, order events, fills, positions, equity, risk events, their audit entries).', (w) => w.batches);
  writes('sextant_store_rows_written_total', 'Rows those committed transactions held.', (w) => w.rows);
  writes('sextant_store_write_failures_total', 'Store transactions of buffered rows that failed and were rolled back (a bot whose rows fail stops).', (w) => w.failures);
  const heapLimit: Gauge = new Gauge({
    name: 'sextant_heap_limit_bytes', help: 'V8\'s heap size limit of this process (node --max-old-space-size), in bytes: the process aborts when the heap reaches it.',
    registers: [registry],
    collect: () => heapLimit.set(getHeapStatistics().heap_size_limit),
  });
}
