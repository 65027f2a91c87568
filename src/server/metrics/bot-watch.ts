// What the metrics know about one running bot beyond its status: counts of the order, fill and breaker
// events seen on the node's bus, the submissions still waiting for their first fill, the running peak of
// equity, and the links' connection history. Messages arrive through a bounded queue drained outside the
// trading loop's call stack, in the bus's global order (one subscription to every topic), so a bar's
// close is known before an order submitted after that bar.
import type { BusMessage } from '../../core/event-bus.ts';
import type { LiveNode, LiveStatus } from '../../engine/live-node.ts';
import type { NodeTopics, OrderMessage, PushedBar } from '../../engine/node-bus.ts';
import type { ConnectionState } from '../../execution/execution-client.ts';
import type { RiskEvent } from '../../model/events.ts';
import type { OrderType } from '../../model/order.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import { isSessionOpen } from '../../data/sessions.ts';
import { lastBarCloseMs } from '../../app/node-health.ts';
import { circuitBreakersFromConfig, DailyLossBreaker, DrawdownBreaker } from '../../risk/breakers/index.ts';
import { DENY_REASON_CODES, denyReasonCode, type DenyReasonCode } from './deny-reasons.ts';

/** The parts of a running node the metrics read: its bus, its status, its account and its feeds. */
export type WatchedNode = Pick<LiveNode, 'bus' | 'status' | 'kernel' | 'node'>;

/** Kinds of the venue-errors counter (a closed set). */
export const VENUE_ERROR_KINDS = [
  'order_rejected', 'command_rejected', 'connection_lost', 'feed_disconnected', 'feed_stale', 'feed_error', 'feed_rejected_frame', 'feed_gap',
] as const;
export type VenueErrorKind = (typeof VENUE_ERROR_KINDS)[number];

/** Where the histograms' observations go (the metric families, labelled with the bot). */
export interface Observations {
  fillLatency(seconds: number): void;
  slippage(orderType: OrderType, bps: number): void;
}

/** One scrape's view of a bot: the status and what is derived from the account at the same moment. */
export interface BotSnapshot {
  readonly status: LiveStatus;
  readonly grossExposure: number;
  readonly netExposure: number;
  readonly realizedPnl: number;
  readonly unrealizedPnl: number;
  readonly commissions: number;
  readonly peakEquity: number;
  readonly drawdown: number;
  /** Seconds since the stalest symbol's last bar closed, or null before any bar. */
  readonly stalenessSeconds: number | null;
  /**
   * The same over the symbols whose market is in session now, each from the later of its last bar's close
   * and the session's opening as this watch saw it; 0 while no traded symbol's market is open.
   */
  readonly sessionStalenessSeconds: number;
  /** Equity minus the day's starting equity (see BotWatch's day tracking). */
  readonly dailyPnl: number;
  /** The day's loss as a fraction of its starting equity, 0 on a gain. */
  readonly dailyLossRatio: number;
}

interface Submission {
  readonly tsMs: number;
  readonly type: OrderType;
  /** The price slippage is measured against, or NaN when the order has none (trailing stops, no bar yet). */
  readonly reference: number;
  filled: boolean;
}

type AnyMessage = BusMessage<keyof NodeTopics & string, NodeTopics[keyof NodeTopics]>;

/** Messages the queue may hold before the oldest is dropped (and counted by the bus). */
export const QUEUE_CAPACITY = 65_536;

export class BotWatch {
  readonly orders = { submitted: 0, accepted: 0, filled: 0, canceled: 0, rejected: 0, expired: 0 };
  readonly denied = new Map<DenyReasonCode, number>();
  fills = 0;
  notional = 0;
  readonly breakers = new Map<string, { tripped: boolean; trips: number }>();
  readonly venueErrors = new Map<VenueErrorKind, number>();
  readonly reconnects = { venue: 0, feed: 0 };
  /** Loss limits of the configured equity breakers by name (daily-loss, max-drawdown), as fractions (3% = 0.03). */
  readonly limits = new Map<string, number>();
  /** The longest bar length of the traded symbols, in seconds (0 when unknown). */
  readonly barSeconds: number;
  readonly #node: WatchedNode;
  readonly #observe: Observations;
  readonly #unsubscribe: () => void;
  readonly #lastClose = new Map<string, number>();
  readonly #working = new Map<string, Submission>();
  #peak = Number.NEGATIVE_INFINITY;
  #venueState: ConnectionState | null = null;
  #venueConnectedOnce = false;
  #venueSampledAt = Number.NEGATIVE_INFINITY;
  #feedConnectedOnce = false;
  #snapshot: BotSnapshot | null = null;
  /** The day boundary's shift from 00:00 UTC: the daily-loss breaker's when configured. */
  readonly #dayOffsetMs: number;
  #day = Number.NaN;
  #dayStart = Number.NaN;
  #lastEquity = Number.NaN;
  /** Per traded symbol: whether its market was in session at the last sample, and when this watch saw it open. */
  readonly #sessions = new Map<string, { open: boolean; openedMs: number }>();

