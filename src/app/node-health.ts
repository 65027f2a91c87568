// How a running node's market data and links stand, for the operator's "is it alive?" view (the dashboard's
// overview, the API's bot status): how old the newest data is (the node's clock minus the close of the
// stalest symbol's last bar), the venue feed's connection as its status events tell it, and a live run's
// broker link. A paper node on the simulated market has no feed events and no broker link (both null).
import { z } from 'zod';
import type { LiveStatus } from '../engine/live-node.ts';
import type { Feed } from '../engine/feed.ts';

export const FEED_STATES = ['connecting', 'connected', 'disconnected', 'stale'] as const;
export type FeedState = (typeof FEED_STATES)[number];

export const NodeHealthSchema = z.object({
  /** Close time (epoch ms, the node's clock) of the stalest traded symbol's last bar; null before any bar. */
  lastBarMs: z.number().nullable(),
  /** The node's now minus lastBarMs: how old the data is (a bar's length at most while data flows); null before any bar. */
  dataAgeMs: z.number().nullable(),
  /** The bar length of the traded symbols (ms), to judge dataAgeMs by; null when unknown. */
  barMs: z.number().nullable(),
  /** A venue's market-data feed: its connection and its last status line; null for the synthetic market, replays, and until its first status. */
  feed: z.object({ state: z.enum(FEED_STATES), message: z.string(), tsMs: z.number() }).nullable(),
  /** A live run's broker link; null for paper runs. */
  venue: z.object({ name: z.string(), connection: z.enum(['disconnected', 'connecting', 'connected', 'reconnecting']) }).nullable(),
});
export type NodeHealth = z.infer<typeof NodeHealthSchema>;

/** What a node that cannot be asked (read from the store) is known to have: nothing. */
export const UNKNOWN_HEALTH: NodeHealth = { lastBarMs: null, dataAgeMs: null, barMs: null, feed: null, venue: null };

/** Close time of the stalest traded symbol's last bar (data-only feeds such as a second timeframe aside), or null. */
export function lastBarCloseMs(feeds: readonly Feed[]): number | null {
  let oldest = Number.POSITIVE_INFINITY;
  for (const f of feeds) {
    const s = f.series;
    if (f.venueSlot < 0 || s.length === 0) continue;
    oldest = Math.min(oldest, s.time[s.length - 1]! + s.timeframeMs);
  }
  return Number.isFinite(oldest) ? oldest : null;
}

/**
 * A venue feed's connection from its status events (src/engine/venues.ts `onFeedStatus`): connected and
 * fresh mean flowing, disconnected and stale say so; other kinds (gap, backfilled, error, rejected frame)
 * leave the state as it was but are the last line. Feeds report a loss and the reconnect after it, not
 * the first connection: until their first event, the first live bar says the data flows.
 */
export class FeedHealth {
  #venue: string | null = null;
  #sinceMs = 0;
  #last: NodeHealth['feed'] = null;

  /** The node trades `venue`'s market data (without this, the health has no feed). */
  expect(venue: string, nowMs = Date.now()): void {
    this.#venue = venue;
    this.#sinceMs = nowMs;
  }

  onStatus(kind: string, message: string, nowMs = Date.now()): void {
    const state: FeedState = kind === 'connected' || kind === 'fresh' ? 'connected' : kind === 'disconnected' ? 'disconnected' : kind === 'stale' ? 'stale' : (this.#last?.state ?? 'connecting');
    this.#last = { state, message, tsMs: nowMs };
  }

  /** The feed now, given the live bars the node has had. */
  view(liveBars: number): NodeHealth['feed'] {
    if (this.#last !== null || this.#venue === null) return this.#last;
    return liveBars > 0
      ? { state: 'connected', message: `${this.#venue} market data flowing`, tsMs: this.#sinceMs }
      : { state: 'connecting', message: `${this.#venue} market data: waiting for the first bar`, tsMs: this.#sinceMs };
  }
}

/** The node's health now, from its feeds, its status (`node.status()`) and its feed's events. */
export function nodeHealth(feeds: readonly Feed[], status: Pick<LiveStatus, 'nowMs' | 'venue' | 'barsSeen'>, feed: FeedHealth): NodeHealth {
  const lastBarMs = lastBarCloseMs(feeds);
  let barMs = Number.POSITIVE_INFINITY;
  for (const f of feeds) if (f.venueSlot >= 0 && f.series.timeframeMs > 0) barMs = Math.min(barMs, f.series.timeframeMs);
  return {
    lastBarMs,
    dataAgeMs: lastBarMs === null || !Number.isFinite(status.nowMs) ? null : Math.max(0, status.nowMs - lastBarMs),
    barMs: Number.isFinite(barMs) ? barMs : null,
    feed: feed.view(status.barsSeen),
    venue: status.venue === null ? null : { name: status.venue.name, connection: status.venue.connection },
  };
}
