// What a notification transport (Telegram today) is told: one alert per event worth an operator's attention.
// The kinds are the notification settings' event names (NOTIFY_EVENTS), so the settings filter them as is.
import type { NOTIFY_EVENTS } from '../settings-service.ts';

export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** One bot's part of a daily summary: equity over the window, closed trades and fills in it. */
export interface BotPeriod {
  readonly botId: string;
  readonly name: string;
  readonly state: string;
  readonly equityStart: number | null;
  readonly equityEnd: number | null;
  /** equityEnd − equityStart (null without both). */
  readonly pnl: number | null;
  readonly trades: number;
  readonly wins: number;
  /** Net PnL of the trades closed in the window. */
  readonly realized: number;
  readonly fills: number;
}

export type Alert =
  | {
    readonly kind: 'fill'; readonly botId: string; readonly tsMs: number; readonly strategyId: string; readonly orderId: string; readonly symbol: string;
    readonly side: 'buy' | 'sell'; readonly qty: number; readonly price: number; readonly commission: number;
    /** The order after the fill: `filled`, or still working for a partial fill. */
    readonly orderStatus: string; readonly filledQty: number; readonly orderQty: number; readonly tag: string | null;
  }
  | {
    readonly kind: 'trade'; readonly botId: string; readonly tsMs: number; readonly symbol: string; readonly side: 'long' | 'short'; readonly qty: number;
    readonly entryPrice: number; readonly exitPrice: number; readonly entryTsMs: number; readonly pnl: number; readonly commission: number;
  }
  | { readonly kind: 'breaker'; readonly botId: string; readonly tsMs: number; readonly breaker: string; readonly action: string | null; readonly reason: string }
  | { readonly kind: 'strategy-error'; readonly botId: string; readonly tsMs: number; readonly strategyId: string; readonly message: string }
  | { readonly kind: 'reconciliation'; readonly botId: string; readonly tsMs: number; readonly reason: string }
  | {
    readonly kind: 'venue'; readonly botId: string; readonly tsMs: number;
    /** The broker link (orders) or the market-data feed. */
    readonly link: 'broker' | 'feed';
    /** `down` (disconnected, reconnecting), `stale` (no data), `error` (a failed check), `up` (back after one of those). */
    readonly state: 'down' | 'stale' | 'error' | 'up';
    readonly reason: string;
  }
  | { readonly kind: 'daily-summary'; readonly tsMs: number; readonly fromMs: number; readonly toMs: number; readonly bots: readonly BotPeriod[] };
