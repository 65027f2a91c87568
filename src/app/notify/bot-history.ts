// A bot's results over a window of time, for the daily summary and per-day PnL: equity at the window's start
// and end (the first equity point at or after each bound, so consecutive windows chain; the starting cash in
// the window the run began), the trades closed
// and the fills made in it. Read from the store (flushed first for a running bot) and the bot queries.
import type { Store } from '../../store/store.ts';
import type { BotQueries } from '../bots/bot-queries.ts';
import type { BotService } from '../bots/bot-service.ts';
import type { BotPeriod } from './alert.ts';

export const DAY_MS = 86_400_000;
const ALL = { limit: Number.MAX_SAFE_INTEGER, offset: 0 };

/** One UTC day of a bot. */
export interface DayResult {
  readonly dayMs: number;
  readonly equityStart: number | null;
  readonly equityEnd: number | null;
  readonly pnl: number | null;
  readonly trades: number;
  readonly wins: number;
  readonly realized: number;
}

export class BotHistory {
  readonly #store: Store;
  readonly #bots: BotService;
  readonly #queries: BotQueries;

  constructor(store: Store, bots: BotService, queries: BotQueries) {
    this.#store = store;
    this.#bots = bots;
    this.#queries = queries;
  }

  /** Every bot that ran in [fromMs, toMs) or is running: its part of a summary. */
  async period(fromMs: number, toMs: number): Promise<BotPeriod[]> {
    const out: BotPeriod[] = [];
    for (const view of this.#bots.list()) {
      if ((await this.#store.getRun(view.id)) === null) continue;
      const [row] = await this.#windows(view.id, [fromMs], toMs - fromMs);
      const fills = (await this.#queries.fills(view.id, ALL)).filter((f) => within(Date.parse(f.time), fromMs, toMs)).length;
      if (view.state !== 'running' && row!.equityStart === null && row!.trades === 0 && fills === 0) continue;
      out.push({ botId: view.id, name: view.name, state: view.state, equityStart: row!.equityStart, equityEnd: row!.equityEnd, pnl: row!.pnl, trades: row!.trades, wins: row!.wins, realized: row!.realized, fills });
    }
    return out;
  }

  /** The last `days` UTC days of a bot up to the day of `nowMs`, oldest first. */
  async daily(botId: string, days: number, nowMs: number): Promise<DayResult[]> {
    this.#bots.get(botId);
    if ((await this.#store.getRun(botId)) === null) return [];
    const today = nowMs - (nowMs % DAY_MS);
    const starts = Array.from({ length: days }, (_, i) => today - (days - 1 - i) * DAY_MS);
    return this.#windows(botId, starts, DAY_MS);
  }

  async #windows(botId: string, starts: readonly number[], lengthMs: number): Promise<DayResult[]> {
    if (this.#bots.sessionOrNull(botId) !== null) await this.#store.flush();
    const trades = await this.#queries.trades(botId, ALL);
    const latest = await this.#store.latestEquity(botId);
    // A run that began in a window began it with its starting cash (its first snapshot comes a moment later).
    const run = await this.#store.getRun(botId);
    const cash = (run?.config as { cash?: unknown } | undefined)?.cash;
    const out: DayResult[] = [];
    for (const from of starts) {
      const to = from + lengthMs;
      const first = await this.#store.firstEquitySince(botId, from);
      const startPoint = first !== null && first.tsMs < to ? first : null;
      const endPoint = startPoint === null ? null : ((await this.#store.firstEquitySince(botId, to)) ?? latest);
      const closed = trades.filter((t) => within(Date.parse(t.exitTime), from, to));
      const startedHere = run !== null && typeof cash === 'number' && within(run.startedMs, from, to);
      const equityStart = startPoint === null ? null : startedHere ? cash : startPoint.equity;
      const equityEnd = endPoint?.equity ?? null;
      out.push({
        dayMs: from, equityStart, equityEnd, pnl: equityStart !== null && equityEnd !== null ? equityEnd - equityStart : null,
        trades: closed.length, wins: closed.filter((t) => t.pnl > 0).length, realized: closed.reduce((s, t) => s + t.pnl, 0),
      });
    }
    return out;
  }
}

const within = (ms: number, from: number, to: number): boolean => ms >= from && ms < to;