  constructor(node: WatchedNode, observe: Observations) {
    this.#node = node;
    this.#observe = observe;
    // Every configured breaker from the start (at 0, so the first trip is an increase), then the trips
    // before the watch began: they are still the bot's.
    const config = node.node.config.breakers;
    let dayOffsetMs = 0;
    if (config !== undefined) {
      for (const b of circuitBreakersFromConfig(config)) {
        this.breakers.set(b.name, { tripped: false, trips: 0 });
        if (b instanceof DailyLossBreaker) {
          this.limits.set(b.name, b.maxLossPct / 100);
          dayOffsetMs = b.dayOffsetMs;
        }
        if (b instanceof DrawdownBreaker) this.limits.set(b.name, b.maxDrawdownPct / 100);
      }
    }
    this.#dayOffsetMs = dayOffsetMs;
    let barMs = 0;
    for (const f of node.node.feeds) if (f.venueSlot >= 0) barMs = Math.max(barMs, f.series.timeframeMs);
    this.barSeconds = barMs / 1000;
    for (const e of node.kernel.riskEvents) this.#onRisk(e);
    for (const code of DENY_REASON_CODES) this.denied.set(code, 0);
    for (const kind of VENUE_ERROR_KINDS) this.venueErrors.set(kind, 0);
    const status = node.status();
    this.#peakAt(Math.max(status.equity, status.equity - status.pnl));
    this.#equityAt(status.nowMs, status.equity);
    this.#sampleSessions(status.nowMs);
    this.#sampleVenue(status);
    this.#unsubscribe = node.bus.subscribe('*', (m) => this.#on(m), { name: 'metrics', queue: { capacity: QUEUE_CAPACITY } });
  }

  /** Stops watching (the queue's waiting messages are dropped). */
  close(): void {
    this.#unsubscribe();
  }

