// Prometheus metrics of running trading bots (docs/prometheus-metrics.md). The families are registered
// once on a registry; `attach` watches one bot's node and `detach` removes every series of that bot.
// Gauges and counters are read when Prometheus scrapes (collect callbacks over the attached bots); only
// the two histograms are observed as fills happen, from a queued bus subscriber outside the trading loop.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { InputError } from '../../core/errors.ts';
import type { OrderType } from '../../model/order.ts';
import { BOT_FAMILIES, type CollectedFamily } from './bot-families.ts';
import { BotWatch, type WatchedNode } from './bot-watch.ts';

/** Submission to first fill, in seconds of the node's clock (wall time live; data time in replays). */
export const FILL_LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 86_400];
/** Fill price against the order's reference, in basis points; positive is worse for the bot. */
export const SLIPPAGE_BPS_BUCKETS = [-100, -50, -25, -10, -5, -2, -1, 0, 1, 2, 5, 10, 25, 50, 100];

/** The order types that have a reference price, hence slippage (trailing stops have none). */
const SLIPPAGE_ORDER_TYPES: readonly OrderType[] = ['market', 'limit', 'stop', 'stop-limit'];

export class BotMetrics {
  readonly #bots = new Map<string, BotWatch>();
  readonly #latency: Histogram<'bot'>;
  readonly #slippage: Histogram<'bot' | 'order_type'>;

  /** Registers every family on `registry` (once: a second BotMetrics on the same registry throws). */
  constructor(registry: Registry) {
    for (const f of BOT_FAMILIES) this.#register(registry, f);
    this.#latency = new Histogram({
      name: 'sextant_fill_latency_seconds', help: 'Time from an order\'s submission to its first fill, on the node\'s clock.',
      labelNames: ['bot'], buckets: FILL_LATENCY_BUCKETS, registers: [registry],
    });
    this.#slippage = new Histogram({
      name: 'sextant_fill_slippage_bps',
      help: 'Fill price against the order\'s reference price in basis points, positive when worse for the bot; reference: limit price (limit, stop-limit), stop price (stop), last bar close before submission (market).',
      labelNames: ['bot', 'order_type'], buckets: SLIPPAGE_BPS_BUCKETS, registers: [registry],
    });
  }

  /** The bots being watched. */
  get bots(): readonly string[] {
    return [...this.#bots.keys()];
  }

  /**
   * Watches a running (or about to run) node as `botId` until the returned function is called, which
   * removes every series of the bot. Counters of events count from here: attach before `run()`.
   */
  attach(botId: string, node: WatchedNode): () => void {
    if (botId.length === 0) throw new InputError('a bot id must not be empty', { field: 'botId' });
    if (this.#bots.has(botId)) throw new InputError(`bot "${botId}" is attached already`, { field: 'botId' });
    const watch = new BotWatch(node, {
      fillLatency: (s) => this.#latency.observe({ bot: botId }, s),
      slippage: (orderType, bps) => this.#slippage.observe({ bot: botId, order_type: orderType }, bps),
    });
    // Series exist from the start (at 0), so a first observation is an increase like any other.
    this.#latency.zero({ bot: botId });
    for (const t of SLIPPAGE_ORDER_TYPES) this.#slippage.zero({ bot: botId, order_type: t });
    this.#bots.set(botId, watch);
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      watch.close();
      this.#bots.delete(botId);
      this.#latency.remove({ bot: botId });
      for (const t of SLIPPAGE_ORDER_TYPES) this.#slippage.remove({ bot: botId, order_type: t });
    };
  }

  /**
   * A market-data status of a bot's feed (wire it to the app's `onFeedStatus(kind, line)`): counts feed
   * errors by kind and reconnects. Ignored for a bot that is not attached.
   */
  feedStatus(botId: string, kind: string): void {
    this.#bots.get(botId)?.feedStatus(kind);
  }

  #register(registry: Registry, f: CollectedFamily): void {
    const labelNames = ['bot', ...f.labels];
    const bots = this.#bots;
    // Each scrape starts the family afresh: a detached bot's series are gone, nothing lingers.
    if (f.type === 'gauge') {
      const g: Gauge = new Gauge({
        name: f.name, help: f.help, labelNames, registers: [registry],
        collect: () => {
          g.reset();
          for (const [bot, w] of bots) for (const [labels, v] of f.read(w.snapshot(), w)) g.set({ bot, ...labels }, v);
        },
      });
    } else {
      const c: Counter = new Counter({
        name: f.name, help: f.help, labelNames, registers: [registry],
        collect: () => {
          c.reset();
          for (const [bot, w] of bots) for (const [labels, v] of f.read(w.snapshot(), w)) c.inc({ bot, ...labels }, v);
        },
      });
    }
  }
}
