// Alerts from every running bot, for a notification transport. Each bot's bus is read through queued
// subscriptions (as the WebSocket fan-out does), so nothing here runs inside the trading loop's call stack and
// nothing thrown here reaches it: fills, trades closed (the kernel's round trips), breaker trips, strategy
// errors, reconciliation corrections (while running, and those a start made), and venue links going down and
// coming back (the broker link's connection events, the market-data feed's status). A daily summary is sent
// when the clock passes the configured UTC time. The notification settings (enabled, events) filter all of
// it (the listener also gets them, for its own recipients); a listener's failure goes to `onError`, never thrown.
import type { PaperSession } from '../paper.ts';
import type { BotQueries } from '../bots/bot-queries.ts';
import type { BotService } from '../bots/bot-service.ts';
import type { NotificationSettings, SettingsService } from '../settings-service.ts';
import type { Alert } from './alert.ts';
import { DAY_MS, type BotHistory } from './bot-history.ts';

export interface AlertFeedDeps {
  readonly bots: BotService;
  readonly queries: BotQueries;
  readonly settings: SettingsService;
  readonly history: BotHistory;
}

export interface AlertFeedOptions {
  /** The clock of the daily summary (tests inject one). */
  readonly now?: () => number;
  /** The daily summary's UTC time as HH:MM, read at each check; null: none. */
  readonly summaryTime?: () => string | null;
  /** How often the clock is checked against the summary time (default 20 s). */
  readonly checkEveryMs?: number;
  /** How long the notification settings read are used before they are read again (default 2 s). */
  readonly settingsTtlMs?: number;
  readonly onError?: (e: unknown) => void;
}

/** Messages a slow listener may leave waiting per bot and topic before the oldest are dropped. */
const QUEUE = { capacity: 10_000 };

/** The latest time at or before `nowMs` whose UTC clock reads `hhmm`. */
export function lastDueMs(nowMs: number, hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const today = nowMs - (nowMs % DAY_MS) + (h * 60 + m) * 60_000;
  return today <= nowMs ? today : today - DAY_MS;
}

export class AlertFeed {
  readonly #deps: AlertFeedDeps;
  readonly #listener: (a: Alert, settings: NotificationSettings) => void;
  readonly #now: () => number;
  readonly #summaryTime: () => string | null;
  readonly #ttlMs: number;
  readonly #onError: (e: unknown) => void;
  readonly #attached = new Map<string, () => void>();
  /** Links of a bot that are down (`broker`, `feed`): their return is worth an alert. */
  readonly #down = new Map<string, Set<string>>();
  /** When each bot began starting (Date.now()): reconciliation rows from then on are the start's. */
  readonly #startingMs = new Map<string, number>();
  readonly #unwatch: () => void;
  readonly #timer: NodeJS.Timeout;
  #lastCheckMs: number;
  #settings: { readonly at: number; readonly value: Promise<NotificationSettings | null> } | null = null;
  #closed = false;