  /** Messages the bus dropped from any queued subscriber of this node (this one, the store writer, the API). */
  droppedMessages(): number {
    let n = 0;
    for (const s of this.#node.bus.stats()) n += s.dropped;
    return n;
  }

  /**
   * A market-data feed's status line kind (src/engine/venues.ts `onFeedStatus`): errors by kind, and a
   * 'connected' after an earlier one is a reconnect.
   */
  feedStatus(kind: string): void {
    if (kind === 'connected') {
      if (this.#feedConnectedOnce) this.reconnects.feed++;
      this.#feedConnectedOnce = true;
      return;
    }
    const error = FEED_ERRORS.get(kind);
    if (error !== undefined) this.#venueError(error);
  }

  /** The bot now, computed once per scrape (every family of one scrape reads the same snapshot). */
  snapshot(): BotSnapshot {
    if (this.#snapshot !== null) return this.#snapshot;
    const status = this.#node.status();
    this.#sampleVenue(status);
    this.#peakAt(status.equity);
    this.#equityAt(status.nowMs, status.equity);
    this.#sampleSessions(status.nowMs);
    const p = this.#node.kernel.portfolio;
    let unrealized = 0;
    for (const pos of status.positions) unrealized += pos.unrealizedPnl;
    const peak = this.#peak;
    const start = this.#dayStart;
    const equity = status.equity;
    const dayKnown = Number.isFinite(start) && Number.isFinite(equity);
    this.#snapshot = {
      status, grossExposure: p.grossExposure(), netExposure: p.positionsValue(), realizedPnl: p.realizedPnl, unrealizedPnl: unrealized,
      commissions: p.commissionPaid, peakEquity: peak,
      drawdown: Number.isFinite(peak) && peak > 0 && Number.isFinite(equity) ? Math.max(0, (peak - equity) / peak) : 0,
      stalenessSeconds: this.#staleness(status.nowMs),
      sessionStalenessSeconds: this.#sessionStaleness(status.nowMs),
      dailyPnl: dayKnown ? equity - start : 0,
      dailyLossRatio: dayKnown && start > 0 ? Math.max(0, (start - equity) / start) : 0,
    };
    // Kept for the rest of this scrape, then read afresh: a registry calls every family's collect in one
    // synchronous pass, so the snapshot lives until the microtasks after it.
    queueMicrotask(() => (this.#snapshot = null));
    return this.#snapshot;
  }

  #on(m: AnyMessage): void {
    switch (m.topic) {
      case 'bar': {
        const bar = m.payload as PushedBar;
        this.#lastClose.set(bar.symbol, bar.close);
        const equity = this.#node.kernel.portfolio.equity();
        this.#peakAt(equity);
        this.#equityAt(m.tsMs, equity);
        break;
      }
      case 'order':
        this.#onOrder(m.payload as OrderMessage);
        break;
      case 'risk':
        this.#onRisk(m.payload as RiskEvent);
        break;
      case 'strategy.error':
        break; // counted from the status (it keeps every error of the process)
    }
    // The link's state between scrapes, at most once a second (status() is not free).
    const now = performance.now();
    if (now - this.#venueSampledAt >= 1000) this.#sampleVenue(this.#node.status());
  }

  #onOrder({ event: e, order }: OrderMessage): void {
    switch (e.type) {
      case 'OrderSubmitted': {
        this.orders.submitted++;
        this.#working.set(order.id, { tsMs: e.tsEventMs, type: order.type, reference: this.#reference(order.type, order.request.limitPrice, order.request.stopPrice, order.symbol), filled: false });
        return;
      }
      case 'OrderAccepted':
        this.orders.accepted++;
        return;
      case 'OrderDenied': {
        const code = denyReasonCode(e.reason);
        this.denied.set(code, (this.denied.get(code) ?? 0) + 1);
        return;
      }
      case 'OrderRejected':
        this.orders.rejected++;
        this.#venueError('order_rejected');
        this.#working.delete(order.id);
        return;
      case 'OrderCanceled':
        this.orders.canceled++;
        this.#working.delete(order.id);
        return;
      case 'OrderExpired':
        this.orders.expired++;
        this.#working.delete(order.id);
        return;
      case 'OrderFilled': {
        const f = e.fill;
        this.fills++;
        this.notional += f.qty * f.price * (this.#node.node.feedOf(f.symbol)?.instrument.multiplier ?? 1);
        const sub = this.#working.get(order.id);
        if (sub !== undefined) {
          if (!sub.filled) this.#observe.fillLatency(Math.max(0, f.tsEventMs - sub.tsMs) / 1000);
          sub.filled = true;
          if (sub.reference > 0) {
            const sign = f.side === 'buy' ? 1 : -1;
            this.#observe.slippage(sub.type, (sign * (f.price - sub.reference) / sub.reference) * 10_000);
          }
        }
        if (e.status === 'filled') {
          this.orders.filled++;
          this.#working.delete(order.id);
        }
        const equity = this.#node.kernel.portfolio.equity();
        this.#peakAt(equity);
        this.#equityAt(f.tsEventMs, equity);
        return;
      }
      case 'OrderTriggered':
      case 'OrderUpdated':
        return;
    }
  }

  /**
   * The price an order's fills are compared with: the limit price of a limit or stop-limit order, the
   * stop price of a stop order, and for a market order the close of the symbol's last bar before it was
   * submitted (the price the strategy decided on, and the one pre-trade risk used). Trailing stops have none.
   */
  #reference(type: OrderType, limit: number | undefined, stop: number | undefined, symbol: string): number {
    switch (type) {
      case 'limit':
      case 'stop-limit':
        return limit ?? Number.NaN;
      case 'stop':
        return stop ?? Number.NaN;
      case 'market':
        return this.#lastClose.get(symbol) ?? Number.NaN;
      case 'trailing-stop':
        return Number.NaN;
    }
  }

  #onRisk(e: RiskEvent): void {
    if (e.breaker === undefined || (e.kind !== 'breaker-tripped' && e.kind !== 'breaker-reset')) return;
    const b = this.breakers.get(e.breaker) ?? { tripped: false, trips: 0 };
    if (e.kind === 'breaker-tripped') {
      b.tripped = true;
      b.trips++;
    } else b.tripped = false;
    this.breakers.set(e.breaker, b);
  }

  #venueError(kind: VenueErrorKind): void {
    this.venueErrors.set(kind, (this.venueErrors.get(kind) ?? 0) + 1);
  }

  /**
   * The broker link's state, sampled at every scrape and at most once a second as messages arrive: leaving 'connected' is a lost
   * connection, coming back to it a reconnect (a flap shorter than the sampling is not seen).
   */
  #sampleVenue(status: LiveStatus): void {
    this.#venueSampledAt = performance.now();
    const state = status.venue?.connection ?? null;
    if (state === null || state === this.#venueState) return;
    if (this.#venueState === 'connected') this.#venueError('connection_lost');
    if (state === 'connected') {
      if (this.#venueConnectedOnce) this.reconnects.venue++;
      this.#venueConnectedOnce = true;
    }
    this.#venueState = state;
  }

  #peakAt(equity: number): void {
    if (Number.isFinite(equity) && equity > this.#peak) this.#peak = equity;
  }

  #staleness(nowMs: number): number | null {
    const oldestClose = lastBarCloseMs(this.#node.node.feeds);
    return oldestClose === null ? null : Math.max(0, nowMs - oldestClose) / 1000;
  }

  /**
   * The day's starting equity, as the daily-loss breaker keeps it: the last equity seen before the day
   * began (on the node's clock, shifted by the breaker's dayOffsetMs), or the first one seen in the day
   * (after an attach mid-day: the equity at the attach).
   */
  #equityAt(tsMs: number, equity: number): void {
    if (!Number.isFinite(equity) || !Number.isFinite(tsMs)) return;
    const day = Math.floor((tsMs + this.#dayOffsetMs) / MS_PER_DAY);
    if (day !== this.#day) {
      this.#dayStart = Number.isNaN(this.#lastEquity) ? equity : this.#lastEquity;
      this.#day = day;
    }
    this.#lastEquity = equity;
  }

  /**
   * Notes when each traded symbol's market opened, as seen at the scrapes (a scrape interval late at most;
   * a bar that arrives in between closes after the opening anyway).
   */
  #sampleSessions(nowMs: number): void {
    if (!Number.isFinite(nowMs)) return;
    for (const f of this.#node.node.feeds) {
      if (f.venueSlot < 0) continue;
      const open = isSessionOpen(f.instrument.calendar, nowMs);
      const s = this.#sessions.get(f.instrument.symbol);
      // Open at the first sample: since an unknown time, so the last bar's close alone counts.
      if (s === undefined) this.#sessions.set(f.instrument.symbol, { open, openedMs: Number.NEGATIVE_INFINITY });
      else {
        if (open && !s.open) s.openedMs = nowMs;
        s.open = open;
      }
    }
  }

  #sessionStaleness(nowMs: number): number {
    let worst = 0;
    for (const f of this.#node.node.feeds) {
      const s = this.#sessions.get(f.instrument.symbol);
      if (f.venueSlot < 0 || s === undefined || !s.open) continue;
      const series = f.series;
      const lastClose = series.length === 0 ? Number.NEGATIVE_INFINITY : series.time[series.length - 1]! + series.timeframeMs;
      const since = Math.max(lastClose, s.openedMs);
      // Before its first bar and its first seen opening there is nothing to measure from.
      if (Number.isFinite(since)) worst = Math.max(worst, (nowMs - since) / 1000);
    }
    return worst;
  }
}

/** Feed status kinds that are errors (a Map: a kind such as 'constructor' must not find a prototype member). */
const FEED_ERRORS: ReadonlyMap<string, VenueErrorKind> = new Map([
  ['disconnected', 'feed_disconnected'], ['stale', 'feed_stale'], ['error', 'feed_error'], ['rejected-frame', 'feed_rejected_frame'], ['gap', 'feed_gap'],
]);
