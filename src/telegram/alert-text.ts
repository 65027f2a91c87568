// One alert as a short Telegram HTML message: an emoji and a bold headline with the bot, then a line or two.
import type { Alert } from '../app/notify/alert.ts';
import { compact, cut, esc, money, price, qty, signed, stamp, table } from './format.ts';

const REASON_CHARS = 300;

function held(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

const head = (icon: string, title: string, botId: string): string => `${icon} <b>${esc(title)}</b> · ${esc(botId)}`;
const reason = (s: string): string => esc(cut(s, REASON_CHARS));

export function alertText(a: Alert): string {
  switch (a.kind) {
    case 'fill': {
      const notes = [a.strategyId, ...(a.commission > 0 ? [`fee ${money(a.commission)}`] : []), ...(a.orderStatus !== 'filled' ? [`part ${qty(a.filledQty)}/${qty(a.orderQty)}`] : []), ...(a.tag === 'manual' || a.tag === 'flatten' ? [a.tag] : [])];
      return `${a.side === 'buy' ? '🟢' : '🔴'} <b>${a.side === 'buy' ? 'Bought' : 'Sold'} ${esc(qty(a.qty))} ${esc(a.symbol)}</b> @ ${esc(price(a.price))}\n<i>${esc(a.botId)} · ${esc(notes.join(' · '))}</i>`;
    }
    case 'trade':
      return `${head(a.pnl >= 0 ? '✅' : '❌', `Trade closed ${signed(a.pnl)}`, a.botId)}\n${a.side} ${esc(qty(a.qty))} ${esc(a.symbol)} ${esc(price(a.entryPrice))} → ${esc(price(a.exitPrice))}\n<i>held ${held(a.tsMs - a.entryTsMs)}${a.commission > 0 ? ` · fees ${money(a.commission)}` : ''}</i>`;
    case 'breaker':
      return `${head('🚨', 'Breaker tripped', a.botId)}\n<code>${esc(a.breaker)}</code>${a.action === null ? '' : ` → ${esc(a.action)}`}\n${reason(a.reason)}`;
    case 'strategy-error':
      return `${head('💥', 'Strategy error', a.botId)}\n<code>${esc(a.strategyId)}</code> stopped: ${reason(a.message)}`;
    case 'reconciliation':
      return `${head('🔁', 'Reconciliation', a.botId)}\n${reason(a.reason)}`;
    case 'venue': {
      const title = a.link === 'broker'
        ? { down: 'Venue disconnected', stale: 'Venue stale', error: 'Venue check failed', up: 'Venue reconnected' }[a.state]
        : { down: 'Market data lost', stale: 'Market data stale', error: 'Market data error', up: 'Market data back' }[a.state];
      return `${head(a.state === 'up' ? '✅' : a.link === 'broker' ? '🔌' : '📡', title, a.botId)}\n${reason(a.reason)}`;
    }
    case 'daily-summary': {
      if (a.bots.length === 0) return `📊 <b>Daily summary</b> to ${esc(stamp(a.toMs))}\nNo bot traded.`;
      const rows = a.bots.map((b) => [b.botId, compact(b.equityEnd, 9), compact(b.pnl, 8, true), String(b.trades)]);
      const total = a.bots.reduce((s, b) => s + (b.pnl ?? 0), 0);
      const trades = a.bots.reduce((s, b) => s + b.trades, 0);
      const wins = a.bots.reduce((s, b) => s + b.wins, 0);
      const realized = a.bots.reduce((s, b) => s + b.realized, 0);
      const fills = a.bots.reduce((s, b) => s + b.fills, 0);
      return [
        `📊 <b>Daily summary</b> to ${esc(stamp(a.toMs))}`,
        table(['BOT', 'EQUITY', 'PNL', 'TRD'], rows, ['l', 'r', 'r', 'r']),
        `PnL ${signed(total)} · ${trades} trade${trades === 1 ? '' : 's'} (${wins} won) · realized ${signed(realized)} · ${fills} fill${fills === 1 ? '' : 's'}`,
      ].join('\n');
    }
  }
}