  constructor(deps: AlertFeedDeps, listener: (a: Alert, settings: NotificationSettings) => void, opts: AlertFeedOptions = {}) {
    this.#deps = deps;
    this.#listener = listener;
    this.#now = opts.now ?? Date.now;
    this.#summaryTime = opts.summaryTime ?? (() => null);
    this.#ttlMs = opts.settingsTtlMs ?? 2000;
    this.#onError = opts.onError ?? (() => undefined);
    this.#lastCheckMs = this.#now();
    for (const b of deps.bots.list()) {
      const s = b.state === 'running' ? deps.bots.sessionOrNull(b.id) : null;
      if (s !== null) this.#attach(b.id, s);
    }
    this.#unwatch = deps.bots.watch({
      started: (id, session) => {
        this.#attach(id, session);
        void this.#startReconciliation(id);
      },
      stopped: (id) => this.#detach(id),
      changed: (view) => {
        if (view.state === 'starting') this.#startingMs.set(view.id, Date.now());
      },
      // Called from the feed's own callback: handled on a later turn.
      feed: (id, kind, reason) => void setImmediate(() => this.#feed(id, kind, reason)),
    });
    this.#timer = setInterval(() => void this.checkSummary(), opts.checkEveryMs ?? 20_000);
    this.#timer.unref();
  }

  /** Sends the daily summary when the clock has passed its time since the last check. */
  async checkSummary(): Promise<void> {
    const now = this.#now();
    const since = this.#lastCheckMs;
    this.#lastCheckMs = now;
    const time = this.#summaryTime();
    if (time === null || this.#closed) return;
    const due = lastDueMs(now, time);
    if (due <= since) return;
    try {
      const bots = await this.#deps.history.period(due - DAY_MS, due);
      this.#deliver({ kind: 'daily-summary', tsMs: due, fromMs: due - DAY_MS, toMs: due, bots });
    } catch (e) {
      this.#onError(e);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#unwatch();
    for (const id of [...this.#attached.keys()]) this.#detach(id);
  }

  #attach(id: string, session: PaperSession): void {
    this.#detach(id);
    const bus = session.node.bus;
    const trades = session.node.kernel.trades.closed;
    // Round trips closed before now (restored fills) are old news.
    let seenTrades = trades.length;
    const stops = [
      bus.subscribe('order', (m) => {
        const { event: e, order: o } = m.payload;
        if (e.type !== 'OrderFilled') return;
        this.#deliver({
          kind: 'fill', botId: id, tsMs: e.fill.tsEventMs, strategyId: e.strategyId, orderId: e.orderId, symbol: e.symbol, side: e.fill.side, qty: e.fill.qty,
          price: e.fill.price, commission: e.fill.commission, orderStatus: o.status, filledQty: o.filledQty, orderQty: o.qty, tag: o.request.tag ?? null,
        });
        for (; seenTrades < trades.length; seenTrades++) {
          const t = trades[seenTrades]!;
          this.#deliver({
            kind: 'trade', botId: id, tsMs: t.exitTimeMs, symbol: t.symbol, side: t.side, qty: t.qty, entryPrice: t.entryPrice, exitPrice: t.exitPrice,
            entryTsMs: t.entryTimeMs, pnl: t.pnl, commission: t.commission,
          });
        }
      }, { name: 'alerts.order', queue: QUEUE }),
      bus.subscribe('risk', (m) => this.#risk(id, m.payload.kind, m.payload.reason, m.tsMs, m.payload.breaker ?? null, m.payload.action ?? null), { name: 'alerts.risk', queue: QUEUE }),
      bus.subscribe('strategy.error', (m) => this.#deliver({ kind: 'strategy-error', botId: id, tsMs: m.tsMs, strategyId: m.payload.strategyId, message: m.payload.message }), { name: 'alerts.strategy-error', queue: QUEUE }),
    ];
    this.#attached.set(id, () => {
      for (const s of stops) s();
    });
  }

  #detach(id: string): void {
    this.#attached.get(id)?.();
    this.#attached.delete(id);
    this.#down.delete(id);
  }

  #risk(id: string, kind: string, reason: string, tsMs: number, breaker: string | null, action: string | null): void {
    if (kind === 'breaker-tripped') this.#deliver({ kind: 'breaker', botId: id, tsMs, breaker: breaker ?? 'breaker', action, reason });
    else if (kind === 'reconcile') this.#deliver({ kind: 'reconciliation', botId: id, tsMs, reason });
    else if (kind === 'venue-check') this.#deliver({ kind: 'venue', botId: id, tsMs, link: 'broker', state: 'error', reason });
    else if (kind === 'venue-connection') {
      // "<venue>: <previous> -> <state>[ (<reason>)]" (LiveNode's connection events).
      const state = /-> (\w+)/.exec(reason)?.[1];
      if (state === 'disconnected' || state === 'reconnecting') this.#linkDown(id, 'broker', 'down', reason, tsMs);
      else if (state === 'connected') this.#linkUp(id, 'broker', reason, tsMs);
    }
  }

  /** A market-data feed's status (BotService's `feed`): lost, stale, and flowing again after either. */
  #feed(id: string, kind: string, reason: string): void {
    const tsMs = Date.now();
    if (kind === 'disconnected') this.#linkDown(id, 'feed', 'down', reason, tsMs);
    else if (kind === 'stale') this.#linkDown(id, 'feed', 'stale', reason, tsMs);
    else if (kind === 'connected' || kind === 'fresh') this.#linkUp(id, 'feed', reason, tsMs);
  }

  #linkDown(id: string, link: 'broker' | 'feed', state: 'down' | 'stale', reason: string, tsMs: number): void {
    let down = this.#down.get(id);
    if (down === undefined) this.#down.set(id, (down = new Set()));
    down.add(link);
    this.#deliver({ kind: 'venue', botId: id, tsMs, link, state, reason });
  }

  #linkUp(id: string, link: 'broker' | 'feed', reason: string, tsMs: number): void {
    if (this.#down.get(id)?.delete(link) !== true) return;
    this.#deliver({ kind: 'venue', botId: id, tsMs, link, state: 'up', reason });
  }

  /** The corrections the bot's start made (restore and reconcile run before it is started): from the store. */
  async #startReconciliation(id: string): Promise<void> {
    const from = (this.#startingMs.get(id) ?? Date.now()) - 1000;
    this.#startingMs.delete(id);
    try {
      const { events } = await this.#deps.queries.risk(id);
      for (const e of events) {
        const tsMs = Date.parse(e.time);
        if (e.kind === 'reconcile' && tsMs >= from) this.#deliver({ kind: 'reconciliation', botId: id, tsMs, reason: e.reason });
      }
    } catch (e) {
      this.#onError(e);
    }
  }

  #notifications(): Promise<NotificationSettings | null> {
    const now = Date.now();
    if (this.#settings === null || now - this.#settings.at > this.#ttlMs) {
      this.#settings = { at: now, value: this.#deps.settings.notifications().catch((e: unknown) => (this.#onError(e), null)) };
    }
    return this.#settings.value;
  }

  /** Through the notification settings to the listener, in order (one settings read serves many alerts). */
  #deliver(a: Alert): void {
    if (this.#closed) return;
    void this.#notifications().then((s) => {
      if (this.#closed || s === null || !s.enabled || !s.events.includes(a.kind)) return;
      try {
        this.#listener(a, s);
      } catch (e) {
        this.#onError(e);
      }
    });
  }
}
